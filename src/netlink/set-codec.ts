/**
 * The generic decoder and encoder of attribute sets, driven only by the
 * tables in schema.ts.
 */
import { AttributeReader, AttributeWriter, HOST_LITTLE_ENDIAN } from './attributes';
import { DecodeError } from './errors';
import type { RawAttribute } from '../ipvs/types';
import type { AttributeSet, AttributeSpec, WireType } from './schema';

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
