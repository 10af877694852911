// Issue 12: command lines fuzzed on the host, against the fake kernel: every
// command line ends in time, with one of the documented statuses, and
// without a stack trace or an internal error. The seed is printed; a
// failing command line is shrunk and printed to be kept in
// argv-regressions.json, which every run replays first.
//
//   FUZZ_SEED=N FUZZ_ARGV=COUNT npx jest --selectProjects unit test/fuzz/argv
//
// runs COUNT command lines of seed N (the default count keeps the unit run
// short; the results table in docs/reliability.md says what ran by hand).
import * as fs from 'fs';
import * as path from 'path';
import { run } from '../programs/harness';
import { FakeIpvs, keyText } from '../support/fake-ipvs';
import { listedDest, listedSvc, persistent, row } from '../support/builders';
import { serviceKey } from '../../src/ipvs/types';
import { fuzzedArgv, scenarioCorpus, shrink } from './argv';

const REPO = path.resolve(__dirname, '..', '..');
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env.FUZZ_ARGV ?? 3000);
/** Far more than any command line takes against the fake kernel. */
const DEADLINE_MS = 5000;
/** What the programs may exit with (src/messages/exit-status.ts), no signal being involved. */
const STATUSES = new Set([0, 1, 2, 255]);
const REGRESSIONS = path.join(__dirname, 'argv-regressions.json');

function table(): FakeIpvs {
  const kernel = new FakeIpvs();
  for (const r of [
    row(listedSvc('tcp 10.0.0.1:80'), listedDest('10.0.0.11:80'), listedDest('10.0.0.12:80', 'route')),
    row(listedSvc('udp 10.0.0.1:53', persistent(300)), listedDest('10.0.0.13:53', 'tunnel')),
    row(listedSvc('tcp [2001:db8::1]:80'), listedDest('[2001:db8::10]:80')),
  ]) kernel.entries.set(keyText(serviceKey(r.service)), r);
  return kernel;
}

/** What is wrong with how the program handled `argv`, or undefined. */
async function problem(argv: string[], kernel: FakeIpvs = table()): Promise<string | undefined> {
  let now = 0;
  // A clock that moves when slept on, so that waits (drain, apply's grace) end.
  const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await Promise.race([
      run(argv, { kernel, stdin: '', clock, connections: '', sysctls: {} }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no end within ${DEADLINE_MS} ms`)), DEADLINE_MS);
      }),
    ]);
    if (!STATUSES.has(r.status)) return `status ${r.status}`;
    const said = r.stdout + r.stderr;
    if (/internal error/.test(r.stderr)) return `internal error: ${r.stderr.trim()}`;
    if (/^\s+at .+:\d+:\d+\)?$/m.test(said)) return 'a stack trace';
    return undefined;
  } catch (error) {
    return `threw: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

const show = (argv: string[]): string => JSON.stringify(argv);

test('the checks see a crash, and the shrinker keeps only what it needs', async () => {
  const broken = table();
  broken.services = async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'family')");
  };
  expect(await problem(['-L', '-n'], broken)).toMatch(/internal error|threw/);
  expect(await problem(['-L', '-n'])).toBeUndefined();
  const small = await shrink(['-A', '-t', '10.0.0.1:80', '-X', '-s', 'rr'], async (a) => a.includes('-X') && a.some((w) => w.startsWith('10.')));
  expect(small).toEqual(['10.', '-X']);
});

test('regressions: every command line the fuzzer once found is handled', async () => {
  const cases = JSON.parse(fs.readFileSync(REGRESSIONS, 'utf8')) as { argv: string[]; found: string }[];
  for (const c of cases) expect([show(c.argv), await problem(c.argv)]).toEqual([show(c.argv), undefined]);
});

test(`fuzzed command lines (seed ${SEED}, ${COUNT} of them) end in time, with a documented status, without a trace`, async () => {
  const corpus = scenarioCorpus(REPO);
  expect(corpus.length).toBeGreaterThan(500);
  console.log(`argv fuzzer: seed ${SEED}, ${COUNT} command lines (FUZZ_SEED=${SEED} FUZZ_ARGV=${COUNT} to run them again)`);
  for (let n = 0; n < COUNT; n++) {
    const argv = fuzzedArgv(SEED, n, corpus);
    const found = await problem(argv);
    if (found === undefined) continue;
    const small = await shrink(argv, async (a) => (await problem(a)) !== undefined);
    throw new Error(
      `seed ${SEED}, case ${n}: ${found}\n  command line: ${show(argv)}\n  shrunk: ${show(small)} (${await problem(small)})\n` +
        `  keep it in ${path.relative(REPO, REGRESSIONS)} as {"argv": ${show(small)}, "found": "..."}`,
    );
  }
}, 600_000);
