// Issue 12, load: a short run of the bounded soak (test/soak; `npm run soak`
// runs it by hand, for as long as asked) on every run of the kernel suite.
// In the director of a cluster in a box (cluster/net.sh), for
// FUZZ_SOAK_SECONDS (default 30) of random valid changes made through our
// ipvsadm (apply of rules files, with --only and in JSON; -R streams; the
// classic commands alone), the table is compared with the soak's model
// after every step, by the real ipvsadm's -S -n and our -L -n --json; our
// listings run alongside from another process all the time and must never
// fail or print a malformed line. Meanwhile the client sends a steady
// stream of requests to 10.0.0.100:80, one of the services the soak
// changes (over the real servers only): each must be answered by a server
// the service had, unless a change took its server away.
// The seed is FUZZ_SEED when set, else a new one, printed either way.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { requireLab } from './client-lab';
import { clusterForFile } from './cluster-lab';
import { repoRoot } from '../differential/catalog';
import type { SoakResult } from '../soak/soak';
import { summaryLine } from '../soak/soak';
import { TrafficVerdict, verdictLine } from '../soak/traffic';

requireLab();

const SOAK_S = Number(process.env.FUZZ_SOAK_SECONDS ?? 30);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() % 1_000_000;
const MAIN = path.join(repoRoot(__dirname), 'dist', 'test', 'soak', 'main.js');
// The soak finishes the step under way and stops the listings and the stream: minutes on a loaded host.
const RUN_TIMEOUT_MS = SOAK_S * 1000 + 240_000;

const cluster = clusterForFile('sk', 180_000);

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The soak's program in the director's namespace, bounded in time. */
function runSoak(ns: string, args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', [`--net=/run/netns/${ns}`, '--', process.execPath, MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

test(`soak (${SOAK_S} s, seed ${SEED}): the table agrees with the model after every step, listings alongside never fail, requests are answered but where a change took their server`, async () => {
  const c = cluster();
  const resultFile = path.join(c.dir, 'soak.json');
  const r = await runSoak(c.ns('d1'), ['--seconds', String(SOAK_S), '--seed', String(SEED), '--traffic-client', c.ns('c'), '--result', resultFile, '--verbose']);
  const context = `FUZZ_SEED=${SEED} FUZZ_SOAK_SECONDS=${SOAK_S}: status ${r.status}\n--- stdout:\n${r.stdout}--- stderr:\n${r.stderr}`;
  if (!fs.existsSync(resultFile)) throw new Error(`the soak wrote no result; ${context}`);
  const result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as SoakResult & { traffic: TrafficVerdict };
  // The steps and their times (--verbose, on stderr), then the summary.
  console.log(`${r.stderr}${summaryLine(result)}\n${verdictLine(result.traffic)}`);

  expect({ divergence: result.divergence, status: r.status }).toEqual({ divergence: undefined, status: 0 });
  // Not vacuous: the run made changes of every way in (the soak's first three steps), and checked tables that were not empty.
  expect(result.steps).toBeGreaterThanOrEqual(3);
  expect(result.verifiedLines).toBeGreaterThan(result.steps);
  expect(result.listings.listings).toBeGreaterThanOrEqual(3);
  const classic = ['-A', '-E', '-D', '-a', '-e', '-d', '-C', '-Z', '--set'].reduce((n, k) => n + (result.changes[k] ?? 0), 0);
  expect({ apply: result.changes.apply > 0, restore: result.changes['-R'] > 0, classic: classic > 0 }).toEqual({ apply: true, restore: true, classic: true });

  const t = result.traffic;
  expect({ unexcused: t.unexcused, misrouted: t.misrouted }).toEqual({ unexcused: [], misrouted: [] });
  expect(t.answered).toBeGreaterThan(50);
}, RUN_TIMEOUT_MS + 30_000);
