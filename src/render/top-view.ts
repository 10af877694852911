/**
 * `ipvsadm top`'s view: the rows of a live view of the table, one per service and
 * one per real server under it, with connection counts and the kernel's
 * rates, sorted by a chosen column; and what changed since the previous
 * refresh (new rows, changed values, rows gone). Pure: the program reads the
 * table and draws.
 */
import type { Destination, Service, Stats } from '../ipvs/types';
import { forwardingMethodOf, protocolByValue } from '../ipvs/vocabulary';
import type { ServiceWithDestinations } from '../netlink/api';
import type { TopSort } from '../cli/extensions';
import { numericNamer } from './addrport';
import { orderTable } from './sort';


/** The columns whose values are compared between refreshes. */
export const TOP_VALUES = ['weight', 'active', 'inactive', 'cps', 'inpps', 'outpps', 'inbps', 'outbps'] as const;
export type TopValue = (typeof TOP_VALUES)[number];

export interface TopRow {
  /** Stable across refreshes: the service's identity, plus the server's for server rows. */
  key: string;
  server: boolean;
  /** The service's label (a service row's own). */
  service: string;
  /** `TCP 10.0.0.1:80` or `-> 10.1.0.1:8080`. */
  label: string;
  /** The scheduler of a service, the forwarding method of a server. */
  method: string;
  /** Servers only. */
  weight?: number;
  active: number;
  inactive: number;
  /** The kernel's rate estimates (per second). */
  cps: bigint;
  inpps: bigint;
  outpps: bigint;
  inbps: bigint;
  outbps: bigint;
  /** The kernel's total of connections, for sorting by `conns`. */
  conns: bigint;
}

export interface TopView {
  rows: TopRow[];
  services: number;
  servers: number;
  /** Rows that were not in the previous view. */
  added: Set<string>;
  /** Per row key, the values that differ from the previous view. */
  changed: Map<string, Set<TopValue>>;
  /** Labels of the rows of the previous view that are gone. */
  removed: string[];
}

function serviceLabel(s: Service): string {
  if (s.fwmark !== 0) return `FWM ${s.fwmark >>> 0}${s.family === 10 ? ' IPv6' : ''}`;
  const protocol = protocolByValue(s.protocol)?.label ?? '?';
  return `${protocol} ${numericNamer.addrPort(s.family, s.address, s.port, s.protocol)}`;
}

const ZERO = 0n;

function rates(stats: Stats | undefined) {
  return {
    cps: stats?.cps ?? ZERO, inpps: stats?.inpps ?? ZERO, outpps: stats?.outpps ?? ZERO,
    inbps: stats?.inbps ?? ZERO, outbps: stats?.outbps ?? ZERO, conns: stats?.conns ?? ZERO,
  };
}

function serverRow(serviceKey: string, service: Service, d: Destination): TopRow {
  return {
    key: `${serviceKey} ${d.address}|${d.port}`,
    server: true,
    service: serviceKey,
    label: `-> ${numericNamer.addrPort(d.family, d.address, d.port, service.protocol)}`,
    method: forwardingMethodOf(d.fwdMethod)?.listName ?? '?',
    weight: d.weight | 0,
    active: (d.activeConns ?? 0) >>> 0,
    inactive: (d.inactiveConns ?? 0) >>> 0,
    ...rates(d.stats),
  };
}

function sortValue(row: TopRow, sort: Exclude<TopSort, 'name'>): bigint {
  const v = row[sort];
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** Busiest first; ties (and `name`) keep the listing's order. */
function sorted<T>(items: readonly T[], rowOf: (item: T) => TopRow, sort: TopSort): T[] {
  if (sort === 'name') return [...items];
  return items
    .map((item, i) => ({ item, i, v: sortValue(rowOf(item), sort) }))
    .sort((a, b) => (a.v === b.v ? a.i - b.i : a.v > b.v ? -1 : 1))
    .map((x) => x.item);
}

/** The rows of a table, sorted, with what changed since `previous` (none on the first view). */
export function topView(table: readonly ServiceWithDestinations[], sort: TopSort, previous?: TopView): TopView {
  const groups = orderTable(table, false).map((entry) => {
    const key = serviceLabel(entry.service);
    const servers = entry.destinations.map((d) => serverRow(key, entry.service, d));
    const row: TopRow = {
      key,
      server: false,
      service: key,
      label: key,
      method: entry.service.scheduler,
      active: servers.reduce((n, s) => n + s.active, 0),
      inactive: servers.reduce((n, s) => n + s.inactive, 0),
      ...rates(entry.service.stats),
    };
    return { row, servers: sorted(servers, (s) => s, sort) };
  });
  const rows = sorted(groups, (g) => g.row, sort).flatMap((g) => [g.row, ...g.servers]);

  const added = new Set<string>();
  const changed = new Map<string, Set<TopValue>>();
  const removed: string[] = [];
  if (previous) {
    const before = new Map(previous.rows.map((r) => [r.key, r]));
    for (const row of rows) {
      const was = before.get(row.key);
      if (!was) {
        added.add(row.key);
        continue;
      }
      const diff = new Set(TOP_VALUES.filter((v) => row[v] !== was[v]));
      if (diff.size > 0) changed.set(row.key, diff);
    }
    const now = new Set(rows.map((r) => r.key));
    for (const r of previous.rows) if (!now.has(r.key)) removed.push(r.server ? `${r.label.slice(3)} of ${r.service}` : r.label);
  }
  return {
    rows,
    services: groups.length,
    servers: groups.reduce((n, g) => n + g.servers.length, 0),
    added,
    changed,
    removed,
  };
}
