import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogSourceError } from '../connector';
import {
  assertHostAllowed,
  DEFAULT_BLOCKED_CIDRS,
  DEFAULT_BLOCKED_HOSTS,
  embeddedIpv4,
  extractHost,
  guardedAgents,
  guardedLookup,
  ipInCidr,
  parseCidr,
  unmapIpv4,
} from './host-guard';

const ctx = { blockedCidrs: DEFAULT_BLOCKED_CIDRS, blockedHosts: DEFAULT_BLOCKED_HOSTS };

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return e instanceof LogSourceError ? e.code : `other:${(e as Error).message}`;
  }
}

describe('CIDR matching', () => {
  it('matches IPv4 ranges by prefix', () => {
    expect(ipInCidr('169.254.169.254', '169.254.0.0/16')).toBe(true);
    expect(ipInCidr('169.255.0.1', '169.254.0.0/16')).toBe(false);
    expect(ipInCidr('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(ipInCidr('11.0.0.1', '10.0.0.0/8')).toBe(false);
    expect(ipInCidr('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(ipInCidr('192.168.1.7', '192.168.1.7')).toBe(true);
  });

  it('matches IPv6 ranges, including compressed forms', () => {
    expect(ipInCidr('fe80::1', 'fe80::/10')).toBe(true);
    expect(ipInCidr('febf:ffff::1', 'fe80::/10')).toBe(true);
    expect(ipInCidr('fec0::1', 'fe80::/10')).toBe(false);
    expect(ipInCidr('fd00:ec2::254', 'fd00:ec2::254/128')).toBe(true);
    expect(ipInCidr('2001:db8::1', 'fe80::/10')).toBe(false);
  });

  it('treats IPv4-mapped IPv6 as IPv4 and never mixes families otherwise', () => {
    expect(unmapIpv4('::ffff:169.254.169.254')).toBe('169.254.169.254');
    expect(unmapIpv4('::ffff:a9fe:a9fe')).toBe('169.254.169.254');
    expect(ipInCidr('::ffff:169.254.1.1', '169.254.0.0/16')).toBe(true);
    expect(ipInCidr('::ffff:a9fe:0101', '169.254.0.0/16')).toBe(true);
    expect(ipInCidr('169.254.1.1', 'fe80::/10')).toBe(false);
  });

  it('rejects malformed CIDRs', () => {
    expect(() => parseCidr('300.1.1.1/8')).toThrow();
    expect(() => parseCidr('10.0.0.0/33')).toThrow();
    expect(() => parseCidr('nonsense')).toThrow();
  });
});

describe('extractHost', () => {
  it('reads host names from URLs and bare hosts', () => {
    expect(extractHost('https://User:pw@Logs.Example.com:3100/loki')).toBe('logs.example.com');
    expect(extractHost('logs.example.com:9200')).toBe('logs.example.com');
    expect(extractHost('http://[::1]:3100')).toBe('::1');
    expect(extractHost('METADATA.google.internal.')).toBe('metadata.google.internal');
  });
});

describe('assertHostAllowed', () => {
  it('refuses metadata host names without resolving them', async () => {
    await expect(codeOf(assertHostAllowed('http://metadata.google.internal/computeMetadata/v1', ctx))).resolves.toBe('blocked_host');
    await expect(codeOf(assertHostAllowed('instance-data', ctx))).resolves.toBe('blocked_host');
  });

  it('refuses literal addresses in blocked ranges, IPv4, IPv6 and IPv4-mapped', async () => {
    await expect(codeOf(assertHostAllowed('http://169.254.169.254/latest/meta-data', ctx))).resolves.toBe('blocked_host');
    await expect(codeOf(assertHostAllowed('http://[fe80::1]:80/', ctx))).resolves.toBe('blocked_host');
    await expect(codeOf(assertHostAllowed('http://[::ffff:169.254.169.254]/', ctx))).resolves.toBe('blocked_host');
  });

  it('allows loopback and private ranges by default', async () => {
    await expect(codeOf(assertHostAllowed('http://127.0.0.1:3100', ctx))).resolves.toBeUndefined();
    await expect(codeOf(assertHostAllowed('http://localhost:3100', ctx))).resolves.toBeUndefined();
    await expect(codeOf(assertHostAllowed('http://10.0.0.5:9200', ctx))).resolves.toBeUndefined();
  });

  it('checks the resolved address of a name (localhost blocked when loopback is listed)', async () => {
    const strict = { blockedCidrs: ['127.0.0.0/8', '::1/128'], blockedHosts: [] };
    const err = await assertHostAllowed('http://localhost:3100', strict).catch((e: LogSourceError) => e);
    expect(err).toBeInstanceOf(LogSourceError);
    expect((err as LogSourceError).code).toBe('blocked_host');
    expect((err as LogSourceError).message).toMatch(/localhost \(resolves to (127\.0\.0\.1|::1)\)/);
  });

  it('fails closed on a malformed block list', async () => {
    await expect(codeOf(assertHostAllowed('http://127.0.0.1', { blockedCidrs: ['bogus/99'], blockedHosts: [] }))).resolves.toBe('invalid_config');
  });

  it('guardedLookup refuses blocked addresses at connect time', async () => {
    const lookupAll = (l: ReturnType<typeof guardedLookup>, host: string) =>
      new Promise<Array<{ address: string }>>((resolve, reject) =>
        l(host, { all: true }, (err: NodeJS.ErrnoException | null, addrs: unknown) => (err ? reject(err) : resolve(addrs as Array<{ address: string }>))),
      );
    await expect(codeOf(lookupAll(guardedLookup({ blockedCidrs: ['127.0.0.0/8', '::1/128'], blockedHosts: [] }), 'localhost'))).resolves.toBe('blocked_host');
    await expect(codeOf(lookupAll(guardedLookup(ctx), 'metadata.google.internal'))).resolves.toBe('blocked_host');
    const addrs = await lookupAll(guardedLookup(ctx), 'localhost');
    expect(addrs.length).toBeGreaterThan(0);
  });
});

describe('cloud metadata addresses outside link-local (issue 19.5)', () => {
  it.each([
    ['AWS IMDS over IPv6', 'http://[fd00:ec2::254]/latest/meta-data/'],
    ['GCP metadata over IPv6', 'http://[fd20:ce::254]/computeMetadata/v1/'],
    ['Alibaba Cloud', 'http://100.100.100.200/latest/meta-data/'],
    ['Oracle Cloud', 'http://192.0.0.192/opc/v1/instance/'],
    ['metadata.goog', 'http://metadata.goog/computeMetadata/v1/'],
  ])('refuses %s by default', async (_name, url) => {
    await expect(codeOf(assertHostAllowed(url, ctx))).resolves.toBe('blocked_host');
  });

  it.each([
    ['IPv4-mapped, dotted', '::ffff:169.254.169.254', '169.254.169.254'],
    ['IPv4-mapped, hex', '::ffff:a9fe:a9fe', '169.254.169.254'],
    ['IPv4-translated (RFC 2765)', '::ffff:0:a9fe:a9fe', '169.254.169.254'],
    ['IPv4-compatible, dotted', '::169.254.169.254', '169.254.169.254'],
    ['IPv4-compatible, hex', '::a9fe:a9fe', '169.254.169.254'],
    ['NAT64 well-known prefix', '64:ff9b::a9fe:a9fe', '169.254.169.254'],
    ['NAT64, dotted', '64:ff9b::169.254.169.254', '169.254.169.254'],
    ['NAT64 local-use prefix', '64:ff9b:1::a9fe:a9fe', '169.254.169.254'],
    ['6to4', '2002:a9fe:a9fe::1', '169.254.169.254'],
    ['NAT64 to Alibaba', '64:ff9b::6464:64c8', '100.100.100.200'],
    ['IPv4-mapped Oracle', '::ffff:c000:c0', '192.0.0.192'],
  ])('unmaps %s before checking', async (_form, v6, v4) => {
    expect(embeddedIpv4(v6)).toContain(v4);
    await expect(codeOf(assertHostAllowed(`http://[${v6}]/`, ctx))).resolves.toBe('blocked_host');
  });

  it('finds both addresses of a Teredo address (server, and the obfuscated client)', () => {
    // Teredo: 2001:0:<server v4>:<flags>:<port ^ 0xffff>:<client v4 ^ 0xffffffff>; client 169.254.169.254 → 5601:5601.
    expect(embeddedIpv4('2001:0:4136:e378:8000:63bf:5601:5601')).toEqual(['65.54.227.120', '169.254.169.254']);
  });

  it('leaves loopback, private and ordinary IPv6 addresses alone', async () => {
    for (const ok of ['http://[::1]:3100', 'http://[::]:1', 'http://[2001:db8::1]/', 'http://10.0.0.5/', 'http://[fd12:3456::1]/']) {
      await expect(codeOf(assertHostAllowed(ok, ctx))).resolves.toBeUndefined();
    }
    expect(embeddedIpv4('::1')).toEqual([]);
    expect(ipInCidr('64:ff9b::a00:5', '10.0.0.0/8')).toBe(true);
  });
});

describe('guarded agents (every connection of every connector, issue 19.4)', () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const get = (host: string, agent: http.Agent) =>
    new Promise<string>((resolve, reject) => {
      const req = http.get({ host, port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.statusCode)));
      });
      req.on('error', reject);
    });

  it('refuse a blocked literal address (which Node connects to without a lookup) and a name resolving to one', async () => {
    const strict = { blockedCidrs: ['127.0.0.0/8', '::1/128'], blockedHosts: [] };
    const { httpAgent } = guardedAgents(strict);
    const before = hits;
    await expect(codeOf(get('127.0.0.1', httpAgent))).resolves.toBe('blocked_host');
    await expect(codeOf(get('localhost', httpAgent))).resolves.toBe('blocked_host');
    expect(hits).toBe(before);
  });

  it('let allowed hosts through', async () => {
    const { httpAgent } = guardedAgents(ctx);
    await expect(get('127.0.0.1', httpAgent)).resolves.toBe('200');
  });
});
