/**
 * Wiring of the real process: streams, the kernel, the system resolver. Kept
 * apart from main.ts so that everything else can be driven by tests.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { runProgram, type ProgramDeps } from './main';
import { runRestoreWrapper, runSaveWrapper } from './restore/wrappers';
import { openIpvs } from './netlink/client';
import { systemResolver } from './cli/system-names';
import { loadIpvsModule } from './commands/open';
import { SIGPIPE_STATUS, createStdio, dieOfSigpipe, processOutputSystem } from './output';

const CONNECTIONS_FILE = '/proc/net/ip_vs_conn';

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

export type Program = 'ipvsadm' | 'ipvsadm-save' | 'ipvsadm-restore';

export function cli(program: Program = 'ipvsadm'): void {
  const argv = process.argv.slice(2);
  const scriptPath = process.argv[1] ?? program;
  // The wrappers run ipvsadm through PATH, so its messages name plain `ipvsadm`.
  const argv0 = program === 'ipvsadm' ? invokedName(scriptPath, process.env) : 'ipvsadm';
  // A closed pipe kills ipvsadm with SIGPIPE; the wrappers are scripts that then exit with 141.
  const brokenPipe = program === 'ipvsadm' ? dieOfSigpipe : () => process.exit(SIGPIPE_STATUS);
  const stdio = createStdio({ system: processOutputSystem(brokenPipe) });
  const deps: ProgramDeps = {
    argv0,
    out: stdio.out,
    err: stdio.err,
    open: async () => {
      const api = await openIpvs();
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
    stdin: () => process.stdin,
  };
  const run =
    program === 'ipvsadm-save'
      ? runSaveWrapper(argv, path.basename(scriptPath), deps)
      : program === 'ipvsadm-restore'
        ? runRestoreWrapper(deps)
        : runProgram(argv, deps);
  run.then(
    (status) => {
      stdio.flush();
      process.exitCode = status;
    },
    (error: unknown) => {
      // Never a stack trace: one line, and the status of a failed change.
      stdio.err(`ipvsadm: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      stdio.flush();
      process.exitCode = 255;
    },
  );
}
