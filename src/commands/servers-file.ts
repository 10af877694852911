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

// One pattern per kind of line (a file of 100,000 servers is 100,000 lines):
// the address as 8 hex digits or as 8 groups of 4 in brackets, the port as 4.
const HOST = '(?:([0-9A-F]{8})|\\[([0-9a-f]{4}(?::[0-9a-f]{4}){7})\\])';
const SERVER_LINE = new RegExp(`^  -> ${HOST}:([0-9A-F]{4}) +(Masq|Local|Tunnel|Route) +(-?[0-9]+) +(-?[0-9]+) +(-?[0-9]+) *$`);
const SERVICE_LINE = new RegExp(`^(?:(TCP|UDP|SCTP) {2}${HOST}:([0-9A-F]{4})|FWM {2}([0-9A-F]{8})) `);

/** The key of a service as the file names it: fwmark services carry no address family there. */
export function serversFileKey(s: { family: number; protocol: number; address: string; port: number; fwmark: number }): string {
  return s.fwmark !== 0 ? `fwm ${s.fwmark >>> 0}` : `${s.family} ${s.protocol} ${s.address} ${s.port}`;
}

/** The address of a HOST match: [family, inet_ntop text]. */
function host(ipv4: string | undefined, ipv6: string | undefined): [number, string] {
  if (ipv4 !== undefined) {
    const v = parseInt(ipv4, 16);
    return [AF_INET, `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`];
  }
  const bytes = new Uint8Array(16);
  ipv6!.split(':').forEach((group, i) => {
    const v = parseInt(group, 16);
    bytes[2 * i] = v >>> 8;
    bytes[2 * i + 1] = v & 255;
  });
  return [AF_INET6, formatIPv6(bytes)];
}

function server(line: string): Destination | undefined {
  const m = SERVER_LINE.exec(line);
  if (m === null) return undefined;
  const [family, address] = host(m[1], m[2]);
  return {
    family, address, port: parseInt(m[3], 16), fwdMethod: METHODS[m[4]], weight: Number(m[5]),
    upperThreshold: 0, lowerThreshold: 0, tunnelType: 0, tunnelPort: 0, tunnelFlags: 0,
    // %d of an int: back to the unsigned counts the kernel keeps.
    activeConns: Number(m[6]) >>> 0, inactiveConns: Number(m[7]) >>> 0, persistentConns: 0,
  };
}

/** The key of a service line, or undefined when the line is not one this reader knows. */
function serviceLineKey(line: string): string | undefined {
  const m = SERVICE_LINE.exec(line);
  if (m === null) return undefined;
  if (m[5] !== undefined) return `fwm ${parseInt(m[5], 16)}`;
  const [family, address] = host(m[2], m[3]);
  return `${family} ${PROTOCOLS[m[1]]} ${address} ${parseInt(m[4], 16)}`;
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
