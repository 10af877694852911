/**
 * The LVS cluster in a box (issue 11) for the kernel tests: the network of
 * cluster/net.sh (client, router, bridge, one or two directors, three real
 * servers, every node a network namespace named with the test file's
 * prefix), and what a scenario does on it: rules written by this project's
 * ipvsadm in a director, requests from the client, shells on any node.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { inNetns, shellQuote, TRAFFIC } from './reload-lab';

const REPO = repoRoot(__dirname);
export const NET_SH = path.join(REPO, 'cluster', 'net.sh');
export const OURS = path.join(REPO, 'bin', 'ipvsadm');
export const REALSERVER = path.join(REPO, 'bin', 'ipvsadm-realserver');
export const CLIENT_PY = path.join(TRAFFIC, 'client.py');
export const TRAFFIC_HELD = path.join(TRAFFIC, 'held.py');

export const VIP = '10.0.0.100';
/** Real server N on the LAN (DR, TUN) and on the NAT side. */
export const lanAddress = (n: number): string => `10.0.0.1${n}`;
export const natAddress = (n: number): string => `10.2.0.1${n}`;
export const SERVERS = [1, 2, 3] as const;
/** Extra source addresses of the client, 172.16.0.20 to .35 (net.sh). */
export const clientSource = (i: number): string => `172.16.0.${20 + i}`;

export type Role = 'c' | 'r' | 'lan' | 'd1' | 'd2' | 's1' | 's2' | 's3';

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

export class Cluster {
  private up = false;

  constructor(readonly prefix: string, readonly dir: string, readonly directors: 1 | 2 = 1) {}

  ns(role: Role): string {
    return this.prefix + role;
  }

  start(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    this.up = true;
    const r = spawnSync('sh', [NET_SH, 'up', this.prefix, this.dir, String(this.directors), '900'], {
      encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL',
    });
    if (r.status !== 0 || r.stdout !== 'cluster up\n') {
      throw new Error(`net.sh up failed: status ${r.status} ${r.error?.message ?? ''}\n--- stdout:\n${r.stdout}--- stderr:\n${r.stderr}`);
    }
    this.warmUp();
  }

  /**
   * Until the client reaches every real server on the LAN (routed, no IPVS):
   * the first packets over fresh links wait for neighbours, and a scenario
   * must not count that as IPVS's doing. Bounded: 10 rounds.
   */
  private warmUp(): void {
    const ops = SERVERS.map((n) => `http ${lanAddress(n)} 80 1`).join(' ');
    const script = `for i in 1 2 3 4 5 6 7 8 9 10; do out=$(python3 ${shellQuote(CLIENT_PY)} ${ops}) || exit 2; case $out in *FAILED*) sleep 0.5 ;; *) exit 0 ;; esac; done; echo "$out"; exit 1`;
    const r = this.run('c', script);
    if (r.status !== 0) throw new Error(`the real servers are not reachable from the client: status ${r.status}\n${r.stdout}${r.stderr}`);
  }

  /** A shell script on one node, in the cluster's directory; its result, whatever it is. */
  run(role: Role, script: string, timeoutMs = 120_000): Ran {
    return inNetns(this.ns(role), script, { cwd: this.dir, timeoutMs });
  }

  /** A shell script on one node; its stdout; throws unless it succeeds. */
  sh(role: Role, script: string, timeoutMs = 120_000): string {
    const r = this.run(role, script, timeoutMs);
    if (r.status !== 0) throw new Error(`${this.ns(role)}: ${script}: status ${r.status}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /** This project's ipvsadm in a director, with `input` on its stdin. */
  ipvsadm(args: readonly string[], o: { role?: Role; input?: string } = {}): Ran {
    const r = spawnSync('nsenter', [`--net=/run/netns/${this.ns(o.role ?? 'd1')}`, '--', OURS, ...args], {
      input: o.input, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL',
    });
    if (r.error) throw new Error(`ipvsadm ${args.join(' ')}: ${r.error.message}`);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** ipvsadm ARGS in a director; its stdout; throws unless it succeeds quietly. */
  ipvsadmOk(args: readonly string[], o: { role?: Role; input?: string } = {}): string {
    const r = this.ipvsadm(args, o);
    if (r.status !== 0 || r.stderr !== '') throw new Error(`ipvsadm ${args.join(' ')}: status ${r.status}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /** A whole table in one run: `ipvsadm -R` of these lines (each run of node costs ~0.5 s in the lab). */
  rules(lines: readonly string[], role: Role = 'd1'): void {
    this.ipvsadmOk(['-R'], { role, input: lines.join('\n') + '\n' });
  }

  /** client.py OPS in the client; its summary lines. */
  client(ops: string, timeoutMs = 120_000): string[] {
    return this.sh('c', `python3 ${shellQuote(CLIENT_PY)} ${ops}`, timeoutMs).trimEnd().split('\n');
  }

  /** net.sh down, then checks nothing is left; never throws, so that it can run in a finally. */
  stop(): string[] {
    if (!this.up) return [];
    this.up = false;
    const problems: string[] = [];
    const r = spawnSync('sh', [NET_SH, 'down', this.prefix], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
    if (r.status !== 0 || r.stdout !== 'cluster down\n') problems.push(`net.sh down: status ${r.status}: ${r.stdout}${r.stderr}`);
    const left = (spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '')
      .split('\n').map((l) => l.split(' ')[0]).filter((n) => n.startsWith(this.prefix) && n !== '');
    if (left.length) problems.push(`namespaces left behind: ${left.join(' ')}`);
    return problems;
  }
}

/**
 * A cluster for the tests of one file: built before them in a scratch
 * directory of its own, taken down after them, nothing left behind.
 */
export function clusterForFile(prefix: string, timeoutMs: number, directors: 1 | 2 = 1): () => Cluster {
  let cluster: Cluster | undefined;
  let scratch = '';
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    cluster = new Cluster(prefix, scratch, directors);
    cluster.start();
  }, timeoutMs);
  afterAll(() => {
    const problems = cluster?.stop() ?? [];
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    expect(problems).toEqual([]);
  }, 60_000);
  return () => {
    if (cluster === undefined) throw new Error('the cluster is not up (used outside the tests)');
    return cluster;
  };
}

/** Who answered, from a client.py summary line: `... N answered (s1 3, s2 3)` -> { s1: 3, s2: 3 }. */
export function answeredBy(line: string): Record<string, number> {
  const m = /: (\d+) answered \(([^)]*)\)/.exec(line);
  if (!m) throw new Error(`not a client.py summary: ${line}`);
  const by: Record<string, number> = {};
  for (const part of m[2].split(', ').filter((p) => p !== '')) {
    const [name, n] = part.split(' ');
    by[name] = Number(n);
  }
  return by;
}
