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
import type { ServerColumns } from '../commands/servers-file';
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
  rows: AsyncIterable<TableRow>,
  nosort: boolean,
  text: PlainRowText,
  write: (text: string) => void,
  writeBytes?: (bytes: Uint8Array) => void,
): Promise<void> {
  const out = new AsciiLines(write, writeBytes);
  try {
    for await (const row of rows) {
      const servers = row.servers;
      if (servers === undefined || !servers.allIPv4) {
        out.text(text.row({ service: row.service, destinations: nosort ? row.destinations : sortDestinations(row.destinations) }));
        continue;
      }
      out.text(text.service(row.service));
      out.byte(0x0a);
      const order = nosort ? undefined : sortedServers(servers);
      for (let k = 0; k < servers.count; k++) serverLine(out, servers, order === undefined ? k : order[k]);
    }
  } finally {
    // What was read before a failed dump is printed, as 1.31 prints every row before the one it cannot read.
    out.flush();
  }
}

/** ipvsadm's order of IPv4 servers: address (compared as 1.31 does, wrapping), then port. */
function sortedServers(servers: ServerColumns): number[] | undefined {
  if (servers.count < 2) return undefined;
  const indexes = Array.from({ length: servers.count }, (_, i) => i);
  return glibcMergeSort(indexes, (a, b) => wrappingDiff(servers.ipv4(a), servers.ipv4(b)) || servers.port(a) - servers.port(b));
}

function serverLine(out: AsciiLines, servers: ServerColumns, i: number): void {
  out.room(LINE_ROOM);
  out.ascii('  -> ');
  let from = out.at;
  const ip = servers.ipv4(i);
  out.digits(ip >>> 24);
  out.byte(0x2e);
  out.digits((ip >>> 16) & 255);
  out.byte(0x2e);
  out.digits((ip >>> 8) & 255);
  out.byte(0x2e);
  out.digits(ip & 255);
  out.byte(0x3a);
  out.digits(servers.port(i));
  out.padFrom(from, NAME_WIDTH);
  out.byte(0x20);
  from = out.at;
  out.ascii(METHODS[servers.method(i)]);
  out.padFrom(from, METHOD_WIDTH);
  out.byte(0x20);
  from = out.at;
  const weight = servers.weight(i);
  if (weight < 0) out.byte(0x2d);
  out.digits(Math.abs(weight));
  out.padFrom(from, WEIGHT_WIDTH);
  out.byte(0x20);
  from = out.at;
  out.digits(servers.active(i));
  out.padFrom(from, CONNS_WIDTH);
  out.byte(0x20);
  from = out.at;
  out.digits(servers.inactive(i));
  out.padFrom(from, CONNS_WIDTH);
  out.byte(0x0a);
}

/**
 * ASCII written byte by byte into one buffer, handed on whenever it is
 * nearly full: as bytes where the output takes them, else as text.
 */
class AsciiLines {
  private readonly buffer = Buffer.allocUnsafe(CHUNK + LINE_ROOM);
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

  /** A non-negative integer in decimal. */
  digits(n: number): void {
    if (n < 10) {
      this.buffer[this.at++] = 0x30 + n;
      return;
    }
    const end = this.at + decimalLength(n);
    for (let p = end - 1; p >= this.at; p--) {
      this.buffer[p] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.at = end;
  }

  /** Spaces up to `width` bytes after `from` (%-*s); a loop, as Buffer#fill costs more than a few bytes do. */
  padFrom(from: number, width: number): void {
    const end = from + width;
    while (this.at < end) this.buffer[this.at++] = 0x20;
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
