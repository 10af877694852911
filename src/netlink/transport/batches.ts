/**
 * Batches: many requests, each with NLM_F_ACK, written a datagram at a time
 * into a window of outstanding acknowledgements, each acknowledgement matched
 * to its request.
 */
import { NLM_F_ACK, NLM_F_REQUEST } from '../constants';
import { TimeoutError, TransportError } from '../errors';
import type { Channel } from './channel';
import { Exchange, newExchange, Request, SequenceNumbers } from './exchange';
import type { Framing } from './framing';

/** A batch's watchdog looks for progress this many times per deadline. */
const STALL_TICKS = 4;

export interface BatchSettings {
  /** The message type of every request (a generic netlink family's id). */
  type: number;
  framing: Framing;
  sequence: SequenceNumbers;
  /** Deadline of requests without their own. */
  timeoutMs: number;
  /** Requests whose acknowledgements may be outstanding (default: from the receive buffer). */
  maxInFlight?: number;
  /** Upper bound on one write. */
  maxDatagramBytes: number;
}

export type BatchResults = Array<Error | undefined>;

/**
 * Sends `reqs` (at least one) over `channel` in as few writes as possible.
 * Result i is undefined on success, else the error for request i.
 */
export function sendBatch(channel: Channel, reqs: Request[], settings: BatchSettings): Promise<BatchResults> {
  const window = settings.maxInFlight || windowFromReceiveBuffer(channel);
  // The longest deadline of any request in it (not Math.max(...): spreading
  // a restore's worth of requests into arguments overflows the stack).
  const timeoutMs = reqs.reduce((longest, r) => Math.max(longest, r.timeoutMs ?? settings.timeoutMs), 0);
  return new Promise((resolve) => new Batch(channel, reqs, { ...settings, window, timeoutMs }, resolve).pump());
}

/**
 * An acknowledgement costs about 1 KiB of receive buffer (skb overhead
 * included); keep half the buffer free for anything else in flight.
 */
function windowFromReceiveBuffer(channel: Channel): number {
  let rcvbuf = 0;
  try {
    rcvbuf = channel.socket.recvBufferSize();
  } catch {
    rcvbuf = 0;
  }
  return Math.max(8, Math.min(512, Math.floor(rcvbuf / 2048)));
}

type Limits = BatchSettings & { window: number };

class Batch {
  private readonly results: BatchResults;
  /** Index of the first request not yet sent. */
  private next = 0;
  /** Sent, not yet settled. */
  private inFlight = 0;
  /** Settled: acknowledged, failed or never sent. */
  private done = 0;
  /** Exchanges waiting for their acknowledgement. */
  private readonly live = new Set<Exchange>();
  /** Refill only once half the window is free, so writes stay large. */
  private readonly lowWater: number;
  private readonly watchdog: StallWatchdog;

  constructor(
    private readonly channel: Channel,
    private readonly reqs: Request[],
    private readonly limits: Limits,
    private readonly resolve: (results: BatchResults) => void,
  ) {
    this.results = new Array(reqs.length).fill(undefined);
    this.lowWater = Math.floor(limits.window / 2);
    this.watchdog = new StallWatchdog(
      limits.timeoutMs,
      () => this.live.size > 0,
      () => this.failOutstanding(),
    );
  }

  /** Fills the window, a datagram at a time. */
  pump(): void {
    if (this.inFlight > this.lowWater) return;
    while (this.next < this.reqs.length && this.inFlight < this.limits.window) {
      if (this.channel.closed) {
        this.failUnsent();
        return;
      }
      this.writeDatagram();
    }
  }

  /** Sends the next requests that fit in the window and in one datagram. */
  private writeDatagram(): void {
    const { channel, reqs, limits } = this;
    const parts: Buffer[] = [];
    const sent: Exchange[] = [];
    let bytes = 0;
    while (this.next < reqs.length && this.inFlight < limits.window) {
      const r = reqs[this.next];
      const seq = limits.sequence.next();
      const msg = limits.framing.encode({ type: limits.type, flags: NLM_F_REQUEST | NLM_F_ACK, seq }, r);
      if (parts.length > 0 && bytes + msg.length > limits.maxDatagramBytes) break;
      sent.push(this.track(this.next++, seq, r.op));
      parts.push(msg);
      bytes += msg.length;
    }
    channel.socket.send(Buffer.concat(parts, bytes), (err) => {
      if (!err) return;
      for (const x of sent) {
        channel.remove(x);
        x.finish(new TransportError(`${x.op}: send failed: ${err.message}`, err.errno), []);
      }
    });
  }

  /** Request i is about to be sent with sequence number `seq`. */
  private track(i: number, seq: number, op: string): Exchange {
    const x = newExchange(seq, 'ack', op, (error) => this.settle(i, x, error));
    this.live.add(x);
    this.channel.add(x);
    this.inFlight++;
    return x;
  }

  private settle(i: number, x: Exchange, error: Error | undefined): void {
    if (!this.live.delete(x)) return;
    this.results[i] = error;
    this.inFlight--;
    this.done++;
    this.watchdog.progressed();
    if (this.done === this.reqs.length) {
      this.finish();
      return;
    }
    this.pump();
  }

  /** The socket closed under the batch: what was not sent never will be. */
  private failUnsent(): void {
    for (; this.next < this.reqs.length; this.next++, this.done++) this.results[this.next] = new TransportError('socket closed');
    if (this.done === this.reqs.length) this.finish();
  }

  /** No acknowledgement for a whole deadline: whatever is outstanding has timed out. */
  private failOutstanding(): void {
    for (const x of [...this.live]) {
      this.channel.remove(x);
      x.finish(new TimeoutError(x.op, this.limits.timeoutMs), []);
    }
  }

  private finish(): void {
    this.watchdog.stop();
    this.resolve(this.results);
  }
}

/**
 * The deadline is for the batch as a whole: no acknowledgement for timeoutMs
 * fails whatever is outstanding. One timer ticks a few times per deadline and
 * looks at a progress count, because re-arming a timer per acknowledgement
 * reads the clock each time (a real syscall in some virtual machines, tens of
 * thousands per restore). A stall is noticed between timeoutMs and
 * timeoutMs * (1 + 1 / STALL_TICKS) after the last acknowledgement, never
 * earlier.
 */
class StallWatchdog {
  private progress = 0;
  private seen = -1;
  private quietTicks = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(timeoutMs: number, waiting: () => boolean, onStall: () => void) {
    this.timer = setInterval(() => {
      if (!waiting() || this.progress !== this.seen) {
        this.seen = this.progress;
        this.quietTicks = 0;
      } else if (++this.quietTicks >= STALL_TICKS) {
        this.quietTicks = 0;
        onStall();
      }
    }, timeoutMs / STALL_TICKS);
  }

  progressed(): void {
    this.progress++;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
