/*
 * Security — tenant isolation and roles (issue #9), as an automated matrix over every /v1 route.
 * The routes are enumerated from the running app (Express's router, cross-checked with /docs-json): a /v1 route that
 * is not classified below fails the suite, so a new route must be classified (and is then covered) before it ships.
 * Real: our app (api + worker), PostgreSQL (embedded), the file connector. Stand-in: the Intercom sandbox (install,
 * conversation + triage note).
 *
 * Tenant A ("ALPHA") owns one resource of every kind. Tenant B's sessions (owner/admin/member/viewer) and keys
 * (ss_secret_, ss_pub_, ss_org_) call every route with A's ids, with A's project and with their own project: never a
 * 2xx on A's resource, never A's data in a body, and A is unchanged afterwards. Within A: each role gets 403 exactly
 * on the routes needing a permission it lacks; ss_pub_ keys work only on /v1/analyses; keys never on dashboard routes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, OWNER } from '../helpers/app';
import { installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';

type Perm = 'analysis:read' | 'analysis:create' | 'config:read' | 'config:write' | 'apikey:write' | 'team:read' | 'team:manage' | 'project:delete';
type Kind = 'public' | 'self' | 'tenant' | 'resource';

interface RouteClass {
  kind: Kind;
  /** Permissions the route needs (contract §3, reference §2.2). */
  perms: Perm[];
  /** Needs X-Project-Id for sessions and org keys. */
  project?: boolean;
  /** ss_pub_ keys accepted. */
  publicKey?: boolean;
  /** Sessions only (keys → 403 DASHBOARD_ONLY). */
  dashboardOnly?: boolean;
  /** Org keys only among keys (project keys → 403 ORG_KEY_REQUIRED). */
  orgLevel?: boolean;
  /** Valid body for the route (so that a missing check would succeed). */
  body?: (ctx: Ctx) => unknown;
  /** Query string. */
  query?: (ctx: Ctx) => string;
}

interface Ctx {
  projectA: string;
  projectA2: string;
  projectA2Slug: string;
  projectB: string;
  n: number;
}

const ROLE_PERMS: Record<'owner' | 'admin' | 'member' | 'viewer', Perm[]> = {
  owner: ['analysis:read', 'analysis:create', 'config:read', 'config:write', 'apikey:write', 'team:read', 'team:manage', 'project:delete'],
  admin: ['analysis:read', 'analysis:create', 'config:read', 'config:write', 'apikey:write', 'team:read', 'team:manage'],
  member: ['analysis:read', 'analysis:create', 'config:read', 'config:write', 'apikey:write', 'team:read'],
  viewer: ['analysis:read', 'config:read', 'team:read'],
};
const KEY_PERMS: Perm[] = ['analysis:read', 'analysis:create', 'config:read', 'config:write'];

const window = () => ({ timeStart: new Date(Date.now() - 3_600_000).toISOString(), timeEnd: new Date().toISOString() });

/** Every /v1 route of the product, by "METHOD path" as Express knows it. */
const ROUTES: Record<string, RouteClass> = {
  'POST /v1/auth/login': { kind: 'public', perms: [] },
  'POST /v1/auth/signup': { kind: 'public', perms: [] },
  'GET /v1/auth/signup-enabled': { kind: 'public', perms: [] },
  'POST /v1/auth/logout': { kind: 'self', perms: [] },
  'GET /v1/auth/me': { kind: 'self', perms: [] },

  'GET /v1/config/projects': { kind: 'tenant', perms: ['config:read'] },
  'POST /v1/config/projects': {
    kind: 'tenant',
    perms: ['config:write'],
    orgLevel: true,
    body: (c) => ({ name: `B project ${c.n}`, slug: `b-project-${c.n}` }),
  },
  'GET /v1/config/projects/:id': { kind: 'resource', perms: ['config:read'] },
  'PUT /v1/config/projects/:id': { kind: 'resource', perms: ['config:write'], body: () => ({ name: 'hacked' }) },
  'DELETE /v1/config/projects/:id': { kind: 'resource', perms: ['project:delete'], body: (c) => ({ confirm: c.projectA2Slug }) },

  'GET /v1/config/api-keys': { kind: 'tenant', perms: ['config:read'], dashboardOnly: true },
  'POST /v1/config/api-keys': {
    kind: 'tenant',
    perms: ['apikey:write'],
    dashboardOnly: true,
    body: (c) => ({ name: 'stolen', type: 'secret', projectId: c.projectA, permissions: ['config:read'] }),
  },
  'DELETE /v1/config/api-keys/:id': { kind: 'resource', perms: ['apikey:write'], dashboardOnly: true },

  'GET /v1/team/members': { kind: 'tenant', perms: ['team:read'], dashboardOnly: true },
  'POST /v1/team/members': {
    kind: 'tenant',
    perms: ['team:manage'],
    dashboardOnly: true,
    body: (c) => ({ email: `b-new-${c.n}@b.example`, name: 'New', password: 'new member password', role: 'viewer' }),
  },
  'PUT /v1/team/members/:id': { kind: 'resource', perms: ['team:manage'], dashboardOnly: true, body: () => ({ role: 'admin' }) },
  'DELETE /v1/team/members/:id': { kind: 'resource', perms: ['team:manage'], dashboardOnly: true },

  'GET /v1/config/log-source-types': { kind: 'tenant', perms: ['config:read'] },
  'GET /v1/config/log-sources': { kind: 'tenant', perms: ['config:read'], project: true },
  'POST /v1/config/log-sources': {
    kind: 'tenant',
    perms: ['config:write'],
    project: true,
    body: () => ({ type: 'file', name: 'b source', credentials: {}, sources: ['*.ndjson'] }),
  },
  'GET /v1/config/log-sources/:id': { kind: 'resource', perms: ['config:read'], project: true },
  'PUT /v1/config/log-sources/:id': { kind: 'resource', perms: ['config:write'], project: true, body: () => ({ name: 'hacked' }) },
  'DELETE /v1/config/log-sources/:id': { kind: 'resource', perms: ['config:write'], project: true },
  'POST /v1/config/log-sources/:id/test': { kind: 'resource', perms: ['config:read'], project: true },
  'GET /v1/config/log-sources/:id/sources': { kind: 'resource', perms: ['config:read'], project: true },

  'POST /v1/analyses': {
    kind: 'tenant',
    perms: ['analysis:create'],
    project: true,
    publicKey: true,
    body: () => ({ description: 'checkout errors', ...window() }),
  },
  'GET /v1/analyses': { kind: 'tenant', perms: ['analysis:read'], project: true, publicKey: true },
  'GET /v1/analyses/:id': { kind: 'resource', perms: ['analysis:read'], project: true, publicKey: true },
  // ss_pub_ keys pass the guard on these, then see only analyses created with that same key (404 otherwise).
  'GET /v1/analyses/:id/screenshot': { kind: 'resource', perms: ['analysis:read'], project: true, publicKey: true },
  'GET /v1/analyses/:id/similar': { kind: 'resource', perms: ['analysis:read'], project: true, publicKey: true },
  'POST /v1/analyses/:id/postmortem': { kind: 'resource', perms: ['analysis:read'], project: true, publicKey: true },
  'POST /v1/analyses/:id/feedback': {
    kind: 'resource',
    perms: ['analysis:read'],
    project: true,
    publicKey: true,
    body: () => ({ accuracy: 'incorrect', comment: 'rated by someone else' }),
  },
  'POST /v1/analyses/:id/followup': { kind: 'resource', perms: ['analysis:create'], project: true, publicKey: true, body: () => ({ question: 'why?' }) },

  'GET /v1/config/support-desk': { kind: 'tenant', perms: ['config:read'], project: true },
  'GET /v1/config/support-desk/:id': { kind: 'resource', perms: ['config:read'], project: true },
  'PUT /v1/config/support-desk/:id': { kind: 'resource', perms: ['config:write'], project: true, body: () => ({ postingMode: 'public', timeBufferHours: 24 }) },
  'DELETE /v1/config/support-desk/:id': { kind: 'resource', perms: ['config:write'], project: true },
  'GET /v1/config/support-desk/:id/attributes': { kind: 'resource', perms: ['config:read'], project: true },
  'GET /v1/config/support-desk/:id/admins': { kind: 'resource', perms: ['config:read'], project: true },
  'POST /v1/config/support-desk/:id/template-preview': {
    kind: 'resource',
    perms: ['config:read'],
    project: true,
    body: () => ({ template: 'Hi {{ customer_name }} {{ project_name }}' }),
  },
  'GET /v1/support-desk/intercom/install': { kind: 'resource', perms: ['config:write'], dashboardOnly: true, query: (c) => `projectId=${c.projectA}` },
  'GET /v1/support-desk/conversations/:bindingId': { kind: 'resource', perms: ['analysis:read'] },
  'GET /v1/support-desk/conversations/:bindingId/:conversationId': { kind: 'resource', perms: ['analysis:read'] },
  'GET /v1/support-desk/conversations/:bindingId/:conversationId/canvas': { kind: 'resource', perms: ['analysis:read'] },

  'POST /v1/triage': { kind: 'tenant', perms: ['analysis:read'], body: () => ({ text: 'Checkout is down for everyone since 9am' }) },
  'POST /v1/support-desk/conversations/:bindingId/:conversationId/triage-feedback': {
    kind: 'resource',
    perms: ['analysis:create'],
    body: () => ({ severity: 'low', affectedService: null }),
  },
  'GET /v1/triage/feedback': { kind: 'tenant', perms: ['analysis:read'], project: true },
  'GET /v1/triage/feedback/stats': { kind: 'tenant', perms: ['analysis:read'], project: true },
  'DELETE /v1/triage/feedback/:id': { kind: 'resource', perms: ['analysis:create'], project: true },
  'DELETE /v1/triage/feedback/learned-words/:word': { kind: 'resource', perms: ['analysis:create'], project: true },

  'GET /v1/incidents': { kind: 'tenant', perms: ['analysis:read'], project: true },
  'GET /v1/incidents/:id': { kind: 'resource', perms: ['analysis:read'], project: true },
  'PUT /v1/incidents/:id': { kind: 'resource', perms: ['config:write'], project: true, body: () => ({ title: 'hacked', status: 'resolved' }) },
  'POST /v1/incidents/:id/merge': {
    kind: 'resource',
    perms: ['config:write'],
    project: true,
    body: () => ({ incidentId: '00000000-0000-4000-8000-00000000cafe' }),
  },
  'DELETE /v1/incidents/:id/conversations/:bindingId/:conversationId': { kind: 'resource', perms: ['config:write'], project: true },
  'POST /v1/incidents/:id/updates': { kind: 'resource', perms: ['config:write'], project: true, body: () => ({ message: 'hacked', resolve: true }) },
  'GET /v1/incidents/:id/updates/:updateId': { kind: 'resource', perms: ['analysis:read'], project: true },
};

const isWrite = (key: string) => !key.startsWith('GET ');
const MARK = 'ALPHA';

interface Caller {
  name: string;
  token: string;
  kind: 'session' | 'secret' | 'pub' | 'org';
  role?: keyof typeof ROLE_PERMS;
}

describe('security: tenant isolation and roles over every /v1 route', () => {
  let s: IntercomStack;
  const ctx: Ctx = { projectA: '', projectA2: '', projectA2Slug: 'alpha-two', projectB: '', n: 0 };
  /** A's resource ids by route parameter owner. */
  const A = { keyId: '', memberId: '', logSourceId: '', analysisId: '', bindingId: '', conversationId: '', correctionId: '', incidentId: '' };
  const aCallers: Caller[] = [];
  const bCallers: Caller[] = [];
  let routeKeys: string[] = [];
  let aSecrets: string[] = [];
  let aSnapshot: string;

  const url = () => s.app.url;

  const path = (key: string, ids: { id?: string; bindingId?: string; conversationId?: string }) => {
    const [, p] = key.split(' ');
    return p
      .replace(':bindingId', ids.bindingId ?? '')
      .replace(':conversationId', ids.conversationId ?? '')
      .replace(':id', ids.id ?? '');
  };
  /** A's real id for each `:id`. */
  const aIdFor = (key: string): string => {
    if (key.includes('/projects/')) return ctx.projectA2;
    if (key.includes('/api-keys/')) return A.keyId;
    if (key.includes('/team/members/')) return A.memberId;
    if (key.includes('/log-sources/')) return A.logSourceId;
    if (key.includes('/analyses/')) return A.analysisId;
    if (key.includes('/triage/feedback/')) return A.correctionId;
    if (key.includes('/support-desk/')) return A.bindingId;
    if (key.includes('/incidents/')) return A.incidentId;
    return '';
  };

  const call = async (
    key: string,
    c: Caller,
    opts: { ids: { id?: string; bindingId?: string; conversationId?: string }; projectHeader?: string | null; query?: string; body?: unknown },
  ) => {
    const [method] = key.split(' ');
    const headers: Record<string, string> = {};
    if (opts.projectHeader) headers['x-project-id'] = opts.projectHeader;
    let p = path(key, opts.ids);
    if (opts.query) p += `?${opts.query}`;
    return api(url(), method, p, { token: c.token, headers, body: opts.body });
  };

  /** A snapshot of everything tenant A has, read with A's owner session. */
  const snapshotA = async () => {
    const h = { 'x-project-id': ctx.projectA };
    const parts = await Promise.all([
      api(url(), 'GET', '/v1/config/projects', { token: s.token }),
      api(url(), 'GET', '/v1/config/api-keys', { token: s.token }),
      api(url(), 'GET', '/v1/team/members', { token: s.token }),
      api(url(), 'GET', '/v1/config/log-sources', { token: s.token, headers: h }),
      api(url(), 'GET', '/v1/config/support-desk', { token: s.token, headers: h }),
      api(url(), 'GET', '/v1/analyses?limit=100', { token: s.token, headers: h }),
      api(url(), 'GET', `/v1/support-desk/conversations/${A.bindingId}`, { token: s.token }),
      api(url(), 'GET', `/v1/incidents/${A.incidentId}`, { token: s.token, headers: h }),
      api(url(), 'GET', '/v1/triage/feedback', { token: s.token, headers: h }),
    ]);
    for (const r of parts) expect(r.status).toBe(200);
    const strip = (v: any): any =>
      Array.isArray(v)
        ? v.map(strip)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .filter(
                  ([k]) =>
                    ![
                      'lastUsedAt',
                      'updatedAt',
                      'lastEventAt',
                      'health',
                      'lastLoginAt',
                      'status',
                      'completedAt',
                      'startedAt',
                      'result',
                      'severity',
                      'summary',
                      'lastTestedAt',
                      'lastTest',
                    ].includes(k),
                )
                .map(([k, x]) => [k, strip(x)]),
            )
          : v;
    return JSON.stringify(parts.map((r) => strip(r.json.data)));
  };

  beforeAll(async () => {
    s = await startIntercomStack({
      ALLOW_SIGNUP: 'true',
      RATE_LIMIT_READ: '1000000',
      RATE_LIMIT_WRITE: '1000000',
      RATE_LIMIT_ANALYSIS: '1000000',
      LOG_SOURCE_TIMEOUT_MS: '3000',
    });
    ctx.projectA = s.projectId;
    const ownerA = s.token;
    await api(url(), 'PUT', `/v1/config/projects/${ctx.projectA}`, {
      token: ownerA,
      body: { name: `${MARK} default`, description: `${MARK} description`, services: [{ name: 'checkout', critical: true }] },
    });
    const p2 = await api(url(), 'POST', '/v1/config/projects', { token: ownerA, body: { name: `${MARK} two`, slug: ctx.projectA2Slug } });
    ctx.projectA2 = p2.json.data.id;
    // Team: one member of each role.
    aCallers.push({ name: 'A owner', token: ownerA, kind: 'session', role: 'owner' });
    for (const role of ['admin', 'member', 'viewer'] as const) {
      const m = await api(url(), 'POST', '/v1/team/members', {
        token: ownerA,
        body: { email: `${role}@alpha.example`, name: `${MARK} ${role}`, password: `${role} password alpha`, role },
      });
      expect(m.status).toBe(201);
      if (role === 'viewer') A.memberId = m.json.data.id;
      aCallers.push({
        name: `A ${role}`,
        token: (await api(url(), 'POST', '/v1/auth/login', { body: { email: `${role}@alpha.example`, password: `${role} password alpha` } })).json.data.token,
        kind: 'session',
        role,
      });
    }
    // Keys.
    const key = async (token: string, body: Record<string, unknown>) => {
      const r = await api(url(), 'POST', '/v1/config/api-keys', { token, body });
      expect(r.status).toBe(201);
      return r.json.data as { id: string; key: string };
    };
    const secretA = await key(ownerA, { name: `${MARK} secret`, type: 'secret', projectId: ctx.projectA, permissions: KEY_PERMS });
    A.keyId = secretA.id;
    aCallers.push({ name: 'A secret', token: secretA.key, kind: 'secret' });
    aCallers.push({ name: 'A pub', token: (await key(ownerA, { name: `${MARK} pub`, type: 'public', projectId: ctx.projectA })).key, kind: 'pub' });
    aCallers.push({ name: 'A org', token: (await key(ownerA, { name: `${MARK} org`, type: 'org', permissions: KEY_PERMS })).key, kind: 'org' });
    // A file log source, a binding, a triaged conversation and an analysis.
    // A's files in A's project folder (LOG_FILES_DIR/<projectId>/): B's file sources (`*.ndjson` below) read B's own.
    const logDir = join(s.app.dataDir, 'logs', ctx.projectA);
    mkdirSync(logDir, { recursive: true });
    writeFileSync(
      join(logDir, 'alpha.ndjson'),
      `${JSON.stringify({ timestamp: new Date(Date.now() - 60_000).toISOString(), level: 'error', service: 'checkout', message: `${MARK} payment failed` })}\n`,
    );
    const src = await api(url(), 'POST', '/v1/config/log-sources', {
      token: ownerA,
      headers: { 'x-project-id': ctx.projectA },
      body: { type: 'file', name: `${MARK} files`, credentials: {}, sources: ['alpha.ndjson'] },
    });
    expect(src.status).toBe(201);
    A.logSourceId = src.json.data.id;
    const inst = await installThroughConsent(s);
    expect(inst.callback.status).toBe(302);
    A.bindingId = inst.callback.headers.get('location')!.split('/').pop()!;
    // No auto-analysis: A must not change by itself while the matrix runs.
    expect(
      (
        await api(url(), 'PUT', `/v1/config/support-desk/${A.bindingId}`, {
          token: ownerA,
          headers: { 'x-project-id': ctx.projectA },
          body: { autoAnalyzeThreshold: 'disabled' },
        })
      ).status,
    ).toBe(200);
    const conv = s.sandbox.createConversation({
      customer: { name: `${MARK} customer`, email: 'customer@alpha.example' },
      body: `${MARK}: checkout is down for everyone, payments fail`,
    });
    A.conversationId = String(conv.id);
    await waitFor(
      async () =>
        (await api(url(), 'GET', `/v1/support-desk/conversations/${A.bindingId}/${A.conversationId}`, { token: ownerA })).json?.data?.triages?.length > 0,
      20000,
    );
    // The conversation reports an outage: it is A's incident (issue 14).
    A.incidentId = await waitFor(
      async () => (await api(url(), 'GET', '/v1/incidents', { token: ownerA, headers: { 'x-project-id': ctx.projectA } })).json?.data?.items?.[0]?.id,
      20000,
    );
    // An agent's correction of that triage (B must not undo it).
    const fb = await api(url(), 'POST', `/v1/support-desk/conversations/${A.bindingId}/${A.conversationId}/triage-feedback`, {
      token: ownerA,
      body: { severity: 'critical', affectedService: 'checkout' },
    });
    expect(fb.status).toBe(201);
    A.correctionId = fb.json.data.feedback.id;
    const an = await api(url(), 'POST', '/v1/analyses', {
      token: ownerA,
      headers: { 'x-project-id': ctx.projectA },
      body: { description: `${MARK} analysis`, ...window() },
    });
    expect(an.status).toBe(202);
    A.analysisId = an.json.data.id;
    await waitFor(
      async () =>
        ['complete', 'partial', 'failed'].includes(
          (await api(url(), 'GET', `/v1/analyses/${A.analysisId}`, { token: ownerA, headers: { 'x-project-id': ctx.projectA } })).json?.data?.status,
        ),
      20000,
    );

    // Tenant B: signup, its team and keys.
    const signup = await api(url(), 'POST', '/v1/auth/signup', {
      body: { name: 'Bob', email: 'bob@beta.example', password: 'beta owner password', companyName: 'Beta' },
    });
    expect(signup.status).toBe(201);
    const ownerB = signup.json.data.token;
    ctx.projectB = signup.json.data.project.id;
    bCallers.push({ name: 'B owner', token: ownerB, kind: 'session', role: 'owner' });
    for (const role of ['admin', 'member', 'viewer'] as const) {
      await api(url(), 'POST', '/v1/team/members', {
        token: ownerB,
        body: { email: `${role}@beta.example`, name: `B ${role}`, password: `${role} password beta`, role },
      });
      bCallers.push({
        name: `B ${role}`,
        token: (await api(url(), 'POST', '/v1/auth/login', { body: { email: `${role}@beta.example`, password: `${role} password beta` } })).json.data.token,
        kind: 'session',
        role,
      });
    }
    bCallers.push({
      name: 'B secret',
      token: (await key(ownerB, { name: 'b secret', type: 'secret', projectId: ctx.projectB, permissions: KEY_PERMS })).key,
      kind: 'secret',
    });
    bCallers.push({ name: 'B pub', token: (await key(ownerB, { name: 'b pub', type: 'public', projectId: ctx.projectB })).key, kind: 'pub' });
    bCallers.push({ name: 'B org', token: (await key(ownerB, { name: 'b org', type: 'org', permissions: KEY_PERMS })).key, kind: 'org' });

    aSecrets = [MARK, OWNER.email, 'alpha.example', ...Object.values(A), ctx.projectA, ctx.projectA2, ...aCallers.map((c) => c.token)];
    aSnapshot = await snapshotA();

    // Every route the app serves, from Express's router.
    const inst2 = s.app.app.getHttpAdapter().getInstance();
    const stack: any[] = (inst2.router ?? inst2._router).stack;
    const set = new Set<string>();
    for (const layer of stack) {
      if (!layer.route) continue;
      for (const [m, on] of Object.entries(layer.route.methods as Record<string, boolean>))
        if (on && m !== '_all') set.add(`${m.toUpperCase()} ${layer.route.path}`);
    }
    routeKeys = [...set].filter((k) => k.split(' ')[1].startsWith('/v1')).sort();
  }, 90_000);
  afterAll(async () => s?.stop());

  it('classifies every /v1 route the app serves (and every one of /docs-json)', async () => {
    expect(routeKeys.length).toBeGreaterThanOrEqual(Object.keys(ROUTES).length);
    const unclassified = routeKeys.filter((k) => !ROUTES[k]);
    expect(unclassified).toEqual([]);
    const stale = Object.keys(ROUTES).filter((k) => !routeKeys.includes(k));
    expect(stale).toEqual([]);
    const doc = await api(url(), 'GET', '/docs-json');
    const documented = Object.entries(doc.json.paths as Record<string, Record<string, unknown>>)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`))
      .filter((k) => k.split(' ')[1].startsWith('/v1'));
    expect(documented.filter((k) => !routeKeys.includes(k))).toEqual([]);
  });

  it("tenant B's sessions and keys never read or write tenant A's resources", async () => {
    const failures: string[] = [];
    const leaks = (text: string, request: string) => aSecrets.filter((x) => x && text.includes(x) && !request.includes(x));
    for (const key of routeKeys) {
      const rc = ROUTES[key];
      if (rc.kind === 'public' || rc.kind === 'self') continue;
      await Promise.all(
        bCallers.map(async (c) => {
          const n = ++ctx.n;
          const variants: Array<{ label: string; projectHeader: string | null; ids: any }> = [];
          const aIds = { id: aIdFor(key), bindingId: A.bindingId, conversationId: A.conversationId };
          if (rc.kind === 'resource') {
            // A's resource ids, with A's project, with B's own project, and with no project header.
            variants.push({ label: 'A ids + A project', projectHeader: ctx.projectA, ids: aIds });
            variants.push({ label: 'A ids + B project', projectHeader: ctx.projectB, ids: aIds });
            variants.push({ label: 'A ids, no header', projectHeader: null, ids: aIds });
          } else if (rc.project) {
            variants.push({ label: 'A project', projectHeader: ctx.projectA, ids: {} });
          }
          for (const v of variants) {
            const body = rc.body?.({ ...ctx, n });
            const query = rc.query?.(ctx);
            const r = await call(key, c, { ids: v.ids, projectHeader: v.projectHeader, body, query });
            const request = JSON.stringify([path(key, v.ids), query, body, v.projectHeader]);
            const where = `${key} as ${c.name} (${v.label})`;
            if (r.status < 300 || r.status >= 500) failures.push(`${where}: ${r.status} ${r.text.slice(0, 200)}`);
            // 403/404; with no X-Project-Id on a project route, 400 MISSING_PROJECT_ID (nothing is looked up).
            else if (![403, 404].includes(r.status) && !(r.status === 400 && v.projectHeader === null && r.json?.error?.code === 'MISSING_PROJECT_ID'))
              failures.push(`${where}: expected 403/404, got ${r.status} ${r.text.slice(0, 200)}`);
            const leaked = leaks(r.text + (r.headers.get('location') ?? ''), request);
            if (leaked.length) failures.push(`${where}: body shows A's ${leaked.join(', ')}`);
          }
          // Tenant-level routes in B's own context may answer 2xx, but only with B's data.
          if (rc.kind === 'tenant') {
            const body = rc.body?.({ ...ctx, n: n + 100_000 });
            const r = await call(key, c, { ids: {}, projectHeader: rc.project && (c.kind === 'session' || c.kind === 'org') ? ctx.projectB : null, body });
            if (r.status >= 500) failures.push(`${key} as ${c.name} (own context): ${r.status}`);
            const leaked = leaks(r.text, JSON.stringify(body ?? null));
            if (leaked.length) failures.push(`${key} as ${c.name} (own context): body shows A's ${leaked.join(', ')}`);
          }
        }),
      );
    }
    // A project key naming A's project gets WRONG_PROJECT, whoever owns that id (contract §3).
    for (const c of bCallers.filter((x) => x.kind === 'secret' || x.kind === 'pub')) {
      const r = await api(url(), 'GET', '/v1/analyses', { token: c.token, headers: { 'x-project-id': ctx.projectA } });
      if (r.status !== 403 || r.json.error.code !== 'WRONG_PROJECT')
        failures.push(`project key ${c.name} with A's X-Project-Id: ${r.status} ${r.text.slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
    expect(await snapshotA()).toBe(aSnapshot);
    // A's binding, keys and sessions still work.
    expect(
      (await api(url(), 'GET', `/v1/config/support-desk/${A.bindingId}`, { token: s.token, headers: { 'x-project-id': ctx.projectA } })).json.data.status,
    ).toBe('active');
    for (const c of aCallers.filter((x) => x.kind !== 'pub'))
      expect({ c: c.name, status: (await api(url(), 'GET', '/v1/config/projects', { token: c.token })).status }).toEqual({ c: c.name, status: 200 });
  }, 120_000);

  it('within tenant A, each role and key gets 403 exactly where it lacks the permission or key type (viewers never write)', async () => {
    const failures: string[] = [];
    const bogus = '00000000-0000-4000-8000-00000000beef';
    for (const key of routeKeys) {
      const rc = ROUTES[key];
      if (rc.kind === 'public' || key === 'POST /v1/auth/logout') continue;
      await Promise.all(
        aCallers.map(async (c) => {
          let expected: 'refused' | 'allowed';
          let code: string | undefined;
          if (c.kind === 'session') {
            expected = rc.perms.every((p) => ROLE_PERMS[c.role!].includes(p)) ? 'allowed' : 'refused';
            code = 'FORBIDDEN';
          } else if (rc.kind === 'self' && c.kind !== 'pub') {
            expected = 'allowed';
          } else if (rc.dashboardOnly) {
            expected = 'refused';
            code = 'DASHBOARD_ONLY';
          } else if (c.kind === 'pub' && !rc.publicKey) {
            expected = 'refused';
            code = 'SECRET_KEY_REQUIRED';
          } else if (c.kind === 'pub') {
            // Public keys carry analysis:read and analysis:create only.
            expected = rc.perms.every((p) => p === 'analysis:read' || p === 'analysis:create') ? 'allowed' : 'refused';
          } else if (rc.orgLevel && c.kind !== 'org') {
            expected = 'refused';
            code = 'ORG_KEY_REQUIRED';
          } else {
            expected = rc.perms.every((p) => KEY_PERMS.includes(p)) ? 'allowed' : 'refused';
            code = 'FORBIDDEN';
          }
          // "Allowed" probes must not change A: bogus ids (→ 404 after the guard) and, on creates, an invalid body (→ 400).
          const ids = { id: bogus, bindingId: bogus, conversationId: '1' };
          const body = rc.kind === 'tenant' && isWrite(key) && key !== 'POST /v1/triage' ? { unknownField: true } : rc.body?.(ctx);
          const query = key === 'GET /v1/support-desk/intercom/install' ? `projectId=${bogus}` : undefined;
          const r = await call(key, c, { ids, projectHeader: rc.project && (c.kind === 'session' || c.kind === 'org') ? ctx.projectA : null, body, query });
          const where = `${key} as ${c.name}`;
          if (r.status >= 500) failures.push(`${where}: ${r.status} ${r.text.slice(0, 200)}`);
          else if (expected === 'refused') {
            if (r.status !== 403 || (code && r.json?.error?.code !== code))
              failures.push(`${where}: expected 403 ${code ?? ''}, got ${r.status} ${r.text.slice(0, 160)}`);
          } else if (c.kind === 'secret' && key.includes('/projects/:id') && r.json?.error?.code === 'WRONG_PROJECT') {
            // A project key reaches only its own project: any other id is WRONG_PROJECT (contract §3).
          } else if (r.status === 401 || r.status === 403) failures.push(`${where}: expected to pass the guard, got ${r.status} ${r.text.slice(0, 160)}`);
        }),
      );
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it("A's viewer cannot write any of A's real resources: every write route answers 403 and nothing changes", async () => {
    const viewer = aCallers.find((c) => c.role === 'viewer')!;
    const readPosts = new Set([
      'POST /v1/triage',
      // Rating an analysis and generating its postmortem need analysis:read only (reference §5.2).
      'POST /v1/analyses/:id/feedback',
      'POST /v1/analyses/:id/postmortem',
      'POST /v1/config/support-desk/:id/template-preview',
      'POST /v1/config/log-sources/:id/test',
      'POST /v1/auth/logout',
    ]);
    const writes = routeKeys.filter((k) => isWrite(k) && ROUTES[k].kind !== 'public' && !readPosts.has(k));
    expect(writes.length).toBeGreaterThanOrEqual(12);
    const before = await snapshotA();
    for (const key of writes) {
      ctx.n++;
      const r = await call(key, viewer, {
        ids: { id: aIdFor(key), bindingId: A.bindingId, conversationId: A.conversationId },
        projectHeader: ROUTES[key].project ? ctx.projectA : null,
        body: ROUTES[key].body?.(ctx),
      });
      expect({ key, status: r.status, code: r.json?.error?.code }).toEqual({ key, status: 403, code: 'FORBIDDEN' });
    }
    // The install redirect is a write too (it starts a binding): refused for viewers.
    const inst = await call('GET /v1/support-desk/intercom/install', viewer, { ids: {}, query: `projectId=${ctx.projectA}` });
    expect(inst.status).toBe(403);
    expect(await snapshotA()).toBe(before);
  });

  // Issue 19.7: keys outlived their creators (an org key with config:write answered 200 after its creator's removal).
  it('removing a member revokes the keys they minted; the list shows creator and last use; the answers say how many', async () => {
    const h = { 'x-project-id': ctx.projectA };
    const add = await api(url(), 'POST', '/v1/team/members', {
      token: s.token,
      body: { email: 'leaver@alpha.example', name: `${MARK} leaver`, password: 'leaver password alpha', role: 'member' },
    });
    expect(add.status).toBe(201);
    const leaverId = add.json.data.id;
    const leaver = (await api(url(), 'POST', '/v1/auth/login', { body: { email: 'leaver@alpha.example', password: 'leaver password alpha' } })).json.data.token;
    const mint = async (body: Record<string, unknown>) => {
      const r = await api(url(), 'POST', '/v1/config/api-keys', { token: leaver, body });
      expect(r.status).toBe(201);
      expect(r.json.data.createdBy).toEqual({ id: leaverId, name: `${MARK} leaver`, email: 'leaver@alpha.example', removed: false });
      return r.json.data as { id: string; key: string };
    };
    const org = await mint({ name: 'leaver org', type: 'org', permissions: ['config:read', 'config:write'] });
    const secret = await mint({ name: 'leaver secret', type: 'secret', projectId: ctx.projectA, permissions: ['analysis:read'] });
    // The org key writes config while its creator is a member.
    const before = await api(url(), 'PUT', `/v1/config/projects/${ctx.projectA2}`, { token: org.key, body: { description: 'set by the leaver key' } });
    expect(before.status).toBe(200);
    // The key list names the creator and, once used, the last use.
    await waitFor(
      async () => (await api(url(), 'GET', '/v1/config/api-keys', { token: s.token })).json.data.find((k: any) => k.id === org.id)?.lastUsedAt !== null,
      5000,
    );
    const listed = (await api(url(), 'GET', '/v1/config/api-keys', { token: s.token })).json.data.find((k: any) => k.id === org.id);
    expect(listed).toMatchObject({ createdBy: { id: leaverId, name: `${MARK} leaver`, removed: false }, revoked: false, revokedReason: null });
    expect(Date.parse(listed.lastUsedAt)).toBeGreaterThan(Date.parse(listed.createdAt) - 1000);
    // The team page knows how many keys removal will revoke.
    const members = (await api(url(), 'GET', '/v1/team/members', { token: s.token })).json.data;
    expect(members.find((m: any) => m.id === leaverId).activeApiKeys).toBe(2);

    const removed = await api(url(), 'DELETE', `/v1/team/members/${leaverId}`, { token: s.token });
    expect(removed.status).toBe(200);
    expect(removed.json.data).toMatchObject({ id: leaverId, revokedApiKeys: 2 });
    for (const k of [org.key, secret.key]) {
      const r = await api(url(), 'GET', '/v1/config/projects', { token: k });
      expect([r.status, r.json.error.code]).toEqual([401, 'API_KEY_REVOKED']);
    }
    const after = await api(url(), 'PUT', `/v1/config/projects/${ctx.projectA2}`, { token: org.key, body: { description: 'after removal' } });
    expect([after.status, after.json.error.code]).toEqual([401, 'API_KEY_REVOKED']);
    expect((await api(url(), 'GET', '/v1/auth/me', { token: leaver })).status).toBe(401);
    // Nothing else lost: the project keeps the last write made while the key was valid, the others' keys still work.
    const project = await api(url(), 'GET', `/v1/config/projects/${ctx.projectA2}`, { token: s.token });
    expect(project.json.data.description).toBe('set by the leaver key');
    for (const c of aCallers.filter((x) => x.kind === 'secret' || x.kind === 'org'))
      expect({ c: c.name, status: (await api(url(), 'GET', '/v1/analyses', { token: c.token, headers: h })).status }).toEqual({ c: c.name, status: 200 });
    const keys = (await api(url(), 'GET', '/v1/config/api-keys', { token: s.token })).json.data;
    for (const id of [org.id, secret.id])
      expect(keys.find((k: any) => k.id === id)).toMatchObject({
        revoked: true,
        revokedReason: 'creator_removed',
        createdBy: { id: leaverId, name: null, email: null, removed: true },
      });
    expect(keys.find((k: any) => k.id === A.keyId)).toMatchObject({ revoked: false, createdBy: { removed: false } });
  });

  it('a key minted while its creator is being removed never survives the removal', async () => {
    for (let round = 0; round < 3; round++) {
      const email = `racer${round}@alpha.example`;
      const m = await api(url(), 'POST', '/v1/team/members', {
        token: s.token,
        body: { email, name: 'racer', password: 'racer password alpha', role: 'member' },
      });
      const token = (await api(url(), 'POST', '/v1/auth/login', { body: { email, password: 'racer password alpha' } })).json.data.token;
      const mints = Array.from({ length: 6 }, (_, i) =>
        api(url(), 'POST', '/v1/config/api-keys', { token, body: { name: `race ${i}`, type: 'org', permissions: ['config:read'] } }),
      );
      const [removal, ...minted] = await Promise.all([api(url(), 'DELETE', `/v1/team/members/${m.json.data.id}`, { token: s.token }), ...mints]);
      expect(removal.status).toBe(200);
      for (const r of minted) {
        expect([201, 401]).toContain(r.status);
        if (r.status === 201) expect((await api(url(), 'GET', '/v1/config/projects', { token: r.json.data.key })).status).toBe(401);
      }
    }
  });

  // Issue 19.8: adding a member whose email exists in another tenant answered EMAIL_EXISTS.
  it("adding a member with another tenant's email reveals nothing: same answer as a new email, and both accounts keep working", async () => {
    const fresh = await api(url(), 'POST', '/v1/team/members', {
      token: s.token,
      body: { email: 'never-seen@alpha.example', name: 'fresh', password: 'fresh password alpha', role: 'viewer' },
    });
    const taken = await api(url(), 'POST', '/v1/team/members', {
      token: s.token,
      body: { email: 'ADMIN@beta.example', name: 'namesake', password: 'namesake password alpha', role: 'viewer' },
    });
    expect([fresh.status, taken.status]).toEqual([201, 201]);
    expect(Object.keys(taken.json.data).sort()).toEqual(Object.keys(fresh.json.data).sort());
    expect(taken.json.data).toMatchObject({ email: 'admin@beta.example', role: 'viewer', tenantId: fresh.json.data.tenantId });
    expect(taken.text).not.toMatch(/EMAIL_EXISTS|"Beta"|exists/);
    // Each account answers to its own password, in its own tenant.
    const asA = await api(url(), 'POST', '/v1/auth/login', { body: { email: 'admin@beta.example', password: 'namesake password alpha' } });
    const asB = await api(url(), 'POST', '/v1/auth/login', { body: { email: 'admin@beta.example', password: 'admin password beta' } });
    expect([asA.status, asB.status]).toEqual([200, 200]);
    expect(asA.json.data.user.tenantId).toBe(fresh.json.data.tenantId);
    expect(asB.json.data.user.tenantId).not.toBe(fresh.json.data.tenantId);
    expect((await api(url(), 'GET', '/v1/auth/me', { token: asB.json.data.token })).json.data.tenant.name).toBe('Beta');
    // B's member is untouched and B's team does not see A's namesake.
    const bOwner = bCallers.find((c) => c.name === 'B owner')!;
    const bTeam = (await api(url(), 'GET', '/v1/team/members', { token: bOwner.token })).json.data;
    expect(bTeam.filter((m: any) => m.email === 'admin@beta.example').map((m: any) => m.name)).toEqual(['B admin']);
    // Within one tenant an email is still unique (the team list shows it anyway): a clear 409.
    const again = await api(url(), 'POST', '/v1/team/members', {
      token: s.token,
      body: { email: 'admin@BETA.example', name: 'twice', password: 'twice password alpha', role: 'viewer' },
    });
    expect([again.status, again.json.error.code]).toEqual([409, 'EMAIL_EXISTS']);
    expect(again.json.error.message).toMatch(/member of this organisation/);
  });
});
