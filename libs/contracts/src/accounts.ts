/** Roles, permissions and API-key rules (product reference §2.2, §2.13) and the account shapes of /v1/auth, /v1/team, /v1/config/api-keys. */

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type UserRole = (typeof ROLES)[number];
/** Roles a team manager can give (nobody is made owner). */
export const ASSIGNABLE_ROLES = ['admin', 'member', 'viewer'] as const satisfies readonly UserRole[];

export const PERMISSIONS = [
  'analysis:read',
  'analysis:create',
  'config:read',
  'config:write',
  'apikey:write',
  'team:read',
  'team:manage',
  'project:delete',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<UserRole, Permission[]> = {
  owner: [...PERMISSIONS],
  admin: ['analysis:read', 'analysis:create', 'config:read', 'config:write', 'apikey:write', 'team:read', 'team:manage'],
  member: ['analysis:read', 'analysis:create', 'config:read', 'config:write', 'apikey:write', 'team:read'],
  viewer: ['analysis:read', 'config:read', 'team:read'],
};

/** Permissions an API key may carry (reference §2.13: no apikey:*, keys cannot mint keys). */
export const KEY_PERMISSIONS = ['analysis:create', 'analysis:read', 'config:read', 'config:write'] as const;
export type KeyPermission = (typeof KEY_PERMISSIONS)[number];
/** Publishable keys create and read analyses only. */
export const PUBLIC_KEY_PERMISSIONS = ['analysis:create', 'analysis:read'] as const satisfies readonly KeyPermission[];

export const KEY_TYPES = ['public', 'secret', 'org'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const KEY_PREFIX: Record<KeyType, string> = { public: 'ss_pub_', secret: 'ss_secret_', org: 'ss_org_' };

/** Who can change whose role (reference §2.2): nobody makes an owner, changes the owner or themselves; owners and admins change the rest. */
export function canChangeRole(actor: { id: string; role: UserRole }, target: { id: string; role: UserRole }, newRole: UserRole): boolean {
  if (newRole === 'owner') return false;
  return canManageMember(actor, target);
}

/** Whether `actor` may change or remove `target` at all (the SPA hides the controls otherwise). */
export function canManageMember(actor: { id: string; role: UserRole }, target: { id: string; role: UserRole }): boolean {
  if (actor.id === target.id) return false;
  if (target.role === 'owner') return false;
  return actor.role === 'owner' || actor.role === 'admin';
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  tenantId: string;
  createdAt: string;
}

/** GET /v1/auth/me */
export interface MeView {
  user: UserView | null;
  tenant: { id: string; name: string };
  permissions: Permission[];
  authenticatedBy: 'session' | 'apiKey';
  key?: { id: string; type: KeyType; projectId: string | null };
}

export interface LoginRequest {
  email: string;
  password: string;
}
export interface LoginResponse {
  user: UserView;
  token: string;
}
export interface SignupRequest {
  name: string;
  email: string;
  password: string;
  companyName: string;
}

export interface CreateMemberRequest {
  email: string;
  name: string;
  password: string;
  role: UserRole;
}
export interface UpdateMemberRequest {
  role: UserRole;
}

/** GET /v1/team/members: a member and the working API keys they created (removing them revokes those). */
export interface TeamMemberView extends UserView {
  activeApiKeys: number;
}
/** DELETE /v1/team/members/:id: the removed member and how many of their API keys were revoked with them. */
export interface RemovedMemberView extends UserView {
  revokedApiKeys: number;
}

/** `manual`: DELETE /v1/config/api-keys/:id; `creator_removed`: its creator left the team. */
export type ApiKeyRevokedReason = 'manual' | 'creator_removed';

export interface ApiKeyView {
  id: string;
  name: string;
  type: KeyType;
  prefix: string;
  projectId: string | null;
  permissions: string[];
  createdAt: string;
  /** Updated at most once a minute. */
  lastUsedAt: string | null;
  revoked: boolean;
  revokedAt: string | null;
  /** Null while the key works. */
  revokedReason: ApiKeyRevokedReason | null;
  /** Who created it; `removed` once they left the team (name and email are then unknown). */
  createdBy: { id: string; name: string | null; email: string | null; removed: boolean } | null;
}
/** POST /v1/config/api-keys: the key itself is returned this once only. */
export type CreatedApiKey = ApiKeyView & { key: string };
export interface CreateApiKeyRequest {
  name: string;
  type: KeyType;
  projectId?: string;
  permissions?: string[];
}

/** GET /v1/auth/signup-enabled */
export interface SignupEnabledResponse {
  enabled: boolean;
}
/** POST /v1/auth/logout */
export interface LogoutResponse {
  loggedOut: true;
}
