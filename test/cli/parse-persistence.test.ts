/**
 * Persistence (-p) and its netmask (-M): -p alone is 360 s, and -M is an
 * IPv6 prefix length or an inet_aton mask depending on the service family
 * at that point of the line ("Persistence and netmask" in docs/option-values.md).
 */
import { expectError, ok } from './helpers';

const PERSISTENT = 0x01;

describe('refused timeouts and masks', () => {
  test.each([
    ['-A -t 10.0.0.2:80 -p 0', "invalid timeout value `0' specified"],
    ['-A -t 10.0.0.2:80 -p 2678401', "invalid timeout value `2678401' specified"],
    ['-A -t 10.0.0.2:80 -p abc', "invalid timeout value `abc' specified"],
    ['-A -t 10.0.0.2:88 -p -M foo', 'illegal virtual server persistent mask specified'],
    ['-A -t 10.0.0.2:88 -M 10.0.0.256', 'illegal virtual server persistent mask specified'],
    ['-A -t 10.0.0.2:88 -M vip6.example.com', 'illegal virtual server persistent mask specified'],
    ['-A -t [2001:db8::5]:81 -p -M 0', 'illegal ipv6 netmask specified'],
    ['-A -t [2001:db8::5]:81 -p -M 129', 'illegal ipv6 netmask specified'],
    ['-A -t [2001:db8::5]:81 -p -M ffff::', 'illegal ipv6 netmask specified'],
    ['-A -f 12 -6 -M abc', 'illegal ipv6 netmask specified'],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
});

describe('the persistence timeout', () => {
  test.each([
    ['-A -t 10.0.0.2:80 -p 2678400', 2678400],
    ['-A -t 10.0.0.2:82 -p 600', 600],
    ['-A -t 10.0.0.2:85 -s rr -p', 360],
    ['-A -t 10.0.0.2:85 --persistent', 360],
    ['-A -t 10.0.0.2:85 --persistent=1', 1],
  ])('ipvsadm %s -> timeout %d', async (args, timeout) => {
    expect((await ok(args)).service).toMatchObject({ timeout, flags: PERSISTENT });
  });
});

describe('the persistence netmask', () => {
  test.each([
    ['-M 24', 24],
    ['-M localhost', 0x7f000001],
    ['-M 0', 0],
    ['-M 255.255.255.0', 0xffffff00],
    ['-M 255.0.255.0', 0xff00ff00],
    ['-M 0xffffff00', 0xffffff00],
  ])('IPv4 %s -> %d (no contiguity check)', async (mask, netmask) => {
    expect((await ok(`-A -t 10.0.0.2:87 -p ${mask}`)).service!.netmask).toBe(netmask);
  });
  test.each([
    ['-M 64', 64],
    ['-M 64abc', 64],
    ['-M 128', 128],
    ['-M 1', 1],
  ])('IPv6 %s -> %d', async (mask, netmask) => {
    expect((await ok(`-A -t [2001:db8::5]:83 -p ${mask}`)).service!.netmask).toBe(netmask);
  });
  test('a later IPv6 address resets the mask to 128', async () => {
    expect((await ok('-A -M 64 -t [2001:db8::5]:80 -p')).service!.netmask).toBe(128);
  });
  test('-M before an IPv4 address is an IPv4 mask', async () => {
    expect((await ok('-A -M 255.255.0.0 -t 10.0.0.1:80')).service!.netmask).toBe(0xffff0000);
  });
  test('-M without -p is accepted and kept', async () => {
    expect((await ok('-A -t 10.0.0.1:80 -M 255.255.255.0')).service).toMatchObject({ netmask: 0xffffff00, flags: 0 });
  });
});
