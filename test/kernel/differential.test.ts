// Differential tests: every scenario under test/differential/scenarios runs
// once with the real ipvsadm programs and once with ours, in a fresh network
// namespace (test/differential/README.md); one test per compared step demands
// identical stdout, stderr and exit status (jest's "Expected" is the real program).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listScenarios, repoRoot, scenarioDir } from '../differential/catalog';
import {
  RunResult, Side, StepResult, comparable, makeSide, runScenarioPair,
} from '../differential/runner';
import { Scenario, describeStep, parseScenario } from '../differential/scenario';
import { currentLab, labShard, pickShard } from '../../scripts/lab/environment';

currentLab(); // outside the lab this whole file fails, loudly

const repo = repoRoot(__dirname);
const dir = scenarioDir(repo);
const filter = process.env.IPVS_DIFF_FILTER ? new RegExp(process.env.IPVS_DIFF_FILTER) : undefined;
const all = listScenarios(dir).filter((f) => !filter || filter.test(f));
const shard = labShard();
const mine = pickShard(all, shard);
// IPVS_DIFF_OURS=real runs the real programs on both sides: the harness must then report all equal.
const oursImplementation = process.env.IPVS_DIFF_OURS === 'real' ? 'real' : 'ours';
const progress = process.env.IPVS_LAB_PROGRESS === '1';

let scratch = '';
let real: Side;
let ours: Side;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'differential-'));
  real = makeSide('real', 'real', repo, scratch);
  ours = makeSide('ours', oursImplementation, repo, scratch);
});

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

function load(rel: string): Scenario | Error {
  try {
    return parseScenario(fs.readFileSync(path.join(dir, rel), 'utf8'), rel);
  } catch (e) {
    return e as Error;
  }
}

function ensureFinished(side: string, r: StepResult | undefined): void {
  if (r === undefined) throw new Error(`no result from the ${side} run`);
  if (r.timedOut) throw new Error(`the ${side} side timed out (${r.status}); a scenario must finish in time with the real programs`);
}

if (all.length === 0) {
  test('there are scenarios to run', () => {
    throw new Error(`no *.scenario files under ${dir}${filter ? ` matching IPVS_DIFF_FILTER=${filter.source}` : ''}`);
  });
} else if (mine.length === 0) {
  test.skip(`no scenario in shard ${shard.index}/${shard.count}`, () => undefined);
}

mine.forEach((rel, n) => {
  const scenario = load(rel);
  describe(rel, () => {
    if (scenario instanceof Error) {
      test('parses', () => {
        throw scenario;
      });
      return;
    }
    const runs: { real?: RunResult; ours?: RunResult } = {};
    const budget = (scenario.steps.reduce((sum, s) => sum + s.timeoutMs, 0) + 30_000) * 2;

    beforeAll(() => {
      const pair = runScenarioPair(scenario, real, ours, scratch);
      Object.assign(runs, pair);
      if (progress) {
        process.stderr.write(
          `differential ${n + 1}/${mine.length}: ${rel}: ${scenario.steps.length} steps, ` +
            `real ${(pair.real.ms / 1000).toFixed(1)} s, ours ${(pair.ours.ms / 1000).toFixed(1)} s\n`,
        );
      }
    }, budget);

    scenario.steps.forEach((step, i) => {
      if (!step.compare) {
        test(`${describeStep(step)} (run only, finishes on both sides)`, () => {
          ensureFinished('real', runs.real?.results[i]);
          ensureFinished('ours', runs.ours?.results[i]);
        });
        return;
      }
      test(describeStep(step), () => {
        const r = runs.real?.results[i];
        ensureFinished('real', r);
        const o = runs.ours?.results[i];
        if (o === undefined) throw new Error('no result from our run');
        expect(comparable(o)).toEqual(comparable(r!));
      });
    });
  });
});
