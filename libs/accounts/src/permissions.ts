/** Roles and the permission matrix of the product reference §2.2. */
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type UserRole = (typeof ROLES)[number];

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

export const KEY_TYPES = ['public', 'secret', 'org'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const KEY_PREFIX: Record<KeyType, string> = { public: 'ss_pub_', secret: 'ss_secret_', org: 'ss_org_' };

/** Who can change whose role (reference §2.2). */
export function canChangeRole(actor: { id: string; role: UserRole }, target: { id: string; role: UserRole }, newRole: UserRole): boolean {
  if (newRole === 'owner') return false;
  if (actor.id === target.id) return false;
  if (target.role === 'owner') return false;
  if (actor.role === 'owner') return true;
  if (actor.role === 'admin') return true; // members, viewers and other admins (the owner is excluded above)
  return false;
}
