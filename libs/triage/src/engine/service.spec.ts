import type { ServiceDefinition } from '@app/contracts';
import { buildServiceIndex, decideService, findServiceMentions } from './service';

const catalogue: ServiceDefinition[] = [
  { name: 'checkout', critical: true, aliases: ['cart', 'basket'] },
  { name: 'payments', critical: false, aliases: ['stripe'] },
  { name: 'auth-service', aliases: ['login', 'sign in'] },
  { name: 'search' },
  { name: 'notifications', aliases: ['emails'] },
];
const idx = buildServiceIndex(catalogue, ['checkout', 'pdf-renderer'], 'Critical paths: checkout, payments and login. Admin can wait.');
const pick = (text: string) => decideService(findServiceMentions(text, idx), idx, () => 1).service;

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
    const text = 'Search works fine. Stripe payments fail.';
    const d = decideService(findServiceMentions(text, idx), idx, (o) => (o > 18 ? 1 : 0));
    expect(d.service).toBe('payments');
    expect(d.evidence[0].match.toLowerCase()).toMatch(/stripe|payments/);
  });
});
