/**
 * /proc/net/ip_vs: every service with every real server, in one read, where
 * netlink takes a dump per service (issue 10). It carries what a plain `-L`
 * prints of a server (address, port, forwarding method, weight, active and
 * inactive connections), which is also what `-S` saves but for tunnel
 * settings, and nothing else: no thresholds, no persistent connections, no
 * tunnel settings, no counters; and it names forwarding methods 4-7 (which
 * neither ipvsadm nor keepalived can set) Masq, where ipvsadm 1.31 prints
 * (null) (ipvsadm.8, DIFFERENCES).
 *
 * The kernel writes it service by service, each service and its servers in
 * one go under RCU, so each service's servers are a consistent picture; but
 * a read() that does not take the whole file resumes by position, so a
 * service added or removed meanwhile can shift the rest: one service missed
 * or seen twice. In a network namespace whose neighbours have services too,
 * each read() skips some even in a still table (table.ts, placesInFile). The
 * table therefore takes from the file only the services of the netlink dump
 * that it names once, and dumps the rest.
 *
 * Lines, as Linux 3.x-6.x print them (ip_vs_info_seq_show):
 *
 *   IP Virtual Server version 1.2.1 (size=4096)
 *   Prot LocalAddress:Port Scheduler Flags
 *     -> RemoteAddress:Port Forward Weight ActiveConn InActConn
 *   TCP  0A010001:0050 wlc [ops ][persistent 300 FFFFFFFF]
 *     -> 0A400001:1F90      Masq    1      0          0
 *   UDP  [2001:0db8:0000:0000:0000:0000:0000:0001]:0035 rr
 *     -> [2001:0db8:0000:0000:0000:0000:0000:0002]:0035      Route   1      0          0
 *   FWM  00000007 wlc [ops ][persistent ...]
 *
 * A file of 160,000 servers is 10 MB. It is read as bytes, chunk by chunk,
 * and each server kept as five numbers in a typed array (20 bytes);
 * a server becomes a Destination only when its service's row is printed, so
 * what a listing holds is the services and these columns, and the rows it
 * has not printed yet.
 */
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, type Destination } from '../ipvs/types';
import { formatIPv6 } from '../netlink/inet';

/** A service as the file names it (fwmark services carry no address family there), and where its servers lie. */
export interface FileService {
  protocol: number;
  family: number;
  address: string;
  port: number;
  fwmark: number;
  /** Its servers are `from` up to `to` of the file's. */
  from: number;
  to: number;
}

/** The services of the file in its order, which is the kernel's, that of the netlink dump. */
export interface ServersFile {
  readonly services: readonly FileService[];
  /** One service's servers in kernel order, made when asked. */
  servers(service: FileService): Destination[];
  /** Whether any of the service's servers forwards by the method (IP_VS_CONN_F_*), as the file names it. */
  hasMethod(service: FileService, method: number): boolean;
  /** One service's servers read in place, by index in kernel order: no objects made. */
  columns(service: FileService): ServerColumns;
}

/** A service's servers as numbers (the plain numeric listing prints them so, 100,000 rows without an object each). */
export interface ServerColumns {
  readonly count: number;
  /** Whether every one is IPv4 (an IPv6 address is only text, in `destinations`). */
  readonly allIPv4: boolean;
  /** Host order (the sort's keys, with port). */
  ipv4(i: number): number;
  port(i: number): number;
  /** All of server i in one call, into `into` as SERVER_FIELDS lays them out. */
  read(i: number, into: Uint32Array): void;
}

/**
 * Where read() puts each number of a server: method is IP_VS_CONN_F_* as
 * the file names it (0-3); weight is its 32 bits, to be read back with `| 0`.
 */
export const SERVER_FIELDS = { ipv4: 0, port: 1, method: 2, weight: 3, active: 4, inactive: 5, length: 6 } as const;

/** Whether the file's service is `s`: the same identity (a fwmark service's family aside). */
export function sameService(s: { family: number; protocol: number; address: string; port: number; fwmark: number }, f: FileService): boolean {
  if (s.fwmark !== 0 || f.fwmark !== 0) return s.fwmark >>> 0 === f.fwmark;
  return s.protocol === f.protocol && s.port === f.port && s.family === f.family && s.address === f.address;
}

/**
 * Every service's servers, from the file's bytes in chunks of any size (a
 * chunk need only stay as it is until the next is taken); undefined when a
 * line is not what this reader knows or the file ends inside a line (then
 * the file is not to be trusted, and the caller dumps).
 */
export function readServersFile(chunks: Iterable<Uint8Array>): ServersFile | undefined {
  const reader = new Reader();
  for (const chunk of chunks) if (!reader.feed(chunk)) return undefined;
  return reader.end();
}

const NEWLINE = 0x0a;
const SPACE = 0x20;
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const TITLES = ['IP Virtual Server version ', 'Prot LocalAddress:Port ', '  -> RemoteAddress:Port '].map(ascii);
const ARROW = ascii('  -> ');
const PROTOCOLS: [Uint8Array, number][] = [[ascii('TCP  '), IPPROTO_TCP], [ascii('UDP  '), IPPROTO_UDP], [ascii('SCTP  '), IPPROTO_SCTP]];
const FWM = ascii('FWM  ');
const METHODS = ['Masq', 'Local', 'Tunnel', 'Route'].map(ascii);
/** Longer than any line the kernel writes (an IPv6 server line is about 90 bytes). */
const MAX_LINE = 4096;

/** The file read so far: lines parsed as they complete, a cut line carried to the next chunk. */
class Reader {
  private readonly servers = new Columns();
  private readonly services: FileService[] = [];
  private readonly cursor = new Cursor();
  private lineNumber = 0;
  private carry: Uint8Array | undefined;

  feed(chunk: Uint8Array): boolean {
    let from = 0;
    if (this.carry !== undefined) {
      const end = chunk.indexOf(NEWLINE);
      const joined = new Uint8Array(this.carry.length + (end < 0 ? chunk.length : end));
      joined.set(this.carry);
      joined.set(chunk.subarray(0, end < 0 ? chunk.length : end), this.carry.length);
      if (end < 0) {
        this.carry = joined;
        return joined.length <= MAX_LINE;
      }
      this.carry = undefined;
      if (!this.line(joined, 0, joined.length)) return false;
      from = end + 1;
    }
    for (;;) {
      const end = chunk.indexOf(NEWLINE, from);
      if (end < 0) break;
      if (!this.line(chunk, from, end)) return false;
      from = end + 1;
    }
    // A copy: the chunk's bytes are the reader's buffer, read into again (and a Buffer's slice() is a view).
    if (from < chunk.length) this.carry = Uint8Array.from(chunk.subarray(from));
    return true;
  }

  end(): ServersFile | undefined {
    if (this.carry !== undefined || this.lineNumber < TITLES.length) return undefined;
    const { services, servers } = this;
    services.forEach((s, i) => (s.to = i + 1 < services.length ? services[i + 1].from : servers.count));
    return {
      services,
      servers: (s) => servers.destinations(s.from, s.to),
      hasMethod: (s, method) => servers.hasMethod(s.from, s.to, method),
      columns: (s) => new ColumnRange(servers, s.from, s.to),
    };
  }

  /** One line, bytes [from, end) of `b` without its newline. */
  private line(b: Uint8Array, from: number, end: number): boolean {
    const n = this.lineNumber++;
    if (n < TITLES.length) return startsWith(b, from, end, TITLES[n]);
    if (from === end) return true;
    if (startsWith(b, from, end, ARROW)) {
      if (this.services.length === 0) return false;
      return this.servers.addIPv4(b, from + ARROW.length, end) || this.servers.add(this.cursor.on(b, from + ARROW.length, end));
    }
    const service = serviceLine(this.cursor, b, from, end, this.servers.count);
    if (service === undefined) return false;
    this.services.push(service);
    return true;
  }
}

function startsWith(b: Uint8Array, from: number, end: number, prefix: Uint8Array): boolean {
  if (end - from < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[from + i] !== prefix[i]) return false;
  return true;
}

/** The service of a service line, its servers to start at `from`; undefined when the line is not one this reader knows. */
function serviceLine(at: Cursor, b: Uint8Array, start: number, end: number, from: number): FileService | undefined {
  if (startsWith(b, start, end, FWM)) {
    const fwmark = at.on(b, start + FWM.length, end).hex(8, true);
    if (fwmark === undefined || !at.byte(SPACE)) return undefined;
    return { protocol: 0, family: 0, address: '', port: 0, fwmark, from, to: from };
  }
  for (const [name, protocol] of PROTOCOLS) {
    if (!startsWith(b, start, end, name)) continue;
    const family = at.on(b, start + name.length, end).host();
    if (family === 0 || !at.byte(0x3a)) return undefined;
    const address = at.hostText();
    const port = at.hex(4, true);
    if (port === undefined || !at.byte(SPACE)) return undefined;
    return { protocol, family, address, port, fwmark: 0, from, to: from };
  }
  return undefined;
}

function ipv4Text(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Reads the fields of one line, each strictly as the kernel prints it; one for all lines. */
class Cursor {
  private b: Uint8Array = new Uint8Array(0);
  private at = 0;
  private end = 0;
  /** The address host() read last: its family, IPv4 as a number, IPv6 as text. */
  private family = 0;
  ipv4 = 0;
  ipv6 = '';

  /** Reads bytes [at, end) of `b` from now on. */
  on(b: Uint8Array, at: number, end: number): this {
    this.b = b;
    this.at = at;
    this.end = end;
    return this;
  }

  get done(): boolean {
    return this.at === this.end;
  }

  byte(c: number): boolean {
    if (this.at >= this.end || this.b[this.at] !== c) return false;
    this.at++;
    return true;
  }

  /** `digits` hex digits (upper or lower case only), as an unsigned number. */
  hex(digits: number, upper: boolean): number | undefined {
    if (this.end - this.at < digits) return undefined;
    const letter = upper ? 0x41 : 0x61;
    let v = 0;
    for (let i = 0; i < digits; i++) {
      const c = this.b[this.at++];
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= letter && c < letter + 6 ? c - letter + 10 : -1;
      if (d < 0) return undefined;
      v = v * 16 + d;
    }
    return v;
  }

  /**
   * An address: 8 upper-case hex digits (IPv4, into `ipv4`) or 8 groups of 4
   * lower-case ones in brackets (IPv6, into `ipv6`); its family, 0 when it is
   * neither.
   */
  host(): number {
    this.family = 0;
    if (!this.byte(0x5b)) {
      const v = this.hex(8, true);
      if (v === undefined) return 0;
      this.ipv4 = v;
      return (this.family = AF_INET);
    }
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 8; i++) {
      const group = (i === 0 || this.byte(0x3a)) ? this.hex(4, false) : undefined;
      if (group === undefined) return 0;
      bytes[2 * i] = group >>> 8;
      bytes[2 * i + 1] = group & 255;
    }
    if (!this.byte(0x5d)) return 0;
    this.ipv6 = formatIPv6(bytes);
    return (this.family = AF_INET6);
  }

  /** The text of the address host() read last, as inet_ntop writes it. */
  hostText(): string {
    return this.family === AF_INET6 ? this.ipv6 : ipv4Text(this.ipv4);
  }

  /** One or more spaces (`min` 0: any number). */
  spaces(min = 1): boolean {
    const from = this.at;
    while (this.at < this.end && this.b[this.at] === SPACE) this.at++;
    return this.at - from >= min;
  }

  /** One of `words`, by its index, followed by a space. */
  word(words: readonly Uint8Array[]): number | undefined {
    for (let w = 0; w < words.length; w++) {
      const word = words[w];
      if (startsWith(this.b, this.at, this.end, word) && this.b[this.at + word.length] === SPACE) {
        this.at += word.length;
        return w;
      }
    }
    return undefined;
  }

  /** A C int as %d prints it. */
  int(): number | undefined {
    const negative = this.byte(0x2d);
    const from = this.at;
    let v = 0;
    while (this.at < this.end && this.b[this.at] >= 0x30 && this.b[this.at] <= 0x39 && this.at - from < 11) v = v * 10 + this.b[this.at++] - 0x30;
    if (this.at === from) return undefined;
    if (negative) v = -v;
    return v >= -0x80000000 && v <= 0x7fffffff ? v : undefined;
  }
}

/** Servers in blocks of this many (a block is one typed array: nothing is copied as the file grows). */
const BLOCK = 4096;
/** Numbers kept per server: IPv4 address, port and method, weight, active and inactive connections. */
const FIELDS = 5;

/** Each byte's value as an upper-case hex digit, -1 for any other byte. */
const UPPER_HEX = Int8Array.from({ length: 256 }, (_, c) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x41 + 10 : -1));
/** METHODS by their first letter (M, L, T, R), for the one-pass reader. */
const METHOD_BY_INITIAL = new Map(METHODS.map((word, method) => [word[0], method]));

/** Servers as numbers, FIELDS each, in blocks; IPv6 addresses (rare) as text beside them. */
class Columns {
  count = 0;
  readonly blocks: Uint32Array[] = [];
  readonly ipv6 = new Map<number, string>();

  /**
   * The common server line, IPv4, after its arrow, in one pass over bytes
   * [p, end) of `b` without a call per field: a listing reads 100,000 of
   * them, mostly before the JIT has compiled this. It takes only what add()
   * takes, with the same numbers; false for anything else (nothing is kept
   * then, and add() decides).
   */
  addIPv4(b: Uint8Array, p: number, end: number): boolean {
    if (end - p < 24) return false;
    let ip = 0;
    for (const stop = p + 8; p < stop; p++) {
      const d = UPPER_HEX[b[p]];
      if (d < 0) return false;
      ip = ip * 16 + d;
    }
    if (b[p++] !== 0x3a) return false;
    let port = 0;
    for (const stop = p + 4; p < stop; p++) {
      const d = UPPER_HEX[b[p]];
      if (d < 0) return false;
      port = port * 16 + d;
    }
    if (b[p] !== SPACE) return false;
    while (p < end && b[p] === SPACE) p++;
    const method = p < end ? METHOD_BY_INITIAL.get(b[p]) : undefined;
    if (method === undefined) return false;
    const word = METHODS[method];
    if (end - p <= word.length) return false;
    for (let i = 1; i < word.length; i++) if (b[p + i] !== word[i]) return false;
    p += word.length;
    // weight, active, inactive: each after one or more spaces, as %d prints an int.
    let weight = 0;
    let active = 0;
    let inactive = 0;
    for (let field = 0; field < 3; field++) {
      if (p >= end || b[p] !== SPACE) return false;
      while (p < end && b[p] === SPACE) p++;
      const negative = p < end && b[p] === 0x2d;
      if (negative) p++;
      const from = p;
      let v = 0;
      while (p < end && p - from < 11) {
        const c = b[p];
        if (c < 0x30 || c > 0x39) break;
        v = v * 10 + c - 0x30;
        p++;
      }
      if (p === from) return false;
      if (negative) v = -v;
      if (v < -0x80000000 || v > 0x7fffffff) return false;
      if (field === 0) weight = v;
      else if (field === 1) active = v;
      else inactive = v;
    }
    while (p < end && b[p] === SPACE) p++;
    if (p !== end) return false;
    const i = this.count++;
    if (i % BLOCK === 0) this.blocks.push(new Uint32Array(BLOCK * FIELDS));
    const block = this.blocks[this.blocks.length - 1];
    const slot = (i % BLOCK) * FIELDS;
    block[slot] = ip;
    block[slot + 1] = port | (method << 16);
    block[slot + 2] = weight;
    block[slot + 3] = active;
    block[slot + 4] = inactive;
    return true;
  }

  /** A server line after its arrow; false when it is not one this reader knows. */
  add(at: Cursor): boolean {
    const family = at.host();
    if (family === 0 || !at.byte(0x3a)) return false;
    const ipv6 = family === AF_INET6 ? at.ipv6 : undefined;
    const port = at.hex(4, true);
    if (port === undefined || !at.spaces()) return false;
    const method = at.word(METHODS);
    if (method === undefined || !at.spaces()) return false;
    const weight = at.int();
    if (weight === undefined || !at.spaces()) return false;
    const active = at.int();
    if (active === undefined || !at.spaces()) return false;
    const inactive = at.int();
    if (inactive === undefined || !at.spaces(0) || !at.done) return false;
    const i = this.count++;
    if (i % BLOCK === 0) this.blocks.push(new Uint32Array(BLOCK * FIELDS));
    const block = this.blocks[this.blocks.length - 1];
    const slot = (i % BLOCK) * FIELDS;
    if (ipv6 === undefined) block[slot] = at.ipv4;
    else this.ipv6.set(i, ipv6);
    block[slot + 1] = port | (method << 16);
    block[slot + 2] = weight;
    // %d of the kernel's unsigned counts: back to unsigned (the array keeps them so).
    block[slot + 3] = active;
    block[slot + 4] = inactive;
    return true;
  }

  hasMethod(from: number, to: number, method: number): boolean {
    for (let i = from; i < to; i++) if (this.blocks[Math.floor(i / BLOCK)][(i % BLOCK) * FIELDS + 1] >>> 16 === method) return true;
    return false;
  }

  destinations(from: number, to: number): Destination[] {
    const out: Destination[] = [];
    for (let i = from; i < to; i++) {
      const block = this.blocks[Math.floor(i / BLOCK)];
      const slot = (i % BLOCK) * FIELDS;
      const ipv6 = this.ipv6.size === 0 ? undefined : this.ipv6.get(i);
      out.push({
        family: ipv6 === undefined ? AF_INET : AF_INET6, address: ipv6 ?? ipv4Text(block[slot]), port: block[slot + 1] & 0xffff,
        fwdMethod: block[slot + 1] >>> 16, weight: block[slot + 2] | 0,
        upperThreshold: 0, lowerThreshold: 0, tunnelType: 0, tunnelPort: 0, tunnelFlags: 0,
        activeConns: block[slot + 3], inactiveConns: block[slot + 4], persistentConns: 0,
      });
    }
    return out;
  }
}

/** Servers [from, to) of Columns, by index from 0. */
class ColumnRange implements ServerColumns {
  readonly count: number;
  readonly allIPv4: boolean;

  constructor(private readonly columns: Columns, private readonly from: number, to: number) {
    this.count = to - from;
    let ipv6 = false;
    if (columns.ipv6.size > 0) for (let i = from; i < to && !ipv6; i++) ipv6 = columns.ipv6.has(i);
    this.allIPv4 = !ipv6;
  }

  private field(i: number, field: number): number {
    const n = this.from + i;
    return this.columns.blocks[Math.floor(n / BLOCK)][(n % BLOCK) * FIELDS + field];
  }

  ipv4(i: number): number {
    return this.field(i, 0);
  }

  port(i: number): number {
    return this.field(i, 1) & 0xffff;
  }

  read(i: number, into: Uint32Array): void {
    const n = this.from + i;
    const block = this.columns.blocks[Math.floor(n / BLOCK)];
    const slot = (n % BLOCK) * FIELDS;
    into[SERVER_FIELDS.ipv4] = block[slot];
    into[SERVER_FIELDS.port] = block[slot + 1] & 0xffff;
    into[SERVER_FIELDS.method] = block[slot + 1] >>> 16;
    into[SERVER_FIELDS.weight] = block[slot + 2];
    into[SERVER_FIELDS.active] = block[slot + 3];
    into[SERVER_FIELDS.inactive] = block[slot + 4];
  }
}
