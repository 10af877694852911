// Boots one user-mode-linux guest that runs (a shard of) the kernel tests.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LabRunOutcome, readIfExists, readOutcome, tailOf } from './outcome';
import { superviseGroup } from './supervise';
import { LAB_FILES, writeLabFiles } from './script';
import { LogTail } from './tail';
import {
  XstateMode, diagnoseGuestDeath, hostCpuFlags, parseXstateReport, preloadEnvironment, xstateMode,
  xstatePreload,
} from './xstate';

export interface GuestOptions {
  label: string;
  repo: string;
  jestArgs: readonly string[];
  /** A command to run instead of jest (see LabScriptOptions.command). */
  command?: readonly string[];
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  umlBinary: string;
  memory: string;
  /** Keep the private directory for post-mortem instead of deleting it. */
  keep: boolean;
  /** How the xstate preload acts; default: IPVS_LAB_XSTATE of our environment, else auto. */
  xstate?: XstateMode;
  /** Receives each line the guest's test run prints, as it happens. */
  onLine(line: string): void;
}

export interface RunningLab {
  done: Promise<LabRunOutcome>;
  /** Kills the guest (and its helper processes) at once. */
  kill(): void;
}

/** How to start linux.uml for one guest whose private directory is `dir`. */
export interface UmlBoot {
  args: string[];
  /** Our environment plus the xstate preload when it could be built. */
  env: NodeJS.ProcessEnv;
  /** Why the preload is not set, when it is not. */
  preloadError?: string;
  /** Where the preload writes its counts. */
  reportFile: string;
}

export interface UmlBootOptions {
  dir: string;
  repo: string;
  /** The guest's init: a script in `dir`. */
  init: string;
  memory: string;
  xstate?: XstateMode;
  /** Kernel parameters after the usual ones (e.g. quiet). */
  extraArgs?: readonly string[];
}

/**
 * The kernel command line (the host's / through hostfs as root, our script
 * as init, the first console on fds 0 and 1) and the environment with the
 * xstate preload.
 */
export function umlBoot(o: UmlBootOptions): UmlBoot {
  const umid = `ipvs-lab-${process.pid}-${path.basename(o.dir).replace(/^ipvs-lab-/, '')}`;
  const args = [
    `mem=${o.memory}`, `umid=${umid}`, `uml_dir=${path.join(o.dir, 'uml')}`,
    'root=/dev/root', 'rootfstype=hostfs', 'rootflags=/', 'rw', `init=${o.init}`,
    'con=null', 'con0=fd:0,fd:1', ...(o.extraArgs ?? []),
  ];
  const preload = xstatePreload(o.repo);
  const reportFile = path.join(o.dir, LAB_FILES.xstate);
  if ('error' in preload) return { args, env: process.env, preloadError: preload.error, reportFile };
  const env = preloadEnvironment(preload.library, o.xstate ?? xstateMode(process.env), reportFile, process.env);
  return { args, env, reportFile };
}

/** One `recognised:` line for a guest that died early, from its console and the preload's report. */
export function explainEarlyDeath(consoleText: string, boot: UmlBoot): string | undefined {
  const report = parseXstateReport(readIfExists(boot.reportFile) ?? '');
  return diagnoseGuestDeath({ console: consoleText, report, cpuFlags: hostCpuFlags(), preloadError: boot.preloadError });
}

export function startGuest(o: GuestOptions): RunningLab {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipvs-lab-'));
  const script = writeLabFiles({ mode: 'uml', dir, repo: o.repo, jestArgs: o.jestArgs, command: o.command, env: o.env });
  const boot = umlBoot({ dir, repo: o.repo, init: script, memory: o.memory, xstate: o.xstate });
  const { args, env, reportFile } = boot;
  const consoleFd = fs.openSync(path.join(dir, LAB_FILES.console), 'w');
  if (boot.preloadError !== undefined) o.onLine(`lab: starting ${o.label} without the xstate preload: ${boot.preloadError}`);
  const started = Date.now();
  // Own process group, so a kill also reaches the guest's helper processes.
  const child = spawn(o.umlBinary, args, { stdio: ['ignore', consoleFd, consoleFd], detached: true, env });
  fs.closeSync(consoleFd);

  const tail = new LogTail(path.join(dir, LAB_FILES.log), o.onLine);
  tail.start();
  const { ended, kill } = superviseGroup(child, o.timeoutMs, (e) => o.onLine(`could not start ${o.umlBinary}: ${e.message}`));
  const done = ended.then((end): LabRunOutcome => {
    kill();
    tail.stop();
    const durationMs = Date.now() - started;
    const outcome = readOutcome(dir, o.label, end, durationMs, o.command === undefined);
    const report = parseXstateReport(readIfExists(reportFile) ?? '');
    if (report) outcome.xstate = report;
    if (outcome.problem !== undefined) {
      const consoleFile = path.join(dir, LAB_FILES.console);
      const consoleText = readIfExists(consoleFile) ?? '';
      if ((outcome.summary?.executed ?? 0) === 0) {
        const recognised = explainEarlyDeath(consoleText, boot);
        if (recognised) outcome.problem += `\n${recognised}`;
      }
      // A panic's reason sits above its stack dump, often beyond the tail.
      const panic = consoleText.split('\n').find((l) => /Kernel panic|BUG:|Oops/.test(l));
      if (panic) outcome.problem += `\n--- guest console: ${panic.trim()}`;
      const consoleTail = tailOf(consoleFile, 25);
      if (consoleTail) outcome.problem += `\n--- last lines of the guest console:\n${consoleTail}`;
    }
    if (o.keep) outcome.problem = outcome.problem === undefined ? undefined : `${outcome.problem}\n(kept ${dir})`;
    else fs.rmSync(dir, { recursive: true, force: true });
    return outcome;
  });
  return { done, kill };
}
