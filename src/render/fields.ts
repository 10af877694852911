/**
 * Small texts shared by the listing and the save renderers, with ipvsadm 1.31's
 * spellings, including the ones it prints for values only other tools create.
 */
import {
  IP_VS_CONN_F_FWD_MASK,
  IP_VS_CONN_F_TUNNEL,
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
} from '../ipvs/kernel-values';
import { numberToIPv4 } from '../netlink/inet';
import type { Destination, Service } from '../ipvs/types';
import { AF_INET, AF_INET6 } from '../ipvs/types';
import {
  forwardingMethodOf,
  protocolByValue,
  SCHED_FLAG_BITS,
  schedulerFlagsFor,
  tunnelChecksumByValue,
  tunnelTypeByValue,
  UNKNOWN_PROTOCOL_LABEL,
} from '../ipvs/vocabulary';

/** What glibc's printf writes for a NULL string, which 1.31 passes for names it lacks. */
const GLIBC_NULL = '(null)';

/** True when the service line gets a flag list (` (...)` / ` -b ...`), even an empty one. */
export function hasSchedFlags(service: Service): boolean {
  return (service.flags & SCHED_FLAG_BITS) !== 0;
}

/** Comma-joined flag names; sh and mh know only their two flags, so bit 0x20 is dropped for them. */
export function schedFlagsText(scheduler: string, flags: number): string {
  return schedulerFlagsFor(scheduler)
    .filter((flag) => (flags & flag.bit) !== 0)
    .map((flag) => flag.name)
    .join(',');
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
  return (protocolByValue(protocol)?.label ?? UNKNOWN_PROTOCOL_LABEL).padEnd(4);
}

/** The forwarding method's name; methods 4-7 have none. */
export function forwardName(fwdMethod: number): string {
  return forwardingMethodOf(fwdMethod)?.listName ?? GLIBC_NULL;
}

export function isTunnel(destination: Destination): boolean {
  return (destination.fwdMethod & IP_VS_CONN_F_FWD_MASK) === IP_VS_CONN_F_TUNNEL;
}

/**
 * The TunnelInfo column: only tunnel destinations of a known type have one,
 * `type[:port][:checksum]`.
 */
export function tunnelInfo(destination: Destination): string {
  const type = isTunnel(destination) ? tunnelTypeByValue(destination.tunnelType) : undefined;
  if (type === undefined) return 'n/a';
  const parts: string[] = [type.name];
  if (type.hasPort) parts.push(String(destination.tunnelPort));
  if (type.hasChecksum) parts.push(tunnelChecksumByValue(destination.tunnelFlags)?.short ?? GLIBC_NULL);
  return parts.join(':');
}
