import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ProjectDirectory, ProjectRef } from '@app/accounts';
import { ProjectEntity } from './project.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ref = (p: ProjectEntity): ProjectRef => ({ id: p.id, tenantId: p.tenantId, slug: p.slug, name: p.name });

/** Projects' side of accounts' ProjectDirectoryPort. */
@Injectable()
export class ProjectsDirectory implements ProjectDirectory {
  constructor(private readonly ds: DataSource) {}

  async findInTenant(tenantId: string, id: string): Promise<ProjectRef | null> {
    if (!UUID.test(id)) return null;
    const p = await this.ds.getRepository(ProjectEntity).findOne({ where: { id, tenantId } });
    return p ? ref(p) : null;
  }

  async createDefault(tenantId: string, manager: EntityManager): Promise<ProjectRef> {
    const repo = manager.getRepository(ProjectEntity);
    return ref(await repo.save(repo.create({ tenantId, name: 'Default', slug: 'default', isDefault: true, services: [] })));
  }
}
