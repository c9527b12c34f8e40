/* Real: node:crypto scrypt with the production parameters. */
import { hashPassword, matchPassword, verifyPassword } from './password';

const salt = (h: string) => h.split('$')[4];

describe('password hashing', () => {
  it('verifies the right password only', async () => {
    const h = await hashPassword('correct horse');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse', h)).toBe(true);
    expect(await verifyPassword('correct horsf', h)).toBe(false);
    expect(await verifyPassword('correct horse', 'bcrypt$whatever')).toBe(false);
  });

  it("shares the salt of the email's existing account when asked, and picks the matching account among several", async () => {
    const first = await hashPassword('password one');
    const second = await hashPassword('password two', first);
    const unrelated = await hashPassword('password two');
    expect(salt(second)).toBe(salt(first));
    expect(salt(unrelated)).not.toBe(salt(first));
    expect(await matchPassword('password two', [first, second])).toBe(1);
    expect(await matchPassword('password one', [first, second])).toBe(0);
    expect(await matchPassword('password three', [first, second])).toBe(-1);
    // Same password in two accounts: the first (oldest) wins.
    const twin = await hashPassword('password one', first);
    expect(await matchPassword('password one', [first, twin])).toBe(0);
    // A malformed stored hash is skipped, never matched.
    expect(await matchPassword('x', ['garbage', 'scrypt$1$1$1$$'])).toBe(-1);
  });
});
