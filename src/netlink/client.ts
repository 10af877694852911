/**
 * IpvsApi over generic netlink: one transact() and a line per verb.
 */
import type { Change, ChangeResult } from '../ipvs/change';
import type { IpvsApi, ServiceWithDestinations } from './api';
import { encodeChange, goesAlone } from './changes';
import { IPVS_CMD, ipvsCommandName } from './constants';
import { DecodeError } from './errors';
import {
  decodeDaemonReply,
  decodeInfoReply,
  decodeServiceReply,
  decodeTimeoutsReply,
  IpvsRequest,
  requests,
} from './ipvs-codec';
import { readDestinationReply, readServiceReply, readServiceReplyWithoutCounters } from './listing-replies';
import type { GenlMessage } from './message';
import { NetlinkTransport, Request, TransportOptions } from './transport';
import { Daemon, Destination, Info, Service, ServiceKey, serviceKey, Timeouts } from '../ipvs/types';

export interface IpvsClientOptions extends TransportOptions {
  /** Use this transport (e.g. over a fake kernel) instead of building one from the options. */
  transport?: NetlinkTransport;
  /** Deadline for slow commands: daemon start/stop (stopping a master takes > 2 s), flush. Default 30000. */
  slowTimeoutMs?: number;
  /**
   * Least time between starting a sync daemon and stopping it from this client
   * (default 200 ms). Linux 6.1 never completes DEL_DAEMON for a sync thread
   * that has not run yet (seen in the lab: no answer within 300 s); a separate
   * ipvsadm process per command always leaves it that time.
   */
  daemonSettleMs?: number;
}

type Mode = 'do' | 'dump';

const SLOW_COMMANDS: ReadonlySet<number> = new Set([IPVS_CMD.NEW_DAEMON, IPVS_CMD.DEL_DAEMON, IPVS_CMD.FLUSH]);

export class IpvsClient implements IpvsApi {
  readonly transport: NetlinkTransport;
  private readonly slowTimeoutMs: number;
  private readonly daemonSettleMs: number;
  /** When this client last started a daemon of each state (1 master, 2 backup), in ms. */
  private readonly daemonStartedAt = new Map<number, number>();

  constructor(options: IpvsClientOptions = {}) {
    this.transport = options.transport ?? new NetlinkTransport(options);
    this.slowTimeoutMs = options.slowTimeoutMs ?? 30_000;
    this.daemonSettleMs = options.daemonSettleMs ?? 200;
  }

  private toRequest(req: IpvsRequest): Request {
    return {
      cmd: req.cmd,
      attributes: req.attributes,
      op: ipvsCommandName(req.cmd),
      timeoutMs: SLOW_COMMANDS.has(req.cmd) ? this.slowTimeoutMs : undefined,
    };
  }

  /** The one place a command is sent; `decode` maps each reply's attributes. */
  private async transact<T>(req: IpvsRequest, mode: Mode, decode: (attributes: Buffer) => T): Promise<T[]> {
    const r = this.toRequest(req);
    if (mode === 'dump') return this.transport.dump(r, (data, start, end) => decode(data.subarray(start, end)));
    const replies: GenlMessage[] = await this.transport.request(r);
    return replies.map((m) => decode(m.attributes));
  }

  private async one<T>(req: IpvsRequest, decode: (attributes: Buffer) => T): Promise<T> {
    const [first] = await this.transact(req, 'do', decode);
    if (first === undefined) throw new DecodeError(`${ipvsCommandName(req.cmd)}: the kernel acknowledged without a reply`);
    return first;
  }

  async info(): Promise<Info> {
    return this.one(requests.getInfo(), decodeInfoReply);
  }

  async services(options?: { counters?: boolean }): Promise<Service[]> {
    const read = options?.counters === false ? readServiceReplyWithoutCounters : readServiceReply;
    return this.transport.dump({ ...this.toRequest(requests.dumpServices()), large: true }, read);
  }

  async service(key: ServiceKey): Promise<Service> {
    return this.one(requests.getService(key), decodeServiceReply);
  }

  async destinations(key: ServiceKey): Promise<Destination[]> {
    return this.transport.dump(this.toRequest(requests.dumpDestinations(key)), (data, start, end) => readDestinationReply(data, start, end, key.family));
  }

  async table(): Promise<ServiceWithDestinations[]> {
    const services = await this.services();
    // The transport runs these over its dump pool; Promise.all keeps kernel order.
    const dests = await Promise.all(services.map((s) => this.destinations(serviceKey(s))));
    return services.map((service, i) => ({ service, destinations: dests[i] }));
  }

  async timeouts(): Promise<Required<Timeouts>> {
    return this.one(requests.getTimeouts(), decodeTimeoutsReply);
  }
  /** GET_DAEMON is dump-only in the kernel. */
  async daemons(): Promise<Daemon[]> {
    return this.transact(requests.dumpDaemons(), 'dump', decodeDaemonReply);
  }
  /**
   * Runs of ordinary changes go out as batches; the changes the table sends
   * alone (sync daemons) go one at a time, between the batches.
   */
  async apply(changes: readonly Change[]): Promise<ChangeResult[]> {
    const results: ChangeResult[] = new Array(changes.length).fill(undefined);
    let batch: Request[] = [];
    let slots: number[] = [];
    const sendBatch = async (): Promise<void> => {
      if (batch.length === 0) return;
      const sent = await this.transport.batch(batch);
      sent.forEach((r, j) => {
        results[slots[j]] = r;
      });
      batch = [];
      slots = [];
    };
    for (let i = 0; i < changes.length; i++) {
      const change = changes[i];
      try {
        const request = this.toRequest(encodeChange(change));
        if (goesAlone(change)) {
          await sendBatch();
          await this.sendAlone(change, request);
        } else {
          batch.push(request);
          slots.push(i);
        }
      } catch (error) {
        // Unencodable (e.g. a malformed address) or refused alone: the rest still go.
        results[i] = error instanceof Error ? error : new Error(String(error));
      }
    }
    await sendBatch();
    return results;
  }

  /** A daemon change: a stop waits until a daemon this client started has had time to run. */
  private async sendAlone(change: Change, request: Request): Promise<void> {
    if (change.kind === 'stop-daemon') {
      const startedAt = this.daemonStartedAt.get(change.daemon.state);
      const wait = startedAt === undefined ? 0 : startedAt + this.daemonSettleMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    await this.transport.request(request);
    if (change.kind === 'start-daemon') this.daemonStartedAt.set(change.daemon.state, Date.now());
  }

  close(): void {
    this.transport.close();
  }
}

/** An IpvsClient over real netlink sockets (opened on first use), or over `options.transport`. */
export function openIpvs(options: IpvsClientOptions = {}): IpvsClient {
  return new IpvsClient(options);
}
