/**
 * The sockets of one transport. The first healthy request socket carries
 * requests and batches; a dump borrows a dump socket of its own (the kernel
 * runs one dump per socket at a time), up to `size` sockets in all, the
 * request socket included (with `size` 1, dumps share that one). Dump sockets
 * read exactly until a dump of a command brings BULK_DUMP_BYTES or more; from
 * then on that command's dumps go to sockets that read in bulk (socket.ts).
 * A dump said to be large (the services of the whole table) reads in bulk
 * from the start: the kernel makes each round of a dump walk the table from
 * its first entry up to where the last round stopped, so a dump of N entries
 * in rounds of k costs it about N * N / 2k steps, and a bulk read makes k
 * about eight times larger (a plain `-L` of 16,000 services in the lab
 * waited about 1.0 s for the kernel with exact reads, 0.3 s in bulk).
 * A tainted socket, one a dump may still be running on, is closed once
 * nothing waits on it.
 */
import { TransportError } from '../errors';
import { Channel, ChannelContext } from './channel';
import type { SocketFactory, SocketUse } from './socket';

export type ChannelSettings = Pick<ChannelContext, 'sequence' | 'framing' | 'timeoutMs'>;

/** A dump this large says the table's dumps are large: later ones read in bulk. */
export const BULK_DUMP_BYTES = 16384;

export class ChannelPool {
  private channels: Channel[] = [];
  /** Dumps of these commands have been large: they read in bulk. */
  private readonly bulkOps = new Set<string>();
  /** Dumps waiting for a socket to come free. */
  private readonly waiters: Array<() => void> = [];
  private closed = false;
  private readonly context: ChannelContext;

  constructor(
    private readonly socketFactory: SocketFactory,
    private readonly size: number,
    settings: ChannelSettings,
  ) {
    this.context = {
      ...settings,
      idle: (c) => this.retireIfIdle(c),
      broken: (c) => this.forget(c),
    };
  }

  /** Sockets open now. */
  get openCount(): number {
    return this.channels.filter((c) => !c.closed).length;
  }

  /** The socket for requests and batches, opened on first use. */
  main(): Channel {
    const live = this.channels.find((c) => c.use === 'requests' && !c.closed && !c.tainted);
    return live ?? this.open('requests');
  }

  /**
   * A socket no other dump is using, for a dump of command `op` (`large`: see
   * above); waits for one when all `size` are busy.
   */
  async acquireForDump(op: string, large = false): Promise<Channel> {
    for (;;) {
      if (this.closed) throw new TransportError('netlink transport is closed');
      const use = this.size === 1 ? 'requests' : large || this.bulkOps.has(op) ? 'bulk-dumps' : 'dumps';
      const free = this.channels.find((c) => c.use === use && !c.closed && !c.tainted && !c.dumping);
      if (free) {
        free.dumping = true;
        return free;
      }
      // An idle dump socket of the other kind gives up its place.
      const idle = this.channels.find((c) => c.use !== use && c.use !== 'requests' && !c.dumping && c.pending.size === 0);
      if (idle && this.openCount >= this.size) {
        idle.close();
        this.forget(idle);
      }
      // One place is kept for the request socket.
      const reserved = use !== 'requests' && !this.channels.some((c) => c.use === 'requests' && !c.closed) ? 1 : 0;
      if (this.openCount + reserved < this.size) {
        const c = this.open(use);
        c.dumping = true;
        return c;
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** A dump of command `op` on `c` is over; it brought `bytes` bytes. */
  releaseFromDump(c: Channel, op: string, bytes = 0): void {
    c.dumping = false;
    if (bytes >= BULK_DUMP_BYTES) this.bulkOps.add(op);
    this.retireIfIdle(c);
    this.waiters.shift()?.();
  }

  /** Fails everything in flight with a TransportError and closes every socket. */
  close(): void {
    this.closed = true;
    for (const c of this.channels) c.fail(new TransportError('netlink socket closed'));
    this.channels = [];
    for (const w of this.waiters.splice(0)) w();
  }

  private open(use: SocketUse): Channel {
    if (this.closed) throw new TransportError('netlink transport is closed');
    const c = new Channel(this.socketFactory(use), use, this.context);
    this.channels.push(c);
    return c;
  }

  /** Closes `c` if it is idle and tainted. */
  private retireIfIdle(c: Channel): void {
    if (c.tainted && c.pending.size === 0) {
      c.close();
      this.forget(c);
      this.waiters.shift()?.();
    }
  }

  private forget(c: Channel): void {
    this.channels = this.channels.filter((x) => x !== c);
  }
}
