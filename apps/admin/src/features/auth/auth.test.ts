import { describe, expect, it } from 'vitest';
import { safeNext } from './routes/login';
import { validateLogin, validateSignup } from './validation';
import { hasPermission } from './permissions';
import { validateKey } from '@/features/api-keys/api/api-keys';

describe('login redirect', () => {
  it('follows only same-app paths', () => {
    expect(safeNext('/projects/shop/support-desk/b1')).toBe('/projects/shop/support-desk/b1');
    expect(safeNext(null)).toBe('/projects');
    expect(safeNext('https://evil.example')).toBe('/projects');
    expect(safeNext('//evil.example')).toBe('/projects');
    expect(safeNext('/login?next=/x')).toBe('/projects');
  });
});

describe('auth forms validate before sending', () => {
  it('login', () => {
    expect(validateLogin({ email: 'nope', password: '' })).toEqual({ email: 'Enter a valid email address', password: 'Enter your password' });
    expect(validateLogin({ email: 'a@b.co', password: 'x' })).toEqual({ email: undefined, password: undefined });
    // the embedded default owner
    expect(validateLogin({ email: 'admin@localhost', password: 'x' }).email).toBeUndefined();
  });
  it('signup', () => {
    const e = validateSignup({ name: '', email: 'a@b.co', password: 'short', companyName: '' });
    expect(e.name).toBeDefined();
    expect(e.password).toMatch(/8 characters/);
    expect(e.companyName).toBeDefined();
    expect(e.email).toBeUndefined();
  });
});

describe('role-aware UI', () => {
  it('hasPermission', () => {
    expect(hasPermission(['config:read'], 'config:write')).toBe(false);
    expect(hasPermission(['config:write'], 'config:write')).toBe(true);
    expect(hasPermission(undefined, 'team:read')).toBe(false);
  });
});

describe('API key form', () => {
  it('public keys are limited to analysis permissions; project keys need a project', () => {
    expect(validateKey({ name: 'sdk', type: 'public', projectId: 'p', permissions: ['analysis:read', 'config:write'] }).permissions).toMatch(/Public keys/);
    expect(validateKey({ name: 'ci', type: 'secret', projectId: '', permissions: ['config:read'] }).projectId).toBeDefined();
    expect(validateKey({ name: 'org', type: 'org', projectId: '', permissions: ['config:read'] })).toEqual({
      name: undefined,
      projectId: undefined,
      permissions: undefined,
    });
    expect(validateKey({ name: ' ', type: 'org', projectId: '', permissions: [] })).toMatchObject({
      name: 'Enter a name',
      permissions: 'Choose at least one permission',
    });
  });
});
