/**
 * The programs this package installs, and the only code that touches the
 * process: arguments, environment, standard streams, the kernel socket, the
 * system resolver, the exit status. Everything below is driven through
 * ProgramDeps, so tests run whole programs without any of these.
 */
import * as fsSync from 'fs';
import { promises as fs } from 'fs';
import * as path from 'path';
import { runProgram, type ProgramDeps, type SignalWatch } from './ipvsadm';
import { runRestoreWrapper, runSaveWrapper } from './wrappers';
import { openIpvs } from '../netlink/client';
import { systemResolver } from '../cli/system-names';
import { loadIpvsModule } from '../commands/open';
import { createStdio, dieOfSigpipe, processOutputSystem } from './output';
import { EXIT_INTERNAL_ERROR, EXIT_SIGPIPE } from '../messages/exit-status';
import { chalkPlanColours, chalkTopColours } from './extensions';
import type { TerminalIo } from './top';
import { takeApplyLock } from './lock';

const CONNECTIONS_FILE = '/proc/net/ip_vs_conn';
const SERVERS_FILE = '/proc/net/ip_vs';
/**
 * Bytes asked of each read() of a /proc file. The kernel answers with whole
 * lines up to its own buffer, a page unless one service and its servers need
 * more, so this is room for a service of about 2,000 servers in one read;
 * a larger one comes in pieces, a line cut between two (servers-file.ts).
 */
const PROC_READ_BYTES = 128 * 1024;

/**
 * A file read on this thread into one buffer, chunk after chunk (each good
 * until the next is taken): a /proc file is made as it is read, so what a
 * read costs is the kernel's either way, and a thread would only add a copy.
 */
function* fileChunks(file: string): Generator<Uint8Array> {
  const fd = fsSync.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(PROC_READ_BYTES);
    for (;;) {
      const n = fsSync.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) return;
      yield buffer.subarray(0, n);
    }
  } finally {
    fsSync.closeSync(fd);
  }
}

/**
 * The program name as the user typed it, which 1.31 quotes in its `Try ...`
 * line. A script only sees its resolved path, so: IPVSADM_ARGV0 when set (the
 * differential tests use it), else the bare name when the script's directory
 * is on PATH (how it is normally run), else the path it was run by.
 */
export function invokedName(scriptPath: string, env: NodeJS.ProcessEnv): string {
  if (env.IPVSADM_ARGV0) return env.IPVSADM_ARGV0;
  const dir = path.dirname(scriptPath);
  const onPath = (env.PATH ?? '').split(':').some((entry) => entry !== '' && path.resolve(entry) === dir);
  return onPath ? path.basename(scriptPath) : scriptPath;
}

/** Colour only on a terminal, unless NO_COLOR says never or FORCE_COLOR always. */
export function wantsColour(env: NodeJS.ProcessEnv, isTerminal = () => (require('tty') as typeof import('tty')).isatty(1)): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTerminal();
}

/** Catches SIGINT and SIGTERM (an apply then rolls back before it ends) until stop(). */
export function watchSignals(): SignalWatch {
  let first: string | undefined;
  const caught = new AbortController();
  const note = (signal: NodeJS.Signals) => {
    first ??= signal;
    caught.abort();
  };
  process.on('SIGINT', note);
  process.on('SIGTERM', note);
  return {
    received: () => first,
    caught: caught.signal,
    stop: () => {
      process.off('SIGINT', note);
      process.off('SIGTERM', note);
    },
  };
}

/** Wall-clock time, and waits that a signal (`AbortSignal`) may end early. */
export const processClock: ProgramDeps['clock'] = {
  now: () => Date.now(),
  // An aborted sleep ends at once and leaves no timer to keep the process alive;
  // one that ran its time leaves no listener on a signal that outlives it.
  sleep: (ms, signal) => new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const cut = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', cut);
      resolve();
    }, ms);
    signal?.addEventListener('abort', cut, { once: true });
  }),
};

/**
 * The terminal is gone (its pty hung up) and no SIGHUP came, as when top runs
 * in a session of its own: end as a hang-up would, at once and silently. An
 * ordinary exit would not do: node then restores the terminal's settings and
 * aborts when it cannot.
 */
function hangUp(): void {
  process.kill(process.pid, 'SIGHUP');
}

const isHangUp = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'EIO';

/** Standard output as top's terminal (raw keys from standard input), when both are terminals. */
function processTerminal(): TerminalIo | undefined {
  const stdout = process.stdout;
  const stdin = process.stdin;
  if (!stdout.isTTY || !stdin.isTTY) return undefined;
  return {
    size: () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 }),
    write: (text) => {
      try {
        fsSync.writeSync(1, text);
      } catch (error) {
        if (isHangUp(error)) hangUp();
        throw error;
      }
    },
    keys: (onKey) => {
      const listener = (chunk: Buffer) => {
        for (const key of chunk.toString('utf8')) onKey(key);
      };
      // A terminal in raw mode ends its input only when it hangs up.
      const lost = (error?: unknown) => {
        if (error === undefined || isHangUp(error)) hangUp();
      };
      stdin.setRawMode(true);
      stdin.on('data', listener).on('end', lost).on('error', lost).resume();
      return () => {
        stdin.off('data', listener).off('end', lost).off('error', lost);
        stdin.setRawMode(false);
        stdin.pause();
      };
    },
    onResize: (listener) => {
      stdout.on('resize', listener);
      return () => stdout.off('resize', listener);
    },
    colours: () => (wantsColour(process.env, () => true) ? chalkTopColours() : undefined),
  };
}

interface ProgramSpec {
  run(argv: readonly string[], scriptPath: string, deps: ProgramDeps): Promise<number>;
  /**
   * Debian's ipvsadm-save and ipvsadm-restore are shell scripts that run
   * ipvsadm through PATH: its messages name plain `ipvsadm`, and a closed
   * pipe kills that ipvsadm, so the script exits with 141 instead of dying.
   */
  script: boolean;
}

const PROGRAMS = {
  ipvsadm: { run: (argv, _script, deps) => runProgram(argv, deps), script: false },
  'ipvsadm-save': { run: (argv, script, deps) => runSaveWrapper(argv, path.basename(script), deps), script: true },
  'ipvsadm-restore': { run: (_argv, _script, deps) => runRestoreWrapper(deps), script: true },
} satisfies Record<string, ProgramSpec>;

export type Program = keyof typeof PROGRAMS;

export function cli(program: Program = 'ipvsadm'): void {
  const spec: ProgramSpec = PROGRAMS[program];
  const argv = process.argv.slice(2);
  const scriptPath = process.argv[1] ?? program;
  const brokenPipe = spec.script ? () => process.exit(EXIT_SIGPIPE) : dieOfSigpipe;
  const stdio = createStdio({ system: processOutputSystem(brokenPipe) });
  const deps: ProgramDeps = {
    argv0: spec.script ? 'ipvsadm' : invokedName(scriptPath, process.env),
    out: stdio.out,
    outBytes: stdio.outBytes,
    err: stdio.err,
    discardPending: stdio.discardPending,
    open: async () => {
      const api = openIpvs();
      try {
        return { api, info: await api.info() };
      } catch (error) {
        api.close();
        throw error;
      }
    },
    loadModule: loadIpvsModule,
    isPrivileged: process.getuid?.() === 0,
    resolver: systemResolver,
    posixlyCorrect: process.env.POSIXLY_CORRECT !== undefined || process.env.POSIX_ME_HARDER !== undefined,
    readConnections: () => fs.readFile(CONNECTIONS_FILE, 'latin1'),
    readServersFile: () => fileChunks(SERVERS_FILE),
    stdin: () => process.stdin,
    readTextFile: (file) => fs.readFile(file, 'utf8'),
    applyLock: takeApplyLock,
    watchSignals,
    planColours: () => (wantsColour(process.env) ? chalkPlanColours() : undefined),
    terminal: processTerminal,
    isTerminal: (fd) => (require('tty') as typeof import('tty')).isatty(fd),
    readSysctl: (name) => fs.readFile(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8').catch(() => undefined),
    clock: processClock,
  };
  spec.run(argv, scriptPath, deps).then(
    (status) => {
      stdio.flush();
      process.exitCode = status;
    },
    (error: unknown) => {
      // Never a stack trace: one line, and the status of a failed change.
      stdio.err(`ipvsadm: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      stdio.flush();
      process.exitCode = EXIT_INTERNAL_ERROR;
    },
  );
}
