import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The key a client address is limited under: an IPv4 address as is (IPv4-mapped IPv6 unmapped first), an IPv6 address
 * by its /64 prefix (one subscriber usually holds a whole /64, so counting single IPv6 addresses would not limit
 * anyone). The address itself comes from Express's `req.ip`, which honours TRUST_PROXY.
 */
export function clientAddressKey(ip: string | undefined | null): string {
  if (!ip || !isIP(ip)) return 'unknown';
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (addr.kind() === 'ipv4') return addr.toString();
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}
