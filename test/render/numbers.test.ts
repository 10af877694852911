import { formatExactRate, formatLargeNumber } from '../../src/render/numbers';

const f = (v: bigint | number) => formatLargeNumber(BigInt(v), false);
const x = (v: bigint | number) => formatLargeNumber(BigInt(v), true);

describe('formatLargeNumber (abbreviated)', () => {
  it('samples from 13.7', () => {
    expect(f(104044800)).toBe('  104044K');
    expect(f(1105476000)).toBe('    1105M');
    expect(f(103638375)).toBe('  103638K');
    expect(f(7315650)).toBe('  7315650');
  });

  it.each([
    [0, '        0'],
    [99_999_999, ' 99999999'],
    [100_000_000, '  100000K'],
    [999_999_999, '  999999K'],
    [1_000_000_000, '    1000M'],
    [99_999_999_999, '   99999M'],
    [100_000_000_000, '     100G'],
    [99_999_999_999_999n, '   99999G'],
    [100_000_000_000_000n, '     100T'],
    [999_999_999_999_999n, '     999T'],
    [9_999_999_999_999_999_999n, ' 9999999T'],
    // %8lluT leaves no blank from 10^19 on, as in C: the field runs into the previous one.
    [10_000_000_000_000_000_000n, '10000000T'],
    [18_446_744_073_709_551_615n, '18446744T'],
  ])('%s -> %j', (v, text) => {
    expect(f(v)).toBe(text);
  });

  it('divides with truncation, never rounds', () => {
    expect(f(100_000_999)).toBe('  100000K');
    expect(f(1_999_999_999)).toBe('    1999M');
    expect(f(199_999_999_999_999n)).toBe('     199T');
  });

  it('below 10^19 every field starts with a blank and is at least 9 wide', () => {
    for (let e = 0n; e < 19n; e++) {
      for (const v of [10n ** e - 1n, 10n ** e, 10n ** e + 1n, 10n ** (e + 1n) - 1n]) {
        const text = f(v);
        expect(text.startsWith(' ')).toBe(true);
        expect(text.length).toBeGreaterThanOrEqual(9);
      }
    }
  });

  it('takes values modulo 2^64 like a C unsigned long long', () => {
    expect(f(-1n)).toBe('18446744T');
    expect(f(1n << 64n)).toBe('        0');
  });
});

describe('formatLargeNumber (--exact)', () => {
  it.each([
    [0, '        0'],
    [12345678, ' 12345678'],
    [104044800, ' 104044800'],
    [1105476000, ' 1105476000'],
    [18_446_744_073_709_551_615n, ' 18446744073709551615'],
  ])('%s -> %j', (v, text) => {
    expect(x(v)).toBe(text);
  });
});

describe('formatExactRate (destination CPS/InPPS/OutPPS)', () => {
  it('blank + right 8, never abbreviated', () => {
    expect(formatExactRate(0n)).toBe('        0');
    expect(formatExactRate(1594n)).toBe('     1594');
    expect(formatExactRate(123456789n)).toBe(' 123456789');
    expect(formatExactRate(4294967295n)).toBe(' 4294967295');
  });
});
