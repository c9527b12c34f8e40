import type { KeyType, Permission, UserRole } from '../permissions';

/** Who is calling: a dashboard session or an API key. */
export interface Principal {
  kind: 'session' | 'apiKey';
  tenantId: string;
  userId: string | null;
  role: UserRole | null;
  permissions: Set<Permission | string>;
  keyId: string | null;
  keyType: KeyType | null;
  /** A project key's fixed project. */
  keyProjectId: string | null;
  /** Authenticated through the cookie (CSRF rule applies to writes). */
  viaCookie: boolean;
  /** Rate-limit and idempotency scope. */
  scopeKey: string;
}

export interface ProjectContext {
  id: string;
  tenantId: string;
  slug: string;
  name: string;
}

export const SESSION_COOKIE = 'ss_session';
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
