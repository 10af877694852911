/**
 * IpvsApi over generic netlink: one transact() and a line per verb.
 */
import type { Change, ChangeResult, IpvsApi, ServiceWithDestinations } from './api';
import { IPVS_CMD, ipvsCommandName } from './constants';
import { DecodeError } from './errors';
import {
  decodeDaemonReply,
  decodeDestinationReply,
  decodeInfoReply,
  decodeServiceReply,
  decodeTimeoutsReply,
  IpvsRequest,
  requests,
} from './ipvs-codec';
import type { GenlMessage } from './message';
import { NetlinkTransport, Request, TransportOptions } from './transport';
import { Daemon, Destination, Info, Service, ServiceKey, serviceKey, Timeouts } from './types';

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
    const replies: GenlMessage[] = mode === 'dump' ? await this.transport.dump(r) : await this.transport.request(r);
    return replies.map((m) => decode(m.attributes));
  }

  private async one<T>(req: IpvsRequest, decode: (attributes: Buffer) => T): Promise<T> {
    const [first] = await this.transact(req, 'do', decode);
    if (first === undefined) throw new DecodeError(`${ipvsCommandName(req.cmd)}: the kernel acknowledged without a reply`);
    return first;
  }

  private async run(req: IpvsRequest): Promise<void> {
    await this.transact(req, 'do', () => undefined);
  }

  async info(): Promise<Info> {
    return this.one(requests.getInfo(), decodeInfoReply);
  }

  async services(): Promise<Service[]> {
    return this.transact(requests.dumpServices(), 'dump', decodeServiceReply);
  }

  async service(key: ServiceKey): Promise<Service> {
    return this.one(requests.getService(key), decodeServiceReply);
  }

  async destinations(key: ServiceKey): Promise<Destination[]> {
    return this.transact(requests.dumpDestinations(key), 'dump', (a) => decodeDestinationReply(a, key.family));
  }

  async table(): Promise<ServiceWithDestinations[]> {
    const services = await this.services();
    // The transport runs these over its dump pool; Promise.all keeps kernel order.
    const dests = await Promise.all(services.map((s) => this.destinations(serviceKey(s))));
    return services.map((service, i) => ({ service, destinations: dests[i] }));
  }

  async addService(service: Service): Promise<void> {
    return this.run(requests.newService(service));
  }
  async editService(service: Service): Promise<void> {
    return this.run(requests.setService(service));
  }
  async deleteService(key: ServiceKey): Promise<void> {
    return this.run(requests.delService(key));
  }
  async addDestination(key: ServiceKey, destination: Destination): Promise<void> {
    return this.run(requests.newDestination(key, destination));
  }
  async editDestination(key: ServiceKey, destination: Destination): Promise<void> {
    return this.run(requests.setDestination(key, destination));
  }
  async deleteDestination(key: ServiceKey, destination: Pick<Destination, 'family' | 'address' | 'port'>): Promise<void> {
    return this.run(requests.delDestination(key, destination));
  }
  async flush(): Promise<void> {
    return this.run(requests.flush());
  }
  async zero(key?: ServiceKey): Promise<void> {
    return this.run(requests.zero(key));
  }

  async timeouts(): Promise<Required<Timeouts>> {
    return this.one(requests.getTimeouts(), decodeTimeoutsReply);
  }
  async setTimeouts(timeouts: Timeouts): Promise<void> {
    return this.run(requests.setTimeouts(timeouts));
  }

  /** GET_DAEMON is dump-only in the kernel. */
  async daemons(): Promise<Daemon[]> {
    return this.transact(requests.dumpDaemons(), 'dump', decodeDaemonReply);
  }
  async startDaemon(daemon: Daemon): Promise<void> {
    await this.run(requests.newDaemon(daemon));
    this.daemonStartedAt.set(daemon.state, Date.now());
  }
  async stopDaemon(daemon: Pick<Daemon, 'state'> & Partial<Daemon>): Promise<void> {
    const startedAt = this.daemonStartedAt.get(daemon.state);
    const wait = startedAt === undefined ? 0 : startedAt + this.daemonSettleMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return this.run(requests.delDaemon(daemon));
  }

  /**
   * Runs of ordinary changes go out as batches; daemon changes go one at a
   * time through startDaemon/stopDaemon (rare, and they need the settle time).
   */
  async apply(changes: Change[]): Promise<ChangeResult[]> {
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
      if (change.op === 'startDaemon' || change.op === 'stopDaemon') {
        await sendBatch();
        const run = change.op === 'startDaemon' ? this.startDaemon(change.daemon) : this.stopDaemon(change.daemon);
        results[i] = await run.then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        );
        continue;
      }
      try {
        batch.push(this.toRequest(changeRequest(change)));
        slots.push(i);
      } catch (error) {
        // Unencodable (e.g. a malformed address): fails alone, the rest still go.
        results[i] = error instanceof Error ? error : new Error(String(error));
      }
    }
    await sendBatch();
    return results;
  }

  close(): void {
    this.transport.close();
  }
}

export function changeRequest(change: Change): IpvsRequest {
  switch (change.op) {
    case 'addService':
      return requests.newService(change.service);
    case 'editService':
      return requests.setService(change.service);
    case 'deleteService':
      return requests.delService(change.key);
    case 'addDestination':
      return requests.newDestination(change.key, change.destination);
    case 'editDestination':
      return requests.setDestination(change.key, change.destination);
    case 'deleteDestination':
      return requests.delDestination(change.key, change.destination);
    case 'flush':
      return requests.flush();
    case 'zero':
      return requests.zero(change.key);
    case 'setTimeouts':
      return requests.setTimeouts(change.timeouts);
    case 'startDaemon':
      return requests.newDaemon(change.daemon);
    case 'stopDaemon':
      return requests.delDaemon(change.daemon);
  }
}

/** An IpvsClient over real netlink sockets (opened on first use), or over `options.transport`. */
export function openIpvs(options: IpvsClientOptions = {}): IpvsClient {
  return new IpvsClient(options);
}
