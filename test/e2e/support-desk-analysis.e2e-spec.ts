/*
 * Real: our app (api + worker), PostgreSQL (embedded), the triage and analysis engines, the `file` log source.
 * Stand-in: the Intercom sandbox. A generated incident (seeded, realistic background noise) is written as NDJSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEntry } from '@app/contracts';
import { generateScenario } from '@app/analysis/testing';
import { api } from '../helpers/app';
import { installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';

const ourNotes = (conv: any) => (conv.conversation_parts?.conversation_parts ?? []).filter((p: any) => p.app_package_code && p.part_type === 'note');

describe('support-desk auto-analysis over a file source', () => {
  let s: IntercomStack;

  beforeAll(async () => {
    s = await startIntercomStack();
  });
  afterAll(async () => s?.stop());

  it('completes with the right origin service and is posted back as the second note', async () => {
    const scenario = generateScenario('upstream_timeout_chain', 5, { backgroundLines: 1500 });
    const createdAt = Date.now() - 60_000;
    const delta = createdAt - Date.parse(scenario.window.end);
    const shift = (e: LogEntry) =>
      JSON.stringify({ timestamp: new Date(Date.parse(e.timestamp) + delta).toISOString(), level: e.level, service: e.service, message: e.message });
    const dir = join(s.app.dataDir, 'logs', s.projectId, 'prod');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'services.ndjson'), [...scenario.baseline, ...scenario.entries].map(shift).join('\n') + '\n');
    await api(s.app.url, 'PUT', `/v1/config/projects/${s.projectId}`, { token: s.token, body: { services: scenario.services } });
    const src = await api(s.app.url, 'POST', '/v1/config/log-sources', {
      token: s.token,
      headers: { 'x-project-id': s.projectId },
      body: { type: 'file', name: 'prod files', credentials: {}, sources: ['prod/*.ndjson'] },
    });
    expect(src.status).toBe(201);
    await installThroughConsent(s);

    const conv = s.sandbox.createConversation({
      customer: { name: 'Ops', email: 'ops@example.com' },
      body: 'Nothing works for any of our users for the last 30 minutes: every request times out and all our customers see errors.',
      createdAt: Math.floor(createdAt / 1000),
    });
    const id = String(conv.id);
    await waitFor(async () => ourNotes(s.sandbox.getConversation(id)).length >= 2, 40000, 200);
    const notes = ourNotes(s.sandbox.getConversation(id));
    expect(notes[0].body).toMatch(/SigSentry triage/);
    expect(notes[0].body).toMatch(/Severity: <b>(HIGH|CRITICAL)<\/b>/);
    expect(notes[1].body).toMatch(/SigSentry analysis<\/b> · (COMPLETE|PARTIAL)/);
    expect(notes[1].body).toContain(`service <b>${scenario.expected.origin}</b>`);
    expect(notes[1].body).toContain(`Root cause (${scenario.expected.category})`);
    const view = await api(
      s.app.url,
      'GET',
      `/v1/support-desk/conversations/${(await api(s.app.url, 'GET', '/v1/config/support-desk', { token: s.token, headers: { 'x-project-id': s.projectId } })).json.data[0].id}/${id}`,
      { token: s.token },
    );
    const a = await api(s.app.url, 'GET', `/v1/analyses/${view.json.data.analyses[0].id}`, { token: s.token, headers: { 'x-project-id': s.projectId } });
    expect(a.json.data.result.rootCause.service).toBe(scenario.expected.origin);
    expect(a.json.data.trigger).toBe('support_desk');
    expect(notes[1].body).toContain(a.json.data.url);
  });
});
