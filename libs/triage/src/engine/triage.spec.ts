import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TriageInput } from '@app/contracts';
import { evaluate, triage, type EvaluationCase } from './index';

const catalogue = JSON.parse(readFileSync(join(__dirname, '..', '..', 'data', 'catalogue.json'), 'utf8'));
const context: TriageInput['context'] = { services: catalogue.services, llmContext: catalogue.llmContext, servicesSeenInLogs: catalogue.servicesSeenInLogs };
const createdAt = '2026-03-10T09:30:00.000Z'; // 10:30 in Paris
const run = (text: string, extra: Partial<TriageInput> = {}) => triage({ text, createdAt, timezone: 'Europe/Paris', timeBufferHours: 2, context, ...extra });

describe('triage — must-pass examples', () => {
  it('"Checkout has been throwing 500s for everyone since 9am"', () => {
    const r = run('Checkout has been throwing 500s for everyone since 9am');
    expect(['high', 'critical']).toContain(r.severity);
    expect(r.affectedService).toBe('checkout');
    expect(r.window).toEqual({ start: '2026-03-10T07:55:00.000Z', end: createdAt });
    expect(r.model).toBe('heuristic');
    expect(r.evidence.some((e) => e.kind === 'severity' && /everyone/.test(e.match))).toBe(true);
    expect(r.evidence.some((e) => e.kind === 'window' && e.match === '9am')).toBe(true);
  });

  it('"How do I export a CSV?" → info, its service (found independently of severity), buffer window', () => {
    const r = run('How do I export a CSV?');
    expect(r.severity).toBe('info');
    expect(r.affectedService).toBe('reports');
    expect(r.language).toBe('en');
    expect(r.window).toEqual({ start: '2026-03-10T07:30:00.000Z', end: createdAt });
  });
});

describe('triage — severity rubric rows', () => {
  it.each([
    ['info', 'How can I add a new team member?'],
    ['info', 'Feature request: it would be nice to have dark mode in the admin.'],
    ['info', 'Can you send me the invoice for February?'],
    ['info', 'Thanks a lot, the new search is great!'],
    ['info', "There's a typo in your docs: 'recieve'."],
    ['low', "I can't log in to my account, it says my password is wrong."],
    ['low', 'The chart label on the dashboard is misaligned, just cosmetic.'],
    ['low', 'My export sometimes misses a row, I just export twice and it is ok.'],
    ['low', 'Checkout was slow for a minute around 2pm but everything is fine now.'],
    ['medium', 'Some of our customers get timeouts on the search page.'],
    ['medium', 'A customer was charged twice for order #4821, please refund.'],
    ['medium', 'Stock levels no longer update after a sale.'],
    ['high', 'Many customers cannot complete checkout on mobile.'],
    ['high', 'Apple Pay fails for iPhone users, card payments still work.'],
    ['high', "Our whole team can't log in since this morning, nobody here can work."],
    ['high', 'Search is down for all users.'],
    ['critical', 'Checkout is down for everyone, nobody can place an order.'],
    ['critical', "I can see another customer's address in my account settings!"],
    ['critical', 'The promo codes fail at checkout and we are losing revenue every minute.'],
    ['critical', 'Entire store is offline, 503 everywhere.'],
  ])('%s: %s', (expected, text) => {
    expect(run(text).severity).toBe(expected);
  });

  it('a question from hearsay is weaker than the statement', () => {
    const stated = run('checkout is down');
    const asked = run('A colleague mentioned checkout might be down? Is there an incident?');
    expect(stated.severity).toBe('critical');
    expect(['low', 'medium']).toContain(asked.severity);
    expect(asked.evidence.some((e) => e.signal === 'cue.hearsay' || e.signal === 'cue.question')).toBe(true);
  });

  it('negation: "not down" does not count as an outage', () => {
    const r = run("Login is not down, but it's really slow for me today.");
    expect(r.severity).toBe('low');
    expect(r.evidence.some((e) => e.signal === 'outage.down')).toBe(false);
  });

  it('an error code in a single-user report stays low; 5xx for everyone on a critical path is critical', () => {
    expect(run('I get a 403 when I open the reports page.').severity).toBe('low');
    expect(run('LOGIN BROKEN FOR EVERYONE. 500 error on /auth/login').severity).toBe('critical');
  });

  it('uses llmContext critical paths even when the catalogue flag is absent', () => {
    const services = [{ name: 'billing-engine', aliases: ['billing'] }, { name: 'search' }];
    const withCtx = triage({
      text: 'billing is down',
      createdAt,
      timezone: 'UTC',
      timeBufferHours: 2,
      context: { services, llmContext: 'Critical path: billing.' },
    });
    const without = triage({ text: 'billing is down', createdAt, timezone: 'UTC', timeBufferHours: 2, context: { services } });
    expect(withCtx.severity).toBe('critical');
    expect(without.severity).toBe('high');
  });
});

describe('triage — output shape', () => {
  it('strips HTML before reading the text', () => {
    const r = run('<p>Hi team,</p><p><b>Checkout</b> is down for <i>everyone</i> &amp; nobody can pay since 9am</p>');
    expect(r.severity).toBe('critical');
    expect(r.affectedService).toBe('checkout');
    expect(r.summary).not.toMatch(/[<>]/);
    expect(r.summary).toMatch(/Checkout is down/);
  });

  it('summary ≤ 200 chars, keywords, confidence in [0,1], evidence with matches', () => {
    const long = 'Hello, hope you are well. ' + 'Search results are slow for some of our customers and it keeps getting worse every time we look. '.repeat(6);
    const r = run(long);
    expect(r.summary.length).toBeLessThanOrEqual(200);
    expect(r.summary.startsWith('Search results are slow')).toBe(true);
    expect(r.keywords).toContain('search');
    expect(r.confidence).toBeGreaterThan(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
    for (const e of r.evidence.filter((x) => x.kind !== 'window')) expect(long.toLowerCase()).toContain(e.match.toLowerCase());
  });

  it('uses the subject as part of the text', () => {
    const r = run('Started at 9:00, still ongoing.', { subject: 'Checkout down for all customers - 500 errors' });
    expect(r.severity).toBe('critical');
    expect(r.affectedService).toBe('checkout');
    expect(r.window.start).toBe('2026-03-10T07:55:00.000Z');
  });

  it('is deterministic and tolerates a bad time zone and no context', () => {
    const a = triage({ text: 'Payments failing for many customers', createdAt, timezone: 'Not/AZone', timeBufferHours: 2 });
    const b = triage({ text: 'Payments failing for many customers', createdAt, timezone: 'Not/AZone', timeBufferHours: 2 });
    expect(a).toEqual(b);
    expect(a.affectedService).toBeNull();
    expect(a.severity).toBe('high');
    expect(a.window.start).toBe('2026-03-10T07:30:00.000Z');
  });

  it('more agreeing signals give more confidence', () => {
    const strong = run('URGENT: checkout is down for everyone, 503 on every order since 9am');
    const weak = run('something seems odd');
    expect(strong.confidence).toBeGreaterThan(weak.confidence);
  });
});

describe('triage — labelled development set', () => {
  it('stays above the accuracy floor on the dev set', () => {
    const dev = JSON.parse(readFileSync(join(__dirname, '..', '..', 'data', 'conversations.dev.json'), 'utf8')) as EvaluationCase[];
    const holdout = JSON.parse(readFileSync(join(__dirname, '..', '..', 'data', 'conversations.holdout.json'), 'utf8')) as EvaluationCase[];
    expect(dev.length + holdout.length).toBeGreaterThanOrEqual(150);
    expect(holdout.length).toBeGreaterThanOrEqual(40);
    const r = evaluate(dev, triage, context);
    expect(r.severityExact).toBeGreaterThanOrEqual(0.9);
    expect(r.severityWithinOne).toBeGreaterThanOrEqual(0.97);
    expect(r.service).toBeGreaterThanOrEqual(0.95);
    expect(r.window).toBeGreaterThanOrEqual(0.97);
  });
});
