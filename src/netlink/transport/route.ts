/**
 * rtnetlink (NETLINK_ROUTE) over the same channels as generic netlink: one
 * socket, replies matched by sequence number, a deadline on every wait,
 * dumps restarted after lost messages. Only the framing differs (framing.ts):
 * the message type is the request, and readers get whole payloads.
 */
import { NETLINK_ROUTE, NLM_F_ACK, NLM_F_REQUEST } from '../constants';
import { dumpWithRestarts } from './dumps';
import { ReplyReader, SequenceNumbers } from './exchange';
import { routeFraming } from './framing';
import { ChannelPool } from './pool';
import { netlinkSocketFactory, SocketFactory } from './socket';

export interface RouteTransportOptions {
  /** Opens the socket; default: a real NETLINK_ROUTE socket. */
  socketFactory?: SocketFactory;
  /** Deadline for every reply, in ms (default 5000). */
  timeoutMs?: number;
}

const wholePayload: ReplyReader<Buffer> = (data, start, end) => data.subarray(start, end);

export class RouteTransport {
  private readonly pool: ChannelPool;

  constructor(options: RouteTransportOptions = {}) {
    const socketFactory = options.socketFactory ?? netlinkSocketFactory({ protocol: NETLINK_ROUTE, recvBufferSize: 1 << 20 });
    // One socket: a real server has a handful of links and addresses, and its requests go one at a time.
    this.pool = new ChannelPool(socketFactory, 1, {
      sequence: new SequenceNumbers(),
      framing: routeFraming,
      timeoutMs: options.timeoutMs ?? 5000,
    });
  }

  /**
   * One acknowledged request of message type `type` (RTM_NEWADDR), with
   * `flags` added to NLM_F_REQUEST | NLM_F_ACK (NLM_F_CREATE...); resolves
   * with the replies that came before the acknowledgement.
   */
  async request(type: number, payload: Uint8Array, op: string, flags = 0): Promise<Buffer[]> {
    const replies = await this.pool.main().transact('do', type, NLM_F_REQUEST | NLM_F_ACK | flags, { cmd: type, attributes: payload, op }, wholePayload);
    return replies as Buffer[];
  }

  /** A dump of message type `type`: each reply's whole payload, read in place by `read`. */
  dump<T>(type: number, payload: Uint8Array, op: string, read: ReplyReader<T>): Promise<T[]> {
    return dumpWithRestarts(this.pool, type, { cmd: type, attributes: payload, op }, 3, read);
  }

  close(): void {
    this.pool.close();
  }
}
