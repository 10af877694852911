// Benchmarks of ours (bin/ipvsadm, run by its #! line) against the real ipvsadm 1.31 and a
// bare node, on a real IPVS. Runs INSIDE the kernel lab: `npm run bench`
// (scripts/bench.js) boots a UML guest that runs this file. Reports medians
// and minima of wall-clock times and ratios measured in the same run; no
// pass/fail thresholds.
import chalk from 'chalk';
import Table from 'cli-table3';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyGroup, reloadGroup } from './apply';
import {
  BUNDLE, Context, REAL, REAL_RESTORE, RatioRow, Row, bareNode, clearTable, lineCount, log, NODE, ours, oursProgram, real, snapshot, verdict,
} from './common';
import { describeDifference, sameBehaviour } from './compare';
import { Command, GNU_TIME, canMeasureRss, expectSuccess, peakRssKiB, runOnce, timeInterleaved } from './measure';
import { buildFloor, floorDump, floorSend, parseDumpReport, parseSendReport, writePreEncoded } from './floor';
import { BenchOptions, Group, parseOptions, shapeName } from './options';
import { formatRatio, formatValue, ratio, summarize, type Summary } from './stats';
import { restoreFile, type TableShape } from './tablefile';

const color = new chalk.Instance({ level: process.stdout.isTTY ? 1 : 0 });

/** The restore file of a shape, written once into the run's directory. */
function tableFile(ctx: Context, shape: TableShape): { file: string; lines: number } {
  const file = path.join(ctx.tmp, `table-${shape.services}x${shape.dests}.rules`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, restoreFile(shape));
  return { file, lines: shape.services * (1 + shape.dests) };
}

/** Loads a shape's table into the kernel with ours -R (untimed), unless it is there. */
function loadTable(ctx: Context, shape: TableShape): void {
  const name = shapeName(shape);
  if (ctx.table === name) return;
  clearTable(ctx);
  const { file, lines } = tableFile(ctx, shape);
  const c: Command = { ...ours('-R', '-R'), stdinFile: file };
  log(`  loading ${name} with ours -R (untimed)`);
  expectSuccess(c, runOnce(c, ctx.timeoutMs));
  const n = lineCount(snapshot(ctx));
  if (n !== lines) throw new Error(`after loading, ipvsadm -S -n has ${n} lines, expected ${lines}`);
  ctx.table = name;
}

function floorOf(ctx: Context): string {
  ctx.floor ??= buildFloor(ctx.tmp);
  return ctx.floor;
}

/** How the start-up group names the --baseline-bundle: its BASELINE file (bench/baseline.sh writes one), or its path. */
function baselineLabel(bundle: string): string {
  try {
    return fs.readFileSync(path.join(path.dirname(bundle), 'BASELINE'), 'utf8').trim().split(' = ')[0];
  } catch {
    return bundle;
  }
}

/** Summaries of each command's page faults, undefined for one whose faults could not be read. */
function faultSummaries(faults: readonly number[][]): (Summary | undefined)[] {
  return faults.map((f) => (f.length > 0 ? summarize(f) : undefined));
}

/** A row of minor page faults beside a timed row (the lab's time is much of it: bench/RESULTS.md, seventh round). */
function pushFaults(ctx: Context, name: string, f: { real?: Summary; ours?: Summary; node?: Summary }): void {
  if (f.ours === undefined) return;
  ctx.rows.push({ name: `page faults: ${name}`, unit: 'faults', ...f, identical: '-' });
}

function startup(ctx: Context): void {
  clearTable(ctx);
  const requireBundle: Command = { label: 'node -e require(bundle)', argv: [NODE, '-e', `require(${JSON.stringify(BUNDLE)})`] };
  const cmds = [real('-L -n', '-L', '-n'), ours('-L -n', '-L', '-n'), real('-v', '-v'), ours('-v', '-v'), bareNode, requireBundle];
  // An older bundle, started as bin/start.js starts ours: require it and call cli().
  const baseline = ctx.o.baselineBundle !== undefined ? path.resolve(ctx.o.baselineBundle) : undefined;
  if (baseline !== undefined) {
    const launcher = path.join(ctx.tmp, 'baseline-ipvsadm.js');
    fs.writeFileSync(launcher, `'use strict';\nrequire(${JSON.stringify(baseline)}).cli('ipvsadm');\n`);
    cmds.push({ label: 'baseline -L -n', argv: [NODE, launcher, '-L', '-n'] });
  }
  const { samples, last, faults } = timeInterleaved(cmds, { runs: ctx.o.runs, warmup: ctx.o.warmup, timeoutMs: ctx.timeoutMs });
  const s = samples.map((x) => summarize(x));
  const f = faultSummaries(faults);
  ctx.rows.push({ name: 'start-up: -L -n, empty table', unit: 'ms', real: s[0], ours: s[1], node: s[4], identical: verdict(ctx, '-L -n (empty)', last[1], last[0]) });
  pushFaults(ctx, '-L -n, empty table', { real: f[0], ours: f[1], node: f[4] });
  if (baseline !== undefined) {
    const label = baselineLabel(baseline);
    const name = `start-up: -L -n, empty table, bundle of ${label}`;
    ctx.rows.push({ name, unit: 'ms', real: s[0], ours: s[6], node: s[4], identical: verdict(ctx, name, last[6], last[0]) });
    ctx.ratios.push({ name: 'start-up: ours -L -n, empty table', unit: 'ms', measured: s[1], against: `the bundle of ${label}`, reference: s[6], correct: '-' });
    ctx.ratios.push({ name: 'start-up: ours -L -n, empty table', unit: 'ms', measured: s[1], against: 'node -e 0', reference: s[4], correct: '-' });
    ctx.ratios.push({ name: `start-up: -L -n, empty table, bundle of ${label}`, unit: 'ms', measured: s[6], against: 'node -e 0', reference: s[4], correct: '-' });
  }
  ctx.rows.push({
    name: 'start-up: -v', unit: 'ms', real: s[2], ours: s[3], node: s[4],
    identical: sameBehaviour(last[3], last[2]) ? 'yes' : 'no (own version text, by design)',
  });
  ctx.rows.push({ name: 'node -e require(dist/ipvsadm.js)', unit: 'ms', ours: s[5], node: s[4], identical: '-' });

  // The same, seen from inside node: how long the require() itself takes.
  const probe: Command = {
    label: 'require() in-process',
    argv: [NODE, '-e', `const t=process.hrtime.bigint();require(${JSON.stringify(BUNDLE)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`],
  };
  const inside: number[] = [];
  for (let r = 0; r < ctx.o.runs; r++) inside.push(Number(expectSuccess(probe, runOnce(probe, ctx.timeoutMs)).stdout.toString()));
  ctx.rows.push({ name: 'require(dist/ipvsadm.js) in-process', unit: 'ms', ours: summarize(inside), identical: '-' });
}

function restore(ctx: Context): void {
  const shape = ctx.o.restoreShape;
  const name = shapeName(shape);
  const { file, lines } = tableFile(ctx, shape);
  const encoded = path.join(ctx.tmp, 'restore.netlink');
  writePreEncoded(fs.readFileSync(file, 'utf8'), encoded);
  const floor = floorSend(floorOf(ctx), encoded);
  const groups: { name: string; cmds: Command[] }[] = [
    {
      name: `-R < file (${name})`,
      cmds: [{ ...real('-R', '-R'), stdinFile: file }, { ...ours('-R', '-R'), stdinFile: file }, floor],
    },
    {
      name: `ipvsadm-restore < file (${name})`,
      cmds: [
        { label: 'real ipvsadm-restore', argv: [REAL_RESTORE], stdinFile: file },
        { label: 'ours ipvsadm-restore', argv: oursProgram('ipvsadm-restore'), stdinFile: file },
      ],
    },
  ];
  for (const g of groups) {
    log(`  ${g.name}`);
    // Every run starts from an empty table (cleared untimed, by the real
    // ipvsadm); after the last run of each, what it left in the kernel is saved.
    const left: string[] = [];
    const { samples, last } = timeInterleaved(g.cmds, {
      runs: ctx.o.restoreRuns, warmup: 0, timeoutMs: ctx.timeoutMs,
      before: () => {
        clearTable(ctx);
        ctx.table = 'unknown';
      },
      after: (_c, i, run) => {
        if (run === ctx.o.restoreRuns - 1) left[i] = snapshot(ctx);
      },
    });
    const ok = left[0] === left[1] && lineCount(left[1]) === lines && sameBehaviour(last[1], last[0]);
    if (!ok) {
      ctx.notes.push(`${g.name}: ${lineCount(left[1])} vs ${lineCount(left[0])} saved lines (expected ${lines}); `
        + `${describeDifference(last[1], last[0]) ?? 'same messages'}`);
    }
    ctx.rows.push({ name: `restore: ${g.name}`, unit: 'ms', real: summarize(samples[0]), ours: summarize(samples[1]), identical: ok ? 'yes (table and output)' : 'no' });
    if (g.cmds.includes(floor)) {
      const report = parseSendReport(last[2].stdout.toString());
      const floorOk = left[2] === left[0] && report.messages === lines && report.errors === 0;
      if (!floorOk) ctx.notes.push(`${g.name}: the floor sent ${report.messages} messages, ${report.errors} refused; its table ${left[2] === left[0] ? 'matches' : 'differs'}`);
      const floorSummary = summarize(samples[2]);
      const correct = floorOk ? 'yes (same table)' : 'no';
      ctx.ratios.push({ name: `restore: ours -R (${name})`, unit: 'ms', measured: summarize(samples[1]), against: 'floor (pre-encoded)', reference: floorSummary, correct });
      ctx.ratios.push({ name: `restore: real -R (${name})`, unit: 'ms', measured: summarize(samples[0]), against: 'floor (pre-encoded)', reference: floorSummary, correct });
    }
  }
}

const LISTINGS = [['-L', '-n'], ['-S', '-n'], ['-L', '-n', '--stats'], ['-L', '-n', '--rate']];

function listing(ctx: Context): void {
  for (const shape of ctx.o.shapes) {
    const name = shapeName(shape);
    loadTable(ctx, shape);
    const floor = floorDump(floorOf(ctx));
    const cmds = [floor, ...LISTINGS.flatMap((v) => [real(v.join(' '), ...v), ours(v.join(' '), ...v)])];
    const { samples, last, faults } = timeInterleaved(cmds, { runs: ctx.o.runs, warmup: ctx.o.warmup, timeoutMs: ctx.timeoutMs });
    const f = faultSummaries(faults);
    const report = parseDumpReport(last[0].stdout.toString());
    const floorOk = report.services === shape.services && report.destinations === shape.services * shape.dests;
    if (!floorOk) ctx.notes.push(`listing ${name}: the floor read ${report.services} services, ${report.destinations} servers`);
    const floorSummary = summarize(samples[0]);
    LISTINGS.forEach((v, i) => {
      const rowName = `listing: ${v.join(' ')} (${name})`;
      const realSummary = summarize(samples[1 + 2 * i]);
      const oursSummary = summarize(samples[2 + 2 * i]);
      const identical = verdict(ctx, rowName, last[2 + 2 * i], last[1 + 2 * i]);
      ctx.rows.push({ name: rowName, unit: 'ms', real: realSummary, ours: oursSummary, identical });
      pushFaults(ctx, `${v.join(' ')} (${name})`, { real: f[1 + 2 * i], ours: f[2 + 2 * i] });
      ctx.ratios.push({ name: `listing: ours ${v.join(' ')} (${name})`, unit: 'ms', measured: oursSummary, against: `floor (${report.datagrams} datagrams)`, reference: floorSummary, correct: identical });
      if (i < 2) ctx.ratios.push({ name: `listing: real ${v.join(' ')} (${name})`, unit: 'ms', measured: realSummary, against: 'floor', reference: floorSummary, correct: floorOk ? 'yes' : 'no' });
    });
  }
}

function memory(ctx: Context): void {
  if (!canMeasureRss()) {
    ctx.notes.push(`memory: skipped, ${GNU_TIME} is not installed`);
    return;
  }
  const shape = ctx.o.memoryShape;
  loadTable(ctx, shape);
  const cmds = [real('-L -n', '-L', '-n'), ours('-L -n', '-L', '-n'), bareNode, real('-S -n', '-S', '-n'), ours('-S -n', '-S', '-n')];
  const kib: number[][] = cmds.map(() => []);
  for (let r = 0; r < ctx.o.runs; r++) cmds.forEach((c, i) => kib[i].push(peakRssKiB(c, ctx.timeoutMs, ctx.tmp).kib));
  const mib = kib.map((k) => summarize(k.map((x) => x / 1024)));
  const name = shapeName(shape);
  ctx.rows.push({ name: `peak RSS: -L -n (${name})`, unit: 'MiB', real: mib[0], ours: mib[1], node: mib[2], identical: '-' });
  ctx.rows.push({ name: `peak RSS: -S -n (${name})`, unit: 'MiB', real: mib[3], ours: mib[4], node: mib[2], identical: '-' });
}

const GROUP_RUNNERS: Record<Group, (ctx: Context) => void> = {
  startup, restore, listing, memory, apply: applyGroup, reload: reloadGroup,
};

function colourRatio(r: number | undefined): string {
  const text = formatRatio(r);
  if (r === undefined) return text;
  return r <= 1 ? color.green(text) : r <= 2 ? color.yellow(text) : color.red(text);
}

function printTable(rows: readonly Row[]): void {
  const head = ['benchmark', 'unit', 'real', 'ours', 'node', 'ours/real', 'ours/node', 'outputs identical'];
  const table = new Table({ head: head.map((h) => color.bold(h)), style: { head: [], border: [] } });
  for (const r of rows) {
    table.push([
      r.name, r.unit, formatValue(r.real), formatValue(r.ours), formatValue(r.node),
      colourRatio(ratio(r.ours?.median, r.real?.median)), colourRatio(ratio(r.ours?.median, r.node?.median)),
      r.identical === 'yes' || r.identical.startsWith('yes ') ? color.green(r.identical) : r.identical === '-' ? r.identical : color.red(r.identical),
    ]);
  }
  log(table.toString());
}

function printRatios(rows: readonly RatioRow[]): void {
  const head = ['benchmark', 'unit', 'measured', 'against', 'reference', 'ratio', 'correct'];
  const table = new Table({ head: head.map((h) => color.bold(h)), style: { head: [], border: [] } });
  for (const r of rows) {
    table.push([
      r.name, r.unit, formatValue(r.measured), r.against, formatValue(r.reference), colourRatio(ratio(r.measured.median, r.reference.median)),
      r.correct === 'yes' || r.correct.startsWith('yes ') ? color.green(r.correct) : r.correct === '-' ? r.correct : color.red(r.correct),
    ]);
  }
  log(table.toString());
}

function facts(o: BenchOptions): string[] {
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return '?';
    }
  };
  return [
    `date: ${new Date().toISOString()}`,
    `kernel: ${os.release()} (${process.env.IPVS_LAB ?? '?'} lab), ${read('/proc/net/ip_vs').split('\n')[0]}`,
    `guest: ${os.cpus().length} CPU(s), ${Math.round(os.totalmem() / 2 ** 20)} MiB; node ${process.version}`,
    `listing tables: ${o.shapes.map(shapeName).join(', ')}; memory: ${shapeName(o.memoryShape)}; restore: ${shapeName(o.restoreShape)} (${o.restoreRuns} run(s))`,
    `${o.runs} timed run(s) per command, interleaved; warm-up ${o.warmup}`,
    `apply group: ${o.applyServices} x ${o.applyDests}; reload group: ${o.reloadServices} services, ${o.reloadDests} destinations; `
      + `changes: ${o.changePercent} % of the lines, seed ${o.seed}${o.baselineBundle !== undefined ? `; baseline bundle ${o.baselineBundle}` : ''}`,
    `time: wall clock of spawnSync (process.hrtime), median (min); page faults: the child's minor faults (cminflt of /proc/self/stat around it); peak RSS: ${canMeasureRss() ? `${GNU_TIME} -f %M (child ru_maxrss)` : 'not measured'}`,
  ];
}

function main(): number {
  let o: BenchOptions;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 2;
  }
  if (o.help) return 0;
  const refuse = (why: string) => {
    process.stderr.write(`bench: ${why}\nbench: it must run inside the kernel lab: npm run bench (or node scripts/bench.js)\n`);
    return 2;
  };
  if (!fs.existsSync('/proc/net/ip_vs')) return refuse('/proc/net/ip_vs is missing: this kernel has no IPVS loaded');
  // It clears the IPVS table over and over: never on a machine's real one.
  if (process.env.IPVS_LAB !== 'uml' && process.env.IPVS_LAB !== 'netns') return refuse('IPVS_LAB is not set (the bench clears the IPVS table)');
  if (process.getuid?.() !== 0) return refuse('not root');
  for (const f of [REAL, REAL_RESTORE, BUNDLE]) if (!fs.existsSync(f)) return refuse(`${f} is missing${f === BUNDLE ? ' (npm run build)' : ''}`);
  if (o.baselineBundle !== undefined && !fs.existsSync(o.baselineBundle)) return refuse(`--baseline-bundle ${o.baselineBundle} is missing (sh bench/baseline.sh)`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ipvs-bench-'));
  const ctx: Context = { o, tmp, table: 'unknown', rows: [], ratios: [], notes: [], timeoutMs: o.timeout * 1000 };
  for (const f of facts(o)) log(f);
  const started = Date.now();
  let status = 0;
  try {
    for (const g of o.only) {
      const t = Date.now();
      log(`${g} ...`);
      try {
        GROUP_RUNNERS[g](ctx);
      } catch (e) {
        status = 1;
        ctx.table = 'unknown';
        ctx.notes.push(`${g}: FAILED: ${(e as Error).message}`);
        log(`  FAILED: ${(e as Error).message}`);
      }
      log(`  ${g} took ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  } finally {
    try {
      clearTable(ctx);
    } catch (e) {
      ctx.notes.push(`cleanup: ${(e as Error).message}`);
      status = 1;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log('');
  printTable(ctx.rows);
  if (ctx.ratios.length > 0) printRatios(ctx.ratios);
  for (const n of ctx.notes) log(`note: ${n}`);
  log(`bench took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return status;
}

process.exitCode = main();
