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

export function startGuest(o: GuestOptions): RunningLab {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipvs-lab-'));
  const script = writeLabFiles({ mode: 'uml', dir, repo: o.repo, jestArgs: o.jestArgs, command: o.command, env: o.env });
  const umid = `ipvs-lab-${process.pid}-${path.basename(dir).slice('ipvs-lab-'.length)}`;
  const args = [
    `mem=${o.memory}`, `umid=${umid}`, `uml_dir=${path.join(dir, 'uml')}`,
    'root=/dev/root', 'rootfstype=hostfs', 'rootflags=/', 'rw', `init=${script}`,
    'con=null', 'con0=fd:0,fd:1',
  ];
  const consoleFd = fs.openSync(path.join(dir, LAB_FILES.console), 'w');
  const preload = xstatePreload(o.repo);
  const reportFile = path.join(dir, LAB_FILES.xstate);
  if ('error' in preload) o.onLine(`lab: starting ${o.label} without the xstate preload: ${preload.error}`);
  const env = 'library' in preload
    ? preloadEnvironment(preload.library, o.xstate ?? xstateMode(process.env), reportFile, process.env)
    : process.env;
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
        const recognised = diagnoseGuestDeath({
          console: consoleText, report, cpuFlags: hostCpuFlags(), preloadError: 'error' in preload ? preload.error : undefined,
        });
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
