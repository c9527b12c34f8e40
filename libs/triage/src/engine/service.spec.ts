import type { ServiceDefinition } from '@app/contracts';
import { readMessage } from './reading';
import { buildServiceIndex, decideService, findServiceMentions, matchKey, serviceIndexFor } from './service';

const catalogue: ServiceDefinition[] = [
  { name: 'checkout', critical: true, aliases: ['cart', 'basket'] },
  { name: 'payments', critical: false, aliases: ['stripe'] },
  { name: 'auth-service', aliases: ['login', 'sign in'] },
  { name: 'search' },
  { name: 'notifications', aliases: ['emails'] },
];
const idx = buildServiceIndex(catalogue, ['checkout', 'pdf-renderer'], 'Critical paths: checkout, payments and login. Admin can wait.');
const pick = (text: string, index = idx) => {
  const r = readMessage(text, undefined);
  return decideService(r, findServiceMentions(r, index), index).service;
};

describe('service matching', () => {
  it.each([
    ['Checkout is down', 'checkout'],
    ['the check-out page errors', 'checkout'],
    ['customers cannot check out anymore', 'checkout'],
    ['chekout broken', 'checkout'],
    ['my basket empties itself', 'checkout'],
    ['the payment page spins forever', 'payments'],
    ['Payments are failing', 'payments'],
    ['stripe declines everything', 'payments'],
    ['I was charged twice for my order', 'payments'],
    ['cant sign in since the update', 'auth-service'],
    ['logging in fails', 'auth-service'],
    ['the auth service returns 500', 'auth-service'],
    ['Searching returns nothing', 'search'],
    ['serach times out', 'search'],
    ['order confirmation emails never arrive', 'notifications'],
    ['the pdf renderer crashes', 'pdf-renderer'],
  ])('%s → %s', (text, expected) => {
    expect(pick(text)).toBe(expected);
  });

  it.each(['The website is slow', 'please check out our new docs', 'I am stuck on the homepage', 'customers report the page is blank'])(
    'nothing fits: "%s" → null',
    (text) => {
      expect(pick(text)).toBeNull();
    },
  );

  it('marks critical services from the catalogue flag and from critical paths named in llmContext', () => {
    expect(idx.critical.has('checkout')).toBe(true);
    expect(idx.critical.has('payments')).toBe(true);
    expect(idx.critical.has('auth-service')).toBe(true);
    expect(idx.critical.has('search')).toBe(false);
  });

  it('prefers the service mentioned in the sentence that carries the problem', () => {
    const r = readMessage('Search works fine. Stripe payments fail.', undefined);
    const d = decideService(r, findServiceMentions(r, idx), idx);
    expect(d.service).toBe('payments');
    expect(d.evidence[0].match.toLowerCase()).toMatch(/stripe|payments/);
  });
});

describe('service matching in many languages', () => {
  const multi = buildServiceIndex(
    [
      { name: 'transfers', critical: true, aliases: ['Überweisung', 'virement', 'transferencia', 'transferência', 'overboeking', 'bonifico'] },
      { name: 'card-payments', critical: true, aliases: ['card payment', 'Kartenzahlung', 'paiement par carte'] },
      { name: 'dashboards', aliases: ['tableau de bord', 'painel', 'grafieken'] },
      { name: 'notifications', aliases: ['Benachrichtigung', 'notificación', 'push'] },
      { name: 'exports', aliases: ['export', 'exportación'] },
    ],
    [],
    null,
  );
  it.each([
    ['Meine Überweisungen kommen nicht an', 'transfers'],
    ['meine uberweisung ist weg', 'transfers'],
    ['Mes virements sont bloqués depuis ce matin', 'transfers'],
    ['la transferencia no llegó', 'transfers'],
    ['a transferencia nao caiu', 'transfers'],
    ['Onze overboekingen mislukken', 'transfers'],
    ['il bonifico non è arrivato', 'transfers'],
    ['Die Kartenzahlungen schlagen fehl', 'card-payments'],
    ['Die Zahlungsbenachrichtigungen fehlen', 'notifications'],
    ['nos tableaux de bord sont vides', 'dashboards'],
    ['os painéis não carregam', 'dashboards'],
    ['de grafieken laden niet', 'dashboards'],
    ['las notificaciones no llegan', 'notifications'],
    ['the exprot fails', 'exports'],
  ])('%s → %s', (text, expected) => {
    expect(pick(text, multi)).toBe(expected);
  });

  it('a billing question still names its service (independent of severity)', () => {
    const billing = buildServiceIndex([{ name: 'billing', aliases: ['invoice', 'Rechnung'] }, { name: 'search' }], [], null);
    expect(pick('Können Sie mir die Rechnung für Oktober schicken?', billing)).toBe('billing');
    expect(pick('Where can I download last month’s invoices?', billing)).toBe('billing');
  });

  it('language-neutral keys fold inflections', () => {
    expect(matchKey('alertas')).toBe(matchKey('alerts'));
    expect(matchKey('alertes')).toBe(matchKey('alert'));
    expect(matchKey('transfers')).toBe(matchKey('transfer'));
    expect(matchKey('uberweisungen')).toBe(matchKey('uberweisung'));
    expect(matchKey('login')).not.toBe(matchKey('logs'));
  });

  it('stays fast and correct with 200 services × 100 aliases (index built once per catalogue)', () => {
    const services: ServiceDefinition[] = Array.from({ length: 200 }, (_, i) => ({
      name: `service-${i}`,
      aliases: Array.from({ length: 100 }, (_, j) => `alias${i}x${j}`),
    }));
    services[137].aliases!.push('ledger sync');
    const big = serviceIndexFor(services, undefined, null);
    expect(serviceIndexFor(services, undefined, null)).toBe(big);
    expect(pick('the ledger sync keeps failing', big)).toBe('service-137');
    expect(pick('alias42x7 is down', big)).toBe('service-42');
  });
});
