/**
 * Tunnel options of real servers (--tun-type, --tun-port and the checksum
 * flags): their values, and that they need -i. Which options each tunnel
 * type takes is the matrix's business (test/cli/matrix.test.ts).
 */
import { expectError, ok } from './helpers';

describe('tunnel type, port and checksum flags', () => {
  test('-a -t 10.0.0.1:80 -r 10.0.0.12 -i --tun-type gue --tun-port 6080 --tun-csum', async () => {
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.12 -i --tun-type gue --tun-port 6080 --tun-csum')).destination).toEqual({
      family: 2,
      address: '10.0.0.12',
      port: 80,
      fwdMethod: 2,
      weight: 1,
      upperThreshold: 0,
      lowerThreshold: 0,
      tunnelType: 1,
      tunnelPort: 6080,
      tunnelFlags: 1,
    });
  });
  test('--tun-remcsum is flag value 2, --tun-nocsum 0', async () => {
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.12 -i --tun-type gue --tun-port 1 --tun-remcsum')).destination!.tunnelFlags).toBe(2);
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.12 -i --tun-type gre --tun-nocsum')).destination!.tunnelFlags).toBe(0);
  });
  test('--add-server ... --ipip --tun-type gre --tun-csum', async () => {
    expect((await ok('--add-server --tcp-service 10.0.0.1:80 --real-server 10.0.0.12 --ipip --tun-type gre --tun-csum')).destination).toMatchObject({
      fwdMethod: 2,
      tunnelType: 2,
      tunnelFlags: 1,
      port: 80,
    });
  });
  test.each([
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type vxlan', 'illegal tunnel type specified'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type GRE', 'illegal tunnel type specified'],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
});

describe('tunnel options need the tunnelling forward method', () => {
  test.each([
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 -m --tun-type gre', 'Tunnel options conflict with forward method'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 --tun-port 1', 'Tunnel options conflict with forward method'],
    ['-e -t 10.0.0.1:80 -r 10.0.0.2 -g --tun-csum', 'Tunnel options conflict with forward method'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 --tun-nocsum', 'Tunnel options conflict with forward method'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 --tun-remcsum', 'Tunnel options conflict with forward method'],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
});
