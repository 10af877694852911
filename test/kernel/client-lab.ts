/**
 * Shared set-up of the netlink client's kernel tests. They run only inside
 * the kernel lab (IPVS_LAB=uml|netns), where a real IPVS exists, and fail
 * loudly anywhere else rather than skip or touch the host's table.
 */
import { IpvsClient, openIpvs } from '../../src/netlink/client';
import type { Destination, Service } from '../../src/netlink/types';

export function requireLab(): void {
  const lab = process.env.IPVS_LAB;
  if (lab !== 'uml' && lab !== 'netns') {
    throw new Error(`kernel tests must run inside the kernel lab (IPVS_LAB=uml|netns, got ${JSON.stringify(lab)})`);
  }
}

/** A client on the real kernel, with IPVS proven reachable and the table empty. */
export async function openLabClient(options: Parameters<typeof openIpvs>[0] = {}): Promise<IpvsClient> {
  requireLab();
  const client = openIpvs(options);
  await client.info(); // throws FamilyNotFoundError / KernelError when IPVS is missing
  await client.flush();
  return client;
}

export const TCP = 6;
export const UDP = 17;
export const SCTP = 132;

export function service(over: Partial<Service>): Service {
  return {
    family: 2,
    protocol: TCP,
    address: '10.1.0.1',
    port: 80,
    fwmark: 0,
    scheduler: 'wlc',
    peName: '',
    flags: 0,
    timeout: 0,
    netmask: 0xffffffff,
    ...over,
  };
}

export function destination(over: Partial<Destination>): Destination {
  return {
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
  };
}

/** What the kernel sends back for a service we created: the same, hashed, with 64-bit stats. */
export function asReturned(s: Service): Service {
  const { unknown: _u, ...rest } = s;
  return { ...rest, flags: s.flags | 0x2, stats: expect.any(Object), statsWidth: 64 };
}

export function destAsReturned(d: Destination): Destination {
  const { unknown: _u, ...rest } = d;
  return { ...rest, activeConns: 0, inactiveConns: 0, persistentConns: 0, stats: expect.any(Object), statsWidth: 64 };
}
