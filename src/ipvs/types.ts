/**
 * Domain types for IPVS objects. These are what callers see; they are not wire
 * types. The codec (ipvs-codec.ts) is the only place that knows how they map to
 * netlink attributes, including every wire quirk.
 *
 * Addresses are text in the C library's inet_ntop form ("10.0.0.1",
 * "2001:db8::1", "::ffff:10.0.0.9"), always paired with an explicit family.
 */

export const AF_INET = 2;
export const AF_INET6 = 10;

export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

/** An attribute the codec did not recognise (from a newer kernel), kept verbatim. */
export interface RawAttribute {
  type: number;
  /** The NLA_F_NESTED / NLA_F_NET_BYTEORDER bits as received. */
  flags: number;
  data: Uint8Array;
}

/** Identity of a virtual service: a fwmark, or protocol + address + port. */
export type ServiceKey =
  | { family: number; fwmark: number }
  | { family: number; protocol: number; address: string; port: number };

/** Counters and rates, all unsigned 64-bit. */
export interface Stats {
  conns: bigint;
  inpkts: bigint;
  outpkts: bigint;
  inbytes: bigint;
  outbytes: bigint;
  cps: bigint;
  inpps: bigint;
  outpps: bigint;
  inbps: bigint;
  outbps: bigint;
}

export interface Service {
  family: number;
  /** 0 for fwmark services. */
  protocol: number;
  /** "" for fwmark services. */
  address: string;
  port: number;
  /** 0 for address services. */
  fwmark: number;
  scheduler: string;
  /** Persistence engine name, "" when none. */
  peName: string;
  /** Raw IP_VS_SVC_F_* bits (persistent, hashed, one-packet, sched flags 1-3). */
  flags: number;
  /** Persistence timeout in seconds. */
  timeout: number;
  /**
   * Persistence granularity. IPv4: the mask as a 32-bit number in the usual
   * reading order (255.255.255.0 is 0xffffff00). IPv6: the prefix length.
   */
  netmask: number;
  /** Present in replies: 64-bit stats when the kernel sent them, else 32-bit. */
  stats?: Stats;
  /** Which stats block the numbers came from. */
  statsWidth?: 32 | 64;
  unknown?: RawAttribute[];
}

export interface Destination {
  /** Address family of the destination (falls back to the service's on old kernels). */
  family: number;
  address: string;
  port: number;
  /** Raw forwarding method: 0 masq, 1 local, 2 tunnel, 3 route; other values survive. */
  fwdMethod: number;
  /** Signed 32-bit as the kernel treats it. */
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  /** 0 ipip, 1 gue, 2 gre. */
  tunnelType: number;
  tunnelPort: number;
  /** 0 nocsum, 1 csum, 2 remcsum. */
  tunnelFlags: number;
  /** Replies only. */
  activeConns?: number;
  inactiveConns?: number;
  persistentConns?: number;
  stats?: Stats;
  statsWidth?: 32 | 64;
  unknown?: RawAttribute[];
}

export const IP_VS_STATE_MASTER = 1;
export const IP_VS_STATE_BACKUP = 2;

export interface Daemon {
  /** 1 master, 2 backup. */
  state: number;
  mcastIfn: string;
  syncId: number;
  /** Optional on requests (kernel default) and on old kernels' replies. */
  syncMaxlen?: number;
  /** IPv4 or IPv6 multicast group, text form. */
  mcastGroup?: string;
  mcastPort?: number;
  mcastTtl?: number;
  unknown?: RawAttribute[];
}

export interface Timeouts {
  tcp?: number;
  tcpFin?: number;
  udp?: number;
}

export interface Info {
  /** 0x00MMmmpp */
  version: number;
  connTabSize: number;
}

export function isFwmarkKey(key: ServiceKey): key is { family: number; fwmark: number } {
  return 'fwmark' in key && !('protocol' in key);
}

/** The identity part of a service, for requests that need only that. */
export function serviceKey(svc: Service): ServiceKey {
  return svc.fwmark !== 0
    ? { family: svc.family, fwmark: svc.fwmark }
    : { family: svc.family, protocol: svc.protocol, address: svc.address, port: svc.port };
}
