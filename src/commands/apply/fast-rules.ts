/**
 * The commonest lines of a rules file, read without the classic parser. A
 * file written by `ipvsadm -S -n` is almost all plain service and server
 * lines, and at tens of thousands of lines the classic parser (popt's
 * grammar, the option matrix, the C library's number and address rules) is
 * most of what apply and diff cost beyond reading the table. A line matches
 * here only in the canonical form -S -n writes (decimal numbers without
 * leading zeros, addresses as inet_ntop writes them), where the classic
 * parser's result is plain; anything else, including every line it would
 * refuse, goes to the classic parser. test/commands/fast-rules.test.ts checks
 * that both give the same result for every line that matches.
 */
import { IP_VS_CONN_F_DROUTE, IP_VS_CONN_F_MASQ, IP_VS_CONN_F_TUNNEL, IP_VS_SVC_F_PERSISTENT } from '../../ipvs/kernel-values';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, type Destination, type Service } from '../../ipvs/types';
import { formatIPv6, parseIPv6 } from '../../netlink/inet';
import { MAX_TIMEOUT, SCHEDULER_MAX_BYTES } from '../../cli/values';

export type FastRule =
  | { command: 'add-service'; service: Service }
  | { command: 'add-server'; service: Service; destination: Destination };

const PROTOCOLS: Record<string, number> = { '-t': IPPROTO_TCP, '-u': IPPROTO_UDP, '--sctp-service': IPPROTO_SCTP };
const METHODS: Record<string, number> = { '-g': IP_VS_CONN_F_DROUTE, '-m': IP_VS_CONN_F_MASQ, '-i': IP_VS_CONN_F_TUNNEL };

const NUMBER = '(0|[1-9][0-9]{0,9})';
const ADDRPORT = `(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[[0-9a-f:.]+\\]):${NUMBER}`;
const SERVICE_LINE = new RegExp(`^-A (-t|-u|--sctp-service) ${ADDRPORT} -s ([a-z]+)(?: -p ${NUMBER})?$`);
const SERVER_LINE = new RegExp(`^-a (-t|-u|--sctp-service) ${ADDRPORT} -r ${ADDRPORT} (-g|-m|-i) -w ${NUMBER}(?: -x ${NUMBER} -y ${NUMBER})?$`);

const INT_MAX = 2147483647;

/** An address in the form the kernel's replies give, with its family; undefined for any other spelling. */
function address(text: string): { family: number; address: string } | undefined {
  if (text.startsWith('[')) {
    const inner = text.slice(1, -1);
    const bytes = parseIPv6(inner);
    return bytes && formatIPv6(bytes) === inner ? { family: AF_INET6, address: inner } : undefined;
  }
  const parts = text.split('.');
  if (parts.some((p) => (p.length > 1 && p[0] === '0') || Number(p) > 255)) return undefined;
  return { family: AF_INET, address: text };
}

function port(text: string): number | undefined {
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

function service(protocolSwitch: string, addr: string, portText: string): Service | undefined {
  const a = address(addr);
  const p = port(portText);
  if (a === undefined || p === undefined) return undefined;
  return {
    family: a.family, protocol: PROTOCOLS[protocolSwitch], address: a.address, port: p, fwmark: 0,
    scheduler: '', peName: '', flags: 0, timeout: 0, netmask: a.family === AF_INET6 ? 128 : 0xffffffff,
  };
}

export function fastRule(line: string): FastRule | undefined {
  if (line.startsWith('-A ')) {
    const m = SERVICE_LINE.exec(line);
    if (m === null || m[4].length > SCHEDULER_MAX_BYTES) return undefined;
    const s = service(m[1], m[2], m[3]);
    if (s === undefined) return undefined;
    s.scheduler = m[4];
    if (m[5] !== undefined) {
      const timeout = Number(m[5]);
      if (timeout < 1 || timeout > MAX_TIMEOUT) return undefined;
      s.flags |= IP_VS_SVC_F_PERSISTENT;
      s.timeout = timeout;
    }
    return { command: 'add-service', service: s };
  }
  if (line.startsWith('-a ')) {
    const m = SERVER_LINE.exec(line);
    if (m === null) return undefined;
    const s = service(m[1], m[2], m[3]);
    const d = address(m[4]);
    const p = port(m[5]);
    const weight = Number(m[7]);
    const upper = m[8] === undefined ? 0 : Number(m[8]);
    const lower = m[9] === undefined ? 0 : Number(m[9]);
    if (s === undefined || d === undefined || p === undefined || weight > INT_MAX || upper > INT_MAX || lower > INT_MAX) return undefined;
    const method = METHODS[m[6]];
    // Only a tunnel may cross families; the classic parser words the refusal.
    if (d.family !== s.family && method !== IP_VS_CONN_F_TUNNEL) return undefined;
    return {
      command: 'add-server',
      service: s,
      destination: {
        family: d.family, address: d.address,
        // Direct routing and tunnels keep the service's port, as the classic parser makes them.
        port: method === IP_VS_CONN_F_MASQ ? p : s.port,
        fwdMethod: method, weight, upperThreshold: upper, lowerThreshold: lower, tunnelType: 0, tunnelPort: 0, tunnelFlags: 0,
      },
    };
  }
  return undefined;
}
