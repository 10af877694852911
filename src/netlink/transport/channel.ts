/**
 * One socket and the exchanges waiting on it. Replies are matched to their
 * request by sequence number; anything else is ignored. Every wait has a
 * deadline.
 */
import { constants as osConstants } from 'os';
import { NLM_F_ACK, NLM_F_REQUEST, NLMSG_NOOP } from '../constants';
import { DecodeError, TimeoutError, TransportError } from '../errors';
import { encodeMessage, walkDatagram } from '../message';
import { absorbAt, DumpRestart, Exchange, Kind, newExchange, ReplyReader, Request, SequenceNumbers } from './exchange';
import type { Framing } from './framing';
import type { PacketSocket, SocketError, SocketUse } from './socket';

const { ENOBUFS } = osConstants.errno;

/**
 * Deadlines are kept in ticks of one timer per socket, DEADLINE_TICKS to the
 * transport's default deadline, rather than a timer per request: arming a
 * timer reads the clock, a system call in some virtual machines (UML), and a
 * listing sends a dump per service. A deadline of T ms is therefore noticed
 * between T and T plus one tick after the request went out, never earlier.
 */
const DEADLINE_TICKS = 8;

/** What a channel needs from the transport that owns it. */
export interface ChannelContext {
  readonly sequence: SequenceNumbers;
  /** How requests are written and replies read (generic netlink or rtnetlink). */
  readonly framing: Framing;
  /** Deadline for a request without its own, and for the barrier after lost messages. */
  readonly timeoutMs: number;
  /** The last pending exchange has completed: a tainted channel can retire. */
  idle(channel: Channel): void;
  /** A socket error other than ENOBUFS has failed every exchange and closed the channel. */
  broken(channel: Channel): void;
}

export class Channel {
  readonly pending = new Map<number, Exchange>();
  /** A dump is running here (the kernel runs one dump per socket at a time). */
  dumping = false;
  /** A dump may still run in the kernel (timed out or lost messages): retire when idle. */
  tainted = false;
  closed = false;
  /** The socket keeps the process alive only while something is pending. */
  private referenced = false;
  /** Counts the deadlines down; runs from the first request, referenced only while something is pending. */
  private ticker?: NodeJS.Timeout;

  constructor(
    readonly socket: PacketSocket,
    readonly use: SocketUse,
    private readonly context: ChannelContext,
  ) {
    socket.listen(
      (d) => this.onDatagram(d),
      (e) => this.onSocketError(e),
    );
    socket.unref();
  }

  /**
   * Starts waiting for `x`, which expires after `timeoutMs` without a
   * message for it: a deadline on silence, not on the whole answer, since a
   * dump of 100,000 services takes longer than any deadline meant for a
   * kernel that does not answer. Without `timeoutMs` it waits until removed
   * (a batch keeps its own deadline).
   */
  add(x: Exchange, timeoutMs?: number, expire?: () => void): void {
    const tickMs = this.context.timeoutMs / DEADLINE_TICKS;
    x.ticksFull = timeoutMs === undefined ? Infinity : Math.ceil(timeoutMs / tickMs) + 1;
    x.ticksLeft = x.ticksFull;
    x.expire = expire;
    this.pending.set(x.seq, x);
    if (!this.referenced && !this.closed) {
      this.socket.ref();
      this.ticker ??= setInterval(() => this.tick(), tickMs);
      this.ticker.ref();
      this.referenced = true;
    }
  }

  remove(x: Exchange): void {
    if (this.pending.get(x.seq) === x) this.pending.delete(x.seq);
    if (this.pending.size === 0 && this.referenced && !this.closed) {
      this.socket.unref();
      this.ticker?.unref();
      this.referenced = false;
    }
  }

  private tick(): void {
    for (const x of [...this.pending.values()]) if (--x.ticksLeft <= 0) x.expire?.();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    try {
      this.socket.close();
    } catch {
      // already gone
    }
  }

  /**
   * Sends one request; resolves with its replies once it is answered in full:
   * GenlMessages, or what `read` made of each.
   */
  transact(kind: Kind, type: number, flags: number, req: Request, read?: ReplyReader<unknown>): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const seq = this.context.sequence.next();
      const timeoutMs = req.timeoutMs ?? this.context.timeoutMs;
      const x = newExchange(seq, kind, req.op, (error, replies) => (error ? reject(error) : resolve(replies)), read, this.context.framing.replyHeaderBytes);
      this.add(x, timeoutMs, () => {
        this.remove(x);
        if (kind === 'dump') this.tainted = true;
        x.finish(new TimeoutError(req.op, timeoutMs), []);
      });
      const datagram = this.context.framing.encode({ type, flags, seq }, req);
      this.socket.send(datagram, (err) => {
        if (!err) return;
        this.remove(x);
        x.finish(new TransportError(`${req.op}: send failed: ${err.message}`, err.errno), []);
      });
    });
  }

  /** Fails every pending exchange with `error` and closes the socket. */
  fail(error: Error): void {
    for (const x of [...this.pending.values()]) {
      this.remove(x);
      x.finish(error, []);
    }
    this.close();
  }

  private complete(x: Exchange, error?: Error): void {
    this.remove(x);
    x.finish(error, x.replies);
    if (this.pending.size === 0) this.context.idle(this);
  }

  private onDatagram(datagram: Buffer): void {
    const fault = walkDatagram(datagram, (at, length, type, flags, seq) => this.onMessage(datagram, at, length, type, flags, seq));
    if (fault) {
      // The damaged message's exchange, if its header was readable, else all of them.
      const victim = fault.brokenHeader && this.pending.get(fault.brokenHeader.seq);
      for (const x of victim ? [victim] : [...this.pending.values()]) this.complete(x, fault.error);
    }
  }

  private onMessage(datagram: Buffer, at: number, length: number, type: number, flags: number, seq: number): void {
    const x = this.pending.get(seq);
    if (!x) return; // stale (timed out) or not ours
    x.ticksLeft = x.ticksFull;
    try {
      const ending = absorbAt(x, datagram, at, length, type, flags, seq);
      if (ending) this.complete(x, ending.error);
    } catch (error) {
      this.complete(x, error instanceof Error ? error : new DecodeError(String(error)));
    }
  }

  private onSocketError(err: SocketError): void {
    if (err.errno !== ENOBUFS) {
      this.fail(new TransportError(`netlink socket error: ${err.message}`, err.errno));
      this.context.broken(this);
      return;
    }
    // Messages were dropped. A dump restarts on a fresh socket (this one may
    // still be dumping, so it retires once idle); for acknowledgements, a
    // barrier tells which ones will never come.
    this.tainted = true;
    // An earlier barrier's own acknowledgement may be among the lost: the new
    // one, sent after it, answers for everything still waiting.
    const waiting: Exchange[] = [];
    for (const x of [...this.pending.values()]) {
      if (x.kind === 'dump') this.complete(x, new DumpRestart('ENOBUFS', ENOBUFS));
      else if (x.kind === 'barrier') this.remove(x);
      else waiting.push(x);
    }
    if (waiting.length) this.sendBarrier(waiting);
  }

  /**
   * The kernel acknowledges control messages in order, after every earlier
   * reply: once the NLMSG_NOOP's acknowledgement is in (or its deadline has
   * passed), an exchange in `waiting` still pending has lost its answer.
   */
  private sendBarrier(waiting: Exchange[]): void {
    const seq = this.context.sequence.next();
    const lost = (): void => {
      for (const x of waiting) {
        if (this.pending.get(x.seq) !== x) continue;
        this.complete(x, new TransportError(`${x.op}: acknowledgement lost (receive buffer overrun)`, ENOBUFS));
      }
    };
    const barrier = newExchange(seq, 'barrier', 'NLMSG_NOOP', lost);
    this.add(barrier, this.context.timeoutMs, () => this.complete(barrier));
    this.socket.send(encodeMessage({ type: NLMSG_NOOP, flags: NLM_F_REQUEST | NLM_F_ACK, seq }, Buffer.alloc(0)), (err) => {
      if (err) this.complete(barrier);
    });
  }
}
