import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager, IsNull, MoreThan } from 'typeorm';
import type { MeView, UserView } from '@app/contracts';
import { APP_CONFIG, AppError, randomToken, sha256Hex } from '@app/core';
import type { AppConfig } from '@app/core';
import { ApiKeyEntity, SessionEntity, TenantEntity, UserEntity } from '../accounts.entities';
import { dummyHash, hashPassword, verifyPassword } from '../password';
import { ProjectDirectoryPort, type ProjectRef } from '../project-directory.port';
import { KeyType, Permission, ROLE_PERMISSIONS } from '../permissions';
import { Principal, SESSION_TTL_MS } from './principal';

/** A user as the API shows it (never the password hash). */
export type PublicUser = UserView;

export function toPublicUser(u: UserEntity): PublicUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role, tenantId: u.tenantId, createdAt: u.createdAt.toISOString() };
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger('auth');

  constructor(
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly projects: ProjectDirectoryPort,
  ) {}

  async login(email: string, password: string): Promise<{ user: PublicUser; token: string; expiresAt: Date }> {
    const user = await this.ds.getRepository(UserEntity).findOne({ where: { email: email.trim().toLowerCase() } });
    // Always run one hash verification so a missing user and a wrong password take the same time.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!user || !ok) {
      this.logger.log({ event: 'auth.login_failed' }, 'login failed');
      throw new AppError('UNAUTHORIZED', 'Invalid email or password');
    }
    const { token, expiresAt } = await this.createSession(user);
    return { user: toPublicUser(user), token, expiresAt };
  }

  async createSession(user: UserEntity, manager: EntityManager = this.ds.manager) {
    const token = randomToken(32);
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    await manager.getRepository(SessionEntity).insert({ tokenHash: sha256Hex(token), userId: user.id, tenantId: user.tenantId, expiresAt });
    return { token, expiresAt };
  }

  async logout(token: string): Promise<void> {
    await this.ds.getRepository(SessionEntity).delete({ tokenHash: sha256Hex(token) });
  }

  /** Creates a tenant, its owner and its default project in one transaction. */
  async createTenant(input: {
    companyName: string;
    name: string;
    email: string;
    password: string;
  }): Promise<{ tenant: TenantEntity; user: UserEntity; project: ProjectRef }> {
    const email = input.email.trim().toLowerCase();
    const passwordHash = await hashPassword(input.password);
    return this.ds.transaction(async (m) => {
      if (await m.getRepository(UserEntity).exists({ where: { email } })) throw new AppError('EMAIL_EXISTS', 'An account with this email already exists');
      const tenant = await m.getRepository(TenantEntity).save(m.getRepository(TenantEntity).create({ name: input.companyName }));
      const user = await m
        .getRepository(UserEntity)
        .save(m.getRepository(UserEntity).create({ tenantId: tenant.id, email, name: input.name, passwordHash, role: 'owner' }));
      const project = await this.projects.createDefault(tenant.id, m);
      return { tenant, user, project };
    });
  }

  async me(p: Principal): Promise<MeView> {
    const tenant = await this.ds.getRepository(TenantEntity).findOneByOrFail({ id: p.tenantId });
    const user = p.userId ? await this.ds.getRepository(UserEntity).findOneBy({ id: p.userId }) : null;
    return {
      user: user ? toPublicUser(user) : null,
      tenant: { id: tenant.id, name: tenant.name },
      permissions: [...p.permissions].sort() as MeView['permissions'],
      authenticatedBy: p.kind,
      ...(p.kind === 'apiKey' ? { key: { id: p.keyId!, type: p.keyType!, projectId: p.keyProjectId } } : {}),
    };
  }

  /** Resolves a bearer token or cookie value to a principal, or throws the right 401. */
  async resolve(token: string, viaCookie: boolean): Promise<Principal> {
    if (/^(tb_|ss_live_)/.test(token))
      throw new AppError(
        'KEY_FORMAT_DEPRECATED',
        'This key format is no longer accepted: create an ss_pub_ key for browser use (the SigSentry SDK), or an ss_secret_ or ss_org_ key for servers',
      );
    if (/^ss_(pub|secret|org)_/.test(token)) return this.resolveKey(token);
    const session = await this.ds.getRepository(SessionEntity).findOne({ where: { tokenHash: sha256Hex(token), expiresAt: MoreThan(new Date()) } });
    if (!session) throw new AppError('UNAUTHORIZED', 'Session expired or invalid: log in again');
    const user = await this.ds.getRepository(UserEntity).findOneBy({ id: session.userId });
    if (!user) throw new AppError('UNAUTHORIZED', 'Session expired or invalid: log in again');
    return {
      kind: 'session',
      tenantId: user.tenantId,
      userId: user.id,
      role: user.role,
      permissions: new Set(ROLE_PERMISSIONS[user.role]),
      keyId: null,
      keyType: null,
      keyProjectId: null,
      viaCookie,
      scopeKey: `user:${user.id}`,
    };
  }

  private async resolveKey(token: string): Promise<Principal> {
    const repo = this.ds.getRepository(ApiKeyEntity);
    const key = await repo.findOne({ where: { keyHash: sha256Hex(token) } });
    if (!key) throw new AppError('UNAUTHORIZED', 'Invalid API key');
    if (key.revokedAt) throw new AppError('API_KEY_REVOKED', 'API key is revoked');
    // lastUsedAt at most once a minute per key, outside the request's critical path.
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) {
      repo.update({ id: key.id, revokedAt: IsNull() }, { lastUsedAt: new Date() }).catch(() => undefined);
    }
    return {
      kind: 'apiKey',
      tenantId: key.tenantId,
      userId: null,
      role: null,
      permissions: new Set(key.permissions as Permission[]),
      keyId: key.id,
      keyType: key.type as KeyType,
      keyProjectId: key.projectId,
      viaCookie: false,
      scopeKey: `key:${key.id}`,
    };
  }

  /** First-owner bootstrap (contract §2): only when the database has no user. */
  async bootstrapOwner(): Promise<{ created: boolean; email?: string; passwordFile?: string; note?: string }> {
    const count = await this.ds.getRepository(UserEntity).count();
    if (count > 0) return { created: false };
    const { adminEmail, adminPassword, embedded, dataDir } = this.config;
    if (adminEmail && adminPassword) {
      await this.createTenant({ companyName: 'SigSentry', name: 'Owner', email: adminEmail, password: adminPassword });
      return { created: true, email: adminEmail.toLowerCase() };
    }
    if (embedded) {
      const { writeFileSync, chmodSync } = await import('node:fs');
      const { join } = await import('node:path');
      const password = randomToken(18);
      const email = adminEmail ?? 'admin@localhost';
      await this.createTenant({ companyName: 'SigSentry', name: 'Admin', email, password });
      const file = join(dataDir, 'initial-admin.txt');
      writeFileSync(file, `email: ${email}\npassword: ${password}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
      return { created: true, email, passwordFile: file };
    }
    return { created: false, note: 'No user exists: set ADMIN_EMAIL and ADMIN_PASSWORD and restart to create the first owner (or enable ALLOW_SIGNUP).' };
  }
}
