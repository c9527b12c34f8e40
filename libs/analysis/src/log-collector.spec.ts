import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEntry } from '@app/contracts';
import { FileConnector, LogSourceError, type LogPage, type LogQuery, type LogSourceConnector, type SlotGate } from '@app/log-sources';
import { analyze, createAnalyzer, generateScenario } from './engine';
import { collectLogs, type CollectSource, type LogSink } from './log-collector';

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

/** A sink that records what it was given, in order (the engine's streaming interface). */
class Recorder implements LogSink {
  readonly window: string[] = [];
  readonly baseline: string[] = [];
  addBatch(entries: Iterable<LogEntry>): void {
    for (const e of entries) this.window.push(e.message);
  }
  addBaselineBatch(entries: Iterable<LogEntry>): void {
    for (const e of entries) this.baseline.push(e.message);
  }
  stats() {
    return {
      lines: this.window.length,
      keptLines: this.window.length,
      baselineLines: this.baseline.length,
      keptBaselineLines: this.baseline.length,
      sampled: false,
      signatures: 0,
    };
  }
}

const minute = (m: number) => new Date(START.getTime() + m * 60_000);
function collect(o: Omit<Parameters<typeof collectLogs>[0], 'start' | 'end' | 'timeoutMs' | 'sink'> & { timeoutMs?: number }) {
  const sink = new Recorder();
  return collectLogs({ start: START, end: END, timeoutMs: 1000, ...o, sink }).then((r) => ({ ...r, sink }));
}

describe('collectLogs', () => {
  it('reads the window and a baseline of the same length right before it, window first', async () => {
    const data = [entry(minute(-40), 'too old'), entry(minute(-20), 'baseline line'), entry(minute(5), 'window line'), entry(minute(45), 'too late')];
    const queries: LogQuery[] = [];
    const r = await collect({ sources: [source('a', fake(data, {}, queries))], maxLines: 100 });
    expect(r.sink.window).toEqual(['window line']);
    expect(r.sink.baseline).toEqual(['baseline line']);
    expect(r).toMatchObject({ answered: 1, failed: 0, reasons: [], sampled: false, windowLines: 1, baselineLines: 1 });
    expect(queries.map((q) => [q.start.toISOString(), q.end.toISOString()])).toEqual([
      [START.toISOString(), END.toISOString()],
      [minute(-30).toISOString(), new Date(START.getTime() - 1).toISOString()],
    ]);
  });

  it('reads both windows in one query for a local scan and routes each line by its timestamp', async () => {
    const data = [entry(minute(-20), 'b1'), entry(minute(-1), 'b2'), entry(minute(0), 'w0'), entry(minute(29), 'w29')];
    const queries: LogQuery[] = [];
    const r = await collect({ sources: [source('files', fake(data, { oneQuery: true }, queries))], maxLines: 100 });
    expect(queries).toHaveLength(1);
    expect([queries[0].start.toISOString(), queries[0].end.toISOString()]).toEqual([minute(-30).toISOString(), END.toISOString()]);
    expect(r.sink.baseline).toEqual(['b1', 'b2']);
    expect(r.sink.window).toEqual(['w0', 'w29']);
  });

  it('hands pages to the sink as they arrive, before the source has finished', async () => {
    const data = [1, 2, 3, 4].map((m) => entry(minute(m), `w${m}`));
    const r = await collect({ timeoutMs: 200, sources: [source('slow', fake(data, { hangAfterPages: 1 }))], maxLines: 100, baseline: false });
    // The first page reached the engine although the source never finished; the source is reported, not dropped.
    expect(r.sink.window).toEqual(['w1', 'w2']);
    expect(r).toMatchObject({ answered: 1, failed: 0 });
    expect(r.reasons).toEqual([expect.stringMatching(/"slow" \(fake\) timed out after 2 lines/)]);
  });

  it('hands every line to the engine, which samples a window above maxLines evenly across time (reason sampled)', async () => {
    const a = Array.from({ length: 240 }, (_, i) => ({
      ...entry(new Date(START.getTime() + i * 7_000), `a${i}`),
      level: i % 3 ? ('info' as const) : ('error' as const),
    }));
    const b = Array.from({ length: 240 }, (_, i) => ({ ...entry(new Date(START.getTime() + i * 7_000 + 3_000), `b${i}`), level: 'info' as const }));
    const analyzer = createAnalyzer({ window: { start: START.toISOString(), end: END.toISOString() }, maxLines: 80 });
    const r = await collectLogs({
      sources: [source('a', fake(a)), source('b', fake(b))],
      start: START,
      end: END,
      timeoutMs: 1000,
      maxLines: 80,
      sink: analyzer,
      baseline: false,
    });
    expect(r.windowLines).toBe(480);
    expect(r.sampled).toBe(true);
    const stats = analyzer.stats();
    expect(stats.lines).toBe(480);
    expect(stats.keptLines).toBeLessThanOrEqual(80);
    expect(r.reasons).toEqual([
      expect.stringMatching(
        new RegExp(
          `^sampled: the sources held 480 lines in the window, more than ANALYSIS_MAX_LINES \\(80\\); ${stats.keptLines} of them, an even sample across the window, were analysed\\.$`,
        ),
      ),
    ]);
    expect(analyzer.finish().logsScanned).toBe(stats.keptLines);
  });

  it('does not say sampled when the window fits', async () => {
    const analyzer = createAnalyzer({ window: { start: START.toISOString(), end: END.toISOString() }, maxLines: 80 });
    const r = await collectLogs({
      sources: [source('a', fake([entry(minute(1), 'w')]))],
      start: START,
      end: END,
      timeoutMs: 1000,
      maxLines: 80,
      sink: analyzer,
    });
    expect(r).toMatchObject({ sampled: false, reasons: [] });
  });

  it("counts only the source's time against its deadline, not the engine's work on each page", async () => {
    const data = Array.from({ length: 10 }, (_, i) => entry(minute(i + 1), `w${i + 1}`));
    // An engine that takes 120 ms per page: 5 pages = 600 ms, twice the 300 ms deadline, yet no page is the source's fault.
    class SlowSink extends Recorder {
      override addBatch(entries: Iterable<LogEntry>): void {
        const until = Date.now() + 120;
        while (Date.now() < until) {
          /* busy: the engine mining */
        }
        super.addBatch(entries);
      }
    }
    const sink = new SlowSink();
    const r = await collectLogs({ sources: [source('files', fake(data))], start: START, end: END, timeoutMs: 300, maxLines: 100, sink, baseline: false });
    expect(r).toMatchObject({ answered: 1, failed: 0, reasons: [] });
    expect(sink.window).toHaveLength(10);
  });

  it('does not fail on a baseline failure', async () => {
    const r = await collect({ sources: [source('a', fake([entry(minute(1), 'w')], { failBaseline: true }))], maxLines: 10 });
    expect(r).toMatchObject({ answered: 1, failed: 0, reasons: [] });
    expect(r.baselineIssues).toEqual([expect.stringContaining('baseline broke')]);
  });

  it('stops waiting for a connector that ignores the abort signal, and names it', async () => {
    const r = await collect({
      sources: [source('ok', fake([entry(minute(1), 'w')])), source('stuck', fake([], { ignoreSignalAndHang: true }))],
      timeoutMs: 150,
      maxLines: 10,
    });
    expect(r).toMatchObject({ answered: 1, failed: 1 });
    expect(r.reasons).toEqual([expect.stringMatching(/"stuck".*timed out.*LOG_SOURCE_TIMEOUT_MS/)]);
  });

  it('counts failures and unusable sources without throwing', async () => {
    const unusable: CollectSource = { id: 'u', name: 'legacy', type: 'gone', connector: null, config: null, problem: 'type "gone" is not supported' };
    const r = await collect({
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
    const r = await collect({
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
    const r = await collect({
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
    // What is left of the wait budget reaches the connector, for the platform's rate limits.
    expect(queries[0].waitBudget!.remainingMs).toBeGreaterThan(0);
    expect(queries[0].waitBudget!.remainingMs).toBeLessThanOrEqual(120);
  });
});

describe('pages fed straight into the streaming engine', () => {
  it.each([
    ['db_pool_exhaustion', 3],
    ['upstream_timeout_chain', 5],
    ['bad_deploy_null_reference', 7],
  ] as const)('give the result of the whole-array engine on the generated %s incident (seed %i)', async (kind, seed) => {
    const s = generateScenario(kind, seed, { backgroundLines: 4000 });
    const input = { window: s.window, description: 'customers report errors', services: s.services };
    const analyzer = createAnalyzer(input);
    const conn = fake([...s.baseline, ...s.entries], { pageSize: 500 });
    const r = await collectLogs({
      sources: [source('all', conn)],
      start: new Date(s.window.start),
      end: new Date(s.window.end),
      timeoutMs: 5000,
      maxLines: 2_000_000,
      sink: analyzer,
    });
    expect(r.windowLines).toBe(s.entries.length);
    expect(analyzer.finish()).toEqual(analyze({ ...input, entries: s.entries, baseline: s.baseline }));
  });
});

describe('a file source read for the engine', () => {
  it("gives the same result whether info lines are parsed or only counted (detail 'problems')", async () => {
    const s = generateScenario('db_pool_exhaustion', 11, { backgroundLines: 3000 });
    const dir = mkdtempSync(join(tmpdir(), 'collector-file-'));
    const projectId = '7c0d1a52-3b4e-4f6a-8b9c-0d1e2f3a4b5c';
    mkdirSync(join(dir, projectId));
    writeFileSync(join(dir, projectId, 'services.ndjson'), [...s.baseline, ...s.entries].map((e) => JSON.stringify(e)).join('\n') + '\n');
    try {
      const connector = new FileConnector({ logFilesDir: dir, blockedCidrs: [], blockedHosts: [], timeoutMs: 10_000, maxLines: 2_000_000 });
      const src: CollectSource = {
        id: 'f',
        name: 'files',
        type: 'file',
        connector,
        config: { type: 'file', credentials: {}, sources: ['*.ndjson'], projectId },
      };
      const run = async (detail: 'full' | 'problems') => {
        const analyzer = createAnalyzer({ window: s.window, description: 'checkout fails', services: s.services });
        const r = await collectLogs({
          sources: [src],
          start: new Date(s.window.start),
          end: new Date(s.window.end),
          timeoutMs: 10_000,
          maxLines: 2_000_000,
          sink: analyzer,
          detail,
        });
        return { r, result: analyzer.finish() };
      };
      const full = await run('full');
      const quick = await run('problems');
      expect(quick.r.windowLines).toBe(s.entries.length);
      expect(quick.r.baselineLines).toBe(s.baseline.length);
      expect(quick.result).toEqual(full.result);
      expect(full.result.rootCause.service).toBe(s.expected.origin);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
