import { cleanText, editDistance, sentences, stem } from './text';

describe('text helpers', () => {
  it('removes HTML tags and entities', () => {
    expect(cleanText('<div><p>Checkout&nbsp;is <b>down</b> &amp; slow</p><br/>since 9am</div>')).toBe('Checkout is down & slow. since 9am.');
  });
  it('splits sentences and flags questions, keeping decimals together', () => {
    const s = sentences('Is checkout down? It fails on v2.3 here. Thanks');
    expect(s.map((x) => x.question)).toEqual([true, false, false]);
    expect(s[1].text).toBe('It fails on v2.3 here.');
  });
  it('stems inflections', () => {
    expect(stem('payments')).toBe('payment');
    expect(stem('logging')).toBe('log');
    expect(stem('deliveries')).toBe('delivery');
    expect(stem('shipping')).toBe(stem('shipped'));
  });
  it('counts a transposition as one edit', () => {
    expect(editDistance('serach', 'search', 2)).toBe(1);
    expect(editDistance('stuck', 'stock', 1)).toBe(1);
    expect(editDistance('abc', 'xyz12', 1)).toBe(2);
  });
});
