/**
 * Seeded random services and destinations as the kernel could report them,
 * every field over its whole range, some with unknown attributes and stats
 * of either width, for the reply decoders' property tests.
 */
import { formatIPv4, formatIPv6 } from '../../src/netlink/inet';
import type { Destination, RawAttribute, Service, Stats } from '../../src/ipvs/types';
import { prng } from '../netlink/prng';

const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'];

export interface RandomIpvs {
  /** The generator itself, for a test's own choices in the same sequence. */
  r: ReturnType<typeof prng>;
  randomAddress(family: number): string;
  randomStats(width: 32 | 64): Stats;
  randomService(): Service;
  randomDestination(): Destination;
}

export function randomIpvs(seed: number): RandomIpvs {
  const r = prng(seed);

  function randomAddress(family: number): string {
    return family === 2 ? formatIPv4(r.bytes(4)) : formatIPv6(r.bytes(16));
  }
  function randomStats(width: 32 | 64): Stats {
    const v = (wide: boolean): bigint => (wide ? BigInt.asUintN(64, BigInt(r.int(2 ** 31)) * BigInt(r.int(2 ** 31)) * 7n) : BigInt(r.int(2 ** 32)));
    return {
      conns: v(width === 64),
      inpkts: v(width === 64),
      outpkts: v(width === 64),
      inbytes: v(true),
      outbytes: v(true),
      cps: v(width === 64),
      inpps: v(width === 64),
      outpps: v(width === 64),
      inbps: v(width === 64),
      outbps: v(width === 64),
    };
  }
  function randomUnknown(firstId: number): RawAttribute[] | undefined {
    if (r.int(3) !== 0) return undefined;
    return Array.from({ length: 1 + r.int(2) }, (_, i) => ({ type: firstId + i + r.int(50), flags: r.pick([0, 0x8000]), data: r.bytes(r.int(9)) }));
  }
  function withStats<T extends { stats?: Stats; statsWidth?: 32 | 64 }>(o: T): T {
    const width = r.pick([undefined, 32, 64] as const);
    if (width) {
      o.stats = randomStats(width);
      o.statsWidth = width;
    }
    return o;
  }

  function randomService(): Service {
    const family = r.pick([2, 10]);
    const fw = r.int(4) === 0;
    const s: Service = {
      family,
      protocol: fw ? 0 : r.pick([6, 17, 132]),
      address: fw ? '' : randomAddress(family),
      port: fw ? 0 : r.int(65536),
      fwmark: fw ? 1 + r.int(2 ** 32 - 1) : 0,
      scheduler: r.pick(SCHEDULERS),
      peName: r.pick(['', 'sip']),
      flags: r.int(0x40),
      timeout: r.int(2 ** 32),
      netmask: family === 2 ? r.int(2 ** 32) : 1 + r.int(128),
    };
    const unknown = randomUnknown(13);
    if (unknown) s.unknown = unknown;
    return withStats(s);
  }

  function randomDestination(): Destination {
    const family = r.pick([2, 10]);
    const d: Destination = {
      family,
      address: randomAddress(family),
      port: r.int(65536),
      fwdMethod: r.int(8),
      weight: r.int(2 ** 32) | 0,
      upperThreshold: r.int(2 ** 32),
      lowerThreshold: r.int(2 ** 32),
      tunnelType: r.int(3),
      tunnelPort: r.int(65536),
      tunnelFlags: r.int(4),
      activeConns: r.int(2 ** 32),
      inactiveConns: r.int(2 ** 32),
      persistentConns: r.int(2 ** 32),
    };
    const unknown = randomUnknown(16);
    if (unknown) d.unknown = unknown;
    return withStats(d);
  }

  return { r, randomAddress, randomStats, randomService, randomDestination };
}
