/* Real: an Express app with the CORS middleware in front of a route, over HTTP (fetch). */
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { carriesApiKey, corsGrant, corsMiddleware } from './cors';

async function serve(allowed: '*' | string[]): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(corsMiddleware(allowed));
  app.get('/v1/things', (_req, res) => {
    res.vary('Accept-Encoding');
    res.json({ ok: true });
  });
  app.get('/elsewhere', (_req, res) => res.json({ ok: true }));
  const server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('corsGrant and carriesApiKey', () => {
  it('grants * or the listed origin (case-insensitive), nothing without an Origin', () => {
    expect(corsGrant('https://a.example', '*')).toBe('*');
    expect(corsGrant('https://A.example', ['https://a.example'])).toBe('https://a.example');
    expect(corsGrant('https://b.example', ['https://a.example'])).toBeNull();
    expect(corsGrant(undefined, '*')).toBeNull();
  });
  it('counts only Bearer ss_… as an API key (sessions, Basic and missing headers are not)', () => {
    expect(carriesApiKey('Bearer ss_pub_abc')).toBe(true);
    expect(carriesApiKey('bearer  ss_live_old')).toBe(true);
    expect(carriesApiKey('Bearer 3f9a-session-token')).toBe(false);
    expect(carriesApiKey('Basic c3NfcHViXw==')).toBe(false);
    expect(carriesApiKey(undefined)).toBe(false);
  });
});

describe('corsMiddleware', () => {
  let star: { url: string; server: Server };
  let list: { url: string; server: Server };
  beforeAll(async () => {
    star = await serve('*');
    list = await serve(['https://shop.example']);
  });
  afterAll(() => {
    star.server.close();
    list.server.close();
  });

  it('answers preflights on /v1 only, without reaching the routes', async () => {
    const pre = await fetch(`${star.url}/v1/anything/at/all`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://x.example', 'Access-Control-Request-Method': 'PUT' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(pre.headers.get('access-control-allow-private-network')).toBeNull();
    const pna = await fetch(`${star.url}/v1/things`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://x.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Private-Network': 'true' },
    });
    expect(pna.headers.get('access-control-allow-private-network')).toBe('true');
    const other = await fetch(`${star.url}/elsewhere`, { method: 'OPTIONS', headers: { Origin: 'https://x.example', 'Access-Control-Request-Method': 'GET' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('with a list: echoes the allowed origin, keeps the route’s Vary and adds Origin, refuses other origins', async () => {
    const ok = await fetch(`${list.url}/v1/things`, { headers: { Origin: 'https://shop.example', Authorization: 'Bearer ss_pub_x' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(ok.headers.get('vary')).toMatch(/Origin/);
    expect(ok.headers.get('vary')).toMatch(/Accept-Encoding/);
    const no = await fetch(`${list.url}/v1/things`, { headers: { Origin: 'https://evil.example', Authorization: 'Bearer ss_pub_x' } });
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${list.url}/v1/things`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(pre.status).toBe(403);
  });

  it('never grants credentials, and grants nothing to requests without an API key', async () => {
    for (const headers of [{ Origin: 'https://x.example' }, { Origin: 'https://x.example', Authorization: 'Bearer session-token' }]) {
      const r = await fetch(`${star.url}/v1/things`, { headers });
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      expect(r.headers.get('access-control-allow-credentials')).toBeNull();
    }
    const pre = await fetch(`${star.url}/v1/things`, { method: 'OPTIONS', headers: { Origin: 'https://x.example', 'Access-Control-Request-Method': 'GET' } });
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
