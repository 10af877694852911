/**
 * `-L -n` rows written as bytes. The plain numeric listing is the one scripts
 * and daemons run most, and its table can be 100,000 servers: built as
 * strings, each server line is a Destination, a sort key and a dozen
 * intermediate strings, and collecting them was most of the listing's time
 * in the lab (bench/RESULTS.md). A row whose servers come from
 * /proc/net/ip_vs as numbers (ServerColumns) is sorted by index and printed
 * digit by digit into one buffer; any other row (dumped, or with an IPv6
 * server) is printed by the string renderer it is handed, into the same
 * buffer, so the order and the bytes are the same either way.
 */
import type { TableRow } from '../commands/table';
import { SERVER_FIELDS, type ServerColumns } from '../commands/servers-file';
import type { Service } from '../ipvs/types';
import type { ServiceWithDestinations } from '../netlink/api';
import { forwardName } from './fields';
import { glibcMergeSort, sortDestinations, wrappingDiff } from './sort';

export interface PlainRowText {
  /** A service line, without its newline. */
  service(service: Service): string;
  /** A whole row (servers in the order given), newline-terminated. */
  row(row: ServiceWithDestinations): string;
}

/** Bytes gathered before they are handed on. */
const CHUNK = 64 * 1024;
/** More than any one server line takes (an IPv4 one is at most 91 bytes). */
const LINE_ROOM = 128;
/** Column widths of a plain server line, as list.ts pads them. */
const NAME_WIDTH = 28;
const METHOD_WIDTH = 7;
const WEIGHT_WIDTH = 6;
const CONNS_WIDTH = 10;
const METHODS = [0, 1, 2, 3].map((m) => forwardName(m));

/** Writes each row of `rows` (in the order given) as `-L -n` prints it, servers sorted unless `nosort`. */
export async function writePlainNumericRows(
  rows: AsyncIterable<readonly TableRow[]>,
  nosort: boolean,
  text: PlainRowText,
  write: (text: string) => void,
  writeBytes?: (bytes: Uint8Array) => void,
): Promise<void> {
  const out = new AsciiLines(write, writeBytes);
  try {
    for await (const batch of rows) {
      for (let r = 0; r < batch.length; r++) writeRow(out, batch[r], nosort, text);
    }
  } finally {
    // What was read before a failed dump is printed, as 1.31 prints every row before the one it cannot read.
    out.flush();
  }
}

function writeRow(out: AsciiLines, row: TableRow, nosort: boolean, text: PlainRowText): void {
  const servers = row.servers;
  if (servers === undefined || !servers.allIPv4) {
    out.text(text.row({ service: row.service, destinations: nosort ? row.destinations : sortDestinations(row.destinations) }));
    return;
  }
  out.text(text.service(row.service));
  out.byte(0x0a);
  const order = nosort ? undefined : sortedServers(servers);
  for (let k = 0; k < servers.count; k++) serverLine(out, servers, order === undefined ? k : order[k]);
}

/** ipvsadm's order of IPv4 servers: address (compared as 1.31 does, wrapping), then port. */
function sortedServers(servers: ServerColumns): number[] | undefined {
  if (servers.count < 2) return undefined;
  const indexes = Array.from({ length: servers.count }, (_, i) => i);
  return glibcMergeSort(indexes, (a, b) => wrappingDiff(servers.ipv4(a), servers.ipv4(b)) || servers.port(a) - servers.port(b));
}

/** Each octet's decimal digits: OCTETS[4n] is how many, the digits follow. */
const OCTETS = new Uint8Array(256 * 4);
for (let n = 0; n < 256; n++) {
  const digits = String(n);
  OCTETS[4 * n] = digits.length;
  for (let k = 0; k < digits.length; k++) OCTETS[4 * n + 1 + k] = digits.charCodeAt(k);
}
const METHOD_BYTES = METHODS.map((name) => Uint8Array.from(name, (c) => c.charCodeAt(0)));
/** One server's numbers (SERVER_FIELDS), reused line after line. */
const fields = new Uint32Array(SERVER_FIELDS.length);

/**
 * One server line, written straight into the buffer: a listing prints
 * 100,000 of them, most before the JIT has compiled this, and there every
 * call costs, so the fields are read in one and the address from a table.
 */
function serverLine(out: AsciiLines, servers: ServerColumns, i: number): void {
  out.room(LINE_ROOM);
  servers.read(i, fields);
  const b = out.buffer;
  let p = out.at;
  b[p++] = 0x20;
  b[p++] = 0x20;
  b[p++] = 0x2d;
  b[p++] = 0x3e;
  b[p++] = 0x20;
  let from = p;
  const ip = fields[SERVER_FIELDS.ipv4];
  for (let shift = 24; shift >= 0; shift -= 8) {
    const o = 4 * ((ip >>> shift) & 255);
    const length = OCTETS[o];
    for (let k = 1; k <= length; k++) b[p++] = OCTETS[o + k];
    b[p++] = shift === 0 ? 0x3a : 0x2e;
  }
  p = decimal(b, p, fields[SERVER_FIELDS.port]);
  for (const stop = from + NAME_WIDTH; p < stop; ) b[p++] = 0x20;
  b[p++] = 0x20;
  from = p;
  const method = METHOD_BYTES[fields[SERVER_FIELDS.method]];
  for (let k = 0; k < method.length; k++) b[p++] = method[k];
  for (const stop = from + METHOD_WIDTH; p < stop; ) b[p++] = 0x20;
  b[p++] = 0x20;
  from = p;
  const weight = fields[SERVER_FIELDS.weight] | 0;
  if (weight < 0) b[p++] = 0x2d;
  p = decimal(b, p, Math.abs(weight));
  for (const stop = from + WEIGHT_WIDTH; p < stop; ) b[p++] = 0x20;
  b[p++] = 0x20;
  from = p;
  p = decimal(b, p, fields[SERVER_FIELDS.active]);
  for (const stop = from + CONNS_WIDTH; p < stop; ) b[p++] = 0x20;
  b[p++] = 0x20;
  from = p;
  p = decimal(b, p, fields[SERVER_FIELDS.inactive]);
  for (const stop = from + CONNS_WIDTH; p < stop; ) b[p++] = 0x20;
  b[p++] = 0x0a;
  out.at = p;
}

/** A non-negative integer in decimal at b[p]; where it ends. */
function decimal(b: Buffer, p: number, n: number): number {
  if (n < 10) {
    b[p] = 0x30 + n;
    return p + 1;
  }
  const end = p + decimalLength(n);
  for (let q = end - 1; q >= p; q--) {
    b[q] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return end;
}

/**
 * ASCII written byte by byte into one buffer, handed on whenever it is
 * nearly full: as bytes where the output takes them, else as text.
 */
class AsciiLines {
  readonly buffer = Buffer.allocUnsafe(CHUNK + LINE_ROOM);
  at = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly writeBytes?: (bytes: Uint8Array) => void,
  ) {}

  /** Makes room for `bytes` more. */
  room(bytes: number): void {
    if (this.at + bytes > this.buffer.length) this.flush();
  }

  byte(c: number): void {
    this.buffer[this.at++] = c;
  }

  /** Text the caller knows is ASCII and short (room made). */
  ascii(s: string): void {
    for (let i = 0; i < s.length; i++) this.buffer[this.at++] = s.charCodeAt(i);
  }

  /** Any text: copied when it is ASCII and fits, else handed on as it is after what is held. */
  text(s: string): void {
    if (s.length > CHUNK || !isAscii(s)) {
      this.flush();
      this.write(s);
      return;
    }
    this.room(s.length);
    this.ascii(s);
  }

  flush(): void {
    if (this.at === 0) return;
    const length = this.at;
    this.at = 0;
    if (this.writeBytes) this.writeBytes(this.buffer.subarray(0, length));
    else this.write(this.buffer.toString('latin1', 0, length));
  }
}

function decimalLength(n: number): number {
  let length = 1;
  for (let bound = 10; n >= bound && length < 16; bound *= 10) length++;
  return length;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}
