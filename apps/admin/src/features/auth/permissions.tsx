import type { Permission } from '@app/contracts';
import { useMe } from './api/auth';

/** Role-aware UI: `can('config:write')` hides write controls the user lacks. The server enforces regardless. */
export function hasPermission(perms: readonly string[] | undefined, p: Permission): boolean {
  return !!perms && perms.includes(p);
}

export function usePermissions() {
  const me = useMe();
  const perms = me.data?.permissions;
  return { can: (p: Permission) => hasPermission(perms, p), me: me.data };
}

export function Can({ permission, children }: { permission: Permission; children: React.ReactNode }) {
  const { can } = usePermissions();
  return can(permission) ? <>{children}</> : null;
}
