import { LOW_CONFIDENCE_THRESHOLD, SEVERITIES, type TriageInput } from '@app/contracts';
import { triage } from './index';

const createdAt = '2026-03-10T09:30:00.000Z';
const context: TriageInput['context'] = {
  services: [
    { name: 'checkout', critical: true, aliases: ['cart', 'Warenkorb', 'carrello'] },
    { name: 'payments', critical: true, aliases: ['Zahlung', 'pago', 'pagamento'] },
  ],
};
const run = (text: string, extra: Partial<TriageInput> = {}) => triage({ text, createdAt, timezone: 'Europe/Paris', timeBufferHours: 2, context, ...extra });

function wellFormed(r: ReturnType<typeof triage>) {
  expect(SEVERITIES).toContain(r.severity);
  expect(r.confidence).toBeGreaterThan(0);
  expect(r.confidence).toBeLessThanOrEqual(1);
  expect(Date.parse(r.window.start)).toBeLessThanOrEqual(Date.parse(r.window.end));
  expect(r.window.end).toBe(createdAt);
  expect(r.evidence.length).toBeGreaterThan(0);
  expect(typeof r.language).toBe('string');
  expect(r.summary.length).toBeLessThanOrEqual(200);
}

describe('bad input gives a sensible answer, never an error', () => {
  it('empty text: low with low confidence, language und, buffer window', () => {
    const r = run('');
    wellFormed(r);
    expect(r.severity).toBe('low');
    expect(r.confidence).toBeLessThan(LOW_CONFIDENCE_THRESHOLD);
    expect(r.language).toBe('und');
    expect(r.affectedService).toBeNull();
    expect(r.evidence.some((e) => e.kind === 'confidence' && e.signal === 'confidence.low')).toBe(true);
  });

  it('only an emoji', () => {
    const r = run('😡');
    wellFormed(r);
    expect(r.language).toBe('und');
    expect(r.confidence).toBeLessThan(LOW_CONFIDENCE_THRESHOLD);
  });

  it('20,000 characters of text (and more) stay well-formed and bounded', () => {
    const long = 'Der Warenkorb lädt nicht und zeigt einen Fehler. '.repeat(500);
    const r = run(long);
    wellFormed(r);
    expect(r.language).toBe('de');
    expect(r.affectedService).toBe('checkout');
    const huge = run('x'.repeat(60_000));
    wellFormed(huge);
  });

  it('unknown language: rules that need no words still work (HTTP status, error code, clock time)', () => {
    const r = run('Od godziny 9:15 nasz koszyk zwraca błąd 503 Service Unavailable dla wszystkich klientów, nikt nie może złożyć zamówienia.');
    wellFormed(r);
    expect(r.language).toBe('pl');
    expect(r.window.start).toBe('2026-03-10T08:10:00.000Z');
    expect(r.evidence.some((e) => e.signal === 'cue.http5xx' || e.signal === 'cue.outage')).toBe(true);
    expect(['medium', 'high', 'critical']).toContain(r.severity);
  });

  it('unsupported script: a language code, no crash, English error text still read', () => {
    const r = run('カートが動きません。エラー 500 Internal Server Error が出ます。');
    wellFormed(r);
    expect(r.language).toBe('ja');
    expect(r.severity).not.toBe('info');
    const ru = run('Корзина не работает');
    wellFormed(ru);
    expect(['ru', 'uk', 'be', 'bg']).toContain(ru.language);
  });

  it('missing or invalid fields (no subject, bad time zone, bad date, non-string text)', () => {
    wellFormed(triage({ text: 'checkout is down', createdAt, timezone: 'Mars/Olympus', timeBufferHours: Number.NaN }));
    const r = triage({ text: undefined as unknown as string, createdAt: 'not a date', timezone: 'UTC', timeBufferHours: 2 });
    expect(SEVERITIES).toContain(r.severity);
  });
});

describe('a message to support is a report until shown otherwise', () => {
  it.each([
    'the checkout button is grey and unclickable',
    'since about 9am none of our order confirmation emails are going out',
    'the payment page takes 8 s to load',
    'patients are waiting in the lobby because the booking screen does nothing',
  ])('"%s" is not info', (text) => {
    expect(run(text).severity).not.toBe('info');
  });

  it('a remark with no question, request or failure word is low with low confidence, and says why', () => {
    const r = run('Der Warenkorb.');
    expect(r.severity).not.toBe('info');
    expect(r.confidence).toBeLessThan(LOW_CONFIDENCE_THRESHOLD);
    expect(r.evidence.find((e) => e.kind === 'confidence')?.detail).toMatch(/low confidence/);
  });

  it('info needs positive evidence: how-to, request, billing question, praise, docs, false alarm', () => {
    for (const text of [
      'Wie kann ich eine Rechnung herunterladen?',
      'Sería genial tener un modo oscuro en la aplicación, ¿lo tenéis previsto?',
      'Merci, le nouveau panier est super !',
      'Falso allarme: ignorate il mio ultimo messaggio, era il nostro firewall.',
    ])
      expect(run(text).severity).toBe('info');
  });

  it('ALL CAPS and exclamation marks do not raise severity on their own', () => {
    const calm = run('My cart shows the wrong currency symbol, not a big deal.');
    const loud = run('MY CART SHOWS THE WRONG CURRENCY SYMBOL, NOT A BIG DEAL!!!');
    expect(loud.severity).toBe(calm.severity);
  });

  it('is deterministic', () => {
    const a = run('Depuis 10h le paiement échoue pour plusieurs clients (erreur 502).');
    const b = run('Depuis 10h le paiement échoue pour plusieurs clients (erreur 502).');
    expect(a).toEqual(b);
    expect(a.language).toBe('fr');
    expect(a.affectedService).toBe('payments');
  });
});
