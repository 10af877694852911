#!/usr/bin/env node
// Test entry point (npm test runs it after the build): the "unit" jest project
// on the host; the "lab-shell" project on the host too (it boots `npm run lab`
// itself, one guest at a time, so it runs before the kernel lab's guests);
// then the "kernel" project wherever real IPVS exists (see scripts/lab). The
// last line printed is always the kernel lab line.
//
// node scripts/test.js [--unit-only|--kernel-only] [--lab=uml|netns] [--shards=N]
//                      [--lab-timeout=SECONDS] [--keep-lab] [jest args / path filters...]
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const jestBin = path.join(repo, 'node_modules', 'jest', 'bin', 'jest.js');
const labModule = path.join(repo, 'dist', 'scripts', 'lab', 'index.js');
// Jest options whose value is the next word (so that word is not a path filter).
const VALUE_OPTIONS = new Set(['-t', '--testNamePattern', '--seed', '--reporters', '-w', '--maxWorkers']);

function parseArgs(argv) {
  const o = { unit: true, kernel: true, mode: undefined, shards: undefined, timeoutS: undefined, keep: false, patterns: [], jestArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    let m;
    if (a === '--unit-only') o.kernel = false;
    else if (a === '--kernel-only') o.unit = false;
    else if (a === '--keep-lab') o.keep = true;
    else if ((m = /^--lab=(uml|netns)$/.exec(a))) o.mode = m[1];
    else if ((m = /^--shards=(\d+)$/.exec(a)) && Number(m[1]) > 0) o.shards = Number(m[1]);
    else if ((m = /^--lab-timeout=(\d+)$/.exec(a)) && Number(m[1]) > 0) o.timeoutS = Number(m[1]);
    else if (a.startsWith('--lab') || a.startsWith('--shards')) throw new Error(`bad option ${a}`);
    else if (VALUE_OPTIONS.has(a) && i + 1 < argv.length) o.jestArgs.push(a, argv[++i]);
    else if (a.startsWith('-')) o.jestArgs.push(a);
    else o.patterns.push(a);
  }
  return o;
}

function runHostProject(project, o, ci, extra = []) {
  // Patterns first: --selectProjects takes every following word as a project name.
  const args = [jestBin, ...o.patterns, '--selectProjects', project, ...extra, ...(ci ? ['--ci'] : []), ...o.jestArgs];
  // A filter meant for other tests must not fail this run.
  if (o.patterns.length > 0) args.push('--passWithNoTests');
  const r = spawnSync(process.execPath, args, { cwd: repo, stdio: 'inherit' });
  if (r.error) return `could not run jest: ${r.error.message}`;
  if (r.signal) return `jest killed by ${r.signal}`;
  return r.status === 0 ? undefined : `jest exited with status ${r.status}`;
}

function runUnit(o, ci) {
  return runHostProject('unit', o, ci);
}

/**
 * `npm run lab`, booted from the host (test/lab-shell): needs linux.uml; one
 * guest at a time. Returns the summary line and whether it counts as failed.
 */
function runLabShell(o, ci, lab) {
  const choice = lab.chooseLab('uml', process.env);
  if ('skip' in choice) {
    return { line: `lab shell: skipped (${choice.skip})${ci ? ' - a failure under CI=true' : ''}`, failed: ci };
  }
  const started = Date.now();
  const problem = runHostProject('lab-shell', o, ci, ['--runInBand']);
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  return { line: problem ? `lab shell: FAILED (${problem}) in ${took}` : `lab shell: passed in ${took}`, failed: !!problem };
}

async function main() {
  const env = process.env;
  const ci = env.CI === 'true' || env.CI === '1';
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`scripts/test.js: ${e.message}`);
    console.log('kernel lab: skipped (bad command line)');
    return 2;
  }

  const unitProblem = o.unit ? runUnit(o, ci) : undefined;

  if (!o.kernel) {
    console.log(unitProblem ? `unit: FAILED (${unitProblem})` : 'unit: passed');
    console.log('kernel lab: skipped (--unit-only)');
    return unitProblem || ci ? 1 : 0;
  }
  if (!fs.existsSync(labModule)) {
    console.log(unitProblem ? `unit: FAILED (${unitProblem})` : 'unit: passed');
    console.log(`kernel lab: skipped (${path.relative(repo, labModule)} missing: run npm run build first)`);
    return 1;
  }
  const lab = require(labModule);
  const labShell = runLabShell(o, ci, lab);
  const started = Date.now();
  const report = await lab.runKernelLab({
    repo,
    mode: o.mode || env.IPVS_LAB_MODE || undefined,
    shards: o.shards || lab.defaultShardCount(env),
    patterns: o.patterns,
    jestArgs: o.jestArgs, // the lab always runs jest with --ci
    timeoutMs: (o.timeoutS || Number(env.IPVS_LAB_TIMEOUT) || 45 * 60) * 1000,
    memory: env.IPVS_LAB_MEMORY || '2048M',
    keep: o.keep || env.IPVS_LAB_KEEP === '1',
    env,
    log: (line) => process.stdout.write(`${line}\n`),
  });

  console.log('');
  console.log(unitProblem ? `unit: FAILED (${unitProblem})` : o.unit ? 'unit: passed' : 'unit: not run (--kernel-only)');
  console.log(labShell.line);
  for (const out of report.outcomes) {
    const s = out.summary;
    const counts = s ? `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped` : 'no results';
    console.log(`kernel lab ${out.label}: ${counts} in ${(out.durationMs / 1000).toFixed(1)} s`);
    if (out.xstate) console.log(`  ${lab.describeXstateReport(out.xstate)}`);
  }
  if (report.selfTest) {
    const t = report.selfTest.outcome;
    const verdict = report.selfTest.problem ? 'FAILED' : 'passed';
    console.log(`kernel lab fpu self-test: ${verdict} in ${(t.durationMs / 1000).toFixed(1)} s`);
    if (t.xstate) console.log(`  ${lab.describeXstateReport(t.xstate)}`);
  }
  for (const t of report.summary.failedTests.slice(0, 50)) console.log(`  failed: ${t}`);
  if (report.summary.failedTests.length > 50) console.log(`  ... and ${report.summary.failedTests.length - 50} more`);
  if (report.skipped) {
    console.log('!'.repeat(72));
    console.log(`!!! KERNEL TESTS DID NOT RUN: ${report.skipped}`);
    if (ci) console.log('!!! CI=true: a skipped kernel suite is a failure');
    console.log('!'.repeat(72));
  } else {
    for (const p of report.problems) console.log(`kernel lab: PROBLEM: ${p}`);
    console.log(`kernel lab took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  console.log(report.finalLine);

  if (process.exitCode === 130) return 130;
  if (unitProblem || labShell.failed) return 1;
  if (report.skipped) return ci ? 1 : 0;
  return report.problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e && e.stack ? e.stack : String(e));
    console.log('kernel lab: skipped (the launcher crashed, see above)');
    process.exit(1);
  },
);
