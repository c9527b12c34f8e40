import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A project as accounts needs it (the request's project context, a key's project, a new tenant's default). */
export interface ProjectRef {
  id: string;
  tenantId: string;
  slug: string;
  name: string;
}

/** What accounts asks of projects (implemented by projects: `accounts ← projects`, never the reverse). */
export interface ProjectDirectory {
  /** The project with this id in this tenant, or null. */
  findInTenant(tenantId: string, id: string): Promise<ProjectRef | null>;
  /** Creates a new tenant's default project inside its signup transaction. */
  createDefault(tenantId: string, manager: EntityManager): Promise<ProjectRef>;
}

/** The port accounts declares; ProjectsModule registers its directory at module init (`port.use(directory)`). */
@Injectable()
export class ProjectDirectoryPort implements ProjectDirectory {
  private directory: ProjectDirectory | null = null;

  use(directory: ProjectDirectory): void {
    if (this.directory && this.directory !== directory) throw new Error('ProjectDirectoryPort already has a directory');
    this.directory = directory;
  }

  private get d(): ProjectDirectory {
    if (!this.directory) throw new Error('No project directory registered (ProjectsModule is not loaded)');
    return this.directory;
  }

  findInTenant(tenantId: string, id: string): Promise<ProjectRef | null> {
    return this.d.findInTenant(tenantId, id);
  }

  createDefault(tenantId: string, manager: EntityManager): Promise<ProjectRef> {
    return this.d.createDefault(tenantId, manager);
  }
}
