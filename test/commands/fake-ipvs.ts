/**
 * An in-memory IpvsApi with the kernel's (6.1) rules that ipvsadm's behaviour
 * depends on: which errno each refusal carries, insertion order standing in
 * for kernel order. Enough to drive commands without a kernel.
 */
import { constants } from 'os';
import type { Change, ChangeResult, IpvsApi, ServiceWithDestinations } from '../../src/netlink/api';
import { KernelError } from '../../src/netlink/errors';
import type { Daemon, Destination, Info, Service, ServiceKey, Timeouts } from '../../src/netlink/types';
import { serviceKey } from '../../src/netlink/types';

const E = constants.errno;
const SCHEDULERS = new Set(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh']);

function keyText(key: ServiceKey): string {
  return 'fwmark' in key && !('protocol' in key)
    ? `${key.family}/fwm/${key.fwmark}`
    : `${key.family}/${(key as { protocol: number }).protocol}/${(key as { address: string }).address}/${(key as { port: number }).port}`;
}

export class FakeIpvs implements IpvsApi {
  readonly entries = new Map<string, ServiceWithDestinations>();
  timeoutValues = { tcp: 900, tcpFin: 120, udp: 300 };
  readonly running: Daemon[] = [];
  readonly calls: string[] = [];
  closed = false;
  info_: Info = { version: 0x010201, connTabSize: 4096 };

  private fail(op: string, errno: number): never {
    throw new KernelError(errno, op);
  }

  private find(key: ServiceKey, op: string): ServiceWithDestinations {
    const entry = this.entries.get(keyText(key));
    if (!entry) this.fail(op, E.ESRCH);
    return entry;
  }

  async info(): Promise<Info> {
    return this.info_;
  }
  async services(): Promise<Service[]> {
    return [...this.entries.values()].map((e) => e.service);
  }
  async service(key: ServiceKey): Promise<Service> {
    return this.find(key, 'GET_SERVICE').service;
  }
  async destinations(key: ServiceKey): Promise<Destination[]> {
    return this.entries.get(keyText(key))?.destinations ?? [];
  }
  async table_(): Promise<ServiceWithDestinations[]> {
    return [...this.entries.values()];
  }
  async table(): Promise<ServiceWithDestinations[]> {
    return this.table_();
  }
  private checkService(service: Service, op: string): void {
    if (!SCHEDULERS.has(service.scheduler)) this.fail(op, E.ENOENT);
    if (service.peName !== '' && service.peName !== 'sip') this.fail(op, E.ENOENT);
  }
  async addService(service: Service): Promise<void> {
    this.calls.push('addService');
    const k = keyText(serviceKey(service));
    if (this.entries.has(k)) this.fail('NEW_SERVICE', E.EEXIST);
    this.checkService(service, 'NEW_SERVICE');
    this.entries.set(k, { service: { ...service, flags: service.flags | 2 }, destinations: [] });
  }
  async editService(service: Service): Promise<void> {
    this.calls.push('editService');
    const entry = this.find(serviceKey(service), 'SET_SERVICE');
    this.checkService(service, 'SET_SERVICE');
    entry.service = { ...service, flags: service.flags | 2 };
  }
  async deleteService(key: ServiceKey): Promise<void> {
    this.calls.push('deleteService');
    this.find(key, 'DEL_SERVICE');
    this.entries.delete(keyText(key));
  }
  private checkDestination(d: Destination, op: string): void {
    if (d.weight < 0 || (d.upperThreshold !== 0 || d.lowerThreshold !== 0) && d.lowerThreshold > d.upperThreshold) {
      this.fail(op, E.ERANGE);
    }
  }
  async addDestination(key: ServiceKey, destination: Destination): Promise<void> {
    this.calls.push('addDestination');
    const entry = this.find(key, 'NEW_DEST');
    this.checkDestination(destination, 'NEW_DEST');
    const same = (d: Destination) => d.address === destination.address && d.port === destination.port;
    if (entry.destinations.some(same)) this.fail('NEW_DEST', E.EEXIST);
    entry.destinations.push({ activeConns: 0, inactiveConns: 0, persistentConns: 0, ...destination });
  }
  async editDestination(key: ServiceKey, destination: Destination): Promise<void> {
    this.calls.push('editDestination');
    const entry = this.find(key, 'SET_DEST');
    this.checkDestination(destination, 'SET_DEST');
    const i = entry.destinations.findIndex((d) => d.address === destination.address && d.port === destination.port);
    if (i < 0) this.fail('SET_DEST', E.ENOENT);
    entry.destinations[i] = { ...entry.destinations[i], ...destination };
  }
  async deleteDestination(key: ServiceKey, destination: Pick<Destination, 'family' | 'address' | 'port'>): Promise<void> {
    this.calls.push('deleteDestination');
    const entry = this.find(key, 'DEL_DEST');
    const i = entry.destinations.findIndex((d) => d.address === destination.address && d.port === destination.port);
    if (i < 0) this.fail('DEL_DEST', E.ENOENT);
    entry.destinations.splice(i, 1);
  }
  async flush(): Promise<void> {
    this.calls.push('flush');
    this.entries.clear();
  }
  async zero(key?: ServiceKey): Promise<void> {
    this.calls.push('zero');
    if (key) this.find(key, 'ZERO');
  }
  async timeouts(): Promise<Required<Timeouts>> {
    return { ...this.timeoutValues };
  }
  async setTimeouts(t: Timeouts): Promise<void> {
    this.calls.push('setTimeouts');
    if (t.tcp) this.timeoutValues.tcp = t.tcp;
    if (t.tcpFin) this.timeoutValues.tcpFin = t.tcpFin;
    if (t.udp) this.timeoutValues.udp = t.udp;
  }
  async daemons(): Promise<Daemon[]> {
    return [...this.running].sort((a, b) => a.state - b.state);
  }
  async startDaemon(daemon: Daemon): Promise<void> {
    this.calls.push('startDaemon');
    if (this.running.some((d) => d.state === daemon.state)) this.fail('NEW_DAEMON', E.EEXIST);
    if (daemon.mcastIfn !== 'd0' && daemon.mcastIfn !== 'lo') this.fail('NEW_DAEMON', E.ENODEV);
    this.running.push(daemon);
  }
  async stopDaemon(daemon: Pick<Daemon, 'state'>): Promise<void> {
    this.calls.push('stopDaemon');
    const i = this.running.findIndex((d) => d.state === daemon.state);
    if (i < 0) this.fail('DEL_DAEMON', E.ESRCH);
    this.running.splice(i, 1);
  }
  async apply(changes: Change[]): Promise<ChangeResult[]> {
    this.calls.push(`apply(${changes.length})`);
    const results: ChangeResult[] = [];
    for (const change of changes) {
      try {
        await this.applyOne(change);
        results.push(undefined);
      } catch (error) {
        results.push(error as Error);
      }
    }
    return results;
  }
  private applyOne(c: Change): Promise<void> {
    switch (c.op) {
      case 'addService': return this.addService(c.service);
      case 'editService': return this.editService(c.service);
      case 'deleteService': return this.deleteService(c.key);
      case 'addDestination': return this.addDestination(c.key, c.destination);
      case 'editDestination': return this.editDestination(c.key, c.destination);
      case 'deleteDestination': return this.deleteDestination(c.key, c.destination);
      case 'flush': return this.flush();
      case 'zero': return this.zero(c.key);
      case 'setTimeouts': return this.setTimeouts(c.timeouts);
      case 'startDaemon': return this.startDaemon(c.daemon);
      case 'stopDaemon': return this.stopDaemon(c.daemon);
    }
  }
  close(): void {
    this.closed = true;
  }
}
