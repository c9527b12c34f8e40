import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiKeyView, CreatedApiKey } from '@app/contracts';
import { AppError, randomToken, sha256Hex } from '@app/core';
import { ApiKeyEntity } from './accounts.entities';
import type { Principal } from './auth/principal';
import { KEY_PERMISSIONS, KEY_PREFIX, KeyType } from './permissions';
import { ProjectDirectoryPort } from './project-directory.port';

const view = (k: ApiKeyEntity): ApiKeyView => ({
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
    return keys.map(view);
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
    const entity = await this.ds.getRepository(ApiKeyEntity).save(
      this.ds.getRepository(ApiKeyEntity).create({
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
    this.logger.log({ event: 'apikey.created', keyId: entity.id, type: entity.type, actor: p.userId }, 'api key created');
    return { ...view(entity), key };
  }

  async revoke(p: Principal, id: string): Promise<ApiKeyView> {
    const repo = this.ds.getRepository(ApiKeyEntity);
    const k = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findOne({ where: { id, tenantId: p.tenantId } }) : null;
    if (!k) throw new AppError('NOT_FOUND', 'API key not found');
    if (!k.revokedAt) {
      k.revokedAt = new Date();
      await repo.save(k);
      this.logger.log({ event: 'apikey.revoked', keyId: k.id, actor: p.userId }, 'api key revoked');
    }
    return view(k);
  }
}
