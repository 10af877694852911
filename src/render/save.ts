/**
 * `ipvsadm -S`: the table as `-A` / `-a` lines for `ipvsadm -R`, sorted as in
 * `-L`, names resolved unless numeric.
 *
 * ipvsadm 1.31 dies with SIGSEGV when a destination has a forwarding method it
 * has no switch for (4-7) or a tunnel whose checksum flags are undefined (3),
 * and because stdout is buffered nothing is printed at all. We keep the "no
 * output" part but fail cleanly: renderSave throws a SaveError naming the first
 * such destination (in save order), and the command prints its message as one
 * line on stderr.
 */
import type { NameResolver } from '../cli/names';
import type { ServiceWithDestinations } from '../netlink/api';
import type { Destination, Service } from '../ipvs/types';
import { AF_INET6 } from '../ipvs/types';
import { IP_VS_CONN_F_FWD_MASK } from '../ipvs/kernel-values';
import {
  forwardingMethodOf,
  protocolByValue,
  tunnelChecksumByValue,
  tunnelTypeByValue,
  UNKNOWN_PROTOCOL_SAVE_SWITCH,
} from '../ipvs/vocabulary';
import { AddrPortNamer, createNamer } from './addrport';
import {
  hasSchedFlags,
  isOnePacket,
  isPersistent,
  isTunnel,
  persistenceMask,
  schedFlagsText,
  signedFwmark,
} from './fields';
import { listingEndpoints } from './list';
import { orderTable } from './sort';

export interface SaveOptions {
  /** -n */
  numeric: boolean;
  resolver: NameResolver;
}

export type SaveErrorReason =
  | { kind: 'forward-method'; fwdMethod: number }
  | { kind: 'tunnel-flags'; tunnelType: number; tunnelFlags: number };

/** A destination ipvsadm 1.31 cannot save (it crashes); nothing has been printed. */
export class SaveError extends Error {
  override readonly name = 'SaveError';
  constructor(
    /** The service option as it would be saved, e.g. `-t 10.9.0.1:80`. */
    readonly serviceId: string,
    /** The destination addrport as it would be saved. */
    readonly destinationName: string,
    readonly reason: SaveErrorReason,
  ) {
    super(
      `cannot save destination ${destinationName} of service ${serviceId}: ` +
        (reason.kind === 'forward-method'
          ? `unknown forwarding method ${reason.fwdMethod}`
          : `unknown tunnel checksum flags ${reason.tunnelFlags}`),
    );
  }
}

/** `-t <addrport>`, `-u ...`, `--sctp-service ...`, `--xxx-service ...` or `-f <mark>[ -6]`. */
export function savedServiceId(service: Service, namer: AddrPortNamer): string {
  if (service.fwmark !== 0) return `-f ${signedFwmark(service.fwmark)}${service.family === AF_INET6 ? ' -6' : ''}`;
  const addrport = namer.addrPort(service.family, service.address, service.port, service.protocol);
  return `${protocolByValue(service.protocol)?.saveSwitch ?? UNKNOWN_PROTOCOL_SAVE_SWITCH} ${addrport}`;
}

/** The `-A` line without its newline. */
export function savedServiceLine(service: Service, id: string): string {
  let line = `-A ${id} -s ${service.scheduler}`;
  if (isPersistent(service)) {
    line += ` -p ${service.timeout >>> 0}`;
    const mask = persistenceMask(service);
    if (mask !== undefined) line += ` -M ${mask}`;
  }
  if (service.peName !== '') line += ` --pe ${service.peName}`;
  if (isOnePacket(service)) line += ' -o';
  if (hasSchedFlags(service)) line += ` -b ${schedFlagsText(service.scheduler, service.flags)}`;
  return line;
}

/** The `-a` line without its newline; throws SaveError where ipvsadm 1.31 crashes. */
export function savedDestinationLine(service: Service, id: string, d: Destination, namer: AddrPortNamer): string {
  const name = namer.addrPort(d.family, d.address, d.port, service.protocol);
  const method = forwardingMethodOf(d.fwdMethod);
  if (method === undefined) {
    throw new SaveError(id, name, { kind: 'forward-method', fwdMethod: d.fwdMethod & IP_VS_CONN_F_FWD_MASK });
  }
  const line = `-a ${id} -r ${name} ${method.saveSwitch} -w ${d.weight | 0}`;
  return isTunnel(d) ? line + savedTunnelOptions(id, name, d) : line;
}

/** ` --tun-type ...` of a tunnel destination; unknown types get none, as ipvsadm saves them. */
function savedTunnelOptions(id: string, name: string, d: Destination): string {
  const type = tunnelTypeByValue(d.tunnelType);
  if (type === undefined) return '';
  let options = ` --tun-type ${type.name}`;
  if (type.hasPort) options += ` --tun-port ${d.tunnelPort}`;
  if (type.hasChecksum) {
    const checksum = tunnelChecksumByValue(d.tunnelFlags);
    if (checksum === undefined) {
      throw new SaveError(id, name, { kind: 'tunnel-flags', tunnelType: d.tunnelType, tunnelFlags: d.tunnelFlags });
    }
    options += ` --${checksum.option}`;
  }
  return options;
}

/** Save lines for an already ordered table (no sorting, no lookups). */
export function renderSaveRows(table: readonly ServiceWithDestinations[], namer: AddrPortNamer): string {
  const lines: string[] = [];
  for (const { service, destinations } of table) {
    const id = savedServiceId(service, namer);
    lines.push(savedServiceLine(service, id));
    for (const d of destinations) lines.push(savedDestinationLine(service, id, d, namer));
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** The whole `-S` text. Throws SaveError (before producing any text) for unsavable state. */
export async function renderSave(table: readonly ServiceWithDestinations[], opts: SaveOptions): Promise<string> {
  const ordered = orderTable(table, false);
  const namer = await createNamer(opts.numeric, opts.resolver, listingEndpoints(ordered));
  return renderSaveRows(ordered, namer);
}
