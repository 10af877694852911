/**
 * One request and what has come back for it so far, and the rule that says
 * when a reply message finishes it. No sockets here.
 */
import { NLM_F_DUMP_INTR, NLMSG_DONE, NLMSG_ERROR } from '../constants';
import { GENL_HDRLEN, NLMSG_HDRLEN } from '../constants';
import { DecodeError, KernelError } from '../errors';
import { decodeDone, decodeError, decodeGenl, messageAt, NetlinkMessage } from '../message';

/** Types below this are netlink control messages (<linux/netlink.h>). */
const NLMSG_MIN_TYPE = 0x10;

/**
 * Reads one reply's attribute area, data[start, end), in place, into what the
 * caller wants; throws DecodeError on a malformed reply.
 */
export type ReplyReader<T> = (data: Buffer, start: number, end: number) => T;

export interface Request {
  /** The generic netlink command; rtnetlink requests repeat their message type here. */
  cmd: number;
  /**
   * What follows the family's header: generic netlink's attributes, or for
   * rtnetlink (no common header, see framing.ts) the whole payload.
   */
  attributes: Uint8Array;
  /** Kernel name of the command, for errors (NEW_SERVICE). */
  op: string;
  /** Overrides the transport's deadline (slow commands). */
  timeoutMs?: number;
  /**
   * A dump of the whole table, large whenever the table is: read in bulk
   * from its first datagram (see pool.ts).
   */
  large?: boolean;
}

/**
 * do: replies, then an acknowledgement. dump: replies up to NLMSG_DONE.
 * ack: a batched request, only its acknowledgement counts. barrier: a
 * NLMSG_NOOP sent after lost messages, see Channel.
 */
export type Kind = 'do' | 'dump' | 'ack' | 'barrier';

export interface Exchange {
  seq: number;
  kind: Kind;
  op: string;
  /** GenlMessages, or what `read` made of each reply. */
  replies: unknown[];
  /** Reads each reply where it lies in the datagram instead of making a GenlMessage of it. */
  read?: ReplyReader<unknown>;
  /** Bytes of the family's header at the start of each reply's payload, not given to `read`. */
  headerBytes: number;
  /**
   * A dump's replies as they came, (datagram, start, end) in turn, read only
   * once NLMSG_DONE is in: see holdReply.
   */
  held: (Buffer | number)[];
  /** A reply carried NLM_F_DUMP_INTR: the dump saw the table change. */
  interrupted: boolean;
  /** Deadline ticks of its channel left before `expire` (see Channel). */
  ticksLeft: number;
  /** What ticksLeft starts from, again at each message that comes for it. */
  ticksFull: number;
  /** What the deadline does to it. */
  expire?: () => void;
  finish(error: Error | undefined, replies: unknown[]): void;
}

export function newExchange(
  seq: number, kind: Kind, op: string, finish: Exchange['finish'], read?: ReplyReader<unknown>, headerBytes = GENL_HDRLEN,
): Exchange {
  return { seq, kind, op, replies: [], read, headerBytes, held: [], interrupted: false, ticksLeft: Infinity, ticksFull: Infinity, finish };
}

/**
 * The kernel makes the next piece of a dump while the last one is read, and
 * the socket reads pieces back to back only while nothing slow runs between
 * them. IPVS resumes a dump by position, so a change elsewhere in the table
 * between two pieces makes the dump skip or repeat a service (see
 * commands/apply/live.ts): the longer the gap, the likelier. So a dump's
 * replies are only kept as they come, and read once the dump is whole.
 */
function holdReply(x: Exchange, data: Buffer, start: number, end: number): void {
  if (x.kind === 'dump' && x.read) x.held.push(data, start, end);
  else if (x.read) x.replies.push(x.read(data, start, end));
}

function readHeld(x: Exchange): void {
  const { held, read } = x;
  for (let i = 0; i < held.length; i += 3) x.replies.push(read!(held[i] as Buffer, held[i + 1] as number, held[i + 2] as number));
  x.held = [];
}

/** Sequence numbers for every socket of one transport: 1, 2, ..., never 0, wrapping at 2^32. */
export class SequenceNumbers {
  private last = 0;

  next(): number {
    this.last = (this.last + 1) >>> 0 || 1;
    return this.last;
  }
}

/** A dump that must be restarted (lost messages, or the kernel said NLM_F_DUMP_INTR). */
export class DumpRestart extends Error {
  constructor(
    reason: string,
    readonly errno?: number,
  ) {
    super(reason);
  }
}

/** Outcome of one message: the exchange is over (with `error` when it failed). */
export interface Ending {
  error?: Error;
}

/**
 * absorb() for a message still in its datagram: a reply to an exchange with a
 * reader is read where it lies, with no object made for the message.
 */
export function absorbAt(
  x: Exchange, datagram: Buffer, at: number, length: number, type: number, flags: number, seq: number,
): Ending | undefined {
  if (x.read === undefined || type < NLMSG_MIN_TYPE) return absorb(x, messageAt(datagram, at, length, type, flags, seq));
  if (length < NLMSG_HDRLEN + x.headerBytes) {
    throw new DecodeError(`netlink message of type ${type} has ${length - NLMSG_HDRLEN} payload bytes, less than its ${x.headerBytes}-byte header`);
  }
  if (flags & NLM_F_DUMP_INTR) x.interrupted = true;
  if (x.kind === 'do' || x.kind === 'dump') holdReply(x, datagram, at + NLMSG_HDRLEN + x.headerBytes, at + length);
  return undefined;
}

/**
 * Takes one message addressed to `x` (same sequence number). Returns how `x`
 * ends, or undefined while more is to come. Throws DecodeError on a
 * malformed message, which ends `x` too.
 */
export function absorb(x: Exchange, m: NetlinkMessage): Ending | undefined {
  if (m.type === NLMSG_ERROR) {
    const e = decodeError(m);
    if (e.errno !== 0) return { error: new KernelError(e.errno, x.op, e.extack, e.extackOffset) };
    // A dump is answered by NLMSG_DONE, never by an ACK; ignore a stray one.
    return x.kind === 'dump' ? undefined : {};
  }
  if (m.type === NLMSG_DONE) {
    if (x.kind !== 'dump') return undefined;
    const d = decodeDone(m);
    if (d.errno !== 0) return { error: new KernelError(d.errno, x.op, d.extack, d.extackOffset) };
    if (x.interrupted) return { error: new DumpRestart('NLM_F_DUMP_INTR') };
    readHeld(x);
    return {};
  }
  if (m.type >= NLMSG_MIN_TYPE) {
    if (m.flags & NLM_F_DUMP_INTR) x.interrupted = true;
    if (x.kind === 'do' || x.kind === 'dump') {
      if (x.read) {
        if (m.payload.length < x.headerBytes) throw new DecodeError(`netlink message of type ${m.type} has ${m.payload.length} payload bytes, less than its ${x.headerBytes}-byte header`);
        holdReply(x, m.payload, x.headerBytes, m.payload.length);
      } else {
        x.replies.push(decodeGenl(m));
      }
    }
  }
  // NLMSG_NOOP / NLMSG_OVERRUN carry nothing for us.
  return undefined;
}
