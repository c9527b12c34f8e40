import type { LogEntry } from '@app/contracts';
import { LogSourceError, type LogPage, type LogQuery, type LogSourceConnector } from '@app/log-sources/connector';
import type { SlotGate } from '@app/log-sources/log-source-slots';
import { analyze } from './engine/analyze';
import { generateScenario } from './engine/scenarios/incident-generator';
import { BufferedAnalyzer, collectLogs, type CollectSource, type LogSink } from './log-collector';

const START = new Date('2024-05-01T10:00:00.000Z');
const END = new Date('2024-05-01T10:30:00.000Z');

function entry(ts: Date, message: string, service = 'api'): LogEntry {
  return { timestamp: ts.toISOString(), level: 'error', service, message, raw: message };
}

interface Behaviour {
  failBaseline?: boolean;
  ignoreSignalAndHang?: boolean;
  fail?: LogSourceError;
  /** Hang (ignoring the signal) after this many pages. */
  hangAfterPages?: number;
  oneQuery?: boolean;
  pageSize?: number;
}

/** A connector answering from a fixed list of entries in pages, honouring start/end/limit like the real ones. */
function fake(all: LogEntry[], b: Behaviour = {}, queries: LogQuery[] = []): LogSourceConnector {
  async function* pages(q: LogQuery): AsyncGenerator<LogPage> {
    queries.push(q);
    if (b.fail) throw b.fail;
    if (b.ignoreSignalAndHang) await new Promise(() => undefined);
    if (b.failBaseline && q.end.getTime() < START.getTime()) throw new LogSourceError('upstream_error', 'baseline broke');
    const inRange = all.filter((e) => Date.parse(e.timestamp) >= q.start.getTime() && Date.parse(e.timestamp) <= q.end.getTime()).slice(0, q.limit);
    const size = b.pageSize ?? 2;
    for (let i = 0, n = 0; i < inRange.length; i += size, n++) {
      if (b.hangAfterPages !== undefined && n >= b.hangAfterPages) await new Promise(() => undefined);
      yield { entries: inRange.slice(i, i + size) };
    }
  }
  return {
    metadata: { type: 'fake', displayName: 'Fake', fields: [], sourcesLabel: '', sourcesPlaceholder: '', setupHint: '' },
    ...(b.oneQuery ? { oneQueryPerAnalysis: true } : {}),
    testConnection: async () => ({ connected: true, message: 'ok', sampleLogs: [] }),
    pages: (_c, q) => pages(q),
    query: async () => {
      throw new Error('the collector reads pages');
    },
  };
}

function source(name: string, connector: LogSourceConnector): CollectSource {
  return { id: name, name, type: 'fake', connector, config: { type: 'fake', credentials: {}, sources: ['x'], projectId: 'p1' } };
}

/** A sink that records what it was given, in order. */
class Recorder implements LogSink {
  readonly window: string[] = [];
  readonly baseline: string[] = [];
  addWindow(entries: readonly LogEntry[]): void {
    for (const e of entries) this.window.push(e.message);
  }
  addBaseline(entries: readonly LogEntry[]): void {
    for (const e of entries) this.baseline.push(e.message);
  }
}

const minute = (m: number) => new Date(START.getTime() + m * 60_000);
const base = { start: START, end: END, timeoutMs: 1000, createSink: () => new Recorder() };

describe('collectLogs', () => {
  it('reads the window and a baseline of the same length right before it, window first', async () => {
    const data = [entry(minute(-40), 'too old'), entry(minute(-20), 'baseline line'), entry(minute(5), 'window line'), entry(minute(45), 'too late')];
    const queries: LogQuery[] = [];
    const r = await collectLogs({ ...base, sources: [source('a', fake(data, {}, queries))], maxLines: 100 });
    expect(r.sink.window).toEqual(['window line']);
    expect(r.sink.baseline).toEqual(['baseline line']);
    expect(r).toMatchObject({ answered: 1, failed: 0, reasons: [], truncated: false, sampled: false, windowLines: 1, baselineLines: 1 });
    expect(queries.map((q) => [q.start.toISOString(), q.end.toISOString()])).toEqual([
      [START.toISOString(), END.toISOString()],
      [minute(-30).toISOString(), new Date(START.getTime() - 1).toISOString()],
    ]);
  });

  it('reads both windows in one query for a local scan and routes each line by its timestamp', async () => {
    const data = [entry(minute(-20), 'b1'), entry(minute(-1), 'b2'), entry(minute(0), 'w0'), entry(minute(29), 'w29')];
    const queries: LogQuery[] = [];
    const r = await collectLogs({ ...base, sources: [source('files', fake(data, { oneQuery: true }, queries))], maxLines: 100 });
    expect(queries).toHaveLength(1);
    expect([queries[0].start.toISOString(), queries[0].end.toISOString()]).toEqual([minute(-30).toISOString(), END.toISOString()]);
    expect(r.sink.baseline).toEqual(['b1', 'b2']);
    expect(r.sink.window).toEqual(['w0', 'w29']);
  });

  it('hands pages to the sink as they arrive, before the source has finished', async () => {
    const data = [1, 2, 3, 4].map((m) => entry(minute(m), `w${m}`));
    const r = await collectLogs({ ...base, timeoutMs: 200, sources: [source('slow', fake(data, { hangAfterPages: 1 }))], maxLines: 100, baseline: false });
    // The first page reached the engine although the source never finished; the source is reported, not dropped.
    expect(r.sink.window).toEqual(['w1', 'w2']);
    expect(r).toMatchObject({ answered: 1, failed: 0 });
    expect(r.reasons).toEqual([expect.stringMatching(/"slow" \(fake\) timed out after 2 lines/)]);
  });

  it('samples a window above maxLines evenly across time (reason sampled), instead of cutting it at the start', async () => {
    const a = Array.from({ length: 24 }, (_, i) => entry(minute(i + 1), `a${i + 1}`));
    const b = Array.from({ length: 24 }, (_, i) => entry(new Date(minute(i + 1).getTime() + 30_000), `b${i + 1}`));
    const r = await collectLogs({ ...base, sources: [source('a', fake(a)), source('b', fake(b))], maxLines: 8, baseline: false });
    expect(r.sampled).toBe(true);
    expect(r.truncated).toBe(false);
    expect(r.windowTotal).toBe(48);
    expect(r.windowLines).toBe(8);
    expect(r.sink.window).toHaveLength(8);
    // Lines from the last quarter of the window are there: not the first 8 lines.
    const minutes = r.sink.window.map((m) => Number(m.slice(1)));
    expect(Math.max(...minutes)).toBeGreaterThanOrEqual(18);
    expect(Math.min(...minutes)).toBeLessThanOrEqual(6);
    expect(r.reasons).toEqual([
      expect.stringMatching(/^sampled: the sources held 48 lines in the window, more than ANALYSIS_MAX_LINES \(8\); 8 were analysed/),
    ]);
  });

  it('falls back to the first lines, saying truncated, when the sampled re-read fails', async () => {
    const data = Array.from({ length: 10 }, (_, i) => entry(minute(i + 1), `w${i + 1}`));
    let reads = 0;
    const flaky = fake(data);
    const once: LogSourceConnector = {
      ...flaky,
      pages: (c, q) => {
        reads++;
        if (reads > 1) return fake([], { fail: new LogSourceError('upstream_error', 'second read broke') }).pages(c, q);
        return flaky.pages(c, q);
      },
    };
    const r = await collectLogs({ ...base, sources: [source('once', once)], maxLines: 4, baseline: false });
    expect(r.sampled).toBe(false);
    expect(r.truncated).toBe(true);
    expect(r.sink.window).toEqual(['w1', 'w2', 'w3', 'w4']);
    expect(r.reasons.join(' ')).toMatch(/second read broke/);
    expect(r.reasons.join(' ')).toMatch(/truncated to 4 lines/);
  });

  it('does not fail on a baseline failure', async () => {
    const r = await collectLogs({ ...base, sources: [source('a', fake([entry(minute(1), 'w')], { failBaseline: true }))], maxLines: 10 });
    expect(r).toMatchObject({ answered: 1, failed: 0, reasons: [] });
    expect(r.baselineIssues).toEqual([expect.stringContaining('baseline broke')]);
  });

  it('stops waiting for a connector that ignores the abort signal, and names it', async () => {
    const r = await collectLogs({
      ...base,
      sources: [source('ok', fake([entry(minute(1), 'w')])), source('stuck', fake([], { ignoreSignalAndHang: true }))],
      timeoutMs: 150,
      maxLines: 10,
    });
    expect(r).toMatchObject({ answered: 1, failed: 1 });
    expect(r.reasons).toEqual([expect.stringMatching(/"stuck".*timed out.*LOG_SOURCE_TIMEOUT_MS/)]);
  });

  it('counts failures and unusable sources without throwing', async () => {
    const unusable: CollectSource = { id: 'u', name: 'legacy', type: 'gone', connector: null, config: null, problem: 'type "gone" is not supported' };
    const r = await collectLogs({
      ...base,
      sources: [source('denied', fake([], { fail: new LogSourceError('unauthorized', 'Credentials were rejected (401).') })), unusable],
      maxLines: 10,
    });
    expect(r).toMatchObject({ answered: 0, failed: 2 });
    expect(r.reasons).toEqual([
      'Log source "denied" (fake) failed: Credentials were rejected (401).',
      'Log source "legacy" (gone) failed: type "gone" is not supported',
    ]);
  });

  it('reports a platform that kept rate limiting as rate_limited', async () => {
    const r = await collectLogs({
      ...base,
      sources: [source('dd', fake([], { fail: new LogSourceError('rate_limited', 'Datadog is rate limiting requests (HTTP 429).') }))],
      maxLines: 10,
    });
    expect(r).toMatchObject({ answered: 0, failed: 1 });
    expect(r.reasons).toEqual(['rate_limited: Log source "dd" (fake): Datadog is rate limiting requests (HTTP 429).']);
  });

  it('queries each source inside a slot, and reports rate_limited when no slot frees up within the wait budget', async () => {
    const asked: Array<{ id: string; waitUntil: number; purpose: string }> = [];
    let released = 0;
    const gate: SlotGate = {
      acquire: async (s, o) => {
        asked.push({ id: s.id, waitUntil: o.waitUntil, purpose: o.purpose });
        if (s.id === 'busy') {
          await new Promise((r) => setTimeout(r, Math.max(0, o.waitUntil - Date.now())));
          return null;
        }
        return { release: async () => void released++ };
      },
    };
    const queries: LogQuery[] = [];
    const t0 = Date.now();
    const r = await collectLogs({
      ...base,
      sources: [source('free', fake([entry(minute(1), 'w')], {}, queries)), source('busy', fake([entry(minute(2), 'never')]))],
      maxLines: 10,
      slots: gate,
      waitCapMs: 120,
      purpose: 'analysis x',
    });
    expect(asked.map((a) => [a.id, a.purpose])).toEqual([
      ['free', 'analysis x'],
      ['busy', 'analysis x'],
    ]);
    expect(asked[1].waitUntil - t0).toBeLessThanOrEqual(200);
    expect(released).toBe(1);
    expect(r.sink.window).toEqual(['w']);
    expect(r).toMatchObject({ answered: 1, failed: 1 });
    expect(r.reasons).toEqual([expect.stringMatching(/^rate_limited: Log source "busy" \(fake\): every query slot of this source stayed busy/)]);
    // The rate-limit wait budget reaches the connector too (its backoffs end before it).
    expect(queries[0].waitUntil).toBe(asked[0].waitUntil);
  });
});

describe('BufferedAnalyzer (adapter to the whole-array engine)', () => {
  it('gives the engine what was added and keeps neither raw text nor metadata', async () => {
    const a = new BufferedAnalyzer({ window: { start: START.toISOString(), end: END.toISOString() }, description: 'checkout', services: [] });
    const lines = Array.from({ length: 30 }, (_, i) => ({
      ...entry(minute(i % 30), `payment gateway timeout after ${1000 + i} ms`, 'checkout'),
      raw: 'x'.repeat(1000),
      metadata: { big: 'y'.repeat(1000) },
    }));
    a.addWindow(lines);
    a.addBaseline([entry(minute(-10), 'all good', 'checkout')]);
    const held = (a as unknown as { window: { problems: LogEntry[]; info: Map<string, number> } }).window;
    expect(held.problems).toHaveLength(30);
    expect(held.problems.every((e) => e.raw === '' && e.metadata === undefined)).toBe(true);
    expect([...held.info]).toEqual([]);
    const result = a.finish();
    expect(result.logsScanned).toBe(30);
    expect(result.rootCause.service).toBe('checkout');
  });
});

describe('BufferedAnalyzer gives the same result as the whole-array engine', () => {
  it.each([
    ['db_pool_exhaustion', 3],
    ['upstream_timeout_chain', 5],
    ['bad_deploy_null_reference', 7],
  ] as const)('on the generated %s incident (seed %i), fed in pages', (kind, seed) => {
    const s = generateScenario(kind, seed, { backgroundLines: 4000 });
    const input = { window: s.window, description: 'customers report errors', services: s.services };
    const a = new BufferedAnalyzer(input);
    for (let i = 0; i < s.baseline.length; i += 500) a.addBaseline(s.baseline.slice(i, i + 500));
    for (let i = 0; i < s.entries.length; i += 500) a.addWindow(s.entries.slice(i, i + 500));
    expect(a.finish()).toEqual(analyze({ ...input, entries: s.entries, baseline: s.baseline }));
  });
});
