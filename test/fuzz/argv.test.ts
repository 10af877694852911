// Issue 12: command lines fuzzed on the host, against the fake kernel: every
// command line ends in time, with one of the documented statuses, and
// without a stack trace or an internal error. The seed is printed; a
// failing command line is shrunk and printed to be kept in
// argv-regressions.json, which every run replays first.
//
//   FUZZ_SEED=N FUZZ_ARGV=COUNT npx jest test/fuzz/argv --selectProjects unit
//
// runs COUNT command lines of seed N (the default count keeps the unit run
// short; the results table in docs/reliability.md says what ran by hand).
import * as fs from 'fs';
import * as path from 'path';
import { fuzzedArgv, scenarioCorpus, shrink } from './argv';
import { problem, table } from './check';

const REPO = path.resolve(__dirname, '..', '..');
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env.FUZZ_ARGV ?? 3000);
const REGRESSIONS = path.join(__dirname, 'argv-regressions.json');

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
