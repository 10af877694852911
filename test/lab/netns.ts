// Runs the kernel tests on the host kernel, inside a fresh network and mount
// namespace, so the host's own IPVS table and files are never touched.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { RunningLab } from './guest';
import { LabRunOutcome, ProcessEnd, readOutcome } from './outcome';
import { writeLabFiles } from './script';

export interface NetnsOptions {
  repo: string;
  jestArgs: readonly string[];
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  keep: boolean;
}

export function startNetnsLab(o: NetnsOptions): RunningLab {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipvs-lab-'));
  const script = writeLabFiles({ mode: 'netns', dir, repo: o.repo, jestArgs: o.jestArgs, env: o.env });
  const started = Date.now();
  // Output goes straight to ours: one lab, nothing to interleave.
  const child = spawn('unshare', ['--net', '--mount', '--propagation', 'private', '--', '/bin/sh', script], {
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  let timedOut = false;
  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, o.timeoutMs);
  const done = new Promise<LabRunOutcome>((resolve) => {
    let finished = false;
    const finish = (end: ProcessEnd) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      const outcome = readOutcome(dir, 'netns', timedOut ? { ...end, timedOutAfterMs: o.timeoutMs } : end, Date.now() - started);
      if (o.keep) outcome.problem = outcome.problem === undefined ? undefined : `${outcome.problem}\n(kept ${dir})`;
      else fs.rmSync(dir, { recursive: true, force: true });
      resolve(outcome);
    };
    child.once('error', (e) => {
      process.stderr.write(`could not start unshare: ${e.message}\n`);
      finish({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => finish({ code, signal }));
  });
  return { done, kill: killGroup };
}
