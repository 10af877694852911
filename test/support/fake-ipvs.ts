/**
 * An in-memory IpvsApi with the kernel's (6.1) rules that ipvsadm's behaviour
 * depends on: which errno each refusal carries, insertion order standing in
 * for kernel order. Enough to drive commands without a kernel. Changes go
 * through the client's own table first (encodeChange), so one the client
 * could not send fails here too.
 */
import { constants } from 'os';
import type { Change, ChangeKind, ChangeOf, ChangeResult } from '../../src/ipvs/change';
import type { IpvsApi, ServiceWithDestinations } from '../../src/netlink/api';
import { encodeChange } from '../../src/netlink/changes';
import { KernelError } from '../../src/netlink/errors';
import type { Daemon, Destination, Info, Service, ServiceKey, Timeouts } from '../../src/ipvs/types';
import { AF_INET6, serviceKey } from '../../src/ipvs/types';
import { ipv4ToNumber, parseIPv6 } from '../../src/netlink/inet';

const E = constants.errno;
const SCHEDULERS = new Set(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh']);

export function keyText(key: ServiceKey): string {
  return 'fwmark' in key && !('protocol' in key)
    ? `${key.family}/fwm/${key.fwmark}`
    : `${key.family}/${(key as { protocol: number }).protocol}/${(key as { address: string }).address}/${(key as { port: number }).port}`;
}

export class FakeIpvs implements IpvsApi {
  readonly entries = new Map<string, ServiceWithDestinations>();
  timeoutValues = { tcp: 900, tcpFin: 120, udp: 300 };
  readonly running: Daemon[] = [];
  /** `apply(N)` per call, then the kind of each change it carried out. */
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
  // Every reading returns copies, as a dump decodes fresh values: what a caller keeps does not change with the table.
  async services(options?: { counters?: boolean }): Promise<Service[]> {
    return [...this.entries.values()].map((e) => {
      if (options?.counters !== false) return { ...e.service };
      const { stats: _stats, statsWidth: _width, ...service } = e.service;
      return service;
    });
  }
  async service(key: ServiceKey): Promise<Service> {
    return { ...this.find(key, 'GET_SERVICE').service };
  }
  async destinations(key: ServiceKey): Promise<Destination[]> {
    return (this.entries.get(keyText(key))?.destinations ?? []).map((d) => ({ ...d }));
  }
  async table(): Promise<ServiceWithDestinations[]> {
    return [...this.entries.values()].map((e) => ({ service: { ...e.service }, destinations: e.destinations.map((d) => ({ ...d })) }));
  }

  /** /proc/net/ip_vs of this table, as Linux 6.1 prints it (ip_vs_info_seq_show). */
  serversFile(): string {
    const hex = (n: number, width: number): string => (n >>> 0).toString(16).toUpperCase().padStart(width, '0');
    const host = (family: number, address: string): string =>
      family === AF_INET6
        ? `[${Array.from({ length: 8 }, (_, i) => {
            const b = parseIPv6(address)!;
            return ((b[2 * i] << 8) | b[2 * i + 1]).toString(16).padStart(4, '0');
          }).join(':')}]`
        : hex(ipv4ToNumber(address), 8);
    const methods = ['Masq', 'Local', 'Tunnel', 'Route'];
    const protocols: Record<number, string> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' };
    let text = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n'
      + '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n';
    for (const { service: s, destinations } of this.entries.values()) {
      const ops = s.flags & 0x0004 ? 'ops ' : '';
      if (s.fwmark !== 0) text += `FWM  ${hex(s.fwmark, 8)} ${s.scheduler} ${ops}`;
      else if (s.family === AF_INET6) text += `${protocols[s.protocol] ?? 'IP'}  ${host(s.family, s.address)}:${hex(s.port, 4)} ${s.scheduler} `;
      else text += `${protocols[s.protocol] ?? 'IP'}  ${host(s.family, s.address)}:${hex(s.port, 4)} ${s.scheduler} ${ops} `;
      text += s.flags & 0x0001 ? `persistent ${s.timeout} ${hex(s.family === AF_INET6 ? 0 : s.netmask, 8)}\n` : '\n';
      for (const d of destinations) {
        const where = `${host(d.family, d.address)}:${hex(d.port, 4)}`;
        const method = d.fwdMethod & 7;
        text += `  -> ${where}      ${(methods[method] ?? 'Masq').padEnd(7)} ${String(d.weight | 0).padEnd(6)} `
          + `${String((d.activeConns ?? 0) | 0).padEnd(10)} ${String((d.inactiveConns ?? 0) | 0).padEnd(10)}\n`;
      }
    }
    return text;
  }
  async timeouts(): Promise<Required<Timeouts>> {
    return { ...this.timeoutValues };
  }
  async daemons(): Promise<Daemon[]> {
    return [...this.running].sort((a, b) => a.state - b.state);
  }

  private checkService(service: Service, op: string): void {
    if (!SCHEDULERS.has(service.scheduler)) this.fail(op, E.ENOENT);
    if (service.peName !== '' && service.peName !== 'sip') this.fail(op, E.ENOENT);
  }
  private checkDestination(d: Destination, op: string): void {
    if (d.weight < 0 || (d.upperThreshold !== 0 || d.lowerThreshold !== 0) && d.lowerThreshold > d.upperThreshold) {
      this.fail(op, E.ERANGE);
    }
  }
  private destinationIndex(entry: ServiceWithDestinations, d: Pick<Destination, 'address' | 'port'>): number {
    return entry.destinations.findIndex((x) => x.address === d.address && x.port === d.port);
  }

  /** What the kernel does for each kind of change (6.1's rules that ipvsadm's output depends on). */
  private readonly effects: { [K in ChangeKind]: (c: ChangeOf<K>) => void } = {
    'add-service': ({ service }) => {
      const k = keyText(serviceKey(service));
      if (this.entries.has(k)) this.fail('NEW_SERVICE', E.EEXIST);
      this.checkService(service, 'NEW_SERVICE');
      this.entries.set(k, { service: { ...service, flags: service.flags | 2 }, destinations: [] });
    },
    'edit-service': ({ service }) => {
      const entry = this.find(serviceKey(service), 'SET_SERVICE');
      this.checkService(service, 'SET_SERVICE');
      entry.service = { ...service, flags: service.flags | 2 };
    },
    'delete-service': ({ service }) => {
      this.find(service, 'DEL_SERVICE');
      this.entries.delete(keyText(service));
    },
    'add-server': ({ service, destination }) => {
      const entry = this.find(service, 'NEW_DEST');
      this.checkDestination(destination, 'NEW_DEST');
      if (this.destinationIndex(entry, destination) >= 0) this.fail('NEW_DEST', E.EEXIST);
      entry.destinations.push({ activeConns: 0, inactiveConns: 0, persistentConns: 0, ...destination });
    },
    'edit-server': ({ service, destination }) => {
      const entry = this.find(service, 'SET_DEST');
      this.checkDestination(destination, 'SET_DEST');
      const i = this.destinationIndex(entry, destination);
      if (i < 0) this.fail('SET_DEST', E.ENOENT);
      entry.destinations[i] = { ...entry.destinations[i], ...destination };
    },
    'delete-server': ({ service, destination }) => {
      const entry = this.find(service, 'DEL_DEST');
      const i = this.destinationIndex(entry, destination);
      if (i < 0) this.fail('DEL_DEST', E.ENOENT);
      entry.destinations.splice(i, 1);
    },
    flush: () => this.entries.clear(),
    zero: ({ service }) => {
      if (service) this.find(service, 'ZERO');
    },
    'set-timeout': ({ timeouts: t }) => {
      if (t.tcp) this.timeoutValues.tcp = t.tcp;
      if (t.tcpFin) this.timeoutValues.tcpFin = t.tcpFin;
      if (t.udp) this.timeoutValues.udp = t.udp;
    },
    'start-daemon': ({ daemon }) => {
      if (this.running.some((d) => d.state === daemon.state)) this.fail('NEW_DAEMON', E.EEXIST);
      if (daemon.mcastIfn !== 'd0' && daemon.mcastIfn !== 'lo') this.fail('NEW_DAEMON', E.ENODEV);
      this.running.push(daemon);
    },
    'stop-daemon': ({ daemon }) => {
      const i = this.running.findIndex((d) => d.state === daemon.state);
      if (i < 0) this.fail('DEL_DAEMON', E.ESRCH);
      this.running.splice(i, 1);
    },
  };

  private applyOne<K extends ChangeKind>(change: ChangeOf<K>): void {
    encodeChange(change);
    this.calls.push(change.kind);
    (this.effects[change.kind as K] as (c: ChangeOf<K>) => void)(change);
  }

  async apply(changes: readonly Change[]): Promise<ChangeResult[]> {
    this.calls.push(`apply(${changes.length})`);
    return changes.map((change) => {
      try {
        this.applyOne(change);
        return undefined;
      } catch (error) {
        return error as Error;
      }
    });
  }

  close(): void {
    this.closed = true;
  }
}
