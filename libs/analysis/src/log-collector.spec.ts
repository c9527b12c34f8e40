import type { LogEntry } from '@app/contracts';
import { LogSourceError, type LogQuery, type LogSourceConnector } from '@app/log-sources/connector';
import { collectLogs, type CollectSource } from './log-collector';

const START = new Date('2024-05-01T10:00:00.000Z');
const END = new Date('2024-05-01T10:30:00.000Z');

function entry(ts: Date, message: string, service = 'api'): LogEntry {
  return { timestamp: ts.toISOString(), level: 'error', service, message, raw: message };
}

/** A connector answering from a fixed list of entries, honouring start/end/limit like the real ones. */
function fake(all: LogEntry[], behaviour: { failBaseline?: boolean; ignoreSignalAndHang?: boolean; fail?: LogSourceError } = {}): LogSourceConnector {
  return {
    metadata: { type: 'fake', displayName: 'Fake', fields: [], sourcesLabel: '', sourcesPlaceholder: '', setupHint: '' },
    testConnection: async () => ({ connected: true, message: 'ok', sampleLogs: [] }),
    query: async (_c, q: LogQuery) => {
      if (behaviour.fail) throw behaviour.fail;
      if (behaviour.ignoreSignalAndHang) return new Promise(() => undefined);
      if (behaviour.failBaseline && q.end.getTime() < START.getTime()) throw new LogSourceError('upstream_error', 'baseline broke');
      const inRange = all.filter((e) => Date.parse(e.timestamp) >= q.start.getTime() && Date.parse(e.timestamp) <= q.end.getTime());
      return { entries: inRange.slice(0, q.limit), truncated: inRange.length > q.limit };
    },
  };
}

function source(name: string, connector: LogSourceConnector): CollectSource {
  return { id: name, name, type: 'fake', connector, config: { type: 'fake', credentials: {}, sources: ['x'] } };
}

const minute = (m: number) => new Date(START.getTime() + m * 60_000);

describe('collectLogs', () => {
  it('fetches the window and a baseline of the same length right before it', async () => {
    const data = [entry(minute(-40), 'too old'), entry(minute(-20), 'baseline line'), entry(minute(5), 'window line'), entry(minute(45), 'too late')];
    const r = await collectLogs({ sources: [source('a', fake(data))], start: START, end: END, timeoutMs: 1000, maxLines: 100 });
    expect(r.entries.map((e) => e.message)).toEqual(['window line']);
    expect(r.baseline.map((e) => e.message)).toEqual(['baseline line']);
    expect(r).toMatchObject({ answered: 1, failed: 0, reasons: [], truncated: false });
  });

  it('caps the total at maxLines across sources, keeps the earliest lines and says so', async () => {
    const a = [1, 3, 5].map((m) => entry(minute(m), `a${m}`));
    const b = [2, 4, 6].map((m) => entry(minute(m), `b${m}`));
    const r = await collectLogs({ sources: [source('a', fake(a)), source('b', fake(b))], start: START, end: END, timeoutMs: 1000, maxLines: 4 });
    expect(r.entries.map((e) => e.message)).toEqual(['a1', 'b2', 'a3', 'b4']);
    expect(r.truncated).toBe(true);
    expect(r.reasons.join(' ')).toMatch(/ANALYSIS_MAX_LINES/);
  });

  it('reports a single source cut by the limit as truncation', async () => {
    const a = [1, 2, 3].map((m) => entry(minute(m), `a${m}`));
    const r = await collectLogs({ sources: [source('big', fake(a))], start: START, end: END, timeoutMs: 1000, maxLines: 2 });
    expect(r.entries).toHaveLength(2);
    expect(r.reasons).toEqual([expect.stringContaining('"big"')]);
  });

  it('does not fail on a baseline failure', async () => {
    const r = await collectLogs({
      sources: [source('a', fake([entry(minute(1), 'w')], { failBaseline: true }))],
      start: START,
      end: END,
      timeoutMs: 1000,
      maxLines: 10,
    });
    expect(r).toMatchObject({ answered: 1, failed: 0, reasons: [] });
    expect(r.baselineIssues).toEqual([expect.stringContaining('baseline broke')]);
  });

  it('stops waiting for a connector that ignores the abort signal, and names it', async () => {
    const r = await collectLogs({
      sources: [source('ok', fake([entry(minute(1), 'w')])), source('stuck', fake([], { ignoreSignalAndHang: true }))],
      start: START,
      end: END,
      timeoutMs: 150,
      maxLines: 10,
    });
    expect(r).toMatchObject({ answered: 1, failed: 1 });
    expect(r.reasons).toEqual([expect.stringMatching(/"stuck".*timed out.*LOG_SOURCE_TIMEOUT_MS/)]);
  });

  it('counts failures and unusable sources without throwing', async () => {
    const unusable: CollectSource = { id: 'u', name: 'legacy', type: 'gone', connector: null, config: null, problem: 'type "gone" is not supported' };
    const r = await collectLogs({
      sources: [source('denied', fake([], { fail: new LogSourceError('unauthorized', 'Credentials were rejected (401).') })), unusable],
      start: START,
      end: END,
      timeoutMs: 1000,
      maxLines: 10,
    });
    expect(r).toMatchObject({ answered: 0, failed: 2 });
    expect(r.reasons).toEqual([
      'Log source "denied" (fake) failed: Credentials were rejected (401).',
      'Log source "legacy" (gone) failed: type "gone" is not supported',
    ]);
  });
});
