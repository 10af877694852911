/**
 * Generic-netlink request/reply over datagram sockets, in parts:
 *
 *  - socket.ts    the socket, the only code that touches the `netlink` package
 *  - exchange.ts  a request in flight, and when a reply message finishes it
 *  - channel.ts   one socket: matches replies by sequence number, deadlines,
 *                 lost messages (ENOBUFS)
 *  - pool.ts      which socket: one for requests and batches, more for dumps
 *  - dumps.ts     dumps, restarted after lost messages or NLM_F_DUMP_INTR
 *  - batches.ts   many acknowledged requests in few writes, with a watchdog
 *
 * Everything else in src/netlink is Buffer <-> object code.
 */
import { constants as osConstants } from 'os';
import { AttributeWriter } from '../attributes';
import { CTRL_CMD_GETFAMILY, GENL_ID_CTRL, IPVS_GENL_NAME, IPVS_GENL_VERSION, NLM_F_ACK, NLM_F_REQUEST } from '../constants';
import { DecodeError, FamilyNotFoundError, KernelError } from '../errors';
import type { GenlMessage } from '../message';
import { CTRL_SET } from '../schema';
import { decodeSet } from '../set-codec';
import { BatchResults, sendBatch } from './batches';
import { dumpWithRestarts } from './dumps';
import { ReplyReader, Request, SequenceNumbers } from './exchange';
import { Framing, genericFraming } from './framing';
import { ChannelPool } from './pool';
import { netlinkSocketFactory, SocketFactory } from './socket';

export type { ReplyReader, Request } from './exchange';
export { netlinkSocketFactory } from './socket';
export { RouteTransport } from './route';
export type { PacketSocket, SocketFactory } from './socket';

const { ENOENT } = osConstants.errno;

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

/** A reply's attribute area as a view (the transport reads every datagram into a fresh buffer). */
function attributeView(data: Buffer, start: number, end: number): Buffer {
  return data.subarray(start, end);
}

/**
 * Sockets open on first use. Requests and batches share one; concurrent
 * dumps borrow from a small pool. Every wait has a deadline.
 */
export class NetlinkTransport {
  private readonly opts: Required<Omit<TransportOptions, 'maxInFlight'>> & { maxInFlight?: number };
  private readonly sequence = new SequenceNumbers();
  private readonly pool: ChannelPool;
  private readonly framing: Framing;
  private family?: Promise<number>;

  constructor(options: TransportOptions = {}) {
    this.opts = {
      socketFactory: options.socketFactory ?? netlinkSocketFactory({ recvBufferSize: options.recvBufferSize }),
      familyName: options.familyName ?? IPVS_GENL_NAME,
      familyVersion: options.familyVersion ?? IPVS_GENL_VERSION,
      timeoutMs: options.timeoutMs ?? 5000,
      poolSize: Math.max(1, options.poolSize ?? 4),
      maxInFlight: options.maxInFlight,
      maxDatagramBytes: options.maxDatagramBytes ?? 64 * 1024,
      dumpRetries: options.dumpRetries ?? 3,
      recvBufferSize: options.recvBufferSize ?? 4 << 20,
    };
    this.framing = genericFraming(this.opts.familyVersion);
    this.pool = new ChannelPool(this.opts.socketFactory, this.opts.poolSize, {
      sequence: this.sequence,
      framing: this.framing,
      timeoutMs: this.opts.timeoutMs,
    });
  }

  /** Number of sockets open now (tests watch the pool). */
  get socketCount(): number {
    return this.pool.openCount;
  }

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
    return (await this.pool.main().transact('do', type, NLM_F_REQUEST | NLM_F_ACK, req)) as GenlMessage[];
  }

  /**
   * A dump: every NLM_F_MULTI reply up to NLMSG_DONE, each read in place by
   * `read` (default: a view of its attribute area). Restarted when messages were lost.
   */
  async dump<T = Buffer>(req: Request, read?: ReplyReader<T>): Promise<T[]> {
    const type = await this.familyId();
    return dumpWithRestarts(this.pool, type, req, this.opts.dumpRetries, read ?? (attributeView as ReplyReader<unknown> as ReplyReader<T>));
  }

  /**
   * Sends the requests as few writes as possible, each with NLM_F_ACK, and
   * matches each acknowledgement to its request. Result i is undefined on
   * success, else the error for request i.
   */
  async batch(reqs: Request[]): Promise<BatchResults> {
    if (reqs.length === 0) return [];
    const type = await this.familyId();
    return sendBatch(this.pool.main(), reqs, {
      type,
      framing: this.framing,
      sequence: this.sequence,
      timeoutMs: this.opts.timeoutMs,
      maxInFlight: this.opts.maxInFlight,
      maxDatagramBytes: this.opts.maxDatagramBytes,
    });
  }

  close(): void {
    this.pool.close();
  }

  private async resolveFamily(): Promise<number> {
    const w = new AttributeWriter();
    w.string(CTRL_SET.byName.get('FAMILY_NAME')!.id, this.opts.familyName);
    let replies: GenlMessage[];
    try {
      replies = (await this.pool.main().transact('do', GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, {
        cmd: CTRL_CMD_GETFAMILY,
        attributes: w.finish(),
        op: 'CTRL_CMD_GETFAMILY',
      })) as GenlMessage[];
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
}
