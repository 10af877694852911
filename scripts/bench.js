#!/usr/bin/env node
// Benchmark launcher (npm run bench, after the build): boots ONE kernel lab
// guest (User-Mode Linux, see scripts/lab) that runs `node dist/bench/run.js`
// with the remaining arguments, and streams its output.
//
// node scripts/bench.js [--lab-timeout=SECONDS] [--keep-lab] [bench options: --shapes SxD,... --restore-shape SxD --runs N --only GROUPS ...]
//
// Groups: startup, restore, listing, memory, apply (apply/diff of a 10,000
// x 3 table against -S -n), reload (keepalived's 2,284 services x 37,298
// servers: apply against -R). The start-up group also times an older bundle
// given with --baseline-bundle PATH; build the one before issue 8 with
//   sh bench/baseline.sh            # df54d62^ -> /tmp/ipvsadm-bench-baseline/dist/ipvsadm.js
// (no network needed), then
//   node scripts/bench.js --only startup,apply,reload --baseline-bundle /tmp/ipvsadm-bench-baseline/dist/ipvsadm.js
// All options: node dist/bench/run.js --help.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const labDir = path.join(repo, 'dist', 'scripts', 'lab');
const runJs = path.join(repo, 'dist', 'bench', 'run.js');

function parseArgs(argv) {
  const o = { timeoutS: 90 * 60, keep: false, benchArgs: [] };
  for (const a of argv) {
    let m;
    if ((m = /^--lab-timeout=(\d+)$/.exec(a)) && Number(m[1]) > 0) o.timeoutS = Number(m[1]);
    else if (a === '--keep-lab') o.keep = true;
    else if (a.startsWith('--lab')) throw new Error(`bad option ${a}`);
    else o.benchArgs.push(a);
  }
  return o;
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`scripts/bench.js: ${e.message}`);
    return 2;
  }
  for (const f of [path.join(labDir, 'index.js'), runJs, path.join(repo, 'dist', 'ipvsadm.js')]) {
    if (!fs.existsSync(f)) {
      console.error(`scripts/bench.js: ${path.relative(repo, f)} missing: run npm run build first`);
      return 2;
    }
  }
  const { chooseLab } = require(path.join(labDir, 'index.js'));
  const { startGuest } = require(path.join(labDir, 'guest.js'));
  const choice = chooseLab('uml', process.env);
  if ('skip' in choice) {
    console.error(`scripts/bench.js: cannot run the bench: ${choice.skip}`);
    return 2;
  }
  const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`host: ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), load average ${load()}; one UML guest (${choice.uml})`);
  console.log(`guest command: node dist/bench/run.js ${o.benchArgs.join(' ')}`);
  const started = Date.now();
  const lab = startGuest({
    label: 'bench guest',
    repo,
    jestArgs: [],
    command: [process.execPath, runJs, ...o.benchArgs],
    env: {},
    timeoutMs: o.timeoutS * 1000,
    umlBinary: choice.uml,
    memory: process.env.IPVS_LAB_MEMORY || '2048M',
    keep: o.keep,
    onLine: (line) => process.stdout.write(`${line}\n`),
  });
  const onSignal = (sig) => {
    console.log(`scripts/bench.js: ${sig}, killing the guest`);
    lab.kill();
    process.exitCode = 130;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const outcome = await lab.done;
  console.log(`host load average after: ${load()}; guest ran ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (outcome.problem) {
    console.log(`scripts/bench.js: PROBLEM: ${outcome.problem}`);
    return 1;
  }
  if (process.exitCode === 130) return 130;
  return outcome.jestStatus === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e && e.stack ? e.stack : String(e));
    process.exit(1);
  },
);
