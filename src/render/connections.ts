/**
 * `ipvsadm -L -c`: the connection table, rendered from the text of
 * /proc/net/ip_vs_conn (not from netlink), as ipvsadm 1.31 does.
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
import type { NameResolver } from '../cli/names';
import { formatIPv6, numberToIPv4, parseIPv6 } from '../netlink/inet';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from '../ipvs/types';
import { createNamer, Endpoint } from './addrport';

export const CONN_PROC_FILE = '/proc/net/ip_vs_conn';
/** stderr text (exit 1) when the file cannot be opened. */
export const CONN_OPEN_ERROR = `cannot open file ${CONN_PROC_FILE}`;
/** stderr text (exit 1) when the file is empty. */
export const CONN_UNEXPECTED_INPUT = `unexpected input from ${CONN_PROC_FILE}`;
/** ipvsadm's fgets buffer; pieces are at most one byte shorter. */
export const CONN_LINE_BUFFER = 256;

export interface ConnectionOptions {
  /** -n */
  numeric: boolean;
  /** --persistent-conn: PE name and data columns. */
  persistentConn: boolean;
  resolver: NameResolver;
}

export interface ConnectionListing {
  stdout: string;
  /** One-line message for stderr (no newline), when there is one. */
  error?: string;
  exitCode: 0 | 1;
}

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

/** Port names come from the first field; anything but TCP/UDP/SCTP (e.g. IP templates) gets none. */
export function connectionProtocolNumber(protocol: string): number {
  switch (protocol) {
    case 'TCP':
      return IPPROTO_TCP;
    case 'UDP':
      return IPPROTO_UDP;
    case 'SCTP':
      return IPPROTO_SCTP;
    default:
      return 0;
  }
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

/**
 * The whole `-L -c` result. `procText` undefined means the file could not be
 * opened. Reverse lookups for all lines run up front, deduplicated.
 */
export async function renderConnections(procText: string | undefined, opts: ConnectionOptions): Promise<ConnectionListing> {
  if (procText === undefined) return { stdout: '', error: CONN_OPEN_ERROR, exitCode: 1 };
  if (procText === '') return { stdout: '', error: CONN_UNEXPECTED_INPUT, exitCode: 1 };
  const { entries, stopped } = parseConnections(procText);
  const endpoints: Endpoint[] = [];
  for (const e of entries) {
    endpoints.push([e.clientFamily, e.client], [e.clientFamily, e.virtual], [e.destinationFamily, e.destination]);
  }
  const namer = await createNamer(opts.numeric, opts.resolver, endpoints);
  const lines: string[] = [renderConnectionHeader(opts.persistentConn)];
  for (const e of entries) {
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
  return { stdout: lines.join(''), exitCode: stopped ? 1 : 0 };
}
