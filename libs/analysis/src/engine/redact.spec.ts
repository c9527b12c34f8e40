import { createSecretMasker, MASK, maskSecrets } from './redact';

describe('maskSecrets', () => {
  it.each([
    ['charge failed card=4111111111111111 token=sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'charge failed card=[CARD] token=[REDACTED]'],
    ['card 4111 1111 1111 1111 declined', 'card [CARD] declined'],
    ['card 5500-0000-0000-0004 declined', 'card [CARD] declined'],
    ['amex 378282246310005 ok', 'amex [CARD] ok'],
    ['qty 2 4111 1111 1111 1111 declined', 'qty 2 [CARD] declined'],
    ['aws key AKIAIOSFODNN7EXAMPLE used', 'aws key [REDACTED] used'],
    ['Authorization: Bearer abc.def-ghi_jkl', 'Authorization: [REDACTED] [REDACTED]'],
    ['sent header Bearer 0123456789abcdef', 'sent header Bearer [REDACTED]'],
    ['jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U here', 'jwt [REDACTED] here'],
    ['connect postgres://app:hunter2@db.internal:5432/app failed', 'connect postgres://app:[REDACTED]@db.internal:5432/app failed'],
    ['login password=hunter2 user=bob', 'login password=[REDACTED] user=bob'],
    ['{"api_key": "abc123", "n": 1}', '{"api_key": "[REDACTED]", "n": 1}'],
    ["client_secret='s3cr3t value' ok", "client_secret='[REDACTED]' ok"],
    ['GET /cb?code=1&access_token=zzz&state=2', 'GET /cb?code=1&access_token=[REDACTED]&state=2'],
    ['key ss_secret_0123456789abcdef leaked', 'key [REDACTED] leaked'],
    ['gh token ghp_0123456789abcdefghijABCDEFGHIJ0123', 'gh token [REDACTED]'],
    ['mail to jane.doe+x@example.co.uk bounced', 'mail to [EMAIL] bounced'],
    ['from 10.1.2.3:5432 and 2001:db8::8a2e:370:7334 ok', 'from [IP]:5432 and [IP] ok'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- done', '[REDACTED] done'],
  ])('masks %s', (input, expected) => {
    expect(maskSecrets(input)).toBe(expected);
  });

  it.each([
    'order 1234567890123 shipped', // 13 digits, fails Luhn
    'epoch 1700000000000 reached', // starts with 1: not a card
    'at 10:11:12 the job ran',
    'Basic authentication failed for user',
    'version 1.2 of service-a, took 15ms',
    'tokenizer ready', // a key name without a value
    'Failed password for root from port 22 ssh2',
  ])('leaves %s alone', (input) => {
    expect(maskSecrets(input)).toBe(input);
  });

  it('keeps e-mails and IP addresses when asked', () => {
    const line = 'user bob@example.com from 192.168.1.20 password=x';
    expect(maskSecrets(line)).toBe('user [EMAIL] from [IP] password=[REDACTED]');
    expect(createSecretMasker({ keepEmails: true, keepIps: true })(line)).toBe('user bob@example.com from 192.168.1.20 password=[REDACTED]');
    expect(createSecretMasker({ keepEmails: true })(line)).toBe('user bob@example.com from [IP] password=[REDACTED]');
  });

  it('is idempotent', () => {
    const once = maskSecrets('card=4111111111111111 password=[x] Bearer abcdefgh jane@x.io');
    expect(maskSecrets(once)).toBe(once);
    expect(once).not.toContain('4111');
    expect(once).toContain(MASK.card);
  });

  // Adversarial inputs that make backtracking patterns quadratic: each would take minutes at 200 kB if any
  // pattern were quadratic (Jest's 5 s timeout fails the test); a linear pass returns in milliseconds.
  it.each([
    ['letters', 'a'.repeat(200_000)],
    ['dotted words', 'a.'.repeat(100_000)],
    ['digits', '1'.repeat(200_000)],
    ['digit groups', '4111 '.repeat(40_000)],
    ['hex and colons', 'ab:'.repeat(66_000)],
    ['keys without values', 'password:"'.repeat(20_000)],
    ['at signs', 'a@'.repeat(100_000)],
    ['url schemes', 'http://a:'.repeat(22_000)],
    ['key-value pairs', 'a:'.repeat(100_000)],
    ['quoted keys', 'k="a '.repeat(40_000)],
    ['jwt starts', 'eyJa.'.repeat(40_000)],
    ['auth schemes', 'Bearer '.repeat(28_000)],
  ])('stays linear on a 200 kB run of %s', (_name, input) => {
    const out = maskSecrets(input);
    expect(typeof out).toBe('string');
    expect(out.length).toBeGreaterThan(0);
  });
});
