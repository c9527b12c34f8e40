/*
 * Real: our app (api + worker), PostgreSQL (embedded), the analysis pipeline over a `file` log source.
 * Stand-in: the Intercom sandbox, which signs Canvas Kit requests (X-Body-Signature) and validates our canvases
 * against the documented component rules.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api } from '../helpers/app';
import { CLIENT_SECRET, installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';

const texts = (canvas: any): string => JSON.stringify(canvas?.canvas?.content?.components ?? []);
const componentIds = (canvas: any): string[] => (canvas?.canvas?.content?.components ?? []).map((c: any) => c.id).filter(Boolean);

describe('Canvas Kit sidebar panel', () => {
  let s: IntercomStack;
  let convId: string;
  // This project's own folder of `file` sources, LOG_FILES_DIR/<projectId>/.
  const logDir = () => join(s.app.dataDir, 'logs', s.projectId);

  beforeAll(async () => {
    s = await startIntercomStack({ LOG_SOURCE_TIMEOUT_MS: '5000', ALLOW_SIGNUP: 'true' });
    await api(s.app.url, 'PUT', `/v1/config/projects/${s.projectId}`, { token: s.token, body: { services: [{ name: 'checkout', critical: true }] } });
    await installThroughConsent(s);
    const conv = s.sandbox.createConversation({
      customer: { name: 'Joe *bold* [x](http://evil)', email: 'joe@example.com' },
      body: 'Checkout is down for everyone, all payments fail with 500 errors',
    });
    convId = String(conv.id);
    await waitFor(async () => (s.sandbox.getConversation(convId).conversation_parts?.conversation_parts ?? []).some((p: any) => p.app_package_code));
  });
  afterAll(async () => s?.stop());

  it('refuses a missing or wrong X-Body-Signature with 401 and a malformed body with 400', async () => {
    const body = JSON.stringify({ workspace_id: 'sbx12345', conversation: { id: convId } });
    const none = await fetch(`${s.app.url}/canvas-kit/intercom/initialize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(none.status).toBe(401);
    const wrong = await fetch(`${s.app.url}/canvas-kit/intercom/initialize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-body-signature': createHmac('sha256', 'other').update(body).digest('hex') },
      body,
    });
    expect(wrong.status).toBe(401);
    const sha1 = await fetch(`${s.app.url}/canvas-kit/intercom/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-body-signature': createHmac('sha1', CLIENT_SECRET).update(body).digest('hex') },
      body,
    });
    expect(sha1.status).toBe(401);
    const bad = 'not json';
    const malformed = await fetch(`${s.app.url}/canvas-kit/intercom/initialize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-body-signature': createHmac('sha256', CLIENT_SECRET).update(bad).digest('hex') },
      body: bad,
    });
    expect(malformed.status).toBe(400);
  });

  it('answers an unknown workspace with the short "not connected" canvas and nothing else', async () => {
    const body = JSON.stringify({ workspace_id: 'nope0000', conversation: { id: convId } });
    const r = await fetch(`${s.app.url}/canvas-kit/intercom/initialize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-body-signature': createHmac('sha256', CLIENT_SECRET).update(body).digest('hex') },
      body,
    });
    expect(r.status).toBe(200);
    const canvas = await r.json();
    expect(texts(canvas)).toMatch(/not connected/);
    expect(texts(canvas)).not.toMatch(/checkout|Run analysis/i);
  });

  it('shows the triage and the auto-analysis link, as valid Canvas Kit, with user text as plain text', async () => {
    const r = await s.sandbox.canvasInitialize({ conversationId: convId });
    expect(r.status).toBe(200);
    expect(r.errors).toEqual([]);
    const t = texts(r.body);
    expect(t).toMatch(/checkout/);
    expect(t).toMatch(/Critical|High/);
    expect(t).toContain(`/projects/default/analyses/`);
    expect(componentIds(r.body)).toContain('run_analysis');
  });

  it('Run analysis with no log sources: one failed analysis and a clear line', async () => {
    const init = await s.sandbox.canvasInitialize({ conversationId: convId });
    const r = await s.sandbox.canvasSubmit({ conversationId: convId, componentId: 'run_analysis', currentCanvas: init.body.canvas });
    expect(r.status).toBe(200);
    expect(r.errors).toEqual([]);
    const id = r.body.canvas.stored_data.analysisId;
    expect(id).toBeTruthy();
    const shown = /failed|Failed/.test(texts(r.body))
      ? r
      : await waitFor(async () => {
          const x = await s.sandbox.canvasSubmit({ conversationId: convId, componentId: 'refresh', currentCanvas: r.body.canvas, force: true });
          return /failed|Failed/.test(texts(x.body)) ? x : null;
        });
    expect(texts(shown.body)).toMatch(/log source/i);
    expect(componentIds(shown.body)).toContain('run_again');
  });

  it('two clicks on Run analysis start exactly one analysis, and Refresh shows it complete', async () => {
    mkdirSync(logDir(), { recursive: true });
    const now = Date.now();
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) {
      const ts = new Date(now - 90 * 60_000 + i * 20_000).toISOString();
      lines.push(JSON.stringify({ timestamp: ts, level: 'info', service: 'checkout', message: `order ${i} placed` }));
      if (i > 120)
        lines.push(
          JSON.stringify({
            timestamp: ts,
            level: 'error',
            service: 'checkout',
            message: `payment failed: connection pool exhausted after ${i} ms (pool size 20)`,
          }),
        );
    }
    writeFileSync(join(logDir(), 'app.ndjson'), lines.join('\n') + '\n');
    const src = await api(s.app.url, 'POST', '/v1/config/log-sources', {
      token: s.token,
      headers: { 'x-project-id': s.projectId },
      body: { type: 'file', name: 'local', credentials: {}, sources: ['*.ndjson'] },
    });
    expect(src.status).toBe(201);
    const init = await s.sandbox.canvasInitialize({ conversationId: convId });
    const before = (await api(s.app.url, 'GET', `/v1/support-desk/conversations/${await bindingId()}/${convId}`, { token: s.token })).json.data.analyses.length;
    const [a, b] = await Promise.all([
      s.sandbox.canvasSubmit({ conversationId: convId, componentId: 'run_analysis', currentCanvas: init.body.canvas }),
      s.sandbox.canvasSubmit({ conversationId: convId, componentId: 'run_analysis', currentCanvas: init.body.canvas }),
    ]);
    expect(a.body.canvas.stored_data.analysisId).toBe(b.body.canvas.stored_data.analysisId);
    const after = (await api(s.app.url, 'GET', `/v1/support-desk/conversations/${await bindingId()}/${convId}`, { token: s.token })).json.data.analyses.length;
    expect(after).toBe(before + 1);
    // A submit from a canvas naming the running analysis never starts another, whatever the component.
    const again = await s.sandbox.canvasSubmit({ conversationId: convId, componentId: 'run_analysis', currentCanvas: a.body.canvas, force: true });
    expect(again.body.canvas.stored_data.analysisId).toBe(a.body.canvas.stored_data.analysisId);
    const done = await waitFor(async () => {
      const x = await s.sandbox.canvasSubmit({ conversationId: convId, componentId: 'refresh', currentCanvas: a.body.canvas, force: true });
      return /Complete|Partial/.test(texts(x.body)) ? x : null;
    }, 20000);
    expect(done.errors).toEqual([]);
    expect(componentIds(done.body)).toContain('run_again');
    expect(componentIds(done.body)).not.toContain('refresh');
  });

  async function bindingId(): Promise<string> {
    const r = await api(s.app.url, 'GET', '/v1/config/support-desk', { token: s.token, headers: { 'x-project-id': s.projectId } });
    return r.json.data[0].id;
  }

  it('serves the same canvas to the SPA preview, and nothing of another tenant', async () => {
    const id = await bindingId();
    const r = await api(s.app.url, 'GET', `/v1/support-desk/conversations/${id}/${convId}/canvas`, { token: s.token });
    expect(r.status).toBe(200);
    expect(texts(r.json.data)).toMatch(/checkout/);
    await api(s.app.url, 'POST', '/v1/auth/signup', { body: { name: 'Eve', email: 'eve@other.example', password: 'eve password 123', companyName: 'Other' } });
    const eve = await api(s.app.url, 'POST', '/v1/auth/login', { body: { email: 'eve@other.example', password: 'eve password 123' } });
    const x = await api(s.app.url, 'GET', `/v1/support-desk/conversations/${id}/${convId}/canvas`, { token: eve.json.data.token });
    expect(x.status).toBe(404);
  });
});
