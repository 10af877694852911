// Issue 12: signals at random moments, and two writers at once, on a real
// IPVS. apply.test.ts already sends SIGINT and SIGTERM once as the table
// starts changing, and holds two applies to the lock; this file adds:
//  - SIGINT, SIGTERM and SIGKILL at seeded random moments during `apply FILE`
//    (a plan of about 1,100 changes): after SIGINT/SIGTERM the table is the
//    one before or the file, nothing in between; after SIGKILL, the same
//    apply again reaches the file and diff then finds nothing to do;
//  - the same signals during `-R` of a 1,550-line stream, by 1.31 and by
//    ours: each leaves what the first k lines build, for some k (checked on
//    a model of the lines and by the real ipvsadm restoring those k lines),
//    and both end the same way (the signal, or status 0 having finished);
//  - apply against `-R` of another stream at the same time, and apply
//    against a keepalived-style writer (one real ipvsadm per change, inside
//    the file's services and outside them) while our listings run: the
//    table ends as some serial order of the changes leaves it.
// A new seed each run, printed in the test names. By hand, for longer:
//   FUZZ_SEED=N FUZZ_SIGNALS_APPLY=ROUNDS FUZZ_SIGNALS_RESTORE=ROUNDS \
//   FUZZ_WRITERS_RESTORE=ROUNDS FUZZ_WRITERS=ROUNDS \
//     node scripts/test.js --kernel-only --shards=1 faults-signals
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { requireLab } from './client-lab';
import { Rng, buildSeries, kernelHasServices, ours, procTable, real, realOk, sleep } from './apply-lab';
import {
  type Ended, type ListingKind, type Program, type Started, lineSet, listingProblem, matchingPrefixes, sameTable, setDifferences,
  feedSlowly, procStart, signalIfRunning, start, startWriter, timeAlone, waitUntil,
} from './signals-lab';

requireLab();

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31)) >>> 0;
const APPLY_ROUNDS = Number(process.env.FUZZ_SIGNALS_APPLY ?? 3);
const RESTORE_ROUNDS = Number(process.env.FUZZ_SIGNALS_RESTORE ?? 2);
const WRITER_ROUNDS = Number(process.env.FUZZ_WRITERS ?? 1);
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGKILL'] as const;
const SIGNAL_STATUS: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
const ROLLED_BACK = 'ipvsadm: apply: rolled back, the table is as it was\n';
const silentSuccess = { status: 0, signal: null, stdout: '', stderr: '' };
const SLOW = 600_000;

let scratch = '';

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-signals-'));
});

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  real(['-C']);
});

function writeFile(name: string, text: string): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, text);
  return file;
}

/** The rules of `count` TCP services, one line function per service, as `-S -n` prints them. */
function services(count: number, lines: (i: number) => string[]): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(...lines(i));
  return `${out.join('\n')}\n`;
}

const vip = (net: number, i: number) => `10.${net}.${i >> 8}.${i & 0xff}:80`;

/** The table the real ipvsadm leaves after flushing and restoring each text in turn (-S -n), the last one left in the kernel. */
function saves(...texts: string[]): string[] {
  return buildSeries(texts).map((s) => s.save);
}

function currentSave(): string {
  return realOk(['-S', '-n']);
}

/** A failed expectation with the seed and round in front of its message. */
function withContext(context: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    throw new Error(`${context}\n${error instanceof Error ? error.message : String(error)}`);
  }
}

function describeEnd(r: Ended): string {
  return `status ${r.status}${r.signal ? ` (${r.signal})` : ''}, ${r.ms} ms, stdout ${JSON.stringify(r.stdout.slice(0, 300))}, stderr ${JSON.stringify(r.stderr.slice(0, 300))}`;
}

function tally(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

describe('signals during apply', () => {
  // OLD: 300 services with 2 servers. NEW: 200 of them with another
  // scheduler (100 with both servers reweighted), 100 dropped, 200 new ones
  // with 2 servers: a plan of about 1,100 changes.
  const OLD = services(300, (i) => [
    `-A -t ${vip(60, i)} -s rr`,
    `-a -t ${vip(60, i)} -r 10.61.0.${(i % 250) + 1}:8080 -m -w 1`,
    `-a -t ${vip(60, i)} -r 10.61.1.${(i % 250) + 1}:8080 -m -w 1`,
  ]);
  const NEW = services(400, (i) => {
    const v = i < 200 ? vip(60, i) : vip(62, i - 200);
    const weight = i < 100 ? 2 : 1;
    return [
      `-A -t ${v} -s ${i < 200 ? 'wrr' : 'rr'}`,
      `-a -t ${v} -r 10.61.0.${(i % 250) + 1}:8080 -m -w ${weight}`,
      `-a -t ${v} -r 10.61.1.${(i % 250) + 1}:8080 -m -w ${weight}`,
    ];
  });

  test(`${APPLY_ROUNDS} rounds, seed ${SEED}: SIGINT/SIGTERM leave the table before or the file; after SIGKILL the same apply converges`, async () => {
    const rng = new Rng(SEED ^ 0x5a17);
    const file = writeFile('new.rules', NEW);
    const [newSave, oldSave] = saves(NEW, OLD);
    const oldStart = procStart();

    // One apply without a signal: it must reach the file; it says how long an apply takes,
    // and for how long the table is changing (the window the signals aim at half of the time).
    const alone = await timeAlone(start('ours', ['apply', '--verbose', file]), () => procStart() !== oldStart);
    expect({ status: alone.ended.status, stderr: alone.ended.stderr }).toEqual({ status: 0, stderr: '' });
    const planLength = alone.ended.stdout.split('\n').filter((l) => l !== '').length;
    expect(planLength).toBeGreaterThan(1000);
    expect(setDifferences(currentSave(), newSave)).toEqual([]);
    const window = Math.max(20, alone.whole - alone.firstChange);
    process.stdout.write(`apply alone: ${alone.firstChange} ms to the first change, ${alone.whole} ms in all\n`);

    const counts: Record<string, number> = {};
    for (let round = 1; round <= APPLY_ROUNDS; round++) {
      const signal = SIGNALS[(round - 1) % SIGNALS.length];
      // Half of the rounds aim at the changes: once the table starts changing, apply is stopped (SIGSTOP)
      // a random moment later, given the signal, and let go on. The others aim anywhere up to its first change.
      const aimAtChanges = rng.chance(0.5);
      const delay = Math.floor(rng.next() * (aimAtChanges ? window / 2 : alone.firstChange * 1.05));
      const context = `seed ${SEED}, round ${round}: ${signal} ${delay} ms after ${aimAtChanges ? 'the table started changing' : 'the start'} of apply (plan of ${planLength})`;

      saves(OLD);
      const before = procStart();
      const apply = start('ours', ['apply', file]);
      if (aimAtChanges) await waitUntil(() => procStart() !== before, apply, 60_000);
      await sleep(delay);
      const stopped = aimAtChanges && signalIfRunning(apply, 'SIGSTOP');
      const sent = signalIfRunning(apply, signal);
      if (stopped) signalIfRunning(apply, 'SIGCONT');
      const r = await apply.done;
      const now = currentSave();
      const state = sameTable(now, oldSave) ? 'before' : sameTable(now, newSave) ? 'the file' : 'in between';
      const said = `${context}\n${describeEnd(r)}\ntable ${state}${state === 'in between' ? `: ${setDifferences(now, newSave).join('\n')}` : ''}`;

      if (signal === 'SIGKILL') {
        tally(counts, `SIGKILL: ${sent ? 'sent' : 'too late'}, the table ${state}`);
        withContext(said, () => {
          expect(r.signal === 'SIGKILL' || (r.status === 0 && r.stderr === '')).toBe(true);
          // Whatever it left, the same apply reaches the file, and then there is nothing left to do.
          expect(ours(['apply', file])).toEqual(silentSuccess);
          expect(setDifferences(currentSave(), newSave)).toEqual([]);
          expect(ours(['diff', file])).toEqual(silentSuccess);
        });
        continue;
      }
      const status = SIGNAL_STATUS[signal];
      let outcome: string;
      if (state === 'before' && r.status === status && r.stderr === `ipvsadm: apply: interrupted by ${signal}\n${ROLLED_BACK}`) {
        outcome = 'rolled back';
      } else if (state === 'before' && r.signal === signal && r.stderr === '') {
        outcome = 'ended by the signal before its handler was set';
      } else if (state === 'the file' && r.status === 0 && r.stderr === '') {
        outcome = 'finished first';
      } else if (state === 'the file' && r.signal === signal && r.stderr === '') {
        outcome = 'ended by the signal after finishing';
      } else {
        outcome = 'wrong';
      }
      tally(counts, `${signal}: ${sent ? '' : 'too late, '}${outcome}`);
      withContext(said, () => {
        expect(outcome).not.toBe('wrong');
        expect(r.stdout).toBe('');
      });
    }
    process.stdout.write(`signals during apply, seed ${SEED}: ${JSON.stringify(counts)}\n`);
  }, SLOW);
});

describe('signals during -R', () => {
  // 400 services with 2 servers, then 200 servers reweighted (-e), 100
  // removed (-d) and 50 services removed (-D): 1,550 lines whose prefixes
  // all build different tables.
  const STREAM: string[] = [];
  for (let i = 0; i < 400; i++) {
    STREAM.push(`-A -t ${vip(80, i)} -s rr`);
    STREAM.push(`-a -t ${vip(80, i)} -r 10.81.0.${(i % 250) + 1}:8080 -m -w 1`);
    STREAM.push(`-a -t ${vip(80, i)} -r 10.81.1.${(i % 250) + 1}:8080 -m -w 1`);
  }
  for (let i = 0; i < 200; i++) STREAM.push(`-e -t ${vip(80, i)} -r 10.81.0.${(i % 250) + 1}:8080 -m -w 3`);
  for (let i = 200; i < 300; i++) STREAM.push(`-d -t ${vip(80, i)} -r 10.81.1.${(i % 250) + 1}:8080`);
  for (let i = 300; i < 350; i++) STREAM.push(`-D -t ${vip(80, i)}`);

  test(`${RESTORE_ROUNDS} rounds, seed ${SEED}: 1.31 and ours, signalled at the same point of their run, leave what the first k lines build and end alike`, async () => {
    const rng = new Rng(SEED ^ 0x7e57);
    const file = writeFile('stream', `${STREAM.join('\n')}\n`);

    // The model agrees with the real ipvsadm on the whole stream, and each program restores it whole.
    const [full] = saves(STREAM.join('\n'));
    expect(matchingPrefixes(STREAM, full)).toEqual([STREAM.length]);
    const alone: Record<Program, { firstChange: number; whole: number }> = { real: { firstChange: 0, whole: 0 }, ours: { firstChange: 0, whole: 0 } };
    for (const program of ['real', 'ours'] as const) {
      realOk(['-C']);
      const t = await timeAlone(start(program, ['-R'], file), kernelHasServices);
      expect({ ...t.ended, ms: 0 }).toEqual({ ...silentSuccess, ms: 0 });
      alone[program] = t;
      expect(setDifferences(currentSave(), full)).toEqual([]);
    }
    process.stdout.write(`-R alone: ${JSON.stringify(alone, (k, v) => (k === 'ended' ? undefined : v))}\n`);

    const counts: Record<string, number> = {};
    for (let round = 1; round <= RESTORE_ROUNDS; round++) {
      const signal = SIGNALS[(round - 1) % SIGNALS.length];
      // Half of the time at a point of the whole run, half at a point of the lines' changes (the same point for both programs).
      const aimAtChanges = rng.chance(0.5);
      const point = rng.next();
      for (const program of ['real', 'ours'] as const) {
        const { firstChange, whole } = alone[program];
        const delay = Math.floor(point * (aimAtChanges ? (whole - firstChange) * 0.8 : firstChange * 1.05));
        const context = `seed ${SEED}, round ${round}: ${signal} ${delay} ms into ${aimAtChanges ? 'the changes of ' : ''}${program === 'real' ? '1.31' : 'our'} -R of ${STREAM.length} lines`;
        realOk(['-C']);
        const p = start(program, ['-R'], file);
        if (aimAtChanges) await waitUntil(kernelHasServices, p, 60_000);
        await sleep(delay);
        const sent = signalIfRunning(p, signal);
        const r = await p.done;
        const now = currentSave();
        const prefixes = matchingPrefixes(STREAM, now);
        const k = prefixes[0];
        const finished = r.status === 0 && r.signal === null;
        withContext(`${context}\n${describeEnd(r)}\nprefixes ${JSON.stringify(prefixes.slice(0, 5))}`, () => {
          expect(prefixes.length).toBeGreaterThan(0);
          // It dies of the signal (1.31 sets no handler), or it had finished.
          expect(finished ? { status: 0, k } : { signal: r.signal, status: r.status }).toEqual(finished ? { status: 0, k: STREAM.length } : { signal, status: null });
          expect({ stdout: r.stdout, stderr: r.stderr }).toEqual({ stdout: '', stderr: '' });
          // The real ipvsadm, restoring those k lines on an empty table, builds the same.
          if (program === 'ours' && k < STREAM.length) {
            const [prefix] = saves(STREAM.slice(0, k).join('\n'));
            expect(setDifferences(now, prefix)).toEqual([]);
          }
        });
        const where = k === 0 ? 'nothing done' : k === STREAM.length ? 'all done' : 'part done';
        tally(counts, `${program} ${signal}: ${sent ? '' : 'too late, '}${finished ? 'finished' : 'killed'}, ${where}`);
      }
    }
    process.stdout.write(`signals during -R, seed ${SEED}: ${JSON.stringify(counts)}\n`);
  }, SLOW);
});

/** The `-S -n` lines of the services whose virtual address starts with `prefix`, with their servers. */
function servicesUnder(save: string, prefix: string): string[] {
  return lineSet(save).filter((l) => l.startsWith(`-A -t ${prefix}`) || l.startsWith(`-a -t ${prefix}`));
}

describe('apply against -R of another stream', () => {
  // The file: 200 services in 10.70.0.0/16. The table it starts from: 150
  // of them with one server and another scheduler, and 50 others in the
  // same range. The other stream: 300 services in 10.85.0.0/16, 2 servers each.
  const FILE = services(200, (i) => [
    `-A -t ${vip(70, i)} -s wrr`,
    `-a -t ${vip(70, i)} -r 10.71.0.${(i % 250) + 1}:8080 -m -w 2`,
    `-a -t ${vip(70, i)} -r 10.71.1.${(i % 250) + 1}:8080 -m -w 2`,
  ]);
  const START = services(200, (i) => [
    `-A -t ${i < 150 ? vip(70, i) : vip(70, i + 256)} -s rr`,
    `-a -t ${i < 150 ? vip(70, i) : vip(70, i + 256)} -r 10.71.0.${(i % 250) + 1}:8080 -m -w 1`,
  ]);
  const OTHER_SERVICES = 300;
  const OTHER = services(OTHER_SERVICES, (i) => [
    `-A -t ${vip(85, i)} -s rr`,
    `-a -t ${vip(85, i)} -r 10.86.0.${(i % 250) + 1}:8080 -m -w 1`,
    `-a -t ${vip(85, i)} -r 10.86.1.${(i % 250) + 1}:8080 -m -w 1`,
  ]);
  const OTHER_LINES = OTHER.split('\n').filter((l) => l !== '');
  const ROUNDS = Number(process.env.FUZZ_WRITERS_RESTORE ?? 2);

  /** The number of the other stream's service a line belongs to (10.85.A.B is A * 256 + B). */
  function otherIndex(line: string): number {
    const [, a, b] = /^-[Aa] -t 10\.85\.(\d+)\.(\d+):/.exec(line)!;
    return Number(a) * 256 + Number(b);
  }

  /** The other stream's services from the i-th on, each with its servers: what the stream's lines from some point on build. */
  function otherFrom(i: number): string[] {
    return lineSet(OTHER).filter((l) => otherIndex(l) >= i);
  }

  test(`${ROUNDS} rounds, seed ${SEED}: with --only the table ends as both asked; without, the file and what the stream added after apply read the table`, async () => {
    const rng = new Rng(SEED ^ 0x0a1b);
    const file = writeFile('file.rules', FILE);
    const [fileSave, otherSave] = saves(FILE, OTHER);
    const fileLines = lineSet(fileSave);
    expect(lineSet(otherSave)).toEqual(otherFrom(0));

    // How long apply takes to its first change, alone: the other stream is fed over twice that
    // time (as from a slow producer), and apply starts at a random point of its first half.
    saves(START);
    const startHead = procStart();
    const applyAlone = await timeAlone(start('ours', ['apply', file]), () => procStart() !== startHead);
    expect({ ...applyAlone.ended, ms: 0 }).toEqual({ ...silentSuccess, ms: 0 });
    const period = 2 * applyAlone.firstChange;
    process.stdout.write(`apply alone: ${applyAlone.firstChange} ms to the first change, ${applyAlone.whole} ms in all\n`);

    const counts: Record<string, number> = {};
    for (let round = 1; round <= ROUNDS; round++) {
      const scoped = round % 3 === 2;
      const restorer: Program = round % 2 === 1 ? 'ours' : 'real';
      const applyLater = Math.round((rng.next() * 0.75 - 0.25) * period);
      const context = `seed ${SEED}, round ${round}: apply${scoped ? ' --only 10.70.0.0/16' : ''} FILE, started ${applyLater} ms after ${restorer === 'real' ? '1.31' : 'our'} -R of the other stream had its first service, the rest fed over ${period} ms`;
      saves(START);
      const startApply = () => start('ours', ['apply', ...(scoped ? ['--only', '10.70.0.0/16'] : []), file]);
      // The stream's first service, then, once the program has restored it, the rest over the period.
      const restore = start(restorer, ['-R'], 'pipe');
      restore.stdin!.write(`${OTHER_LINES.slice(0, 3).join('\n')}\n`);
      expect(await waitUntil(() => /\nTCP {2}0A55/.test(procTable()), restore, 60_000)).toBe('condition');
      let apply: Started | undefined = applyLater < 0 ? startApply() : undefined;
      if (apply) await sleep(-applyLater);
      const fed = feedSlowly(restore, OTHER_LINES.slice(3), 20, period);
      if (!apply) {
        await sleep(applyLater);
        apply = startApply();
      }
      await fed;
      const [a, r] = await Promise.all([apply.done, restore.done]);
      const now = currentSave();
      const others = servicesUnder(now, '10.85.');
      const firstLeft = OTHER_SERVICES - others.filter((l) => l.startsWith('-A ')).length;
      withContext(`${context}\napply: ${describeEnd(a)}\n-R: ${describeEnd(r)}`, () => {
        expect({ ...a, ms: 0 }).toEqual({ ...silentSuccess, ms: 0 });
        expect(servicesUnder(now, '10.70.')).toEqual(fileLines);
        expect(lineSet(now).filter((l) => !/^-[Aa] -t 10\.(70|85)\./.test(l))).toEqual([]);
        if (scoped) {
          expect({ ...r, ms: 0 }).toEqual({ ...silentSuccess, ms: 0 });
          expect(others).toEqual(otherFrom(0));
        } else {
          // The stream's lines up to where apply read the table, then apply, then the rest of the lines:
          // the services added after the read, each whole. A server line for a service apply removed fails.
          expect(others).toEqual(otherFrom(firstLeft));
          expect(r.stderr.split('\n').filter((l) => l !== '' && l !== 'Service not defined')).toEqual([]);
        }
      });
      tally(counts, `${scoped ? 'scoped' : 'whole'}, ${restorer} -R: ${firstLeft === 0 ? 'nothing of the stream removed' : firstLeft === OTHER_SERVICES ? 'all of the stream removed' : 'part of the stream removed'}`);
    }
    process.stdout.write(`apply against -R, seed ${SEED}: ${JSON.stringify(counts)}\n`);
  }, SLOW);
});

describe('apply and listings against a keepalived-style writer', () => {
  // The file: 60 services in 10.70.0.0/24 with 3 servers each, applied with
  // --only 10.70.0.0/16. The writer changes the first 10 of them (hot), and
  // services of its own in 10.90.0.0/24 (outside the scope); nobody but the
  // test touches the other 50 (cold) between two applies.
  const COUNT = 60;
  const HOT = 10;
  const SCOPE = '10.70.0.0/16';
  const fileVip = (i: number) => `10.70.0.${i + 1}:80`;
  const FILE = services(COUNT, (i) => [
    `-A -t ${fileVip(i)} -s wrr`,
    ...[1, 2, 3].map((n) => `-a -t ${fileVip(i)} -r 10.71.${i}.${n}:8080 -m -w 1`),
  ]);
  /** The number of the file's service a line belongs to, or -1. */
  const fileIndex = (line: string) => Number(/^-[Aa] -t 10\.70\.0\.(\d+):/.exec(line)?.[1] ?? 0) - 1;
  const isHot = (line: string) => fileIndex(line) >= 0 && fileIndex(line) < HOT;
  const inScope = (line: string) => /^-[Aa] -t 10\.70\./.test(line);
  const cold = (save: string) => lineSet(save).filter((l) => inScope(l) && !isHot(l));

  /** The writer's lines: a random walk over its own services, and random changes to the hot ones. */
  function writerLines(rng: Rng, count: number): string[] {
    const own = new Map<string, Set<string>>();
    const lines: string[] = [];
    while (lines.length < count) {
      if (rng.chance(0.4)) {
        const hot = rng.int(0, HOT - 1);
        const service = `-t ${fileVip(hot)}`;
        const server = rng.chance(0.7) ? `10.71.${hot}.${rng.int(1, 3)}:8080` : `10.72.0.${rng.int(1, 3)}:8080`;
        const roll = rng.next();
        if (roll < 0.05) lines.push(`-D ${service}`);
        else if (roll < 0.1) lines.push(`-A ${service} -s rr`);
        else if (roll < 0.4) lines.push(`-a ${service} -r ${server} -m -w ${rng.int(0, 5)}`);
        else if (roll < 0.8) lines.push(`-e ${service} -r ${server} -m -w ${rng.int(0, 5)}`);
        else lines.push(`-d ${service} -r ${server}`);
        continue;
      }
      const vipText = `10.90.0.${rng.int(1, 6)}:80`;
      const servers = own.get(vipText);
      const server = `10.91.0.${rng.int(1, 5)}:8080`;
      if (servers === undefined) {
        lines.push(`-A -t ${vipText} -s ${rng.pick(['rr', 'wlc'])}`);
        own.set(vipText, new Set());
      } else if (rng.chance(0.08)) {
        lines.push(`-D -t ${vipText}`);
        own.delete(vipText);
      } else if (!servers.has(server)) {
        lines.push(`-a -t ${vipText} -r ${server} -m -w ${rng.int(0, 5)}`);
        servers.add(server);
      } else if (rng.chance(0.7)) {
        lines.push(`-e -t ${vipText} -r ${server} -m -w ${rng.int(0, 5)}`);
      } else {
        lines.push(`-d -t ${vipText} -r ${server}`);
        servers.delete(server);
      }
    }
    return lines;
  }

  /** Changes to the cold services and the range around them, from what the kernel holds now (nobody else touches them). */
  function coldChanges(rng: Rng): string[] {
    const lines = cold(currentSave());
    const serverLines = rng.sample(lines.filter((l) => l.startsWith('-a ')), 5);
    const serviceLines = rng.sample(lines.filter((l) => l.startsWith('-A ') && /10\.70\.0\./.test(l)), 2);
    const out = [
      ...serverLines.slice(0, 3).map((l) => `-e${l.slice(2).replace(/-w \d+/, `-w ${rng.int(3, 9)}`)}`),
      ...serverLines.slice(3).map((l) => `-d${l.slice(2).replace(/ -m -w \d+$/, '')}`),
      `-E${serviceLines[0].slice(2).replace(/-s \w+/, '-s wlc')}`,
      `-D${serviceLines[1].slice(2).replace(/ -s \w+$/, '')}`,
    ];
    const extra = `10.70.1.${rng.int(1, 200)}:80`;
    if (!lines.includes(`-A -t ${extra} -s rr`)) out.push(`-A -t ${extra} -s rr`, `-a -t ${extra} -r 10.73.0.1:8080 -m -w 1`);
    return out;
  }

  test(`${WRITER_ROUNDS} rounds, seed ${SEED}: listings never fail or tear; apply reaches the file or rolls back its own changes; the writer's changes outside the scope all stay`, async () => {
    const rng = new Rng(SEED ^ 0x3c0de);
    const file = writeFile('keepalived.rules', FILE);
    const [fileSave] = saves(FILE);
    const fileCold = cold(fileSave);
    const fileInScope = lineSet(fileSave);
    const writer = startWriter(scratch, writerLines(rng, 20_000));
    const counts: Record<string, number> = {};
    const listingProblems: string[] = [];
    const kinds: ListingKind[] = ['-L -n', '-S -n', '-L -n --json'];
    let listings = 0;
    let realListingFailures = 0;
    try {
      for (let round = 1; round <= WRITER_ROUNDS; round++) {
        const changes = coldChanges(rng);
        const r = real(['-R'], `${changes.join('\n')}\n`);
        expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
        const coldBefore = cold(currentSave());
        const context = `seed ${SEED}, round ${round}: apply --only ${SCOPE} FILE while the writer runs; the cold part was changed by:\n${changes.join('\n')}`;

        const apply = start('ours', ['apply', '--only', SCOPE, file]);
        // Listings by ours (and 1.31's -L -n, for comparison) until apply has ended and at least three were taken.
        let taken = 0;
        while (!apply.exited() || taken < 3) {
          const kind = kinds[listings % kinds.length];
          const listing = await start('ours', kind.split(' ')).done;
          const problem = listingProblem(kind, listing);
          if (problem) listingProblems.push(`${context}\n${kind}: ${problem}`);
          const theirs = await start('real', ['-L', '-n']).done;
          if (theirs.status !== 0 || theirs.stderr !== '') realListingFailures++;
          listings++;
          taken++;
        }
        const a = await apply.done;
        const now = cold(currentSave());
        let outcome: string;
        if (a.status === 0 && a.stderr === '' && a.stdout === '') {
          outcome = 'reached the file';
          withContext(`${context}\napply: ${describeEnd(a)}`, () => expect(setDifferences(now.join('\n'), fileCold.join('\n'))).toEqual([]));
        } else if (a.status === 1 && /^ipvsadm: apply: refused: [^\n]+\nipvsadm: apply: rolled back, the table is as it was\n$/.test(a.stderr)) {
          outcome = 'refused (a hot change in between), rolled back';
          withContext(`${context}\napply: ${describeEnd(a)}`, () => expect(setDifferences(now.join('\n'), coldBefore.join('\n'))).toEqual([]));
        } else if (a.status === 1 && /^ipvsadm: apply: refused: [^\n]+\nipvsadm: apply: rollback failed at [^\n]+; the table is partly changed\n$/.test(a.stderr)) {
          // The writer changed a hot service under the rollback too; the rest of the rollback batch still went through.
          outcome = 'refused, rollback refused on a hot service';
          withContext(`${context}\napply: ${describeEnd(a)}`, () => expect(setDifferences(now.join('\n'), coldBefore.join('\n'))).toEqual([]));
        } else {
          outcome = 'wrong';
        }
        tally(counts, outcome);
        withContext(`${context}\napply: ${describeEnd(a)}`, () => expect(outcome).not.toBe('wrong'));
      }
    } finally {
      const ended = await writer.stop();
      expect(ended.signal).toBeNull();
    }

    // The writer's changes outside the scope, those that took effect, replayed in order on an empty
    // table by the real ipvsadm, give what is there now outside the scope: apply never touched them.
    const log = writer.log();
    const done = log.filter((l) => l.status === 0);
    const outsideDone = done.filter((l) => / -t 10\.90\./.test(l.line)).map((l) => l.line);
    const now = currentSave();
    const [outsideExpected] = saves(outsideDone.join('\n'));
    // Then the same apply, alone, reaches the file within its scope, and leaves the outside as it is.
    withContext(`seed ${SEED}: after the rounds`, () => {
      expect(listingProblems).toEqual([]);
      expect(lineSet(now).filter((l) => !inScope(l))).toEqual(lineSet(outsideExpected));
      expect(ours(['apply', '--only', SCOPE, file])).toEqual(silentSuccess);
      const after = currentSave();
      expect(lineSet(after).filter(inScope)).toEqual(fileInScope);
      expect(lineSet(after).filter((l) => !inScope(l))).toEqual(lineSet(outsideExpected));
      expect(ours(['diff', '--only', SCOPE, file])).toEqual(silentSuccess);
    });
    process.stdout.write(
      `writer, seed ${SEED}: ${WRITER_ROUNDS} applies ${JSON.stringify(counts)}; writer ran ${log.length} changes ` +
      `(${done.length} took effect, ${outsideDone.length} of them outside the scope); ${listings} listings by ours, 0 failed or torn allowed ` +
      `(${listingProblems.length}); 1.31's -L -n failed ${realListingFailures} times of ${listings}\n`,
    );
  }, SLOW);
});
