/**
 * The screen of `ipvsadm top`: a title line, a status line, and the table
 * (cli-table3, loaded only here), cut to the terminal's height. With colours,
 * new rows are green, values that changed since the last refresh yellow, and
 * rows gone are named in red on the status line; without, the same screen
 * plain (one snapshot when standard output is not a terminal).
 */
import type { TopSort } from '../cli/extensions';
import type { TopRow, TopValue, TopView } from './top-view';
import { formatLargeNumber } from './numbers';

export interface TopColours {
  added(text: string): string;
  changed(text: string): string;
  removed(text: string): string;
  heading(text: string): string;
}

const PLAIN: TopColours = { added: (t) => t, changed: (t) => t, removed: (t) => t, heading: (t) => t };

export interface TopScreen {
  /** IPVS's version, for the title. */
  version?: string;
  sort: TopSort;
  intervalSeconds: number;
  /** Wall-clock time of the view, HH:MM:SS. */
  time: string;
  /** A problem reading the table (the view shown is the last one read). */
  problem?: string;
  width: number;
  height: number;
}

const COLUMNS: { title: string; value?: TopValue; sort?: TopSort }[] = [
  { title: 'Service / real server', sort: 'name' },
  { title: 'Sched/Fwd' },
  { title: 'Weight', value: 'weight' },
  { title: 'ActConn', value: 'active', sort: 'active' },
  { title: 'InActConn', value: 'inactive', sort: 'inactive' },
  { title: 'CPS', value: 'cps', sort: 'cps' },
  { title: 'InPPS', value: 'inpps', sort: 'inpps' },
  { title: 'OutPPS', value: 'outpps', sort: 'outpps' },
  { title: 'InBPS', value: 'inbps', sort: 'inbps' },
  { title: 'OutBPS', value: 'outbps', sort: 'outbps' },
];

/** Rates as the listings abbreviate them (K, M, G, T). */
const rate = (v: bigint) => formatLargeNumber(v, false).trim();

function cells(row: TopRow): string[] {
  return [
    row.server ? `  ${row.label}` : row.label,
    row.method,
    row.weight === undefined ? '' : String(row.weight),
    String(row.active),
    String(row.inactive),
    rate(row.cps),
    rate(row.inpps),
    rate(row.outpps),
    rate(row.inbps),
    rate(row.outbps),
  ];
}

/** Lines the table adds around its rows: top border, heading, heading rule, bottom border. */
const TABLE_CHROME = 4;
/** The title and the status line. */
const HEADER_LINES = 2;

export function renderTop(view: TopView, screen: TopScreen, colours: TopColours = PLAIN): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const Table = require('cli-table3') as typeof import('cli-table3');
  const title =
    `ipvsadm top: ${view.services} services, ${view.servers} real servers` +
    `${screen.version ? `, IPVS ${screen.version}` : ''}; every ${screen.intervalSeconds} s, by ${screen.sort}; ${screen.time}`;
  const status = screen.problem !== undefined
    ? colours.removed(screen.problem)
    : view.removed.length > 0
      ? colours.removed(`gone: ${view.removed.join(', ')}`)
      : '';
  const room = Math.max(1, screen.height - HEADER_LINES - TABLE_CHROME - 1);
  const shown = view.rows.slice(0, view.rows.length > room ? room - 1 : room);
  const table = new Table({
    head: COLUMNS.map((c) => colours.heading(c.sort === screen.sort ? `${c.title}*` : c.title)),
    colAligns: COLUMNS.map((_, i) => (i < 2 ? 'left' : 'right')),
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
  });
  for (const row of shown) {
    const diff = view.changed.get(row.key);
    const isNew = view.added.has(row.key);
    table.push(
      cells(row).map((text, i) => {
        const value = COLUMNS[i].value;
        if (isNew) return colours.added(text);
        return value !== undefined && diff?.has(value) ? colours.changed(text) : text;
      }),
    );
  }
  const lines = [title.slice(0, screen.width), status, table.toString()];
  if (shown.length < view.rows.length) lines.push(`... ${view.rows.length - shown.length} more rows (a taller terminal shows them)`);
  return `${lines.join('\n')}\n`;
}
