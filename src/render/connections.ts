/**
 * `ipvsadm -L -c`: the connection entries parsed from /proc/net/ip_vs_conn
 * (src/commands/connections.ts), in ipvsadm 1.31's columns.
 */
import type { NameResolver } from '../cli/names';
import { CONN_PROC_FILE, type ConnectionTable } from '../commands/connections';
import { protocolByLabel } from '../ipvs/vocabulary';
import { createNamer, Endpoint } from './addrport';

/** stderr text (exit 1) when the file cannot be opened. */
export const CONN_OPEN_ERROR = `cannot open file ${CONN_PROC_FILE}`;
/** stderr text (exit 1) when the file is empty. */
export const CONN_UNEXPECTED_INPUT = `unexpected input from ${CONN_PROC_FILE}`;

export interface ConnectionOptions {
  /** -n */
  numeric: boolean;
  /** --persistent-conn: PE name and data columns. */
  persistentConn: boolean;
  resolver: NameResolver;
}

/** Port names come from the first field; anything but TCP/UDP/SCTP (e.g. IP templates) gets none. */
export function connectionProtocolNumber(protocol: string): number {
  return protocolByLabel(protocol)?.value ?? 0;
}

/** `MM:SS` with %02d parts and no hour wrap (C int division). */
export function formatExpiry(seconds: number): string {
  const two = (v: number) => (v < 0 ? '-' + String(-v) : String(v).padStart(2, '0'));
  return `${two(Math.trunc(seconds / 60))}:${two(seconds % 60)}`;
}

export function renderConnectionHeader(persistentConn: boolean): string {
  const head = `IPVS connection entries\npro expire ${'state'.padEnd(11)} ${'source'.padEnd(18)} ${'virtual'.padEnd(18)} `;
  return persistentConn ? head + `${'destination'.padEnd(18)} ${'pe name'.padEnd(16)} pe_data\n` : head + 'destination\n';
}

/** The `-L -c` text and, where 1.31 fails, its message. Reverse lookups for all lines run up front, deduplicated. */
export async function renderConnections(
  table: ConnectionTable,
  opts: ConnectionOptions,
): Promise<{ stdout: string; error?: string }> {
  if (table.state === 'unreadable') return { stdout: '', error: CONN_OPEN_ERROR };
  if (table.state === 'empty') return { stdout: '', error: CONN_UNEXPECTED_INPUT };
  const endpoints: Endpoint[] = [];
  for (const e of table.entries) {
    endpoints.push([e.clientFamily, e.client], [e.clientFamily, e.virtual], [e.destinationFamily, e.destination]);
  }
  const namer = await createNamer(opts.numeric, opts.resolver, endpoints);
  const lines: string[] = [renderConnectionHeader(opts.persistentConn)];
  for (const e of table.entries) {
    const proto = connectionProtocolNumber(e.protocol);
    const client = namer.addrPort(e.clientFamily, e.client, e.clientPort, proto);
    const virtual = namer.addrPort(e.clientFamily, e.virtual, e.virtualPort, proto);
    const destination = namer.addrPort(e.destinationFamily, e.destination, e.destinationPort, proto);
    const head = `${e.protocol.padEnd(3)} ${formatExpiry(e.expires).padEnd(6)} ${e.state.padEnd(11)} ${client.padEnd(18)} ${virtual.padEnd(18)} `;
    // Data columns are 16/18 wide while the header's are 18/16: 1.31 prints them so.
    lines.push(
      opts.persistentConn && e.fields === 11
        ? head + `${destination.padEnd(16)} ${e.peName.padEnd(18)} ${e.peData}\n`
        : head + destination + '\n',
    );
  }
  return { stdout: lines.join('') };
}
