import { numberToIPv4 } from '../../src/netlink/inet';
import type { Destination, Service } from '../../src/ipvs/types';
import { AF_INET, AF_INET6 } from '../../src/ipvs/types';
import {
  addressWords,
  compareDestinations,
  compareServices,
  glibcMergeSort,
  sortDestinations,
  sortServices,
  sortTable,
  wrappingDiff,
} from '../../src/render/sort';
import { listedDest, listedSvc } from '../support/builders';
import { table1312 } from './tables';

const label = (s: Service) =>
  s.fwmark !== 0 ? `fwm${s.family === AF_INET6 ? '6' : ''} ${s.fwmark | 0}` : `${s.protocol} ${s.address}:${s.port}`;

describe('glibc merge sort', () => {
  it('splits floor(n/2) to the left and takes the left element on ties (stable)', () => {
    const items = [3, 1, 2, 1, 3, 2, 1].map((k, i) => ({ k, i }));
    const sorted = glibcMergeSort(items, (a, b) => a.k - b.k);
    expect(sorted.map((e) => `${e.k}${e.i}`)).toEqual(['11', '13', '16', '22', '25', '30', '34']);
  });

  it('calls the comparator in glibc msort order', () => {
    const calls: string[] = [];
    glibcMergeSort([4, 3, 2, 1, 0], (a, b) => {
      calls.push(`${a}${b}`);
      return a - b;
    });
    // n=5: left [4,3] (n1=2), right [2,1,0] -> [2] and [1,0].
    expect(calls).toEqual(['43', '10', '20', '21', '30', '31', '32']);
  });

  it('handles empty and single inputs and does not mutate', () => {
    const input = [2, 1];
    expect(glibcMergeSort([], () => 0)).toEqual([]);
    expect(glibcMergeSort([1], () => 0)).toEqual([1]);
    expect(glibcMergeSort(input, (a, b) => a - b)).toEqual([1, 2]);
    expect(input).toEqual([2, 1]);
  });
});

describe('wrapping comparators', () => {
  it('wrappingDiff is C int of an unsigned difference', () => {
    expect(wrappingDiff(1, 2)).toBe(-1);
    expect(wrappingDiff(0xc8000001, 0x0a000001)).toBeLessThan(0); // 200.0.0.1 "before" 10.0.0.1
    expect(wrappingDiff(0xffffffff, 1)).toBe(-2); // FWM -1 before FWM 1
    expect(wrappingDiff(0x80000000, 0)).toBe(-0x80000000);
    expect(wrappingDiff(0x7fffffff, 0)).toBe(0x7fffffff);
  });

  it('addressWords are host-order words; IPv4 uses only the first', () => {
    expect(addressWords(AF_INET, '10.0.0.1')).toEqual([0x0a000001, 0, 0, 0]);
    expect(addressWords(AF_INET, '255.255.255.255')).toEqual([0xffffffff, 0, 0, 0]);
    expect(addressWords(AF_INET6, '2001:db8::1')).toEqual([0x20010db8, 0, 0, 1]);
    expect(addressWords(AF_INET6, '::ffff:10.0.0.9')).toEqual([0, 0, 0xffff, 0x0a000009]);
    expect(addressWords(AF_INET, '')).toEqual([0, 0, 0, 0]);
    expect(addressWords(AF_INET, '010.0.0.1')).toEqual([0, 0, 0, 0]); // not inet_ntop text
  });

  it('services: fwmark, family, protocol, address, port', () => {
    expect(compareServices(listedSvc('fwm 1'), listedSvc('fwm 2'))).toBeLessThan(0);
    expect(compareServices(listedSvc('fwm 4294967295'), listedSvc('tcp 10.0.0.1:80'))).toBeLessThan(0);
    expect(compareServices(listedSvc('tcp 10.0.0.1:80'), listedSvc('fwm 1'))).toBeLessThan(0);
    expect(compareServices(listedSvc('fwm 2'), listedSvc('fwm6 2'))).toBeLessThan(0);
    expect(compareServices(listedSvc('tcp [::1]:80'), listedSvc('tcp 10.0.0.1:80'))).toBeGreaterThan(0);
    expect(compareServices(listedSvc('udp 10.0.0.1:80'), listedSvc('tcp 10.0.0.2:80'))).toBeGreaterThan(0);
    expect(compareServices(listedSvc('tcp 10.0.0.1:81'), listedSvc('tcp 10.0.0.1:80'))).toBeGreaterThan(0);
    expect(compareServices(listedSvc('tcp 10.0.0.1:80'), listedSvc('tcp 10.0.0.1:80'))).toBe(0);
    expect(compareServices(listedSvc('tcp 200.0.0.1:80'), listedSvc('tcp 10.0.0.1:80'))).toBeLessThan(0);
    expect(compareServices(listedSvc('tcp [ffff::1]:80'), listedSvc('tcp [::1]:80'))).toBeLessThan(0);
  });

  it('destinations: the left family decides how many words count', () => {
    // IPv4 left: only the first word, 0x0a000001 vs 0x20010db8.
    expect(compareDestinations(listedDest('10.0.0.1:80'), listedDest('[2001:db8::1]:80'))).toBeLessThan(0);
    // IPv6 left against IPv4 (zero-filled): first words 0x0a000001 vs 0x0a000001, then 1 vs 0.
    expect(compareDestinations(listedDest('[a00:1::1]:80'), listedDest('10.0.0.1:80'))).toBeGreaterThan(0);
    expect(compareDestinations(listedDest('10.0.0.1:80'), listedDest('[a00:1::1]:80'))).toBe(0);
    expect(compareDestinations(listedDest('10.0.0.5:1'), listedDest('10.0.0.5:65535'))).toBeLessThan(0);
  });
});

describe('13.12 from the --nosort order', () => {
  it('services', () => {
    const sorted = sortServices(table1312().map((r) => r.service)).map(label);
    expect(sorted).toEqual([
      'fwm -1',
      '6 1.2.3.4:80',
      '6 100.0.0.1:80',
      '6 127.255.255.255:80',
      '6 128.0.0.1:80',
      '6 192.168.1.1:80',
      '6 200.0.0.1:80',
      '6 10.0.0.1:80',
      '17 10.0.0.1:80',
      '132 10.0.0.1:80',
      '6 2001:db8::1:80',
      '6 7fff::1:80',
      '6 8000::1:80',
      '6 fe80::1:80',
      '6 ffff::1:80',
      '6 ::1:80',
      'fwm 1',
      'fwm6 2',
      'fwm 3',
      'fwm 2147483647',
      'fwm -2147483648',
    ]);
  });
  it('destinations', () => {
    const rows = sortTable(table1312());
    const of = (address: string) =>
      rows.find((r) => r.service.address === address && r.service.protocol === 6)!.destinations.map(
        (d) => `${d.address}:${d.port}`,
      );
    expect(of('200.0.0.1')).toEqual(['10.0.0.5:1', '10.0.0.5:80', '10.0.0.5:443', '10.0.0.5:8080', '10.0.0.5:65535']);
    expect(of('10.0.0.1')).toEqual([
      '100.0.0.1:80',
      '128.0.0.1:80',
      '192.168.1.1:80',
      '200.0.0.1:80',
      '1.2.3.4:80',
      '10.0.0.1:80',
    ]);
  });
  it('the wrap makes the result depend on the input order', () => {
    const a = [listedSvc('tcp 1.0.0.1:80'), listedSvc('tcp 100.0.0.1:80'), listedSvc('tcp 200.0.0.1:80')];
    const forward = sortServices(a).map(label);
    const backward = sortServices([...a].reverse()).map(label);
    expect(forward).not.toEqual(backward);
  });
});

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Plain lexicographic comparison without any wrap, for inputs where the wrap cannot bite. */
function naiveServiceCompare(a: Service, b: Service): number {
  const wa = addressWords(a.family, a.address);
  const wb = addressWords(b.family, b.address);
  const keysA = [a.fwmark, a.family, a.protocol, ...(a.family === AF_INET6 ? wa : [wa[0]]), a.port];
  const keysB = [b.fwmark, b.family, b.protocol, ...(a.family === AF_INET6 ? wb : [wb[0]]), b.port];
  for (let i = 0; i < keysA.length; i++) if (keysA[i] !== keysB[i]) return keysA[i] < keysB[i] ? -1 : 1;
  return 0;
}

function naiveDestinationCompare(a: Destination, b: Destination): number {
  const wa = addressWords(a.family, a.address);
  const wb = addressWords(b.family, b.address);
  const n = a.family === AF_INET6 ? 4 : 1;
  for (let i = 0; i < n; i++) if (wa[i] !== wb[i]) return wa[i] < wb[i] ? -1 : 1;
  return a.port - b.port;
}

describe('property: equals an ordinary sort when all values are within 2^31 of each other', () => {
  const hex = (n: number) => n.toString(16);
  const randomV6 = (rand: () => number) => {
    const words = Array.from({ length: 4 }, () => Math.floor(rand() * 0x80000000));
    return words.map((w) => `${hex(w >>> 16)}:${hex(w & 0xffff)}`).join(':');
  };

  it('services', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rand = prng(seed);
      const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
      const n = Math.floor(rand() * 60);
      // A small pool makes ties and near-ties common.
      const v4 = Array.from({ length: 8 }, () => numberToIPv4(Math.floor(rand() * 0x80000000)));
      const v6 = Array.from({ length: 8 }, () => randomV6(rand));
      const services: Service[] = [];
      for (let i = 0; i < n; i++) {
        const kind = rand();
        const port = pick([0, 1, 80, 443, 65535]);
        if (kind < 0.2) services.push(listedSvc(`${pick(['fwm', 'fwm6'])} ${1 + Math.floor(rand() * 0x7ffffffe)}`));
        else if (kind < 0.6) services.push(listedSvc(`${pick(['tcp', 'udp', 'sctp'])} ${pick(v4)}:${port}`));
        else services.push(listedSvc(`${pick(['tcp', 'udp', 'sctp'])} [${pick(v6)}]:${port}`));
      }
      const expected = [...services].sort(naiveServiceCompare);
      expect(sortServices(services)).toEqual(expected);
    }
  });

  it('destinations', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rand = prng(seed * 7919);
      const n = Math.floor(rand() * 60);
      const family = rand() < 0.5 ? AF_INET : AF_INET6;
      const pool = Array.from({ length: 6 }, () =>
        family === AF_INET ? numberToIPv4(Math.floor(rand() * 0x80000000)) : `[${randomV6(rand)}]`,
      );
      const destinations = Array.from({ length: n }, () =>
        listedDest(`${pool[Math.floor(rand() * pool.length)]}:${Math.floor(rand() * 65536)}`),
      );
      expect(sortDestinations(destinations)).toEqual([...destinations].sort(naiveDestinationCompare));
    }
  });
});
