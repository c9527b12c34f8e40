import { decide, signatureMatch, textSimilarity, type Arrival, type OpenIncident } from './grouping';
import { similarity, terms } from './terms';
import { incidentTitle } from './title';
import { unionWindow } from './window';

const MIN = 60_000;
const T0 = Date.parse('2026-03-10T10:00:00Z');

function arrival(text: string, o: Partial<Arrival> = {}): Arrival {
  const at = o.at ?? T0;
  return { severity: 'high', service: null, terms: terms(text), at, window: { start: at - 2 * 3_600_000, end: at }, ...o };
}

function incident(id: string, o: Partial<OpenIncident> & { texts?: string[] } = {}): OpenIncident {
  const last = o.lastSeenAt ?? T0 - 5 * MIN;
  return {
    id,
    ref: `INC-${id}`,
    service: null,
    firstSeenAt: o.firstSeenAt ?? last - 10 * MIN,
    lastSeenAt: last,
    window: o.window ?? { start: last - 2 * 3_600_000, end: last },
    members: (o.texts ?? []).map((t) => terms(t)),
    signatures: o.signatures ?? [],
    ...o,
  };
}

const W = { windowMinutes: 60 };

describe('terms and similarity', () => {
  it('folds accents and case, drops function words, keeps error codes', () => {
    expect(terms('Le paiement a ÉCHOUÉ avec une erreur 502 depuis ce matin')).toEqual(expect.arrayContaining(['paie', 'echou', '502']));
    expect(terms('the and for with')).toEqual([]);
  });

  it('scores reports of one problem above two unrelated complaints', () => {
    const a = terms('Invoice PDF download returns a blank page');
    const b = terms('Downloading the invoice PDF gives me an empty blank page');
    const c = terms('Password reset email never arrives');
    expect(similarity(a, b)).toBeGreaterThan(0.4);
    expect(similarity(a, c)).toBeLessThan(0.1);
  });

  it('does not call two complaints alike because both say "not working, error, customers"', () => {
    const a = terms('Not working: error for all our customers, urgent');
    const b = terms('Error for customers, not working, please help urgent');
    const c = terms('Customers get an error: the map widget is not working');
    // Only generic words in common: well below the thresholds used for "clearly similar".
    expect(similarity(terms('Map widget shows grey tiles'), terms('Export to CSV is empty'))).toBe(0);
    expect(similarity(a, c)).toBeLessThan(0.34);
    expect(similarity(a, b)).toBeGreaterThan(0); // they do share generic words
  });

  it('matches the customer words against log signatures only on two telling words or an error code', () => {
    const sig = [terms('upstream payment-gateway timeout after <*> ms on POST /charge')];
    expect(signatureMatch(terms('The payment gateway keeps giving a timeout'), sig).length).toBeGreaterThanOrEqual(2);
    expect(signatureMatch(terms('The page has a timeout'), sig)).toEqual([]);
    expect(signatureMatch(terms('we get 504'), [terms('GET /cart answered 504 in <*> ms')])).toEqual(['504']);
  });

  it('uses the pooled vocabulary of the incident when several telling words are shared', () => {
    const members = [terms('Barcode scanner app crashes on start'), terms('Scanner crashes when I open the inventory screen')];
    expect(textSimilarity(terms('inventory scanner crashes right away'), members)).toBeGreaterThan(0.42);
  });
});

describe('decide (grouping rules)', () => {
  it('never groups info conversations', () => {
    const d = decide(arrival('How do I export invoices?', { severity: 'info', service: 'billing' }), [incident('1', { service: 'billing' })], W);
    expect(d.action).toBe('none');
  });

  it('joins an open incident of the same service seen within the window, with the reason', () => {
    const d = decide(arrival('Kasse geht nicht', { service: 'checkout' }), [incident('1', { service: 'checkout', texts: ['Checkout is down'] })], W);
    expect(d.action).toBe('join');
    if (d.action !== 'join') return;
    expect(d.incidentId).toBe('1');
    expect(d.reason).toMatch(/same affected service: checkout/);
    expect(d.reason).toMatch(/INC-1 saw a conversation 5 min before/);
  });

  it('opens a new incident when the same service was last seen outside the window', () => {
    const old = incident('1', { service: 'checkout', lastSeenAt: T0 - 61 * MIN });
    expect(decide(arrival('checkout down', { service: 'checkout' }), [old], W).action).toBe('open');
    expect(decide(arrival('checkout down', { service: 'checkout' }), [old], { windowMinutes: 90 }).action).toBe('join');
  });

  it('keeps two services down at the same time as two incidents', () => {
    const open = [incident('c', { service: 'checkout', texts: ['checkout fails'] }), incident('l', { service: 'login', texts: ['cannot log in'] })];
    const d1 = decide(arrival('login broken for everyone', { service: 'login' }), open, W);
    const d2 = decide(arrival('checkout broken for everyone', { service: 'checkout' }), open, W);
    expect(d1.action === 'join' && d1.incidentId).toBe('l');
    expect(d2.action === 'join' && d2.incidentId).toBe('c');
    // A third service opens its own.
    expect(decide(arrival('search broken for everyone', { service: 'search' }), open, W).action).toBe('open');
  });

  it('joins two unknown-service reports only when their text is clearly similar', () => {
    const open = [incident('u', { texts: ['The invoice PDF download returns a blank page'] })];
    expect(decide(arrival('Downloading an invoice PDF gives a blank page for me too'), open, W).action).toBe('join');
    expect(decide(arrival('My avatar upload spins forever'), open, W).action).toBe('open');
  });

  it('lets an unknown-service report join a known-service incident only on strong, unambiguous evidence', () => {
    const pay = incident('p', { service: 'payments', texts: ['Card payments fail with a gateway timeout'] });
    const search = incident('s', { service: 'search', texts: ['Search returns nothing'] });
    // Strong text evidence towards one incident.
    const d = decide(arrival('card payments fail, gateway timeout again'), [pay, search], W);
    expect(d.action === 'join' && d.incidentId).toBe('p');
    // Words that match the incident's log signatures.
    const withSig = incident('p2', { service: 'payments', texts: ['Cannot pay'], signatures: [terms('PSP_DECLINED_TIMEOUT from acquirer after <*> ms')] });
    const d2 = decide(arrival('I keep seeing PSP_DECLINED_TIMEOUT when I pay'), [withSig], W);
    expect(d2.action === 'join' && d2.reason).toMatch(/log signatures/);
    // Weak evidence: a new incident rather than a wrong join.
    expect(decide(arrival('something is off with my account'), [pay, search], W).action).toBe('open');
  });

  it('refuses an ambiguous unknown-service report that fits two incidents equally', () => {
    const a = incident('a', { service: 'checkout', texts: ['order confirmation page crashes'] });
    const b = incident('b', { service: 'orders', texts: ['order confirmation page crashes'] });
    expect(decide(arrival('order confirmation page crashes'), [a, b], W).action).toBe('open');
  });

  it('prefers the same-service incident that saw a conversation most recently when several are open', () => {
    const older = incident('old', { service: 'checkout', lastSeenAt: T0 - 40 * MIN });
    const newer = incident('new', { service: 'checkout', lastSeenAt: T0 - 2 * MIN });
    const d = decide(arrival('checkout down', { service: 'checkout' }), [older, newer], W);
    expect(d.action === 'join' && d.incidentId).toBe('new');
  });
});

describe('title and window', () => {
  it('titles from the service and the category, never from text', () => {
    expect(incidentTitle('checkout')).toBe('checkout errors');
    expect(incidentTitle('payments', 'timeout')).toBe('payments timeouts');
    expect(incidentTitle(null, 'database')).toBe('Database errors (service not identified)');
  });

  it('unions windows, caps them at 24 h and never ends after now', () => {
    const h = 3_600_000;
    expect(
      unionWindow(
        [
          { start: T0 - 2 * h, end: T0 },
          { start: T0 - h, end: T0 + h },
        ],
        T0 + 30 * MIN,
      ),
    ).toEqual({ start: T0 - 2 * h, end: T0 + 30 * MIN });
    expect(unionWindow([{ start: T0 - 48 * h, end: T0 }], T0)).toEqual({ start: T0 - 24 * h, end: T0 });
    expect(unionWindow([], T0)).toEqual({ start: T0 - 2 * h, end: T0 });
  });
});
