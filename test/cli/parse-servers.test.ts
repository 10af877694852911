/**
 * Real server options (-a, -e, -d): what a fresh destination holds, which
 * port it ends up with, address families, weights and thresholds. Tunnel
 * options are in parse-tunnels.test.ts; value rules in docs/option-values.md.
 */
import { expectError, ok } from './helpers';

describe('every command line starts from a fresh destination', () => {
  test('-a -t 10.0.0.1:80 -r 10.0.0.11:8080 -m -w 3 -x 10 -y 5', async () => {
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.11:8080 -m -w 3 -x 10 -y 5')).destination).toEqual({
      family: 2,
      address: '10.0.0.11',
      port: 8080,
      fwdMethod: 0,
      weight: 3,
      upperThreshold: 10,
      lowerThreshold: 5,
      tunnelType: 0,
      tunnelPort: 0,
      tunnelFlags: 0,
    });
  });
  test('-e -t S -r R alone: weight 1, direct routing, thresholds 0, ipip', async () => {
    expect((await ok('-e -t 10.0.0.1:80 -r 10.0.0.11')).destination).toEqual({
      family: 2,
      address: '10.0.0.11',
      port: 80,
      fwdMethod: 3,
      weight: 1,
      upperThreshold: 0,
      lowerThreshold: 0,
      tunnelType: 0,
      tunnelPort: 0,
      tunnelFlags: 0,
    });
  });
  test('-g is direct routing, and the default', async () => {
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.2 -g')).destination!.fwdMethod).toBe(3);
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.2 --gatewaying')).destination!.fwdMethod).toBe(3);
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.2 --masquerading')).destination!.fwdMethod).toBe(0);
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.2 --ipip')).destination!.fwdMethod).toBe(2);
  });
});

describe('the destination port', () => {
  test('DR and tunnel destinations of address services take the service port', async () => {
    expect((await ok('-a -t 10.0.0.3:80 -r 10.0.0.34:8080 -g')).destination!.port).toBe(80);
    expect((await ok('-a -t 10.0.0.3:80 -r 10.0.0.34:8080 -i')).destination!.port).toBe(80);
    expect((await ok('-e -t 10.0.0.3:80 -r 10.0.0.34:8080')).destination!.port).toBe(80);
    expect((await ok('-a -t 10.0.0.3:80 -r 10.0.0.34:8080 -m')).destination!.port).toBe(8080);
  });
  test('fwmark destinations keep their port; no port means the service port 0', async () => {
    expect((await ok('-a -f 1 -r 10.0.0.35:8080 -g')).destination!.port).toBe(8080);
    expect((await ok('-a -f 1 -r 10.0.0.35 -m')).destination!.port).toBe(0);
  });
  test('-d: no port rewriting; no port means the service port', async () => {
    expect((await ok('-d -t 10.0.0.1:80 -r 10.0.0.12:0')).destination!.port).toBe(0);
    expect((await ok('-d -t 10.0.0.1:80 -r 10.0.0.12')).destination!.port).toBe(80);
    expect((await ok('-d -t 10.0.0.1:80 -r 10.0.0.12:8080')).destination!.port).toBe(8080);
  });
});

describe('a destination of another address family than its service needs tunnelling', () => {
  test.each([
    ['-a -t 10.0.0.1:80 -r [2001:db8::5]:80 -m --tun-type gre', 'Different address family is allowed only for tunneling servers'],
    ['-a -t 10.0.0.1:80 -r [2001:db8::5]:80', 'Different address family is allowed only for tunneling servers'],
    ['-e -f 1 -6 -r 10.0.0.1 -m', 'Different address family is allowed only for tunneling servers'],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
  test('different families are fine for tunnels', async () => {
    expect((await ok('-a -t 10.0.0.1:80 -r [2001:db8::5]:80 -i')).destination).toMatchObject({ family: 10, address: '2001:db8::5', port: 80 });
    expect((await ok('-a -f 1 -6 -r 10.0.0.5 -i')).destination).toMatchObject({ family: 2 });
  });
});

describe('weights and thresholds', () => {
  const serverBase = '-a -t 10.0.0.1:80 -r 10.0.0.14';
  test('weights up to Debian’s ceiling 2147483647 (upstream stops at 65535)', async () => {
    for (const w of ['65535', '65536', '2147483647', '10', '1']) {
      expect((await ok(`${serverBase} -w ${w}`)).destination!.weight).toBe(Number(w));
    }
    await expectError(`${serverBase} -w 2147483648`, 'illegal weight specified');
  });
  test('thresholds are not compared by the parser (the kernel does)', async () => {
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.16 -x 100 -y 200')).destination).toMatchObject({ upperThreshold: 100, lowerThreshold: 200 });
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.19 -y 10')).destination).toMatchObject({ upperThreshold: 0, lowerThreshold: 10 });
  });
});
