// Executes a differential plan from inside the scenario's network namespace:
//   node driver.js PLAN.json RESULT.json
// One process per namespace, because entering a namespace costs ~0.3 s in
// the UML guest (an RCU grace period) while forking a child already inside
// it is cheap.
import { SpawnSyncReturns, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Our programs take the name to print as ipvsadm's argv[0] from here (the real one gets it as argv[0]). */
export const ARGV0_VARIABLE = 'IPVSADM_ARGV0';

export type SideName = 'real' | 'ours';

export interface Side {
  name: SideName;
  /** Directory holding `ipvsadm`, `ipvsadm-save`, `ipvsadm-restore` for this side; first on PATH. */
  binDir: string;
}

export interface PlannedStep {
  argv: string[];
  /** undefined: stdin is /dev/null. */
  stdin?: string;
  timeoutMs: number;
  /** Setup steps (the reset) abort the plan when they fail. */
  mustSucceed?: boolean;
}

export interface PlannedRun {
  side: Side;
  steps: readonly PlannedStep[];
}

export interface Plan {
  /** Emptied before each run; every run sees the same path. */
  workDir: string;
  runs: PlannedRun[];
}

export interface StepResult {
  /** `exit N`, `signal SIGxxx` or `timeout after N s`. */
  status: string;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
  ms: number;
}

export interface RunResult {
  results: StepResult[];
  ms: number;
}

const MAX_OUTPUT = 64 * 1024 * 1024;

function statusOf(r: SpawnSyncReturns<Buffer>, timeoutMs: number): { status: string; timedOut: boolean } {
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') {
    return { status: `timeout after ${timeoutMs / 1000} s`, timedOut: true };
  }
  if (r.error) return { status: `spawn error ${r.error.message}`, timedOut: false };
  if (r.signal) return { status: `signal ${r.signal}`, timedOut: false };
  return { status: `exit ${String(r.status)}`, timedOut: false };
}

/** The repository (this file runs from dist/test/differential/), for steps that use its helper scripts. */
const REPO = path.resolve(__dirname, '../../..');

/** argv[0] is looked up on the side's PATH, so the real binary sees argv[0] == "ipvsadm". */
export function executeStep(side: Side, step: PlannedStep, workDir: string): StepResult {
  const started = Date.now();
  const r = spawnSync(step.argv[0], step.argv.slice(1), {
    cwd: workDir,
    env: {
      PATH: `${side.binDir}:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: workDir,
      TMPDIR: path.join(workDir, 'tmp'),
      LC_ALL: 'C',
      IPVS_DIFF_SIDE: side.name,
      IPVS_DIFF_REPO: REPO,
      [ARGV0_VARIABLE]: 'ipvsadm',
    },
    input: step.stdin,
    stdio: [step.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    timeout: step.timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: MAX_OUTPUT,
  });
  return {
    ...statusOf(r, step.timeoutMs),
    stdout: r.stdout ?? Buffer.alloc(0),
    stderr: r.stderr ?? Buffer.alloc(0),
    ms: Date.now() - started,
  };
}

export function executePlan(plan: Plan): RunResult[] {
  return plan.runs.map((run) => {
    const started = Date.now();
    fs.rmSync(plan.workDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(plan.workDir, 'tmp'), { recursive: true });
    const results: StepResult[] = [];
    for (const step of run.steps) {
      const r = executeStep(run.side, step, plan.workDir);
      if (step.mustSucceed && r.status !== 'exit 0') {
        throw new Error(`setup step failed: ${step.argv.join(' ')}: ${r.status}: ${r.stderr.toString()}`);
      }
      results.push(r);
    }
    return { results, ms: Date.now() - started };
  });
}

// Buffers travel as base64 in the result file.
type WireResult = Omit<StepResult, 'stdout' | 'stderr'> & { stdout: string; stderr: string };

export function encodeResults(runs: RunResult[]): string {
  return JSON.stringify(runs.map((run) => ({
    ms: run.ms,
    results: run.results.map((r): WireResult => ({ ...r, stdout: r.stdout.toString('base64'), stderr: r.stderr.toString('base64') })),
  })));
}

export function decodeResults(text: string): RunResult[] {
  const runs = JSON.parse(text) as { ms: number; results: WireResult[] }[];
  return runs.map((run) => ({
    ms: run.ms,
    results: run.results.map((r) => ({ ...r, stdout: Buffer.from(r.stdout, 'base64'), stderr: Buffer.from(r.stderr, 'base64') })),
  }));
}

if (require.main === module) {
  const [planFile, resultFile] = process.argv.slice(2);
  try {
    const plan = JSON.parse(fs.readFileSync(planFile, 'utf8')) as Plan;
    fs.writeFileSync(resultFile, encodeResults(executePlan(plan)));
  } catch (e) {
    process.stderr.write(`differential driver: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
