// Issue 12: restore streams (`-R` on stdin) and rules files (`apply`,
// `apply --dry-run`, `diff`) fuzzed on the host against the fake kernel.
// Every run is held to the fuzzers' checks (test/fuzz/check.ts), and apply
// to its promise: when it fails, the table is exactly as it was; when it
// succeeds, `diff` of the same file finds nothing left to do; a dry run and
// a diff change nothing.
//
//   FUZZ_SEED=N FUZZ_RULES=COUNT npx jest test/fuzz/rules --selectProjects unit
import * as path from 'path';
import { run } from '../programs/harness';
import type { FakeIpvs } from '../support/fake-ipvs';
import { scenarioCorpus } from './argv';
import { problem, table } from './check';
import { fuzzedRules } from './rules';

const REPO = path.resolve(__dirname, '..', '..');
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env.FUZZ_RULES ?? 300);
const FILE = '/etc/ipvsadm.rules';

const saved = async (kernel: FakeIpvs): Promise<string> => (await run(['-S', '-n'], { kernel })).stdout;

/** How the applies ended, so that the run can show it tried both ways. */
const applied = { succeeded: 0, failed: 0 };

/** What is wrong with how the programs handled `text`, or undefined. */
async function rulesProblem(text: string): Promise<string | undefined> {
  const restored = await problem(['-R'], table(), { stdin: text });
  if (restored) return `-R: ${restored}`;
  for (const argv of [['apply', '--dry-run', FILE], ['diff', FILE]]) {
    const kernel = table();
    const before = await saved(kernel);
    const found = await problem(argv, kernel, { files: { [FILE]: text } });
    if (found) return `${argv.join(' ')}: ${found}`;
    if ((await saved(kernel)) !== before) return `${argv.join(' ')} changed the table`;
  }
  const kernel = table();
  const before = await saved(kernel);
  let status = -1;
  const found = await problem(['apply', '--grace', '0', FILE], kernel, { files: { [FILE]: text } }, (r) => (status = r.status));
  if (found) return `apply: ${found}`;
  if (status !== 0) {
    applied.failed++;
    if ((await saved(kernel)) !== before) return `apply failed with status ${status} but changed the table`;
    return undefined;
  }
  applied.succeeded++;
  const diff = await run(['diff', FILE], { kernel, files: { [FILE]: text } });
  if (diff.status !== 0) return `apply succeeded, but diff still finds changes:\n${diff.stdout}${diff.stderr}`;
  return undefined;
}

test(`fuzzed restore streams and rules files (seed ${SEED}, ${COUNT} of them): no crash, apply all or nothing`, async () => {
  const corpus = scenarioCorpus(REPO).map((argv) => argv.join(' ')).filter((l) => /^-[AaEeDdCZ]|^--set/.test(l));
  expect(corpus.length).toBeGreaterThan(100);
  console.log(`rules fuzzer: seed ${SEED}, ${COUNT} texts (FUZZ_SEED=${SEED} FUZZ_RULES=${COUNT} to run them again)`);
  for (let n = 0; n < COUNT; n++) {
    const text = fuzzedRules(SEED, n, corpus);
    const found = await rulesProblem(text);
    if (found !== undefined) {
      throw new Error(`seed ${SEED}, case ${n}: ${found}\n  text (${text.length} characters): ${JSON.stringify(text.slice(0, 2000))}`);
    }
  }
  console.log(`rules fuzzer: apply succeeded ${applied.succeeded} times, refused ${applied.failed} times`);
  // Both of apply's promises were put to the test (about 6 % of the texts apply: far above 1 % in any run of 300).
  expect(applied.succeeded).toBeGreaterThan(COUNT / 100);
  expect(applied.failed).toBeGreaterThan(COUNT / 100);
}, 600_000);
