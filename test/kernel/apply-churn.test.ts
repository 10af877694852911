// Issue 12: apply while another program churns the table outside its scope.
//
// IPVS resumes a service dump by position and never flags a change between
// two of its pieces, so a service added or deleted anywhere in the table
// makes a dump that spans pieces skip or repeat another one. An apply that
// planned from such a dump could leave in place a service it was asked to
// delete and still exit 0 (apply/live.ts). Here a writer adds and deletes
// services outside the scope as fast as the real ipvsadm -R can, while
// `apply --only` deletes a hundred services inside it and keeps a hundred
// others; the table spans several dump pieces. Each apply must end with the
// scope exactly as the file says (status 0), or unchanged with one line
// (status 1); never status 0 with the scope wrong.
//
// The writer's own changes show the churn is real: 1.31's `-S -n`, taken
// while it runs, is counted against the services nobody changes.
//
// A second test runs diff against a writer that changes the table in bursts
// longer than ten reads back to back (the waits between reads, apply/live.ts).
//
// By hand, for longer, or against another build of ours (a checkout's bin/ipvsadm):
//   FUZZ_CHURN_ROUNDS=N FUZZ_BURST_ROUNDS=N [FUZZ_CHURN_OURS=/path/to/bin/ipvsadm] \
//     node scripts/test.js --kernel-only --shards=1 apply-churn
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { REAL_IPVSADM, real, realOk, sleep } from './apply-lab';
import { requireLab } from './client-lab';
import { lineSet, setDifferences, start } from './signals-lab';

requireLab();

const ROUNDS = Number(process.env.FUZZ_CHURN_ROUNDS ?? 6);
const OURS = process.env.FUZZ_CHURN_OURS ?? path.join(repoRoot(__dirname), 'bin', 'ipvsadm');
const SCOPE = '10.70.0.0/16';
/** Services nobody changes once loaded, outside the scope: they make the dump span pieces. */
const STILL = 600;
/** The file's services (kept by every apply), and those each round adds for apply to delete. */
const KEPT = 100;
const DOOMED = 100;
/** The writer's services, added and deleted in turn. */
const CHURNED = 60;
const SLOW = 900_000;

/** The i-th address of 10.A.B.0/16 from its third byte B up, port 80. */
const vip = (a: number, b: number, i: number) => `10.${a}.${b + Math.floor(i / 250)}.${(i % 250) + 1}:80`;
/** -A lines of `count` services from 10.A.B.1 up, each with the server `server(i)` if it gives one. */
function serviceLines(a: number, b: number, count: number, server: (i: number) => string | undefined): string[] {
  return Array.from({ length: count }, (_, i) => {
    const s = server(i);
    const at = vip(a, b, i);
    return [`-A -t ${at} -s rr`, ...(s === undefined ? [] : [`-a -t ${at} -r ${s} -m -w 1`])];
  }).flat();
}

const STILL_LINES = serviceLines(80, 0, STILL, () => undefined);
const FILE_LINES = serviceLines(70, 0, KEPT, (i) => `10.71.0.${i + 1}:8080`);
const DOOMED_LINES = serviceLines(70, 100, DOOMED, (i) => `10.72.0.${i + 1}:8080`);
const DOOMED_DELETIONS = Array.from({ length: DOOMED }, (_, i) => `-D -t ${vip(70, 100, i)}`);

const inScope = (line: string) => / -t 10\.70\./.test(line);
const isStill = (line: string) => / -t 10\.80\./.test(line);

let scratch = '';

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'apply-churn-'));
  real(['-C']);
});

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  real(['-C']);
});

/**
 * The churning writer: the real ipvsadm -R adds its services, then deletes
 * them, over and over. Between two -R runs it looks for the pause file and,
 * while it is there, says so in the paused file and waits.
 */
function startChurn(dir: string) {
  const add = path.join(dir, 'churn.add');
  const del = path.join(dir, 'churn.del');
  const pauseFile = path.join(dir, 'churn.pause');
  const pausedFile = path.join(dir, 'churn.paused');
  const stopFile = path.join(dir, 'churn.stop');
  const runs = path.join(dir, 'churn.runs');
  const churned = Array.from({ length: CHURNED }, (_, i) => `-t 10.90.0.${i + 1}:80`);
  fs.writeFileSync(add, churned.map((s) => `-A ${s} -s rr\n`).join(''));
  fs.writeFileSync(del, churned.map((s) => `-D ${s}\n`).join(''));
  const script = [
    `while [ ! -e '${stopFile}' ]; do`,
    `  while [ -e '${pauseFile}' ]; do : > '${pausedFile}'; sleep 0.02; done`,
    `  ${REAL_IPVSADM} -R < '${add}' >/dev/null 2>&1`,
    `  ${REAL_IPVSADM} -R < '${del}' >/dev/null 2>&1`,
    `  echo x >> '${runs}'`,
    `done`,
  ].join('\n');
  const child = spawn('/bin/sh', ['-c', script], { stdio: 'ignore' });
  const ended = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  const waitForFile = async (file: string, present: boolean) => {
    const end = Date.now() + 60_000;
    while (fs.existsSync(file) !== present) {
      if (Date.now() > end) throw new Error(`the churning writer did not answer (${file})`);
      await sleep(10);
    }
  };
  return {
    /** Returns once the writer waits between two -R runs: the table stays still until resume(). */
    async pause(): Promise<void> {
      fs.rmSync(pausedFile, { force: true });
      fs.writeFileSync(pauseFile, '');
      await waitForFile(pausedFile, true);
    },
    resume(): void {
      fs.rmSync(pauseFile, { force: true });
    },
    /** How many times the writer added and deleted its services. */
    cycles: () => (fs.existsSync(runs) ? fs.readFileSync(runs, 'utf8').length / 2 : 0),
    async stop(): Promise<number | null> {
      fs.writeFileSync(stopFile, '');
      this.resume();
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      try {
        return await ended;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The table, read while the writer is paused: nothing else changes it then. */
function stillSave(): string[] {
  return lineSet(realOk(['-S', '-n']));
}

const tally = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

test(`${ROUNDS} applies --only ${SCOPE} under churn outside the scope: the scope ends as the file says or as it was, never wrong with status 0`, async () => {
  const file = path.join(scratch, 'churn.rules');
  fs.writeFileSync(file, `${FILE_LINES.join('\n')}\n`);
  realOk(['-R'], `${[...STILL_LINES, ...FILE_LINES].join('\n')}\n`);
  const fileInScope = lineSet(FILE_LINES.join('\n'));
  const stillExpected = lineSet(STILL_LINES.join('\n'));
  const counts: Record<string, number> = {};
  let torn = 0;
  let listings = 0;
  const churn = startChurn(scratch);
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      realOk(['-R'], `${DOOMED_LINES.join('\n')}\n`);
      // Ours, run as the operator would: a whole process, while the writer churns.
      const apply = start('ours', ['apply', '--grace', '0', '--only', SCOPE, file], undefined, OURS);
      // 1.31's listings meanwhile, to count how often a dump misses or repeats an unchanged service.
      while (!apply.exited()) {
        const listing = await start('real', ['-S', '-n']).done;
        const still = lineSet(listing.stdout).filter(isStill);
        if (setDifferences(still.join('\n'), stillExpected.join('\n'), 1).length > 0) torn++;
        listings++;
      }
      const a = await apply.done;
      await churn.pause();
      const scope = stillSave().filter(inScope);
      const context = `round ${round}: apply ended with status ${a.status}, stdout ${JSON.stringify(a.stdout)}, stderr ${JSON.stringify(a.stderr)}`;
      let outcome: string;
      if (a.status === 0 && a.stderr === '') {
        outcome = setDifferences(scope.join('\n'), fileInScope.join('\n')).length === 0 ? 'reached the file' : 'WRONG: status 0, scope not the file';
      } else if (a.status === 1 && /^ipvsadm: apply: the table changed under each of \d+ reads of it; nothing was changed\n$/.test(a.stderr)) {
        outcome = scope.length === fileInScope.length + DOOMED_LINES.length ? 'unsettled, nothing changed' : 'WRONG: unsettled, scope changed';
      } else if (a.status === 1 && /^ipvsadm: apply: refused: [^\n]+\nipvsadm: apply: rolled back, the table is as it was\n$/.test(a.stderr)) {
        outcome = scope.length === fileInScope.length + DOOMED_LINES.length ? 'refused, rolled back' : 'WRONG: rolled back, scope changed';
      } else {
        outcome = 'WRONG: unexpected end';
      }
      tally(counts, outcome);
      if (outcome.startsWith('WRONG')) {
        throw new Error(`${context}\n${outcome}: ${setDifferences(scope.join('\n'), fileInScope.join('\n')).join('\n')}`);
      }
      // The next round starts from the file, with the writer running again.
      if (outcome !== 'reached the file') realOk(['-R'], `${DOOMED_DELETIONS.join('\n')}\n`);
      expect(stillSave().filter(isStill)).toEqual(stillExpected);
      churn.resume();
    }
  } finally {
    expect(await churn.stop()).toBe(0);
  }
  process.stdout.write(
    `apply under churn: ${ROUNDS} applies ${JSON.stringify(counts)}; the writer added and deleted ${CHURNED} services ` +
    `${churn.cycles()} times; 1.31's -S -n missed or repeated an unchanged service in ${torn} of ${listings} listings\n`,
  );
}, SLOW);

// A writer that works in bursts longer than ten reads back to back: 1.31's
// -R, fed a stream of -E lines that change the scheduler of one service (in
// the table, not in the file) for BURST_MS, then nothing for GAP_MS, over
// and over. Each write changes the services a read compares, so no read
// stands inside a burst. Ten reads back to back take well under a second
// here and often fall inside one burst (a build without the waits failed
// the second of three diffs); apply and diff wait between reads (25 ms
// doubling to 1 s, about 4.6 s in all), and waits of at most 1 s cannot
// step over a gap of 1.5 s, so one read lands in a gap.
const BURST_MS = 4000;
const GAP_MS = 1500;
const BURST_ROUNDS = Number(process.env.FUZZ_BURST_ROUNDS ?? 3);
const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'sh'];

test(`${BURST_ROUNDS} diffs against a writer busy for ${BURST_MS} ms at a time with ${GAP_MS} ms between: each finds a gap and prints the plan`, async () => {
  real(['-C']);
  // Enough services that one dump outlasts the writer's pause between two writes (about 5 ms).
  const services = 800;
  const table = serviceLines(75, 0, services, (i) => `10.76.${Math.floor(i / 250)}.${(i % 250) + 1}:8080`);
  const rules = table.map((line) => line.replace(/ -w 1$/, ' -w 2'));
  const changing = '-t 10.77.0.1:80';
  realOk(['-R'], `${[...table, `-A ${changing} -s rr`].join('\n')}\n`);
  const file = path.join(scratch, 'burst.rules');
  fs.writeFileSync(file, `${rules.join('\n')}\n`);
  // The plan with the table still: the file's weights, and the changing service deleted (whatever its scheduler).
  const still = start('ours', ['diff', file], undefined, OURS);
  const expected = await still.done;
  expect({ status: expected.status, stderr: expected.stderr }).toEqual({ status: 1, stderr: '' });
  expect(expected.stdout).toContain(`-D ${changing}`);

  const writer = start('real', ['-R'], 'pipe');
  let writing = true;
  let writes = 0;
  const feeding = (async () => {
    while (writing) {
      const burstEnd = Date.now() + BURST_MS;
      while (writing && Date.now() < burstEnd) {
        // Through five schedulers, so each write leaves the service with another one than the last.
        const lines = Array.from({ length: 4 }, (_, i) => `-E ${changing} -s ${SCHEDULERS[(writes + i) % SCHEDULERS.length]}`);
        writes += lines.length;
        writer.stdin!.write(`${lines.join('\n')}\n`);
        await sleep(5);
      }
      await sleep(GAP_MS);
    }
  })();
  try {
    for (let round = 1; round <= BURST_ROUNDS; round++) {
      const diff = await start('ours', ['diff', file], undefined, OURS).done;
      expect({ round, status: diff.status, stderr: diff.stderr, stdout: diff.stdout }).toEqual({ round, status: 1, stderr: '', stdout: expected.stdout });
      // The next diff starts at another point of the writer's cycle.
      await sleep(700 * round);
    }
  } finally {
    writing = false;
    await feeding;
    writer.stdin!.end();
  }
  const w = await writer.done;
  expect({ status: w.status, stderr: w.stderr }).toEqual({ status: 0, stderr: '' });
  process.stdout.write(`diff against a writer in bursts: ${BURST_ROUNDS} diffs found a gap; the writer changed a scheduler ${writes} times\n`);
  real(['-C']);
}, SLOW);
