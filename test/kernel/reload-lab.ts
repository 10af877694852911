/**
 * Helpers of the measured zero-downtime reload test (issue 8): a network
 * namespace of the test's own as the director, the traffic network of the
 * differential suite around it (test/differential/traffic/net.sh), a stream
 * of short requests from the client namespace (traffic/stream.py), and a
 * series of reloads run by one shell inside the director's namespace, timed
 * with the wall clock the stream's requests are timed with.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { interfaceSetupCommands } from '../../scripts/lab/environment';
import { repoRoot } from '../differential/catalog';
import { REAL_IPVSADM, sleep } from './apply-lab';

const REPO = repoRoot(__dirname);
export const TRAFFIC = path.join(REPO, 'test', 'differential', 'traffic');
const OURS = path.join(REPO, 'bin', 'ipvsadm');
const COMMAND_TIMEOUT_MS = 60_000;

interface Shell {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A command, bounded in time; throws when it cannot run at all. */
function run(argv: readonly string[], o: { cwd?: string; input?: string; timeoutMs?: number } = {}): Shell {
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: o.cwd,
    input: o.input,
    encoding: 'utf8',
    timeout: o.timeoutMs ?? COMMAND_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 1 << 26,
  });
  if (r.error) throw new Error(`${argv.join(' ')}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function must(argv: readonly string[], o: { cwd?: string; timeoutMs?: number } = {}): string {
  const r = run(argv, o);
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: status ${r.status}\n--- stdout:\n${r.stdout}--- stderr:\n${r.stderr}`);
  return r.stdout;
}

/**
 * One shell in the namespace `ns` (a namespace switch costs ~0.3 s in the
 * guest: few, long shells). Through nsenter, like the differential runner,
 * not `ip netns exec`: that one also enters a mount namespace of its own, in
 * which the namespaces net.sh adds would stay invisible to the test.
 */
export function inNetns(ns: string, script: string, o: { cwd?: string; timeoutMs?: number } = {}): Shell {
  return run(nsenter(ns, ['/bin/sh', '-c', script]), o);
}

function nsenter(ns: string, argv: readonly string[]): string[] {
  return ['nsenter', `--net=/run/netns/${ns}`, '--', ...argv];
}

export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Kills what still runs in a namespace (by process id), then deletes it; never throws. */
function removeNetns(name: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '';
  for (const pid of pids.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore', timeout: 10_000 });
}

/**
 * The director's namespace with the lab's lo and d0 (what the differential
 * runner gives a scenario), and the traffic network around it, built by
 * net.sh with `dir` as its working directory (it keeps its state there).
 */
export class TrafficNet {
  readonly director: string;
  readonly client: string;
  private up = false;

  constructor(readonly name: string, readonly dir: string) {
    this.director = name;
    this.client = `${name}-c`;
  }

  start(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    must(['ip', 'netns', 'add', this.director]);
    this.up = true;
    for (const cmd of interfaceSetupCommands(`ip -n ${this.director}`)) must(cmd.split(' '));
    const r = inNetns(this.director, `sh ${shellQuote(path.join(TRAFFIC, 'net.sh'))} up`, { cwd: this.dir });
    if (r.status !== 0 || r.stdout !== 'network up\n') {
      throw new Error(`net.sh up failed: status ${r.status}\n--- stdout:\n${r.stdout}--- stderr:\n${r.stderr}`);
    }
    this.warmUp();
  }

  /**
   * Until the client reaches every real server directly (routed by the
   * director, no IPVS), over IPv4 and IPv6: right after net.sh up, the first
   * packets on a fresh link can be lost while its neighbours are resolved,
   * which would pass for failures of the first reload. Bounded: 10 rounds.
   */
  private warmUp(): void {
    const requests = [1, 2, 3].flatMap((n) => [`http 192.168.2${n}.1 8080 1`, `http fd00:2${n}::1 8080 1`]).join(' ');
    const client = `python3 ${shellQuote(path.join(TRAFFIC, 'client.py'))} ${requests}`;
    const script = `for i in 1 2 3 4 5 6 7 8 9 10; do out=$(${client}) || exit 2; case $out in *FAILED*) sleep 0.5 ;; *) exit 0 ;; esac; done; echo "$out"; exit 1`;
    const r = inNetns(this.client, script, { cwd: this.dir });
    if (r.status !== 0) throw new Error(`the real servers are not reachable from the client: status ${r.status}\n${r.stdout}${r.stderr}`);
  }

  /** net.sh down, then whatever is left; never throws, so that it can run in a finally. */
  stop(): string[] {
    const problems: string[] = [];
    if (!this.up) return problems;
    try {
      const r = inNetns(this.director, `sh ${shellQuote(path.join(TRAFFIC, 'net.sh'))} down`, { cwd: this.dir, timeoutMs: 30_000 });
      if (r.status !== 0) problems.push(`net.sh down: status ${r.status}: ${r.stdout}${r.stderr}`);
    } catch (e) {
      problems.push(`net.sh down: ${(e as Error).message}`);
    }
    // net.sh down deletes these; after a failed up some may be left.
    const all = [this.client, `${this.name}-s1`, `${this.name}-s2`, `${this.name}-s3`, this.director];
    for (const ns of all) removeNetns(ns);
    this.up = false;
    const left = (spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '')
      .split('\n').map((l) => l.split(' ')[0]).filter((n) => all.includes(n));
    if (left.length) problems.push(`namespaces left behind: ${left.join(' ')}`);
    return problems;
  }
}

/**
 * A traffic network for the tests of one file: built before them in a
 * scratch directory of its own, taken down after them, and nothing may be
 * left behind. The network is there once the file's beforeAll has run.
 */
export function trafficNetForFile(prefix: string, timeoutMs: number): { net(): TrafficNet } {
  let net: TrafficNet | undefined;
  let scratch = '';
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    net = new TrafficNet(`${prefix}${process.pid}`, path.join(scratch, 'net'));
    net.start();
  }, timeoutMs);
  afterAll(() => {
    const problems = net?.stop() ?? [];
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    expect(problems).toEqual([]);
  });
  return {
    net: () => {
      if (net === undefined) throw new Error('the traffic network is not up (used outside the tests)');
      return net;
    },
  };
}

/** A shell in one of the network's namespaces (the director's by default), in its directory; throws unless it succeeds. */
export function shInNet(net: TrafficNet, script: string, ns = net.director): string {
  const r = inNetns(ns, script, { cwd: net.dir, timeoutMs: 120_000 });
  if (r.status !== 0) throw new Error(`${script}: status ${r.status}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

// ---------------------------------------------------------------- the stream

export interface StreamTarget {
  kind: 'http' | 'udp';
  address: string;
  port: number;
}

/** [start_ms, end_ms, target index, server name or '!' + failure kind (+ '@connect'), source port] */
export type StreamEvent = [number, number, number, string, number];

export interface StreamReport {
  sent: number;
  answered: number;
  failed: number;
  failures: Record<string, number>;
  targets: { target: string; sent: number; answered: number; failed: number; servers: Record<string, number> }[];
  workers: number;
  ports_reused: boolean;
  all_workers_stopped: boolean;
  events: StreamEvent[];
}

export class Stream {
  private child: ChildProcess;
  private exit: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  private readonly stopFile: string;
  private readonly readyFile: string;
  private readonly outFile: string;

  /** From `net.client` (a namespace), its files in `net.dir`: a TrafficNet, or any network like it. */
  constructor(
    net: { client: string; dir: string },
    targets: readonly StreamTarget[],
    o: { workers: number; rate: number; timeoutS: number; maxSeconds: number },
  ) {
    this.stopFile = path.join(net.dir, 'stream.stop');
    this.readyFile = path.join(net.dir, 'stream.ready');
    this.outFile = path.join(net.dir, 'stream.json');
    for (const f of [this.stopFile, this.readyFile, this.outFile]) fs.rmSync(f, { force: true });
    const [program, ...args] = nsenter(net.client, [
      'python3', path.join(TRAFFIC, 'stream.py'),
      '--stop', this.stopFile, '--ready', this.readyFile, '--out', this.outFile,
      '--workers', String(o.workers), '--rate', String(o.rate), '--timeout', String(o.timeoutS), '--max-seconds', String(o.maxSeconds),
      ...targets.flatMap((t) => [t.kind, t.address, String(t.port)]),
    ]);
    this.child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    this.exit = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
    });
    this.exit.catch(() => undefined); // observed in stop()
  }

  private exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Until the workers run (bounded). */
  async ready(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!fs.existsSync(this.readyFile)) {
      if (this.exited()) {
        const r = await this.exit;
        throw new Error(`stream.py ended before it was ready: status ${r.status}\n${r.stdout}${r.stderr}`);
      }
      if (Date.now() > end) throw new Error(`stream.py not ready within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /** Tells it to stop and reads its report; kills it when it does not end in time. */
  async stop(timeoutMs: number): Promise<StreamReport> {
    fs.writeFileSync(this.stopFile, '');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      const r = await this.exit;
      if (r.status !== 0 || !fs.existsSync(this.outFile)) {
        throw new Error(`stream.py: status ${r.status}${r.signal ? ` (${r.signal})` : ''}\n--- stdout:\n${r.stdout}--- stderr:\n${r.stderr}`);
      }
    } finally {
      clearTimeout(timer);
    }
    return JSON.parse(fs.readFileSync(this.outFile, 'utf8')) as StreamReport;
  }

  /** For a finally: makes sure the process is gone. */
  kill(): void {
    if (!this.exited()) this.child.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------- reloads

export type ReloadMethod = 'apply' | 'flush+restore';

export interface Reload {
  file: string;
  status: number;
  startMs: number;
  endMs: number;
  /** What the command printed (apply prints nothing when it succeeds). */
  output: string;
  /** `ipvsadm -S -n` (the real one) right after the reload. */
  save: string;
  /** The TCP connections not yet closed (`ipvsadm -L -c -n`) right after it, as connectionTable gives them. */
  open: Map<string, { server: string; state: string }>;
}

const MARK = '@@ reload-lab @@';

/**
 * One shell in the director's namespace doing the reloads one after the
 * other, each timed with `date +%s%3N` (the clock of the stream's requests),
 * followed by a save and a look at the open TCP connections with the real
 * ipvsadm, and a pause of `gapS` seconds.
 * `apply` is our `ipvsadm apply FILE`; `flush+restore` is what operators did
 * before it: `ipvsadm -C; ipvsadm -R < FILE` with the real ipvsadm.
 */
export function reloadSeries(net: TrafficNet, method: ReloadMethod, files: readonly string[], gapS: number): Reload[] {
  const command = (file: string) => method === 'apply'
    ? `${shellQuote(process.execPath)} ${shellQuote(OURS)} apply ${shellQuote(file)}`
    : `${REAL_IPVSADM} -C; ${REAL_IPVSADM} -R < ${shellQuote(file)}`;
  const script: string[] = [];
  files.forEach((file, k) => {
    script.push(
      `t0=$(date +%s%3N); out=$( { ${command(file)}; } 2>&1 ); rc=$?; t1=$(date +%s%3N)`,
      `echo "$rc $t0 $t1"; echo '${MARK}'; printf '%s\\n' "$out"; echo '${MARK}'`,
      `${REAL_IPVSADM} -S -n; echo '${MARK}'`,
      `${REAL_IPVSADM} -L -c -n | awk '$1 == "TCP" && $3 != "TIME_WAIT" && $3 != "CLOSE"'; echo '${MARK}'`,
      ...(k < files.length - 1 ? [`sleep ${gapS}`] : []),
    );
  });
  const budget = files.length * (gapS * 1000 + 20_000);
  const r = inNetns(net.director, script.join('\n'), { cwd: net.dir, timeoutMs: budget });
  if (r.status !== 0 || r.stderr !== '') throw new Error(`reload series (${method}): status ${r.status}\n--- stderr:\n${r.stderr}`);
  const parts = r.stdout.split(`${MARK}\n`);
  if (parts.length !== 4 * files.length + 1 || parts[parts.length - 1] !== '') {
    throw new Error(`reload series (${method}): unexpected output:\n${r.stdout}`);
  }
  return files.map((file, k) => {
    const [record, output, save, open] = parts.slice(4 * k, 4 * k + 4);
    const [, status, t0, t1] = /^(\d+) (\d+) (\d+)\n$/.exec(record) ?? [];
    if (status === undefined) throw new Error(`reload series (${method}): bad record ${JSON.stringify(record)}`);
    return { file, status: Number(status), startMs: Number(t0), endMs: Number(t1), output: output.slice(0, -1), save, open: parseConnections(open) };
  });
}

/** The save the real ipvsadm gives after restoring each file on an empty table (in the director's namespace). */
export function expectedSaves(net: TrafficNet, files: readonly string[]): string[] {
  const script = files.map((f) => `${REAL_IPVSADM} -C && ${REAL_IPVSADM} -R < ${shellQuote(f)} && ${REAL_IPVSADM} -S -n && echo '${MARK}'`);
  const r = inNetns(net.director, `set -e\n${script.join('\n')}`, { cwd: net.dir });
  const parts = r.stdout.split(`${MARK}\n`);
  if (r.status !== 0 || r.stderr !== '' || parts.length !== files.length + 1) {
    throw new Error(`restoring the rules files with the real ipvsadm: status ${r.status}\n${r.stdout}${r.stderr}`);
  }
  return parts.slice(0, files.length);
}

/**
 * The IPVS connection table of the director (the real `ipvsadm -L -c -n`):
 * `TCP:PORT` or `UDP:PORT` of the client's side (every request of a stream
 * has a source port of its own) to the real server's `address:port` and the
 * connection's state.
 */
export function connectionTable(net: TrafficNet): Map<string, { server: string; state: string }> {
  const r = inNetns(net.director, `${REAL_IPVSADM} -L -c -n`, { cwd: net.dir });
  if (r.status !== 0 || r.stderr !== '') throw new Error(`${REAL_IPVSADM} -L -c -n: status ${r.status}\n${r.stderr}`);
  return parseConnections(r.stdout);
}

function parseConnections(listing: string): Map<string, { server: string; state: string }> {
  const table = new Map<string, { server: string; state: string }>();
  for (const line of listing.split('\n')) {
    const m = /^(TCP|UDP)\s+\S+\s+(\S+)\s+\S+:(\d+)\s+\S+\s+(\S+)$/.exec(line);
    if (m) table.set(`${m[1]}:${m[3]}`, { server: m[4], state: m[2] });
  }
  return table;
}
