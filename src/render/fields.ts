/**
 * Small texts shared by the listing and the save renderers, with ipvsadm 1.31's
 * spellings, including the ones it prints for values only other tools create.
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
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
  IP_VS_SVC_F_SCHED1,
  IP_VS_SVC_F_SCHED2,
  IP_VS_SVC_F_SCHED3,
  IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
  IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM,
  IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
} from '../netlink/constants';
import { numberToIPv4 } from '../netlink/inet';
import type { Destination, Service } from '../ipvs/types';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from '../ipvs/types';

export const SCHED_FLAG_BITS = IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3;

/** True when the service line gets a flag list (` (...)` / ` -b ...`), even an empty one. */
export function hasSchedFlags(service: Service): boolean {
  return (service.flags & SCHED_FLAG_BITS) !== 0;
}

/** Comma-joined flag names; sh and mh know only their two flags, so bit 0x20 is dropped for them. */
export function schedFlagsText(scheduler: string, flags: number): string {
  let names: readonly (string | undefined)[];
  if (scheduler === 'sh') names = ['sh-fallback', 'sh-port', undefined];
  else if (scheduler === 'mh') names = ['mh-fallback', 'mh-port', undefined];
  else names = ['flag-1', 'flag-2', 'flag-3'];
  const bits = [IP_VS_SVC_F_SCHED1, IP_VS_SVC_F_SCHED2, IP_VS_SVC_F_SCHED3];
  const out: string[] = [];
  bits.forEach((bit, i) => {
    const name = names[i];
    if ((flags & bit) !== 0 && name !== undefined) out.push(name);
  });
  return out.join(',');
}

export function isPersistent(service: Service): boolean {
  return (service.flags & IP_VS_SVC_F_PERSISTENT) !== 0;
}

export function isOnePacket(service: Service): boolean {
  return (service.flags & IP_VS_SVC_F_ONEPACKET) !== 0;
}

/** The persistence mask text when it is not the full mask, else undefined. */
export function persistenceMask(service: Service): string | undefined {
  if (service.family === AF_INET) {
    const mask = service.netmask >>> 0;
    return mask === 0xffffffff ? undefined : numberToIPv4(mask);
  }
  if (service.family === AF_INET6) return service.netmask === 128 ? undefined : String(service.netmask);
  return undefined;
}

/** Fwmarks are unsigned in the kernel but printed with %d. */
export function signedFwmark(fwmark: number): string {
  return String(fwmark | 0);
}

/** The 4-column protocol label of a service line (`?   ` for anything unknown). */
export function protocolLabel(protocol: number): string {
  switch (protocol) {
    case IPPROTO_TCP:
      return 'TCP ';
    case IPPROTO_UDP:
      return 'UDP ';
    case IPPROTO_SCTP:
      return 'SCTP';
    default:
      return '?   ';
  }
}

/** The forwarding method's name; methods 4-7 have none and print as glibc prints NULL. */
export function forwardName(fwdMethod: number): string {
  switch (fwdMethod & IP_VS_CONN_F_FWD_MASK) {
    case IP_VS_CONN_F_MASQ:
      return 'Masq';
    case IP_VS_CONN_F_LOCALNODE:
      return 'Local';
    case IP_VS_CONN_F_TUNNEL:
      return 'Tunnel';
    case IP_VS_CONN_F_DROUTE:
      return 'Route';
    default:
      return '(null)';
  }
}

export function isTunnel(destination: Destination): boolean {
  return (destination.fwdMethod & IP_VS_CONN_F_FWD_MASK) === IP_VS_CONN_F_TUNNEL;
}

/** Short checksum text of --tun-info, or undefined for an undefined flag value. */
export function tunnelCsumShort(flags: number): string | undefined {
  switch (flags) {
    case IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM:
      return '-c';
    case IP_VS_TUNNEL_ENCAP_FLAG_CSUM:
      return '+c';
    case IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM:
      return 'r+c';
    default:
      return undefined;
  }
}

/** The checksum option of a saved tunnel destination, or undefined for an undefined flag value. */
export function tunnelCsumOption(flags: number): string | undefined {
  switch (flags) {
    case IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM:
      return '--tun-nocsum';
    case IP_VS_TUNNEL_ENCAP_FLAG_CSUM:
      return '--tun-csum';
    case IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM:
      return '--tun-remcsum';
    default:
      return undefined;
  }
}

/** The TunnelInfo column: only tunnel destinations of a known type have one. */
export function tunnelInfo(destination: Destination): string {
  if (!isTunnel(destination)) return 'n/a';
  switch (destination.tunnelType) {
    case IP_VS_CONN_F_TUNNEL_TYPE_IPIP:
      return 'ipip';
    case IP_VS_CONN_F_TUNNEL_TYPE_GUE:
      return `gue:${destination.tunnelPort}:${tunnelCsumShort(destination.tunnelFlags) ?? '(null)'}`;
    case IP_VS_CONN_F_TUNNEL_TYPE_GRE:
      return `gre:${tunnelCsumShort(destination.tunnelFlags) ?? '(null)'}`;
    default:
      return 'n/a';
  }
}
