/**
 * Address text <-> bytes, following the C library's rules exactly, since
 * ipvsadm's accepted inputs and printed outputs are defined by them:
 * inet_aton (classful shorthands, hex, octal), inet_pton and inet_ntop.
 */
import { AF_INET, AF_INET6 } from '../ipvs/types';

/** glibc inet_aton: "a.b.c.d", "a.b.c", "a.b", "a", each part decimal, 0x hex or 0 octal. */
export function inetAton(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    const value = parseCNumber(part);
    if (value === undefined) return undefined;
    values.push(value);
  }
  const last = values[values.length - 1];
  const head = values.slice(0, -1);
  if (head.some((v) => v > 0xff)) return undefined;
  const lastMax = [0xffffffff, 0xffffff, 0xffff, 0xff][head.length];
  if (last > lastMax) return undefined;
  let result = 0;
  head.forEach((v, i) => {
    result += v * 2 ** (8 * (3 - i));
  });
  return result + last;
}

// One inet_aton part: strtoul with base 0, digits only (no sign, no blanks), and
// glibc's trailing-whitespace allowance is not relevant to a single token.
const HEX_DIGITS = /^[0-9a-fA-F]*$/;
const OCTAL_DIGITS = /^[0-7]+$/;
const DECIMAL_DIGITS = /^[0-9]+$/;

function parseCNumber(part: string): number | undefined {
  let value: number;
  if (part.length > 1 && part[0] === '0' && (part[1] === 'x' || part[1] === 'X')) {
    const body = part.slice(2);
    if (!HEX_DIGITS.test(body)) return undefined;
    value = body === '' ? 0 : parseInt(body, 16);
  } else if (part[0] === '0') {
    if (!OCTAL_DIGITS.test(part)) return undefined;
    value = parseInt(part, 8);
  } else {
    if (!DECIMAL_DIGITS.test(part)) return undefined;
    value = parseInt(part, 10);
  }
  return value > 0xffffffff ? undefined : value;
}

/** inet_pton(AF_INET): exactly four decimal parts 0..255, no leading zeros beyond one digit. */
export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^[0-9]{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** The 16-bit words of colon-separated groups (the last may be dotted IPv4 when allowed), or undefined. */
function parseGroupList(s: string, allowV4Tail: boolean): number[] | undefined {
  if (s === '') return [];
  const groups = s.split(':');
  const out: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (allowV4Tail && i === groups.length - 1 && g.includes('.')) {
      const v4 = parseIPv4(g);
      if (!v4) return undefined;
      out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      continue;
    }
    if (!HEX_GROUP.test(g)) return undefined;
    out.push(parseInt(g, 16));
  }
  return out;
}

/** inet_pton(AF_INET6), including an embedded dotted IPv4 tail. */
export function parseIPv6(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  // A dot belongs to the last group only: "10.0.0.1:80" is quickly not IPv6.
  const dot = text.indexOf('.');
  if (dot !== -1 && text.lastIndexOf(':') > dot) return undefined;
  const doubleColon = text.indexOf('::');
  if (doubleColon !== -1 && text.indexOf('::', doubleColon + 1) !== -1) return undefined;
  const words: number[] = [];
  if (doubleColon === -1) {
    const all = parseGroupList(text, true);
    if (!all || all.length !== 8) return undefined;
    words.push(...all);
  } else {
    const head = parseGroupList(text.slice(0, doubleColon), false);
    const rest = parseGroupList(text.slice(doubleColon + 2), true);
    if (!head || !rest) return undefined;
    if (head.length + rest.length > 7) return undefined;
    words.push(...head, ...new Array(8 - head.length - rest.length).fill(0), ...rest);
  }
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** inet_ntop(AF_INET). */
export function formatIPv4(bytes: Uint8Array): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/**
 * inet_ntop(AF_INET6) as glibc writes it: the longest run (first on ties) of two
 * or more zero words becomes "::"; ::ffff:a.b.c.d and ::a.b.c.d (exactly six
 * leading zero words) end in dotted IPv4.
 */
export function formatIPv6(bytes: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[2 * i] << 8) | bytes[2 * i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  const v4Tail = bestStart === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff));
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (v4Tail && i === 6) {
      if (!out.endsWith(':')) out += ':';
      out += `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
      break;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += words[i].toString(16);
  }
  return out;
}

/** Address text -> bytes for the given family (4 or 16 bytes); undefined if malformed. */
export function addressBytes(family: number, text: string): Uint8Array | undefined {
  if (family === AF_INET) return parseIPv4(text);
  if (family === AF_INET6) return parseIPv6(text);
  return undefined;
}

/** Bytes -> text for the given family. */
export function formatAddress(family: number, bytes: Uint8Array): string {
  return family === AF_INET6 ? formatIPv6(bytes) : formatIPv4(bytes);
}

/** IPv4 text -> the 32-bit number in reading order (10.0.0.1 -> 0x0a000001). */
export function ipv4ToNumber(text: string): number {
  const b = parseIPv4(text);
  if (!b) throw new RangeError(`not an IPv4 address: ${text}`);
  return ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
}

export function numberToIPv4(value: number): string {
  return `${(value >>> 24) & 0xff}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}
