/* Pure. */
import { clientAddressKey } from './client-address';

describe('clientAddressKey', () => {
  it('keeps IPv4, unmaps IPv4-mapped IPv6 and groups IPv6 by /64', () => {
    expect(clientAddressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressKey('2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:db8:1:3::5')).not.toBe(clientAddressKey('2001:db8:1:2::5'));
  });

  it('files anything unreadable under one key', () => {
    for (const bad of [undefined, null, '', 'not-an-ip', '1.2.3']) expect(clientAddressKey(bad)).toBe('unknown');
  });
});
