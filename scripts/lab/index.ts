// The kernel lab launcher: decides where real IPVS is available, splits the
// kernel test files over guests, runs them and adds up the results.
// Used by scripts/test.js and scripts/bench.js (from dist/scripts/lab).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LabMode } from './environment';
import { RunningLab, startGuest } from './guest';
import { startNetnsLab } from './netns';
import { LabRunOutcome } from './outcome';
import { EMPTY_SUMMARY, JestSummary, addSummaries } from './results';
import { FPU_SELF_TEST, fpuWorkload } from './fpu-check';
import { xstateMode } from './xstate';

export { describeXstateReport } from './xstate';

/** Suites that split their own work by IPVS_LAB_SHARD; every guest runs them. */
export const SELF_SHARDING_SUITES = ['differential.test.js'];

export interface KernelLabOptions {
  repo: string;
  /** Forced mode; otherwise netns when the host has IPVS and we are root, else uml. */
  mode?: LabMode;
  /** Number of UML guests; capped by the amount of work. */
  shards: number;
  /** Path filters (regular expressions, like jest's), matched against the .js and the .ts path. */
  patterns: readonly string[];
  /** Other jest options, passed through (e.g. -t NAME). */
  jestArgs: readonly string[];
  timeoutMs: number;
  memory: string;
  keep: boolean;
  env: NodeJS.ProcessEnv;
  log(line: string): void;
}

export interface KernelLabReport {
  mode?: LabMode;
  skipped?: string;
  outcomes: LabRunOutcome[];
  summary: JestSummary;
  version?: string;
  /** The FPU self-test guest (UML only), reported apart from the jest shards; `problem` when it failed. */
  selfTest?: { outcome: LabRunOutcome; problem?: string };
  /** Reasons the kernel suite does not count as passed. */
  problems: string[];
  finalLine: string;
}

export type LabChoice = { mode: LabMode; uml?: string } | { skip: string };

function onPath(program: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const candidate = path.join(dir || '.', program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function hostHasIpvs(): boolean {
  if (fs.existsSync('/proc/net/ip_vs')) return true;
  // A modular ip_vs that is not loaded yet: loading it is what ipvsadm itself would do.
  spawnSync('modprobe', ['-q', 'ip_vs'], { stdio: 'ignore', timeout: 10_000 });
  return fs.existsSync('/proc/net/ip_vs');
}

export function chooseLab(forced: LabMode | undefined, env: NodeJS.ProcessEnv): LabChoice {
  const uml = env.IPVS_LAB_UML || onPath('linux.uml', env);
  const root = process.getuid?.() === 0;
  if (forced === 'uml') return uml ? { mode: 'uml', uml } : { skip: 'uml lab requested but linux.uml was not found' };
  const netnsBlocker = !root
    ? 'not root'
    : !hostHasIpvs()
      ? 'the host kernel has no IPVS (/proc/net/ip_vs missing after modprobe ip_vs)'
      : !onPath('unshare', env)
        ? 'unshare not found'
        : undefined;
  if (forced === 'netns') return netnsBlocker ? { skip: `netns lab requested but ${netnsBlocker}` } : { mode: 'netns' };
  if (!netnsBlocker) return { mode: 'netns' };
  if (uml) return { mode: 'uml', uml };
  return { skip: `no real IPVS: netns lab impossible (${netnsBlocker}) and linux.uml not found; run scripts/setup.sh` };
}

export function kernelTestFiles(repo: string): string[] {
  const root = path.join(repo, 'dist', 'test', 'kernel');
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.js')) found.push(p);
    }
  };
  if (fs.existsSync(root)) walk(root);
  return found.sort();
}

/** dist/test/kernel/x.test.js -> test/kernel/x.test.ts, so filters may name either. */
function sourcePathOf(repo: string, compiled: string): string {
  const rel = path.relative(path.join(repo, 'dist'), compiled);
  return path.join(repo, rel.replace(/\.js$/, '.ts'));
}

export function filterFiles(repo: string, files: readonly string[], patterns: readonly string[]): string[] {
  if (patterns.length === 0) return [...files];
  const res = patterns.map((p) => new RegExp(p));
  return files.filter((f) => res.some((re) => re.test(f) || re.test(sourcePathOf(repo, f))));
}

/**
 * Seconds a kernel test file took in a guest, in a CI run on 2 cores
 * (2026-12-02): a guide for sharing files out, not a limit. The faults,
 * soak and restore files had not been through CI yet: theirs are what they
 * took on an idle machine, or on a loaded one, halved. A file not listed counts as
 * FILE_COST_UNKNOWN; jest did not time the small ones.
 */
const FILE_COSTS: Record<string, number> = {
  'apply-churn.test.js': 50,
  'apply.test.js': 52,
  'argv-bytes.test.js': 25,
  'client-bulk.test.js': 11,
  'cluster-docs.test.js': 35,
  'cluster-failover.test.js': 83,
  'cluster-forwarding.test.js': 23,
  'cluster-scheduling.test.js': 46,
  'drain.test.js': 41,
  'faults-kernel.test.js': 93,
  'faults-signals.test.js': 54,
  'fuzz-differential.test.js': 110,
  'fuzz-restore-differential.test.js': 60,
  'listing-json.test.js': 19,
  'output-errors.test.js': 22,
  'package.test.js': 12,
  'plan-terminal.test.js': 16,
  'realserver.test.js': 19,
  'reload-traffic.test.js': 40,
  'restore-oversized.test.js': 55,
  'servers-file.test.js': 22,
  'service-unit.test.js': 5,
  'soak.test.js': 56,
  'top-terminal.test.js': 6,
};
const FILE_COST_UNKNOWN = 5;

export const fileCost = (file: string): number => FILE_COSTS[path.basename(file)] ?? FILE_COST_UNKNOWN;

/**
 * Self-sharding suites go to every shard; the other files, dearest first, each
 * to the shard with the least work so far, so the guests end close together.
 */
export function planShards(files: readonly string[], wanted: number): string[][] {
  const shared = files.filter((f) => SELF_SHARDING_SUITES.includes(path.basename(f)));
  const rest = files.filter((f) => !shared.includes(f));
  const count = Math.max(1, shared.length > 0 ? wanted : Math.min(wanted, rest.length));
  const shards: string[][] = Array.from({ length: count }, () => [...shared]);
  const work: number[] = new Array<number>(count).fill(0);
  const dearestFirst = [...rest].sort((a, b) => fileCost(b) - fileCost(a) || a.localeCompare(b));
  for (const f of dearestFirst) {
    const lightest = work.indexOf(Math.min(...work));
    shards[lightest].push(f);
    work[lightest] += fileCost(f);
  }
  return shards;
}

/** Variables the tests may use that must cross into the lab (a UML guest starts with none). */
function passThroughEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && (k === 'CI' || k.startsWith('IPVS_DIFF_') || k === 'IPVS_APPLY_SEED' || k.startsWith('FUZZ_'))) out[k] = v;
  }
  // The host's npm cache (npm's default unless npm runs us); the lab's HOME is private.
  out.IPVS_LAB_NPM_CACHE = env.npm_config_cache || path.join(os.homedir(), '.npm');
  return out;
}

export async function runKernelLab(o: KernelLabOptions): Promise<KernelLabReport> {
  const choice = chooseLab(o.mode, o.env);
  if ('skip' in choice) {
    return {
      skipped: choice.skip, outcomes: [], summary: EMPTY_SUMMARY, problems: [choice.skip],
      finalLine: `kernel lab: skipped (${choice.skip})`,
    };
  }
  const mode = choice.mode;
  const all = kernelTestFiles(o.repo);
  const files = filterFiles(o.repo, all, o.patterns);
  if (files.length === 0) {
    const why = all.length === 0 ? 'no compiled kernel tests under dist/test/kernel (build first)' : `no kernel test file matches ${o.patterns.join(' ')}`;
    return { mode, outcomes: [], summary: EMPTY_SUMMARY, problems: [why], finalLine: `kernel lab: 0 tests ran against IPVS unknown (${mode})` };
  }

  try {
    xstateMode(o.env);
  } catch (e) {
    const why = (e as Error).message;
    return { mode, outcomes: [], summary: EMPTY_SUMMARY, problems: [why], finalLine: `kernel lab: 0 tests ran against IPVS unknown (${mode})` };
  }
  const baseEnv = { ...passThroughEnv(o.env), IPVS_LAB_PROGRESS: '1' };
  const labs: RunningLab[] = [];
  let selfTest: RunningLab | undefined;
  if (mode === 'netns') {
    o.log(`kernel lab: netns on the host kernel, ${files.length} test file(s)`);
    labs.push(startNetnsLab({
      repo: o.repo, env: baseEnv, timeoutMs: o.timeoutMs, keep: o.keep,
      jestArgs: [...o.jestArgs, '--runTestsByPath', ...files],
    }));
  } else {
    const shards = planShards(files, mode === 'uml' ? o.shards : 1);
    o.log(`kernel lab: ${shards.length} UML guest(s) (${choice.uml}), ${files.length} test file(s)`);
    shards.forEach((shardFiles, i) => {
      const label = `${i + 1}/${shards.length}`;
      const env: Record<string, string> = shards.length > 1 ? { ...baseEnv, IPVS_LAB_SHARD: label } : baseEnv;
      labs.push(startGuest({
        label: `guest ${label}`, repo: o.repo, env, timeoutMs: o.timeoutMs, keep: o.keep,
        umlBinary: choice.uml ?? 'linux.uml', memory: o.memory,
        jestArgs: [...o.jestArgs, '--runTestsByPath', ...shardFiles],
        onLine: (line) => o.log(shards.length > 1 ? `[${label}] ${line}` : line),
      }));
    });
    selfTest = startFpuSelfTest(o, choice.uml ?? 'linux.uml');
  }

  // Never leave guests behind when we are interrupted.
  const onSignal = (sig: NodeJS.Signals) => {
    o.log(`kernel lab: ${sig}, killing the lab`);
    for (const lab of labs) lab.kill();
    process.exitCode = 130;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcomes: LabRunOutcome[];
  let selfTestOutcome: LabRunOutcome | undefined;
  try {
    [outcomes, selfTestOutcome] = await Promise.all([Promise.all(labs.map((l) => l.done)), selfTest?.done]);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return report(mode, outcomes, selfTestOutcome);
}

/**
 * One guest with the xstate preload overlaying every FPU state write
 * (IPVS_LAB_XSTATE=always), running fpu-check against the host's result: so
 * every run exercises the path that AMX hosts depend on, whatever the host.
 */
function startFpuSelfTest(o: KernelLabOptions, umlBinary: string): RunningLab {
  const expected = fpuWorkload(FPU_SELF_TEST);
  const script = path.join(o.repo, 'dist', 'scripts', 'lab', 'fpu-check.js');
  const args = ['--expect', expected, '--seed', String(FPU_SELF_TEST.seed), '--rounds', String(FPU_SELF_TEST.rounds)];
  return startGuest({
    label: 'fpu self-test', repo: o.repo, env: {}, timeoutMs: Math.min(o.timeoutMs, 5 * 60_000), keep: o.keep,
    umlBinary,
    memory: '512M', jestArgs: [], command: [process.execPath, script, ...args], xstate: 'always',
    onLine: (line) => o.log(`[fpu] ${line}`),
  });
}

/** Whether the self-test passed: its checks, and the overlay really taken without a failure. */
function selfTestProblem(out: LabRunOutcome): string | undefined {
  if (out.problem) return out.problem;
  if (out.jestStatus !== 0) return `fpu-check exited with status ${String(out.jestStatus)}`;
  const x = out.xstate;
  if (!x) return 'the xstate preload wrote no report: it was not loaded';
  // A host whose area is no larger than UML's has nothing to overlay; the FPU check above still ran.
  if (x.overlays === 0 && !(x.passedThrough > 0 && x.hostBytes <= x.umlBytes)) return 'the xstate preload never overlaid a write';
  if (x.overlayFailures > 0) return `${x.overlayFailures} overlaid write(s) failed`;
  return undefined;
}

export function report(mode: LabMode, outcomes: LabRunOutcome[], selfTest?: LabRunOutcome): KernelLabReport {
  let summary = EMPTY_SUMMARY;
  const problems: string[] = [];
  const versions = new Set<string>();
  for (const out of outcomes) {
    if (out.summary) summary = addSummaries(summary, out.summary);
    if (out.version) versions.add(out.version);
    if (out.problem) problems.push(`${out.label}: ${out.problem}`);
    else if (out.jestStatus !== 0 && (out.summary?.failed ?? 0) === 0) {
      problems.push(`${out.label}: jest exited with status ${String(out.jestStatus)}`);
    }
  }
  if (summary.failed > 0) problems.push(`${summary.failed} kernel test(s) failed`);
  for (const s of summary.brokenSuites) problems.push(`suite failed to run: ${s}`);
  if (summary.executed === 0) problems.push('the kernel suite ran 0 tests');
  if (versions.size > 1) problems.push(`guests disagree on the IPVS version: ${[...versions].join(', ')}`);
  const selfTestReport = selfTest && { outcome: selfTest, problem: selfTestProblem(selfTest) };
  if (selfTestReport?.problem) problems.push(`fpu self-test: ${selfTestReport.problem}`);
  const version = [...versions][0];
  return {
    mode, outcomes, selfTest: selfTestReport, summary, version, problems,
    finalLine: `kernel lab: ${summary.executed} tests ran against IPVS ${version ?? 'unknown'} (${mode})`,
  };
}

export function defaultShardCount(env: NodeJS.ProcessEnv): number {
  const fromEnv = Number(env.IPVS_LAB_SHARDS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, Math.min(os.cpus().length, 4));
}
