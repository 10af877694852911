/**
 * Netlink attributes (struct nlattr): 16-bit length, 16-bit type, payload
 * padded to 4 bytes. A growable writer and a one-by-one reader with typed,
 * length-checked accessors whose first failure sticks (checked once, at the end).
 */
import { NLA_ALIGNTO, NLA_F_NESTED, NLA_HDRLEN, NLA_TYPE_MASK } from './constants';
import { DecodeError } from './errors';
import type { RawAttribute } from '../ipvs/types';

export function align4(n: number): number {
  return (n + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1);
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Plain reads for the listing's hot loops, where the caller has already
// checked the bounds. Buffer's readUInt16LE and friends check their offset
// argument on every call, through a wrapper that costs more than the read
// itself while the code is not yet compiled, and a dump reads hundreds of
// thousands of fields (bench/RESULTS.md, seventh round).

/** The little-endian u16 at data[at]. */
export function u16le(data: Uint8Array, at: number): number {
  return data[at] | (data[at + 1] << 8);
}

/** The big-endian (network order) u16 at data[at]. */
export function u16be(data: Uint8Array, at: number): number {
  return (data[at] << 8) | data[at + 1];
}

/** The little-endian u32 at data[at]. */
export function u32le(data: Uint8Array, at: number): number {
  return (data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24)) >>> 0;
}

/** Appends attributes to a growing buffer; nest() back-patches the length. */
export class AttributeWriter {
  private buf: Buffer;
  private len = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.alloc(initialSize);
  }

  get length(): number {
    return this.len;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Writes a header and a zero-filled, padded payload; returns the payload offset. */
  private header(type: number, payloadLength: number): number {
    const total = NLA_HDRLEN + payloadLength;
    if (total > 0xffff) throw new RangeError(`attribute ${type} too long (${payloadLength} bytes)`);
    const padded = align4(total);
    this.reserve(padded);
    this.buf.fill(0, this.len, this.len + padded);
    this.buf.writeUInt16LE(total, this.len);
    this.writeU16Host(type, this.len + 2);
    const at = this.len + NLA_HDRLEN;
    this.len += padded;
    return at;
  }

  private writeU16Host(v: number, at: number): void {
    if (HOST_LITTLE_ENDIAN) this.buf.writeUInt16LE(v, at);
    else this.buf.writeUInt16BE(v, at);
  }

  bytes(type: number, data: Uint8Array): this {
    const at = this.header(type, data.length);
    this.buf.set(data, at);
    return this;
  }

  u8(type: number, v: number): this {
    const at = this.header(type, 1);
    this.buf.writeUInt8(v, at);
    return this;
  }

  u16(type: number, v: number, networkOrder = false): this {
    const at = this.header(type, 2);
    if (networkOrder || !HOST_LITTLE_ENDIAN) this.buf.writeUInt16BE(v, at);
    else this.buf.writeUInt16LE(v, at);
    return this;
  }

  u32(type: number, v: number, networkOrder = false): this {
    const at = this.header(type, 4);
    if (networkOrder || !HOST_LITTLE_ENDIAN) this.buf.writeUInt32BE(v >>> 0, at);
    else this.buf.writeUInt32LE(v >>> 0, at);
    return this;
  }

  u64(type: number, v: bigint, networkOrder = false): this {
    const at = this.header(type, 8);
    if (networkOrder || !HOST_LITTLE_ENDIAN) this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), at);
    else this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), at);
    return this;
  }

  /** NUL-terminated string. */
  string(type: number, s: string): this {
    const text = Buffer.from(s, 'utf8');
    const at = this.header(type, text.length + 1);
    text.copy(this.buf, at);
    return this;
  }

  /** A nested attribute, sent with NLA_F_NESTED (the kernel does not require it, but it is correct). */
  nest(type: number, body: (w: AttributeWriter) => void): this {
    const start = this.len;
    this.header(type | NLA_F_NESTED, 0);
    body(this);
    const total = this.len - start;
    if (total > 0xffff) throw new RangeError(`nested attribute ${type} too long`);
    this.buf.writeUInt16LE(total, start);
    return this;
  }

  /** An attribute kept from a reply, re-encoded with its original flag bits. */
  raw(attr: RawAttribute): this {
    return this.bytes((attr.type & NLA_TYPE_MASK) | (attr.flags & ~NLA_TYPE_MASK & 0xffff), attr.data);
  }

  /** A copy of the bytes written so far. */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

/**
 * Walks the attributes in `data` one at a time:
 *
 *   const r = new AttributeReader(buf);
 *   while (r.next()) switch (r.type) { case 1: x = r.u32(); break; }
 *   r.check();   // throws the first DecodeError, if any
 *
 * After a failure next() returns false and accessors return zero values, so
 * callers need not test every read.
 */
export class AttributeReader {
  private offset = 0;
  private start = 0;
  private end = 0;
  private error: DecodeError | undefined;
  /** Type with NLA_F_NESTED / NLA_F_NET_BYTEORDER masked off. */
  type = 0;
  /** The flag bits that were masked off. */
  flags = 0;

  /** Walks `data` from `begin` to `end` (the whole buffer by default), so nested sets need no slices. */
  constructor(
    private readonly data: Buffer,
    private readonly context = 'attributes',
    begin = 0,
    private readonly limit = data.length,
  ) {
    this.offset = begin;
  }

  get err(): DecodeError | undefined {
    return this.error;
  }

  /** Payload length of the current attribute. */
  get length(): number {
    return this.end - this.start;
  }

  /** Where the current attribute's payload starts and ends in the buffer. */
  get payloadStart(): number {
    return this.start;
  }
  get payloadEnd(): number {
    return this.end;
  }

  fail(message: string): void {
    if (!this.error) this.error = new DecodeError(`${this.context}: ${message}`);
  }

  next(): boolean {
    if (this.error) return false;
    const remaining = this.limit - this.offset;
    if (remaining === 0) return false;
    if (remaining < NLA_HDRLEN) {
      this.fail(`${remaining} trailing bytes, too short for an attribute header`);
      return false;
    }
    const len = this.data.readUInt16LE(this.offset);
    const rawType = HOST_LITTLE_ENDIAN ? this.data.readUInt16LE(this.offset + 2) : this.data.readUInt16BE(this.offset + 2);
    if (len < NLA_HDRLEN || len > remaining) {
      this.fail(`attribute ${rawType & NLA_TYPE_MASK} has length ${len}, ${remaining} bytes remain`);
      return false;
    }
    this.type = rawType & NLA_TYPE_MASK;
    this.flags = rawType & ~NLA_TYPE_MASK & 0xffff;
    this.start = this.offset + NLA_HDRLEN;
    this.end = this.offset + len;
    // The last attribute may omit its padding.
    this.offset = Math.min(this.offset + align4(len), this.limit);
    return true;
  }

  /** Whether the current payload is exactly `n` bytes; else records the failure (a `what` needs n bytes). */
  sized(n: number, what: string): boolean {
    if (this.error) return false;
    if (this.length !== n) {
      this.fail(`attribute ${this.type}: ${what} needs ${n} bytes, got ${this.length}`);
      return false;
    }
    return true;
  }

  bytes(): Buffer {
    return this.data.subarray(this.start, this.end);
  }

  u8(): number {
    return this.sized(1, 'u8') ? this.data.readUInt8(this.start) : 0;
  }

  u16(networkOrder = false): number {
    if (!this.sized(2, 'u16')) return 0;
    return networkOrder || !HOST_LITTLE_ENDIAN ? this.data.readUInt16BE(this.start) : this.data.readUInt16LE(this.start);
  }

  u32(networkOrder = false): number {
    if (!this.sized(4, 'u32')) return 0;
    return networkOrder || !HOST_LITTLE_ENDIAN ? this.data.readUInt32BE(this.start) : this.data.readUInt32LE(this.start);
  }

  u64(networkOrder = false): bigint {
    if (!this.sized(8, 'u64')) return 0n;
    return networkOrder || !HOST_LITTLE_ENDIAN ? this.data.readBigUInt64BE(this.start) : this.data.readBigUInt64LE(this.start);
  }

  /** Text up to the first NUL (the NUL itself is optional, as in nla_strscpy). */
  string(): string {
    const b = this.bytes();
    const nul = b.indexOf(0);
    return b.toString('utf8', 0, nul === -1 ? b.length : nul);
  }

  /** A reader over the current attribute's payload, sharing this one's context. */
  nested(context = `${this.context}/${this.type}`): AttributeReader {
    return new AttributeReader(this.data, context, this.start, this.end);
  }

  raw(): RawAttribute {
    return { type: this.type, flags: this.flags, data: Buffer.from(this.bytes()) };
  }

  /** Throws the first failure, if any. */
  check(): void {
    if (this.error) throw this.error;
  }
}

export { HOST_LITTLE_ENDIAN };
