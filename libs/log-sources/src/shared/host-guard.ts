import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { LogSourceError } from '../connector';
import type { ConnectorContext } from '../registry';

/** Link-local ranges (cloud metadata services live at 169.254.169.254 / fe80::). Loopback and private ranges stay allowed. */
export const DEFAULT_BLOCKED_CIDRS = ['169.254.0.0/16', 'fe80::/10'];

/** Cloud metadata host names refused by name, before any DNS lookup. */
export const DEFAULT_BLOCKED_HOSTS = [
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
];

export type HostGuardContext = Pick<ConnectorContext, 'blockedCidrs' | 'blockedHosts'>;

interface ParsedCidr {
  family: 4 | 6;
  bits: bigint;
  prefix: number;
}

const V4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
const V4_MAPPED_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** IPv4-mapped IPv6 (`::ffff:169.254.1.1`, `::ffff:a9fe:101`) → the IPv4 address; anything else unchanged. */
export function unmapIpv4(address: string): string {
  const a = address.replace(/^\[|\]$/g, '').split('%')[0];
  const dotted = V4_MAPPED.exec(a);
  if (dotted && isIP(dotted[1]) === 4) return dotted[1];
  const hex = V4_MAPPED_HEX.exec(a);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return a;
}

function ipv4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(ip: string): bigint {
  let s = ip;
  // Embedded dotted IPv4 tail (e.g. ::ffff:1.2.3.4 or 64:ff9b::1.2.3.4).
  const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (tail) {
    const v4 = ipv4ToBigInt(tail[1]);
    s = s.slice(0, -tail[1].length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const headParts = head ? head.split(':') : [];
  const restParts = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const fill = rest !== undefined ? 8 - headParts.length - restParts.length : 0;
  const parts = [...headParts, ...Array<string>(fill).fill('0'), ...restParts];
  if (parts.length !== 8) throw new Error(`bad IPv6 address ${ip}`);
  return parts.reduce((acc, p) => (acc << 16n) | BigInt(parseInt(p || '0', 16)), 0n);
}

/** Parse `a.b.c.d/n` or `x::y/n` (a bare address means a single host). Throws on malformed input. */
export function parseCidr(cidr: string): ParsedCidr {
  const [addrRaw, prefixRaw] = cidr.trim().split('/');
  const addr = unmapIpv4(addrRaw);
  const family = isIP(addr);
  if (family !== 4 && family !== 6) throw new Error(`"${cidr}" is not a CIDR range`);
  const max = family === 4 ? 32 : 128;
  const prefix = prefixRaw === undefined ? max : Number(prefixRaw);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixRaw !== undefined && !/^\d+$/.test(prefixRaw))) {
    throw new Error(`"${cidr}" has an invalid prefix length`);
  }
  const bits = family === 4 ? ipv4ToBigInt(addr) : ipv6ToBigInt(addr);
  return { family, bits, prefix };
}

/** True when `address` (IPv4, IPv6, or IPv4-mapped IPv6) lies inside `cidr`. */
export function ipInCidr(address: string, cidr: string | ParsedCidr): boolean {
  const range = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const ip = unmapIpv4(address);
  const family = isIP(ip);
  if (family !== range.family) return false;
  const width = family === 4 ? 32 : 128;
  const value = family === 4 ? ipv4ToBigInt(ip) : ipv6ToBigInt(ip);
  const shift = BigInt(width - range.prefix);
  return value >> shift === range.bits >> shift;
}

/** Extract the host name (or literal IP, without brackets) from a URL or a bare `host[:port]`. */
export function extractHost(urlOrHost: string): string {
  const input = urlOrHost.trim();
  if (!input) throw new LogSourceError('invalid_config', 'The host is empty: enter the platform URL, e.g. https://logs.example.com.');
  let host: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    try {
      host = new URL(input).hostname;
    } catch {
      throw new LogSourceError('invalid_config', `"${redactUrl(input)}" is not a valid URL.`);
    }
  } else if (isIP(input.replace(/^\[|\]$/g, ''))) {
    host = input;
  } else {
    try {
      host = new URL(`http://${input}`).hostname;
    } catch {
      throw new LogSourceError('invalid_config', `"${input}" is not a valid host name.`);
    }
  }
  return host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** A URL without user-info, query or fragment, safe to show in messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//').replace(/[?#].*$/, '');
  }
}

function blockedMessage(host: string, address: string, cidr: string): string {
  const via = host === address ? '' : ` (resolves to ${address})`;
  return `The host ${host}${via} is in a blocked network range (${cidr}, LOG_SOURCE_BLOCKED_CIDRS): link-local and cloud metadata addresses cannot be used as log sources.`;
}

function compile(ctx: HostGuardContext): Array<{ text: string; range: ParsedCidr }> {
  return (ctx.blockedCidrs ?? []).map((text) => {
    try {
      return { text, range: parseCidr(text) };
    } catch (e) {
      // Fail closed: a malformed block list must not silently allow everything.
      throw new LogSourceError('invalid_config', `LOG_SOURCE_BLOCKED_CIDRS entry ${(e as Error).message}.`);
    }
  });
}

/** Throws `blocked_host` when `address` (already resolved) is inside a blocked CIDR. */
export function assertAddressAllowed(host: string, address: string, ctx: HostGuardContext): void {
  for (const { text, range } of compile(ctx)) {
    if (ipInCidr(address, range)) throw new LogSourceError('blocked_host', blockedMessage(host, unmapIpv4(address), text));
  }
}

function assertNameAllowed(host: string, ctx: HostGuardContext): void {
  const blocked = (ctx.blockedHosts ?? []).map((h) => h.trim().replace(/\.$/, '').toLowerCase());
  if (blocked.includes(host)) {
    throw new LogSourceError('blocked_host', `The host ${host} is a cloud metadata host and cannot be used as a log source.`);
  }
}

/**
 * Refuse a log-source host that is a blocked name or resolves into a blocked CIDR.
 * Every resolved address is checked (a name with one bad A record is refused). Loopback and private ranges pass
 * unless listed. Call at create time and again before each query (DNS may have changed).
 */
export async function assertHostAllowed(urlOrHost: string, ctx: HostGuardContext): Promise<void> {
  const host = extractHost(urlOrHost);
  assertNameAllowed(host, ctx);
  const literal = unmapIpv4(host);
  if (isIP(literal)) {
    assertAddressAllowed(host, literal, ctx);
    return;
  }
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LogSourceError('unreachable', `Cannot resolve the host ${host} (${code ?? 'DNS error'}): check the URL.`);
  }
  for (const { address } of addresses) assertAddressAllowed(host, address, ctx);
}

/**
 * A `dns.lookup`-compatible resolver (for HTTP clients) that refuses blocked addresses at connect time, so a host cannot
 * pass the check and then re-resolve into a blocked range (DNS rebinding).
 */
export function guardedLookup(ctx: HostGuardContext) {
  return async (hostname: string): Promise<[Array<{ address: string; family: 4 | 6 }>]> => {
    const host = hostname
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
      .toLowerCase();
    assertNameAllowed(host, ctx);
    const results = await lookup(host, { all: true, verbatim: true });
    for (const { address } of results) assertAddressAllowed(host, address, ctx);
    return [results.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }))];
  };
}
