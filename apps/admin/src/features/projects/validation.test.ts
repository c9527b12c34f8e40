import { describe, expect, it } from 'vitest';
import { slugify } from '@/lib/format';
import { fromServiceRows, toServiceRows, validateProject } from './validation';

describe('validateProject', () => {
  it('checks name, slug format and the 2000-char AI context', () => {
    expect(validateProject({ name: 'Shop', slug: 'shop-eu' })).toEqual({ name: undefined, slug: undefined, description: undefined, llmContext: undefined });
    expect(validateProject({ name: ' ', slug: 'Shop EU' })).toMatchObject({ name: 'Enter a name', slug: expect.stringMatching(/Lowercase/) });
    expect(validateProject({ name: 'a', slug: 'a--b' }).slug).toBeDefined();
    expect(validateProject({ name: 'a', slug: 'a', llmContext: 'x'.repeat(2000) }).llmContext).toBeUndefined();
    expect(validateProject({ name: 'a', slug: 'a', llmContext: 'x'.repeat(2001) }).llmContext).toMatch(/2000/);
  });

  it('slugify produces valid slugs', () => {
    expect(slugify('  Café Checkout — EU! ')).toBe('cafe-checkout-eu');
    expect(validateProject({ name: 'x', slug: slugify('Payments API v2') }).slug).toBeUndefined();
  });
});

describe('service catalogue rows', () => {
  it('round-trips aliases and the critical flag', () => {
    const services = [
      { name: 'checkout-api', aliases: ['checkout', 'payments'], critical: true },
      { name: 'search', aliases: [], critical: false },
    ];
    const rows = toServiceRows(services);
    expect(rows[0]).toEqual({ name: 'checkout-api', aliases: 'checkout, payments', critical: true });
    expect(fromServiceRows(rows)).toEqual({ services });
  });

  it('refuses empty names and a label used by two services', () => {
    expect(fromServiceRows([{ name: ' ', aliases: '', critical: false }]).error).toMatch(/Service 1/);
    expect(
      fromServiceRows([
        { name: 'a', aliases: 'pay', critical: false },
        { name: 'b', aliases: 'Pay', critical: false },
      ]).error,
    ).toMatch(/"Pay" is used twice/);
    expect(fromServiceRows([{ name: 'auth', aliases: 'auth, login', critical: false }]).error).toBeUndefined();
  });
});
