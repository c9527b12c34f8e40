import { canChangeRole, canManageMember, ROLE_PERMISSIONS, ROLES, type UserRole } from './accounts';

describe('roles and who manages whom (product reference §2.2)', () => {
  const u = (id: string, role: UserRole) => ({ id, role });
  const owner = u('o', 'owner');
  const admin = u('a', 'admin');
  const member = u('m', 'member');

  it('nobody edits the owner or themselves; owners and admins edit the others', () => {
    expect(canManageMember(owner, admin)).toBe(true);
    expect(canManageMember(admin, member)).toBe(true);
    expect(canManageMember(admin, u('a2', 'admin'))).toBe(true);
    expect(canManageMember(admin, owner)).toBe(false);
    expect(canManageMember(admin, admin)).toBe(false);
    expect(canManageMember(member, u('v', 'viewer'))).toBe(false);
  });

  it('nobody is made owner', () => {
    expect(canChangeRole(owner, admin, 'owner')).toBe(false);
    expect(canChangeRole(owner, admin, 'viewer')).toBe(true);
  });

  it('every role has a permission list and only the four roles exist', () => {
    expect([...ROLES].sort()).toEqual(['admin', 'member', 'owner', 'viewer']);
    for (const r of ROLES) expect(ROLE_PERMISSIONS[r].length).toBeGreaterThan(0);
  });
});
