import { formatRatio, formatValue, median, nsToMs, ratio, summarize } from '../../bench/stats';

describe('bench statistics', () => {
  test('median of odd and even counts, unsorted input left alone', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  test('no samples is an error', () => {
    expect(() => median([])).toThrow(/no samples/);
    expect(() => summarize([])).toThrow(/no samples/);
  });

  test('summary', () => {
    expect(summarize([30, 10, 20, 50])).toEqual({ n: 4, median: 25, min: 10, max: 50 });
  });

  test('ratio is undefined when a side is missing or the divisor is not positive', () => {
    expect(ratio(10, 4)).toBe(2.5);
    expect(ratio(undefined, 4)).toBeUndefined();
    expect(ratio(4, undefined)).toBeUndefined();
    expect(ratio(4, 0)).toBeUndefined();
    expect(ratio(Number.NaN, 1)).toBeUndefined();
  });

  test('formatting', () => {
    expect(formatValue(undefined)).toBe('-');
    expect(formatValue(summarize([1234.4]))).toBe('1234');
    expect(formatValue(summarize([12.34, 11.06]))).toBe('11.7 (min 11.1)');
    expect(formatValue(summarize([1.234, 2]))).toBe('1.62 (min 1.23)');
    expect(formatRatio(undefined)).toBe('-');
    expect(formatRatio(1.234)).toBe('1.23x');
    expect(formatRatio(15.66)).toBe('15.7x');
    expect(nsToMs(2_500_000n)).toBe(2.5);
  });
});
