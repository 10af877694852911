/**
 * Domain objects for tests: a TCP service 10.0.0.1:80 (wlc, no persistence)
 * and a masquerading destination 10.0.0.11:8080, with what a test changes.
 */
import type { Destination, Service } from '../../src/netlink/types';

export const svc = (over: Partial<Service> = {}): Service => ({
  family: 2,
  protocol: 6,
  address: '10.0.0.1',
  port: 80,
  fwmark: 0,
  scheduler: 'wlc',
  peName: '',
  flags: 0,
  timeout: 0,
  netmask: 0xffffffff,
  ...over,
});

export const dest = (over: Partial<Destination> = {}): Destination => ({
  family: 2,
  address: '10.0.0.11',
  port: 8080,
  fwdMethod: 0,
  weight: 1,
  upperThreshold: 0,
  lowerThreshold: 0,
  tunnelType: 0,
  tunnelPort: 0,
  tunnelFlags: 0,
  ...over,
});

/** The identity of svc(). */
export const key1 = { family: 2, protocol: 6, address: '10.0.0.1', port: 80 };
