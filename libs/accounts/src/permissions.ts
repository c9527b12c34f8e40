/** Roles, permissions and key rules live in libs/contracts (shared with the SPA); re-exported here for the accounts library. */
export {
  ROLES,
  type UserRole,
  PERMISSIONS,
  type Permission,
  ROLE_PERMISSIONS,
  KEY_PERMISSIONS,
  type KeyPermission,
  PUBLIC_KEY_PERMISSIONS,
  KEY_TYPES,
  type KeyType,
  KEY_PREFIX,
  canChangeRole,
} from '@app/contracts';
