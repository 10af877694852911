/**
 * nlmsghdr + genlmsghdr framing, and the control messages (NLMSG_ERROR,
 * NLMSG_DONE) that end every exchange. Pure Buffer <-> object code.
 */
import { align4, AttributeReader, u16le, u32le } from './attributes';
import {
  GENL_HDRLEN,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
} from './constants';
import { DecodeError } from './errors';

export interface NetlinkHeader {
  /** nlmsg_len as found on the wire (header included). */
  length: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}

export interface NetlinkMessage extends NetlinkHeader {
  /** Everything after the 16-byte header, nlmsg_len - 16 bytes. */
  payload: Buffer;
}

export interface GenlMessage {
  cmd: number;
  version: number;
  /** The attribute area after the generic header. */
  attributes: Buffer;
}

/** The body of an NLMSG_ERROR; errno 0 is an acknowledgement. */
export interface ErrorMessage {
  /** Positive errno, 0 for an ACK. */
  errno: number;
  /** Header of the request this answers. */
  request: NetlinkHeader;
  extack?: string;
  extackOffset?: number;
}

/** The body of an NLMSG_DONE; a negative status is a dump that failed. */
export interface DoneMessage {
  /** Positive errno, 0 for a complete dump. */
  errno: number;
  extack?: string;
  extackOffset?: number;
}

export function encodeMessage(h: { type: number; flags: number; seq: number; pid?: number }, payload: Uint8Array): Buffer {
  const out = Buffer.alloc(NLMSG_HDRLEN + align4(payload.length));
  writeHeader(out, 0, { length: NLMSG_HDRLEN + payload.length, type: h.type, flags: h.flags, seq: h.seq, pid: h.pid ?? 0 });
  out.set(payload, NLMSG_HDRLEN);
  return out;
}

/** One generic-netlink request: nlmsghdr, genlmsghdr (cmd, version, reserved 0), attributes. */
export function encodeGenlMessage(
  h: { type: number; flags: number; seq: number; pid?: number },
  cmd: number,
  version: number,
  attributes: Uint8Array,
): Buffer {
  const len = NLMSG_HDRLEN + GENL_HDRLEN + attributes.length;
  const out = Buffer.alloc(align4(len));
  writeHeader(out, 0, { length: len, type: h.type, flags: h.flags, seq: h.seq, pid: h.pid ?? 0 });
  out.writeUInt8(cmd, NLMSG_HDRLEN);
  out.writeUInt8(version, NLMSG_HDRLEN + 1);
  out.set(attributes, NLMSG_HDRLEN + GENL_HDRLEN);
  return out;
}

function writeHeader(out: Buffer, at: number, h: NetlinkHeader): void {
  out.writeUInt32LE(h.length, at);
  out.writeUInt16LE(h.type, at + 4);
  out.writeUInt16LE(h.flags, at + 6);
  out.writeUInt32LE(h.seq >>> 0, at + 8);
  out.writeUInt32LE(h.pid >>> 0, at + 12);
}

export function readHeader(buf: Buffer, at = 0): NetlinkHeader {
  return {
    length: buf.readUInt32LE(at),
    type: buf.readUInt16LE(at + 4),
    flags: buf.readUInt16LE(at + 6),
    seq: buf.readUInt32LE(at + 8),
    pid: buf.readUInt32LE(at + 12),
  };
}

export interface SplitResult {
  messages: NetlinkMessage[];
  /** Set when the datagram had malformed bytes after `messages`. */
  error?: DecodeError;
  /** Header of the malformed message, when at least that much was readable. */
  brokenHeader?: NetlinkHeader;
}

/** What walkDatagram reports about the first malformed message, if any. */
export type DatagramFault = Pick<SplitResult, 'error' | 'brokenHeader'>;

/**
 * Calls `visit` with the offset and header fields of each message of one
 * datagram, in order, without making an object per message (dumps bring
 * hundreds of thousands); stops at the first malformed one and says why.
 */
export function walkDatagram(
  datagram: Buffer,
  visit: (at: number, length: number, type: number, flags: number, seq: number) => void,
): DatagramFault | undefined {
  let at = 0;
  while (at < datagram.length) {
    const remaining = datagram.length - at;
    if (remaining < NLMSG_HDRLEN) {
      return { error: new DecodeError(`datagram: ${remaining} trailing bytes, too short for a header`) };
    }
    const length = u32le(datagram, at);
    if (length < NLMSG_HDRLEN || length > remaining) {
      return {
        brokenHeader: readHeader(datagram, at),
        error: new DecodeError(`datagram: message of length ${length} at offset ${at}, ${remaining} bytes remain`),
      };
    }
    visit(at, length, u16le(datagram, at + 4), u16le(datagram, at + 6), u32le(datagram, at + 8));
    at += Math.min(align4(length), remaining);
  }
  return undefined;
}

/** One message of a datagram as an object, its payload a view into the datagram. */
export function messageAt(datagram: Buffer, at: number, length: number, type: number, flags: number, seq: number): NetlinkMessage {
  return { length, type, flags, seq, pid: datagram.readUInt32LE(at + 12), payload: datagram.subarray(at + NLMSG_HDRLEN, at + length) };
}

/** Splits one datagram into messages; stops at the first malformed one. */
export function splitDatagram(datagram: Buffer): SplitResult {
  const messages: NetlinkMessage[] = [];
  const fault = walkDatagram(datagram, (at, length, type, flags, seq) => {
    messages.push(messageAt(datagram, at, length, type, flags, seq));
  });
  return fault ? { messages, ...fault } : { messages };
}

export function decodeGenl(msg: NetlinkMessage): GenlMessage {
  if (msg.payload.length < GENL_HDRLEN) {
    throw new DecodeError(`generic netlink message of type ${msg.type} has ${msg.payload.length} payload bytes`);
  }
  return {
    cmd: msg.payload.readUInt8(0),
    version: msg.payload.readUInt8(1),
    attributes: msg.payload.subarray(GENL_HDRLEN),
  };
}

/**
 * NLMSG_ERROR: int error, the request's header, the rest of the request unless
 * NLM_F_CAPPED, then extended-ack TLVs when NLM_F_ACK_TLVS.
 */
export function decodeError(msg: NetlinkMessage): ErrorMessage {
  if (msg.type !== NLMSG_ERROR) throw new DecodeError(`message type ${msg.type} is not NLMSG_ERROR`);
  const p = msg.payload;
  if (p.length < 4 + NLMSG_HDRLEN) throw new DecodeError(`NLMSG_ERROR with ${p.length} payload bytes`);
  const error = p.readInt32LE(0);
  const request = readHeader(p, 4);
  const out: ErrorMessage = { errno: error === 0 ? 0 : -error, request };
  if (error > 0) throw new DecodeError(`NLMSG_ERROR with positive error ${error}`);
  if (msg.flags & NLM_F_ACK_TLVS) {
    const echoed = msg.flags & NLM_F_CAPPED ? NLMSG_HDRLEN : align4(request.length);
    if (echoed < NLMSG_HDRLEN || 4 + echoed > p.length) {
      throw new DecodeError(`NLMSG_ERROR echoes a ${request.length}-byte request but has ${p.length} payload bytes`);
    }
    Object.assign(out, decodeExtack(p.subarray(4 + echoed), 'NLMSG_ERROR'));
  }
  return out;
}

/** NLMSG_DONE: an int status (absent on very old kernels), then extended-ack TLVs if flagged. */
export function decodeDone(msg: NetlinkMessage): DoneMessage {
  if (msg.type !== NLMSG_DONE) throw new DecodeError(`message type ${msg.type} is not NLMSG_DONE`);
  const p = msg.payload;
  if (p.length === 0) return { errno: 0 };
  if (p.length < 4) throw new DecodeError(`NLMSG_DONE with ${p.length} payload bytes`);
  const status = p.readInt32LE(0);
  const out: DoneMessage = { errno: status < 0 ? -status : 0 };
  if (msg.flags & NLM_F_ACK_TLVS) Object.assign(out, decodeExtack(p.subarray(4), 'NLMSG_DONE'));
  return out;
}

function decodeExtack(tlvs: Buffer, context: string): { extack?: string; extackOffset?: number } {
  const out: { extack?: string; extackOffset?: number } = {};
  const r = new AttributeReader(tlvs, `${context} ext-ack`);
  while (r.next()) {
    if (r.type === NLMSGERR_ATTR_MSG) out.extack = r.string();
    else if (r.type === NLMSGERR_ATTR_OFFS) out.extackOffset = r.u32();
  }
  r.check();
  return out;
}
