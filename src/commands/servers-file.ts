/**
 * /proc/net/ip_vs: every service with every real server, in one read, where
 * netlink takes a dump per service (issue 10). It carries what a plain `-L`
 * prints of a server (address, port, forwarding method, weight, active and
 * inactive connections) and nothing else: no thresholds, no persistent
 * connections, no tunnel settings, no counters; and it names forwarding
 * methods 4-7 (which neither ipvsadm nor keepalived can set) Masq, where
 * ipvsadm 1.31 prints (null) (ipvsadm.8, DIFFERENCES).
 *
 * The kernel writes it service by service, each service and its servers in
 * one go under RCU, so each service's servers are a consistent picture; but
 * a read() that does not take the whole file resumes by position, so a
 * service added or removed meanwhile can shift the rest: one service missed
 * or seen twice. The table (table.ts) therefore takes the file only when its
 * services are exactly those of the netlink dump, each once.
 *
 * Lines, as Linux 3.x-6.x print them (ip_vs_info_seq_show):
 *
 *   IP Virtual Server version 1.2.1 (size=4096)
 *   Prot LocalAddress:Port Scheduler Flags
 *     -> RemoteAddress:Port Forward Weight ActiveConn InActConn
 *   TCP  0A010001:0050 wlc [ops ][persistent 300 FFFFFFFF]
 *     -> 0A400001:1F90      Masq    1      0          0
 *   UDP  [2001:0db8:0000:0000:0000:0000:0000:0001]:0035 rr
 *     -> [2001:0db8:0000:0000:0000:0000:0000:0002]:0035      Route   1      0          0
 *   FWM  00000007 wlc [ops ][persistent ...]
 */
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, type Destination } from '../ipvs/types';
import { formatIPv6 } from '../netlink/inet';

/** The servers of each service, by serversFileKey; undefined when the text is not what this reader knows. */
export type ServersByService = Map<string, Destination[]>;

const PROTOCOLS: Record<string, number> = { TCP: IPPROTO_TCP, UDP: IPPROTO_UDP, SCTP: IPPROTO_SCTP };
const METHODS: Record<string, number> = { Masq: 0, Local: 1, Tunnel: 2, Route: 3 };
const HEX8 = /^[0-9A-F]{8}$/;
const HEX4 = /^[0-9A-F]{4}$/;
const IPV6_FULL = /^\[([0-9a-f]{4}(?::[0-9a-f]{4}){7})\]$/;

/** The key of a service as the file names it: fwmark services carry no address family there. */
export function serversFileKey(s: { family: number; protocol: number; address: string; port: number; fwmark: number }): string {
  return s.fwmark !== 0 ? `fwm ${s.fwmark >>> 0}` : `${s.family} ${s.protocol} ${s.address} ${s.port}`;
}

interface Endpoint {
  family: number;
  address: string;
  port: number;
}

/** `0A010001:0050` or `[2001:0db8:...]:0050`. */
function endpoint(text: string): Endpoint | undefined {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return undefined;
  const host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (!HEX4.test(portText)) return undefined;
  const port = parseInt(portText, 16);
  if (HEX8.test(host)) {
    const v = parseInt(host, 16);
    return { family: AF_INET, address: `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`, port };
  }
  const m = IPV6_FULL.exec(host);
  if (!m) return undefined;
  const bytes = new Uint8Array(16);
  m[1].split(':').forEach((group, i) => {
    const v = parseInt(group, 16);
    bytes[2 * i] = v >>> 8;
    bytes[2 * i + 1] = v & 255;
  });
  return { family: AF_INET6, address: formatIPv6(bytes), port };
}

/** A decimal `%d`, as the kernel prints an int. */
function int(text: string): number | undefined {
  return /^-?[0-9]+$/.test(text) ? Number(text) : undefined;
}

function server(line: string): Destination | undefined {
  const words = line.trim().split(/ +/);
  if (words.length !== 6 || words[0] !== '->') return undefined;
  const e = endpoint(words[1]);
  const fwdMethod = METHODS[words[2]];
  const [weight, active, inactive] = words.slice(3).map(int);
  if (e === undefined || fwdMethod === undefined || weight === undefined || active === undefined || inactive === undefined) return undefined;
  return {
    family: e.family, address: e.address, port: e.port, fwdMethod, weight,
    upperThreshold: 0, lowerThreshold: 0, tunnelType: 0, tunnelPort: 0, tunnelFlags: 0,
    activeConns: active >>> 0, inactiveConns: inactive >>> 0, persistentConns: 0,
  };
}

/** The key of a service line, or undefined when the line is not one this reader knows. */
function serviceLineKey(line: string): string | undefined {
  const words = line.split(/ +/);
  if (words[0] === 'FWM') return HEX8.test(words[1] ?? '') ? `fwm ${parseInt(words[1], 16)}` : undefined;
  const protocol = PROTOCOLS[words[0]];
  const e = endpoint(words[1] ?? '');
  return protocol === undefined || e === undefined ? undefined : `${e.family} ${protocol} ${e.address} ${e.port}`;
}

/**
 * Every service's servers, in the file's order; undefined when a line is not
 * what this reader knows or a service appears twice (then the file is not to
 * be trusted, and the caller dumps).
 */
export function parseServersFile(text: string): ServersByService | undefined {
  const lines = text.split('\n');
  const titles = lines[0].startsWith('IP Virtual Server version ') && lines[1]?.startsWith('Prot LocalAddress:Port ')
    && lines[2]?.startsWith('  -> RemoteAddress:Port ');
  if (!titles) return undefined;
  const table: ServersByService = new Map();
  let current: Destination[] | undefined;
  for (let i = 3; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    if (line.startsWith('  -> ')) {
      const d = server(line);
      if (d === undefined || current === undefined) return undefined;
      current.push(d);
      continue;
    }
    const key = serviceLineKey(line);
    if (key === undefined || table.has(key)) return undefined;
    current = [];
    table.set(key, current);
  }
  return table;
}
