/**
 * The bounded soak (issue 12, load): for a given time, a seeded driver makes
 * random valid changes to the IPVS table through our ipvsadm (`apply` of
 * rules files, with and without `--only`, in text and JSON; `-R` streams;
 * single classic commands), carries each out on its model of the table too,
 * and after every step compares the kernel's table with the model: the
 * real ipvsadm's `-S -n` and `-L --timeout`, and our `-L -n --json`. Our
 * listings run all the while from another process (listings.ts). The first
 * difference, failed command or failed listing stops the run, with the seed
 * and the step that shows it.
 *
 * It runs where the table is: in the lab's director (`npm run soak`, see
 * scripts/soak.js and main.ts) or in a kernel test's (soak.test.ts).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REAL_IPVSADM, Rng } from '../kernel/apply-lab';
import { repoRoot } from '../differential/catalog';
import {
  ApplyChange, Classic, TrafficService, Universe, applyClassic, applyResult, applyWords, classicWords, makeUniverse,
  randomApply, randomClassic, randomRestore, rulesJson, rulesText,
} from './changes';
import { ListingCounts, ListingFailure } from './listings';
import { TableModel, lineDifferences, linesOfJsonListing, modelLines, parseTimeouts, targetOf } from './model';

const REPO = repoRoot(__dirname);
const OURS = path.join(REPO, 'bin', 'ipvsadm');
const PROBE = path.join(__dirname, 'rss-probe.js');
const LISTER = path.join(__dirname, 'listings.js');
const COMMAND_TIMEOUT_MS = 90_000;
/** Steps 1 to 3 are an apply, an -R stream and a classic command; a run makes them however long they take. */
const FIRST_STEPS = 3;

export interface SoakOptions {
  seed: number;
  durationMs: number;
  /** A directory of the run's own, for rules files and the listings' results. */
  scratch: string;
  traffic?: TrafficService;
  /** Progress lines (about one a minute). */
  progress?: (line: string) => void;
  /** A line per step: what it did, how long it and its checks took. */
  onStep?: (line: string) => void;
}

/** The traffic service's servers and weights after a change, or null when it has none. */
export type TrafficState = Record<string, number> | null;

/** One step, timed with the clock the traffic's requests are timed with. */
export interface StepRecord {
  step: number;
  startMs: number;
  endMs: number;
  /** The traffic service's states the step went through (one per line of an -R stream), the last being the one it left. */
  states: TrafficState[];
}

export interface SoakResult {
  seed: number;
  steps: number;
  /** Changes by kind: `apply`, `apply --only`, `apply json`, `-R` (streams), `-R lines`, and each classic command alone. */
  changes: Record<string, number>;
  listings: ListingCounts;
  durationMs: number;
  /** The most any run of our ipvsadm held (kB), when measured. */
  peakRssKb?: number;
  ourRuns: number;
  /** Lines of the model compared with -S -n over the run (each also with our JSON listing). */
  verifiedLines: number;
  /** The first difference, failure or broken listing; undefined when there was none. */
  divergence?: string;
  /** The traffic service before the soak's first step (0, its set-up), as far as the soak knows: none. */
  initial?: TrafficState;
  timeline: StepRecord[];
}

interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

function describeRan(r: Ran): string {
  return `status ${r.status}${r.signal ? ` (${r.signal})` : ''}${r.error ? ` (${r.error.message})` : ''}\n--- stdout:\n${r.stdout}--- stderr:\n${r.stderr}`;
}

function runCommand(argv: readonly string[], input: string | undefined, env?: NodeJS.ProcessEnv): Ran {
  const r = spawnSync(argv[0], argv.slice(1), {
    input, encoding: 'utf8', env, timeout: COMMAND_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 1 << 26,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

class Soak {
  private readonly rng: Rng;
  private readonly universe: Universe;
  private model: TableModel = { services: new Map(), timeouts: { tcp: 0, tcpFin: 0, udp: 0 } };
  private readonly rssFile: string;
  private readonly stopFile: string;
  private readonly listingsFile: string;
  private readonly oursCommand: string[];
  private readonly oursEnv: NodeJS.ProcessEnv;
  readonly changes: Record<string, number> = {};
  readonly timeline: StepRecord[] = [];
  ourRuns = 0;
  /** Lines of the model compared with the real ipvsadm's -S -n, over the run. */
  verifiedLines = 0;

  constructor(private readonly o: SoakOptions) {
    this.rng = new Rng(o.seed);
    this.universe = makeUniverse(this.rng, o.traffic);
    this.rssFile = path.join(o.scratch, 'rss');
    this.stopFile = path.join(o.scratch, 'listings.stop');
    this.listingsFile = path.join(o.scratch, 'listings.json');
    this.oursCommand = [process.execPath, '--require', PROBE, OURS];
    this.oursEnv = { ...process.env, IPVSADM_ARGV0: 'ipvsadm', SOAK_RSS_FILE: this.rssFile };
  }

  private ours(args: readonly string[], input?: string): Ran {
    this.ourRuns++;
    return runCommand([...this.oursCommand, ...args], input, this.oursEnv);
  }

  private count(kind: string, n = 1): void {
    this.changes[kind] = (this.changes[kind] ?? 0) + n;
  }

  trafficState(m: TableModel = this.model): TrafficState {
    const t = this.o.traffic;
    const s = t && m.services.get(t.id);
    if (!s) return null;
    return Object.fromEntries([...s.servers.values()].map((d) => [targetOf(d.address, d.port), d.weight]));
  }

  /** An empty table with the default timeouts, and the traffic service when there is one. */
  start(): string | undefined {
    const t = this.o.traffic;
    const setup = ['-C', '--set 900 120 300', ...(t ? [`-A ${t.id} -s rr`, ...t.servers.map((a) => `-a ${t.id} -r ${targetOf(a, t.port)} -m -w 1`)] : [])];
    const startMs = Date.now();
    const r = runCommand([REAL_IPVSADM, '-R'], `${setup.join('\n')}\n`);
    if (r.status !== 0 || r.stderr !== '') return `setting up the table with ${REAL_IPVSADM} -R: ${describeRan(r)}`;
    this.model.timeouts = { tcp: 900, tcpFin: 120, udp: 300 };
    if (t) {
      applyClassic(this.model, { kind: '-A', id: t.id, options: { scheduler: 'rr', onePacket: false, schedFlags: [] } }, this.universe);
      for (const a of t.servers) {
        applyClassic(this.model, { kind: '-a', id: t.id, server: { address: a, port: t.port, method: 'm', weight: 1, upper: 0, lower: 0 } }, this.universe);
      }
    }
    // Step 0: the flush takes away whatever the table had.
    this.timeline.push({ step: 0, startMs, endMs: Date.now(), states: [null, this.trafficState()] });
    return this.verify();
  }

  startListings(): void {
    const child = spawn(process.execPath, [LISTER, ...this.oursCommand, '--', this.stopFile, this.listingsFile], {
      stdio: 'ignore', env: this.oursEnv, detached: false,
    });
    child.unref();
  }

  /** The listings' failure, once they have stopped on one. */
  listingsFailure(): ListingFailure | undefined {
    if (!fs.existsSync(this.listingsFile)) return undefined;
    return (JSON.parse(fs.readFileSync(this.listingsFile, 'utf8')) as { failure?: ListingFailure }).failure;
  }

  /** Stops the listings and reads their counts (bounded wait). */
  async stopListings(): Promise<{ counts: ListingCounts; failure?: ListingFailure }> {
    fs.writeFileSync(this.stopFile, '');
    const end = Date.now() + COMMAND_TIMEOUT_MS + 10_000;
    while (!fs.existsSync(this.listingsFile)) {
      if (Date.now() > end) throw new Error('the listings did not stop');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return JSON.parse(fs.readFileSync(this.listingsFile, 'utf8')) as { counts: ListingCounts; failure?: ListingFailure };
  }

  peakRssKb(): number | undefined {
    if (!fs.existsSync(this.rssFile)) return undefined;
    const values = fs.readFileSync(this.rssFile, 'utf8').split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
    return values.length ? Math.max(...values) : undefined;
  }

  /** The kernel's table against the model: what is wrong, or undefined. */
  verify(): string | undefined {
    return this.verifySave() ?? this.verifyTimeouts() ?? this.verifyJson();
  }

  private verifySave(): string | undefined {
    const save = runCommand([REAL_IPVSADM, '-S', '-n'], undefined);
    if (save.status !== 0 || save.stderr !== '') return `${REAL_IPVSADM} -S -n failed: ${describeRan(save)}`;
    const expected = modelLines(this.model.services.values(), false);
    this.verifiedLines += expected.length;
    const differences = lineDifferences(save.stdout.split('\n'), expected);
    return differences.length ? `${REAL_IPVSADM} -S -n differs from the model:\n${differences.join('\n')}` : undefined;
  }

  private verifyTimeouts(): string | undefined {
    const timeouts = runCommand([REAL_IPVSADM, '-L', '--timeout'], undefined);
    const read = parseTimeouts(timeouts.stdout);
    const want = this.model.timeouts;
    if (read === undefined || read.tcp !== want.tcp || read.tcpFin !== want.tcpFin || read.udp !== want.udp) {
      return `${REAL_IPVSADM} -L --timeout differs from the model (${want.tcp} ${want.tcpFin} ${want.udp}): ${describeRan(timeouts)}`;
    }
    return undefined;
  }

  private verifyJson(): string | undefined {
    const json = this.ours(['-L', '-n', '--json']);
    if (json.status !== 0 || json.stderr !== '') return `our -L -n --json failed: ${describeRan(json)}`;
    let lines: string[];
    try {
      lines = linesOfJsonListing(json.stdout);
    } catch (e) {
      return `our -L -n --json is not a listing (${(e as Error).message}):\n${json.stdout}`;
    }
    const differences = lineDifferences(lines, modelLines(this.model.services.values(), true));
    return differences.length ? `our -L -n --json differs from the model (thresholds added as -x/-y):\n${differences.join('\n')}` : undefined;
  }

  /**
   * The control: a server added behind the model's back (by the real
   * ipvsadm) must show as a difference in both readings. Undefined when it
   * does; the table is put back either way.
   */
  control(): string | undefined {
    const service = '-t 10.255.0.1:80';
    const add = runCommand([REAL_IPVSADM, '-R'], `-A ${service} -s rr\n-a ${service} -r 10.255.0.2:80 -m -w 1 -x 7 -y 3\n`);
    if (add.status !== 0) return `the control could not change the table: ${describeRan(add)}`;
    const bySave = this.verifySave() ?? '';
    const byJson = this.verifyJson() ?? '';
    runCommand([REAL_IPVSADM, '-D', ...service.split(' ')], undefined);
    const line = `-a ${service} -r 10.255.0.2:80 -m -w 1`;
    if (!bySave.split('\n').includes(`extra:   ${line}`)) return `the control: -S -n did not show the server added behind the model's back:\n${bySave}`;
    if (!byJson.split('\n').includes(`extra:   ${line} -x 7 -y 3`)) return `the control: our JSON listing did not show the server added behind the model's back:\n${byJson}`;
    return this.verify();
  }

  /** One random change through ours, carried out on the model; what went wrong, or undefined. */
  step(n: number): string | undefined {
    // The first steps take each way in once, so that a short run has them all.
    const roll = n <= FIRST_STEPS ? [0, 0.4, 0.9][n - 1] : this.rng.next();
    const startMs = Date.now();
    let states: TrafficState[];
    let problem: string | undefined;
    let what: string;
    if (roll < 0.3) {
      const a = randomApply(this.rng, this.model, this.universe);
      what = `apply${a.format === 'json' ? ' (json)' : ''}${a.scopes.map((w) => ` --only ${w}`).join('')}`;
      [problem, states] = this.applyStep(n, a);
    } else if (roll < 0.5) {
      const lines = randomRestore(this.rng, this.model, this.universe);
      what = `-R (${lines.map((c) => c.kind).join(' ')})`;
      [problem, states] = this.restoreStep(lines);
    } else {
      const c = randomClassic(this.rng, this.model, this.universe);
      what = c.kind;
      [problem, states] = this.classicStep(c);
    }
    const endMs = Date.now();
    this.timeline.push({ step: n, startMs, endMs, states });
    problem ??= this.verify();
    this.o.onStep?.(`step ${n}: ${what}: ${endMs - startMs} ms, checked in ${Date.now() - endMs} ms`);
    return problem;
  }

  private applyStep(n: number, a: ApplyChange): [string | undefined, TrafficState[]] {
    const text = a.format === 'json' ? rulesJson(a.desired) : rulesText(this.rng, a.desired);
    const file = path.join(this.o.scratch, `step-${n}.rules`);
    fs.writeFileSync(file, text);
    const args = applyWords(a, file);
    this.count('apply');
    if (a.scopes.length) this.count('apply --only');
    if (a.format === 'json') this.count('apply json');
    this.model = applyResult(this.model, a);
    const r = this.ours(args, a.stdin ? text : undefined);
    const shown = `ipvsadm ${args.join(' ')}${a.stdin ? ' (the file on stdin)' : ''}, the file:\n${text}`;
    if (r.status !== 0 || r.stdout !== '' || r.stderr !== '') return [`${shown}failed: ${describeRan(r)}`, [this.trafficState()]];
    fs.rmSync(file);
    return [undefined, [this.trafficState()]];
  }

  private restoreStep(lines: Classic[]): [string | undefined, TrafficState[]] {
    const text = lines.map((c) => `${classicWords(c).join(' ')}\n`).join('');
    this.count('-R');
    this.count('-R lines', lines.length);
    const states: TrafficState[] = [];
    for (const c of lines) {
      applyClassic(this.model, c, this.universe);
      states.push(this.trafficState());
    }
    const r = this.ours(['-R'], text);
    if (r.status !== 0 || r.stdout !== '' || r.stderr !== '') return [`ipvsadm -R of:\n${text}failed: ${describeRan(r)}`, states];
    return [undefined, states];
  }

  private classicStep(c: Classic): [string | undefined, TrafficState[]] {
    const words = classicWords(c);
    this.count(c.kind);
    applyClassic(this.model, c, this.universe);
    const r = this.ours(words);
    if (r.status !== 0 || r.stdout !== '' || r.stderr !== '') return [`ipvsadm ${words.join(' ')} failed: ${describeRan(r)}`, [this.trafficState()]];
    return [undefined, [this.trafficState()]];
  }
}

/** Runs the soak for o.durationMs (the step under way is finished, and the first three are made); never throws for a divergence. */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  fs.mkdirSync(o.scratch, { recursive: true });
  const started = Date.now();
  const soak = new Soak(o);
  const initial = soak.trafficState();
  let divergence = soak.start();
  soak.startListings();
  let steps = 0;
  let nextProgress = started + 60_000;
  try {
    // At least the first three steps, whatever the time: each takes one way in (see step()).
    while (divergence === undefined && (steps < FIRST_STEPS || Date.now() - started < o.durationMs)) {
      steps++;
      const problem = soak.step(steps);
      const listing = soak.listingsFailure();
      if (problem !== undefined) divergence = `step ${steps}: ${problem}`;
      else if (listing !== undefined) divergence = `during step ${steps}: ${describeListingFailure(listing)}`;
      if (Date.now() >= nextProgress) {
        nextProgress += 60_000;
        o.progress?.(`soak: ${Math.round((Date.now() - started) / 1000)} s, ${steps} steps, seed ${o.seed}`);
      }
    }
    if (divergence === undefined) divergence = soak.control();
  } catch (e) {
    await soak.stopListings().catch(() => undefined);
    throw e;
  }
  const listings = await soak.stopListings();
  if (divergence === undefined && listings.failure) {
    divergence = `at the end: ${describeListingFailure(listings.failure)}`;
  }
  return {
    seed: o.seed,
    steps,
    changes: soak.changes,
    listings: listings.counts,
    durationMs: Date.now() - started,
    peakRssKb: soak.peakRssKb(),
    ourRuns: soak.ourRuns + listings.counts.listings,
    verifiedLines: soak.verifiedLines,
    divergence,
    initial,
    timeline: soak.timeline,
  };
}

function describeListingFailure(f: ListingFailure): string {
  const command = f.kind === 'plain' ? '-L -n' : f.kind === 'stats' ? '-L -n --stats' : '-S -n';
  return `our ipvsadm ${command}, run alongside, failed: ${f.problem}\n` +
    `status ${f.status}${f.signal ? ` (${f.signal})` : ''}\n--- stdout:\n${f.stdout}--- stderr:\n${f.stderr}`;
}

const CHANGE_ORDER = ['apply', 'apply --only', 'apply json', '-R', '-R lines', '-A', '-E', '-D', '-a', '-e', '-d', '-C', '-Z', '--set'];

/** The one summary line. */
export function summaryLine(r: SoakResult): string {
  const changes = CHANGE_ORDER.filter((k) => r.changes[k] !== undefined).map((k) => `${k} ${r.changes[k]}`).join(', ');
  const l = r.listings;
  const rss = r.peakRssKb === undefined ? 'peak RSS of ours not measured' : `peak RSS of ours ${(r.peakRssKb / 1024).toFixed(1)} MB`;
  return `soak: seed ${r.seed}, ${r.steps} steps in ${(r.durationMs / 1000).toFixed(0)} s (${changes}); ` +
    `${l.listings} listings (-L -n ${l.byKind.plain}, --stats ${l.byKind.stats}, -S -n ${l.byKind.save}); ` +
    `${r.verifiedLines} table lines checked, ${r.ourRuns} runs of ours, ${rss}; ${r.divergence === undefined ? '0 divergences' : 'STOPPED on a divergence'}`;
}
