import type { LogEntry, LogLevel } from '@app/contracts';
import { analyze } from './analyze';
import { createAnalyzer } from './analyzer';
import { createLineSampler, LevelCounts } from './sampling';
import { generateScenario } from './scenarios/incident-generator';

const W = { start: '2024-05-01T10:00:00.000Z', end: '2024-05-01T10:30:00.000Z' };
const W0 = Date.parse(W.start);
const B0 = W0 - 30 * 60_000;

function e(t: number, service: string, level: LogLevel, message: string): LogEntry {
  const timestamp = new Date(t).toISOString();
  return { timestamp, service, level, message, raw: `${timestamp} ${level} ${message}` };
}

function steady(t0: number, n = 600): LogEntry[] {
  const out: LogEntry[] = [];
  for (let i = 0; i < n; i++) {
    out.push(e(t0 + i * 3000, 'web', 'info', `GET /items/${i} 200 ${i % 90}ms`));
    if (i % 10 === 0) out.push(e(t0 + i * 3000 + 3, 'web', 'warn', `slow request took ${1000 + i}ms`));
  }
  return out;
}

describe('createAnalyzer (streaming)', () => {
  it('gives the same result fed page by page, interleaved with the baseline, as the whole-array wrapper', () => {
    const s = generateScenario('db_pool_exhaustion', 5);
    const whole = analyze({ entries: s.entries, baseline: s.baseline, window: s.window, services: s.services });
    const a = createAnalyzer({ window: s.window, services: s.services });
    // Baseline pages first would be the wrapper's order; here pages of both windows alternate.
    const page = 97;
    for (let i = 0; i < Math.max(s.entries.length, s.baseline.length); i += page) {
      a.addBaselineBatch(s.baseline.slice(i, i + page));
      a.addBatch(s.entries.slice(i, i + page));
    }
    const streamed = a.finish();
    expect(streamed.rootCause).toEqual(whole.rootCause);
    expect(streamed.rootCause.service).toBe(s.expected.origin);
    expect(streamed.affectedServices.map((x) => x.serviceName)).toEqual(whole.affectedServices.map((x) => x.serviceName));
    expect(streamed.logsScanned).toBe(s.entries.length);
    expect(a.stats).toBeDefined();
    expect(() => a.add(s.entries[0])).toThrow(/finished/);
  });

  it('adds logEvidence: the lines behind the top signatures, most relevant first, ≤ 5 per signature and ≤ 50 in all', () => {
    const entries = steady(W0);
    for (let k = 0; k < 14; k++)
      for (let i = 0; i < 30; i++)
        entries.push(e(W0 + 60_000 + k * 1000 + i * 20_000, `svc-${k}`, 'error', `failure kind${'abcdefghijklmn'[k]} while calling step ${i}`));
    const r = analyze({ entries, baseline: steady(B0), window: W });
    const ev = r.logEvidence!;
    expect(ev.length).toBe(50);
    for (let i = 1; i < ev.length; i++) expect(ev[i - 1].relevanceScore).toBeGreaterThanOrEqual(ev[i].relevanceScore);
    const perService = new Map<string, number>();
    for (const x of ev) perService.set(x.service, (perService.get(x.service) ?? 0) + 1);
    expect(Math.max(...perService.values())).toBeLessThanOrEqual(5);
    expect(ev[0].relevanceScore).toBe(1);
    expect(ev[0]).toEqual({
      timestamp: expect.any(String),
      service: expect.stringMatching(/^svc-/),
      level: 'error',
      message: expect.stringContaining('while calling step'),
      raw: expect.stringContaining('while calling step'),
      relevanceScore: 1,
    });
    // Each signature's examples are its earliest distinct lines.
    const first = ev.filter((x) => x.service === ev[0].service).map((x) => x.timestamp);
    expect(first).toEqual([...first].sort());
  });

  it('never lets a card number or an API key from the logs into the result', () => {
    const entries = steady(W0);
    const secretLine = (i: number) => `payment declined card=4111111111111111 token=sk_live_4eC39HqLyjWDarjtT1zdp7dc for jane@example.com from 10.2.3.${i}`;
    for (let i = 0; i < 40; i++) entries.push(e(W0 + 120_000 + i * 10_000, 'payments', 'error', secretLine(i)));
    const r = analyze({ entries, baseline: steady(B0), window: W });
    expect(r.rootCause.service).toBe('payments');
    const text = JSON.stringify(r);
    expect(text).not.toContain('4111111111111111');
    expect(text).not.toContain('sk_live_');
    expect(text).not.toContain('jane@example.com');
    expect(text).not.toMatch(/10\.2\.3\.\d/);
    expect(r.logEvidence!.length).toBeGreaterThan(0);
    expect(r.logEvidence![0].raw).toContain('card=[CARD] token=[REDACTED] for [EMAIL] from [IP]');
    expect(r.timeline.some((t) => t.message.includes('[CARD]'))).toBe(true);

    const kept = analyze({ entries, baseline: steady(B0), window: W, masking: { keepEmails: true, keepIps: true } });
    const keptText = JSON.stringify(kept);
    expect(keptText).toContain('jane@example.com');
    expect(keptText).not.toContain('4111111111111111');
    expect(keptText).not.toContain('sk_live_');
  });

  it('samples a window above maxLines evenly across time and says so', () => {
    const entries: LogEntry[] = [];
    // 40,000 lines: a dense first half hour quarter and a sparse rest, errors spread evenly over the window.
    for (let i = 0; i < 30_000; i++) entries.push(e(W0 + Math.floor((i / 30_000) * 450_000), 'web', 'info', `GET /a/${i} 200`));
    for (let i = 0; i < 10_000; i++)
      entries.push(e(W0 + 450_000 + Math.floor((i / 10_000) * 1_349_000), 'web', i % 10 === 0 ? 'error' : 'info', `op ${i} failed`));
    const a = createAnalyzer({ window: W, maxLines: 10_000 });
    a.addBatch(entries);
    const st = a.stats();
    expect(st.sampled).toBe(true);
    expect(st.lines).toBe(40_000);
    expect(st.keptLines).toBeLessThanOrEqual(10_000);
    expect(st.keptLines).toBeGreaterThanOrEqual(4_000);
    const r = a.finish();
    expect(r.logsScanned).toBe(st.keptLines);

    const under = createAnalyzer({ window: W, maxLines: 40_000 });
    under.addBatch(entries);
    expect(under.stats().sampled).toBe(false);
    expect(under.finish().logsScanned).toBe(40_000);
  });
});

describe('createLineSampler', () => {
  it('keeps every line up to the budget, then a uniform share of the whole stream', () => {
    const s = createLineSampler(1000);
    const levels: number[] = [];
    for (let i = 0; i < 1000; i++) levels.push(s.offer());
    expect(levels.every((l) => l >= 0)).toBe(true);
    expect(s.sampled).toBe(false);
    // 100× over budget: the sample is 1/128 or 1/64 of the stream, evenly spread over its ten tenths.
    const counts = Array.from({ length: 10 }, () => new LevelCounts());
    const all = createLineSampler(1000);
    for (let i = 0; i < 100_000; i++) {
      const l = all.offer();
      if (l >= 0) counts[Math.floor(i / 10_000)].add(l);
    }
    expect(all.sampled).toBe(true);
    const perTenth = counts.map((c) => c.at(all.threshold));
    const kept = perTenth.reduce((x, y) => x + y, 0);
    expect(kept).toBe(all.kept);
    expect(kept).toBeLessThanOrEqual(1000);
    expect(kept).toBeGreaterThanOrEqual(400);
    for (const n of perTenth) expect(Math.abs(n - kept / 10)).toBeLessThan(kept / 10 / 2);
  });

  it('keeps everything without a budget', () => {
    const s = createLineSampler(0);
    for (let i = 0; i < 5000; i++) expect(s.offer()).toBe(0);
    expect(s.sampled).toBe(false);
    expect(s.kept).toBe(5000);
  });
});
