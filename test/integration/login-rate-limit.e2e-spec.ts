/* Real: the app and PostgreSQL (counters shared by replicas). Login and signup are limited per address and email. */
import { api, OWNER, startTestApp, TestApp } from '../helpers/app';

describe('login attempts are rate limited per client address and email', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_AUTH: '3' });
  });
  afterAll(async () => t?.stop());

  it('answers 429 RATE_LIMITED with Retry-After after the limit, for that email only', async () => {
    const wrong = { email: OWNER.email, password: 'not the password' };
    for (let i = 0; i < 3; i++) expect((await api(t.url, 'POST', '/v1/auth/login', { body: wrong })).status).toBe(401);
    const blocked = await api(t.url, 'POST', '/v1/auth/login', { body: OWNER });
    expect(blocked.status).toBe(429);
    expect(blocked.json.error.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.headers.get('x-ratelimit-limit')).toBe('3');
    const other = await api(t.url, 'POST', '/v1/auth/login', { body: { email: 'someone@example.com', password: 'x' } });
    expect(other.status).toBe(401);
  });
});
