import { Injectable, Logger } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { ApiKeyView, CreatedApiKey } from '@app/contracts';
import { AppError, randomToken, sha256Hex } from '@app/core';
import { ApiKeyEntity, UserEntity } from './accounts.entities';
import type { Principal } from './auth/principal';
import { KEY_PERMISSIONS, KEY_PREFIX, KeyType } from './permissions';
import { ProjectDirectoryPort } from './project-directory.port';

type Creator = Pick<UserEntity, 'id' | 'name' | 'email'>;

const view = (k: ApiKeyEntity, creators: Map<string, Creator>): ApiKeyView => ({
  id: k.id,
  name: k.name,
  type: k.type,
  prefix: k.prefix,
  projectId: k.projectId,
  permissions: k.permissions,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revoked: !!k.revokedAt,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  revokedReason: k.revokedAt ? (k.revokedReason ?? 'manual') : null,
  createdBy: k.createdBy
    ? creators.has(k.createdBy)
      ? { id: k.createdBy, name: creators.get(k.createdBy)!.name, email: creators.get(k.createdBy)!.email, removed: false }
      : { id: k.createdBy, name: null, email: null, removed: true }
    : null,
});

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger('api-keys');

  constructor(
    private readonly ds: DataSource,
    private readonly projects: ProjectDirectoryPort,
  ) {}

  async list(p: Principal): Promise<ApiKeyView[]> {
    const keys = await this.ds.getRepository(ApiKeyEntity).find({ where: { tenantId: p.tenantId }, order: { createdAt: 'DESC' } });
    const ids = [...new Set(keys.map((k) => k.createdBy).filter((x): x is string => !!x))];
    const users = ids.length
      ? await this.ds.getRepository(UserEntity).find({ where: { id: In(ids), tenantId: p.tenantId }, select: { id: true, name: true, email: true } })
      : [];
    return keys.map((k) => view(k, new Map(users.map((u) => [u.id, u]))));
  }

  async create(p: Principal, dto: { name: string; type: KeyType; projectId?: string; permissions?: string[] }): Promise<CreatedApiKey> {
    let permissions = dto.permissions ?? [];
    if (dto.type === 'public') {
      if (permissions.some((x) => x !== 'analysis:create' && x !== 'analysis:read')) {
        throw new AppError('INVALID_PUBLIC_KEY_PERMISSIONS', 'Public keys are locked to analysis:create and analysis:read');
      }
      permissions = ['analysis:create', 'analysis:read'];
    } else if (permissions.length === 0) {
      throw new AppError('VALIDATION_ERROR', 'permissions must list at least one permission', {
        fields: [{ field: 'permissions', message: `choose from ${KEY_PERMISSIONS.join(', ')}` }],
      });
    }
    if (dto.type === 'org') {
      if (dto.projectId)
        throw new AppError('VALIDATION_ERROR', 'Org keys are tenant-wide and take no projectId', {
          fields: [{ field: 'projectId', message: 'must be empty for an org key' }],
        });
    } else {
      if (!dto.projectId)
        throw new AppError('VALIDATION_ERROR', 'Project keys need a projectId', {
          fields: [{ field: 'projectId', message: 'is required for public and secret keys' }],
        });
      const project = await this.projects.findInTenant(p.tenantId, dto.projectId);
      if (!project) throw new AppError('NOT_FOUND', 'Project not found');
    }
    const key = KEY_PREFIX[dto.type] + randomToken(32);
    // The creator's row is locked (FOR KEY SHARE) until the key is committed, so removing them at the same moment
    // either waits and then revokes this key, or happened first and this key is never made (TeamService.remove).
    const { entity, creator } = await this.ds.transaction(async (m) => {
      const creator = p.userId
        ? await m
            .getRepository(UserEntity)
            .createQueryBuilder('u')
            .select(['u.id', 'u.name', 'u.email'])
            .where('u.id = :id AND u.tenantId = :t', { id: p.userId, t: p.tenantId })
            .setLock('for_key_share')
            .getOne()
        : null;
      if (p.userId && !creator) throw new AppError('UNAUTHORIZED', 'Session expired or invalid: log in again');
      const entity = await m.getRepository(ApiKeyEntity).save(
        m.getRepository(ApiKeyEntity).create({
          tenantId: p.tenantId,
          projectId: dto.type === 'org' ? null : dto.projectId!,
          name: dto.name,
          type: dto.type,
          prefix: key.slice(0, 16),
          keyHash: sha256Hex(key),
          permissions,
          createdBy: p.userId,
        }),
      );
      return { entity, creator };
    });
    this.logger.log({ event: 'apikey.created', keyId: entity.id, type: entity.type, actor: p.userId }, 'api key created');
    return { ...view(entity, new Map(creator ? [[creator.id, creator]] : [])), key };
  }

  async revoke(p: Principal, id: string): Promise<ApiKeyView> {
    const repo = this.ds.getRepository(ApiKeyEntity);
    const k = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findOne({ where: { id, tenantId: p.tenantId } }) : null;
    if (!k) throw new AppError('NOT_FOUND', 'API key not found');
    if (!k.revokedAt) {
      k.revokedAt = new Date();
      k.revokedReason = 'manual';
      await repo.save(k);
      this.logger.log({ event: 'apikey.revoked', keyId: k.id, actor: p.userId }, 'api key revoked');
    }
    const creator = k.createdBy ? await this.ds.getRepository(UserEntity).findOne({ where: { id: k.createdBy, tenantId: p.tenantId } }) : null;
    return view(k, new Map(creator ? [[creator.id, creator]] : []));
  }
}
