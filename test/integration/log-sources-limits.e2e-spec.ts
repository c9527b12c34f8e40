/*
 * Log sources are protected whatever triggers the analyses (issue 14): at most LOG_SOURCE_CONCURRENCY queries at a
 * time per source, the platforms' rate-limit answers honoured with backoff, and the time spent waiting capped per
 * analysis, after which the source is reported `rate_limited`; and a window above ANALYSIS_MAX_LINES is sampled evenly
 * across time (issue 17), not cut.
 * Real: the whole app (api + worker, pg-boss), PostgreSQL (the slot table), the Splunk and Datadog connectors, the
 * file connector, the analysis engine, HTTP over loopback.
 * Stand-ins (libs/log-sources/src/<platform>/<platform>.stand-in.testing.ts): splunkd with its search quota (a job
 * created while the quota is full answers 503 "Search not executed: The maximum number of concurrent historical
 * searches … has been reached") and Datadog's Logs API with its documented rate limit (429 with X-RateLimit-Limit,
 * -Period, -Remaining, -Reset in seconds, -Name), each serving a generated incident that ended two minutes ago.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateScenario, type Scenario } from '@app/analysis/testing';
import { datadogStandIn, LocalServer, splunkStandIn, type Handler, type StandInLine } from '@app/log-sources/testing';
import { api, login, startTestApp, TestApp } from '../helpers/app';

const SPLUNK_TOKEN = 'splunk-token-limits-1';
const DD = { apiKey: 'dd-api-limits', appKey: 'dd-app-limits' };
const TERMINAL = ['complete', 'partial', 'failed'];

function recentScenario(seed: number, backgroundLines = 120): Scenario {
  const s = generateScenario('upstream_timeout_chain', seed, { backgroundLines, baselineLines: backgroundLines });
  const delta = Math.floor((Date.now() - 120_000) / 1000) * 1000 - Date.parse(s.window.end);
  const move = (iso: string) => new Date(Date.parse(iso) + delta).toISOString();
  const shift = (es: Scenario['entries']) => es.map((e) => ({ ...e, timestamp: move(e.timestamp) }));
  return { ...s, entries: shift(s.entries), baseline: shift(s.baseline), window: { start: move(s.window.start), end: move(s.window.end) } };
}

describe('log sources are protected: query slots, platform rate limits, the wait cap', () => {
  let t: TestApp;
  let token: string;
  let logDir: string;
  const servers: LocalServer[] = [];

  const call = (method: string, path: string, projectId: string, body?: unknown) =>
    api(t.url, method, path, { token, body, headers: { 'x-project-id': projectId } });

  async function project(slug: string, s: Scenario): Promise<string> {
    const r = await api(t.url, 'POST', '/v1/config/projects', { token, body: { name: slug, slug, services: s.services } });
    expect(r.status).toBe(201);
    return r.json.data.id;
  }
  async function source(projectId: string, body: Record<string, unknown>): Promise<string> {
    const r = await call('POST', '/v1/config/log-sources', projectId, body);
    expect(r.status).toBe(201);
    return r.json.data.id;
  }
  async function serve(handler: Handler): Promise<LocalServer> {
    const s = await new LocalServer(handler).start();
    servers.push(s);
    return s;
  }
  async function analyse(projectId: string, s: Scenario): Promise<string> {
    const r = await call('POST', '/v1/analyses', projectId, { description: 'checkout is slow and failing', timeStart: s.window.start, timeEnd: s.window.end });
    expect(r.status).toBe(202);
    return r.json.data.id;
  }
  async function settle(id: string, projectId: string, timeoutMs = 60_000): Promise<any> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = await call('GET', `/v1/analyses/${id}`, projectId);
      if (TERMINAL.includes(r.json.data.status)) return r.json.data;
      if (Date.now() > until) throw new Error(`analysis ${id} still ${r.json.data.status}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  const lines = (s: Scenario): StandInLine[] => [...s.baseline, ...s.entries];

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'ss-limits-logs-'));
    // One query at a time per source; 8 s per query, and at most 8 s of waiting per source and analysis; 2,000 lines per
    // window (the incidents below hold fewer, except the one that is meant to be sampled).
    t = await startTestApp({ LOG_FILES_DIR: logDir, LOG_SOURCE_CONCURRENCY: '1', LOG_SOURCE_TIMEOUT_MS: '8000', ANALYSIS_MAX_LINES: '2000' });
    token = await login(t.url);
  });
  afterAll(async () => {
    await t?.stop();
    for (const s of servers) await s.close();
  });

  it('runs at most LOG_SOURCE_CONCURRENCY queries at a time against one source, however many analyses ask', async () => {
    const s = recentScenario(21);
    const splunk = splunkStandIn({ lines: lines(s), token: SPLUNK_TOKEN, maxConcurrentSearches: 4, searchMs: 150 });
    const server = await serve(splunk);
    const p = await project('slots-splunk', s);
    await source(p, { type: 'splunk', name: 'splunk-prod', credentials: { host: server.url, token: SPLUNK_TOKEN }, sources: ['main'] });
    const ids = await Promise.all([1, 2, 3, 4].map(() => analyse(p, s)));
    const done = await Promise.all(ids.map((id) => settle(id, p)));
    expect(done.map((a) => [a.status, a.partialReasons])).toEqual(ids.map(() => ['complete', []]));
    // 4 analyses × (window + baseline) searches, never two at once.
    expect(splunk.jobs.size).toBe(8);
    expect(splunk.stats.maxRunning).toBe(1);
    expect(splunk.stats.refused).toBe(0);
  });

  it("honours Splunk's 503 (search quota full) with backoff: the analyses of two projects sharing one Splunk all complete", async () => {
    const s = recentScenario(22);
    // Quota of one search; when the analyses start it is still taken by other users' searches (two refusals).
    const splunk = splunkStandIn({ lines: lines(s), token: SPLUNK_TOKEN, maxConcurrentSearches: 1, searchMs: 250, quotaTakenFor: 2 });
    const server = await serve(splunk);
    const projects = [await project('shared-splunk-a', s), await project('shared-splunk-b', s)];
    for (const p of projects) await source(p, { type: 'splunk', name: 'shared', credentials: { host: server.url, token: SPLUNK_TOKEN }, sources: ['main'] });
    const ids = await Promise.all(projects.map(async (p) => ({ p, id: await analyse(p, s) })));
    const done = await Promise.all(ids.map(({ p, id }) => settle(id, p)));
    expect(done.map((a) => [a.status, a.partialReasons])).toEqual([
      ['complete', []],
      ['complete', []],
    ]);
    // splunkd refused jobs (the quota was taken, and two sources share a quota of one); each was retried after a backoff.
    expect(splunk.stats.refused).toBeGreaterThanOrEqual(2);
    expect(splunk.stats.maxRunning).toBe(1);
    expect(splunk.jobs.size).toBe(4);
  });

  it("honours Datadog's 429 and X-RateLimit-Reset: requests wait for the reset and the analysis completes with every line", async () => {
    const s = recentScenario(23, 200);
    const answers: Array<{ at: number; status: number; reset?: string }> = [];
    // 2 requests a second, and other clients have used up the window the analysis starts in: its first request is
    // answered 429, whatever the machine's speed.
    const dd = datadogStandIn({ lines: lines(s), ...DD, rateLimit: { limit: 2, periodSeconds: 1, usedByOthers: 2 } });
    const server = await serve((req, res) => {
      const end = res.end.bind(res);
      res.end = ((...args: Parameters<typeof res.end>) => {
        answers.push({ at: Date.now(), status: res.statusCode, reset: res.getHeader('x-ratelimit-reset') as string | undefined });
        return end(...args);
      }) as typeof res.end;
      return dd(req, res);
    });
    const p = await project('dd-limited', s);
    await source(p, { type: 'datadog', name: 'dd', credentials: DD, sources: ['env:prod'], settings: { endpoint: server.url, pageSize: 100 } });
    const done = await settle(await analyse(p, s), p);
    expect([done.status, done.partialReasons]).toEqual(['complete', []]);
    expect(done.result.logsScanned).toBe(s.entries.length);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // After each 429 the next request came once the announced reset had passed (the window is calendar-aligned).
    for (const a of limited) {
      const next = answers.find((b) => b.at > a.at);
      if (!next) continue;
      expect(Math.floor(next.at / 1000)).toBeGreaterThan(Math.floor(a.at / 1000));
    }
  });

  it('reports a source rate_limited (partial) when its reset is beyond the wait cap, instead of waiting for it', async () => {
    const s = recentScenario(24, 200);
    const dd = datadogStandIn({ lines: lines(s), ...DD, rateLimit: { limit: 1, periodSeconds: 600, usedByOthers: 1 } });
    const server = await serve(dd);
    const p = await project('dd-exhausted', s);
    await source(p, { type: 'datadog', name: 'dd-slow', credentials: DD, sources: ['env:prod'], settings: { endpoint: server.url, pageSize: 50 } });
    // A second source answers, so the analysis is partial rather than failed.
    mkdirSync(join(logDir, p), { recursive: true });
    writeFileSync(join(logDir, p, 'app.ndjson'), `${s.entries.map((e) => JSON.stringify(e)).join('\n')}\n`);
    await source(p, { type: 'file', name: 'files', sources: ['*.ndjson'] });
    const done = await settle(await analyse(p, s), p);
    expect(done.status).toBe('partial');
    expect(done.partialReasons).toEqual([expect.stringMatching(/^rate_limited: Log source "dd-slow" \(datadog\)/)]);
    expect(done.result.logsScanned).toBeGreaterThan(0);
  });

  it('reports rate_limited when no query slot of the source frees up within the wait cap', async () => {
    const s = recentScenario(25);
    // Each search takes 6 s: one analysis (window + baseline) holds the only slot ≥ 12 s, well over the 8 s wait cap.
    const splunk = splunkStandIn({ lines: lines(s), token: SPLUNK_TOKEN, searchMs: 6000 });
    const server = await serve(splunk);
    const p = await project('slow-splunk', s);
    await source(p, { type: 'splunk', name: 'slow', credentials: { host: server.url, token: SPLUNK_TOKEN }, sources: ['main'] });
    const ids = await Promise.all([1, 2].map(() => analyse(p, s)));
    const done = await Promise.all(ids.map((id) => settle(id, p)));
    const statuses = done.map((a) => a.status).sort();
    expect(statuses).toEqual(['complete', 'failed']);
    const waited = done.find((a) => a.status === 'failed');
    expect(waited.error.code).toBe('LOG_SOURCE_QUERY_FAILED');
    expect(waited.partialReasons).toEqual([expect.stringMatching(/^rate_limited: Log source "slow" \(splunk\): every query slot of this source stayed busy/)]);
    expect(splunk.stats.maxRunning).toBe(1);
  });

  it('samples a window above ANALYSIS_MAX_LINES evenly across time: partial, reason sampled, the incident still found', async () => {
    const s = recentScenario(26, 12_000);
    const p = await project('big-window', s);
    mkdirSync(join(logDir, p), { recursive: true });
    writeFileSync(join(logDir, p, 'services.ndjson'), `${[...s.baseline, ...s.entries].map((e) => JSON.stringify(e)).join('\n')}\n`);
    await source(p, { type: 'file', name: 'big', sources: ['*.ndjson'] });
    const done = await settle(await analyse(p, s), p);
    expect(s.entries.length).toBeGreaterThan(4000);
    expect(done.status).toBe('partial');
    expect(done.partialReasons).toEqual([
      expect.stringMatching(
        new RegExp(`^sampled: the sources held ${s.entries.length.toLocaleString('en')} lines in the window, more than ANALYSIS_MAX_LINES \\(2,000\\)`),
      ),
    ]);
    expect(done.result.logsScanned).toBeLessThanOrEqual(2000);
    expect(done.result.logsScanned).toBeGreaterThanOrEqual(1000);
    expect(done.result.rootCause.service).toBe(s.expected.origin);
  });
});
