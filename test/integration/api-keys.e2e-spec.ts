/*
 * Real: the whole app (api + worker roles), PostgreSQL (embedded), the AuthGuard. Spec-local: a dummy
 * @ProjectScoped() controller and a controller that throws, mounted beside the product (no production backdoor).
 */
import { createHash } from 'node:crypto';
import { Controller, Get, Module, Put } from '@nestjs/common';
import { Client } from 'pg';
import { CurrentProject, ProjectScoped, PublicKeyAllowed, RequirePermissions, AuthService } from '@app/accounts';
import type { ProjectContext } from '@app/accounts';
import { api, login, startTestApp, TestApp } from '../helpers/app';

@Controller('v1/spec-only')
class SpecOnlyController {
  @Get('project')
  @ProjectScoped()
  @PublicKeyAllowed()
  @RequirePermissions('analysis:read')
  project(@CurrentProject() p: ProjectContext) {
    return p;
  }

  @Put('project')
  @ProjectScoped()
  @RequirePermissions('config:write')
  write(@CurrentProject() p: ProjectContext) {
    return { wrote: p.id };
  }

  @Get('boom')
  @RequirePermissions('config:read')
  boom() {
    throw new Error('internal detail: relation "secret_table" does not exist at /srv/app/x.ts:42');
  }
}

@Module({ controllers: [SpecOnlyController] })
class SpecOnlyModule {}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('API keys and the project context', () => {
  let t: TestApp;
  let owner: string;
  let projectA: string; // default project of tenant 1
  let projectB: string; // second project of tenant 1
  let otherTenantProject: string;
  let otherTenantToken: string;
  let secretA: { id: string; key: string };
  let pubA: { id: string; key: string };
  let org: { id: string; key: string };

  const mkKey = async (body: Record<string, unknown>, token = owner) => {
    const r = await api(t.url, 'POST', '/v1/config/api-keys', { token, body });
    if (r.status !== 201) throw new Error(`key create failed: ${r.status} ${r.text}`);
    return r.json.data as { id: string; key: string; prefix: string; type: string; permissions: string[] };
  };

  beforeAll(async () => {
    t = await startTestApp({}, { extraModules: [SpecOnlyModule] });
    owner = await login(t.url);
    const list = await api(t.url, 'GET', '/v1/config/projects', { token: owner });
    projectA = list.json.data.find((p: any) => p.isDefault).id;
    projectB = (await api(t.url, 'POST', '/v1/config/projects', { token: owner, body: { name: 'B', slug: 'b' } })).json.data.id;
    // A second tenant, created through the service (signup is off on this installation).
    const other = await t.app.get(AuthService).createTenant({ companyName: 'Other', name: 'O', email: 'o@other.test', password: 'other-password-1' });
    otherTenantProject = other.project.id;
    otherTenantToken = await login(t.url, 'o@other.test', 'other-password-1');
    secretA = await mkKey({ name: 'server', type: 'secret', projectId: projectA, permissions: ['config:read', 'config:write', 'analysis:read'] });
    pubA = await mkKey({ name: 'sdk', type: 'public', projectId: projectA });
    org = await mkKey({ name: 'org', type: 'org', permissions: ['config:read', 'config:write', 'analysis:read'] });
  });
  afterAll(async () => t?.stop());

  describe('minting', () => {
    it('creates the three key types with their prefixes, shows the key once and stores only its sha256', async () => {
      expect(pubA.key).toMatch(/^ss_pub_[A-Za-z0-9_-]{20,}$/);
      expect(secretA.key).toMatch(/^ss_secret_[A-Za-z0-9_-]{20,}$/);
      expect(org.key).toMatch(/^ss_org_[A-Za-z0-9_-]{20,}$/);
      const list = await api(t.url, 'GET', '/v1/config/api-keys', { token: owner });
      expect(list.status).toBe(200);
      expect(Array.isArray(list.json.data)).toBe(true);
      expect(list.text).not.toContain(secretA.key);
      expect(list.text).not.toContain(pubA.key);
      expect(list.text).not.toContain(org.key);
      for (const k of list.json.data) expect(k.key).toBeUndefined();
      const listed = list.json.data.find((k: any) => k.id === secretA.id);
      expect(listed).toMatchObject({ type: 'secret', prefix: secretA.key.slice(0, 16), projectId: projectA, revoked: false });
      expect(listed.prefix).toHaveLength(16);
      expect(list.json.data.find((k: any) => k.id === org.id).projectId).toBeNull();

      const c = new Client({ connectionString: t.dbUrl });
      await c.connect();
      try {
        const rows = (await c.query('SELECT * FROM api_keys WHERE id = $1', [secretA.id])).rows;
        expect(rows[0].keyHash).toBe(sha256(secretA.key));
        expect(JSON.stringify(rows)).not.toContain(secretA.key);
      } finally {
        await c.end();
      }
    });

    it('locks public keys to analysis:create + analysis:read', async () => {
      expect((await api(t.url, 'GET', '/v1/config/api-keys', { token: owner })).json.data.find((k: any) => k.id === pubA.id).permissions.sort()).toEqual([
        'analysis:create',
        'analysis:read',
      ]);
      const bad = await api(t.url, 'POST', '/v1/config/api-keys', {
        token: owner,
        body: { name: 'x', type: 'public', projectId: projectA, permissions: ['config:write'] },
      });
      expect(bad.status).toBe(400);
      expect(bad.json.error.code).toBe('INVALID_PUBLIC_KEY_PERMISSIONS');
    });

    it('refuses bad key requests field by field', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ name: 'x', type: 'weird', permissions: ['config:read'] }, 'type'],
        [{ name: '', type: 'org', permissions: ['config:read'] }, 'name'],
        [{ name: 'x', type: 'org', permissions: ['apikey:write'] }, 'permissions'],
        [{ name: 'x', type: 'org', permissions: [] }, 'permissions'],
        [{ name: 'x', type: 'secret', permissions: ['config:read'] }, 'projectId'],
        [{ name: 'x', type: 'org', projectId: projectA, permissions: ['config:read'] }, 'projectId'],
        [{ name: 'x', type: 'secret', projectId: 'not-a-uuid', permissions: ['config:read'] }, 'projectId'],
      ];
      for (const [body, field] of cases) {
        const r = await api(t.url, 'POST', '/v1/config/api-keys', { token: owner, body });
        expect({ body, status: r.status, code: r.json.error.code }).toEqual({ body, status: 400, code: 'VALIDATION_ERROR' });
        expect(r.json.error.details.fields.map((f: any) => f.field)).toContain(field);
      }
      const otherTenant = await api(t.url, 'POST', '/v1/config/api-keys', {
        token: owner,
        body: { name: 'x', type: 'secret', projectId: otherTenantProject, permissions: ['config:read'] },
      });
      expect(otherTenant.status).toBe(404);
    });
  });

  describe('using keys', () => {
    it('authenticates with a key and shows lastUsedAt after use', async () => {
      const before = (await api(t.url, 'GET', '/v1/config/api-keys', { token: owner })).json.data.find((k: any) => k.id === org.id);
      expect(before.lastUsedAt).toBeNull();
      const me = await api(t.url, 'GET', '/v1/auth/me', { token: org.key });
      expect(me.status).toBe(200);
      expect(me.json.data).toMatchObject({ authenticatedBy: 'apiKey', key: { id: org.id, type: 'org', projectId: null } });
      let after: any = null;
      for (let i = 0; i < 50 && !after?.lastUsedAt; i++) {
        after = (await api(t.url, 'GET', '/v1/config/api-keys', { token: owner })).json.data.find((k: any) => k.id === org.id);
        if (!after.lastUsedAt) await new Promise((r) => setTimeout(r, 20));
      }
      expect(Date.parse(after.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('answers 401 UNAUTHORIZED for an unknown key and KEY_FORMAT_DEPRECATED for tb_ / ss_live_ keys', async () => {
      const unknown = await api(t.url, 'GET', '/v1/config/projects', { token: 'ss_secret_doesnotexist000000000000' });
      expect([unknown.status, unknown.json.error.code]).toEqual([401, 'UNAUTHORIZED']);
      for (const legacy of ['tb_abcdef0123456789', 'ss_live_abcdef0123456789']) {
        const r = await api(t.url, 'GET', '/v1/config/projects', { token: legacy });
        expect([r.status, r.json.error.code]).toEqual([401, 'KEY_FORMAT_DEPRECATED']);
      }
      const garbage = await api(t.url, 'GET', '/v1/config/projects', { token: 'not-a-session' });
      expect([garbage.status, garbage.json.error.code]).toEqual([401, 'UNAUTHORIZED']);
    });

    it('refuses API keys on api-keys and team routes with 403 DASHBOARD_ONLY', async () => {
      for (const [method, path, body] of [
        ['GET', '/v1/config/api-keys', undefined],
        ['POST', '/v1/config/api-keys', { name: 'x', type: 'org', permissions: ['config:read'] }],
        ['DELETE', `/v1/config/api-keys/${pubA.id}`, undefined],
        ['GET', '/v1/team/members', undefined],
        ['POST', '/v1/team/members', { email: 'k@x.test', name: 'k', password: 'long-enough-1', role: 'viewer' }],
      ] as const) {
        const r = await api(t.url, method, path, { token: org.key, body });
        expect({ path, method, status: r.status, code: r.json.error.code }).toEqual({ path, method, status: 403, code: 'DASHBOARD_ONLY' });
      }
    });

    it('refuses a public key on a config route with 403 SECRET_KEY_REQUIRED', async () => {
      const get = await api(t.url, 'GET', `/v1/config/projects/${projectA}`, { token: pubA.key });
      expect([get.status, get.json.error.code]).toEqual([403, 'SECRET_KEY_REQUIRED']);
      const put = await api(t.url, 'PUT', `/v1/config/projects/${projectA}`, { token: pubA.key, body: { name: 'x' } });
      expect([put.status, put.json.error.code]).toEqual([403, 'SECRET_KEY_REQUIRED']);
    });

    it('refuses a project key on project create with 403 ORG_KEY_REQUIRED; an org key may create', async () => {
      const r = await api(t.url, 'POST', '/v1/config/projects', { token: secretA.key, body: { name: 'Nope', slug: 'nope' } });
      expect([r.status, r.json.error.code]).toEqual([403, 'ORG_KEY_REQUIRED']);
      const ok = await api(t.url, 'POST', '/v1/config/projects', { token: org.key, body: { name: 'By org', slug: 'by-org' } });
      expect(ok.status).toBe(201);
    });

    it('refuses a write without the permission with 403 FORBIDDEN', async () => {
      const ro = await mkKey({ name: 'ro', type: 'secret', projectId: projectA, permissions: ['config:read'] });
      expect((await api(t.url, 'GET', `/v1/config/projects/${projectA}`, { token: ro.key })).status).toBe(200);
      const put = await api(t.url, 'PUT', `/v1/config/projects/${projectA}`, { token: ro.key, body: { name: 'x' } });
      expect([put.status, put.json.error.code]).toEqual([403, 'FORBIDDEN']);
    });

    it('a project key reads only its own project: another project → 403 WRONG_PROJECT, same answer for another tenant or nothing', async () => {
      const own = await api(t.url, 'GET', `/v1/config/projects/${projectA}`, { token: secretA.key });
      expect(own.status).toBe(200);
      const sibling = await api(t.url, 'GET', `/v1/config/projects/${projectB}`, { token: secretA.key });
      const foreign = await api(t.url, 'GET', `/v1/config/projects/${otherTenantProject}`, { token: secretA.key });
      const missing = await api(t.url, 'GET', '/v1/config/projects/00000000-0000-4000-8000-000000000000', { token: secretA.key });
      const putForeign = await api(t.url, 'PUT', `/v1/config/projects/${otherTenantProject}`, { token: secretA.key, body: { name: 'pwn' } });
      for (const r of [sibling, foreign, missing, putForeign]) {
        expect(r.status).toBe(403);
        expect(r.json.error).toEqual(sibling.json.error);
      }
      expect(sibling.json.error.code).toBe('WRONG_PROJECT');
      const list = await api(t.url, 'GET', '/v1/config/projects', { token: secretA.key });
      expect(list.json.data.map((p: any) => p.id)).toEqual([projectA]);
    });

    it("an org key or a session reads another tenant's project as 404", async () => {
      for (const token of [org.key, owner]) {
        const r = await api(t.url, 'GET', `/v1/config/projects/${otherTenantProject}`, { token });
        expect([r.status, r.json.error.code]).toEqual([404, 'NOT_FOUND']);
        const p = await api(t.url, 'PUT', `/v1/config/projects/${otherTenantProject}`, { token, body: { name: 'pwn' } });
        expect(p.status).toBe(404);
      }
      const theirs = await api(t.url, 'GET', `/v1/config/projects/${otherTenantProject}`, { token: otherTenantToken });
      expect(theirs.json.data.name).toBe('Default');
    });

    it('revoking makes the key answer 401 API_KEY_REVOKED at once, and the record stays', async () => {
      const k = await mkKey({ name: 'short-lived', type: 'org', permissions: ['config:read'] });
      expect((await api(t.url, 'GET', '/v1/config/projects', { token: k.key })).status).toBe(200);
      const del = await api(t.url, 'DELETE', `/v1/config/api-keys/${k.id}`, { token: owner });
      expect(del.status).toBe(200);
      expect(del.json.data).toMatchObject({ id: k.id, revoked: true });
      const r = await api(t.url, 'GET', '/v1/config/projects', { token: k.key });
      expect([r.status, r.json.error.code]).toEqual([401, 'API_KEY_REVOKED']);
      const listed = (await api(t.url, 'GET', '/v1/config/api-keys', { token: owner })).json.data.find((x: any) => x.id === k.id);
      expect(listed.revoked).toBe(true);
      expect((await api(t.url, 'DELETE', `/v1/config/api-keys/${k.id}`, { token: otherTenantToken })).status).toBe(404);
      expect((await api(t.url, 'DELETE', '/v1/config/api-keys/not-a-uuid', { token: owner })).status).toBe(404);
    });

    it('another tenant neither sees nor revokes our keys', async () => {
      const theirs = await api(t.url, 'GET', '/v1/config/api-keys', { token: otherTenantToken });
      expect(theirs.json.data.map((k: any) => k.id)).not.toContain(secretA.id);
      expect(theirs.text).not.toContain(secretA.key.slice(0, 16));
      const r = await api(t.url, 'DELETE', `/v1/config/api-keys/${secretA.id}`, { token: otherTenantToken });
      expect([r.status, r.json.error.code]).toEqual([404, 'NOT_FOUND']);
      expect((await api(t.url, 'GET', '/v1/auth/me', { token: secretA.key })).status).toBe(200);
    });
  });

  describe('AuthGuard project context on a @ProjectScoped() route', () => {
    const route = '/v1/spec-only/project';

    it('a project key implies its project; the same X-Project-Id is fine', async () => {
      for (const key of [secretA.key, pubA.key]) {
        const r = await api(t.url, 'GET', route, { token: key });
        expect(r.status).toBe(200);
        expect(r.json.data).toMatchObject({ id: projectA, slug: 'default' });
        expect((await api(t.url, 'GET', route, { token: key, headers: { 'x-project-id': projectA } })).status).toBe(200);
      }
    });

    it('a project key with another X-Project-Id → 403 WRONG_PROJECT whoever owns the id', async () => {
      const ids = [projectB, otherTenantProject, '00000000-0000-4000-8000-000000000000', 'garbage'];
      const answers = await Promise.all(ids.map((id) => api(t.url, 'GET', route, { token: secretA.key, headers: { 'x-project-id': id } })));
      for (const r of answers) {
        expect(r.status).toBe(403);
        expect(r.json.error).toEqual(answers[0].json.error);
      }
      expect(answers[0].json.error.code).toBe('WRONG_PROJECT');
    });

    it('an org key or a session without X-Project-Id → 400 MISSING_PROJECT_ID', async () => {
      for (const token of [org.key, owner]) {
        const r = await api(t.url, 'GET', route, { token });
        expect([r.status, r.json.error.code]).toEqual([400, 'MISSING_PROJECT_ID']);
      }
    });

    it('an org key or a session names its project with X-Project-Id', async () => {
      for (const token of [org.key, owner]) {
        const r = await api(t.url, 'GET', route, { token, headers: { 'x-project-id': projectB } });
        expect(r.status).toBe(200);
        expect(r.json.data).toMatchObject({ id: projectB, slug: 'b' });
      }
    });

    it('a project outside the tenant, unknown or malformed → 404', async () => {
      for (const token of [org.key, owner]) {
        for (const id of [otherTenantProject, '00000000-0000-4000-8000-000000000000', 'garbage']) {
          const r = await api(t.url, 'GET', route, { token, headers: { 'x-project-id': id } });
          expect({ id, status: r.status, code: r.json.error.code }).toEqual({ id, status: 404, code: 'NOT_FOUND' });
        }
      }
    });

    it('key type and permission rules still apply on project routes', async () => {
      const pubWrite = await api(t.url, 'PUT', route, { token: pubA.key, body: {} });
      expect([pubWrite.status, pubWrite.json.error.code]).toEqual([403, 'SECRET_KEY_REQUIRED']);
      const ok = await api(t.url, 'PUT', route, { token: secretA.key, body: {} });
      expect(ok.json.data).toEqual({ wrote: projectA });
    });
  });

  describe('opaque 500', () => {
    it('answers INTERNAL_ERROR with details.requestId and no internals', async () => {
      const r = await api(t.url, 'GET', '/v1/spec-only/boom', { token: owner, headers: { 'x-request-id': 'req-boom-1' } });
      expect(r.status).toBe(500);
      expect(r.json).toEqual({ success: false, error: { code: 'INTERNAL_ERROR', message: 'Internal server error', details: { requestId: 'req-boom-1' } } });
      expect(r.headers.get('x-request-id')).toBe('req-boom-1');
      expect(r.text).not.toMatch(/secret_table|\/srv\/app|stack/);
      // The detail is in the log, correlated by request id.
      expect(t.logs.some((l) => l.includes('secret_table') && l.includes('req-boom-1'))).toBe(true);
    });

    it('generates a request id when none (or a malformed one) is sent', async () => {
      const r = await api(t.url, 'GET', '/v1/spec-only/boom', { token: owner, headers: { 'x-request-id': 'bad id with spaces' } });
      const id = r.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.json.error.details.requestId).toBe(id);
    });
  });
});
