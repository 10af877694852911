/**
 * The STATS and STATS64 blocks of services and destinations (the
 * stats-widths quirk of ipvs-codec.ts), decoded only when first read.
 */
import { Decoded, NestedSet } from './set-codec';
import type { Destination, Service, Stats } from '../ipvs/types';

/** Members of STATS and STATS64, in the kernel's order (IPVS_STATS_ATTR_*). */
export const STATS_FIELDS: ReadonlyArray<readonly [keyof Stats, string]> = [
  ['conns', 'CONNS'],
  ['inpkts', 'INPKTS'],
  ['outpkts', 'OUTPKTS'],
  ['inbytes', 'INBYTES'],
  ['outbytes', 'OUTBYTES'],
  ['cps', 'CPS'],
  ['inpps', 'INPPS'],
  ['outpps', 'OUTPPS'],
  ['inbps', 'INBPS'],
  ['outbps', 'OUTBPS'],
];

function statsFrom(d: Decoded): Stats {
  const s = {} as Stats;
  for (const [key, name] of STATS_FIELDS) s[key] = d.big(name) ?? 0n;
  return s;
}

/** Where a decoded object keeps its stats block until (and after) `stats` is first read. */
const STATS_SOURCE = Symbol('stats source');

interface StatsHolder {
  [STATS_SOURCE]?: NestedSet | Stats;
}

/**
 * `stats` of a decoded service or destination: an ordinary enumerable
 * property to callers, whose ten bigints are made only when first read, since
 * most listings never show them. One shared accessor, so every decoded object
 * keeps the same shape.
 */
const LAZY_STATS: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: StatsHolder): Stats | undefined {
    const source = this[STATS_SOURCE];
    if (!(source instanceof NestedSet)) return source;
    const stats = statsFrom(source.decode());
    this[STATS_SOURCE] = stats;
    return stats;
  },
  set(this: StatsHolder, value: Stats | undefined) {
    this[STATS_SOURCE] = value;
  },
};

/** stats-widths: STATS64 when present, else STATS; absent means no stats. */
export function attachStats(target: Service | Destination, d: Decoded): void {
  const wide = d.nestLater('STATS64');
  const source = wide ?? d.nestLater('STATS');
  if (source) attachStatsBlock(target, source, wide ? 64 : 32);
}

/** Gives `target` the lazy `stats` of this checked block, `width` bits wide. */
export function attachStatsBlock(target: Service | Destination, block: NestedSet, width: 32 | 64): void {
  target.statsWidth = width;
  Object.defineProperty(target, STATS_SOURCE, { value: block, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(target, 'stats', LAZY_STATS);
}
