// `npm run lab`: one UML guest with the cluster of shell-script.ts, and
// either an interactive shell on the user's terminal or one command whose
// output and exit status come back as if it had run here.
//
//   node scripts/lab.js                 a shell on the client c; `exit` powers off
//   node scripts/lab.js COMMAND...      COMMAND on c; its stdout, stderr and status
//
// Interactive: the guest's console is our terminal (con0=fd:0,fd:1), which
// UML puts in raw mode; we save the terminal's settings first and put them
// back on every way out. Resizes travel through a file (SHELL_FILES.winsize).
// Command: the console goes to a file, the command's stdout and stderr to
// files that are copied to ours as they grow; our stdin, when it is not a
// terminal, is written to a file the command reads once it is complete.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tty from 'tty';
import { explainEarlyDeath, umlBoot } from './guest';
import { chooseLab } from './index';
import { readIfExists, tailOf } from './outcome';
import { SHELL_FILES, ShellRun, writeShellLabFiles } from './shell-script';
import { FileFollower } from './tail';

/** Our status when the lab itself failed (no UML, boot failure, timeout), as `docker run` and `env` use it. */
export const LAB_FAILED = 125;

/** From launch to a programmed cluster; about 6 s on an idle 2-core host. */
const READY_TIMEOUT_MS = 180_000;

export interface ShellOptions {
  repo: string;
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
}

class LabFailure extends Error {}

const SIGNAL_STATUS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** The terminal's settings (`stty -g`), when stdin is a terminal. */
function saveTerminal(): string | undefined {
  if (!tty.isatty(0)) return undefined;
  const r = spawnSync('stty', ['-g'], { stdio: ['inherit', 'pipe', 'ignore'], encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'sane';
}

function restoreTerminal(saved: string | undefined): void {
  if (saved === undefined) return;
  spawnSync('stty', [saved], { stdio: ['inherit', 'ignore', 'ignore'] });
}

/** The words after npm's `--`; a leading `--` of our own is dropped too. */
export function commandOf(argv: readonly string[]): string[] {
  return argv[0] === '--' ? argv.slice(1) : [...argv];
}

/** What to run: a shell on the terminal, or a command (a bare `npm run lab < script` runs the script with bash). */
export function planRun(command: readonly string[], stdinIsTerminal: boolean): ShellRun {
  if (command.length === 0 && stdinIsTerminal) return { kind: 'interactive' };
  return { kind: 'command', argv: command.length === 0 ? ['bash'] : command, stdin: stdinIsTerminal ? 'null' : 'file' };
}

/** Copies our stdin into `file`, then marks it complete. */
function captureStdin(file: string, done: string): void {
  const out = fs.createWriteStream(file);
  const finish = () => fs.writeFileSync(done, '');
  out.once('finish', finish);
  process.stdin.once('error', () => out.end());
  process.stdin.pipe(out);
}

/** Host processes of the guest booted with these arguments (its kernel, helpers, guest processes), by its umid. */
function guestProcesses(args: readonly string[]): number[] {
  const umid = args.find((a) => a.startsWith('umid='));
  if (umid === undefined) return [];
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = readIfExists(`/proc/${entry}/cmdline`);
    if (cmdline?.split('\0').includes(umid)) found.push(Number(entry));
  }
  return found;
}

/**
 * Waits (up to 3 s) for every process of the guest to end, then kills what is
 * left: the directory must not be removed while one of them may still write there.
 */
async function reapGuest(args: readonly string[]): Promise<void> {
  const deadline = Date.now() + 3000;
  let left = guestProcesses(args);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = guestProcesses(args);
  }
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

function lastLine(file: string): string {
  return tailOf(file, 1).trim();
}

export async function runLabShell(o: ShellOptions): Promise<number> {
  const command = commandOf(o.argv);
  const run = planRun(command, tty.isatty(0));
  const interactive = run.kind === 'interactive';
  const choice = chooseLab('uml', o.env);
  if ('skip' in choice) throw new LabFailure(`cannot start the lab: ${choice.skip}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipvs-lab-'));
  const file = (name: keyof typeof SHELL_FILES) => path.join(dir, SHELL_FILES[name]);
  const keep = o.env.IPVS_LAB_KEEP === '1';
  const savedTerminal = interactive ? saveTerminal() : undefined;
  const cleanUps: (() => void)[] = [];
  try {
    const init = writeShellLabFiles({
      dir, repo: o.repo, run, cwd: o.env.INIT_CWD || process.cwd(),
      term: interactive ? o.env.TERM || 'xterm' : 'dumb',
    });
    if (run.kind === 'command' && run.stdin === 'file') captureStdin(file('stdin'), file('stdinDone'));
    const boot = umlBoot({
      dir, repo: o.repo, init, memory: o.env.IPVS_LAB_MEMORY || '1024M', extraArgs: ['quiet', 'loglevel=1'],
    });

    let child: ChildProcess;
    let stop: () => void;
    if (interactive) {
      const writeSize = () => {
        const { rows, columns } = process.stdout;
        if (!rows || !columns) return;
        fs.writeFileSync(`${file('winsize')}.part`, `${rows} ${columns}\n`);
        fs.renameSync(`${file('winsize')}.part`, file('winsize'));
      };
      if (tty.isatty(1)) {
        writeSize();
        process.stdout.on('resize', writeSize);
        cleanUps.push(() => process.stdout.off('resize', writeSize));
      }
      process.stderr.write('lab: booting Linux (User-Mode Linux) and building the cluster...\n');
      // In our process group: the guest reads the terminal, so it must stay in its foreground group.
      child = spawn(choice.uml ?? 'linux.uml', boot.args, { stdio: 'inherit', env: boot.env });
      stop = () => {
        // UML's own exit path takes its helper processes along; SIGKILL if it hangs.
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      };
    } else {
      const consoleFd = fs.openSync(file('console'), 'w');
      // Own process group, so a kill also reaches the guest's helper processes.
      child = spawn(choice.uml ?? 'linux.uml', boot.args, { stdio: ['ignore', consoleFd, consoleFd], detached: true, env: boot.env });
      fs.closeSync(consoleFd);
      stop = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      };
      for (const [name, stream] of [['out', process.stdout], ['err', process.stderr]] as const) {
        const follower = new FileFollower(file(name), (chunk) => stream.write(chunk));
        follower.start(100);
        cleanUps.push(() => follower.stop());
      }
    }

    let timedOut = false;
    let interruptedBy: NodeJS.Signals | undefined;
    const readyWatch = setInterval(() => {
      if (fs.existsSync(file('ready'))) clearInterval(readyWatch);
    }, 500);
    const deadline = setTimeout(() => {
      if (fs.existsSync(file('ready'))) return;
      timedOut = true;
      stop();
    }, READY_TIMEOUT_MS);
    const onSignal = (sig: NodeJS.Signals) => {
      interruptedBy ??= sig;
      stop();
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const sig of signals) process.on(sig, onSignal);
    cleanUps.push(() => {
      clearInterval(readyWatch);
      clearTimeout(deadline);
      for (const sig of signals) process.off(sig, onSignal);
    });

    const end = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    stop(); // helpers left in the group, in command mode
    await reapGuest(boot.args);
    for (const c of cleanUps.splice(0)) c();
    restoreTerminal(savedTerminal);

    if (end.error) throw new LabFailure(`cannot run ${choice.uml}: ${end.error.message}`);
    if (interruptedBy) {
      process.stderr.write(`lab: ${interruptedBy}: the lab was powered off\n`);
      return SIGNAL_STATUS[interruptedBy] ?? 1;
    }
    const rc = readIfExists(file('rc'))?.trim();
    if (rc !== undefined && /^\d+$/.test(rc)) return Number(rc);

    const howEnded = end.signal ? `signal ${end.signal}` : `exit status ${String(end.code)}`;
    if (timedOut) throw new LabFailure(`the cluster was not ready within ${READY_TIMEOUT_MS / 1000} s; the guest was killed`);
    if (fs.existsSync(file('ready'))) throw new LabFailure(`the guest stopped while the ${interactive ? 'shell' : 'command'} ran (${howEnded})`);
    const reason = lastLine(file('log'));
    if (reason !== '' && end.code === 0) throw new LabFailure(`building the cluster failed: ${reason}`);
    const recognised = interactive ? undefined : explainEarlyDeath(readIfExists(file('console')) ?? '', boot);
    throw new LabFailure(`the guest stopped before the cluster was up (${howEnded})${recognised ? `; ${recognised}` : ''}`);
  } catch (e) {
    for (const c of cleanUps.splice(0)) c();
    restoreTerminal(savedTerminal);
    if (keep && e instanceof LabFailure) e.message += ` (kept ${dir})`;
    throw e;
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

/** The whole program: one line on stderr and LAB_FAILED when the lab fails. */
export async function main(repo: string, argv: readonly string[]): Promise<number> {
  try {
    return await runLabShell({ repo, argv, env: process.env });
  } catch (e) {
    const message = e instanceof LabFailure ? e.message : e instanceof Error ? e.stack ?? e.message : String(e);
    process.stderr.write(`lab: ${message}\n`);
    return LAB_FAILED;
  }
}
