import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager, IsNull, MoreThan } from 'typeorm';
import type { MeView, UserView } from '@app/contracts';
import { APP_CONFIG, AppError, clientAddressKey, randomToken, sha256Hex } from '@app/core';
import type { AppConfig } from '@app/core';
import { ApiKeyEntity, SessionEntity, TenantEntity, UserEntity } from '../accounts.entities';
import { dummyHash } from '../password';
import { ProjectDirectoryPort, type ProjectRef } from '../project-directory.port';
import { PasswordHasher } from './hash-gate';
import { LoginThrottle } from './login-throttle';
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
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
  ) {}

  /**
   * An email may belong to accounts in several tenants, each with its own password (team members are added per
   * tenant, and no answer may reveal that an email exists elsewhere). The login opens the account whose password
   * matches — the oldest if several do. All of an email's accounts share one salt, so this is one scrypt run, the
   * same as for an unknown email (checked against a dummy hash): timing does not tell them apart.
   */
  async login(email: string, password: string, clientIp: string | undefined): Promise<{ user: PublicUser; token: string; expiresAt: Date }> {
    const address = clientAddressKey(clientIp);
    const normalized = email.trim().toLowerCase();
    const ticket = await this.throttle.reserve(address, normalized);
    let outcome: 'ok' | 'failed' | 'busy' | 'aborted' = 'aborted';
    try {
      const users = await this.ds.getRepository(UserEntity).find({ where: { email: normalized }, order: { createdAt: 'ASC', id: 'ASC' } });
      const stored = users.length ? users.map((u) => u.passwordHash) : [await dummyHash()];
      // When checks queue up, the owner's usual address goes first, then addresses with no failure this minute.
      const priority = ticket.known ? 'top' : ticket.clean ? 'high' : 'low';
      outcome = 'busy';
      const matched = await this.hasher.match(password, stored, address, priority);
      outcome = 'aborted';
      const user = users.length && matched >= 0 ? users[matched] : undefined;
      if (!user) {
        outcome = 'failed';
        this.logger.log({ event: 'auth.login_failed', address }, 'login failed');
        throw new AppError('UNAUTHORIZED', 'Invalid email or password');
      }
      outcome = 'ok';
      const { token, expiresAt } = await this.createSession(user);
      return { user: toPublicUser(user), token, expiresAt };
    } finally {
      await this.throttle.settle(ticket, outcome).catch((e) => this.logger.warn({ event: 'auth.throttle_settle_failed', err: String(e) }, 'could not settle'));
    }
  }

  /** A new password hash for `email`, sharing the salt of the email's existing accounts (see login). */
  async hashNewPassword(email: string, password: string, gateKey: string, manager: EntityManager = this.ds.manager): Promise<string> {
    const prior = await manager.getRepository(UserEntity).findOne({ where: { email }, order: { createdAt: 'ASC', id: 'ASC' } });
    return this.hasher.hash(password, gateKey, prior?.passwordHash);
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

  /**
   * Creates a tenant, its owner and its default project in one transaction. An email already used in another tenant
   * is no obstacle (and no answer says so): the new owner is a separate account with its own password.
   */
  async createTenant(
    input: { companyName: string; name: string; email: string; password: string },
    clientIp?: string,
  ): Promise<{ tenant: TenantEntity; user: UserEntity; project: ProjectRef }> {
    const email = input.email.trim().toLowerCase();
    const passwordHash = await this.hashNewPassword(email, input.password, clientAddressKey(clientIp));
    return this.ds.transaction(async (m) => {
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
