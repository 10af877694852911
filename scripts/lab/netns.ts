// Runs the kernel tests on the host kernel, inside a fresh network and mount
// namespace, so the host's own IPVS table and files are never touched.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { RunningLab } from './guest';
import { LabRunOutcome, readOutcome } from './outcome';
import { superviseGroup } from './supervise';
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
  const { ended, kill } = superviseGroup(child, o.timeoutMs, (e) => process.stderr.write(`could not start unshare: ${e.message}\n`));
  const done = ended.then((end): LabRunOutcome => {
    const outcome = readOutcome(dir, 'netns', end, Date.now() - started);
    if (o.keep) outcome.problem = outcome.problem === undefined ? undefined : `${outcome.problem}\n(kept ${dir})`;
    else fs.rmSync(dir, { recursive: true, force: true });
    return outcome;
  });
  return { done, kill };
}
