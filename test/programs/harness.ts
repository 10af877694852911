/** Drives the whole program in-process against FakeIpvs, capturing output. */
import { fakeResolver } from '../support/fake-resolver';
import { runProgram, type ProgramDeps } from '../../src/programs/ipvsadm';
import { createStdio } from '../../src/programs/output';
import { FamilyNotFoundError } from '../../src/netlink/errors';
import { FakeIpvs } from '../support/fake-ipvs';
import { procChunks } from '../support/proc-chunks';
import type { TerminalIo } from '../../src/programs/top';

export interface Captured {
  status: number;
  stdout: string;
  stderr: string;
}

export interface HarnessOptions {
  kernel?: FakeIpvs | 'missing';
  stdin?: string | Buffer;
  modprobeSucceeds?: boolean;
  isPrivileged?: boolean;
  /** /proc/net/ip_vs: the fake kernel's (by default), this text, or none (it cannot be read). */
  serversFile?: string | 'none';
  /** /proc/net/ip_vs_conn's text, or a function giving it each time it is read. */
  connections?: string | (() => string);
  /** Files apply and diff may read, by path. */
  files?: Record<string, string>;
  /** Another apply holds the lock. */
  lockHeld?: boolean;
  /** A signal that arrived during apply. */
  signal?: string;
  /** With `signal` (SIGTERM when not given): it arrives after received() has been asked this many times. */
  signalAfter?: number;
  /** With `signal` (SIGTERM when not given): it arrives as the clock's wait number N (from 1) begins. */
  signalInWait?: number;
  stderrIsTerminal?: boolean;
  /** top's terminal; none means standard output is not one. */
  terminal?: TerminalIo;
  /** sysctl values by name (net.ipv4.vs.x); absent ones cannot be read. */
  sysctls?: Record<string, string>;
  clock?: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> };
  /** Standard output takes text only (no outBytes), so a listing that would write bytes writes text. */
  textOnly?: boolean;
}

export function makeDeps(options: HarnessOptions, sink: { stdout: string[]; stderr: string[] }): ProgramDeps & { modprobeCalls: number; signalWatches: number } {
  const clock = options.clock ?? { now: () => 0, sleep: async () => undefined };
  let waits = 0;
  let raise = (): void => undefined;
  const deps = {
    modprobeCalls: 0,
    signalWatches: 0,
    argv0: 'ipvsadm',
    out: (t: string) => void sink.stdout.push(t),
    err: (t: string) => void sink.stderr.push(t),
    open: async () => {
      if (options.kernel === 'missing' || options.kernel === undefined) throw new FamilyNotFoundError('IPVS', 2);
      return { api: options.kernel, info: await options.kernel.info() };
    },
    loadModule: () => {
      deps.modprobeCalls++;
      return options.modprobeSucceeds ?? false;
    },
    isPrivileged: options.isPrivileged ?? true,
    resolver: fakeResolver(),
    readConnections: async () => {
      if (options.connections === undefined) throw new Error('ENOENT');
      return typeof options.connections === 'function' ? options.connections() : options.connections;
    },
    readServersFile: () => {
      if (typeof options.serversFile === 'string' && options.serversFile !== 'none') return procChunks(options.serversFile);
      if (options.serversFile === 'none' || !(options.kernel instanceof FakeIpvs)) throw new Error('ENOENT');
      return procChunks(options.kernel.serversFile());
    },
    stdin: async function* () {
      if (options.stdin !== undefined) yield options.stdin;
    },
    readTextFile: async (file: string) => {
      const text = options.files?.[file];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
      return text;
    },
    applyLock: async () => (options.lockHeld ? undefined : () => undefined),
    watchSignals: () => {
      deps.signalWatches++;
      const caught = new AbortController();
      raise = () => caught.abort();
      let asked = 0;
      const received = () => {
        if (caught.signal.aborted) return options.signal ?? 'SIGTERM';
        if (options.signalInWait !== undefined) return undefined;
        if (options.signalAfter === undefined) return options.signal;
        return asked++ >= options.signalAfter ? options.signal ?? 'SIGTERM' : undefined;
      };
      return { received, caught: caught.signal, stop: () => undefined };
    },
    planColours: () => undefined,
    terminal: () => options.terminal,
    isTerminal: (fd: 1 | 2) => (fd === 2 ? options.stderrIsTerminal ?? false : false),
    readSysctl: async (name: string) => options.sysctls?.[name],
    clock: {
      now: () => clock.now(),
      sleep: (ms: number, signal?: AbortSignal) => {
        if (++waits === options.signalInWait) raise();
        return clock.sleep(ms, signal);
      },
    },
  };
  return deps;
}

/**
 * Standard output buffered as the program's own is (1.31's blocks of 4096
 * bytes), written into `sink`; what a failure drops unwritten is dropped
 * here too. Call flush() when the program is done.
 */
export function recordingStdio(sink: { stdout: string[]; stderr: string[] }): ReturnType<typeof createStdio> {
  return createStdio({
    system: {
      write: (fd, data, offset, length) => {
        (fd === 1 ? sink.stdout : sink.stderr).push(Buffer.from(data.subarray(offset, offset + length)).toString('utf8'));
        return length;
      },
      buffering: () => ({ kind: 'full', size: 4096 }),
      pause: () => undefined,
      exit: (status) => {
        throw new Error(`exit ${status}`);
      },
      brokenPipe: () => {
        throw new Error('broken pipe');
      },
    },
  });
}

export async function run(argv: string[], options: HarnessOptions = {}): Promise<Captured> {
  const sink = { stdout: [] as string[], stderr: [] as string[] };
  const stdio = recordingStdio(sink);
  const deps = makeDeps(options, sink);
  const status = await runProgram(argv, { ...deps, out: stdio.out, outBytes: options.textOnly ? undefined : stdio.outBytes, err: stdio.err, discardPending: stdio.discardPending });
  stdio.flush();
  return { status, stdout: sink.stdout.join(''), stderr: sink.stderr.join('') };
}
