import { maskSampleText } from './mask-sample';

describe('maskSampleText (temporary masker of Test connection samples)', () => {
  it.each([
    ['card=4111 1111 1111 1111 declined', '4111 1111 1111 1111'],
    ['pan 4111-1111-1111-1111', '4111-1111-1111-1111'],
    ['stripe key sk_live_51HxQmVk2EXAMPLEqZt9 used', 'sk_live_51HxQmVk2EXAMPLEqZt9'],
    ['aws AKIAIOSFODNN7EXAMPLE denied', 'AKIAIOSFODNN7EXAMPLE'],
    ['Authorization: Bearer abc.def-ghi_jkl0123', 'abc.def-ghi_jkl0123'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'eyJhbGciOiJIUzI1NiJ9'],
    ['db postgres://app:hunter2pw@db.internal/x', 'hunter2pw'],
    ['password=hunter22 retry', 'hunter22'],
    ['{"token": "a1b2c3d4e5"}', 'a1b2c3d4e5'],
    ['mail bob@example.com bounced', 'bob@example.com'],
    ['from 203.0.113.9 port 443', '203.0.113.9'],
    ['peer 2001:db8:0:1::17 reset', '2001:db8:0:1::17'],
  ])('masks %s', (text, secret) => {
    expect(maskSampleText(text)).not.toContain(secret);
  });

  it('leaves ordinary log text alone', () => {
    for (const text of [
      'failed to validate token: provider https://accounts.example returned 503 (kid 9a91)',
      'order 4111 placed at 2024-05-01T10:00:00Z in 123 ms',
      'GET /checkout 200 in 35 ms',
      'pool exhausted after 30000 ms (pool size 20)',
      'card number ending 4242 declined',
    ]) {
      expect(maskSampleText(text)).toBe(text);
    }
  });
});
