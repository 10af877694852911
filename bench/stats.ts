// Pure helpers of the benchmark: summary statistics, ratios and formatting.

export interface Summary {
  /** Number of samples. */
  n: number;
  median: number;
  min: number;
  max: number;
}

/** Median of the samples (mean of the two middle ones for an even count). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples');
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summary of no samples');
  return { n: samples.length, median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

/** a / b, or undefined when either side is missing or b is not positive. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return undefined;
  return a / b;
}

/** "1234 (min 1200)"; precision adapts to the size of the number. */
export function formatValue(s: Summary | undefined): string {
  if (s === undefined) return '-';
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  return s.n > 1 ? `${f(s.median)} (min ${f(s.min)})` : f(s.median);
}

export function formatRatio(r: number | undefined): string {
  if (r === undefined) return '-';
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`;
}

/** Nanoseconds (process.hrtime.bigint differences) to milliseconds. */
export function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}
