import { Injectable, Logger } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { AppError } from '@app/core';
import type { ProjectView, ServiceDefinition } from '@app/contracts';
import { ProjectEntity } from './project.entity';

interface Caller {
  tenantId: string;
  keyProjectId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function normaliseServices(services: ServiceDefinition[] | undefined): ServiceDefinition[] | undefined {
  if (!services) return undefined;
  const seen = new Set<string>();
  const out: ServiceDefinition[] = [];
  for (const s of services) {
    const name = s.name.trim();
    if (seen.has(name.toLowerCase()))
      throw new AppError('VALIDATION_ERROR', `Duplicate service "${name}"`, { fields: [{ field: 'services', message: `duplicate service "${name}"` }] });
    seen.add(name.toLowerCase());
    out.push({
      name,
      ...(s.aliases?.length ? { aliases: [...new Set(s.aliases.map((a) => a.trim()).filter(Boolean))] } : {}),
      ...(s.critical ? { critical: true } : {}),
    });
  }
  return out;
}

@Injectable()
export class ProjectsService {
  private readonly logger = new Logger('projects');

  constructor(private readonly ds: DataSource) {}

  private async views(projects: ProjectEntity[]): Promise<ProjectView[]> {
    if (!projects.length) return [];
    const ids = projects.map((p) => p.id);
    const counts = new Map<string, { a: number; l: number }>();
    const [a, l] = await Promise.all([
      this.ds.query(`SELECT "projectId" AS id, count(*)::int AS n FROM analyses WHERE "projectId" = ANY($1) GROUP BY 1`, [ids]),
      this.ds.query(`SELECT "projectId" AS id, count(*)::int AS n FROM log_sources WHERE "projectId" = ANY($1) GROUP BY 1`, [ids]),
    ]);
    for (const r of a) counts.set(r.id, { a: r.n, l: 0 });
    for (const r of l) counts.set(r.id, { a: counts.get(r.id)?.a ?? 0, l: r.n });
    return projects.map((p) => ({
      id: p.id,
      name: p.name,
      slug: p.slug,
      description: p.description,
      isDefault: p.isDefault,
      llmContext: p.llmContext,
      services: p.services ?? [],
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
      analysisCount: counts.get(p.id)?.a ?? 0,
      logSourceCount: counts.get(p.id)?.l ?? 0,
    }));
  }

  async list(c: Caller): Promise<ProjectView[]> {
    const where = c.keyProjectId ? { tenantId: c.tenantId, id: c.keyProjectId } : { tenantId: c.tenantId };
    return this.views(await this.ds.getRepository(ProjectEntity).find({ where, order: { createdAt: 'ASC' } }));
  }

  async get(c: Caller, id: string): Promise<ProjectEntity> {
    if (c.keyProjectId && c.keyProjectId !== id) throw new AppError('WRONG_PROJECT', 'This key belongs to another project');
    const p = UUID.test(id) ? await this.ds.getRepository(ProjectEntity).findOne({ where: { id, tenantId: c.tenantId } }) : null;
    if (!p) throw new AppError('NOT_FOUND', 'Project not found');
    return p;
  }

  /** A project by id, for work that already knows it belongs to the caller (jobs). */
  findById(id: string): Promise<ProjectEntity | null> {
    return this.ds.getRepository(ProjectEntity).findOne({ where: { id } });
  }

  async getView(c: Caller, id: string): Promise<ProjectView> {
    return (await this.views([await this.get(c, id)]))[0];
  }

  async create(
    c: Caller,
    dto: { name: string; slug: string; description?: string; llmContext?: string | null; services?: ServiceDefinition[] },
  ): Promise<ProjectView> {
    try {
      const p = await this.ds.getRepository(ProjectEntity).save(
        this.ds.getRepository(ProjectEntity).create({
          tenantId: c.tenantId,
          name: dto.name.trim(),
          slug: dto.slug,
          description: dto.description ?? null,
          llmContext: dto.llmContext ?? null,
          services: normaliseServices(dto.services) ?? [],
          isDefault: false,
        }),
      );
      return (await this.views([p]))[0];
    } catch (e) {
      throw this.mapUnique(e, dto.slug);
    }
  }

  async update(
    c: Caller,
    id: string,
    dto: Partial<{ name: string; slug: string; description: string | null; llmContext: string | null; services: ServiceDefinition[] }>,
  ): Promise<ProjectView> {
    const p = await this.get(c, id);
    if (dto.slug !== undefined && dto.slug !== p.slug && p.isDefault)
      throw new AppError('VALIDATION_ERROR', "The default project's slug is locked", {
        fields: [{ field: 'slug', message: "the default project's slug cannot change" }],
      });
    if (dto.name !== undefined) p.name = dto.name.trim();
    if (dto.slug !== undefined) p.slug = dto.slug;
    if (dto.description !== undefined) p.description = dto.description;
    if (dto.llmContext !== undefined) p.llmContext = dto.llmContext;
    if (dto.services !== undefined) p.services = normaliseServices(dto.services)!;
    try {
      await this.ds.getRepository(ProjectEntity).save(p);
    } catch (e) {
      throw this.mapUnique(e, p.slug);
    }
    return (await this.views([p]))[0];
  }

  async remove(c: Caller, id: string, confirm: string): Promise<ProjectView> {
    const p = await this.get(c, id);
    if (p.isDefault) throw new AppError('CANNOT_DELETE_DEFAULT', 'The default project cannot be deleted');
    if (confirm !== p.slug) throw new AppError('CONFIRMATION_MISMATCH', `Type the project slug "${p.slug}" to confirm deletion`);
    const view = (await this.views([p]))[0];
    await this.ds.transaction(async (m) => {
      for (const t of ['analyses', 'log_sources', 'api_keys']) await m.query(`DELETE FROM ${t} WHERE "projectId" = $1`, [p.id]);
      await m.getRepository(ProjectEntity).delete({ id: p.id });
    });
    this.logger.log({ event: 'project.deleted', projectId: p.id }, 'project deleted');
    return view;
  }

  private mapUnique(e: unknown, slug: string): unknown {
    if (e instanceof QueryFailedError && (e.driverError as { code?: string } | undefined)?.code === '23505')
      return new AppError('SLUG_EXISTS', `A project with slug "${slug}" already exists`);
    return e;
  }
}
