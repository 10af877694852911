/**
 * Helpers of the signal and concurrent-writer tests (issue 12,
 * faults-signals.test.ts): programs started in the background with a signal
 * at a chosen moment, tables compared as sets of `-S -n` lines, a model of
 * what the first k lines of a restore stream build, the checks a listing
 * taken under load must pass, and a keepalived-style writer run by the
 * shell in the guest.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { REAL_IPVSADM, sleep } from './apply-lab';

const OURS = path.join(repoRoot(__dirname), 'bin', 'ipvsadm');
const PROCESS_TIMEOUT_MS = 90_000;

export type Program = 'ours' | 'real';

export interface Ended {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from start to end. */
  ms: number;
}

export interface Started {
  /** Standard input, when the program was started to read it from the test (see feedSlowly). */
  stdin?: import('stream').Writable;
  pid: number;
  started: number;
  exited(): boolean;
  done: Promise<Ended>;
}

/**
 * One of the two ipvsadm programs in the background (ours from `oursPath`,
 * for a test that tries another build). Standard input is a
 * file when one is given (as `ipvsadm -R < FILE`: no pipe to break when the
 * program dies), a pipe the test writes to with 'pipe', or nothing.
 */
export function start(program: Program, args: readonly string[], stdinFrom?: string, oursPath = OURS): Started {
  const started = Date.now();
  const stdinFd = stdinFrom === undefined || stdinFrom === 'pipe' ? undefined : fs.openSync(stdinFrom, 'r');
  const [command, argv] = program === 'ours' ? [process.execPath, [oursPath, ...args]] : [REAL_IPVSADM, [...args]];
  const child = spawn(command, argv, {
    stdio: [stdinFd ?? (stdinFrom === 'pipe' ? 'pipe' : 'ignore'), 'pipe', 'pipe'],
    env: { ...process.env, IPVSADM_ARGV0: 'ipvsadm' },
  });
  if (stdinFd !== undefined) fs.closeSync(stdinFd);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  let ended = false;
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const done = new Promise<Ended>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      ended = true;
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      ended = true;
      resolve({ status, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  // A program that ends before it has read all of its input must not end the test with EPIPE.
  child.stdin?.on('error', () => undefined);
  return { stdin: child.stdin ?? undefined, pid: child.pid, started, exited: () => ended || child.exitCode !== null || child.signalCode !== null, done };
}

/**
 * How long a program takes alone: from its start to the first change the
 * kernel shows (`changed` is polled), and to its end. Signals and a second
 * writer aim at the window between the two, where the table is changing.
 */
export async function timeAlone(p: Started, changed: () => boolean): Promise<{ firstChange: number; whole: number; ended: Ended }> {
  const seen = await waitUntil(changed, p, 60_000);
  const firstChange = Date.now() - p.started;
  const ended = await p.done;
  if (seen !== 'condition') throw new Error(`the table did not change while the program ran (${seen}): ${JSON.stringify(ended)}`);
  return { firstChange, whole: ended.ms, ended };
}

/**
 * Writes the lines to the program's standard input in `chunks` pieces over
 * `periodMs`, as a slow producer piped into `ipvsadm -R` would, then ends it.
 */
export async function feedSlowly(p: Started, lines: readonly string[], chunks: number, periodMs: number): Promise<void> {
  const per = Math.ceil(lines.length / chunks);
  for (let i = 0; i < lines.length && !p.exited(); i += per) {
    p.stdin!.write(`${lines.slice(i, i + per).join('\n')}\n`);
    await sleep(periodMs / chunks);
  }
  p.stdin!.end();
}

/** Sends the signal unless the process has ended already; says whether it was sent. */
export function signalIfRunning(p: Started, signal: NodeJS.Signals): boolean {
  if (p.exited()) return false;
  try {
    process.kill(p.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Polls until the condition holds, the process ends or time is up: every
 * 5 ms, since the guest has one CPU, and reading a /proc table of hundreds
 * of services any more often slows the program watched.
 */
export async function waitUntil(condition: () => boolean, p: Started, timeoutMs: number): Promise<'condition' | 'exited' | 'timeout'> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return 'condition';
    if (p.exited()) return 'exited';
    if (Date.now() > end) return 'timeout';
    await sleep(5);
  }
}

/**
 * The first 4 KB of /proc/net/ip_vs, about 40 services in the kernel's hash
 * order: a cheap sign that a large table has started changing, as most
 * changes of a large plan touch one of them.
 */
export function procStart(): string {
  const fd = fs.openSync('/proc/net/ip_vs', 'r');
  try {
    const buffer = Buffer.alloc(4096);
    return buffer.toString('latin1', 0, fs.readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------- tables as sets of lines

/** The non-empty lines of a text, sorted: a table whatever order the kernel lists it in. */
export function lineSet(text: string): string[] {
  return text.split('\n').filter((l) => l !== '').sort();
}

/** Lines missing from or extra to `actual` (at most `limit`), for a readable failure. */
export function setDifferences(actual: string, expected: string, limit = 10): string[] {
  const a = new Set(lineSet(actual));
  const e = new Set(lineSet(expected));
  const out: string[] = [];
  for (const l of e) if (!a.has(l)) out.push(`missing: ${l}`);
  for (const l of a) if (!e.has(l)) out.push(`extra: ${l}`);
  return out.slice(0, limit);
}

export function sameTable(actual: string, expected: string): boolean {
  return setDifferences(actual, expected, 1).length === 0;
}

// ---------------------------------------------------------------- restore prefixes

/**
 * The lengths k for which the first k lines of a restore stream build
 * exactly the table `save` (an `-S -n` text), starting from an empty table.
 * The stream holds numeric TCP lines as `-S -n` prints them: -A, -a, -e
 * (which replaces its server's -a line), -d and -D (which takes the
 * service's servers with it). One pass: the model's difference from the
 * table is counted as the lines come and go.
 */
export function matchingPrefixes(stream: readonly string[], save: string): number[] {
  const seen = new Set(lineSet(save));
  const model = new Map<string, string>(); // key -> line as -S -n prints it
  const serversOf = new Map<string, Set<string>>(); // service -> server keys
  let differences = seen.size;
  const remove = (key: string) => {
    const line = model.get(key);
    if (line === undefined) return;
    model.delete(key);
    differences += seen.has(line) ? 1 : -1;
  };
  const put = (key: string, line: string) => {
    remove(key);
    model.set(key, line);
    differences += seen.has(line) ? -1 : 1;
  };
  const out: number[] = differences === 0 ? [0] : [];
  stream.forEach((line, i) => {
    const m = /^(-[AaeDd]) -t (\S+)(?: -r (\S+))?(.*)$/.exec(line);
    if (!m) throw new Error(`not a stream line: ${line}`);
    const [, command, service, server, rest] = m;
    const serverKey = `${service} ${server}`;
    if (command === '-A') {
      put(service, line);
      serversOf.set(service, new Set());
    } else if (command === '-a' || command === '-e') {
      put(serverKey, `-a -t ${service} -r ${server}${rest}`);
      serversOf.get(service)!.add(serverKey);
    } else if (command === '-d') {
      remove(serverKey);
      serversOf.get(service)!.delete(serverKey);
    } else {
      for (const key of serversOf.get(service) ?? []) remove(key);
      serversOf.delete(service);
      remove(service);
    }
    if (differences === 0) out.push(i + 1);
  });
  return out;
}

// ---------------------------------------------------------------- listings under load

const LIST_HEADER = [
  /^IP Virtual Server version \d+\.\d+\.\d+ \(size=\d+\)$/,
  /^Prot LocalAddress:Port Scheduler Flags$/,
  /^  -> RemoteAddress:Port +Forward Weight ActiveConn InActConn$/,
];
const LIST_SERVICE = /^(TCP|UDP|SCTP) {2}\S+:\d+ \w+( .+)?$|^FWM {2}\d+ \w+( .+)?$/;
const LIST_SERVER = /^ {2}-> \S+:\d+ +(Masq|Route|Tunnel|Local) +\d+ +\d+ +\d+ *$/;
const SAVE_SERVICE = /^-A (-t|-u|--sctp-service) \S+:\d+ -s \w+( .+)?$|^-A -f \d+( -6)? -s \w+( .+)?$/;
const SAVE_SERVER = /^-a (-t|-u|--sctp-service|-f) \S+( -6)? -r \S+ -[mgi] -w \d+( .+)?$/;

export type ListingKind = '-L -n' | '-S -n' | '-L -n --json';

/** What is wrong with a listing taken while another process changes the table, or undefined. */
export function listingProblem(kind: ListingKind, r: Ended): string | undefined {
  if (r.status !== 0 || r.signal !== null || r.stderr !== '') {
    return `status ${r.status}${r.signal ? ` (${r.signal})` : ''}, stderr ${JSON.stringify(r.stderr)}`;
  }
  if (kind === '-L -n --json') {
    try {
      JSON.parse(r.stdout);
      return undefined;
    } catch (error) {
      return `not JSON: ${(error as Error).message}`;
    }
  }
  if (!r.stdout.endsWith('\n')) return 'no newline at the end';
  const lines = r.stdout.slice(0, -1).split('\n');
  if (kind === '-L -n') {
    const header = LIST_HEADER.findIndex((pattern, i) => !pattern.test(lines[i] ?? ''));
    if (header >= 0) return `header line ${header + 1}: ${JSON.stringify(lines[header])}`;
    let service = false;
    for (const line of lines.slice(LIST_HEADER.length)) {
      if (LIST_SERVICE.test(line)) service = true;
      else if (!LIST_SERVER.test(line) || !service) return `torn line: ${JSON.stringify(line)}`;
    }
    return undefined;
  }
  for (const line of lines) {
    if (!SAVE_SERVICE.test(line) && !SAVE_SERVER.test(line)) return `torn line: ${JSON.stringify(line)}`;
  }
  return undefined;
}

// ---------------------------------------------------------------- a keepalived-style writer

/**
 * Single changes by another process, one real ipvsadm per line, as
 * keepalived's health checkers make them: until the stop file appears or the
 * lines run out. Each line's status goes to the log, so that the changes that
 * took effect can be replayed.
 */
export interface Writer {
  stop(): Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
  /** The lines run so far, with their status. */
  log(): { status: number; line: string }[];
}

export function startWriter(dir: string, lines: readonly string[]): Writer {
  const ops = path.join(dir, 'writer.ops');
  const logFile = path.join(dir, 'writer.log');
  const stopFile = path.join(dir, 'writer.stop');
  fs.writeFileSync(ops, `${lines.join('\n')}\n`);
  fs.writeFileSync(logFile, '');
  fs.rmSync(stopFile, { force: true });
  const script = [
    `while IFS= read -r line; do`,
    `  [ -e '${stopFile}' ] && break`,
    `  ${REAL_IPVSADM} $line >/dev/null 2>&1`,
    `  echo "$? $line" >> '${logFile}'`,
    `done < '${ops}'`,
  ].join('\n');
  const child = spawn('/bin/sh', ['-c', script], { stdio: 'ignore' });
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (status, signal) => resolve({ status, signal }));
  });
  return {
    stop: async () => {
      fs.writeFileSync(stopFile, '');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      try {
        return await done;
      } finally {
        clearTimeout(timer);
      }
    },
    log: () => fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l !== '').map((l) => {
      const space = l.indexOf(' ');
      return { status: Number(l.slice(0, space)), line: l.slice(space + 1) };
    }),
  };
}
