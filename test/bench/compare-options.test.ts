import { describeDifference, firstDifference, sameBehaviour } from '../../bench/compare';
import { GROUPS, parseGroups, parseOptions } from '../../bench/options';
import { labScript } from '../../scripts/lab/script';

const obs = (status: number | null, stdout: string, stderr = '') => ({ status, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr) });

describe('bench output comparison', () => {
  test('same behaviour needs status, stdout and stderr to agree', () => {
    expect(sameBehaviour(obs(0, 'a\n'), obs(0, 'a\n'))).toBe(true);
    expect(sameBehaviour(obs(0, 'a\n'), obs(1, 'a\n'))).toBe(false);
    expect(sameBehaviour(obs(0, 'a\n', 'x'), obs(0, 'a\n'))).toBe(false);
  });

  test('the first differing line is named', () => {
    expect(firstDifference('a\nb\n', 'a\nb\n')).toBeUndefined();
    expect(firstDifference('a\nb\n', 'a\nc\n')).toBe('line 2: "b" vs "c"');
    expect(firstDifference('a\n', 'a\nb\n')).toBe('line 2: "" vs "b"');
    expect(firstDifference('a', 'a\nb')).toBe('line 2: <end of output> vs "b"');
    expect(describeDifference(obs(0, 'x'), obs(2, 'x'))).toBe('exit status 0 vs 2');
    expect(describeDifference(obs(0, 'x', 'e1'), obs(0, 'x', 'e2'))).toBe('stderr line 1: "e1" vs "e2"');
    expect(describeDifference(obs(0, 'x'), obs(0, 'x'))).toBeUndefined();
  });
});

describe('bench options', () => {
  test('defaults', () => {
    expect(parseOptions([])).toEqual({
      shapes: [{ services: 16000, dests: 1 }, { services: 1000, dests: 100 }, { services: 5000, dests: 10 }],
      memoryShape: { services: 16000, dests: 10 }, restoreShape: { services: 10000, dests: 10 }, restoreRuns: 3, runs: 5, only: [...GROUPS], timeout: 600, warmup: 1, help: false,
      applyServices: 10000, applyDests: 3, reloadServices: 2284, reloadDests: 37298, changePercent: 1, seed: 1,
    });
    expect(GROUPS).toEqual(['startup', 'restore', 'listing', 'memory', 'apply', 'reload']);
  });

  test('values and --only in the fixed order', () => {
    const o = parseOptions(['--shapes', '1000x3,20x0', '--restore-shape=50x2', '--runs', '2', '--only', 'listing,startup']);
    expect(o).toMatchObject({ shapes: [{ services: 1000, dests: 3 }, { services: 20, dests: 0 }], restoreShape: { services: 50, dests: 2 }, runs: 2, only: ['startup', 'listing'] });
    expect(parseGroups('memory')).toEqual(['memory']);
    expect(parseGroups('reload,startup,apply')).toEqual(['startup', 'apply', 'reload']);
    const a = parseOptions(['--apply-services=200', '--apply-dests', '2', '--reload-services', '50', '--reload-dests', '801',
      '--change-percent', '2.5', '--seed', '9', '--baseline-bundle', '/tmp/b/dist/ipvsadm.js']);
    expect(a).toMatchObject({ applyServices: 200, applyDests: 2, reloadServices: 50, reloadDests: 801, changePercent: 2.5, seed: 9,
      baselineBundle: '/tmp/b/dist/ipvsadm.js' });
  });

  test('bad input is a one-line error', () => {
    expect(() => parseOptions(['--runs', '0'])).toThrow(/--runs must be an integer >= 1/);
    expect(() => parseOptions(['--shapes', 'many'])).toThrow(/--shapes: 'many' is not SERVICESxSERVERS/);
    expect(() => parseOptions(['--memory-shape', '0x5'])).toThrow(/--memory-shape/);
    expect(() => parseOptions(['--only', 'startup,nope'])).toThrow(/unknown benchmark 'nope'/);
    expect(() => parseOptions(['--bogus'])).toThrow(/Unknown argument/);
    expect(() => parseOptions(['--change-percent', '0'])).toThrow(/--change-percent/);
    expect(() => parseOptions(['--apply-services', '5'])).toThrow(/--apply-services must be an integer >= 20/);
    expect(() => parseOptions(['--reload-services', '100', '--reload-dests', '99'])).toThrow(/--reload-dests must be at least/);
  });
});

describe('lab script with a command instead of jest', () => {
  test('runs the command in the repository and no jest', () => {
    const s = labScript({ mode: 'uml', dir: '/tmp/x', repo: '/work/main', jestArgs: [], command: ['/usr/bin/node', 'dist/bench/run.js', '--runs', '2'] });
    expect(s).toContain('  /usr/bin/node dist/bench/run.js --runs 2 </dev/null');
    expect(s).not.toContain('jest');
    expect(s).toContain('poweroff -f');
  });
});
