import type { LogEntry, LogLevel } from '@app/contracts';
import { ROOT_CAUSE_CATEGORIES } from '@app/contracts';
import { analyze } from './analyze';
import { classifyMessage } from './classify';

const W = { start: '2024-05-01T10:00:00.000Z', end: '2024-05-01T10:30:00.000Z' };
const B0 = Date.parse('2024-05-01T09:30:00.000Z');
const W0 = Date.parse(W.start);

function e(t: number, service: string, level: LogLevel, message: string): LogEntry {
  const timestamp = new Date(t).toISOString();
  return { timestamp, service, level, message, raw: `${timestamp} ${message}` };
}

/** Steady traffic from three services, with a steady warning, in a 30-minute window from t0. */
function steady(t0: number): LogEntry[] {
  const out: LogEntry[] = [];
  for (let i = 0; i < 600; i++) {
    const t = t0 + i * 3000;
    out.push(e(t, 'web', 'info', `GET /items/${i} 200 ${i % 90}ms`));
    out.push(e(t + 1, 'checkout', 'info', `order ${1000 + i} placed`));
    out.push(e(t + 2, 'payments', 'info', `charge ${i} ok`));
    if (i % 10 === 0) out.push(e(t + 3, 'web', 'warn', `slow request took ${1000 + i}ms`));
  }
  return out;
}

/** A chain: payments exhausts its pool at +5 min, checkout then web name the service they call. */
function chain(): LogEntry[] {
  const out = steady(W0);
  for (let i = 0; i < 80; i++) {
    const t = W0 + 300_000 + i * 15_000;
    out.push(e(t, 'payments', 'error', `Connection pool exhausted: timeout acquiring connection after 30000ms (waiting=${i})`));
    out.push(e(t + 2000, 'checkout', 'error', `error calling payments: HTTP 503 Service Unavailable (order ${i})`));
    out.push(e(t + 4000, 'web', 'error', `upstream checkout returned 502 Bad Gateway for request ${i}`));
  }
  return out.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
}

describe('analyze', () => {
  it('returns a valid low-confidence "no errors" result for 0 entries', () => {
    const r = analyze({ entries: [], baseline: [], window: W });
    expect(r.logsScanned).toBe(0);
    expect(r.rootCause.category).toBe('unknown');
    expect(r.confidence).toBeLessThan(0.3);
    expect(r.summary).toMatch(/no errors/i);
    expect(r.affectedServices).toEqual([]);
    expect(r.timeline).toEqual([]);
    expect(r.suggestedActions.length).toBeGreaterThan(0);
    expect(r.timeWindow).toEqual(W);
  });

  it('finds nothing when the window looks like the baseline (steady warnings are not an incident)', () => {
    const r = analyze({ entries: steady(W0), baseline: steady(B0), window: W });
    expect(r.rootCause.category).toBe('unknown');
    expect(r.severity).toBe('info');
    expect(r.confidence).toBeLessThan(0.3);
    expect(r.logsScanned).toBe(steady(W0).length);
  });

  it('ranks the new signature first and follows cross-service references to the origin', () => {
    const r = analyze({ entries: chain(), baseline: steady(B0), window: W });
    expect(r.rootCause.service).toBe('payments');
    expect(r.rootCause.category).toBe('database');
    expect(r.rootCause.errorType).toBe('ConnectionPoolExhausted');
    const roles = Object.fromEntries(r.affectedServices.map((s) => [s.serviceName, s.role]));
    expect(roles).toEqual({ payments: 'origin', checkout: 'propagator', web: 'affected' });
    const pay = r.affectedServices.find((s) => s.serviceName === 'payments')!;
    expect(pay.errorCount).toBe(80);
    expect(pay.firstSeen).toBe(new Date(W0 + 300_000).toISOString());
    expect(r.timeline.filter((t) => t.isRootCause).every((t) => t.service === 'payments')).toBe(true);
    expect(r.timeline.some((t) => t.isRootCause)).toBe(true);
    expect(r.signatures?.[0].isNew).toBe(true);
    expect(r.signatures?.some((s) => s.template.startsWith('slow request'))).toBe(false);
    expect(r.suggestedActions[0].priority).toBe(1);
    expect(r.suggestedActions.map((a) => a.type)).toContain('fix');
    expect(r.confidence).toBeGreaterThan(0.5);
    expect(['high', 'critical']).toContain(r.severity);
  });

  it('treats a surge of a known signature as anomalous, but not its steady rate', () => {
    const base = steady(B0);
    const win = steady(W0);
    for (let i = 0; i < 5; i++) base.push(e(B0 + i * 60_000, 'checkout', 'error', `deadlock detected in transaction ${i}`));
    for (let i = 0; i < 150; i++) win.push(e(W0 + 60_000 + i * 5000, 'checkout', 'error', `deadlock detected in transaction ${i}`));
    const r = analyze({ entries: win, baseline: base, window: W });
    expect(r.rootCause.service).toBe('checkout');
    expect(r.rootCause.category).toBe('database');
    expect(r.signatures?.[0].baselineCount).toBe(5);
    expect(r.signatures?.[0].isNew).toBe(false);
  });

  it('is deterministic', () => {
    const input = { entries: chain(), baseline: steady(B0), window: W };
    expect(JSON.stringify(analyze(input))).toBe(JSON.stringify(analyze(input)));
  });

  it('uses service aliases to resolve references', () => {
    const entries = steady(W0);
    for (let i = 0; i < 60; i++) {
      entries.push(e(W0 + 60_000 + i * 10_000, 'payments', 'error', `java.lang.OutOfMemoryError: Java heap space (${i})`));
      entries.push(e(W0 + 61_000 + i * 10_000, 'web', 'error', `call to pay-svc failed with 502 (${i})`));
    }
    const r = analyze({ entries, baseline: steady(B0), window: W, services: [{ name: 'payments', aliases: ['pay-svc'] }] });
    expect(r.rootCause.service).toBe('payments');
    expect(r.rootCause.category).toBe('memory');
    expect(r.rootCause.errorType).toBe('OutOfMemoryError');
  });
});

describe('classifyMessage', () => {
  it.each([
    ['HikariPool-1 - Connection is not available, request timed out after 30000ms; java.sql.SQLTransientConnectionException', 'database'],
    ['call to payments-api timed out after 5000ms', 'timeout'],
    ["TypeError: Cannot read properties of undefined (reading 'price')", 'null_reference'],
    ['identity provider returned 503 while validating token', 'authentication'],
    ['403 Forbidden: permission denied for role viewer', 'authorization'],
    ['stripe API responded 429 Too Many Requests', 'rate_limiting'],
    ['ENOSPC: no space left on device', 'disk'],
    ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', 'memory'],
    ['Missing required environment variable SMTP_HOST', 'configuration'],
    ['getaddrinfo ENOTFOUND orders-db.internal', 'network'],
    ['x509: certificate has expired or is not yet valid', 'network'],
    ['validation failed: email must be a valid address', 'validation'],
    ['upstream returned 502 Bad Gateway', 'dependency'],
    ['something odd happened', 'unknown'],
  ])('%s → %s', (msg, category) => {
    const c = classifyMessage(msg);
    expect(c.category).toBe(category);
    expect(ROOT_CAUSE_CATEGORIES).toContain(c.category);
  });

  it('takes the error type from exception names, errno codes and HTTP statuses', () => {
    expect(classifyMessage('java.lang.NullPointerException at Foo.bar').errorType).toBe('NullPointerException');
    expect(classifyMessage('connect ECONNREFUSED 10.0.0.1:5432').errorType).toBe('ECONNREFUSED');
    expect(classifyMessage('upstream returned 503').errorType).toBe('HTTP503');
    expect(classifyMessage('Connection pool exhausted').errorType).toBe('ConnectionPoolExhausted');
  });
});
