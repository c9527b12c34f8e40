import { lookup } from 'node:dns/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction, type NetConnectOpts, type Socket } from 'node:net';
import { LogSourceError } from '../connector';
import type { ConnectorContext } from '../registry';

/**
 * Link-local ranges (AWS/GCP/Azure metadata at 169.254.169.254, fe80::/10) and the cloud metadata addresses that live
 * outside them: AWS IMDS over IPv6 (fd00:ec2::254), GCP's metadata server over IPv6 (fd20:ce::254), Alibaba Cloud
 * (100.100.100.200) and Oracle Cloud (192.0.0.192). Loopback and private ranges stay allowed.
 */
export const DEFAULT_BLOCKED_CIDRS = ['169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128', 'fd20:ce::254/128', '100.100.100.200/32', '192.0.0.192/32'];

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

interface ParsedIp {
  family: 4 | 6;
  bits: bigint;
}

interface ParsedCidr extends ParsedIp {
  prefix: number;
}

/** Strips brackets and an IPv6 zone id (`[fe80::1%eth0]` → `fe80::1`). */
function bare(address: string): string {
  return address.replace(/^\[|\]$/g, '').split('%')[0];
}

function ipv4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function bigIntToIpv4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => Number((v >> s) & 255n)).join('.');
}

function ipv6ToBigInt(ip: string): bigint {
  let s = ip;
  // Embedded dotted IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4, ::1.2.3.4).
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

/** A literal IPv4 or IPv6 address as bits, or null when `address` is not one. */
function parseIp(address: string): ParsedIp | null {
  const a = bare(address);
  const family = isIP(a);
  if (family === 4) return { family: 4, bits: ipv4ToBigInt(a) };
  if (family === 6) return { family: 6, bits: ipv6ToBigInt(a) };
  return null;
}

const MASK32 = 0xffffffffn;
const inPrefix = (bits: bigint, prefix: bigint, len: number): boolean => bits >> BigInt(128 - len) === prefix >> BigInt(128 - len);

/**
 * The IPv4 addresses an IPv6 address carries, in every standard embedding: IPv4-mapped (`::ffff:a.b.c.d`),
 * IPv4-translated (`::ffff:0:a.b.c.d`, RFC 2765), IPv4-compatible (`::a.b.c.d`, deprecated; `::` and `::1` excluded),
 * NAT64 (`64:ff9b::/96` RFC 6052 and the local-use `64:ff9b:1::/48` RFC 8215, last 32 bits), 6to4 (`2002:AABB:CCDD::/16`,
 * RFC 3056) and Teredo (`2001::/32`: the server address and the obfuscated client address, RFC 4380).
 */
export function embeddedIpv4(address: string): string[] {
  const ip = parseIp(address);
  if (!ip || ip.family !== 6) return [];
  const b = ip.bits;
  const low32 = b & MASK32;
  const out: bigint[] = [];
  if (inPrefix(b, 0xffffn << 32n, 96)) out.push(low32); // ::ffff:0:0/96 mapped
  if (inPrefix(b, 0xffffn << 48n, 96)) out.push(low32); // ::ffff:0:0:0/96 translated
  if (b >> 32n === 0n && b > 1n) out.push(low32); // ::/96 compatible
  if (inPrefix(b, 0x0064ff9bn << 96n, 96)) out.push(low32); // NAT64 well-known prefix
  if (inPrefix(b, (0x0064ff9bn << 96n) | (1n << 80n), 48)) out.push(low32); // NAT64 local-use prefix
  if (inPrefix(b, 0x2002n << 112n, 16)) out.push((b >> 80n) & MASK32); // 6to4
  if (inPrefix(b, 0x20010000n << 96n, 32)) out.push((b >> 64n) & MASK32, ~low32 & MASK32); // Teredo server, client
  return [...new Set(out)].map(bigIntToIpv4);
}

/** IPv4-mapped IPv6 (`::ffff:169.254.1.1`, `::ffff:a9fe:101`) → the IPv4 address; anything else unchanged (brackets and zone stripped). */
export function unmapIpv4(address: string): string {
  const a = bare(address);
  const ip = parseIp(a);
  if (ip?.family === 6 && inPrefix(ip.bits, 0xffffn << 32n, 96)) return bigIntToIpv4(ip.bits & MASK32);
  return a;
}

/** Parse `a.b.c.d/n` or `x::y/n` (a bare address means a single host). Throws on malformed input. */
export function parseCidr(cidr: string): ParsedCidr {
  const [addrRaw, prefixRaw] = cidr.trim().split('/');
  const ip = parseIp(unmapIpv4(addrRaw));
  if (!ip) throw new Error(`"${cidr}" is not a CIDR range`);
  const max = ip.family === 4 ? 32 : 128;
  const prefix = prefixRaw === undefined ? max : Number(prefixRaw);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixRaw !== undefined && !/^\d+$/.test(prefixRaw))) {
    throw new Error(`"${cidr}" has an invalid prefix length`);
  }
  return { ...ip, prefix };
}

function matches(ip: ParsedIp, range: ParsedCidr): boolean {
  if (ip.family !== range.family) return false;
  const shift = BigInt((ip.family === 4 ? 32 : 128) - range.prefix);
  return ip.bits >> shift === range.bits >> shift;
}

/**
 * True when `address` lies inside `cidr`: the address itself, or any IPv4 address it embeds (mapped, translated,
 * compatible, NAT64, 6to4, Teredo), so `64:ff9b::a9fe:a9fe` is inside 169.254.0.0/16.
 */
export function ipInCidr(address: string, cidr: string | ParsedCidr): boolean {
  const range = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const ip = parseIp(address);
  if (!ip) return false;
  if (matches(ip, range)) return true;
  return embeddedIpv4(address).some((v4) => matches(parseIp(v4)!, range));
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
  } else if (isIP(bare(input))) {
    host = input;
  } else {
    try {
      host = new URL(`http://${input}`).hostname;
    } catch {
      throw new LogSourceError('invalid_config', `"${input}" is not a valid host name.`);
    }
  }
  return normaliseHostName(host);
}

function normaliseHostName(host: string): string {
  return bare(host).replace(/\.$/, '').toLowerCase();
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

const compiledCache = new WeakMap<string[], Array<{ text: string; range: ParsedCidr }>>();

function compile(ctx: HostGuardContext): Array<{ text: string; range: ParsedCidr }> {
  const list = ctx.blockedCidrs ?? [];
  const cached = compiledCache.get(list);
  if (cached) return cached;
  const out = list.map((text) => {
    try {
      return { text, range: parseCidr(text) };
    } catch (e) {
      // Fail closed: a malformed block list must not silently allow everything.
      throw new LogSourceError('invalid_config', `LOG_SOURCE_BLOCKED_CIDRS entry ${(e as Error).message}.`);
    }
  });
  compiledCache.set(list, out);
  return out;
}

/** Throws `blocked_host` when `address` (already resolved), or an IPv4 address it embeds, is inside a blocked CIDR. */
export function assertAddressAllowed(host: string, address: string, ctx: HostGuardContext): void {
  const ip = parseIp(address);
  if (!ip) throw new LogSourceError('blocked_host', `The host ${host} resolved to something that is not an IP address; refused.`);
  const candidates = [{ shown: bare(address), ip }, ...embeddedIpv4(address).map((v4) => ({ shown: v4, ip: parseIp(v4)! }))];
  for (const { text, range } of compile(ctx)) {
    for (const c of candidates) if (matches(c.ip, range)) throw new LogSourceError('blocked_host', blockedMessage(host, c.shown, text));
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
 * unless listed. Call at create time; every connection is checked again at connect time by the guarded agents.
 */
export async function assertHostAllowed(urlOrHost: string, ctx: HostGuardContext): Promise<void> {
  const host = extractHost(urlOrHost);
  assertNameAllowed(host, ctx);
  if (isIP(host)) {
    assertAddressAllowed(host, host, ctx);
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
 * A `dns.lookup`-compatible resolver (the `lookup` option of net/http/https) that refuses blocked names and addresses
 * at connect time, so a host cannot pass the create-time check and then re-resolve into a blocked range (DNS
 * rebinding), and a redirect target or SDK endpoint is held to the same rules.
 */
export function guardedLookup(ctx: HostGuardContext): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number } | number | undefined, callback: (...args: unknown[]) => void) => {
    const opts = typeof options === 'object' && options ? options : { family: typeof options === 'number' ? options : undefined };
    const host = normaliseHostName(hostname);
    const run = async () => {
      assertNameAllowed(host, ctx);
      const results = isIP(host)
        ? [{ address: host, family: isIP(host) }]
        : await lookup(host, { all: true, verbatim: true, ...(opts.family ? { family: opts.family } : {}) });
      for (const { address } of results) assertAddressAllowed(host, address, ctx);
      return results;
    };
    run().then(
      (results) => {
        if (opts.all) callback(null, results);
        else if (results.length === 0) callback(Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' }));
        else callback(null, results[0].address, results[0].family);
      },
      (e: unknown) => callback(e),
    );
  }) as LookupFunction;
}

type CreateConnection = (options: NetConnectOpts & { host?: string }, cb: (err: Error | null, socket?: Socket) => void) => Socket | undefined;

/** Refuse literal IP hosts here: Node skips `lookup` for them, so the agent checks them before connecting. */
function guardCreateConnection(agent: http.Agent, ctx: HostGuardContext): void {
  const original = (agent as unknown as { createConnection: CreateConnection }).createConnection.bind(agent);
  (agent as unknown as { createConnection: CreateConnection }).createConnection = (options, cb) => {
    const host = normaliseHostName(String(options.host ?? 'localhost'));
    try {
      assertNameAllowed(host, ctx);
      if (isIP(host)) assertAddressAllowed(host, host, ctx);
    } catch (e) {
      cb(e as Error);
      return undefined;
    }
    return original(options, cb);
  };
}

export interface GuardedAgents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

const agentCache = new WeakMap<object, GuardedAgents>();

/**
 * HTTP and HTTPS agents whose every connection goes through the host guard: names through `guardedLookup`, literal
 * addresses (which Node connects to without a lookup) through a check in `createConnection`. Every outbound call of
 * every connector uses these (the shared HTTP client, google-auth-library's transport, the AWS SDK's handler), so a
 * redirect or an SDK-chosen endpoint cannot reach a blocked address either.
 */
export function guardedAgents(ctx: HostGuardContext): GuardedAgents {
  const cached = agentCache.get(ctx);
  if (cached) return cached;
  const agents = createGuardedAgents(ctx);
  agentCache.set(ctx, agents);
  return agents;
}

/** A fresh pair of guarded agents, for a client that destroys its agents when it is done (the AWS SDK's handler). */
export function createGuardedAgents(ctx: HostGuardContext, keepAlive = true): GuardedAgents {
  const lookupFn = guardedLookup(ctx);
  const httpAgent = new http.Agent({ keepAlive, lookup: lookupFn } as http.AgentOptions);
  const httpsAgent = new https.Agent({ keepAlive, lookup: lookupFn } as https.AgentOptions);
  guardCreateConnection(httpAgent, ctx);
  guardCreateConnection(httpsAgent, ctx);
  return { httpAgent, httpsAgent };
}
