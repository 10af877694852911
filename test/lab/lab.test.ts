// Unit tests of the lab launcher's pure parts (the lab itself is exercised by test/kernel/lab.test.ts).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HOSTS_FILE, currentLab, labShard, pickShard } from '../../scripts/lab/environment';
import { filterFiles, planShards, report } from '../../scripts/lab/index';
import { readOutcome } from '../../scripts/lab/outcome';
import { addSummaries, ipvsVersion, summarizeJestJson } from '../../scripts/lab/results';
import { SETUP_FAILED, labScript, shellQuote } from '../../scripts/lab/script';
import { LogTail } from '../../scripts/lab/tail';

const made: string[] = [];
function tmpdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-unit-'));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe('lab script', () => {
  const base = { dir: '/tmp/ipvs-lab-x', repo: '/work/my repo', jestArgs: ['--runTestsByPath', '/a b.js'], env: { IPVS_LAB_SHARD: '1/2' } };

  test('is valid sh in both modes', () => {
    for (const mode of ['uml', 'netns'] as const) {
      const r = spawnSync('sh', ['-n'], { input: labScript({ ...base, mode }) });
      expect(r.status).toBe(0);
    }
  });

  test('uml: loads the modules from the private tree, logs, writes rc and powers off', () => {
    const s = labScript({ ...base, mode: 'uml' });
    expect(s).toContain('modprobe -d "$T/mods" "$m"');
    expect(s).toMatch(/for m in ip_vs ip_vs_rr .* ip_vs_pe_sip dummy veth bridge ipip fou ip_gre ip6_tunnel ip_tables iptable_mangle xt_mark xt_tcpudp; do/);
    expect(s).not.toContain('ip_vs_twos');
    expect(s).toContain('lab > "$T/log" 2>&1');
    expect(s.trimEnd().endsWith('poweroff -f')).toBe(true);
  });

  test('netns: no modprobe, no poweroff, exit status passed on', () => {
    const s = labScript({ ...base, mode: 'netns' });
    expect(s).not.toContain('modprobe');
    expect(s).not.toContain('poweroff');
    expect(s.trimEnd().endsWith('exit $rc')).toBe(true);
  });

  test('exports IPVS_LAB and extra variables; quotes paths with blanks', () => {
    const s = labScript({ ...base, mode: 'netns' });
    expect(s).toContain('export IPVS_LAB=netns');
    expect(s).toContain("export IPVS_LAB_SHARD=1/2");
    expect(s).toContain("cd '/work/my repo'");
    expect(s).toContain("--runTestsByPath '/a b.js'");
    expect(s).toContain('--outputFile=/tmp/ipvs-lab-x/result.json');
  });

  test('runs jest with the given node, whose directory comes first on PATH', () => {
    const s = labScript({ ...base, mode: 'uml', node: '/opt/node 20/bin/node' });
    expect(s).toContain("export PATH='/opt/node 20/bin':/usr/sbin:/usr/bin:/sbin:/bin");
    expect(s).toContain("'/opt/node 20/bin/node' node_modules/jest/bin/jest.js");
  });

  test('jest runs only after the lab was built, and a broken lab has its own status', () => {
    const s = labScript({ ...base, mode: 'uml' });
    expect(s).toContain(`setup || { echo "lab: building the uml lab failed" >&2; return ${SETUP_FAILED}; }`);
    expect(s.indexOf('head -n 1 /proc/net/ip_vs')).toBeLessThan(s.indexOf('node_modules/jest/bin/jest.js'));
  });

  test('shellQuote survives a round trip through sh', () => {
    for (const word of ['plain', '', "it's", 'a b', '$HOME', '`x`', '\\n', '"']) {
      const r = spawnSync('sh', ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' });
      expect(r.stdout).toBe(word);
    }
  });
});

describe('environment', () => {
  test('hosts file has the sheet 13.0 names', () => {
    expect(HOSTS_FILE).toContain('10.0.0.1 vip1.example.com vip1\n');
    expect(HOSTS_FILE.split('\n').filter((l) => l !== '')).toHaveLength(9);
  });

  test('currentLab insists on IPVS_LAB', () => {
    expect(currentLab({ IPVS_LAB: 'uml' })).toBe('uml');
    expect(() => currentLab({})).toThrow(/IPVS_LAB is not set/);
    expect(() => currentLab({ IPVS_LAB: 'host' })).toThrow(/IPVS_LAB is 'host'/);
  });

  test('labShard parses i/N and rejects nonsense', () => {
    expect(labShard({})).toEqual({ index: 1, count: 1 });
    expect(labShard({ IPVS_LAB_SHARD: '2/3' })).toEqual({ index: 2, count: 3 });
    expect(() => labShard({ IPVS_LAB_SHARD: '3/2' })).toThrow(/out of range/);
    expect(() => labShard({ IPVS_LAB_SHARD: 'x' })).toThrow(/i\/N/);
  });

  test('shards partition the items', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const parts = [1, 2, 3].map((index) => pickShard(items, { index, count: 3 }));
    expect(parts).toEqual([['a', 'd'], ['b', 'e'], ['c']]);
  });
});

describe('planning', () => {
  const repo = '/r';
  const f = (n: string) => `/r/dist/test/kernel/${n}`;

  test('self-sharding suites go to every guest, others are dealt out', () => {
    const files = [f('a.test.js'), f('b.test.js'), f('differential.test.js'), f('c.test.js')];
    expect(planShards(files, 2)).toEqual([
      [f('differential.test.js'), f('a.test.js'), f('c.test.js')],
      [f('differential.test.js'), f('b.test.js')],
    ]);
  });

  test('dearest first, each to the guest with the least work so far', () => {
    // 110, 83, 52, 46, 41 and two unknown ones (5 each): 110+46+5+5 = 166 against 83+52+41 = 176.
    const files = ['apply', 'cluster-failover', 'cluster-scheduling', 'drain', 'fuzz-differential', 'x', 'y'].map((n) => f(`${n}.test.js`));
    expect(planShards(files, 2)).toEqual([
      [f('fuzz-differential.test.js'), f('cluster-scheduling.test.js'), f('x.test.js'), f('y.test.js')],
      [f('cluster-failover.test.js'), f('apply.test.js'), f('drain.test.js')],
    ]);
  });

  test('never more guests than work, never fewer than one', () => {
    expect(planShards([f('a.test.js')], 4)).toEqual([[f('a.test.js')]]);
    expect(planShards([], 4)).toEqual([[]]);
  });

  test('filters match the compiled or the source path', () => {
    const files = [f('lab.test.js'), f('differential.test.js')];
    expect(filterFiles(repo, files, [])).toEqual(files);
    expect(filterFiles(repo, files, ['test/kernel/lab.test.ts'])).toEqual([f('lab.test.js')]);
    expect(filterFiles(repo, files, ['differ'])).toEqual([f('differential.test.js')]);
    expect(filterFiles(repo, files, ['nothing'])).toEqual([]);
  });
});

describe('results', () => {
  const json = (o: object) => JSON.stringify(o);

  test('counts executed tests and names the failures', () => {
    const s = summarizeJestJson(json({
      numPassedTests: 3, numFailedTests: 1, numPendingTests: 2, numTodoTests: 1,
      testResults: [
        { name: '/x/a.test.js', status: 'failed', assertionResults: [{ status: 'passed', fullName: 'ok' }, { status: 'failed', fullName: 'a b' }] },
        { name: '/x/b.test.js', status: 'failed', message: '\n  Cannot find module x\n more', assertionResults: [] },
      ],
    }));
    expect(s).toEqual({
      executed: 4, passed: 3, failed: 1, skipped: 3,
      failedTests: ['a b'], brokenSuites: ['/x/b.test.js: Cannot find module x'],
    });
  });

  test('garbage is an error, odd fields count as zero', () => {
    expect(() => summarizeJestJson('nope')).toThrow();
    expect(() => summarizeJestJson('7')).toThrow(/not an object/);
    expect(summarizeJestJson('{"numPassedTests": -1}').executed).toBe(0);
  });

  test('summaries add up', () => {
    const a = summarizeJestJson(json({ numPassedTests: 2, numFailedTests: 1 }));
    const b = summarizeJestJson(json({ numPassedTests: 5 }));
    expect(addSummaries(a, b)).toMatchObject({ executed: 8, passed: 7, failed: 1 });
  });

  test('IPVS version from the first line of /proc/net/ip_vs', () => {
    expect(ipvsVersion('IP Virtual Server version 1.2.1 (size=4096)\n')).toBe('1.2.1');
    expect(ipvsVersion('garbage')).toBeUndefined();
  });
});

describe('outcome of a lab run', () => {
  const write = (dir: string, files: Record<string, string>) => {
    for (const [k, v] of Object.entries(files)) fs.writeFileSync(path.join(dir, k), v);
  };
  const ok = JSON.stringify({ numPassedTests: 5, numFailedTests: 0 });

  test('a clean run', () => {
    const dir = tmpdir();
    write(dir, { rc: '0\n', version: 'IP Virtual Server version 1.2.1 (size=4096)\n', 'result.json': ok });
    const o = readOutcome(dir, 'g', { code: 0, signal: null }, 10);
    expect(o).toMatchObject({ jestStatus: 0, version: '1.2.1' });
    expect(o.problem).toBeUndefined();
    const r = report('uml', [o]);
    expect(r.problems).toEqual([]);
    expect(r.finalLine).toBe('kernel lab: 5 tests ran against IPVS 1.2.1 (uml)');
  });

  test('a guest that died without rc is a crash, even with a result file', () => {
    const dir = tmpdir();
    write(dir, { 'result.json': ok });
    const o = readOutcome(dir, 'g', { code: null, signal: 'SIGSEGV' }, 10);
    expect(o.problem).toMatch(/stopped before the tests finished \(signal SIGSEGV, no rc file\)/);
    expect(report('uml', [o]).problems[0]).toMatch(/^g: stopped/);
  });

  test('timeouts, broken labs and missing results are problems', () => {
    const dir = tmpdir();
    expect(readOutcome(dir, 'g', { code: null, signal: 'SIGKILL', timedOutAfterMs: 5000 }, 1).problem).toBe('timed out after 5 s and was killed');
    write(dir, { rc: `${SETUP_FAILED}\n` });
    expect(readOutcome(dir, 'g', { code: 0, signal: null }, 1).problem).toMatch(/could not be built/);
    write(dir, { rc: '1\n' });
    expect(readOutcome(dir, 'g', { code: 0, signal: null }, 1).problem).toMatch(/no result file/);
  });

  test('report: zero tests, failures, nonzero jest status and version disagreement fail', () => {
    const base = { label: 'g', durationMs: 1, jestStatus: 0, version: '1.2.1' };
    const s = (passed: number, failed: number) => summarizeJestJson(JSON.stringify({ numPassedTests: passed, numFailedTests: failed }));
    expect(report('uml', [{ ...base, summary: s(0, 0) }]).problems).toEqual(['the kernel suite ran 0 tests']);
    expect(report('uml', [{ ...base, jestStatus: 1, summary: s(1, 1) }]).problems).toEqual(['1 kernel test(s) failed']);
    expect(report('uml', [{ ...base, jestStatus: 1, summary: s(1, 0) }]).problems).toEqual(['g: jest exited with status 1']);
    const r = report('netns', [{ ...base, summary: s(2, 0) }, { ...base, version: '1.2.0', summary: s(3, 0) }]);
    expect(r.problems).toEqual(['guests disagree on the IPVS version: 1.2.1, 1.2.0']);
    expect(r.finalLine).toBe('kernel lab: 5 tests ran against IPVS 1.2.1 (netns)');
  });
});

describe('LogTail', () => {
  test('hands over complete lines as they appear, the rest at stop', () => {
    const dir = tmpdir();
    const file = path.join(dir, 'log');
    const lines: string[] = [];
    const tail = new LogTail(file, (l) => lines.push(l));
    tail.poll();
    expect(lines).toEqual([]);
    fs.writeFileSync(file, 'one\ntw');
    tail.poll();
    expect(lines).toEqual(['one']);
    fs.appendFileSync(file, 'o\nthr\u00e9');
    tail.poll();
    expect(lines).toEqual(['one', 'two']);
    tail.stop();
    expect(lines).toEqual(['one', 'two', 'thr\u00e9']);
  });

  test('a multi-byte character split between reads stays whole', () => {
    const dir = tmpdir();
    const file = path.join(dir, 'log');
    const lines: string[] = [];
    const tail = new LogTail(file, (l) => lines.push(l));
    const bytes = Buffer.from('\u00e9\n');
    fs.writeFileSync(file, bytes.subarray(0, 1));
    tail.poll();
    fs.appendFileSync(file, bytes.subarray(1));
    tail.poll();
    expect(lines).toEqual(['\u00e9']);
  });
});
