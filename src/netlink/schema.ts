/**
 * The IPVS (and controller) attribute sets, as tables in the kernel's own
 * vocabulary (<linux/ip_vs.h>, <linux/genetlink.h>). The generic encoder and
 * decoder below are driven only by these tables; ipvs-codec.ts maps domain
 * objects to and from the decoded values.
 */
import { AttributeReader, AttributeWriter, HOST_LITTLE_ENDIAN } from './attributes';
import { DecodeError } from './errors';
import type { RawAttribute } from '../ipvs/types';

export type WireType = 'u8' | 'u16' | 'u32' | 'u64' | 'string' | 'binary' | 'nested';

export interface AttributeSpec<N extends string = string> {
  name: N;
  id: number;
  type: WireType;
  /** Integers are host order unless the kernel says otherwise. */
  byteOrder: 'host' | 'network';
  /** Exact payload length for fixed-size binaries (integers are implied by type). */
  length?: number;
  /** Upper bound on payload length (strings include the NUL). */
  maxLength?: number;
  /** Set of the attributes inside a nested one. */
  nested?: AttributeSet;
  /** Zero-length alignment filler: skipped on decode. */
  padding?: boolean;
  /** The kernel's constant name. */
  constant: string;
}

export interface AttributeSet<N extends string = string> {
  name: string;
  specs: readonly AttributeSpec<N>[];
  byId: ReadonlyMap<number, AttributeSpec<N>>;
  byName: ReadonlyMap<N, AttributeSpec<N>>;
  /** The highest id in the set. */
  maxId: number;
}

type SpecInput<N extends string> = Omit<AttributeSpec<N>, 'byteOrder' | 'constant'> & { byteOrder?: 'host' | 'network' };

function defineSet<N extends string>(name: string, prefix: string, specs: SpecInput<N>[]): AttributeSet<N> {
  const full = specs.map((s) => ({ byteOrder: 'host' as const, ...s, constant: `${prefix}${s.name}` }));
  return {
    name,
    specs: full,
    byId: new Map(full.map((s) => [s.id, s])),
    byName: new Map(full.map((s) => [s.name, s])),
    maxId: Math.max(0, ...full.map((s) => s.id)),
  };
}

// enum IPVS_STATS_ATTR_*, inside SVC/DEST STATS: 32-bit except the byte counters.
export const STATS_SET = defineSet('STATS', 'IPVS_STATS_ATTR_', [
  { name: 'CONNS', id: 1, type: 'u32' },
  { name: 'INPKTS', id: 2, type: 'u32' },
  { name: 'OUTPKTS', id: 3, type: 'u32' },
  { name: 'INBYTES', id: 4, type: 'u64' },
  { name: 'OUTBYTES', id: 5, type: 'u64' },
  { name: 'CPS', id: 6, type: 'u32' },
  { name: 'INPPS', id: 7, type: 'u32' },
  { name: 'OUTPPS', id: 8, type: 'u32' },
  { name: 'INBPS', id: 9, type: 'u32' },
  { name: 'OUTBPS', id: 10, type: 'u32' },
  { name: 'PAD', id: 11, type: 'binary', padding: true },
]);

// The same ids inside STATS64: every counter is 64-bit.
export const STATS64_SET = defineSet('STATS64', 'IPVS_STATS_ATTR_', [
  { name: 'CONNS', id: 1, type: 'u64' },
  { name: 'INPKTS', id: 2, type: 'u64' },
  { name: 'OUTPKTS', id: 3, type: 'u64' },
  { name: 'INBYTES', id: 4, type: 'u64' },
  { name: 'OUTBYTES', id: 5, type: 'u64' },
  { name: 'CPS', id: 6, type: 'u64' },
  { name: 'INPPS', id: 7, type: 'u64' },
  { name: 'OUTPPS', id: 8, type: 'u64' },
  { name: 'INBPS', id: 9, type: 'u64' },
  { name: 'OUTBPS', id: 10, type: 'u64' },
  { name: 'PAD', id: 11, type: 'binary', padding: true },
]);

export const SERVICE_SET = defineSet('SERVICE', 'IPVS_SVC_ATTR_', [
  { name: 'AF', id: 1, type: 'u16' },
  { name: 'PROTOCOL', id: 2, type: 'u16' },
  { name: 'ADDR', id: 3, type: 'binary', maxLength: 16 },
  { name: 'PORT', id: 4, type: 'u16', byteOrder: 'network' },
  { name: 'FWMARK', id: 5, type: 'u32' },
  { name: 'SCHED_NAME', id: 6, type: 'string', maxLength: 16 },
  { name: 'FLAGS', id: 7, type: 'binary', length: 8 },
  { name: 'TIMEOUT', id: 8, type: 'u32' },
  // IPv4: mask bytes in network order; IPv6: prefix length in host order (ipvs-codec.ts).
  { name: 'NETMASK', id: 9, type: 'u32' },
  { name: 'STATS', id: 10, type: 'nested', nested: STATS_SET },
  { name: 'PE_NAME', id: 11, type: 'string', maxLength: 16 },
  { name: 'STATS64', id: 12, type: 'nested', nested: STATS64_SET },
]);

export const DEST_SET = defineSet('DEST', 'IPVS_DEST_ATTR_', [
  { name: 'ADDR', id: 1, type: 'binary', maxLength: 16 },
  { name: 'PORT', id: 2, type: 'u16', byteOrder: 'network' },
  { name: 'FWD_METHOD', id: 3, type: 'u32' },
  { name: 'WEIGHT', id: 4, type: 'u32' },
  { name: 'U_THRESH', id: 5, type: 'u32' },
  { name: 'L_THRESH', id: 6, type: 'u32' },
  { name: 'ACTIVE_CONNS', id: 7, type: 'u32' },
  { name: 'INACT_CONNS', id: 8, type: 'u32' },
  { name: 'PERSIST_CONNS', id: 9, type: 'u32' },
  { name: 'STATS', id: 10, type: 'nested', nested: STATS_SET },
  { name: 'ADDR_FAMILY', id: 11, type: 'u16' },
  { name: 'STATS64', id: 12, type: 'nested', nested: STATS64_SET },
  { name: 'TUN_TYPE', id: 13, type: 'u8' },
  { name: 'TUN_PORT', id: 14, type: 'u16', byteOrder: 'network' },
  { name: 'TUN_FLAGS', id: 15, type: 'u16' },
]);

export const DAEMON_SET = defineSet('DAEMON', 'IPVS_DAEMON_ATTR_', [
  { name: 'STATE', id: 1, type: 'u32' },
  { name: 'MCAST_IFN', id: 2, type: 'string', maxLength: 16 },
  { name: 'SYNC_ID', id: 3, type: 'u32' },
  { name: 'SYNC_MAXLEN', id: 4, type: 'u16' },
  { name: 'MCAST_GROUP', id: 5, type: 'binary', length: 4 },
  { name: 'MCAST_GROUP6', id: 6, type: 'binary', length: 16 },
  { name: 'MCAST_PORT', id: 7, type: 'u16' },
  { name: 'MCAST_TTL', id: 8, type: 'u8' },
]);

/** Top-level attributes of every IPVS command (the timeouts live here). */
export const COMMAND_SET = defineSet('IPVS_CMD', 'IPVS_CMD_ATTR_', [
  { name: 'SERVICE', id: 1, type: 'nested', nested: SERVICE_SET },
  { name: 'DEST', id: 2, type: 'nested', nested: DEST_SET },
  { name: 'DAEMON', id: 3, type: 'nested', nested: DAEMON_SET },
  { name: 'TIMEOUT_TCP', id: 4, type: 'u32' },
  { name: 'TIMEOUT_TCP_FIN', id: 5, type: 'u32' },
  { name: 'TIMEOUT_UDP', id: 6, type: 'u32' },
]);

/** Top-level attributes of the SET_INFO message that answers GET_INFO. */
export const INFO_SET = defineSet('IPVS_INFO', 'IPVS_INFO_ATTR_', [
  { name: 'VERSION', id: 1, type: 'u32' },
  { name: 'CONN_TAB_SIZE', id: 2, type: 'u32' },
]);

/** Controller (GENL_ID_CTRL) attributes we use. */
export const CTRL_SET = defineSet('CTRL', 'CTRL_ATTR_', [
  { name: 'FAMILY_ID', id: 1, type: 'u16' },
  { name: 'FAMILY_NAME', id: 2, type: 'string' },
  { name: 'VERSION', id: 3, type: 'u32' },
  { name: 'HDRSIZE', id: 4, type: 'u32' },
  { name: 'MAXATTR', id: 5, type: 'u32' },
]);

/**
 * The attributes of one set, checked against the table when decoded and read
 * on demand: the decoder only records where each known attribute lies, so a
 * reply costs no Map, no copies and no number it is never asked for (listings
 * never read the ten 64-bit counters of every service and destination).
 * Binary values, nested sets and unknown attributes are views into the
 * decoded buffer: whoever decodes hands the buffer over (the transport gets a
 * fresh one per datagram). Unknown ids are kept verbatim, in order.
 */
export class Decoded<N extends string = string> {
  readonly unknown: RawAttribute[] = [];
  /** Payload bounds in `data` by attribute id; later duplicates win, as in nla_parse. */
  private readonly starts: number[];
  private readonly ends: number[];

  constructor(
    readonly set: AttributeSet<N>,
    private readonly data: Buffer,
    private readonly context: string,
  ) {
    this.starts = new Array<number>(set.maxId + 1);
    this.ends = new Array<number>(set.maxId + 1);
  }

  /** @internal decodeSet records each known attribute here. */
  found(id: number, start: number, end: number): void {
    this.starts[id] = start;
    this.ends[id] = end;
  }

  has(name: N): boolean {
    const spec = this.set.byName.get(name);
    return spec !== undefined && this.starts[spec.id] !== undefined;
  }

  /** The spec of a present attribute of one of `types`, undefined when absent. */
  private present(name: N, kind: string, types: readonly WireType[]): AttributeSpec<N> | undefined {
    const spec = this.set.byName.get(name);
    if (spec === undefined || this.starts[spec.id] === undefined) return undefined;
    if (!types.includes(spec.type)) throw new DecodeError(`${this.set.name}: ${name} is not ${kind}`);
    return spec;
  }

  num(name: N): number | undefined {
    const spec = this.present(name, 'a number', NUMBER_TYPES);
    return spec && readNumber(this.data, this.starts[spec.id], spec);
  }
  big(name: N): bigint | undefined {
    const spec = this.present(name, 'a u64', BIG_TYPES);
    if (!spec) return undefined;
    const at = this.starts[spec.id];
    if (spec.type !== 'u64') return BigInt(readNumber(this.data, at, spec));
    return spec.byteOrder === 'network' || !HOST_LITTLE_ENDIAN ? this.data.readBigUInt64BE(at) : this.data.readBigUInt64LE(at);
  }
  str(name: N): string | undefined {
    const spec = this.present(name, 'a string', STRING_TYPES);
    if (!spec) return undefined;
    // Text up to the first NUL (the NUL itself is optional, as in nla_strscpy).
    const start = this.starts[spec.id];
    const end = this.ends[spec.id];
    let stop = start;
    while (stop < end && this.data[stop] !== 0) stop++;
    return this.data.toString('utf8', start, stop);
  }
  bin(name: N): Buffer | undefined {
    const spec = this.present(name, 'binary', BINARY_TYPES);
    return spec && this.data.subarray(this.starts[spec.id], this.ends[spec.id]);
  }
  nest(name: N): Decoded | undefined {
    return this.nestLater(name)?.decode();
  }
  /** A nested set, already checked, to decode when (and if) it is needed. */
  nestLater(name: N): NestedSet | undefined {
    const spec = this.present(name, 'nested', NESTED_TYPES);
    return spec && new NestedSet(spec.nested!, this.data, this.starts[spec.id], this.ends[spec.id], `${this.context}/${spec.name}`);
  }

  /** The value, or a DecodeError naming the kernel constant that is missing. */
  need<T>(name: N, read: (this: Decoded<N>, n: N) => T | undefined): T {
    const v = read.call(this, name);
    if (v === undefined) {
      throw new DecodeError(`${this.set.name}: missing required attribute ${this.set.byName.get(name)?.constant ?? name}`);
    }
    return v;
  }
}

const NUMBER_TYPES: readonly WireType[] = ['u8', 'u16', 'u32'];
const BIG_TYPES: readonly WireType[] = ['u8', 'u16', 'u32', 'u64'];
const STRING_TYPES: readonly WireType[] = ['string'];
const BINARY_TYPES: readonly WireType[] = ['binary'];
const NESTED_TYPES: readonly WireType[] = ['nested'];

/** A u8/u16/u32 payload whose length decodeSet has checked. */
function readNumber(data: Buffer, at: number, spec: AttributeSpec): number {
  const big = spec.byteOrder === 'network' || !HOST_LITTLE_ENDIAN;
  switch (spec.type) {
    case 'u8':
      return data[at];
    case 'u16':
      return big ? data.readUInt16BE(at) : data.readUInt16LE(at);
    default:
      return big ? data.readUInt32BE(at) : data.readUInt32LE(at);
  }
}

/** A nested attribute set that decodeSet has checked, not yet decoded. */
export class NestedSet {
  constructor(
    readonly set: AttributeSet,
    private readonly data: Buffer,
    private readonly start: number,
    private readonly end: number,
    private readonly context: string,
  ) {}

  decode(): Decoded {
    const out = new Decoded(this.set, this.data, this.context);
    locate(this.set, this.data, this.start, this.end, this.context, out);
    return out;
  }
}

/** Payload bytes of an integer type, 0 for the others. */
function integerSize(type: WireType): number {
  switch (type) {
    case 'u8':
      return 1;
    case 'u16':
      return 2;
    case 'u32':
      return 4;
    case 'u64':
      return 8;
    default:
      return 0;
  }
}

/**
 * Decodes `data` against `set`. Throws DecodeError only, and only here: every
 * attribute, nested sets included, is checked against the table now, so
 * reading a value later never fails.
 */
export function decodeSet<N extends string>(set: AttributeSet<N>, data: Buffer, context: string = set.name): Decoded<N> {
  const out = new Decoded(set, data, context);
  check(set, data, 0, data.length, context, out);
  return out;
}

/** Checks the attributes in data[begin, end) against `set`, telling `out` (if any) where they are. */
function check(set: AttributeSet, data: Buffer, begin: number, end: number, context: string, out?: Decoded): void {
  const r = new AttributeReader(data, context, begin, end);
  while (r.next()) {
    const spec = set.byId.get(r.type);
    if (!spec) {
      out?.unknown.push({ type: r.type, flags: r.flags, data: r.bytes() });
      continue;
    }
    if (spec.padding) continue;
    const integerLength = integerSize(spec.type);
    if (integerLength !== 0) {
      if (!r.sized(integerLength, spec.type)) break;
    } else if (spec.type === 'binary') {
      if (spec.length !== undefined && r.length !== spec.length) {
        r.fail(`${spec.constant} needs ${spec.length} bytes, got ${r.length}`);
        break;
      } else if (spec.maxLength !== undefined && r.length > spec.maxLength) {
        r.fail(`${spec.constant} allows at most ${spec.maxLength} bytes, got ${r.length}`);
        break;
      }
    } else if (spec.type === 'nested') {
      check(spec.nested!, data, r.payloadStart, r.payloadEnd, `${context}/${spec.name}`);
    }
    out?.found(spec.id, r.payloadStart, r.payloadEnd);
  }
  r.check();
}

/** The recording half of check(), for a nested set that check() has already passed. */
function locate(set: AttributeSet, data: Buffer, begin: number, end: number, context: string, out: Decoded): void {
  const r = new AttributeReader(data, context, begin, end);
  while (r.next()) {
    const spec = set.byId.get(r.type);
    if (!spec) out.unknown.push({ type: r.type, flags: r.flags, data: r.bytes() });
    else if (!spec.padding) out.found(spec.id, r.payloadStart, r.payloadEnd);
  }
}

/** What the encoder accepts for one attribute; nested sets take a list of entries. */
export type EncodeValue = number | bigint | string | Uint8Array | EncodeEntries;
export interface EncodeEntries {
  entries: ReadonlyArray<readonly [string, EncodeValue]>;
  unknown?: readonly RawAttribute[];
}

/**
 * Writes `entries` in the given order (the order ipvsadm uses matters to
 * nobody but golden tests, so the codec keeps it), then unknown attributes.
 */
export function encodeSet(w: AttributeWriter, set: AttributeSet, value: EncodeEntries): void {
  for (const [name, v] of value.entries) {
    const spec = set.byName.get(name);
    if (!spec) throw new RangeError(`${set.name} has no attribute ${name}`);
    const network = spec.byteOrder === 'network';
    const mismatch = (): never => {
      throw new TypeError(`${spec.constant}: value ${String(v)} does not fit type ${spec.type}`);
    };
    switch (spec.type) {
      case 'u8':
      case 'u16':
      case 'u32': {
        if (typeof v !== 'number' || !Number.isInteger(v)) return mismatch();
        const max = spec.type === 'u8' ? 0xff : spec.type === 'u16' ? 0xffff : 0xffffffff;
        // u32 also carries signed values (weight); anything else must fit.
        const min = spec.type === 'u32' ? -0x80000000 : 0;
        if (v < min || v > max) throw new RangeError(`${spec.constant}: ${v} out of range`);
        if (spec.type === 'u8') w.u8(spec.id, v);
        else if (spec.type === 'u16') w.u16(spec.id, v, network);
        else w.u32(spec.id, v, network);
        break;
      }
      case 'u64':
        if (typeof v !== 'bigint' && typeof v !== 'number') return mismatch();
        w.u64(spec.id, BigInt(v), network);
        break;
      case 'string':
        if (typeof v !== 'string') return mismatch();
        w.string(spec.id, v);
        break;
      case 'binary':
        if (!(v instanceof Uint8Array)) return mismatch();
        if (spec.length !== undefined && v.length !== spec.length) {
          throw new RangeError(`${spec.constant}: needs ${spec.length} bytes, got ${v.length}`);
        }
        w.bytes(spec.id, v);
        break;
      case 'nested':
        if (typeof v !== 'object' || v instanceof Uint8Array) return mismatch();
        w.nest(spec.id, (inner) => encodeSet(inner, spec.nested!, v));
        break;
    }
  }
  for (const raw of value.unknown ?? []) w.raw(raw);
}

/** Convenience: the attribute area for one set as a Buffer. */
export function encodeAttributes(set: AttributeSet, value: EncodeEntries): Buffer {
  const w = new AttributeWriter();
  encodeSet(w, set, value);
  return w.finish();
}
