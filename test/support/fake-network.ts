/**
 * An in-memory stand-in for the kernel's rtnetlink (links, addresses) and
 * the generic netlink family "fou" with its controller, speaking bytes
 * through PacketSocket, and for the host around it (sysctl files, modprobe,
 * the state file). It parses and builds with the naive helpers only, never
 * with src/netlink code.
 */
import type { PacketSocket, SocketFactory } from '../../src/netlink/transport';
import type { HostSide } from '../../src/realserver/system';
import { attrMap, be16, cstr, genlmsg, le16, le32, naiveMessages, NaiveMsg, nla, nlmsg } from '../netlink/naive';

const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const F_MULTI = 2;
const F_DUMP = 0x300;
const F_EXCL = 0x200;
const GENL_ID_CTRL = 16;
const FOU_ID = 30;
const E = { EPERM: 1, ENOENT: 2, EEXIST: 17, EINVAL: 22, EADDRNOTAVAIL: 99 };

export interface FakeLink {
  index: number;
  name: string;
  flags: number;
}

export interface FakeAddress {
  family: number;
  index: number;
  /** Hex of the address bytes. */
  hex: string;
  prefix: number;
  flags: number;
}

export interface FakeFouPort {
  port: number;
  family: number;
  type: number;
}

function ipv4Hex(text: string): string {
  return Buffer.from(text.split('.').map(Number)).toString('hex');
}

export class FakeNetwork {
  links: FakeLink[] = [{ index: 1, name: 'lo', flags: 0 }];
  addresses: FakeAddress[] = [];
  fouRegistered = false;
  fouPorts: FakeFouPort[] = [];
  /** Message types (RTM_*) or fou commands ('fou:1') refused with this errno. */
  refuse = new Map<string, number>();
  /** Every request, as `rt:TYPE` or `fou:CMD` / `ctrl:CMD`. */
  log: string[] = [];

  addLink(name: string, flags = 0): FakeLink {
    const link = { index: Math.max(0, ...this.links.map((l) => l.index)) + 1, name, flags };
    this.links.push(link);
    return link;
  }

  addIPv4(device: string, address: string, prefix: number): void {
    const link = this.links.find((l) => l.name === device)!;
    this.addresses.push({ family: 2, index: link.index, hex: ipv4Hex(address), prefix, flags: 0 });
  }

  hasIPv4(device: string, address: string, prefix = 32): boolean {
    const link = this.links.find((l) => l.name === device);
    return !!link && this.addresses.some((a) => a.index === link.index && a.hex === ipv4Hex(address) && a.prefix === prefix);
  }

  isUp(device: string): boolean {
    return ((this.links.find((l) => l.name === device)?.flags ?? 0) & 1) === 1;
  }

  /** Sockets of one protocol, answered by this fake. */
  sockets(protocol: 'route' | 'generic'): SocketFactory {
    return () => new FakeNetworkSocket(this, protocol);
  }

  /** The reply datagrams for one request. */
  answer(protocol: 'route' | 'generic', m: NaiveMsg): Buffer[] {
    const key = protocol === 'route' ? `rt:${m.type}` : m.type === GENL_ID_CTRL ? `ctrl:${m.body[0]}` : `fou:${m.body[0]}`;
    this.log.push(key);
    const errno = this.refuse.get(key);
    if (errno !== undefined) return [ack(m, errno)];
    return protocol === 'route' ? this.route(m) : this.generic(m);
  }

  private route(m: NaiveMsg): Buffer[] {
    const b = m.body;
    switch (m.type) {
      case 18: // RTM_GETLINK dump
        return [Buffer.concat([
          ...this.links.map((l) => Buffer.from(nlmsg(16, F_MULTI, m.seq, 0, [0, 0, ...le16(772), ...le32(l.index), ...le32(l.flags), ...le32(0), ...nla(3, cstr(l.name))]))),
          done(m),
        ])];
      case 22: // RTM_GETADDR dump
        return [Buffer.concat([
          ...this.addresses.filter((a) => b[0] === 0 || a.family === b[0]).map((a) => {
            const bytes = [...Buffer.from(a.hex, 'hex')];
            const attrs = a.family === 2 ? [...nla(1, bytes), ...nla(2, bytes)] : nla(1, bytes);
            return Buffer.from(nlmsg(20, F_MULTI, m.seq, 0, [a.family, a.prefix, a.flags, 0, ...le32(a.index), ...attrs]));
          }),
          done(m),
        ])];
      case 16: { // RTM_NEWLINK: flags under change
        const link = this.links.find((l) => l.index === b.readInt32LE(4));
        if (!link) return [ack(m, 19)];
        const flags = b.readUInt32LE(8);
        const change = b.readUInt32LE(12);
        link.flags = (link.flags & ~change) | (flags & change);
        return [ack(m, 0)];
      }
      case 20: // RTM_NEWADDR
      case 21: { // RTM_DELADDR
        const index = b.readUInt32LE(4);
        const attrs = attrMap(b.subarray(8));
        const local = attrs.get(2);
        if (!local || !this.links.some((l) => l.index === index)) return [ack(m, E.EINVAL)];
        const same = (a: FakeAddress) => a.index === index && a.family === b[0] && a.hex === local.toString('hex') && a.prefix === b[1];
        if (m.type === 20) {
          if (this.addresses.some(same)) return [ack(m, m.flags & F_EXCL ? E.EEXIST : 0)];
          this.addresses.push({ family: b[0], index, hex: local.toString('hex'), prefix: b[1], flags: b[2] });
          return [ack(m, 0)];
        }
        if (!this.addresses.some(same)) return [ack(m, E.EADDRNOTAVAIL)];
        this.addresses = this.addresses.filter((a) => !same(a));
        return [ack(m, 0)];
      }
      default:
        return [ack(m, E.EINVAL)];
    }
  }

  private generic(m: NaiveMsg): Buffer[] {
    const cmd = m.body[0];
    const attrs = attrMap(m.body.subarray(4));
    if (m.type === GENL_ID_CTRL) {
      const name = attrs.get(2)?.toString('utf8').replace(/\0.*$/, '');
      if (name !== 'fou' || !this.fouRegistered) return [ack(m, E.ENOENT)];
      return [Buffer.from(genlmsg(GENL_ID_CTRL, 0, m.seq, 0, 1, nla(1, le16(FOU_ID)), nla(2, cstr('fou')))), ack(m, 0)];
    }
    if (m.type !== FOU_ID || !this.fouRegistered) return [ack(m, E.EINVAL)];
    const port = attrs.get(1)?.readUInt16BE(0);
    const family = attrs.get(2)?.[0] ?? 2;
    switch (cmd) {
      case 3: // FOU_CMD_GET dump
        if (!(m.flags & F_DUMP)) return [ack(m, E.EINVAL)];
        return [Buffer.concat([
          ...this.fouPorts.map((p) => Buffer.from(genlmsg(FOU_ID, F_MULTI, m.seq, 0, 3, nla(1, be16(p.port)), nla(2, [p.family]), nla(3, [4]), nla(4, [p.type])))),
          done(m),
        ])];
      case 1: // FOU_CMD_ADD
        if (port === undefined) return [ack(m, E.EINVAL)];
        if (this.fouPorts.some((p) => p.port === port && p.family === family)) return [ack(m, E.EEXIST)];
        this.fouPorts.push({ port, family, type: attrs.get(4)?.[0] ?? 0 });
        return [ack(m, 0)];
      case 2: // FOU_CMD_DEL
        if (!this.fouPorts.some((p) => p.port === port && p.family === family)) return [ack(m, E.ENOENT)];
        this.fouPorts = this.fouPorts.filter((p) => !(p.port === port && p.family === family));
        return [ack(m, 0)];
      default:
        return [ack(m, E.EINVAL)];
    }
  }
}

function ack(m: NaiveMsg, errno: number): Buffer {
  return Buffer.from(nlmsg(NLMSG_ERROR, 0, m.seq, 0, [...le32(-errno), ...m.raw.subarray(0, 16)]));
}

function done(m: NaiveMsg): Buffer {
  return Buffer.from(nlmsg(NLMSG_DONE, F_MULTI, m.seq, 0, le32(0)));
}

class FakeNetworkSocket implements PacketSocket {
  private onDatagram: (d: Buffer) => void = () => {};
  closed = false;

  constructor(
    private readonly network: FakeNetwork,
    private readonly protocol: 'route' | 'generic',
  ) {}

  send(datagram: Buffer, done: (error?: Error & { errno?: number }) => void): void {
    const replies = naiveMessages(Buffer.from(datagram)).flatMap((m) => this.network.answer(this.protocol, m));
    setImmediate(() => {
      done();
      for (const r of replies) if (!this.closed) this.onDatagram(r);
    });
  }
  listen(onDatagram: (d: Buffer) => void): void {
    this.onDatagram = onDatagram;
  }
  ref(): void {}
  unref(): void {}
  close(): void {
    this.closed = true;
  }
  recvBufferSize(): number {
    return 1 << 20;
  }
}

/** Modules the fake host can load, and what each makes. */
const MODULES: Record<string, (n: FakeNetwork) => void> = {
  ipip: (n) => void n.addLink('tunl0'),
  ip_gre: (n) => void n.addLink('gre0'),
  ip6_tunnel: (n) => void n.addLink('ip6tnl0'),
  fou: (n) => {
    n.fouRegistered = true;
  },
};

/** Sysctl files, modprobe and the state file, in memory, next to a FakeNetwork. */
export class FakeHost implements HostSide {
  /** net.ipv4.conf.DEV.KEY for `all` and each link of the network. */
  sysctls = new Map<string, string>();
  files = new Map<string, string>();
  loaded: string[] = [];
  netnsId = 'net:[4026531840]';
  /** Sysctl writes refused with this errno code (EACCES...). */
  refuseWrites?: string;
  /** modprobe fails with this line. */
  modprobeFails?: string;

  constructor(readonly network: FakeNetwork) {}

  private device(name: string): string | undefined {
    const m = /^net\.ipv4\.conf\.([^.]+)\.[a-z_]+$/.exec(name);
    return m?.[1];
  }

  private exists(name: string): boolean {
    const d = this.device(name);
    return d === 'all' || this.network.links.some((l) => l.name === d);
  }

  async readSysctl(name: string): Promise<string | undefined> {
    if (!this.exists(name)) return undefined;
    return this.sysctls.get(name) ?? '0';
  }
  async writeSysctl(name: string, value: string): Promise<void> {
    if (this.refuseWrites) throw Object.assign(new Error(`${this.refuseWrites}: ${name}`), { code: this.refuseWrites, errno: -13 });
    if (!this.exists(name)) throw Object.assign(new Error(`ENOENT: ${name}`), { code: 'ENOENT', errno: -2 });
    this.sysctls.set(name, value);
  }
  async loadModule(module: string): Promise<void> {
    if (this.modprobeFails) throw new Error(this.modprobeFails);
    this.loaded.push(module);
    MODULES[module]?.(this.network);
  }
  async netns(): Promise<string | undefined> {
    return this.netnsId;
  }
  async readState(file: string): Promise<string | undefined> {
    return this.files.get(file);
  }
  async writeState(file: string, text: string): Promise<void> {
    this.files.set(file, text);
  }
  async removeState(file: string): Promise<void> {
    this.files.delete(file);
  }
}

