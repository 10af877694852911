/**
 * `ipvsadm -L`: banner, column titles, one line per service and per
 * destination, in the layouts of ipvsadm 1.31 (trailing blanks included).
 */
import type { ListFormat } from '../cli/parse';
import type { ListView } from '../commands/results';
import { fixedTable, type Table } from '../commands/table';
import type { ServiceWithDestinations } from '../netlink/api';
import type { Destination, Info, Service, Stats } from '../ipvs/types';
import { AF_INET6 } from '../ipvs/types';
import { formatIpvsVersion } from '../ipvs/vocabulary';
import { numericNamer, type AddrPortNamer } from './addrport';
import {
  forwardName,
  hasSchedFlags,
  isOnePacket,
  isPersistent,
  persistenceMask,
  protocolLabel,
  schedFlagsText,
  signedFwmark,
  tunnelInfo,
} from './fields';
import { formatExactRate, formatLargeNumber } from './numbers';
import { orderedRows } from './ordered-rows';
import { writePlainNumericRows } from './plain-numeric';
import { sortServices } from './sort';

export type { ListFormat };

export interface ListOptions extends ListView {
  /** Full listings only; omitted for `-L -t/-u/-f ...`. */
  banner?: Info;
}

/** Non-IPv6 service identifiers are cut to this many characters. */
export const SERVICE_ID_MAX_LENGTH = 33;
/** Non-IPv6 destination names are cut to this many characters. */
export const DESTINATION_NAME_MAX_LENGTH = 28;

const ZERO_STATS: Stats = {
  conns: 0n,
  inpkts: 0n,
  outpkts: 0n,
  inbytes: 0n,
  outbytes: 0n,
  cps: 0n,
  inpps: 0n,
  outpps: 0n,
  inbps: 0n,
  outbps: 0n,
};

/** Runs of spaces for the column widths of a listing (all under 64). */
const SPACES = Array.from({ length: 64 }, (_, n) => ' '.repeat(n));
/**
 * %-*s. A listing pads five columns of every row: appending a run of spaces
 * made once costs about half what padEnd does (100,000 rows: 50 against
 * 110 ms on the host).
 */
const left = (text: string, width: number): string =>
  text.length >= width ? text : width - text.length < SPACES.length ? text + SPACES[width - text.length] : text.padEnd(width);
const right = (text: string, width: number): string => text.padStart(width);
/** %u of a C unsigned int. */
const u32 = (value: number | undefined): string => String((value ?? 0) >>> 0);
/** %d of a C int. */
const s32 = (value: number | undefined): string => String((value ?? 0) | 0);

/** `IP Virtual Server version a.b.c (size=N)`. */
export function renderBanner(info: Info): string {
  return `IP Virtual Server version ${formatIpvsVersion(info.version)} (size=${s32(info.connTabSize)})\n`;
}

/** The two column-title lines of a format, newline-terminated. */
export function renderTitles(format: ListFormat): string {
  const prot = left('Prot LocalAddress:Port', SERVICE_ID_MAX_LENGTH);
  const remote = '  -> RemoteAddress:Port';
  // The numeric formats: the service titles with their columns, then the remote title alone.
  const numbers = (names: string[]) => prot + names.map((n) => ' ' + right(n, 8)).join('') + '\n' + remote + '\n';
  const columns = (cols: [string, number][]) => prot + cols.map(([n, w]) => ' ' + left(n, w)).join('') + '\n' + remote + '\n';
  switch (format) {
    case 'plain':
      return 'Prot LocalAddress:Port Scheduler Flags\n' + `${left(remote, 33)} Forward Weight ActiveConn InActConn\n`;
    case 'tun-info':
      return (
        'Prot LocalAddress:Port Scheduler Flags\n' +
        `${left(remote, 33)} Forward TunnelInfo    Weight ActiveConn InActConn\n`
      );
    case 'stats':
      return numbers(['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes']);
    case 'rate':
      return numbers(['CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS']);
    case 'thresholds':
      return columns([['Uthreshold', 10], ['Lthreshold', 10], ['ActiveConn', 10], ['InActConn', 10]]);
    case 'persistent-conn':
      return columns([['Weight', 9], ['PersistConn', 11], ['ActiveConn', 10], ['InActConn', 10]]);
  }
}

/** `FWM  <mark>[ IPv6]` or `<PROT> <addrport>`, cut to 33 characters unless IPv6. */
export function serviceIdentifier(service: Service, namer: AddrPortNamer): string {
  if (service.fwmark !== 0) {
    return `FWM  ${signedFwmark(service.fwmark)}${service.family === AF_INET6 ? ' IPv6' : ''}`;
  }
  const id = `${protocolLabel(service.protocol)} ${namer.addrPort(service.family, service.address, service.port, service.protocol)}`;
  return service.family === AF_INET6 ? id : id.slice(0, SERVICE_ID_MAX_LENGTH);
}

/** Scheduler, flags, persistence, mask, PE and ops, as on plain-style service lines. */
export function serviceDetails(service: Service): string {
  let text = ' ' + service.scheduler;
  if (hasSchedFlags(service)) text += ` (${schedFlagsText(service.scheduler, service.flags)})`;
  if (isPersistent(service)) {
    text += ` persistent ${u32(service.timeout)}`;
    const mask = persistenceMask(service);
    if (mask !== undefined) text += ` mask ${mask}`;
    if (service.peName !== '') text += ` pe ${service.peName}`;
  }
  if (isOnePacket(service)) text += ' ops';
  return text;
}

/** The destination's addrport (with its service's protocol), cut to 28 unless IPv6. */
export function destinationName(service: Service, destination: Destination, namer: AddrPortNamer): string {
  const name = namer.addrPort(destination.family, destination.address, destination.port, service.protocol);
  return destination.family === AF_INET6 ? name : name.slice(0, DESTINATION_NAME_MAX_LENGTH);
}

function statsNumbers(stats: Stats, exact: boolean): string {
  return [stats.conns, stats.inpkts, stats.outpkts, stats.inbytes, stats.outbytes]
    .map((v) => formatLargeNumber(v, exact))
    .join('');
}

function rateNumbers(stats: Stats, exact: boolean): string {
  return [stats.cps, stats.inpps, stats.outpps, stats.inbps, stats.outbps].map((v) => formatLargeNumber(v, exact)).join('');
}

function serviceLine(service: Service, format: ListFormat, exact: boolean, namer: AddrPortNamer): string {
  const id = serviceIdentifier(service, namer);
  // Only these two formats read the counters (decoding them is not free).
  switch (format) {
    case 'stats':
      return left(id, SERVICE_ID_MAX_LENGTH) + statsNumbers(service.stats ?? ZERO_STATS, exact);
    case 'rate':
      return left(id, SERVICE_ID_MAX_LENGTH) + rateNumbers(service.stats ?? ZERO_STATS, exact);
    default:
      return id + serviceDetails(service);
  }
}

function destinationLine(
  service: Service,
  d: Destination,
  format: ListFormat,
  exact: boolean,
  namer: AddrPortNamer,
): string {
  const name = left(destinationName(service, d, namer), DESTINATION_NAME_MAX_LENGTH);
  let rest: string;
  switch (format) {
    case 'plain':
      rest = ` ${left(forwardName(d.fwdMethod), 7)} ${left(s32(d.weight), 6)} ${left(u32(d.activeConns), 10)} ${left(u32(d.inactiveConns), 10)}`;
      break;
    case 'tun-info':
      rest =
        ` ${left(forwardName(d.fwdMethod), 7)} ${left(tunnelInfo(d), 13)} ${left(s32(d.weight), 6)}` +
        ` ${left(u32(d.activeConns), 10)} ${left(u32(d.inactiveConns), 10)}`;
      break;
    case 'thresholds':
      rest = [d.upperThreshold, d.lowerThreshold, d.activeConns, d.inactiveConns].map((v) => ' ' + left(u32(v), 10)).join('');
      break;
    case 'persistent-conn':
      rest =
        ` ${left(u32(d.weight), 9)} ${left(u32(d.persistentConns), 11)}` +
        ` ${left(u32(d.activeConns), 10)} ${left(u32(d.inactiveConns), 10)}`;
      break;
    case 'stats':
      rest = statsNumbers(d.stats ?? ZERO_STATS, exact);
      break;
    case 'rate': {
      const stats = d.stats ?? ZERO_STATS;
      // ipvsadm prints these three with %8u, so they are never abbreviated.
      rest =
        formatExactRate(stats.cps) +
        formatExactRate(stats.inpps) +
        formatExactRate(stats.outpps) +
        formatLargeNumber(stats.inbps, exact) +
        formatLargeNumber(stats.outbps, exact);
      break;
    }
  }
  return '  -> ' + name + rest;
}

/** Service and destination lines only (no banner, no titles), newline-terminated. */
export function renderRows(
  table: readonly ServiceWithDestinations[],
  format: ListFormat,
  exact: boolean,
  namer: AddrPortNamer,
): string {
  const lines: string[] = [];
  for (const { service, destinations } of table) {
    lines.push(serviceLine(service, format, exact, namer));
    for (const d of destinations) lines.push(destinationLine(service, d, format, exact, namer));
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/**
 * Writes the `-L` text of a full table: titles once the services are in,
 * then each chunk of rows as soon as it is read. Throws the table's
 * QueryError; what was written before it stays written, as in 1.31.
 * `writeBytes`, where given, takes the plain numeric rows as bytes, good
 * during the call only; `write` takes everything else.
 */
export async function writeListing(
  table: Table,
  view: ListView,
  write: (text: string) => void,
  writeBytes?: (bytes: Uint8Array) => void,
): Promise<void> {
  const services = await table.services();
  write(renderTitles(view.format));
  if (view.format === 'plain' && view.numeric) {
    const text = {
      service: (service: Service) => serviceLine(service, 'plain', view.exact, numericNamer),
      row: (row: ServiceWithDestinations) => renderRows([row], 'plain', view.exact, numericNamer),
    };
    await writePlainNumericRows(table.rows(view.nosort ? services : sortServices(services)), view.nosort, text, write, writeBytes);
    return;
  }
  for await (const { rows, namer } of orderedRows(table, services, view)) write(renderRows(rows, view.format, view.exact, namer));
}

/** The whole `-L` text of rows already read: banner (if given), titles, then the sorted (or kernel-order) table. */
export async function renderListing(table: readonly ServiceWithDestinations[], opts: ListOptions): Promise<string> {
  let text = opts.banner ? renderBanner(opts.banner) : '';
  await writeListing(fixedTable(table), opts, (t) => {
    text += t;
  });
  return text;
}
