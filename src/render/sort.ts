/**
 * ipvsadm's default listing order. ipvsadm sorts with glibc 2.36 qsort, which
 * is a top-down merge sort, and its comparators subtract in wrapping 32-bit
 * arithmetic. Values 2^31 or more apart therefore compare "backwards" and the
 * result depends on the kernel order fed in; reproducing both the algorithm and
 * the wrap is the only way to print the same order in those cases.
 */
import type { ServiceWithDestinations } from '../netlink/api';
import { parseIPv4, parseIPv6 } from '../netlink/inet';
import type { Destination, Service } from '../ipvs/types';
import { AF_INET6 } from '../ipvs/types';

/**
 * glibc msort: the first floor(n/2) elements form the left half; the merge
 * takes the left element whenever cmp <= 0. Returns a new array.
 */
export function glibcMergeSort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  const a = items.slice();
  const tmp = new Array<T>(a.length);
  sortRange(a, tmp, 0, a.length, cmp);
  return a;
}

function sortRange<T>(a: T[], tmp: T[], lo: number, n: number, cmp: (a: T, b: T) => number): void {
  if (n <= 1) return;
  const n1 = Math.floor(n / 2);
  const mid = lo + n1;
  const end = lo + n;
  sortRange(a, tmp, lo, n1, cmp);
  sortRange(a, tmp, mid, n - n1, cmp);
  let i = lo;
  let j = mid;
  let k = 0;
  while (i < mid && j < end) tmp[k++] = cmp(a[i], a[j]) <= 0 ? a[i++] : a[j++];
  while (i < mid) tmp[k++] = a[i++];
  // Whatever is left of the right half is already in place.
  for (let m = 0; m < k; m++) a[lo + m] = tmp[m];
}

/** C's `int r = (unsigned) a - (unsigned) b`: the difference wrapped to signed 32 bits. */
export function wrappingDiff(a: number, b: number): number {
  return ((a >>> 0) - (b >>> 0)) | 0;
}

/** An address as four host-order 32-bit words; IPv4 uses only the first (the rest are 0). */
export function addressWords(family: number, address: string): [number, number, number, number] {
  if (family === AF_INET6) {
    const b = parseIPv6(address);
    if (!b) return [0, 0, 0, 0];
    const w = (i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
    return [w(0), w(4), w(8), w(12)];
  }
  return [ipv4Word(address), 0, 0, 0];
}

// Listings sort thousands of inet_ntop strings, so dotted quads take a fast path.
function ipv4Word(address: string): number {
  let word = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3 || part > 255) return slowIPv4Word(address);
      word = word * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57 && digits < 3 && !(digits === 1 && part === 0)) {
      part = part * 10 + (c - 48);
      digits++;
    } else {
      return slowIPv4Word(address);
    }
  }
  if (dots !== 3 || digits === 0 || part > 255) return slowIPv4Word(address);
  return word * 256 + part;
}

function slowIPv4Word(address: string): number {
  const b = parseIPv4(address);
  return b ? ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0 : 0;
}

// The left element's family decides how many words take part, as in ipvsadm.
function compareAddressWords(leftFamily: number, a: readonly number[], b: readonly number[]): number {
  if (leftFamily !== AF_INET6) return wrappingDiff(a[0], b[0]);
  let r = 0;
  for (let i = 0; r === 0 && i < 4; i++) r = wrappingDiff(a[i], b[i]);
  return r;
}

interface ServiceSortKey {
  fwmark: number;
  family: number;
  protocol: number;
  words: [number, number, number, number];
  port: number;
}

interface DestinationSortKey {
  family: number;
  words: [number, number, number, number];
  port: number;
}

function serviceSortKey(s: Service): ServiceSortKey {
  return {
    fwmark: s.fwmark >>> 0,
    family: s.family & 0xffff,
    protocol: s.protocol & 0xffff,
    words: addressWords(s.family, s.address),
    port: s.port & 0xffff,
  };
}

function destinationSortKey(d: Destination): DestinationSortKey {
  return { family: d.family & 0xffff, words: addressWords(d.family, d.address), port: d.port & 0xffff };
}

function compareServiceKeys(a: ServiceSortKey, b: ServiceSortKey): number {
  let r = wrappingDiff(a.fwmark, b.fwmark);
  if (r !== 0) return r;
  r = a.family - b.family;
  if (r !== 0) return r;
  r = a.protocol - b.protocol;
  if (r !== 0) return r;
  r = compareAddressWords(a.family, a.words, b.words);
  if (r !== 0) return r;
  return a.port - b.port;
}

function compareDestinationKeys(a: DestinationSortKey, b: DestinationSortKey): number {
  const r = compareAddressWords(a.family, a.words, b.words);
  if (r !== 0) return r;
  return a.port - b.port;
}

/** ipvsadm's service comparator (sign matters, not magnitude). */
export function compareServices(a: Service, b: Service): number {
  return compareServiceKeys(serviceSortKey(a), serviceSortKey(b));
}

/** ipvsadm's destination comparator. */
export function compareDestinations(a: Destination, b: Destination): number {
  return compareDestinationKeys(destinationSortKey(a), destinationSortKey(b));
}

// Keys are computed once per element so comparisons never re-parse addresses.
function sortByKey<T, K>(items: readonly T[], key: (item: T) => K, cmp: (a: K, b: K) => number): T[] {
  // Nothing to order (a listing sorts every service's servers, most often one): no keys to make.
  if (items.length < 2) return items.slice();
  const keyed = items.map((item) => ({ item, key: key(item) }));
  return glibcMergeSort(keyed, (a, b) => cmp(a.key, b.key)).map((e) => e.item);
}

export function sortServices(services: readonly Service[]): Service[] {
  return sortByKey(services, serviceSortKey, compareServiceKeys);
}

export function sortDestinations(destinations: readonly Destination[]): Destination[] {
  return sortByKey(destinations, destinationSortKey, compareDestinationKeys);
}

/** Services in ipvsadm's order, each with its destinations in ipvsadm's order. Does not mutate. */
export function sortTable(table: readonly ServiceWithDestinations[]): ServiceWithDestinations[] {
  return sortByKey(table, (row) => serviceSortKey(row.service), compareServiceKeys).map((row) => ({
    service: row.service,
    destinations: sortDestinations(row.destinations),
  }));
}

/** The order a listing uses: kernel order with --nosort, else ipvsadm's sort. */
export function orderTable(table: readonly ServiceWithDestinations[], nosort: boolean): readonly ServiceWithDestinations[] {
  return nosort ? table : sortTable(table);
}
