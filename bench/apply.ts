// The apply and reload groups: `ipvsadm apply` and `ipvsadm diff` (issue 8)
// against listing the same table and restoring the same file.
//
// apply:  a table of --apply-services x --apply-dests is loaded; then, in
//         every run: real -S -n, ours -S -n, ours diff of the unchanged
//         file, ours diff of a file with --change-percent % of its lines
//         changed, ours apply of that file (after which the table is checked
//         and put back, untimed).
// reload: the size that makes keepalived's reload die (keepalived issue
//         2318: 2,284 services, 37,298 real servers): real -R, ours -R and
//         ours apply into an empty table, then ours apply of a changed file.
//
// Every command of these groups runs under GNU time (peak RSS), the same
// for all, and the table the kernel holds afterwards is checked against what
// the file says (real -S -n, in canonical order: see canonicalSave).
import * as fs from 'fs';
import * as path from 'path';
import { ChangedTable, changeTable } from './change';
import { Context, clearTable, log, ours, real, snapshot, verdict } from './common';
import { canonicalSave, firstDifference, sameBehaviour } from './compare';
import { Command, RunResult, canMeasureRss, expectSuccess, runOnce, timeInterleaved } from './measure';
import { Summary, summarize } from './stats';
import { renderTable, spreadDests, tableModel } from './tablefile';

/** Exit statuses apply and diff may end with; which one is right is checked after each run. */
const ANY_STATUS = [0, 1, 2, 3] as const;

interface Tables {
  base: string;
  changed: string;
  /** canonicalSave of each file: what real -S -n must show once it is loaded. */
  expectedBase: string;
  expectedChanged: string;
  change: ChangedTable;
}

function writeTables(ctx: Context, name: string, counts: readonly number[]): Tables {
  const model = tableModel(counts);
  const baseText = renderTable(model);
  const change = changeTable(model, { percent: ctx.o.changePercent, seed: ctx.o.seed });
  const base = path.join(ctx.tmp, `${name}.rules`);
  const changed = path.join(ctx.tmp, `${name}-changed.rules`);
  fs.writeFileSync(base, baseText);
  fs.writeFileSync(changed, change.text);
  return { base, changed, expectedBase: canonicalSave(baseText), expectedChanged: canonicalSave(change.text), change };
}

function describeChange(c: ChangedTable): string {
  const k = c.counts;
  return `${c.changedLines} of ${c.lines} lines changed (${k.weights} weights, ${k.serversAdded} servers added, `
    + `${k.serversRemoved} removed, ${k.schedulers} schedulers, ${k.servicesAdded} services added, ${k.servicesRemoved} removed: `
    + `${c.steps} steps at least)`;
}

/** Where the kernel's table differs from the expected one, or undefined when it does not. */
function tableDifference(ctx: Context, expected: string): string | undefined {
  const d = firstDifference(canonicalSave(snapshot(ctx)), expected);
  return d === undefined ? undefined : `real -S -n (sorted) against the file (sorted): ${d}`;
}

/** Empties the table and loads `file` with ours -R, untimed; throws unless the table then is the file. */
function loadTable(ctx: Context, file: string, expected: string): void {
  clearTable(ctx);
  ctx.table = 'unknown';
  const c: Command = { ...ours('-R', '-R'), stdinFile: file };
  expectSuccess(c, runOnce(c, ctx.timeoutMs));
  const d = tableDifference(ctx, expected);
  if (d !== undefined) throw new Error(`after ours -R < ${path.basename(file)}: ${d}`);
}

/** The ways a run of apply went wrong: not status 0, or output (a successful apply prints nothing). */
function applyProblem(r: RunResult): string | undefined {
  if (r.status === 0 && r.stdout.length === 0 && r.stderr.length === 0) return undefined;
  const said = `${r.stdout.toString('utf8')}${r.stderr.toString('utf8')}`.trim().split('\n').slice(0, 2).join(' / ');
  return `exit status ${String(r.status)}${said !== '' ? `: ${said}` : ''}`;
}

const planLines = (r: RunResult) => r.stdout.toString('utf8').split('\n').filter((l) => l !== '').length;
const mib = (kib: readonly number[]): Summary => summarize(kib.map((k) => k / 1024));

/** Records problems per command; `correct` is "yes" or "no" (a note says why, once per command and kind). */
class Checks {
  private readonly problems = new Map<string, string[]>();

  fail(what: string, run: number, why: string): void {
    const list = this.problems.get(what) ?? [];
    list.push(`run ${run + 1}: ${why}`);
    this.problems.set(what, list);
  }

  correct(what: string): string {
    return this.problems.has(what) ? 'no' : 'yes';
  }

  notes(ctx: Context): void {
    for (const [what, list] of this.problems) ctx.notes.push(`${what}: ${list.slice(0, 3).join('; ')}${list.length > 3 ? `; (${list.length} runs)` : ''}`);
  }
}

export function applyGroup(ctx: Context): void {
  const o = ctx.o;
  const shape = `${o.applyServices} x ${o.applyDests}`;
  const t = writeTables(ctx, 'apply', new Array<number>(o.applyServices).fill(o.applyDests));
  log(`  ${shape}: ${describeChange(t.change)}`);
  log(`  loading ${shape} with ours -R (untimed)`);
  loadTable(ctx, t.base, t.expectedBase);

  const cmds: Command[] = [
    real('-S -n', '-S', '-n'),
    ours('-S -n', '-S', '-n'),
    { ...ours('diff, unchanged', 'diff', t.base), statuses: ANY_STATUS },
    { ...ours('diff, changed', 'diff', t.changed), statuses: ANY_STATUS },
    { ...ours('apply, changed', 'apply', t.changed), statuses: ANY_STATUS },
  ];
  const checks = new Checks();
  const { samples, last, kib } = timeInterleaved(cmds, {
    runs: o.runs, warmup: 0, timeoutMs: ctx.timeoutMs, rssDir: canMeasureRss() ? ctx.tmp : undefined,
    after: (_c, i, run, r) => {
      if (i === 2 && (r.status !== 0 || r.stdout.length !== 0 || r.stderr.length !== 0)) {
        checks.fail('diff, unchanged', run, `exit status ${String(r.status)} and ${planLines(r)} plan lines (want 0 and none)`);
      }
      if (i === 3 && (r.status !== 1 || planLines(r) !== t.change.steps || r.stderr.length !== 0)) {
        checks.fail('diff, changed', run, `exit status ${String(r.status)} and ${planLines(r)} plan lines (want 1 and ${t.change.steps})`);
      }
      if (i !== 4) return;
      const wrong = applyProblem(r);
      if (wrong !== undefined) checks.fail('apply, changed', run, wrong);
      const d = tableDifference(ctx, t.expectedChanged);
      if (d !== undefined) checks.fail('apply, changed', run, d);
      // Back to the unchanged table for the next run, untimed: by apply, or by -R if that does not get there.
      const back: Command = { ...ours('apply, back', 'apply', t.base), statuses: ANY_STATUS };
      const undo = applyProblem(runOnce(back, ctx.timeoutMs)) ?? tableDifference(ctx, t.expectedBase);
      if (undo !== undefined) {
        checks.fail('apply back to the unchanged file (untimed)', run, undo);
        loadTable(ctx, t.base, t.expectedBase);
      }
    },
  });
  checks.notes(ctx);
  ctx.table = 'unknown';

  const s = samples.map((x) => summarize(x));
  const name = (what: string) => `${what} (${shape})`;
  ctx.rows.push({ name: name('apply group: -S -n'), unit: 'ms', real: s[0], ours: s[1], identical: verdict(ctx, name('-S -n'), last[1], last[0]) });
  const vs = (what: string, i: number, unit: 'ms' | 'MiB', m: Summary[], correct: string) => {
    ctx.ratios.push({ name: name(what), unit, measured: m[i], against: 'real -S -n', reference: m[0], correct });
    ctx.ratios.push({ name: name(what), unit, measured: m[i], against: 'ours -S -n', reference: m[1], correct });
  };
  const pct = `${o.changePercent} %`;
  vs(`apply, ${pct} of the lines changed`, 4, 'ms', s, checks.correct('apply, changed'));
  vs('diff, unchanged table', 2, 'ms', s, checks.correct('diff, unchanged'));
  vs(`diff, ${pct} changed`, 3, 'ms', s, checks.correct('diff, changed'));
  if (kib[0].length > 0) {
    const m = kib.map(mib);
    ctx.rows.push({ name: name('peak RSS: -S -n'), unit: 'MiB', real: m[0], ours: m[1], identical: '-' });
    vs(`peak RSS: apply, ${pct} changed`, 4, 'MiB', m, checks.correct('apply, changed'));
    vs('peak RSS: diff, unchanged table', 2, 'MiB', m, checks.correct('diff, unchanged'));
  }
}

export function reloadGroup(ctx: Context): void {
  const o = ctx.o;
  const shape = `${o.reloadServices} services, ${o.reloadDests} servers`;
  const counts = spreadDests(o.reloadServices, o.reloadDests);
  const t = writeTables(ctx, 'reload', counts);
  const sizes = [...new Set(counts)].sort((a, b) => a - b).map((n) => `${counts.filter((c) => c === n).length} with ${n}`).join(', ');
  log(`  ${shape} (${sizes}): ${describeChange(t.change)}`);

  const cmds: Command[] = [
    { ...real('-R', '-R'), stdinFile: t.base },
    { ...ours('-R', '-R'), stdinFile: t.base },
    { ...ours('apply, empty table', 'apply', t.base), statuses: ANY_STATUS },
    { ...ours('apply, changed', 'apply', t.changed), statuses: ANY_STATUS },
  ];
  const what = ['real -R', 'ours -R', 'apply, empty table', 'apply, changed'];
  const checks = new Checks();
  let holdsBase = false;
  const { samples, last, kib } = timeInterleaved(cmds, {
    runs: o.runs, warmup: 0, timeoutMs: ctx.timeoutMs, rssDir: canMeasureRss() ? ctx.tmp : undefined,
    before: (_c, i) => {
      if (i < 3) {
        clearTable(ctx);
        ctx.table = 'unknown';
        holdsBase = false;
      } else if (!holdsBase) {
        loadTable(ctx, t.base, t.expectedBase);
      }
    },
    after: (_c, i, run, r) => {
      if (i >= 2) {
        const wrong = applyProblem(r);
        if (wrong !== undefined) checks.fail(what[i], run, wrong);
      }
      const d = tableDifference(ctx, i === 3 ? t.expectedChanged : t.expectedBase);
      if (d !== undefined) checks.fail(what[i], run, d);
      holdsBase = i < 3 && d === undefined;
    },
  });
  checks.notes(ctx);

  const s = samples.map((x) => summarize(x));
  const name = (w: string) => `${w} (${shape})`;
  const restoreOk = checks.correct(what[0]) === 'yes' && checks.correct(what[1]) === 'yes';
  const same = sameBehaviour(last[1], last[0]) ? 'yes' : verdict(ctx, name('-R < file'), last[1], last[0]);
  ctx.rows.push({
    name: name('reload group: -R < file into an empty table'), unit: 'ms', real: s[0], ours: s[1],
    identical: restoreOk && same === 'yes' ? 'yes (table and output)' : 'no',
  });
  const vs = (w: string, i: number, unit: 'ms' | 'MiB', m: Summary[]) => {
    ctx.ratios.push({ name: name(w), unit, measured: m[i], against: 'real -R < file', reference: m[0], correct: checks.correct(what[i]) });
    ctx.ratios.push({ name: name(w), unit, measured: m[i], against: 'ours -R < file', reference: m[1], correct: checks.correct(what[i]) });
  };
  vs('apply into an empty table', 2, 'ms', s);
  vs(`apply, ${o.changePercent} % of the lines changed`, 3, 'ms', s);
  if (kib[0].length > 0) {
    const m = kib.map(mib);
    ctx.rows.push({ name: name('peak RSS: -R < file'), unit: 'MiB', real: m[0], ours: m[1], identical: '-' });
    vs('peak RSS: apply into an empty table', 2, 'MiB', m);
    vs(`peak RSS: apply, ${o.changePercent} % changed`, 3, 'MiB', m);
  }
  ctx.table = 'unknown';
}
