/**
 * Value parsers for option arguments, each following the C library call that
 * ipvsadm 1.31 uses for it (strtol, strtoul, atoi, inet_aton, inet_pton,
 * gethostbyname, getservbyname), because the accepted spellings are part of
 * the interface. Failures throw UsageError with ipvsadm's message.
 */
import { AF_INET, AF_INET6 } from '../ipvs/types';
import { IP_VS_IFNAME_MAXLEN, IP_VS_PENAME_MAXLEN, IP_VS_SCHEDNAME_MAXLEN } from '../ipvs/kernel-values';
import { protocolByValue, schedulerFlagByName, tunnelTypeByName } from '../ipvs/vocabulary';
import { formatIPv4, formatIPv6, inetAton, ipv4ToNumber, numberToIPv4, parseIPv4, parseIPv6 } from '../netlink/inet';
import type { NameResolver } from './names';
import { EXIT_USAGE, type EXIT_KERNEL_REFUSED } from '../messages/exit-status';

/** A command-line error: the message (without the final newline) and the exit status. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode: typeof EXIT_USAGE | typeof EXIT_KERNEL_REFUSED = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const ULONG_MAX = 2n ** 64n - 1n;

// C isspace() in the C locale, then an optional sign, then decimal digits: all strtol accepts in base 10.
const C_WHOLE_DECIMAL = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/;

/** strtol(text, &end, 10) that must consume the whole (non-empty) text without ERANGE. */
export function strtolWhole(text: string): bigint | undefined {
  const m = C_WHOLE_DECIMAL.exec(text);
  if (!m) return undefined;
  const magnitude = BigInt(m[2]);
  const value = m[1] === '-' ? -magnitude : magnitude;
  return value < LONG_MIN || value > LONG_MAX ? undefined : value;
}

/** ipvsadm's string_to_number: a whole strtol number in [min, max], else undefined. */
export function stringToNumber(text: string, min: number, max: number): number | undefined {
  const value = strtolWhole(text);
  if (value === undefined || value < BigInt(min) || value > BigInt(max)) return undefined;
  return Number(value);
}

/** strtoul(text, &end, 10) that must consume the whole text; a '-' sign negates modulo 2^64, as in C. */
export function strtoulWhole(text: string): bigint | undefined {
  const m = C_WHOLE_DECIMAL.exec(text);
  if (!m) return undefined;
  const magnitude = BigInt(m[2]);
  if (magnitude > ULONG_MAX) return undefined;
  return m[1] === '-' ? (2n ** 64n - magnitude) % 2n ** 64n : magnitude;
}

/** atoi(text) stored into a u_int32_t: leading-digits conversion, saturating like strtol, then truncated. */
export function atoiUnsigned32(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]*)/.exec(text);
  const digits = m ? m[2] : '';
  if (!m || digits === '') return 0;
  let value = BigInt(digits);
  if (m[1] === '-') value = -value;
  if (value > LONG_MAX) value = LONG_MAX;
  if (value < LONG_MIN) value = LONG_MIN;
  return Number(BigInt.asUintN(32, value));
}

/**
 * glibc inet_aton: the shared inetAton plus two glibc details it leaves out:
 * text after the first blank is ignored, and a bare "0x" part is invalid.
 */
export function cInetAton(text: string): number | undefined {
  const blank = text.search(/[ \t\n\v\f\r]/);
  const body = blank < 0 ? text : text.slice(0, blank);
  if (body.split('.').some((part) => part === '0x' || part === '0X')) return undefined;
  return inetAton(body);
}

/** Cut to at most maxBytes of UTF-8, as strncpy into a fixed C buffer would (never splitting a character). */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (used + size > maxBytes) break;
    out += ch;
    used += size;
  }
  return out;
}

/** inet_aton, else gethostbyname's first IPv4 address. Dotted text or undefined. */
export async function hostToIPv4(host: string, resolver: NameResolver): Promise<string | undefined> {
  const numeric = cInetAton(host);
  if (numeric !== undefined) return numberToIPv4(numeric);
  if (host === '') return undefined;
  try {
    const found = await resolver.hostToIPv4(host);
    const bytes = found === undefined ? undefined : parseIPv4(found);
    return bytes ? formatIPv4(bytes) : undefined;
  } catch {
    return undefined;
  }
}

/** A port: a whole strtol number 0..65535, else a service name for the protocol (none for protocol 0). */
export function parsePort(text: string, protocol: number, resolver: NameResolver): number | undefined {
  const numeric = stringToNumber(text, 0, 65535);
  if (numeric !== undefined) return numeric;
  const proto = protocolByValue(protocol)?.serviceName;
  if (proto === undefined) return undefined;
  try {
    const port = resolver.serviceToPort(text, proto);
    return port !== undefined && Number.isInteger(port) && port >= 0 && port <= 65535 ? port : undefined;
  } catch {
    return undefined;
  }
}

export interface ParsedAddress {
  family: number;
  /** inet_ntop form. */
  address: string;
  /** Undefined when the text named no port. */
  port: number | undefined;
}

/**
 * ipvsadm's parse_service for -t/-u/--sctp-service/-r: digits-only text is
 * refused; "[...]" must be followed by ':'; an IPv6 literal never carries a
 * port unless bracketed; otherwise the text is split at its last colon, so
 * "[10.0.0.1]:80" loses its port. `protocol` is the service's protocol as
 * parsed so far (0 means port names cannot be looked up).
 */
export async function parseAddressPort(
  text: string,
  protocol: number,
  resolver: NameResolver,
): Promise<ParsedAddress | undefined> {
  if (/^[0-9]*$/.test(text)) return undefined;
  let host = text;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return undefined;
    host = text.slice(1, close);
    portText = text.slice(close + 2);
  }
  let family: number;
  let address: string;
  const ipv6 = parseIPv6(host);
  if (ipv6) {
    family = AF_INET6;
    address = formatIPv6(ipv6);
  } else {
    const colon = host.lastIndexOf(':');
    portText = colon < 0 ? undefined : host.slice(colon + 1);
    if (colon >= 0) host = host.slice(0, colon);
    const ipv4 = await hostToIPv4(host, resolver);
    if (ipv4 === undefined) return undefined;
    family = AF_INET;
    address = ipv4;
  }
  if (portText === undefined) return { family, address, port: undefined };
  const port = parsePort(portText, protocol, resolver);
  return port === undefined ? undefined : { family, address, port };
}

/** -f: strtoul, whole string, 1..4294967295. */
export function parseFwmark(text: string): number {
  const value = strtoulWhole(text);
  if (value === undefined || value < 1n || value > 0xffffffffn) {
    throw new UsageError(`invalid fwmark value \`${text}' specified`);
  }
  return Number(value);
}

/** ipvsadm's default persistence timeout (the man page's 300 is wrong). */
export const DEFAULT_PERSISTENCE_TIMEOUT = 360;
/** 31 days. */
export const MAX_TIMEOUT = 2678400;

/** -p (min 1, no value means 360) and the --set values (min 0). */
export function parseTimeout(text: string | undefined, min: number, max: number = MAX_TIMEOUT): number {
  if (text === undefined) return DEFAULT_PERSISTENCE_TIMEOUT;
  const value = stringToNumber(text, min, max);
  if (value === undefined) throw new UsageError(`invalid timeout value \`${text}' specified`);
  return value;
}

/** -M for an IPv4 service: inet_aton or a host name; the mask in reading order (no contiguity check). */
export async function parseIPv4Netmask(text: string, resolver: NameResolver): Promise<number> {
  const address = await hostToIPv4(text, resolver);
  if (address === undefined) throw new UsageError('illegal virtual server persistent mask specified');
  return ipv4ToNumber(address);
}

/** -M for an IPv6 service: atoi, 1..128 ("64abc" is 64). */
export function parseIPv6Netmask(text: string): number {
  const value = atoiUnsigned32(text);
  if (value < 1 || value > 128) throw new UsageError('illegal ipv6 netmask specified');
  return value;
}

/** Longest scheduler name ipvsadm keeps (the kernel's buffer less its NUL). */
export const SCHEDULER_MAX_BYTES = IP_VS_SCHEDNAME_MAXLEN - 1;
/** ipvsadm copies up to IP_VS_PENAME_MAXLEN bytes of --pe. */
export const PE_MAX_BYTES = IP_VS_PENAME_MAXLEN;
/** ipvsadm keeps -b in a 128-byte buffer. */
export const SCHED_FLAGS_MAX_BYTES = 127;
export const IFNAME_MAX_BYTES = IP_VS_IFNAME_MAXLEN - 1;
export const DEFAULT_SCHEDULER = 'wlc';

/**
 * -b, interpreted with the final scheduler name ('' counts as not sh/mh).
 * Empty items are skipped. Deliberate fix: a list of separators only, which
 * crashes ipvsadm 1.31, is reported as an invalid flag.
 */
export function parseSchedFlags(arg: string, scheduler: string): number {
  const names = arg.split(',').filter((name) => name !== '');
  if (names.length === 0) throw new UsageError(`invalid scheduler flag \`${arg}'`);
  let flags = 0;
  for (const name of names) {
    const spec = schedulerFlagByName(name);
    if (!spec) throw new UsageError(`invalid scheduler flag \`${name}'`);
    if (spec.scheduler !== undefined && spec.scheduler !== scheduler) {
      throw new UsageError(`incompatible scheduler flag \`${name}'`);
    }
    flags |= spec.bit;
  }
  return flags;
}

/** --tun-type: a tunnel type's name, as its kernel value. */
export function parseTunnelType(text: string): number {
  const type = tunnelTypeByName(text);
  if (type === undefined) throw new UsageError('illegal tunnel type specified');
  return type.value;
}

/** --mcast-group: an IPv6 multicast literal if the text has a colon, else a dotted IPv4 multicast literal. */
export function parseMcastGroup(text: string): { family: number; address: string } {
  if (text.includes(':')) {
    const bytes = parseIPv6(text);
    if (!bytes || bytes[0] !== 0xff) throw new UsageError(`invalid IPv6 mcast-group \`${text}'`);
    return { family: AF_INET6, address: formatIPv6(bytes) };
  }
  const bytes = parseIPv4(text);
  if (!bytes || (bytes[0] & 0xf0) !== 0xe0) throw new UsageError(`invalid IPv4 mcast-group \`${text}'`);
  return { family: AF_INET, address: formatIPv4(bytes) };
}

/** A string_to_number option with its range and message. */
export function parseBoundedInteger(text: string, min: number, max: number, message: string): number {
  const value = stringToNumber(text, min, max);
  if (value === undefined) throw new UsageError(message);
  return value;
}
