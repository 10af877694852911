import type { NameResolver } from '../../src/cli/names';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from '../../src/ipvs/types';
import {
  ADDRPORT_MAX_LENGTH,
  createNamer,
  joinAddrPort,
  numericNamer,
  portNameProtocol,
  resolveHosts,
} from '../../src/render/addrport';
import { fakeResolver } from '../support/fake-resolver';

describe('numeric', () => {
  it('IPv4, IPv6 in brackets, mapped addresses, port 0', () => {
    expect(numericNamer.addrPort(AF_INET, '10.0.0.1', 80, IPPROTO_TCP)).toBe('10.0.0.1:80');
    expect(numericNamer.addrPort(AF_INET6, '2001:db8::1', 443, IPPROTO_TCP)).toBe('[2001:db8::1]:443');
    expect(numericNamer.addrPort(AF_INET6, '::ffff:10.0.0.9', 80, IPPROTO_TCP)).toBe('[::ffff:10.0.0.9]:80');
    expect(numericNamer.addrPort(AF_INET, '10.0.0.1', 0, IPPROTO_TCP)).toBe('10.0.0.1:0');
  });
});

describe('resolved', () => {
  const endpoints: [number, string][] = [
    [AF_INET, '10.0.0.1'],
    [AF_INET6, '2001:db8::1'],
    [AF_INET, '10.0.0.77'],
    [AF_INET6, '2001:db8::77'],
    [AF_INET, '10.0.0.5'],
  ];
  it('host and port names by the service protocol', async () => {
    const namer = await createNamer(false, fakeResolver(), endpoints);
    expect(namer.addrPort(AF_INET, '10.0.0.1', 80, IPPROTO_TCP)).toBe('vip1.example.com:http');
    expect(namer.addrPort(AF_INET, '10.0.0.1', 80, IPPROTO_UDP)).toBe('vip1.example.com:80');
    expect(namer.addrPort(AF_INET, '10.0.0.1', 5672, IPPROTO_SCTP)).toBe('vip1.example.com:amqp');
    expect(namer.addrPort(AF_INET6, '2001:db8::1', 80, IPPROTO_TCP)).toBe('[vip6.example.com]:http');
    expect(namer.addrPort(AF_INET, '10.0.0.5', 8080, 0)).toBe('10.0.0.5:8080'); // fwmark: no port names
    expect(namer.addrPort(AF_INET, '10.0.0.5', 0, IPPROTO_TCP)).toBe('10.0.0.5:0');
  });
  it('cuts at 59 characters, which can remove the bracket and port', async () => {
    const namer = await createNamer(false, fakeResolver(), endpoints);
    expect(ADDRPORT_MAX_LENGTH).toBe(59);
    expect(namer.addrPort(AF_INET, '10.0.0.77', 80, IPPROTO_TCP)).toBe(
      'a-very-long-hostname-for-testing-truncation.example.com:htt',
    );
    expect(namer.addrPort(AF_INET6, '2001:db8::77', 80, IPPROTO_TCP)).toBe(
      '[a-very-long-ipv6-hostname-for-testing-truncation.example.c',
    );
    expect(joinAddrPort(AF_INET, 'h'.repeat(56), '80')).toBe('h'.repeat(56) + ':80');
    expect(joinAddrPort(AF_INET, 'h'.repeat(57), '80')).toBe('h'.repeat(57) + ':8');
  });
  it('a numeric namer is used for -n without any lookups', async () => {
    const resolver = fakeResolver();
    expect(await createNamer(true, resolver, endpoints)).toBe(numericNamer);
    expect(resolver.reverseLookups).toEqual([]);
  });
  it('portNameProtocol', () => {
    expect([6, 17, 132, 0, 1].map(portNameProtocol)).toEqual(['tcp', 'udp', 'sctp', undefined, undefined]);
  });
});

describe('resolveHosts', () => {
  it('deduplicates, runs lookups concurrently up to the limit, treats failures as no name', async () => {
    let inFlight = 0;
    let peak = 0;
    const calls: string[] = [];
    const resolver: NameResolver = {
      hostToIPv4: async () => undefined,
      serviceToPort: () => undefined,
      portToService: () => undefined,
      async addressToHost(_family, address) {
        calls.push(address);
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        if (address === '10.0.0.3') throw new Error('resolver broke');
        return address === '10.0.0.2' ? 'two' : undefined;
      },
    };
    const endpoints: [number, string][] = [];
    for (let i = 0; i < 100; i++) endpoints.push([AF_INET, `10.0.0.${i % 20}`]);
    const hosts = await resolveHosts(resolver, endpoints, 8);
    expect(calls.length).toBe(20);
    expect(peak).toBe(8);
    expect(hosts.get('2/10.0.0.2')).toBe('two');
    expect(hosts.get('2/10.0.0.3')).toBeUndefined();
    expect(hosts.has('2/10.0.0.3')).toBe(true);
  });
  it('same text in two families is two lookups', async () => {
    const resolver = fakeResolver();
    await resolveHosts(resolver, [
      [AF_INET, '10.0.0.1'],
      [AF_INET6, '10.0.0.1'],
    ]);
    expect(resolver.reverseLookups).toEqual(['2/10.0.0.1', '10/10.0.0.1']);
  });
});
