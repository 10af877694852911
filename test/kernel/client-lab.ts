/**
 * Shared set-up of the netlink client's kernel tests. They run only inside
 * the kernel lab (IPVS_LAB=uml|netns), where a real IPVS exists, and fail
 * loudly anywhere else rather than skip or touch the host's table.
 */
import { IpvsClient, openIpvs } from '../../src/netlink/client';
import type { Destination, Service } from '../../src/ipvs/types';
import { dest, svc } from '../support/builders';
import { applyOne } from '../../src/netlink/api';

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
  await applyOne(client, { kind: 'flush' });
  return client;
}

export const TCP = 6;
export const UDP = 17;
export const SCTP = 132;

/** A TCP service on 10.1.0.1:80, apart from the destinations' 10.0.0.x addresses. */
export function service(over: Partial<Service>): Service {
  return svc({ address: '10.1.0.1', ...over });
}

export const destination = (over: Partial<Destination>): Destination => dest(over);

/** What the kernel sends back for a service we created: the same, hashed, with 64-bit stats. */
export function asReturned(s: Service): Service {
  const { unknown: _u, ...rest } = s;
  return { ...rest, flags: s.flags | 0x2, stats: expect.any(Object), statsWidth: 64 };
}

export function destAsReturned(d: Destination): Destination {
  const { unknown: _u, ...rest } = d;
  return { ...rest, activeConns: 0, inactiveConns: 0, persistentConns: 0, stats: expect.any(Object), statsWidth: 64 };
}
