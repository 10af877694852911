// Issue 12: fuzzed command lines (test/fuzz/argv.ts) run by the real
// ipvsadm 1.31 and by ours, each on the same starting table: where 1.31
// does not crash, stdout, stderr, status and the table left behind (with
// timeouts and sync daemons) are identical; where it crashes, ours says
// what is wrong in one line. Differences the man page documents are left
// out: the texts of -h and -v, and the extension commands and --json (1.31
// rejects them; a line where --json is read as an option must be one 1.31
// refuses). Those lines still run through ours, as whole processes on the
// lab's kernel, held to what the host fuzzers hold the program to: no
// signal, a documented status, no stack trace, an end within the deadline.
// A new seed each run, printed; by hand, for longer:
//   FUZZ_SEED=N FUZZ_LAB_ARGV=COUNT node scripts/test.js --kernel-only --shards=1 fuzz-differential
import { spawnSync } from 'child_process';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { requireLab } from './client-lab';
import { fuzzedArgv, scenarioCorpus } from '../fuzz/argv';
import { REAL_IPVSADM } from './apply-lab';
import { START_RULES as BASE, STATUSES } from '../fuzz/check';
import { asksForJson } from '../../src/programs/ipvsadm';

requireLab();

const REPO = repoRoot(__dirname);
const OURS = path.join(REPO, 'bin', 'ipvsadm');
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env.FUZZ_LAB_ARGV ?? 80);

interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function ran(program: string, argv: readonly string[], input = ''): Ran {
  const r = spawnSync(program, argv, {
    input, encoding: 'latin1', timeout: 30_000, killSignal: 'SIGKILL', argv0: 'ipvsadm', env: { ...process.env, IPVSADM_ARGV0: 'ipvsadm' },
  });
  if (r.error) throw new Error(`${program} ${argv.join(' ')}: ${r.error.message}`);
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const real = (argv: readonly string[], input?: string): Ran => ran(REAL_IPVSADM, argv, input);

/** The starting table, default timeouts, no sync daemon. */
function reset(): void {
  real(['-C']);
  real(['--stop-daemon', 'master']);
  real(['--stop-daemon', 'backup']);
  real(['--set', '900', '120', '300']);
  const r = real(['-R'], BASE);
  if (r.status !== 0) throw new Error(`the starting table: ${r.stderr}`);
}

/** What a run leaves behind, read by the real ipvsadm. */
const state = (): string => ['-S -n', '-L --timeout', '-L --daemon'].map((a) => real(a.split(' ')).stdout).join('---\n');

/** What is wrong with a whole run of ours that nothing compares: undefined when nothing is. */
function crashProblem(r: Ran): string | undefined {
  if (r.signal !== null) return `died of ${r.signal}`;
  if (!STATUSES.has(r.status ?? -1)) return `status ${r.status}`;
  if (/^\s+at .+:\d+:\d+\)?$/m.test(r.stdout + r.stderr) || /internal error/.test(r.stderr)) return `a crash: ${JSON.stringify(r.stderr.slice(0, 300))}`;
  return undefined;
}

/** 1.31's own help and version texts differ on purpose (ipvsadm.8, DIFFERENCES). */
const ownText = (r: Ran): boolean => /^ipvsadm v1\.31 /.test(r.stdout);

afterAll(() => {
  real(['-C']);
  real(['--stop-daemon', 'master']);
  real(['--stop-daemon', 'backup']);
  real(['--set', '900', '120', '300']);
});

test(`fuzzed command lines (seed ${SEED}, ${COUNT} of them): ours and 1.31 say, exit and leave the same`, () => {
  const corpus = scenarioCorpus(REPO);
  const differences: string[] = [];
  let compared = 0;
  let crashes = 0;
  let oursAlone = 0;
  /** A line only ours runs: held to crashProblem, on the starting table. */
  const runAlone = (n: number, argv: string[]): void => {
    reset();
    oursAlone++;
    const why = crashProblem(ran(OURS, argv));
    if (why !== undefined) differences.push(`case ${n} ${JSON.stringify(argv)}: ours alone: ${why}`);
  };
  for (let n = 0; n < COUNT; n++) {
    const argv = fuzzedArgv(SEED, n, corpus);
    // Extensions (1.31 rejects them) and restores (they read stdin) are other fuzzers' work.
    if (['apply', 'diff', 'drain', 'top'].includes(argv[0]) || argv.some((a) => /^-[^-]*R|^--restore/.test(a))) {
      runAlone(n, argv);
      continue;
    }
    reset();
    const theirs = real(argv);
    const theirState = state();
    // --json read as an option is ours (its output, even of a failure, is JSON by design); 1.31 must refuse the line.
    if (asksForJson(argv)) {
      if (theirs.status === 0) differences.push(`case ${n} ${JSON.stringify(argv)}: 1.31 accepts a line where ours reads --json as an option`);
      runAlone(n, argv);
      continue;
    }
    reset();
    const ours = ran(OURS, argv);
    const ourState = state();
    compared++;
    if (theirs.signal !== null) {
      crashes++;
      const lines = ours.stderr.split('\n').filter((l) => l !== '');
      if (ours.status === 0 || lines.length !== 1 || ours.signal !== null) {
        differences.push(`case ${n} ${JSON.stringify(argv)}: 1.31 died of ${theirs.signal}; ours: status ${ours.status}, ${JSON.stringify(ours.stderr)}`);
      }
      continue;
    }
    const same = ownText(theirs)
      ? ours.status === theirs.status && ours.stderr === theirs.stderr
      : ours.status === theirs.status && ours.stdout === theirs.stdout && ours.stderr === theirs.stderr;
    if (!same || ourState !== theirState) {
      differences.push(
        `case ${n} ${JSON.stringify(argv)}:\n  1.31: status ${theirs.status} ${JSON.stringify(theirs.stderr)} ${JSON.stringify(theirs.stdout.slice(0, 300))}\n` +
          `  ours: status ${ours.status} ${JSON.stringify(ours.stderr)} ${JSON.stringify(ours.stdout.slice(0, 300))}` +
          (ourState === theirState ? '' : `\n  tables differ:\n${theirState}\n  against ours:\n${ourState}`),
      );
    }
  }
  console.log(
    `lab argv fuzzer: seed ${SEED}: ${compared} command lines compared with 1.31 (${crashes} of them crash 1.31), ` +
      `${oursAlone} run by ours alone, ${differences.length} different or crashed`,
  );
  expect(compared).toBeGreaterThan(COUNT / 2);
  expect(differences).toEqual([]);
}, 900_000);
