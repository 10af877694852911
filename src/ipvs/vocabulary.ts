/**
 * ipvsadm's words for IPVS values, one table per concept. Each entry is one
 * value with every spelling ipvsadm 1.31 uses for it: in listings, in -S
 * output, on the command line, in the services database and in
 * /proc/net/ip_vs_conn. Renderers and the parser look their words up here
 * instead of keeping a switch each, so the spellings cannot drift apart
 * (test/ipvs/vocabulary.test.ts checks that every word leads back to its value).
 */
import {
  IP_VS_CONN_F_DROUTE,
  IP_VS_CONN_F_FWD_MASK,
  IP_VS_CONN_F_LOCALNODE,
  IP_VS_CONN_F_MASQ,
  IP_VS_CONN_F_TUNNEL,
  IP_VS_CONN_F_TUNNEL_TYPE_GRE,
  IP_VS_CONN_F_TUNNEL_TYPE_GUE,
  IP_VS_CONN_F_TUNNEL_TYPE_IPIP,
  IP_VS_SVC_F_SCHED1,
  IP_VS_SVC_F_SCHED2,
  IP_VS_SVC_F_SCHED3,
  IP_VS_SVC_F_SCHED_MH_FALLBACK,
  IP_VS_SVC_F_SCHED_MH_PORT,
  IP_VS_SVC_F_SCHED_SH_FALLBACK,
  IP_VS_SVC_F_SCHED_SH_PORT,
  IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
  IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM,
  IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
} from './kernel-values';
import { IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from './types';

// Protocols of address services.

export interface Protocol {
  readonly value: number;
  /** The services database's name, for port names both ways (getservbyname, getservbyport). */
  readonly serviceName: 'tcp' | 'udp' | 'sctp';
  /** The listing's label; also the first field of a /proc/net/ip_vs_conn line. */
  readonly label: 'TCP' | 'UDP' | 'SCTP';
  /** The long option that names a service of this protocol. */
  readonly option: 'tcp-service' | 'udp-service' | 'sctp-service';
  /** How -S writes that option: its short form where it has one. */
  readonly saveSwitch: '-t' | '-u' | '--sctp-service';
}

export const PROTOCOLS: readonly Protocol[] = [
  { value: IPPROTO_TCP, serviceName: 'tcp', label: 'TCP', option: 'tcp-service', saveSwitch: '-t' },
  { value: IPPROTO_UDP, serviceName: 'udp', label: 'UDP', option: 'udp-service', saveSwitch: '-u' },
  { value: IPPROTO_SCTP, serviceName: 'sctp', label: 'SCTP', option: 'sctp-service', saveSwitch: '--sctp-service' },
];

/** The listing's label for any other protocol (other tools can create such services). */
export const UNKNOWN_PROTOCOL_LABEL = '?';
/** What -S writes for any other protocol; no ipvsadm accepts it back. */
export const UNKNOWN_PROTOCOL_SAVE_SWITCH = '--xxx-service';

export function protocolByValue(value: number): Protocol | undefined {
  return PROTOCOLS.find((p) => p.value === value);
}

/** By listing label, as /proc/net/ip_vs_conn spells it ("IP" templates have none). */
export function protocolByLabel(label: string): Protocol | undefined {
  return PROTOCOLS.find((p) => p.label === label);
}

// Forwarding methods of destinations.

export interface ForwardingMethod {
  readonly value: number;
  /** The listing's Forward column. */
  readonly listName: 'Masq' | 'Local' | 'Tunnel' | 'Route';
  /** The long option that selects it; Local has none (only the kernel chooses it). */
  readonly option?: 'masquerading' | 'gatewaying' | 'ipip';
  /** The switch -S writes: Local is saved as -g, as 1.31 does, and comes back as Route. */
  readonly saveSwitch: '-m' | '-g' | '-i';
}

export const FORWARDING_METHODS: readonly ForwardingMethod[] = [
  { value: IP_VS_CONN_F_MASQ, listName: 'Masq', option: 'masquerading', saveSwitch: '-m' },
  { value: IP_VS_CONN_F_LOCALNODE, listName: 'Local', saveSwitch: '-g' },
  { value: IP_VS_CONN_F_TUNNEL, listName: 'Tunnel', option: 'ipip', saveSwitch: '-i' },
  { value: IP_VS_CONN_F_DROUTE, listName: 'Route', option: 'gatewaying', saveSwitch: '-g' },
];

/** The method of a destination's fwdMethod (only its low three bits count, as in the kernel); 4-7 have none. */
export function forwardingMethodOf(fwdMethod: number): ForwardingMethod | undefined {
  const value = fwdMethod & IP_VS_CONN_F_FWD_MASK;
  return FORWARDING_METHODS.find((m) => m.value === value);
}

// Tunnel types and checksum flags of tunnel destinations.

export interface TunnelType {
  readonly value: number;
  /** The --tun-type word, and the start of the --tun-info column. */
  readonly name: 'ipip' | 'gue' | 'gre';
  /** Carries a UDP port (--tun-port; listed after the name). */
  readonly hasPort: boolean;
  /** Carries checksum flags (--tun-nocsum and the like; listed last). */
  readonly hasChecksum: boolean;
}

export type TunnelTypeName = TunnelType['name'];

export const TUNNEL_TYPES: readonly TunnelType[] = [
  { value: IP_VS_CONN_F_TUNNEL_TYPE_IPIP, name: 'ipip', hasPort: false, hasChecksum: false },
  { value: IP_VS_CONN_F_TUNNEL_TYPE_GUE, name: 'gue', hasPort: true, hasChecksum: true },
  { value: IP_VS_CONN_F_TUNNEL_TYPE_GRE, name: 'gre', hasPort: false, hasChecksum: true },
];

export function tunnelTypeByValue(value: number): TunnelType | undefined {
  return TUNNEL_TYPES.find((t) => t.value === value);
}

export function tunnelTypeByName(name: string): TunnelType | undefined {
  return TUNNEL_TYPES.find((t) => t.name === name);
}

export interface TunnelChecksum {
  readonly value: number;
  /** The long option that sets it; -S writes it the same way. */
  readonly option: 'tun-nocsum' | 'tun-csum' | 'tun-remcsum';
  /** The --tun-info column's form. */
  readonly short: '-c' | '+c' | 'r+c';
}

export const TUNNEL_CHECKSUMS: readonly TunnelChecksum[] = [
  { value: IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM, option: 'tun-nocsum', short: '-c' },
  { value: IP_VS_TUNNEL_ENCAP_FLAG_CSUM, option: 'tun-csum', short: '+c' },
  { value: IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM, option: 'tun-remcsum', short: 'r+c' },
];

/** By the whole flags value: combinations (3) have no name. */
export function tunnelChecksumByValue(flags: number): TunnelChecksum | undefined {
  return TUNNEL_CHECKSUMS.find((c) => c.value === flags);
}

// Scheduler flags of services.

export interface SchedulerFlag {
  /** The -b word, and the listing's and -S's. */
  readonly name: string;
  readonly bit: number;
  /** The scheduler whose flag this is; undefined for the generic flag-N, which any scheduler takes. */
  readonly scheduler?: 'sh' | 'mh';
}

/** Ordered by bit within each scheduler, the order listings name them in. */
export const SCHEDULER_FLAGS: readonly SchedulerFlag[] = [
  { name: 'flag-1', bit: IP_VS_SVC_F_SCHED1 },
  { name: 'flag-2', bit: IP_VS_SVC_F_SCHED2 },
  { name: 'flag-3', bit: IP_VS_SVC_F_SCHED3 },
  { name: 'sh-fallback', bit: IP_VS_SVC_F_SCHED_SH_FALLBACK, scheduler: 'sh' },
  { name: 'sh-port', bit: IP_VS_SVC_F_SCHED_SH_PORT, scheduler: 'sh' },
  { name: 'mh-fallback', bit: IP_VS_SVC_F_SCHED_MH_FALLBACK, scheduler: 'mh' },
  { name: 'mh-port', bit: IP_VS_SVC_F_SCHED_MH_PORT, scheduler: 'mh' },
];

/** Every bit a scheduler flag can set. */
export const SCHED_FLAG_BITS = IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3;

export function schedulerFlagByName(name: string): SchedulerFlag | undefined {
  return SCHEDULER_FLAGS.find((f) => f.name === name);
}

/**
 * The flags a listing names for a scheduler: sh's and mh's own two (so bit
 * 0x20 has no name for them), the generic three for any other scheduler.
 */
export function schedulerFlagsFor(scheduler: string): readonly SchedulerFlag[] {
  return FLAGS_BY_SCHEDULER.get(scheduler) ?? GENERIC_SCHEDULER_FLAGS;
}

const GENERIC_SCHEDULER_FLAGS = SCHEDULER_FLAGS.filter((f) => f.scheduler === undefined);
const FLAGS_BY_SCHEDULER: ReadonlyMap<string, readonly SchedulerFlag[]> = new Map(
  (['sh', 'mh'] as const).map((s) => [s, SCHEDULER_FLAGS.filter((f) => f.scheduler === s)]),
);

// IPVS versions.

/** "M.m.p" of a version code 0x00MMmmpp, as the kernel reports it and ipvsadm prints it. */
export function formatIpvsVersion(code: number): string {
  return `${(code >>> 16) & 0xff}.${(code >>> 8) & 0xff}.${code & 0xff}`;
}
