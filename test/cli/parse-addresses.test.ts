/**
 * Addresses and ports of services (-t, -u, --sctp-service) and real servers
 * (-r) through the parser, with ipvsadm's quirks: see "Addresses" in
 * docs/option-values.md. The fake resolver knows the lab's hosts file.
 */
import { expectError, ok } from './helpers';

describe('refused addresses', () => {
  test.each([
    ['-A -t 80', 'illegal virtual server address[:port] specified'],
    ['-A -t 10.0.0.3:99999', 'illegal virtual server address[:port] specified'],
    ['-A -t [2001:db8::1]', 'illegal virtual server address[:port] specified'],
    ['-A -t [2001:db8::1', 'illegal virtual server address[:port] specified'],
    ['-A -t [2001:db8::1]x', 'illegal virtual server address[:port] specified'],
    ['-A -t [2001:db8::1]:', 'illegal virtual server address[:port] specified'],
    ['-A -t vip6.example.com:80', 'illegal virtual server address[:port] specified'],
    ['-A -t 10.0.0.1:HTTP', 'illegal virtual server address[:port] specified'],
    ['-A -u 10.0.0.1:http', 'illegal virtual server address[:port] specified'],
    ['-a -t [2001:db8::1]:80 -r [rs6-10]:80 -m', 'illegal real server address[:port] specified'],
    ['-a -r 10.0.0.33:http -t 10.0.0.3:80 -m', 'illegal real server address[:port] specified'],
    ['-a -t 10.0.0.3:80 -r 42', 'illegal real server address[:port] specified'],
    ['-a -t 10.0.0.3:80 -r 10.0.0.1:65536', 'illegal real server address[:port] specified'],
    ['-a -u 10.0.0.3:53 -r 10.0.0.1:http', 'illegal real server address[:port] specified'],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
  test('-A -t vip6.example.com:80 is refused (IPv6-only name)', async () => {
    await expectError('-A -t vip6.example.com:80', 'illegal virtual server address[:port] specified');
  });
});

describe('IPv4 hosts as inet_aton and the hosts file read them, ports as strtol or a service name', () => {
  test.each([
    ['-A -t 0x0a000063:80', '10.0.0.99', 80],
    ['-A -t 10.100:80', '10.0.0.100', 80],
    ['-A -t 167772162:80', '10.0.0.2', 80],
    ['-A -t vip1.example.com:http', '10.0.0.1', 80],
    ['-A -t vip1:www', '10.0.0.1', 80],
    ['-A -t 10.0.0.1:+80', '10.0.0.1', 80],
    ['-A -t 10.0.0.1:0080', '10.0.0.1', 80],
    ['-A -u 10.0.0.1:domain', '10.0.0.1', 53],
    ['-A --sctp-service 10.0.0.1:65535', '10.0.0.1', 65535],
    ['-A -t localhost:22', '127.0.0.1', 22],
  ])('ipvsadm %s -> %s:%d', async (args, address, port) => {
    expect((await ok(args)).service).toMatchObject({ family: 2, address, port });
  });
  test("': 80' (blank after the colon) is port 80", async () => {
    expect((await ok(['-A', '-t', '10.0.0.1: 80'])).service!.port).toBe(80);
  });
});

describe('brackets and IPv6', () => {
  test('-t 2001:db8::99:80 -p: an unbracketed IPv6 literal has no port', async () => {
    expect((await ok('-A -t 2001:db8::99:80 -p')).service).toMatchObject({ family: 10, address: '2001:db8::99:80', port: 0, netmask: 128 });
  });
  test('-A -t [10.0.0.1]:80 -p: the port is silently lost', async () => {
    expect((await ok('-A -t [10.0.0.1]:80 -p')).service).toMatchObject({ family: 2, address: '10.0.0.1', port: 0, timeout: 360 });
  });
  test('[vip1]:80 loses the port as well', async () => {
    expect((await ok('-L -t [vip1]:80')).service).toMatchObject({ address: '10.0.0.1', port: 0 });
  });
  test('IPv6 service and destination', async () => {
    const inv = await ok('-a -t [2001:db8::1]:80 -r [2001:db8::10]:8080 -m');
    expect(inv.service).toMatchObject({ family: 10, address: '2001:db8::1', port: 80, netmask: 128 });
    expect(inv.destination).toMatchObject({ family: 10, address: '2001:db8::10', port: 8080 });
  });
  test('IPv6 addresses are normalised to inet_ntop form', async () => {
    expect((await ok('-A -t [2001:DB8:0:0:0:0:0:1]:80')).service!.address).toBe('2001:db8::1');
  });
});

describe('-r takes its default port and the protocol for port names from the service read so far', () => {
  test('-a -r 10.0.0.31 -t 10.0.0.3:80 -m: -r before -t gets port 0', async () => {
    expect((await ok('-a -r 10.0.0.31 -t 10.0.0.3:80 -m')).destination).toMatchObject({ address: '10.0.0.31', port: 0, fwdMethod: 0 });
  });
  test('-a -r 10.0.0.34:8080 -t 10.0.0.3:80 -g: DR still takes the service port', async () => {
    expect((await ok('-a -r 10.0.0.34:8080 -t 10.0.0.3:80 -g')).destination!.port).toBe(80);
  });
  test('-r after -t gets the service port and the service protocol for names', async () => {
    expect((await ok('-a -t 10.0.0.3:80 -r 10.0.0.32 -m')).destination!.port).toBe(80);
    expect((await ok('-a -t 10.0.0.3:80 -r 10.0.0.33:http -m')).destination!.port).toBe(80);
    expect((await ok('-a -u 10.0.0.3:53 -r 10.0.0.33:ntp -m')).destination!.port).toBe(123);
    expect((await ok('-a -t 10.0.0.3:80 -r rs11:ssh -m')).destination).toMatchObject({ address: '10.0.0.11', port: 22 });
  });
  test('-f services look -r port names up as TCP', async () => {
    expect((await ok('-a -f 1 -r 10.0.0.35:http -m')).destination).toMatchObject({ address: '10.0.0.35', port: 80 });
  });
});
