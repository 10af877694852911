// Running commands and measuring them: wall clock (process.hrtime around
// spawnSync), page faults (the children's minor faults this process has
// reaped, read from /proc/self/stat before and after) and peak RSS (GNU
// time's %M, i.e. the child's ru_maxrss).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { nsToMs } from './stats';

export interface Command {
  /** Shown in messages. */
  label: string;
  argv: readonly string[];
  /** File given as standard input (like `< file`); otherwise stdin is /dev/null. */
  stdinFile?: string;
  /** Exit statuses that count as success (default: 0 only). */
  statuses?: readonly number[];
}

export interface RunResult {
  ms: number;
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  /** Set when the command could not run or was killed at the time limit. */
  error?: string;
  /** Minor page faults of the command and the children it waited for; undefined where /proc/self/stat cannot tell. */
  minorFaults?: number;
}

/**
 * cminflt of a /proc/PID/stat line: the minor faults of the children this
 * process has waited for (field 10 after the name, which is in parentheses
 * and may hold spaces or parentheses itself); undefined when the line is not
 * one.
 */
export function childMinorFaults(stat: string): number | undefined {
  const afterName = stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/);
  // state ppid pgrp session tty_nr tpgid flags minflt cminflt: the 9th.
  const value = Number(afterName[8]);
  return stat.includes(')') && afterName.length > 8 && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function reapedMinorFaults(): number | undefined {
  try {
    return childMinorFaults(fs.readFileSync('/proc/self/stat', 'latin1'));
  } catch {
    return undefined;
  }
}

const MAX_OUTPUT = 1024 * 1024 * 1024;

/** Runs the command once; `wrapper` is prepended to argv (e.g. /usr/bin/time). */
export function runOnce(cmd: Command, timeoutMs: number, wrapper: readonly string[] = []): RunResult {
  const argv = [...wrapper, ...cmd.argv];
  const stdinFd = cmd.stdinFile !== undefined ? fs.openSync(cmd.stdinFile, 'r') : 'ignore';
  try {
    // A spawned child is reaped before spawnSync returns, so its faults are in the difference; the reads are outside the clock.
    const faultsBefore = reapedMinorFaults();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), {
      stdio: [stdinFd, 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: MAX_OUTPUT,
    });
    const ms = nsToMs(process.hrtime.bigint() - t0);
    const faultsAfter = reapedMinorFaults();
    const res: RunResult = {
      ms, status: r.status, signal: r.signal,
      stdout: r.stdout ?? Buffer.alloc(0), stderr: r.stderr ?? Buffer.alloc(0),
    };
    if (faultsBefore !== undefined && faultsAfter !== undefined) res.minorFaults = faultsAfter - faultsBefore;
    if (r.error) {
      const e = r.error as NodeJS.ErrnoException;
      res.error = e.code === 'ETIMEDOUT' ? `killed after the ${Math.round(timeoutMs / 1000)} s time limit` : e.message;
    } else if (r.signal) {
      res.error = `killed by ${r.signal}`;
    }
    return res;
  } finally {
    if (typeof stdinFd === 'number') fs.closeSync(stdinFd);
  }
}

/** Throws when the run failed or exited with a status not in cmd.statuses (default 0); returns it otherwise. */
export function expectSuccess(cmd: Command, r: RunResult): RunResult {
  if (r.error !== undefined || r.status === null || !(cmd.statuses ?? [0]).includes(r.status)) {
    const why = r.error ?? `exit status ${String(r.status)}`;
    const err = r.stderr.toString('utf8').trim().split('\n').slice(0, 5).join('\n');
    throw new Error(`${cmd.label} (${cmd.argv.join(' ')}) failed: ${why}${err ? `\n${err}` : ''}`);
  }
  return r;
}

export const GNU_TIME = '/usr/bin/time';

/** GNU time is what measures peak RSS; false when it is not installed. */
export function canMeasureRss(): boolean {
  try {
    fs.accessSync(GNU_TIME, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Peak RSS of the command in KiB: `/usr/bin/time -f %M -o FILE` (the child's ru_maxrss). */
export function peakRssKiB(cmd: Command, timeoutMs: number, tmpDir: string): { kib: number; run: RunResult } {
  const out = path.join(tmpDir, 'maxrss');
  fs.rmSync(out, { force: true });
  const run = expectSuccess(cmd, runOnce(cmd, timeoutMs, [GNU_TIME, '-f', '%M', '-o', out]));
  return { kib: readMaxRss(cmd, out), run };
}

function readMaxRss(cmd: Command, out: string): number {
  const text = fs.readFileSync(out, 'utf8').trim();
  const kib = Number(text.split('\n').pop());
  if (!Number.isFinite(kib) || kib <= 0) throw new Error(`${cmd.label}: unexpected output of ${GNU_TIME}: ${text}`);
  return kib;
}

/**
 * Times several commands `runs` times each, interleaved (a, b, c, a, b, c, ...)
 * so that a slow phase of the machine hits all of them alike. `before` runs
 * untimed ahead of every timed run (e.g. clearing the table). Every run must
 * succeed; `after` runs untimed after every timed run. Returns the samples in ms and the last run of each command.
 * With `rssDir`, every timed run is also wrapped in GNU time (`-f %M`), the
 * same for every command, and `kib` holds its peak RSS samples: for commands
 * that run for seconds, a separate set of runs for memory would cost more
 * than time's own fork and exec, which the wall clock then includes.
 * `faults` holds each timed run's minor page faults (empty where they cannot
 * be read): in the kernel lab a page touched for the first time costs about
 * 100 us, so they explain much of the time there (bench/RESULTS.md).
 */
export function timeInterleaved(
  cmds: readonly Command[],
  o: {
    runs: number; warmup: number; timeoutMs: number;
    before?: (cmd: Command, index: number) => void;
    /** Untimed, after each timed run; `run` counts from 0. */
    after?: (cmd: Command, index: number, run: number, result: RunResult) => void;
    rssDir?: string;
  },
): { samples: number[][]; last: RunResult[]; kib: number[][]; faults: number[][] } {
  const samples: number[][] = cmds.map(() => []);
  const kib: number[][] = cmds.map(() => []);
  const faults: number[][] = cmds.map(() => []);
  const rssFile = o.rssDir !== undefined ? path.join(o.rssDir, 'maxrss') : undefined;
  const wrapper = rssFile !== undefined ? [GNU_TIME, '-f', '%M', '-o', rssFile] : [];
  const last: RunResult[] = [];
  for (let w = 0; w < o.warmup; w++) {
    for (const [i, cmd] of cmds.entries()) {
      o.before?.(cmd, i);
      expectSuccess(cmd, runOnce(cmd, o.timeoutMs));
    }
  }
  for (let r = 0; r < o.runs; r++) {
    cmds.forEach((cmd, i) => {
      o.before?.(cmd, i);
      if (rssFile !== undefined) fs.rmSync(rssFile, { force: true });
      const res = expectSuccess(cmd, runOnce(cmd, o.timeoutMs, wrapper));
      samples[i].push(res.ms);
      if (res.minorFaults !== undefined) faults[i].push(res.minorFaults);
      if (rssFile !== undefined) kib[i].push(readMaxRss(cmd, rssFile));
      last[i] = res;
      o.after?.(cmd, i, r, res);
    });
  }
  return { samples, last, kib, faults };
}
