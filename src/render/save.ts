/**
 * `ipvsadm -S`: the table as `-A` / `-a` lines for `ipvsadm -R`, sorted as in
 * `-L`, names resolved unless numeric.
 *
 * ipvsadm 1.31 dies with SIGSEGV when a destination has a forwarding method it
 * has no switch for (4-7) or a tunnel whose checksum flags are undefined (3):
 * stdout is buffered, so what it prints is the blocks it had filled before
 * (nothing, for a table of a few kB). We print the same but fail cleanly: the
 * save throws a SaveError naming the first such destination (in save order),
 * and the command drops what stdout holds unwritten and prints the message as
 * one line on stderr.
 */
import type { NameResolver } from '../cli/names';
import { fixedTable, type Table } from '../commands/table';
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
import type { AddrPortNamer } from './addrport';
import {
  hasSchedFlags,
  isOnePacket,
  isPersistent,
  isTunnel,
  persistenceMask,
  schedFlagsText,
  signedFwmark,
} from './fields';
import { orderedRows } from './ordered-rows';

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

/**
 * Save lines for rows already ordered (no sorting, no lookups), handed to
 * `write` as one piece. A destination that cannot be saved throws SaveError
 * after the lines before it have been handed on, as 1.31 had printed them
 * into its buffer when it crashed.
 */
export function writeSaveRows(rows: readonly ServiceWithDestinations[], namer: AddrPortNamer, write: (text: string) => void): void {
  const lines: string[] = [];
  try {
    for (const { service, destinations } of rows) {
      const id = savedServiceId(service, namer);
      lines.push(savedServiceLine(service, id));
      for (const d of destinations) lines.push(savedDestinationLine(service, id, d, namer));
    }
  } finally {
    if (lines.length > 0) write(lines.join('\n') + '\n');
  }
}

/**
 * Writes the `-S` text of a full table, each chunk of rows as soon as it is
 * read. Throws the table's QueryError, or SaveError for unsavable state.
 */
export async function writeSave(table: Table, opts: SaveOptions, write: (text: string) => void): Promise<void> {
  const services = await table.services();
  for await (const { rows, namer } of orderedRows(table, services, { ...opts, nosort: false })) writeSaveRows(rows, namer, write);
}

/** The whole `-S` text of rows already read. Throws SaveError (and gives no text) for unsavable state. */
export async function renderSave(table: readonly ServiceWithDestinations[], opts: SaveOptions): Promise<string> {
  let text = '';
  await writeSave(fixedTable(table), opts, (t) => {
    text += t;
  });
  return text;
}
