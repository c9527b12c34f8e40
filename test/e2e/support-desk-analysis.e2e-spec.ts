/*
 * Real: our app (api + worker), PostgreSQL (embedded), the triage and analysis engines, the `file` log source.
 * Stand-in: the Intercom sandbox. A generated incident (seeded, realistic background noise) is written as NDJSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { LogEntry } from '@app/contracts';
import { PgBossQueue } from '@app/core';
import { generateScenario } from '@app/analysis/testing';
import { api } from '../helpers/app';
import { installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';

const ourNotes = (conv: any) => (conv.conversation_parts?.conversation_parts ?? []).filter((p: any) => p.app_package_code && p.part_type === 'note');

describe('support-desk auto-analysis over a file source', () => {
  let s: IntercomStack;
  let posted: { conversationId: string; analysisId: string; url: string } | null = null;

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
    posted = { conversationId: id, analysisId: a.json.data.id, url: a.json.data.url };
  });

  it('handles posting jobs of the older format that carry only analysisId (completed from the analysis, nothing dropped)', async () => {
    expect(posted).not.toBeNull();
    const { conversationId, analysisId, url } = posted!;
    const db = new Client({ connectionString: s.app.dbUrl });
    await db.connect();
    const queue = new PgBossQueue(s.app.dbUrl, { worker: false });
    try {
      // As if the analysis had finished before an upgrade (then analyses belonged to one conversation, not to an
      // incident): its note was never posted, its job is of the old format.
      const binding = (await db.query(`SELECT id FROM support_desk_bindings LIMIT 1`)).rows[0].id as string;
      await db.query(`UPDATE analyses SET "conversationId" = $1, "bindingId" = $2 WHERE id = $3`, [conversationId, binding, analysisId]);
      await db.query(`DELETE FROM support_desk_posts WHERE "conversationId" = $1 AND purpose LIKE 'analysis:%'`, [conversationId]);
      await queue.start();
      await queue.enqueue('support-desk.analysis-finished', { analysisId });
      // and two that name nothing to post: an unknown analysis, no analysis id at all
      await queue.enqueue('support-desk.analysis-finished', { analysisId: '00000000-0000-4000-8000-000000000000' });
      await queue.enqueue('support-desk.analysis-finished', { note: 'x' });
      await waitFor(async () => ourNotes(s.sandbox.getConversation(conversationId)).length >= 3, 20000, 200);
      const notes = ourNotes(s.sandbox.getConversation(conversationId));
      expect(notes).toHaveLength(3);
      expect(notes[2].body).toMatch(/SigSentry analysis<\/b> · (COMPLETE|PARTIAL)/);
      expect(notes[2].body).toContain(url);
      const rows = (
        await db.query(`SELECT status FROM support_desk_posts WHERE "conversationId" = $1 AND purpose = $2`, [conversationId, `analysis:${analysisId}:note`])
      ).rows;
      expect(rows).toEqual([{ status: 'completed' }]);
      await waitFor(async () => {
        const jobs = (await db.query(`SELECT state FROM pgboss.job WHERE name = 'support-desk.analysis-finished' AND NOT (data ? 'url')`)).rows;
        return jobs.length === 3 && jobs.every((j) => j.state === 'completed');
      }, 20000);
    } finally {
      await queue.stop().catch(() => undefined);
      await db.end();
    }
  });
});
