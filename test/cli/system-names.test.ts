/** The system resolver, with injected lookups (no network, no real /etc/services). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createSystemResolver, parseServicesFile } from '../../src/cli/system-names';

const SERVICES = `# comment line
tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer
domain\t\t53/tcp\t\t\t\t# Domain Name Server
domain\t\t53/udp
http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP
http-alt\t8080/tcp\twebcache\t# WWW caching service
bogus\t\tnotaport
dup\t\t80/tcp
sip\t\t5060/tcp
sip\t\t5060/udp
sip\t\t5060/sctp
www-ish\t\t81/tcp\t\tHTTP\r
`;

function withServicesFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipvsadm-ts-'));
  const file = path.join(dir, 'services');
  fs.writeFileSync(file, text);
  return file;
}

describe('services(5) parsing', () => {
  test('entries, aliases, comments, malformed lines', () => {
    const entries = parseServicesFile(SERVICES);
    expect(entries.map((e) => `${e.name}:${e.port}/${e.proto}:${e.aliases.join(',')}`)).toEqual([
      'tcpmux:1/tcp:',
      'domain:53/tcp:',
      'domain:53/udp:',
      'http:80/tcp:www',
      'http-alt:8080/tcp:webcache',
      'dup:80/tcp:',
      'sip:5060/tcp:',
      'sip:5060/udp:',
      'sip:5060/sctp:',
      'www-ish:81/tcp:HTTP',
    ]);
  });
});

describe('system resolver', () => {
  const file = withServicesFile(SERVICES);
  test('getservbyname: names and aliases per protocol, case-sensitive', () => {
    const r = createSystemResolver({ servicesPath: file });
    expect(r.serviceToPort('http', 'tcp')).toBe(80);
    expect(r.serviceToPort('www', 'tcp')).toBe(80);
    expect(r.serviceToPort('http', 'udp')).toBeUndefined();
    expect(r.serviceToPort('HTTP', 'tcp')).toBe(81);
    expect(r.serviceToPort('Http', 'tcp')).toBeUndefined();
    expect(r.serviceToPort('domain', 'udp')).toBe(53);
    expect(r.serviceToPort('sip', 'sctp')).toBe(5060);
    expect(r.serviceToPort('nope', 'tcp')).toBeUndefined();
  });
  test('getservbyport: first entry wins', () => {
    const r = createSystemResolver({ servicesPath: file });
    expect(r.portToService(80, 'tcp')).toBe('http');
    expect(r.portToService(53, 'udp')).toBe('domain');
    expect(r.portToService(80, 'udp')).toBeUndefined();
  });
  test('the file is read once, lazily', () => {
    const f = withServicesFile('a 1/tcp\n');
    const r = createSystemResolver({ servicesPath: f });
    fs.writeFileSync(f, 'b 2/tcp\n');
    expect(r.serviceToPort('b', 'tcp')).toBe(2);
    fs.writeFileSync(f, 'c 3/tcp\n');
    expect(r.serviceToPort('b', 'tcp')).toBe(2);
    expect(r.serviceToPort('c', 'tcp')).toBeUndefined();
  });
  test('a missing services file means no names', () => {
    const r = createSystemResolver({ servicesPath: '/nonexistent/services' });
    expect(r.serviceToPort('http', 'tcp')).toBeUndefined();
    expect(r.portToService(80, 'tcp')).toBeUndefined();
  });

  test('forward lookups: only for names, never throwing', async () => {
    const asked: string[] = [];
    const r = createSystemResolver({
      lookup: async (name) => {
        asked.push(name);
        if (name === 'boom') throw new Error('ENOTFOUND');
        return name === 'vip1' ? '10.0.0.1' : undefined;
      },
    });
    expect(await r.hostToIPv4('vip1')).toBe('10.0.0.1');
    expect(await r.hostToIPv4('boom')).toBeUndefined();
    expect(await r.hostToIPv4('10.0.0.300')).toBeUndefined();
    expect(await r.hostToIPv4('1.2.3.4.5')).toBeUndefined();
    expect(await r.hostToIPv4('2001:db8::1')).toBeUndefined();
    expect(await r.hostToIPv4('')).toBeUndefined();
    expect(asked).toEqual(['vip1', 'boom']);
  });
  test('lookups are bounded in time', async () => {
    const r = createSystemResolver({
      timeoutMs: 20,
      lookup: () => new Promise(() => undefined),
      lookupService: () => new Promise(() => undefined),
    });
    expect(await r.hostToIPv4('slow')).toBeUndefined();
    expect(await r.addressToHost(2, '10.0.0.1')).toBeUndefined();
  });
  test('reverse lookups give the name or undefined', async () => {
    const r = createSystemResolver({
      lookupService: async (address) => {
        if (address === '10.0.0.1') return 'vip1.example.com';
        throw new Error('ENOTFOUND');
      },
    });
    expect(await r.addressToHost(2, '10.0.0.1')).toBe('vip1.example.com');
    expect(await r.addressToHost(2, '10.0.0.2')).toBeUndefined();
  });
  test('the real system: localhost both ways (uses /etc/hosts)', async () => {
    const r = createSystemResolver();
    expect(await r.hostToIPv4('localhost')).toBe('127.0.0.1');
    expect(await r.addressToHost(2, '127.0.0.1')).toEqual(expect.any(String));
  });
});
