/**
 * Virtual service options: what a fresh service holds, firewall marks and
 * -6, scheduler and persistence engine, and the checks -A/-E make after the
 * matrix. Value rules: docs/option-values.md.
 */
import { expectError, fails, ok } from './helpers';

const PERSISTENT = 0x01;
const ONEPACKET = 0x04;

describe('every command line starts from a fresh service', () => {
  test('-A -t 10.0.0.2:80: fresh service defaults, scheduler wlc', async () => {
    const inv = await ok('-A -t 10.0.0.2:80');
    expect(inv.service).toEqual({
      family: 2,
      protocol: 6,
      address: '10.0.0.2',
      port: 80,
      fwmark: 0,
      scheduler: 'wlc',
      peName: '',
      flags: 0,
      timeout: 0,
      netmask: 0xffffffff,
    });
    expect(inv.destination).toBeUndefined();
    expect(inv.daemon).toBeUndefined();
    expect([...inv.present]).toEqual(['service-address']);
  });
  test('-E -t X alone turns the scheduler back to wlc and drops the rest', async () => {
    expect((await ok('-E -t 10.0.0.1:80')).service).toMatchObject({ scheduler: 'wlc', flags: 0, timeout: 0, peName: '' });
  });
  test("-s '' means wlc for -A/-E", async () => {
    expect((await ok(['-A', '-t', '10.0.0.1:80', '-s', ''])).service!.scheduler).toBe('wlc');
    expect((await ok(['-E', '-t', '10.0.0.1:80', '--scheduler='])).service!.scheduler).toBe('wlc');
  });
  test('other commands leave the scheduler empty', async () => {
    expect((await ok('-D -t 10.0.0.1:80')).service!.scheduler).toBe('');
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.2')).service!.scheduler).toBe('');
    expect((await ok('-L -t 10.0.0.1:80')).service!.scheduler).toBe('');
  });
  test('every service option at once: -A -t 10.0.0.1:80 -s rr -p 100 -M 255.255.255.0 --pe sip -b flag-1', async () => {
    expect((await ok('-A -t 10.0.0.1:80 -s rr -p 100 -M 255.255.255.0 --pe sip -b flag-1')).service).toEqual({
      family: 2,
      protocol: 6,
      address: '10.0.0.1',
      port: 80,
      fwmark: 0,
      scheduler: 'rr',
      peName: 'sip',
      flags: 0x09,
      timeout: 100,
      netmask: 0xffffff00,
    });
  });
  test('an IPv6 UDP service with one-packet scheduling: -A -u [2001:db8::1]:53 -o', async () => {
    expect((await ok('-A -u [2001:db8::1]:53 -o')).service).toEqual({
      family: 10,
      protocol: 17,
      address: '2001:db8::1',
      port: 53,
      fwmark: 0,
      scheduler: 'wlc',
      peName: '',
      flags: ONEPACKET,
      timeout: 0,
      netmask: 128,
    });
  });
  test('an IPv6 firewall mark service with a prefix length and default persistence: -A -f 7 -6 -M 64 -p', async () => {
    expect((await ok('-A -f 7 -6 -M 64 -p')).service).toEqual({
      family: 10,
      protocol: 0,
      address: '',
      port: 0,
      fwmark: 7,
      scheduler: 'wlc',
      peName: '',
      flags: PERSISTENT,
      timeout: 360,
      netmask: 64,
    });
  });
  test('--sctp-service is protocol 132', async () => {
    expect((await ok('-A --sctp-service 10.0.0.1:5000')).service).toMatchObject({ protocol: 132, port: 5000 });
  });
});

describe('firewall marks and -6', () => {
  test.each([
    ['-A -f 0', "invalid fwmark value `0' specified"],
    ['-A -f 4294967296', "invalid fwmark value `4294967296' specified"],
    ['-A -f -1', "invalid fwmark value `-1' specified"],
    ['-A -f 0x10', "invalid fwmark value `0x10' specified"],
    ['-A -f abc', "invalid fwmark value `abc' specified"],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
  test('-6 before -f: the message plus an empty line', async () => {
    const f = await fails('-A -6 -f 11');
    expect(f.message).toBe('-6 used before -f\n\n');
    expect(f.exitCode).toBe(2);
    await expectError('-A -t 10.0.0.1:80 -6', '-6 used before -f\n\n');
    await expectError('-L -6', '-6 used before -f\n\n');
  });
  test('-f N is IPv4 with an IPv4 mask; -6 makes it IPv6 with 128, discarding -M', async () => {
    expect((await ok('-A -f 13 -p -M 255.255.255.0')).service).toMatchObject({ family: 2, netmask: 0xffffff00 });
    expect((await ok('-A -f 14 -M 255.255.255.0 -6 -p')).service).toMatchObject({ family: 10, netmask: 128 });
    expect((await ok('-A -f 4294967295')).service!.fwmark).toBe(4294967295);
    expect((await ok('-A -f 2147483648')).service!.fwmark).toBe(2147483648);
  });
});

describe('scheduler and persistence engine', () => {
  test('-s is cut to 15 characters', async () => {
    expect((await ok('-A -t 10.0.0.1:80 -s abcdefghijklmnopq')).service!.scheduler).toBe('abcdefghijklmno');
  });
  test('--pe is cut to 16 characters and kept without -p', async () => {
    expect((await ok('-A -t 10.0.0.1:80 --pe abcdefghijklmnopq')).service).toMatchObject({ peName: 'abcdefghijklmnop', flags: 0 });
    expect((await ok('-A -t 10.0.0.3:80 -p --pe foo')).service!.peName).toBe('foo');
  });
  test('unknown schedulers are the kernel’s business', async () => {
    expect((await ok('-A -t 10.0.0.3:80 -s foo')).service!.scheduler).toBe('foo');
  });
});

describe('-A and -E refuse a zero port without persistence, and one-packet scheduling off UDP', () => {
  test.each([
    ['-A -t 10.0.0.3', 'Zero port specified for non-persistent service'],
    ['-E -t 10.0.0.3:0', 'Zero port specified for non-persistent service'],
    ['-A -t 2001:db8::99:80', 'Zero port specified for non-persistent service'],
    ['-A -t 10.0.0.3 -o', 'Zero port specified for non-persistent service'],
    ['-A -t 10.0.0.5:80 -o', 'One-Packet Scheduling is only for UDP virtual services'],
    ['-E --sctp-service 10.0.0.5:80 -o', 'One-Packet Scheduling is only for UDP virtual services'],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });

  test.each([
    ['-A -t 10.0.0.3 -p', 0],
    ['-A -f 5', 0],
    ['-A -f 5 -o', ONEPACKET],
    ['-A -u 10.0.0.5:53 -o', ONEPACKET],
    ['-E -u 10.0.0.5:0 -p -o', PERSISTENT | ONEPACKET],
  ])('ipvsadm %s is fine', async (args, ops) => {
    expect((await ok(args)).service!.flags & ONEPACKET).toBe(ops & ONEPACKET);
  });
  test('a zero-port non-persistent service is only refused for -A/-E', async () => {
    expect((await ok('-D -t 10.0.0.3')).service!.port).toBe(0);
    expect((await ok('-L -t 10.0.0.3')).service!.port).toBe(0);
  });
});
