// What the benchmark groups share (bench/run.ts and the group modules):
// where the programs are, the run's context and result rows, and the few
// commands every group needs (clearing the table, reading it back).
import * as path from 'path';
import { describeDifference, sameBehaviour } from './compare';
import { Command, RunResult, expectSuccess, runOnce } from './measure';
import { BenchOptions } from './options';
import { Summary } from './stats';

export const REPO = path.resolve(__dirname, '..', '..');
export const BUNDLE = path.join(REPO, 'dist', 'ipvsadm.js');
export const REAL = '/usr/sbin/ipvsadm';
export const REAL_RESTORE = '/usr/sbin/ipvsadm-restore';
export const NODE = process.execPath;

/** A row of the main table: the same command, real against ours against bare node. */
export interface Row {
  name: string;
  unit: 'ms' | 'MiB' | 'faults';
  real?: Summary;
  ours?: Summary;
  node?: Summary;
  /** "yes", "no", or a remark; "-" when nothing was compared. */
  identical: string;
}

/** A row of the ratio table: one measurement against a different command, as a ratio. */
export interface RatioRow {
  name: string;
  unit: 'ms' | 'MiB';
  measured: Summary;
  against: string;
  reference: Summary;
  /** Whether the measured command did what it must ("yes", "no", "-"). */
  correct: string;
}

export interface Context {
  o: BenchOptions;
  tmp: string;
  /** The floor client (bench/floor.ts), built once the first group needs it. */
  floor?: string;
  /** What the kernel holds: nothing, a table of the bench's by its shape name (`1000 x 100`), or anything else. */
  table: string;
  rows: Row[];
  ratios: RatioRow[];
  notes: string[];
  timeoutMs: number;
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

export const real = (label: string, ...args: string[]): Command => ({ label: `real ${label}`, argv: [REAL, ...args] });
/** Ours run as an installed program runs: the file itself, node started by its #! line (with the flags there). */
export const oursProgram = (program: string, ...args: string[]): string[] => [path.join(REPO, 'bin', program), ...args];
export const ours = (label: string, ...args: string[]): Command => ({ label: `ours ${label}`, argv: oursProgram('ipvsadm', ...args) });
export const bareNode: Command = { label: 'node -e 0', argv: [NODE, '-e', '0'] };

export function clearTable(ctx: Context): void {
  const c = real('-C', '-C');
  expectSuccess(c, runOnce(c, ctx.timeoutMs));
  ctx.table = 'empty';
}

/** `ipvsadm -S -n` of the real ipvsadm: the reference view of what the kernel holds. */
export function snapshot(ctx: Context): string {
  const c = real('-S -n', '-S', '-n');
  return expectSuccess(c, runOnce(c, ctx.timeoutMs)).stdout.toString('latin1');
}

export function lineCount(text: string): number {
  return text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** "yes" when ours behaved as real did; otherwise "no", and a note says how. */
export function verdict(ctx: Context, what: string, a: RunResult, b: RunResult): string {
  if (sameBehaviour(a, b)) return 'yes';
  ctx.notes.push(`${what}: outputs differ: ${describeDifference(a, b) ?? '?'}`);
  return 'no';
}
