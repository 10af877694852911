/**
 * Generic-netlink request/reply over datagram sockets. The only file that
 * touches the `netlink` package; everything else is Buffer <-> object code.
 *
 * One socket per process (opened on first use) carries do-requests and
 * batches; concurrent dumps borrow a small pool, since the kernel runs one
 * dump per socket at a time. Every wait has a deadline. Replies are matched by
 * sequence number; anything else is ignored.
 */
import { constants as osConstants } from 'os';
import { AttributeWriter } from './attributes';
import {
  CTRL_CMD_GETFAMILY,
  GENL_ID_CTRL,
  NETLINK_GENERIC,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_DUMP_INTR,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_NOOP,
} from './constants';
import { DecodeError, FamilyNotFoundError, KernelError, TimeoutError, TransportError } from './errors';
import { decodeDone, decodeError, decodeGenl, encodeGenlMessage, encodeMessage, GenlMessage, NetlinkMessage, splitDatagram } from './message';
import { CTRL_SET, decodeSet } from './schema';

const { ENOBUFS, ENOENT } = osConstants.errno;
/** A batch's watchdog looks for progress this many times per deadline. */
const STALL_TICKS = 4;
/** Types below this are netlink control messages (<linux/netlink.h>). */
const NLMSG_MIN_TYPE = 0x10;

/** What the transport needs from a socket; the real one wraps RawNetlinkSocket, tests inject fakes. */
export interface PacketSocket {
  send(datagram: Buffer, done: (error?: Error & { errno?: number }) => void): void;
  listen(onDatagram: (datagram: Buffer) => void, onError: (error: Error & { errno?: number }) => void): void;
  ref(): void;
  unref(): void;
  close(): void;
  /** SO_RCVBUF as the kernel granted it, in bytes. */
  recvBufferSize(): number;
}

export type SocketFactory = () => PacketSocket;

export interface TransportOptions {
  /** Opens one socket; default: a real NETLINK_GENERIC socket. */
  socketFactory?: SocketFactory;
  /** Generic-netlink family and version (default IPVS, 1). */
  familyName?: string;
  familyVersion?: number;
  /** Deadline for every reply, in ms (default 5000). */
  timeoutMs?: number;
  /** Sockets available for concurrent dumps, the main one included (default 4). */
  poolSize?: number;
  /** Requests whose acknowledgements may be outstanding (default: from the receive buffer). */
  maxInFlight?: number;
  /** Upper bound on one batched write (default 64 KiB). */
  maxDatagramBytes?: number;
  /** Times a dump is restarted after lost messages or NLM_F_DUMP_INTR (default 3). */
  dumpRetries?: number;
  /** SO_RCVBUF to ask for (the kernel caps it at rmem_max; default 4 MiB). */
  recvBufferSize?: number;
}

export interface Request {
  cmd: number;
  attributes: Uint8Array;
  /** Kernel name of the command, for errors (NEW_SERVICE). */
  op: string;
  /** Overrides the transport's deadline (slow commands). */
  timeoutMs?: number;
}

/** A real NETLINK_GENERIC socket. The native module loads on first use only. */
export function netlinkSocketFactory(options: { recvBufferSize?: number; sendBufferSize?: number } = {}): SocketFactory {
  return () => {
    let raw: import('netlink/dist/raw').RawNetlinkSocket;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { RawNetlinkSocket } = require('netlink/dist/raw') as typeof import('netlink/dist/raw');
      raw = new RawNetlinkSocket(NETLINK_GENERIC, {
        recvBufferSize: options.recvBufferSize ?? 4 << 20,
        sendBufferSize: options.sendBufferSize ?? 1 << 20,
      });
    } catch (error) {
      const e = error as Error & { errno?: number };
      throw new TransportError(`cannot open a generic netlink socket: ${e.message}`, e.errno);
    }
    return {
      send: (datagram, done) => raw.send(datagram, undefined, (err) => done(err)),
      listen: (onDatagram, onError) => {
        raw.on('message', (msg) => onDatagram(msg));
        // With message peeking this cannot happen; treat it as a lost message.
        raw.on('truncatedMessage', () => onError(Object.assign(new Error('truncated datagram'), { errno: ENOBUFS })));
        raw.on('error', (err) => onError(err));
      },
      ref: () => raw.ref(),
      unref: () => raw.unref(),
      close: () => raw.close(),
      recvBufferSize: () => raw.getRecvBufferSize(),
    };
  };
}

type Kind = 'do' | 'dump' | 'ack' | 'barrier';

interface Exchange {
  seq: number;
  kind: Kind;
  op: string;
  replies: GenlMessage[];
  interrupted: boolean;
  timer?: NodeJS.Timeout;
  finish(error: Error | undefined, replies: GenlMessage[]): void;
}

class Channel {
  readonly pending = new Map<number, Exchange>();
  dumping = false;
  /** A dump may still run in the kernel (timed out or lost messages): retire when idle. */
  tainted = false;
  closed = false;
  private referenced = false;

  constructor(
    readonly socket: PacketSocket,
    private readonly owner: NetlinkTransport,
  ) {
    socket.listen(
      (d) => owner.onDatagram(this, d),
      (e) => owner.onSocketError(this, e),
    );
    socket.unref();
  }

  add(x: Exchange): void {
    this.pending.set(x.seq, x);
    if (!this.referenced && !this.closed) {
      this.socket.ref();
      this.referenced = true;
    }
  }

  remove(x: Exchange): void {
    if (this.pending.get(x.seq) === x) this.pending.delete(x.seq);
    if (x.timer) clearTimeout(x.timer);
    if (this.pending.size === 0 && this.referenced && !this.closed) {
      this.socket.unref();
      this.referenced = false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close();
    } catch {
      // already gone
    }
  }
}

export class NetlinkTransport {
  private readonly opts: Required<Omit<TransportOptions, 'maxInFlight'>> & { maxInFlight?: number };
  private channels: Channel[] = [];
  private readonly dumpWaiters: Array<() => void> = [];
  private seq = 0;
  private family?: Promise<number>;
  private closed = false;

  constructor(options: TransportOptions = {}) {
    this.opts = {
      socketFactory: options.socketFactory ?? netlinkSocketFactory({ recvBufferSize: options.recvBufferSize }),
      familyName: options.familyName ?? 'IPVS',
      familyVersion: options.familyVersion ?? 1,
      timeoutMs: options.timeoutMs ?? 5000,
      poolSize: Math.max(1, options.poolSize ?? 4),
      maxInFlight: options.maxInFlight,
      maxDatagramBytes: options.maxDatagramBytes ?? 64 * 1024,
      dumpRetries: options.dumpRetries ?? 3,
      recvBufferSize: options.recvBufferSize ?? 4 << 20,
    };
  }

  /** Number of sockets open now (tests watch the pool). */
  get socketCount(): number {
    return this.channels.filter((c) => !c.closed).length;
  }

  // ------------------------------------------------------------ public API

  /** The family's id, asked of the controller once and shared by every socket. */
  familyId(): Promise<number> {
    if (!this.family) {
      this.family = this.resolveFamily();
      this.family.catch(() => {
        this.family = undefined; // a later call (after modprobe) may succeed
      });
    }
    return this.family;
  }

  /** A plain request (NLM_F_ACK): the replies that came before the acknowledgement. */
  async request(req: Request): Promise<GenlMessage[]> {
    const type = await this.familyId();
    return this.exchange(this.mainChannel(), 'do', type, NLM_F_REQUEST | NLM_F_ACK, req);
  }

  /** A dump: every NLM_F_MULTI reply up to NLMSG_DONE. Restarted when messages were lost. */
  async dump(req: Request): Promise<GenlMessage[]> {
    const type = await this.familyId();
    let attempt = 0;
    for (;;) {
      const channel = await this.acquireDumpChannel();
      try {
        return await this.exchange(channel, 'dump', type, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, req);
      } catch (error) {
        if (!(error instanceof DumpRestart)) throw error;
        if (attempt >= this.opts.dumpRetries) {
          throw new TransportError(`${req.op}: dump incomplete after ${attempt + 1} attempts (${error.message})`, error.errno);
        }
        attempt++;
      } finally {
        this.releaseDumpChannel(channel);
      }
    }
  }

  /**
   * Sends the requests as few writes as possible, each with NLM_F_ACK, and
   * matches each acknowledgement to its request. Result i is undefined on
   * success, else the error for request i.
   */
  async batch(reqs: Request[]): Promise<Array<Error | undefined>> {
    const results: Array<Error | undefined> = new Array(reqs.length).fill(undefined);
    if (reqs.length === 0) return results;
    const type = await this.familyId();
    const channel = this.mainChannel();
    const maxInFlight = this.maxInFlight(channel);
    const timeoutMs = Math.max(...reqs.map((r) => r.timeoutMs ?? this.opts.timeoutMs));

    return new Promise((resolve) => {
      let next = 0;
      let inFlight = 0;
      let done = 0;
      const live = new Set<Exchange>();

      // The deadline is for the batch as a whole: no acknowledgement for
      // timeoutMs fails whatever is outstanding. One timer ticks a few times
      // per deadline and looks at a progress count, because re-arming a timer
      // per acknowledgement reads the clock each time (a real syscall in some
      // virtual machines, tens of thousands per restore). A stall is noticed
      // between timeoutMs and timeoutMs * (1 + 1 / STALL_TICKS) after the last
      // acknowledgement, never earlier.
      let progress = 0;
      let seen = -1;
      let quietTicks = 0;
      const watchdog = setInterval(() => {
        if (live.size === 0 || progress !== seen) {
          seen = progress;
          quietTicks = 0;
        } else if (++quietTicks >= STALL_TICKS) {
          quietTicks = 0;
          onStall();
        }
      }, timeoutMs / STALL_TICKS);
      const finishBatch = (): void => {
        clearInterval(watchdog);
        resolve(results);
      };
      const onStall = (): void => {
        for (const x of [...live]) {
          channel.remove(x);
          x.finish(new TimeoutError(x.op, timeoutMs), []);
        }
      };
      const settle = (i: number, x: Exchange, error: Error | undefined): void => {
        if (!live.delete(x)) return;
        results[i] = error;
        inFlight--;
        done++;
        progress++;
        if (done === reqs.length) {
          finishBatch();
          return;
        }
        pump();
      };
      // Refill only once half the window is free, so writes stay large.
      const lowWater = Math.floor(maxInFlight / 2);
      const pump = (): void => {
        if (inFlight > lowWater) return;
        while (next < reqs.length && inFlight < maxInFlight) {
          if (channel.closed) {
            for (; next < reqs.length; next++, done++) results[next] = new TransportError('socket closed');
            if (done === reqs.length) finishBatch();
            return;
          }
          const parts: Buffer[] = [];
          const sent: Exchange[] = [];
          let bytes = 0;
          while (next < reqs.length && inFlight < maxInFlight) {
            const r = reqs[next];
            const seq = this.nextSeq();
            const msg = encodeGenlMessage({ type, flags: NLM_F_REQUEST | NLM_F_ACK, seq }, r.cmd, this.opts.familyVersion, r.attributes);
            if (parts.length > 0 && bytes + msg.length > this.opts.maxDatagramBytes) break;
            const i = next++;
            const x: Exchange = {
              seq,
              kind: 'ack',
              op: r.op,
              replies: [],
              interrupted: false,
              finish: (error) => settle(i, x, error),
            };
            live.add(x);
            channel.add(x);
            parts.push(msg);
            sent.push(x);
            bytes += msg.length;
            inFlight++;
          }
          channel.socket.send(Buffer.concat(parts, bytes), (err) => {
            if (!err) return;
            for (const x of sent) {
              channel.remove(x);
              x.finish(new TransportError(`${x.op}: send failed: ${err.message}`, err.errno), []);
            }
          });
        }
      };
      pump();
    });
  }

  close(): void {
    this.closed = true;
    for (const c of this.channels) this.failChannel(c, new TransportError('netlink socket closed'));
    this.channels = [];
    for (const w of this.dumpWaiters.splice(0)) w();
  }

  // ------------------------------------------------------------ internals

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0 || 1;
    return this.seq;
  }

  private openChannel(): Channel {
    if (this.closed) throw new TransportError('netlink transport is closed');
    const c = new Channel(this.opts.socketFactory(), this);
    this.channels.push(c);
    return c;
  }

  private mainChannel(): Channel {
    const live = this.channels.find((c) => !c.closed && !c.tainted);
    return live ?? this.openChannel();
  }

  private maxInFlight(channel: Channel): number {
    if (this.opts.maxInFlight) return this.opts.maxInFlight;
    // An acknowledgement costs about 1 KiB of receive buffer (skb overhead
    // included); keep half the buffer free for anything else in flight.
    let rcvbuf = 0;
    try {
      rcvbuf = channel.socket.recvBufferSize();
    } catch {
      rcvbuf = 0;
    }
    return Math.max(8, Math.min(512, Math.floor(rcvbuf / 2048)));
  }

  private async acquireDumpChannel(): Promise<Channel> {
    for (;;) {
      if (this.closed) throw new TransportError('netlink transport is closed');
      const free = this.channels.find((c) => !c.closed && !c.tainted && !c.dumping);
      if (free) {
        free.dumping = true;
        return free;
      }
      if (this.channels.filter((c) => !c.closed).length < this.opts.poolSize) {
        const c = this.openChannel();
        c.dumping = true;
        return c;
      }
      await new Promise<void>((r) => this.dumpWaiters.push(r));
    }
  }

  private releaseDumpChannel(c: Channel): void {
    c.dumping = false;
    this.retireIfIdle(c);
    this.dumpWaiters.shift()?.();
  }

  private retireIfIdle(c: Channel): void {
    if (c.tainted && c.pending.size === 0) {
      c.close();
      this.channels = this.channels.filter((x) => x !== c);
      this.dumpWaiters.shift()?.();
    }
  }

  private async resolveFamily(): Promise<number> {
    const w = new AttributeWriter();
    w.string(CTRL_SET.byName.get('FAMILY_NAME')!.id, this.opts.familyName);
    let replies: GenlMessage[];
    try {
      replies = await this.exchange(this.mainChannel(), 'do', GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, {
        cmd: CTRL_CMD_GETFAMILY,
        attributes: w.finish(),
        op: 'CTRL_CMD_GETFAMILY',
      });
    } catch (error) {
      if (error instanceof KernelError && error.errno === ENOENT) throw new FamilyNotFoundError(this.opts.familyName, error.errno);
      throw error;
    }
    for (const r of replies) {
      const d = decodeSet(CTRL_SET, r.attributes);
      const id = d.num('FAMILY_ID');
      if (id !== undefined) return id;
    }
    throw new DecodeError(`controller reply for ${this.opts.familyName} has no CTRL_ATTR_FAMILY_ID`);
  }

  private exchange(channel: Channel, kind: Kind, type: number, flags: number, req: Request): Promise<GenlMessage[]> {
    return new Promise((resolve, reject) => {
      const seq = this.nextSeq();
      const timeoutMs = req.timeoutMs ?? this.opts.timeoutMs;
      const x: Exchange = {
        seq,
        kind,
        op: req.op,
        replies: [],
        interrupted: false,
        finish: (error, replies) => (error ? reject(error) : resolve(replies)),
      };
      x.timer = setTimeout(() => {
        channel.remove(x);
        if (kind === 'dump') channel.tainted = true;
        x.finish(new TimeoutError(req.op, timeoutMs), []);
      }, timeoutMs);
      channel.add(x);
      const datagram = encodeGenlMessage({ type, flags, seq }, req.cmd, this.opts.familyVersion, req.attributes);
      channel.socket.send(datagram, (err) => {
        if (!err) return;
        channel.remove(x);
        x.finish(new TransportError(`${req.op}: send failed: ${err.message}`, err.errno), []);
      });
    });
  }

  /** @internal called by Channel */
  onDatagram(channel: Channel, datagram: Buffer): void {
    const { messages, error, brokenHeader } = splitDatagram(datagram);
    for (const m of messages) this.onMessage(channel, m);
    if (error) {
      // The damaged message's exchange, if its header was readable, else all of them.
      const victim = brokenHeader && channel.pending.get(brokenHeader.seq);
      for (const x of victim ? [victim] : [...channel.pending.values()]) this.complete(channel, x, error);
    }
  }

  private onMessage(channel: Channel, m: NetlinkMessage): void {
    const x = channel.pending.get(m.seq);
    if (!x) return; // stale (timed out) or not ours
    try {
      if (m.type === NLMSG_ERROR) {
        const e = decodeError(m);
        if (e.errno !== 0) {
          this.complete(channel, x, new KernelError(e.errno, x.op, e.extack, e.extackOffset));
        } else if (x.kind === 'barrier') {
          this.complete(channel, x);
        } else if (x.kind !== 'dump') {
          // A dump is answered by NLMSG_DONE, never by an ACK; ignore a stray one.
          this.complete(channel, x);
        }
      } else if (m.type === NLMSG_DONE) {
        if (x.kind !== 'dump') return;
        const d = decodeDone(m);
        if (d.errno !== 0) this.complete(channel, x, new KernelError(d.errno, x.op, d.extack, d.extackOffset));
        else if (x.interrupted) this.complete(channel, x, new DumpRestart('NLM_F_DUMP_INTR'));
        else this.complete(channel, x);
      } else if (m.type >= NLMSG_MIN_TYPE) {
        if (m.flags & NLM_F_DUMP_INTR) x.interrupted = true;
        if (x.kind === 'do' || x.kind === 'dump') x.replies.push(decodeGenl(m));
      }
      // NLMSG_NOOP / NLMSG_OVERRUN carry nothing for us.
    } catch (error) {
      this.complete(channel, x, error instanceof Error ? error : new DecodeError(String(error)));
    }
  }

  private complete(channel: Channel, x: Exchange, error?: Error): void {
    channel.remove(x);
    x.finish(error, x.replies);
    if (channel.pending.size === 0) this.retireIfIdle(channel);
  }

  /** @internal called by Channel */
  onSocketError(channel: Channel, err: Error & { errno?: number }): void {
    if (err.errno !== ENOBUFS) {
      this.failChannel(channel, new TransportError(`netlink socket error: ${err.message}`, err.errno));
      this.channels = this.channels.filter((c) => c !== channel);
      return;
    }
    // Messages were dropped. A dump restarts on a fresh socket (this one may
    // still be dumping, so it retires once idle); for acknowledgements, a
    // barrier tells which ones will never come.
    channel.tainted = true;
    const waiting: Exchange[] = [];
    for (const x of [...channel.pending.values()]) {
      if (x.kind === 'dump') this.complete(channel, x, new DumpRestart('ENOBUFS', ENOBUFS));
      else if (x.kind !== 'barrier') waiting.push(x);
    }
    if (waiting.length) this.sendBarrier(channel, waiting);
  }

  private sendBarrier(channel: Channel, waiting: Exchange[]): void {
    const seq = this.nextSeq();
    const lost = (): void => {
      for (const x of waiting) {
        if (channel.pending.get(x.seq) !== x) continue;
        this.complete(channel, x, new TransportError(`${x.op}: acknowledgement lost (receive buffer overrun)`, ENOBUFS));
      }
    };
    const barrier: Exchange = {
      seq,
      kind: 'barrier',
      op: 'NLMSG_NOOP',
      replies: [],
      interrupted: false,
      finish: lost,
    };
    barrier.timer = setTimeout(() => this.complete(channel, barrier), this.opts.timeoutMs);
    channel.add(barrier);
    // The kernel acknowledges control messages in order, after every earlier reply.
    channel.socket.send(encodeMessage({ type: NLMSG_NOOP, flags: NLM_F_REQUEST | NLM_F_ACK, seq }, Buffer.alloc(0)), (err) => {
      if (err) this.complete(channel, barrier);
    });
  }

  private failChannel(channel: Channel, error: Error): void {
    for (const x of [...channel.pending.values()]) {
      channel.remove(x);
      x.finish(error, []);
    }
    channel.close();
  }
}

/** Internal: a dump that must be restarted. */
class DumpRestart extends Error {
  constructor(
    reason: string,
    readonly errno?: number,
  ) {
    super(reason);
  }
}
