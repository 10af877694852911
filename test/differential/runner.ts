// Runs a scenario with the real programs and with ours, in a fresh network
// namespace (one shared by both runs, or one each: see NetnsPolicy), and
// returns stdout, stderr and exit status per step. Needs root and a kernel
// with IPVS: the lab.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { interfaceSetupCommands } from '../../scripts/lab/environment';
import {
  ARGV0_VARIABLE, Plan, PlannedStep, RunResult, Side, SideName, StepResult, decodeResults,
} from './driver';
import { PROGRAMS, Scenario, Step } from './scenario';

export type { RunResult, Side, StepResult } from './driver';

export const REAL_PROGRAM_DIR = '/usr/sbin';

/**
 * Makes the side's program directory. Steps run `ipvsadm` etc. through PATH
 * lookup, so the real binary sees argv[0] == "ipvsadm" exactly as when a user
 * types it; our node programs get the same name through IPVSADM_ARGV0.
 * `implementation` 'real' on the 'ours' side is the harness self-check.
 */
export function makeSide(name: SideName, implementation: 'real' | 'ours', repo: string, dir: string): Side {
  const binDir = path.join(dir, `${name}-bin`);
  fs.mkdirSync(binDir, { recursive: true });
  for (const program of PROGRAMS) {
    const target = path.join(binDir, program);
    fs.rmSync(target, { force: true });
    if (implementation === 'real') {
      fs.symlinkSync(path.join(REAL_PROGRAM_DIR, program), target);
    } else {
      const script = path.join(repo, 'bin', program);
      fs.writeFileSync(target, `#!/bin/sh\n${ARGV0_VARIABLE}=ipvsadm exec '${process.execPath}' '${script}' "$@"\n`, { mode: 0o755 });
    }
  }
  return { name, binDir };
}

/** The table every run starts from; done with the real ipvsadm, since it is not under test. */
const RESET: readonly PlannedStep[] = [
  { argv: ['ipvsadm', '-C'], mustSucceed: true },
  { argv: ['ipvsadm', '--stop-daemon', 'master'] },
  { argv: ['ipvsadm', '--stop-daemon', 'backup'] },
  { argv: ['ipvsadm', '--set', '900', '120', '300'], mustSucceed: true },
].map((s) => ({ ...s, timeoutMs: 20_000 }));

function plannedStep(step: Step): PlannedStep {
  return step.kind === 'shell'
    ? { argv: ['/bin/sh', '-c', step.script], timeoutMs: step.timeoutMs }
    : { argv: [step.program, ...step.args], stdin: step.stdin, timeoutMs: step.timeoutMs };
}

let netnsCounter = 0;

function must(argv: string[]): void {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`lab setup failed: ${argv.join(' ')}: ${r.stderr || r.error?.message || r.status}`);
}

/** Kills whatever a scenario left running in the namespace, then removes it. */
function removeNetns(name: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout ?? '';
  for (const pid of pids.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
}

/**
 * Runs the plan's runs one after the other in a fresh namespace with the
 * lab's interfaces, through one driver process started inside it.
 */
function runInFreshNetns(runs: Plan['runs'], scratch: string): RunResult[] {
  const netns = `diff-${process.pid}-${++netnsCounter}`;
  const planFile = path.join(scratch, `${netns}.plan.json`);
  const resultFile = path.join(scratch, `${netns}.result.json`);
  const plan: Plan = { workDir: path.join(scratch, 'work'), runs };
  try {
    must(['ip', 'netns', 'add', netns]);
    for (const cmd of interfaceSetupCommands(`ip -n ${netns}`)) must(cmd.split(' '));
    fs.writeFileSync(planFile, JSON.stringify(plan));
    const budget = runs.reduce((sum, run) => sum + run.steps.reduce((s, step) => s + step.timeoutMs, 0), 0) + 30_000;
    const r = spawnSync('nsenter', [`--net=/run/netns/${netns}`, '--', process.execPath, path.join(__dirname, 'driver.js'), planFile, resultFile], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: budget,
      killSignal: 'SIGKILL',
    });
    if (r.status !== 0) {
      const why = r.error ? r.error.message : `status ${String(r.status)} ${r.signal ?? ''}`;
      throw new Error(`differential driver failed (${why}): ${r.stderr}`);
    }
    return decodeResults(fs.readFileSync(resultFile, 'utf8'));
  } finally {
    removeNetns(netns);
    fs.rmSync(planFile, { force: true });
    fs.rmSync(resultFile, { force: true });
  }
}

/** Runs the scenario with the real programs, then with ours; each run starts with the reset. */
export function runScenarioPair(scenario: Scenario, real: Side, ours: Side, scratch: string): { real: RunResult; ours: RunResult } {
  const steps = scenario.steps.map(plannedStep);
  // The reset runs with the real programs whichever side it prepares.
  const run = (side: Side) => [
    { side: real, steps: RESET },
    { side, steps },
  ];
  if (scenario.netns === 'shared') {
    const runs = runInFreshNetns([...run(real), ...run(ours)], scratch);
    return { real: runs[1], ours: runs[3] };
  }
  return { real: runInFreshNetns(run(real), scratch)[1], ours: runInFreshNetns(run(ours), scratch)[1] };
}

/** Output as text for readable diffs; bytes that are not valid UTF-8 are shown as hex so nothing is lost. */
export function asText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : `<not UTF-8: ${bytes.toString('hex')}>`;
}

export function comparable(r: StepResult): { status: string; stdout: string; stderr: string } {
  return { status: r.status, stdout: asText(r.stdout), stderr: asText(r.stderr) };
}
