/**
 * The sockets of one transport. The first healthy one carries requests and
 * batches; a dump borrows one of its own (the kernel runs one dump per socket
 * at a time), up to `size` sockets in all. A tainted socket, one a dump may
 * still be running on, is closed once nothing waits on it.
 */
import { TransportError } from '../errors';
import { Channel, ChannelContext } from './channel';
import type { SocketFactory } from './socket';

export type ChannelSettings = Pick<ChannelContext, 'sequence' | 'familyVersion' | 'timeoutMs'>;

export class ChannelPool {
  private channels: Channel[] = [];
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
    const live = this.channels.find((c) => !c.closed && !c.tainted);
    return live ?? this.open();
  }

  /** A socket no other dump is using; waits for one when all `size` are busy. */
  async acquireForDump(): Promise<Channel> {
    for (;;) {
      if (this.closed) throw new TransportError('netlink transport is closed');
      const free = this.channels.find((c) => !c.closed && !c.tainted && !c.dumping);
      if (free) {
        free.dumping = true;
        return free;
      }
      if (this.openCount < this.size) {
        const c = this.open();
        c.dumping = true;
        return c;
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  releaseFromDump(c: Channel): void {
    c.dumping = false;
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

  private open(): Channel {
    if (this.closed) throw new TransportError('netlink transport is closed');
    const c = new Channel(this.socketFactory(), this.context);
    this.channels.push(c);
    return c;
  }

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
