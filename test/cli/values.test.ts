/** The value parsers of fact-sheet section 5, one C library rule at a time. */
import {
  atoiUnsigned32,
  cInetAton,
  parseAddressPort,
  parseFwmark,
  parseIPv6Netmask,
  parseMcastGroup,
  parseSchedFlags,
  parseTimeout,
  parseTunnelType,
  stringToNumber,
  strtoulWhole,
  truncateUtf8,
} from '../../src/cli/values';
import { fakeResolver } from '../support/fake-resolver';

describe('string_to_number (strtol base 10, whole string)', () => {
  test.each([
    ['80', 80],
    ['+80', 80],
    [' 80', 80],
    ['\t\n80', 80],
    ['0080', 80],
    ['010', 10],
    ['-0', 0],
    ['0', 0],
    ['65535', 65535],
  ])('%j -> %d', (text, value) => {
    expect(stringToNumber(text, 0, 65535)).toBe(value);
  });
  test.each([[''], [' '], ['+'], ['-'], ['80 '], ['0x10'], ['8o'], ['1e3'], ['65536'], ['-1'], ['99999999999999999999999'], ['٣']])(
    '%j is refused',
    (text) => {
      expect(stringToNumber(text, 0, 65535)).toBeUndefined();
    },
  );
});

describe('strtoul for fwmarks', () => {
  test('negative values wrap modulo 2^64 as in C', () => {
    expect(strtoulWhole('-1')).toBe(2n ** 64n - 1n);
    expect(strtoulWhole('-18446744073709551615')).toBe(1n);
    expect(strtoulWhole('18446744073709551616')).toBeUndefined();
  });
  test.each([['1', 1], ['4294967295', 4294967295], [' +7', 7], ['007', 7]])('-f %j -> %d', (text, mark) => {
    expect(parseFwmark(text)).toBe(mark);
  });
  test.each([['0'], ['-1'], ['0x10'], ['4294967296'], [''], ['1 '], ['abc']])('-f %j is refused', (text) => {
    expect(() => parseFwmark(text)).toThrow(`invalid fwmark value \`${text}' specified`);
  });
});

describe('timeouts', () => {
  test('-p without a value is 360', () => {
    expect(parseTimeout(undefined, 1)).toBe(360);
  });
  test.each([['1', 1], ['2678400', 2678400], ['360', 360]])('-p %s', (text, value) => {
    expect(parseTimeout(text, 1)).toBe(value);
  });
  test.each([['0'], ['2678401'], ['-5'], ['abc'], ['']])('-p %j is refused', (text) => {
    expect(() => parseTimeout(text, 1)).toThrow(`invalid timeout value \`${text}' specified`);
  });
  test('--set allows 0', () => {
    expect(parseTimeout('0', 0)).toBe(0);
  });
});

describe('atoi for IPv6 prefixes', () => {
  test.each([
    ['64', 64],
    ['64abc', 64],
    ['ffff::', 0],
    ['  +12x', 12],
    ['-5', 4294967291],
    ['4294967360', 64],
    ['99999999999999999999', 4294967295],
  ])('%j -> %d', (text, value) => {
    expect(atoiUnsigned32(text)).toBe(value);
  });
  test.each([['1', 1], ['128', 128], ['64abc', 64], ['4294967360', 64]])('-M %j on IPv6 -> %d', (text, value) => {
    expect(parseIPv6Netmask(text)).toBe(value);
  });
  test.each([['0'], ['129'], ['ffff::'], ['-1'], ['']])('-M %j on IPv6 is refused', (text) => {
    expect(() => parseIPv6Netmask(text)).toThrow('illegal ipv6 netmask specified');
  });
});

describe('inet_aton as glibc does it', () => {
  test.each([
    ['10.0.0.1', 0x0a000001],
    ['0x0a000063', 0x0a000063],
    ['10.100', 0x0a000064],
    ['167772162', 0x0a000002],
    ['24', 24],
    ['012.0.0.1', 0x0a000001],
    ['10.0.0.1 trailing words', 0x0a000001],
    ['10 .0.0.1', 10],
  ])('%j', (text, value) => {
    expect(cInetAton(text)).toBe(value);
  });
  test.each([['0x'], ['0x.1.2.3'], [''], [' 10.0.0.1'], ['10.0.0.256'], ['1.2.3.4.5'], ['10.'], ['08'], ['vip1']])('%j is refused', (text) => {
    expect(cInetAton(text)).toBeUndefined();
  });
});

describe('parse_service', () => {
  const r = fakeResolver();
  const TCP = 6;
  test.each([
    ['10.0.0.1:80', { family: 2, address: '10.0.0.1', port: 80 }],
    ['10.0.0.1', { family: 2, address: '10.0.0.1', port: undefined }],
    ['[2001:db8::1]:80', { family: 10, address: '2001:db8::1', port: 80 }],
    ['2001:db8::99:80', { family: 10, address: '2001:db8::99:80', port: undefined }],
    ['[10.0.0.1]:80', { family: 2, address: '10.0.0.1', port: undefined }],
    ['[vip1]:80', { family: 2, address: '10.0.0.1', port: undefined }],
    ['[a:b]:80', undefined],
    ['vip1.example.com:http', { family: 2, address: '10.0.0.1', port: 80 }],
    ['10.0.0.1:www', { family: 2, address: '10.0.0.1', port: 80 }],
    ['10.0.0.1:+80', { family: 2, address: '10.0.0.1', port: 80 }],
    ['10.0.0.1: 80', { family: 2, address: '10.0.0.1', port: 80 }],
    ['10.0.0.1:0080', { family: 2, address: '10.0.0.1', port: 80 }],
    ['[2001:DB8:0:0::1]:53', { family: 10, address: '2001:db8::1', port: 53 }],
    ['[::ffff:10.0.0.9]:1', { family: 10, address: '::ffff:10.0.0.9', port: 1 }],
  ])('%j', async (text, expected) => {
    expect(await parseAddressPort(text, TCP, r)).toEqual(expected);
  });
  test.each([
    ['80'],
    [''],
    ['[2001:db8::1]'],
    ['[2001:db8::1'],
    ['[2001:db8::1]x'],
    ['[2001:db8::1]:'],
    ['10.0.0.1:'],
    ['10.0.0.1:HTTP'],
    ['10.0.0.1:99999'],
    ['10.0.0.1:-1'],
    ['vip6.example.com:80'],
    ['[rs6-10]:80'],
    ['nosuchhost:80'],
    [':80'],
    ['10.0.0.1:80:90'],
    ['fe80::1%eth0'],
  ])('%j is refused', async (text) => {
    expect(await parseAddressPort(text, TCP, r)).toBeUndefined();
  });
  test('port names are looked up for the protocol given, none for protocol 0', async () => {
    expect(await parseAddressPort('10.0.0.1:ntp', 17, r)).toMatchObject({ port: 123 });
    expect(await parseAddressPort('10.0.0.1:ntp', 6, r)).toBeUndefined();
    expect(await parseAddressPort('10.0.0.1:http', 0, r)).toBeUndefined();
    expect(await parseAddressPort('10.0.0.1:80', 0, r)).toMatchObject({ port: 80 });
  });
  test('numeric hosts never reach the resolver', async () => {
    const fresh = fakeResolver();
    await parseAddressPort('10.100:80', TCP, fresh);
    await parseAddressPort('[2001:db8::1]:80', TCP, fresh);
    expect(fresh.hostLookups).toEqual([]);
  });
  test('a resolver that throws or answers nonsense means "not found"', async () => {
    const broken = { ...fakeResolver(), hostToIPv4: async () => { throw new Error('boom'); } };
    expect(await parseAddressPort('vip1:80', TCP, broken)).toBeUndefined();
    const silly = { ...fakeResolver(), hostToIPv4: async () => 'not-an-address' };
    expect(await parseAddressPort('vip1:80', TCP, silly)).toBeUndefined();
  });
});

describe('scheduler flags', () => {
  test.each([
    ['flag-1', 'wlc', 0x08],
    ['flag-2', 'wlc', 0x10],
    ['flag-3', 'wlc', 0x20],
    ['flag-1,,flag-2', 'wlc', 0x18],
    [',flag-1,', 'rr', 0x08],
    ['sh-fallback', 'sh', 0x08],
    ['sh-port', 'sh', 0x10],
    ['mh-fallback,mh-port', 'mh', 0x18],
    ['flag-2', 'sh', 0x10],
  ])('%s with %s', (arg, scheduler, flags) => {
    expect(parseSchedFlags(arg, scheduler)).toBe(flags);
  });
  test.each([
    ['flag-4', 'wlc', 'invalid scheduler flag `flag-4\''],
    ['sh-port', 'wlc', 'incompatible scheduler flag `sh-port\''],
    ['sh-port', '', 'incompatible scheduler flag `sh-port\''],
    ['mh-port', 'sh', 'incompatible scheduler flag `mh-port\''],
    ['Flag-1', 'wlc', 'invalid scheduler flag `Flag-1\''],
    ['flag-4,sh-port', 'wlc', 'invalid scheduler flag `flag-4\''],
    ['sh-port,flag-4', 'wlc', 'incompatible scheduler flag `sh-port\''],
    ['flag-1, flag-2', 'wlc', 'invalid scheduler flag ` flag-2\''],
    ['toString', 'wlc', 'invalid scheduler flag `toString\''],
    [',', 'wlc', 'invalid scheduler flag `,\''],
    [',,,', 'wlc', 'invalid scheduler flag `,,,\''],
  ])('%j with %j: %s', (arg, scheduler, message) => {
    expect(() => parseSchedFlags(arg, scheduler)).toThrow(message);
  });
});

describe('other values', () => {
  test('tunnel types', () => {
    expect(['ipip', 'gue', 'gre'].map(parseTunnelType)).toEqual([0, 1, 2]);
    for (const bad of ['IPIP', 'gre ', '', 'vxlan']) expect(() => parseTunnelType(bad)).toThrow('illegal tunnel type specified');
  });
  test('multicast groups', () => {
    expect(parseMcastGroup('239.1.1.1')).toEqual({ family: 2, address: '239.1.1.1' });
    expect(parseMcastGroup('224.0.0.81')).toEqual({ family: 2, address: '224.0.0.81' });
    expect(parseMcastGroup('ff02::1234')).toEqual({ family: 10, address: 'ff02::1234' });
    expect(parseMcastGroup('FF05:0::1')).toEqual({ family: 10, address: 'ff05::1' });
    for (const bad of ['1.2.3.4', 'foo', '240.0.0.1', '239.1.1', '0xef010101', '239.001.1.1', '']) {
      expect(() => parseMcastGroup(bad)).toThrow(`invalid IPv4 mcast-group \`${bad}'`);
    }
    for (const bad of ['2001:db8::1', ':', 'ff02::1::2', '::ffff:239.1.1.1']) {
      expect(() => parseMcastGroup(bad)).toThrow(`invalid IPv6 mcast-group \`${bad}'`);
    }
  });
  test('byte truncation never splits a character', () => {
    expect(truncateUtf8('abcdefghijklmnopq', 15)).toBe('abcdefghijklmno');
    expect(truncateUtf8('short', 15)).toBe('short');
    expect(truncateUtf8('aaaaaaaaaaaaaaé', 15)).toBe('aaaaaaaaaaaaaa');
  });
});
