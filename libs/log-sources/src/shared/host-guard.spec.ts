import { LogSourceError } from '../connector';
import { assertHostAllowed, DEFAULT_BLOCKED_CIDRS, DEFAULT_BLOCKED_HOSTS, extractHost, guardedLookup, ipInCidr, parseCidr, unmapIpv4 } from './host-guard';

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
    const look = guardedLookup({ blockedCidrs: ['127.0.0.0/8', '::1/128'], blockedHosts: [] });
    await expect(codeOf(look('localhost'))).resolves.toBe('blocked_host');
    const [addrs] = await guardedLookup(ctx)('localhost');
    expect(addrs.length).toBeGreaterThan(0);
  });
});
