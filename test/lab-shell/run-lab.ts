/**
 * Runs `npm run lab` (or its node entry) on the host, as a user would, with
 * a private TMPDIR so that the test can tell whether the lab left anything
 * behind. These tests boot UML themselves, so they run on the host (the
 * lab-shell jest project, started by scripts/test.js), never in a guest.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '..', '..');
export const LAB_JS = path.join(REPO, 'scripts', 'lab.js');
/** A boot and the cluster take about 6 s on an idle host; a loaded CI host is slower. */
export const BOOT_MS = 180_000;

export interface LabRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Files and processes of the lab still there after it ended. */
  leftovers: string[];
}

/** A scratch TMPDIR for one lab run; `leftovers` lists what is still in it (and running from it). */
export function scratchTmp(): { dir: string; leftovers(): string[]; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-shell-test-'));
  return {
    dir,
    leftovers: () => {
      const files = (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f));
      const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout ?? '';
      const procs = ps.split('\n').filter((l) => l.includes(dir) && !l.includes('ps -eo'));
      return [...files, ...procs.map((p) => `process: ${p.trim()}`)];
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** `program args` in the repository, stdin `input` (a pipe, so not a terminal). */
export function runLab(program: string, args: readonly string[], input = '', env: NodeJS.ProcessEnv = {}): LabRun {
  const tmp = scratchTmp();
  try {
    const r = spawnSync(program, args, {
      cwd: REPO, input, encoding: 'utf8', timeout: BOOT_MS, killSignal: 'SIGKILL',
      env: { ...process.env, TMPDIR: tmp.dir, ...env },
    });
    if (r.error) throw new Error(`${program} ${args.join(' ')}: ${r.error.message}`);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, leftovers: tmp.leftovers() };
  } finally {
    tmp.remove();
  }
}
