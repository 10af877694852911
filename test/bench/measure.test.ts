import { childMinorFaults, runOnce, timeInterleaved } from '../../bench/measure';

describe('bench page faults', () => {
  // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt ...
  const stat = (comm: string, minflt: number, cminflt: number) =>
    `4242 (${comm}) S 1 4242 4242 0 -1 4194560 ${minflt} ${cminflt} 0 0 12 3 0 0 20 0 1 0 77 1000 200\n`;

  test('cminflt is the tenth field after the name', () => {
    expect(childMinorFaults(stat('node', 3591, 120456))).toBe(120456);
    expect(childMinorFaults(stat('node', 3591, 0))).toBe(0);
  });

  test('a name with spaces and parentheses does not shift the fields', () => {
    expect(childMinorFaults(stat('a (b) c', 7, 99))).toBe(99);
    expect(childMinorFaults(stat(') 1 2 3 4 5 6 7 8 9', 7, 98))).toBe(98);
  });

  test('anything else is undefined', () => {
    expect(childMinorFaults('')).toBeUndefined();
    expect(childMinorFaults('4242 (node) S 1 4242')).toBeUndefined();
    expect(childMinorFaults(stat('node', 1, 2).replace(' 2 0 0 12', ' x 0 0 12'))).toBeUndefined();
    expect(childMinorFaults('no name here at all 1 2 3 4 5 6 7 8 9 10')).toBeUndefined();
  });

  test('a run counts the faults of the child it spawned, more for one that touches more memory', () => {
    const small = runOnce({ label: 'small', argv: [process.execPath, '-e', '0'] }, 30_000);
    const big = runOnce({ label: 'big', argv: [process.execPath, '-e', 'Buffer.alloc(64 * 1024 * 1024, 1)'] }, 30_000);
    expect(small.status).toBe(0);
    expect(big.status).toBe(0);
    expect(small.minorFaults).toBeGreaterThan(100);
    // 64 MiB touched is 16,384 pages of 4 KiB (or fewer huge ones, but never none).
    expect(big.minorFaults! - small.minorFaults!).toBeGreaterThan(1000);
  });

  test('timeInterleaved keeps one count per timed run, none for the warm-up', () => {
    const cmd = { label: 'true', argv: ['/bin/true'] };
    const { samples, faults } = timeInterleaved([cmd, cmd], { runs: 3, warmup: 1, timeoutMs: 30_000 });
    expect(samples.map((s) => s.length)).toEqual([3, 3]);
    expect(faults.map((f) => f.length)).toEqual([3, 3]);
    for (const f of faults.flat()) expect(f).toBeGreaterThan(0);
  });
});
