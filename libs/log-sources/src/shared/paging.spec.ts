import type { LogEntry } from '@app/contracts';
import { LogSourceError } from '../connector';
import { collectAcrossSources, decodeCursor, runConnectionTest } from './paging';

const entry = (i: number, service = 's'): LogEntry => ({
  timestamp: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
  level: 'info',
  service,
  message: `m${i}`,
  raw: `m${i}`,
});

/** A fake source of `n` entries served `per` at a time; position = offset. */
function pager(data: Record<string, LogEntry[]>, per = 2) {
  return async (source: string, pos: number | undefined, max: number) => {
    const rows = data[source];
    if (!rows) throw new LogSourceError('not_found', `no such source ${source}`);
    const start = pos ?? 0;
    const page = rows.slice(start, start + Math.min(per, max));
    const next = start + page.length;
    return { entries: page, ...(next < rows.length ? { next } : {}) };
  };
}

describe('collectAcrossSources', () => {
  const data = { a: [entry(1, 'a'), entry(3, 'a'), entry(5, 'a')], b: [entry(2, 'b'), entry(4, 'b')] };

  it('pages every source to the end and merges oldest first', async () => {
    const r = await collectAcrossSources({ sources: ['a', 'b'], limit: 100, fetchPage: pager(data) });
    expect(r.entries.map((e) => e.message)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(r.truncated).toBe(false);
    expect(r.nextCursor).toBeUndefined();
  });

  it('truncates at the limit and resumes exactly where it stopped, across sources', async () => {
    const first = await collectAcrossSources({ sources: ['a', 'b'], limit: 2, fetchPage: pager(data) });
    expect(first.truncated).toBe(true);
    expect(decodeCursor(first.nextCursor)).toEqual({ s: 0, p: 2 });
    const second = await collectAcrossSources({ sources: ['a', 'b'], limit: 2, cursor: first.nextCursor, fetchPage: pager(data) });
    expect(second.entries.map((e) => e.message)).toEqual(['m5', 'm2'].sort());
    const third = await collectAcrossSources({ sources: ['a', 'b'], limit: 2, cursor: second.nextCursor, fetchPage: pager(data) });
    expect(third.entries.map((e) => e.message)).toEqual(['m4']);
    expect(third.truncated).toBe(false);
  });

  it('turns a failing source into a warning, but throws when every source fails', async () => {
    const r = await collectAcrossSources({ sources: ['missing', 'b'], limit: 10, fetchPage: pager(data) });
    expect(r.entries).toHaveLength(2);
    expect(r.warnings).toEqual(['missing: no such source missing']);
    await expect(collectAcrossSources({ sources: ['x', 'y'], limit: 10, fetchPage: pager(data) })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('stops at a connection-level failure; strict mode throws on any failure', async () => {
    const fetchPage = async (source: string) => {
      if (source === 'ok') return { entries: [entry(1)] };
      throw new LogSourceError('unauthorized', 'Credentials were rejected');
    };
    const r = await collectAcrossSources({ sources: ['ok', 'bad', 'never'], limit: 10, fetchPage });
    expect(r.entries).toHaveLength(1);
    expect(r.warnings?.[0]).toMatch(/^Credentials were rejected \(stopped; 1 lines collected\)/);
    await expect(collectAcrossSources({ sources: ['bad', 'ok'], limit: 10, fetchPage })).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(collectAcrossSources({ sources: ['missing', 'b'], limit: 10, fetchPage: pager(data), strict: true })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('rejects a forged cursor', () => {
    expect(() => decodeCursor('not-json')).toThrow(LogSourceError);
  });
});

describe('runConnectionTest', () => {
  it('reports connected with samples, connected-but-empty, and failures', async () => {
    const ok = await runConnectionTest('X', async () => ({ entries: [entry(1), entry(2)], truncated: false }));
    expect(ok).toMatchObject({ connected: true, sampleLogs: [{ message: 'm1' }, { message: 'm2' }] });
    const empty = await runConnectionTest('X', async () => ({ entries: [], truncated: false }));
    expect(empty.connected).toBe(true);
    expect(empty.message).toContain('widen the test window');
    const bad = await runConnectionTest('X', async () => {
      throw new LogSourceError('forbidden', 'nope 403');
    });
    expect(bad).toEqual({ connected: false, message: 'nope 403', sampleLogs: [] });
  });
});
