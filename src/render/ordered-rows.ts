/**
 * A table in ipvsadm's listing order, a chunk of rows at a time, so a listing
 * prints as it reads: the services are sorted once (or left in kernel order
 * with --nosort), each service's servers as its row arrives. Every chunk comes
 * with a namer that knows its addresses: reverse lookups go out in batches,
 * one per chunk, for the addresses no earlier chunk had.
 */
import type { NameResolver } from '../cli/names';
import type { Table } from '../commands/table';
import type { Service } from '../ipvs/types';
import type { ServiceWithDestinations } from '../netlink/api';
import { AddrPortNamer, listingEndpoints, numericNamer, ResolvedNamer } from './addrport';
import { sortDestinations, sortServices } from './sort';

export interface RowOrder {
  /** --nosort: kernel order. */
  nosort: boolean;
  /** -n */
  numeric: boolean;
  resolver: NameResolver;
}

/** Services and servers in a chunk before it is named and handed on. */
export const CHUNK_ENTRIES = 512;

export interface NamedRows {
  rows: ServiceWithDestinations[];
  namer: AddrPortNamer;
}

/** The rows of `services` (as read from `table`), in listing order, in chunks. */
export async function* orderedRows(table: Table, services: readonly Service[], order: RowOrder): AsyncGenerator<NamedRows> {
  const namer = order.numeric ? numericNamer : new ResolvedNamer(order.resolver, new Map());
  let rows: ServiceWithDestinations[] = [];
  let entries = 0;
  const named = async (): Promise<NamedRows> => {
    const chunk = rows;
    rows = [];
    entries = 0;
    if (namer instanceof ResolvedNamer) await namer.learn(listingEndpoints(chunk));
    return { rows: chunk, namer };
  };
  for await (const batch of table.rows(order.nosort ? services : sortServices(services))) {
    for (const row of batch) {
      rows.push(order.nosort ? row : { service: row.service, destinations: sortDestinations(row.destinations) });
      entries += 1 + row.destinations.length;
      if (entries >= CHUNK_ENTRIES) yield await named();
    }
  }
  if (rows.length > 0) yield await named();
}
