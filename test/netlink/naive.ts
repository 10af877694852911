/**
 * A deliberately naive netlink builder and parser for tests and the fake
 * kernel: byte arrays assembled by hand, no shared code with src/netlink.
 * Host order is little-endian here (x86, the lab); tests assert that.
 */

export type Bytes = number[];

export const le16 = (v: number): Bytes => [v & 0xff, (v >> 8) & 0xff];
export const be16 = (v: number): Bytes => [(v >> 8) & 0xff, v & 0xff];
export const le32 = (v: number): Bytes => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
export const be32 = (v: number): Bytes => le32(v).reverse();
export const le64 = (v: bigint): Bytes => {
  const out: Bytes = [];
  for (let i = 0n; i < 8n; i++) out.push(Number((v >> (8n * i)) & 0xffn));
  return out;
};
export const cstr = (s: string): Bytes => [...Buffer.from(s, 'utf8'), 0];
export const hex = (h: string): Bytes => [...Buffer.from(h.replace(/\s+/g, ''), 'hex')];
export const zeros = (n: number): Bytes => new Array(n).fill(0);

/** One attribute: length, type, payload, padding. */
export function nla(type: number, payload: Bytes): Bytes {
  const len = 4 + payload.length;
  const pad = (4 - (len % 4)) % 4;
  return [...le16(len), ...le16(type), ...payload, ...zeros(pad)];
}

/** A nested attribute as ipvsadm sends it (NLA_F_NESTED set). */
export const nest = (type: number, ...children: Bytes[]): Bytes => nla(type | 0x8000, children.flat());
/** A nested attribute as the kernel sends it (no NLA_F_NESTED). */
export const knest = (type: number, ...children: Bytes[]): Bytes => nla(type, children.flat());

export function nlmsg(type: number, flags: number, seq: number, pid: number, payload: Bytes): Bytes {
  const len = 16 + payload.length;
  const pad = (4 - (len % 4)) % 4;
  return [...le32(len), ...le16(type), ...le16(flags), ...le32(seq), ...le32(pid), ...payload, ...zeros(pad)];
}

export function genlmsg(type: number, flags: number, seq: number, pid: number, cmd: number, ...attrs: Bytes[]): Bytes {
  return nlmsg(type, flags, seq, pid, [cmd, 1, 0, 0, ...attrs.flat()]);
}

export const buf = (b: Bytes): Buffer => Buffer.from(b);

// ----------------------------------------------------------------- parsing

export interface NaiveMsg {
  len: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
  body: Buffer;
  raw: Buffer;
}

export function naiveMessages(d: Buffer): NaiveMsg[] {
  const out: NaiveMsg[] = [];
  let i = 0;
  while (i + 16 <= d.length) {
    const len = d.readUInt32LE(i);
    if (len < 16 || i + len > d.length) throw new Error(`naive: bad message length ${len}`);
    out.push({
      len,
      type: d.readUInt16LE(i + 4),
      flags: d.readUInt16LE(i + 6),
      seq: d.readUInt32LE(i + 8),
      pid: d.readUInt32LE(i + 12),
      body: d.subarray(i + 16, i + len),
      raw: d.subarray(i, i + len),
    });
    i += (len + 3) & ~3;
  }
  return out;
}

export interface NaiveAttr {
  type: number;
  nested: boolean;
  data: Buffer;
}

export function naiveAttrs(d: Buffer): NaiveAttr[] {
  const out: NaiveAttr[] = [];
  let i = 0;
  while (i + 4 <= d.length) {
    const len = d.readUInt16LE(i);
    const t = d.readUInt16LE(i + 2);
    if (len < 4 || i + len > d.length) throw new Error(`naive: bad attribute length ${len}`);
    out.push({ type: t & 0x3fff, nested: (t & 0x8000) !== 0, data: d.subarray(i + 4, i + len) });
    i += (len + 3) & ~3;
  }
  return out;
}

/** Attributes by type (last wins). */
export function attrMap(d: Buffer): Map<number, Buffer> {
  return new Map(naiveAttrs(d).map((a) => [a.type, a.data]));
}
