/*
 * Real: the whole app, PostgreSQL (embedded), sessions. Stand-ins: none.
 * Team roles (reference §2.2), signup (ALLOW_SIGNUP), tenant isolation.
 */
import { api, login, OWNER, startTestApp, TestApp } from '../helpers/app';

describe('team roles, signup, tenant isolation', () => {
  let t: TestApp;
  let owner: string;
  let ownerId: string;
  const users: Record<'admin' | 'admin2' | 'member' | 'viewer', { id: string; token: string; email: string }> = {} as any;
  let projectId: string;

  const addMember = async (key: keyof typeof users, role: string) => {
    const email = `${key}@example.com`;
    const password = `${key}-password-123`;
    const r = await api(t.url, 'POST', '/v1/team/members', { token: owner, body: { email, name: key, password, role } });
    expect(r.status).toBe(201);
    expect(r.json.data).toMatchObject({ email, role });
    expect(r.json.data.passwordHash).toBeUndefined();
    users[key] = { id: r.json.data.id, email, token: await login(t.url, email, password) };
  };

  beforeAll(async () => {
    t = await startTestApp({ ALLOW_SIGNUP: 'true' });
    owner = await login(t.url);
    ownerId = (await api(t.url, 'GET', '/v1/auth/me', { token: owner })).json.data.user.id;
    projectId = (await api(t.url, 'GET', '/v1/config/projects', { token: owner })).json.data[0].id;
    await addMember('admin', 'admin');
    await addMember('admin2', 'admin');
    await addMember('member', 'member');
    await addMember('viewer', 'viewer');
  });
  afterAll(async () => t?.stop());

  it('lists the team as a plain array without password hashes, for every role', async () => {
    for (const token of [owner, users.viewer.token]) {
      const r = await api(t.url, 'GET', '/v1/team/members', { token });
      expect(r.status).toBe(200);
      expect(r.json.data.map((u: any) => u.role).sort()).toEqual(['admin', 'admin', 'member', 'owner', 'viewer']);
      expect(r.text).not.toMatch(/passwordHash|scrypt\$/);
    }
  });

  it('refuses bad member input', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ email: 'not-an-email', name: 'x', password: 'long-enough-1', role: 'member' }, 400, 'VALIDATION_ERROR'],
      [{ email: 'short@example.com', name: 'x', password: 'short', role: 'member' }, 400, 'VALIDATION_ERROR'],
      [{ email: 'own@example.com', name: 'x', password: 'long-enough-1', role: 'owner' }, 400, 'VALIDATION_ERROR'],
      [{ email: 'r@example.com', name: 'x', password: 'long-enough-1', role: 'superuser' }, 400, 'VALIDATION_ERROR'],
      [{ email: 'MEMBER@example.com', name: 'x', password: 'long-enough-1', role: 'member' }, 409, 'EMAIL_EXISTS'],
    ];
    for (const [body, status, code] of cases) {
      const r = await api(t.url, 'POST', '/v1/team/members', { token: owner, body });
      expect({ body, status: r.status, code: r.json.error.code }).toEqual({ body, status, code });
    }
  });

  it('a viewer can read but cannot write anything (403 FORBIDDEN)', async () => {
    const v = users.viewer.token;
    expect((await api(t.url, 'GET', '/v1/config/projects', { token: v })).status).toBe(200);
    const writes: Array<[string, string, unknown]> = [
      ['POST', '/v1/config/projects', { name: 'V', slug: 'v' }],
      ['PUT', `/v1/config/projects/${projectId}`, { name: 'renamed' }],
      ['DELETE', `/v1/config/projects/${projectId}`, { confirm: 'default' }],
      ['POST', '/v1/config/api-keys', { name: 'k', type: 'org', permissions: ['config:read'] }],
      ['POST', '/v1/team/members', { email: 'v2@example.com', name: 'v', password: 'long-enough-1', role: 'viewer' }],
      ['PUT', `/v1/team/members/${users.member.id}`, { role: 'viewer' }],
      ['DELETE', `/v1/team/members/${users.member.id}`, undefined],
    ];
    for (const [method, path, body] of writes) {
      const r = await api(t.url, method, path, { token: v, body });
      expect({ method, path, status: r.status, code: r.json.error.code }).toEqual({ method, path, status: 403, code: 'FORBIDDEN' });
    }
  });

  it('a member writes config and keys but cannot manage the team or delete projects', async () => {
    const m = users.member.token;
    const p = await api(t.url, 'POST', '/v1/config/projects', { token: m, body: { name: 'Member proj', slug: 'member-proj' } });
    expect(p.status).toBe(201);
    expect((await api(t.url, 'POST', '/v1/config/api-keys', { token: m, body: { name: 'k', type: 'org', permissions: ['config:read'] } })).status).toBe(201);
    const del = await api(t.url, 'DELETE', `/v1/config/projects/${p.json.data.id}`, { token: m, body: { confirm: 'member-proj' } });
    expect([del.status, del.json.error.code]).toEqual([403, 'FORBIDDEN']);
    for (const [method, path, body] of [
      ['POST', '/v1/team/members', { email: 'm2@example.com', name: 'm', password: 'long-enough-1', role: 'viewer' }],
      ['PUT', `/v1/team/members/${users.viewer.id}`, { role: 'member' }],
      ['DELETE', `/v1/team/members/${users.viewer.id}`, undefined],
    ] as const) {
      const r = await api(t.url, method, path, { token: m, body });
      expect([r.status, r.json.error.code]).toEqual([403, 'FORBIDDEN']);
    }
  });

  it('an admin changes members, viewers and other admins, but not the owner or itself', async () => {
    const a = users.admin.token;
    const up = await api(t.url, 'PUT', `/v1/team/members/${users.viewer.id}`, { token: a, body: { role: 'member' } });
    expect(up.status).toBe(200);
    expect(up.json.data.role).toBe('member');
    expect((await api(t.url, 'PUT', `/v1/team/members/${users.viewer.id}`, { token: a, body: { role: 'viewer' } })).json.data.role).toBe('viewer');
    expect((await api(t.url, 'PUT', `/v1/team/members/${users.admin2.id}`, { token: a, body: { role: 'member' } })).status).toBe(200);
    expect((await api(t.url, 'PUT', `/v1/team/members/${users.admin2.id}`, { token: a, body: { role: 'admin' } })).status).toBe(200);
    const onOwner = await api(t.url, 'PUT', `/v1/team/members/${ownerId}`, { token: a, body: { role: 'member' } });
    expect([onOwner.status, onOwner.json.error.code]).toEqual([403, 'FORBIDDEN']);
    const self = await api(t.url, 'PUT', `/v1/team/members/${users.admin.id}`, { token: a, body: { role: 'member' } });
    expect([self.status, self.json.error.code]).toEqual([403, 'FORBIDDEN']);
    const removeOwner = await api(t.url, 'DELETE', `/v1/team/members/${ownerId}`, { token: a });
    expect([removeOwner.status, removeOwner.json.error.code]).toEqual([403, 'FORBIDDEN']);
    const team = (await api(t.url, 'GET', '/v1/team/members', { token: owner })).json.data;
    expect(team.find((u: any) => u.id === ownerId).role).toBe('owner');
  });

  it('nobody can become owner, and the owner cannot change its own role', async () => {
    for (const [token, target] of [
      [owner, users.admin.id],
      [users.admin.token, users.member.id],
      [owner, ownerId],
    ]) {
      const r = await api(t.url, 'PUT', `/v1/team/members/${target}`, { token, body: { role: 'owner' } });
      expect([r.status, r.json.error.code]).toEqual([403, 'FORBIDDEN']);
    }
    const self = await api(t.url, 'PUT', `/v1/team/members/${ownerId}`, { token: owner, body: { role: 'admin' } });
    expect([self.status, self.json.error.code]).toEqual([403, 'FORBIDDEN']);
    const owners = (await api(t.url, 'GET', '/v1/team/members', { token: owner })).json.data.filter((u: any) => u.role === 'owner');
    expect(owners).toHaveLength(1);
    const bad = await api(t.url, 'PUT', `/v1/team/members/${users.member.id}`, { token: owner, body: { role: 'root' } });
    expect(bad.status).toBe(400);
  });

  it('a role change takes effect at once on existing sessions', async () => {
    expect((await api(t.url, 'POST', '/v1/config/projects', { token: users.admin2.token, body: { name: 'A2', slug: 'a2' } })).status).toBe(201);
    await api(t.url, 'PUT', `/v1/team/members/${users.admin2.id}`, { token: owner, body: { role: 'viewer' } });
    const r = await api(t.url, 'POST', '/v1/config/projects', { token: users.admin2.token, body: { name: 'A3', slug: 'a3' } });
    expect([r.status, r.json.error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it("a removed member's session stops working at once, and login fails", async () => {
    expect((await api(t.url, 'GET', '/v1/auth/me', { token: users.member.token })).status).toBe(200);
    const del = await api(t.url, 'DELETE', `/v1/team/members/${users.member.id}`, { token: users.admin.token });
    expect(del.status).toBe(200);
    expect(del.json.data.id).toBe(users.member.id);
    const me = await api(t.url, 'GET', '/v1/auth/me', { token: users.member.token });
    expect([me.status, me.json.error.code]).toEqual([401, 'UNAUTHORIZED']);
    const relog = await api(t.url, 'POST', '/v1/auth/login', { body: { email: users.member.email, password: 'member-password-123' } });
    expect(relog.status).toBe(401);
    expect((await api(t.url, 'DELETE', `/v1/team/members/${users.member.id}`, { token: owner })).status).toBe(404);
    const self = await api(t.url, 'DELETE', `/v1/team/members/${users.admin.id}`, { token: users.admin.token });
    expect([self.status, self.json.error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('logout ends the session', async () => {
    const token = await login(t.url);
    expect((await api(t.url, 'POST', '/v1/auth/logout', { token })).status).toBe(200);
    expect((await api(t.url, 'GET', '/v1/auth/me', { token })).status).toBe(401);
    expect((await api(t.url, 'GET', '/v1/auth/me', { token: owner })).status).toBe(200);
  });

  describe('signup and a second tenant', () => {
    let other: string;
    let otherProject: string;
    let otherUserId: string;

    beforeAll(async () => {
      const r = await api(t.url, 'POST', '/v1/auth/signup', {
        body: { name: 'Eve', email: 'eve@tenant2.test', password: 'eve-password-123', companyName: 'Tenant Two' },
      });
      expect(r.status).toBe(201);
      expect(r.json.data).toMatchObject({ user: { email: 'eve@tenant2.test', role: 'owner' }, tenant: { name: 'Tenant Two' }, project: { slug: 'default' } });
      other = r.json.data.token;
      otherProject = r.json.data.project.id;
      otherUserId = r.json.data.user.id;
      expect(r.headers.get('set-cookie')).toMatch(/ss_session=/);
    });

    it('reports signup enabled and refuses bad signups; an email used in another tenant is a separate account (issue 19.8)', async () => {
      expect((await api(t.url, 'GET', '/v1/auth/signup-enabled')).json.data).toEqual({ enabled: true });
      // Answering EMAIL_EXISTS here would tell anyone that the email has an account somewhere.
      const dup = await api(t.url, 'POST', '/v1/auth/signup', { body: { name: 'X', email: OWNER.email, password: 'whatever-123', companyName: 'X' } });
      expect(dup.status).toBe(201);
      expect(dup.json.data.tenant.name).toBe('X');
      // Each account answers to its own password; the original owner still lands in the original tenant.
      const mine = await api(t.url, 'GET', '/v1/auth/me', { token: await login(t.url) });
      expect(mine.json.data.user.id).toBe(ownerId);
      const theirs = await api(t.url, 'GET', '/v1/auth/me', { token: await login(t.url, OWNER.email, 'whatever-123') });
      expect(theirs.json.data.tenant.name).toBe('X');
      expect(theirs.json.data.user.id).not.toBe(ownerId);
      const bad = await api(t.url, 'POST', '/v1/auth/signup', { body: { name: 'X', email: 'x@x.test', password: 'short', companyName: '' } });
      expect(bad.status).toBe(400);
      expect(bad.json.error.details.fields.map((f: any) => f.field).sort()).toEqual(['companyName', 'password']);
    });

    it('the new tenant sees only its own projects, keys and members', async () => {
      const projects = (await api(t.url, 'GET', '/v1/config/projects', { token: other })).json.data;
      expect(projects.map((p: any) => p.id)).toEqual([otherProject]);
      const members = (await api(t.url, 'GET', '/v1/team/members', { token: other })).json.data;
      expect(members.map((u: any) => u.id)).toEqual([otherUserId]);
      expect((await api(t.url, 'GET', '/v1/config/api-keys', { token: other })).json.data).toEqual([]);
      // Same slug in another tenant is fine (unique per tenant).
      expect((await api(t.url, 'POST', '/v1/config/projects', { token: other, body: { name: 'Member proj', slug: 'member-proj' } })).status).toBe(201);
    });

    it("cannot read or write the first tenant's projects, keys or members (404, nothing changes)", async () => {
      const ownKey = await api(t.url, 'POST', '/v1/config/api-keys', { token: owner, body: { name: 'mine', type: 'org', permissions: ['config:read'] } });
      const attempts: Array<[string, string, unknown]> = [
        ['GET', `/v1/config/projects/${projectId}`, undefined],
        ['PUT', `/v1/config/projects/${projectId}`, { name: 'pwned' }],
        ['DELETE', `/v1/config/projects/${projectId}`, { confirm: 'default' }],
        ['DELETE', `/v1/config/api-keys/${ownKey.json.data.id}`, undefined],
        ['PUT', `/v1/team/members/${users.viewer.id}`, { role: 'admin' }],
        ['DELETE', `/v1/team/members/${users.viewer.id}`, undefined],
        ['POST', '/v1/config/api-keys', { name: 'x', type: 'secret', projectId, permissions: ['config:read'] }],
      ];
      for (const [method, path, body] of attempts) {
        const r = await api(t.url, method, path, { token: other, body });
        expect({ method, path, status: r.status, code: r.json.error.code }).toEqual({ method, path, status: 404, code: 'NOT_FOUND' });
        expect(r.text).not.toMatch(/Default|viewer@example\.com/);
      }
      expect((await api(t.url, 'GET', `/v1/config/projects/${projectId}`, { token: owner })).json.data.name).toBe('Default');
      expect((await api(t.url, 'GET', '/v1/auth/me', { token: users.viewer.token })).json.data.user.role).toBe('viewer');
      expect((await api(t.url, 'GET', '/v1/auth/me', { token: ownKey.json.data.key })).status).toBe(200);
    });
  });
});

describe('signup disabled', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(); // DATABASE_URL set → ALLOW_SIGNUP defaults to false
  });
  afterAll(async () => t?.stop());

  it('answers 403 SIGNUP_DISABLED and creates nothing', async () => {
    expect((await api(t.url, 'GET', '/v1/auth/signup-enabled')).json.data).toEqual({ enabled: false });
    const r = await api(t.url, 'POST', '/v1/auth/signup', { body: { name: 'Eve', email: 'eve@x.test', password: 'eve-password-123', companyName: 'X' } });
    expect([r.status, r.json.error.code]).toEqual([403, 'SIGNUP_DISABLED']);
    const login = await api(t.url, 'POST', '/v1/auth/login', { body: { email: 'eve@x.test', password: 'eve-password-123' } });
    expect(login.status).toBe(401);
  });
});
