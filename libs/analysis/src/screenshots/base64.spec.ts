/* Pure: the JSON screenshot's base64 check, by one scan (no regular expression over megabytes of text). */
import { isBase64 } from './screenshots.service';

describe('isBase64', () => {
  it('accepts standard base64 with 0, 1 or 2 padding characters', () => {
    for (const n of [1, 2, 3, 4, 5, 30]) expect(isBase64(Buffer.alloc(n, 0xfb).toString('base64'))).toBe(true);
    expect(isBase64('ab+/')).toBe(true);
  });

  it('refuses other characters, padding inside, a 4n+1 length and nothing but padding', () => {
    for (const bad of ['%%%', 'ab-_', 'ab=c', 'abcde', '==', 'ab c', 'abc\u00e9']) expect(isBase64(bad)).toBe(false);
  });

  it('scans 14 MB of text without a stack error, also from a deep call stack', () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 3).toString('base64');
    const deep = (n: number): boolean => (n === 0 ? isBase64(big) : deep(n - 1));
    expect(deep(5000)).toBe(true);
    expect(isBase64(`${big.slice(0, -8)}%${big.slice(-7)}`)).toBe(false);
  });
});
