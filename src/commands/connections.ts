/**
 * `ipvsadm -L -c`: the connection table comes from the text of
 * /proc/net/ip_vs_conn (not from netlink), as in ipvsadm 1.31, and is parsed
 * here the way 1.31 parses it.
 *
 * 1.31 reads the file with fgets into a 256-byte buffer and parses each piece
 * with sscanf. Both are modelled: a line longer than 255 characters is split
 * and its remainder parsed as a line of its own, and a piece with no fields at
 * all (a blank line, or the lone newline of a 255-character line) ends the
 * listing with exit status 1, output so far kept. Where a piece has fewer
 * fields than the format, 1.31 prints whatever its locals still hold; we use
 * the previous line's values, which is what a reused stack frame holds in
 * practice, but that part is undefined behaviour in 1.31 and only best effort.
 */
import type { Invocation } from '../cli/parse';
import { formatIPv6, numberToIPv4, parseIPv6 } from '../netlink/inet';
import { AF_INET, AF_INET6 } from '../ipvs/types';
import type { CommandContext } from './context';
import type { CommandResult } from './results';

export const CONN_PROC_FILE = '/proc/net/ip_vs_conn';
/** ipvsadm's fgets buffer; pieces are at most one byte shorter. */
export const CONN_LINE_BUFFER = 256;

/** What -L -c found: the file unreadable, empty, or its entries (`stopped` when a piece ended the listing). */
export type ConnectionTable =
  | { state: 'unreadable' }
  | { state: 'empty' }
  | { state: 'read'; entries: ConnectionEntry[]; stopped: boolean };

/** One parsed piece of the file, with ipvsadm's variables after its sscanf. */
export interface ConnectionEntry {
  /** sscanf's result: number of fields converted (11 when PE name and data are present). */
  fields: number;
  protocol: string;
  clientFamily: number;
  client: string;
  clientPort: number;
  virtual: string;
  virtualPort: number;
  destinationFamily: number;
  destination: string;
  destinationPort: number;
  state: string;
  expires: number;
  peName: string;
  peData: string;
}

/** The pieces fgets(buf, size) returns, in order. */
export function fgetsPieces(text: string, size = CONN_LINE_BUFFER): string[] {
  const pieces: string[] = [];
  let i = 0;
  while (i < text.length) {
    const nl = text.indexOf('\n', i);
    const lineEnd = nl === -1 ? text.length : nl + 1;
    const end = Math.min(lineEnd, i + size - 1);
    pieces.push(text.slice(i, end));
    i = end;
  }
  return pieces;
}

const C_SPACE = /[ \t\n\v\f\r]/;
const U64_MAX = (1n << 64n) - 1n;
const S64_MAX = (1n << 63n) - 1n;
const S64_MIN = -(1n << 63n);

/** strtoul(text, NULL, 16) on a 64-bit system. */
export function strtoulHex(text: string): bigint {
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]*)/.exec(text);
  if (!m || m[2] === '') return 0n;
  const v = BigInt('0x' + m[2]);
  if (v > U64_MAX) return U64_MAX;
  return m[1] === '-' ? BigInt.asUintN(64, -v) : v;
}

/** A cursor over one piece, converting like glibc's sscanf. */
class Scanner {
  private pos = 0;
  constructor(private readonly text: string) {}

  private skipSpace(): boolean {
    while (this.pos < this.text.length && C_SPACE.test(this.text[this.pos])) this.pos++;
    return this.pos < this.text.length;
  }

  /** %s */
  string(): string | undefined {
    if (!this.skipSpace()) return undefined;
    const start = this.pos;
    while (this.pos < this.text.length && !C_SPACE.test(this.text[this.pos])) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** %hX: unsigned short. */
  hexShort(): number | undefined {
    if (!this.skipSpace()) return undefined;
    const m = /^([+-]?)(0[xX])?([0-9a-fA-F]*)/.exec(this.text.slice(this.pos));
    if (!m || (m[3] === '' && m[2] === undefined)) return undefined;
    this.pos += m[0].length;
    let v = m[3] === '' ? 0n : BigInt('0x' + m[3]);
    if (v > U64_MAX) v = U64_MAX;
    else if (m[1] === '-') v = BigInt.asUintN(64, -v);
    return Number(v & 0xffffn);
  }

  /** %d: int. */
  decimalInt(): number | undefined {
    if (!this.skipSpace()) return undefined;
    const m = /^([+-]?)([0-9]+)/.exec(this.text.slice(this.pos));
    if (!m) return undefined;
    this.pos += m[0].length;
    let v = BigInt(m[2]);
    if (m[1] === '-') v = -v;
    if (v > S64_MAX) v = S64_MAX;
    if (v < S64_MIN) v = S64_MIN;
    return Number(BigInt.asIntN(32, v));
  }
}

interface RawFields {
  protocol: string;
  temp1: string;
  cport: number;
  temp2: string;
  vport: number;
  temp3: string;
  dport: number;
  state: string;
  expires: number;
  peName: string;
  peData: string;
}

const EMPTY_FIELDS: RawFields = {
  protocol: '',
  temp1: '',
  cport: 0,
  temp2: '',
  vport: 0,
  temp3: '',
  dport: 0,
  state: '',
  expires: 0,
  peName: '',
  peData: '',
};

type Conversion = 's' | 'hX' | 'd';

/** ipvsadm's format `"%s %s %hX %s %hX %s %hX %s %d %s %s"`, as (variable, conversion). */
const CONN_FORMAT: readonly [keyof RawFields, Conversion][] = [
  ['protocol', 's'],
  ['temp1', 's'],
  ['cport', 'hX'],
  ['temp2', 's'],
  ['vport', 'hX'],
  ['temp3', 's'],
  ['dport', 'hX'],
  ['state', 's'],
  ['expires', 'd'],
  ['peName', 's'],
  ['peData', 's'],
];

/** sscanf of one piece; variables not converted keep their `prev` values. */
function scanFields(piece: string, prev: RawFields): { n: number; fields: RawFields } {
  const scanner = new Scanner(piece);
  const fields: Record<string, string | number> = { ...prev };
  let n = 0;
  for (const [key, conversion] of CONN_FORMAT) {
    const value =
      conversion === 's' ? scanner.string() : conversion === 'hX' ? scanner.hexShort() : scanner.decimalInt();
    if (value === undefined) break;
    fields[key] = value;
    n++;
  }
  // sscanf returns EOF when the input ends before the first conversion.
  return { n: n === 0 ? -1 : n, fields: fields as unknown as RawFields };
}

function ipv4FromHex(text: string): string {
  return numberToIPv4(Number(strtoulHex(text) & 0xffffffffn));
}

function ipv6OrZero(text: string): string {
  const bytes = parseIPv6(text);
  return bytes ? formatIPv6(bytes) : '::';
}

function toEntry(n: number, f: RawFields): ConnectionEntry {
  const clientV6 = parseIPv6(f.temp1);
  const destV6 = parseIPv6(f.temp3);
  const clientFamily = clientV6 ? AF_INET6 : AF_INET;
  return {
    fields: n,
    protocol: f.protocol,
    clientFamily,
    client: clientV6 ? formatIPv6(clientV6) : ipv4FromHex(f.temp1),
    clientPort: f.cport,
    virtual: clientV6 ? ipv6OrZero(f.temp2) : ipv4FromHex(f.temp2),
    virtualPort: f.vport,
    destinationFamily: destV6 ? AF_INET6 : AF_INET,
    destination: destV6 ? formatIPv6(destV6) : ipv4FromHex(f.temp3),
    destinationPort: f.dport,
    state: f.state,
    expires: f.expires,
    peName: f.peName,
    peData: f.peData,
  };
}

/**
 * Parses the file text as ipvsadm does (first piece skipped). `stopped` is true
 * when a piece had no fields, where ipvsadm exits with status 1.
 */
export function parseConnections(procText: string): { entries: ConnectionEntry[]; stopped: boolean } {
  const pieces = fgetsPieces(procText);
  const entries: ConnectionEntry[] = [];
  let prev = EMPTY_FIELDS;
  for (let i = 1; i < pieces.length; i++) {
    const { n, fields } = scanFields(pieces[i], prev);
    if (n === -1) return { entries, stopped: true };
    entries.push(toEntry(n, fields));
    prev = fields;
  }
  return { entries, stopped: false };
}

/** The table for the file's text; undefined when it could not be read. */
export function connectionTableOf(text: string | undefined): ConnectionTable {
  if (text === undefined) return { state: 'unreadable' };
  if (text === '') return { state: 'empty' };
  return { state: 'read', ...parseConnections(text) };
}

/** Whether 1.31 ends this listing with a failure status (after printing what it could). */
export function connectionsFailed(table: ConnectionTable): boolean {
  return table.state !== 'read' || table.stopped;
}

export async function listConnections(inv: Invocation, ctx: CommandContext): Promise<CommandResult> {
  let text: string | undefined;
  try {
    text = await ctx.readConnections();
  } catch {
    text = undefined;
  }
  return {
    kind: 'connections',
    connections: connectionTableOf(text),
    numeric: inv.numeric,
    persistentConn: inv.present.has('persistent-conn'),
    resolver: ctx.resolver,
  };
}
