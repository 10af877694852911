/**
 * The soak's model of the IPVS table (issue 12, load): what the table must
 * hold after each change, and the two readings it is compared with. Both
 * sides become the lines `ipvsadm -S -n` writes (`-A ...`, `-a ...`), so a
 * difference reads as lines missing or extra:
 * - the real ipvsadm's `-S -n`, as it is (it leaves thresholds out);
 * - our `-L -n --json`, turned into the same lines with ` -x U -y L` added.
 * Order is not compared: it is the listings' business, and the differential
 * suite holds it to 1.31.
 */
import type { ServiceIdentity } from '../kernel/apply-lab';

export type Method = 'm' | 'g' | 'i';
export type TunnelChecksum = 'tun-nocsum' | 'tun-csum' | 'tun-remcsum';

export interface Tunnel {
  type: 'ipip' | 'gue' | 'gre';
  /** gue only. */
  port?: number;
  /** gue and gre only. */
  checksum?: TunnelChecksum;
}

export interface ServerState {
  address: string;
  /** 0 for a direct-routing or tunnel server of a firewall-mark service given without a port. */
  port: number;
  method: Method;
  weight: number;
  upper: number;
  lower: number;
  tunnel?: Tunnel;
}

export interface ServiceOptions {
  scheduler: string;
  /** Persistence: the timeout, and the mask as -S prints it (undefined: the full mask, which -S leaves out). */
  persistence?: { timeout: number; mask?: string };
  onePacket: boolean;
  /** -b words in the order -S prints them; [] for none. */
  schedFlags: string[];
}

export interface ServiceState extends ServiceOptions {
  /** As -S -n writes it after -A: `-t 10.1.0.1:80`, `-f 5 -6`. */
  id: string;
  identity: ServiceIdentity;
  /** By target (see targetOf). */
  servers: Map<string, ServerState>;
}

export interface Timeouts {
  tcp: number;
  tcpFin: number;
  udp: number;
}

export interface TableModel {
  services: Map<string, ServiceState>;
  timeouts: Timeouts;
}

/** `10.50.0.1:8080` or `[2001:db8:50::1]:80`, as -S -n writes a server. */
export function targetOf(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function cloneService(s: ServiceState): ServiceState {
  return { ...s, schedFlags: [...s.schedFlags], servers: new Map([...s.servers].map(([k, d]) => [k, { ...d }])) };
}

export function cloneModel(m: TableModel): TableModel {
  return { services: new Map([...m.services].map(([k, s]) => [k, cloneService(s)])), timeouts: { ...m.timeouts } };
}

// ---------------------------------------------------------------- rendering

/** The words after the service id of an -A or -E line (and of -S). */
export function serviceOptionWords(o: ServiceOptions): string[] {
  const words = ['-s', o.scheduler];
  if (o.persistence) {
    words.push('-p', String(o.persistence.timeout));
    if (o.persistence.mask !== undefined) words.push('-M', o.persistence.mask);
  }
  if (o.onePacket) words.push('-o');
  if (o.schedFlags.length > 0) words.push('-b', o.schedFlags.join(','));
  return words;
}

/** The words after `-r TARGET` of an -a or -e line; with thresholds, as a rules file sets them. */
export function serverOptionWords(d: ServerState, thresholds: boolean): string[] {
  const words = [`-${d.method}`, '-w', String(d.weight)];
  if (d.tunnel) {
    words.push('--tun-type', d.tunnel.type);
    if (d.tunnel.port !== undefined) words.push('--tun-port', String(d.tunnel.port));
    if (d.tunnel.checksum !== undefined) words.push(`--${d.tunnel.checksum}`);
  }
  if (thresholds) words.push('-x', String(d.upper), '-y', String(d.lower));
  return words;
}

export function serviceLine(s: ServiceState): string {
  return ['-A', s.id, ...serviceOptionWords(s)].join(' ');
}

export function serverLine(s: ServiceState, d: ServerState, thresholds: boolean): string {
  return ['-a', s.id, '-r', targetOf(d.address, d.port), ...serverOptionWords(d, thresholds)].join(' ');
}

/** The table as -S -n lines (thresholds added when asked), service by service. */
export function modelLines(services: Iterable<ServiceState>, thresholds: boolean): string[] {
  const lines: string[] = [];
  for (const s of services) {
    lines.push(serviceLine(s));
    for (const d of s.servers.values()) lines.push(serverLine(s, d, thresholds));
  }
  return lines;
}

// ---------------------------------------------------------------- our JSON listing

interface JsonServer {
  address: string;
  port: number;
  forwarding: string;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  tunnel: { type: string; port: number; checksum: string } | null;
}

interface JsonService {
  family: string;
  protocol: string | null;
  address: string | null;
  port: number | null;
  fwmark: number | null;
  scheduler: string;
  schedulerFlags: string[];
  onePacket: boolean;
  persistent: { timeout: number; netmask: string | number } | null;
  pe: string | null;
  realServers: JsonServer[];
}

const PROTOCOL_SWITCH: Record<string, string> = { tcp: '-t', udp: '-u', sctp: '--sctp-service' };
const METHOD_SWITCH: Record<string, Method> = { masq: 'm', route: 'g', tunnel: 'i' };

function jsonServiceId(s: JsonService): string {
  if (s.fwmark !== null) return `-f ${s.fwmark}${s.family === 'inet6' ? ' -6' : ''}`;
  const switchWord = PROTOCOL_SWITCH[s.protocol ?? ''] ?? `?${s.protocol}`;
  return `${switchWord} ${targetOf(s.address ?? '?', s.port ?? -1)}`;
}

/** A mask as -S -n prints it: none for the full one. */
function jsonMask(family: string, netmask: string | number): string | undefined {
  if (family === 'inet') return netmask === '255.255.255.255' ? undefined : String(netmask);
  return netmask === 128 ? undefined : String(netmask);
}

/**
 * Our `-L -n --json` as the lines of the model with thresholds. Whatever the
 * model cannot hold (a persistence engine, a forwarding method it never
 * sets) is written in a way no model line can equal, so that it shows up.
 */
export function linesOfJsonListing(text: string): string[] {
  const doc = JSON.parse(text) as { services: JsonService[] };
  const lines: string[] = [];
  for (const s of doc.services) {
    const options: ServiceOptions = {
      scheduler: s.scheduler,
      persistence: s.persistent ? { timeout: s.persistent.timeout, mask: jsonMask(s.family, s.persistent.netmask) } : undefined,
      onePacket: s.onePacket,
      schedFlags: s.schedulerFlags,
    };
    const id = jsonServiceId(s);
    lines.push(['-A', id, ...serviceOptionWords(options), ...(s.pe === null ? [] : ['--pe', s.pe])].join(' '));
    for (const d of s.realServers) {
      const method = METHOD_SWITCH[d.forwarding] ?? (`?${d.forwarding}` as Method);
      const tunnel: Tunnel | undefined = d.tunnel === null ? undefined : {
        type: d.tunnel.type as Tunnel['type'],
        port: d.tunnel.type === 'gue' ? d.tunnel.port : undefined,
        checksum: d.tunnel.type === 'ipip' ? undefined : (`tun-${d.tunnel.checksum}` as TunnelChecksum),
      };
      const server: ServerState = { address: d.address, port: d.port, method, weight: d.weight, upper: d.upperThreshold, lower: d.lowerThreshold, tunnel };
      lines.push(['-a', id, '-r', targetOf(d.address, d.port), ...serverOptionWords(server, true)].join(' '));
    }
  }
  return lines;
}

// ---------------------------------------------------------------- comparing

/** Lines missing from `actual` or extra in it (as multisets), at most `limit` of them; [] when they agree. */
export function lineDifferences(actual: readonly string[], expected: readonly string[], limit = 20): string[] {
  const count = (lines: readonly string[]) => {
    const m = new Map<string, number>();
    for (const l of lines) if (l !== '') m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const [a, e] = [count(actual), count(expected)];
  const out: string[] = [];
  for (const [l, n] of e) if ((a.get(l) ?? 0) < n) out.push(`missing: ${l}`);
  for (const [l, n] of a) if ((e.get(l) ?? 0) < n) out.push(`extra:   ${l}`);
  return out.slice(0, limit);
}

/** `Timeout (tcp tcpfin udp): 900 120 300` (the real ipvsadm's -L --timeout) as numbers. */
export function parseTimeouts(text: string): Timeouts | undefined {
  const m = /^Timeout \(tcp tcpfin udp\): (\d+) (\d+) (\d+)\n$/.exec(text);
  return m ? { tcp: Number(m[1]), tcpFin: Number(m[2]), udp: Number(m[3]) } : undefined;
}
