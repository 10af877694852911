/**
 * ipvsadm-realserver, the program: its own bundle (dist/ipvsadm-realserver.js),
 * so nothing of it weighs on ipvsadm's start-up, and nothing of ipvsadm's on
 * its. The host side of RealServerSystem lives here: sysctl files under
 * /proc/sys, modprobe run with an argument vector (no shell), the state file.
 */
import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import * as path from 'path';
import { netlinkNetwork } from '../realserver/kernel';
import { parse, PROGRAM, UsageError } from '../realserver/parse';
import { EXIT_FAILED, run } from '../realserver/run';
import type { HostSide } from '../realserver/system';
import type { Invocation } from '../realserver/types';

const MODPROBE_TIMEOUT_MS = 30_000;

function sysctlPath(name: string): string {
  return path.join('/proc/sys', ...name.split('.'));
}

const missing = (error: unknown): boolean => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

export const processHost: HostSide = {
  readSysctl: (name) => fs.readFile(sysctlPath(name), 'utf8').then((text) => text.trim(), (error) => {
    if (missing(error)) return undefined;
    throw error;
  }),
  writeSysctl: (name, value) => fs.writeFile(sysctlPath(name), `${value}\n`),
  loadModule: (module) => new Promise((resolve, reject) => {
    execFile('modprobe', [module], { timeout: MODPROBE_TIMEOUT_MS, encoding: 'utf8' }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const said = stderr.split('\n').find((l) => l.trim() !== '');
      const code = (error as NodeJS.ErrnoException).code;
      reject(new Error(code === 'ENOENT' ? 'modprobe not found' : said ?? `modprobe exited with status ${String(code ?? error.signal)}`));
    });
  }),
  netns: () => fs.readlink('/proc/self/ns/net').catch(() => undefined),
  readState: (file) => fs.readFile(file, 'utf8').catch((error) => {
    if (missing(error)) return undefined;
    throw error;
  }),
  writeState: async (file, text) => {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
    // Whole or not at all: a new file renamed over the old one.
    const temporary = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temporary, text, { mode: 0o644 });
    await fs.rename(temporary, file);
  },
  removeState: (file) => fs.rm(file, { force: true }),
};

export function cli(): void {
  let invocation: Invocation | UsageError;
  try {
    invocation = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    invocation = error;
  }
  const io = {
    out: (text: string) => void process.stdout.write(text),
    err: (text: string) => void process.stderr.write(text),
  };
  run(invocation, () => ({ ...netlinkNetwork(), ...processHost }), io).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      // Never a stack trace.
      io.err(`${PROGRAM}: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT_FAILED;
    },
  );
}
