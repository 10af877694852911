/**
 * Domain objects for tests, in two shapes built on the same defaults:
 *
 * - what a command sends: svc() is a TCP service 10.0.0.1:80 (wlc, no
 *   persistence) and dest() a masquerading destination 10.0.0.11:8080, each
 *   with what a test changes;
 * - what a listing returns (the renderers' input): listedSvc() and
 *   listedDest() take a short address spec and add what the kernel reports
 *   besides, the hashed flag, zero counters and 64-bit statistics.
 */
import type { ServiceWithDestinations } from '../../src/netlink/api';
import type { Destination, Service, Stats } from '../../src/ipvs/types';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from '../../src/ipvs/types';

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

/** IP_VS_SVC_F_HASHED: set on every service the kernel lists. */
export const HASHED = 0x0002;

export function stats(values: Partial<Record<keyof Stats, number | bigint>> = {}): Stats {
  const v = (k: keyof Stats) => BigInt(values[k] ?? 0);
  return {
    conns: v('conns'),
    inpkts: v('inpkts'),
    outpkts: v('outpkts'),
    inbytes: v('inbytes'),
    outbytes: v('outbytes'),
    cps: v('cps'),
    inpps: v('inpps'),
    outpps: v('outpps'),
    inbps: v('inbps'),
    outbps: v('outbps'),
  };
}

/** "10.0.0.9:80" or "[2001:db8::9]:80". */
export function endpoint(text: string): { family: number; address: string; port: number } {
  const v6 = /^\[(.*)\]:(\d+)$/.exec(text);
  if (v6) return { family: AF_INET6, address: v6[1], port: Number(v6[2]) };
  const [address, port] = text.split(':');
  return { family: AF_INET, address, port: Number(port) };
}

const PROTOCOLS: Record<string, number> = { tcp: IPPROTO_TCP, udp: IPPROTO_UDP, sctp: IPPROTO_SCTP };

/** The identity fields of a spec: "tcp 10.0.0.1:80", "udp [2001:db8::1]:53", "sctp ...", "proto1 10.9.0.1:7", "fwm 5" or "fwm6 5". */
function serviceIdentity(spec: string): Partial<Service> {
  const [kind, where] = spec.split(' ');
  if (kind === 'fwm' || kind === 'fwm6') {
    const v6 = kind === 'fwm6';
    return { family: v6 ? AF_INET6 : AF_INET, protocol: 0, address: '', port: 0, fwmark: Number(where) >>> 0, netmask: v6 ? 128 : 0xffffffff };
  }
  const ep = endpoint(where);
  return {
    family: ep.family,
    protocol: PROTOCOLS[kind] ?? Number(kind.replace('proto', '')),
    address: ep.address,
    port: ep.port,
    fwmark: 0,
    netmask: ep.family === AF_INET6 ? 128 : 0xffffffff,
  };
}

/** A service as a listing returns it, from a spec (see serviceIdentity): hashed, zero statistics. */
export function listedSvc(spec: string, fields: Partial<Service> = {}): Service {
  return svc({ ...serviceIdentity(spec), flags: HASHED, stats: stats(), statsWidth: 64, ...fields });
}

/** Persistence as ipvsadm -p sets it. */
export function persistent(timeout: number, netmask?: number): Partial<Service> {
  return { flags: HASHED | 0x0001, timeout, ...(netmask === undefined ? {} : { netmask }) };
}

const FWD: Record<string, number> = { masq: 0, local: 1, tunnel: 2, route: 3 };

/** A destination as a listing returns it: "10.0.0.9:80", forwarding "masq" | "local" | "tunnel" | "route" | a number. */
export function listedDest(where: string, fwd: string | number = 'masq', fields: Partial<Destination> = {}): Destination {
  return dest({
    ...endpoint(where),
    fwdMethod: typeof fwd === 'number' ? fwd : FWD[fwd],
    activeConns: 0,
    inactiveConns: 0,
    persistentConns: 0,
    stats: stats(),
    statsWidth: 64,
    ...fields,
  });
}

export function row(service: Service, ...destinations: Destination[]): ServiceWithDestinations {
  return { service, destinations };
}
