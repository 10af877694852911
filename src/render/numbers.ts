/**
 * Number fields of the --stats and --rate listings. Each field starts with at
 * least one blank; values are unsigned 64-bit and divided with integer
 * division, as ipvsadm 1.31 does.
 */

const HUNDRED_MILLION = 100_000_000n;
const BILLION = 1_000_000_000n;
const HUNDRED_BILLION = 100_000_000_000n;
const HUNDRED_TRILLION = 100_000_000_000_000n;
const THOUSAND = 1_000n;
const MILLION = 1_000_000n;
const TRILLION = 1_000_000_000_000n;

/** Values outside 0..2^64-1 are taken modulo 2^64, like a C unsigned long long. */
function asU64(value: bigint): bigint {
  return BigInt.asUintN(64, value);
}

/**
 * One stats/rate field: right 9, or right 8 plus K/M/G/T; with `exact`, right
 * max(9, digits + 1) and never abbreviated.
 */
export function formatLargeNumber(value: bigint, exact: boolean): string {
  const v = asU64(value);
  if (exact) {
    const digits = v.toString();
    return digits.padStart(Math.max(9, digits.length + 1));
  }
  if (v < HUNDRED_MILLION) return v.toString().padStart(9);
  if (v < BILLION) return (v / THOUSAND).toString().padStart(8) + 'K';
  if (v < HUNDRED_BILLION) return (v / MILLION).toString().padStart(8) + 'M';
  if (v < HUNDRED_TRILLION) return (v / BILLION).toString().padStart(8) + 'G';
  return (v / TRILLION).toString().padStart(8) + 'T';
}

/** A destination's CPS/InPPS/OutPPS field in --rate: blank + right 8, never abbreviated. */
export function formatExactRate(value: bigint): string {
  return ' ' + asU64(value).toString().padStart(8);
}
