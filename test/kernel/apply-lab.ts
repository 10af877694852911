/**
 * Helpers of the `ipvsadm apply` / `ipvsadm diff` kernel tests (issue 8).
 * Our program runs black-box from bin/ (the bundle: npm run build); the real
 * /usr/sbin/ipvsadm is the oracle for the table: it builds the tables the
 * tests start from and, restoring a rules file on an empty table, says what
 * an apply of that file must leave behind.
 *
 * Rules are written here in the numeric form `ipvsadm -S -n` prints, and
 * read back (parseRules) into services with their identity, so that a test
 * can tell which services a `--only` scope covers.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { seededRandom } from '../../bench/change';
import { repoRoot } from '../differential/catalog';

export const REAL_IPVSADM = '/usr/sbin/ipvsadm';
const OURS = path.join(repoRoot(__dirname), 'bin', 'ipvsadm');
const MAX_BUFFER = 1 << 28;
const PROCESS_TIMEOUT_MS = 90_000;

export interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function describeRan(what: string, r: Ran): string {
  return `${what}: status ${r.status}${r.signal ? ` (${r.signal})` : ''}\n--- stdout:\n${r.stdout}--- stderr:\n${r.stderr}`;
}

/** The real ipvsadm. */
export function real(args: readonly string[], input?: string): Ran {
  const r = spawnSync(REAL_IPVSADM, args, { input, encoding: 'utf8', maxBuffer: MAX_BUFFER, timeout: PROCESS_TIMEOUT_MS });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The real ipvsadm, which must succeed silently on stderr (-R exits 0 even when lines fail). */
export function realOk(args: readonly string[], input?: string): string {
  const r = real(args, input);
  if (r.status !== 0 || r.stderr !== '') {
    throw new Error(describeRan(`${REAL_IPVSADM} ${args.join(' ')}${input === undefined ? '' : ` with stdin:\n${input}`}`, r));
  }
  return r.stdout;
}

export function flush(): void {
  realOk(['-C']);
}

/**
 * The table as the real ipvsadm shows it: `-S -n`, and the thresholds, which
 * a save leaves out but a rules file sets (`-a ... -x N -y M`).
 */
export interface Snapshot {
  save: string;
  thresholds: string;
}

export function snapshot(): Snapshot {
  return { save: realOk(['-S', '-n']), thresholds: realOk(['-L', '-n', '--thresholds']) };
}

const SNAPSHOT_END = '@@ apply-lab snapshot @@';

/**
 * For each rules text in turn: flushes, restores it with the real ipvsadm and
 * takes a snapshot; the kernel is left holding the last. One shell for all of
 * them: a process start from node costs much more than one from sh in the lab.
 */
export function buildSeries(rulesTexts: readonly string[]): Snapshot[] {
  const script = ['set -e', `i=${REAL_IPVSADM}`];
  rulesTexts.forEach((rules, n) => {
    if (rules.includes('RULES_')) throw new Error('rules text contains the here-document tag');
    script.push(
      '$i -C',
      ...(rules === '' ? ['$i -R </dev/null'] : [`$i -R <<'RULES_${n}'`, rules.replace(/\n$/, ''), `RULES_${n}`]),
      '$i -S -n', `echo '${SNAPSHOT_END}'`, '$i -L -n --thresholds', `echo '${SNAPSHOT_END}'`,
    );
  });
  const r = spawnSync('/bin/sh', ['-c', script.join('\n')], { encoding: 'utf8', maxBuffer: MAX_BUFFER, timeout: PROCESS_TIMEOUT_MS });
  if (r.error) throw r.error;
  const parts = r.stdout.split(`${SNAPSHOT_END}\n`);
  if (r.status !== 0 || r.stderr !== '' || parts.length !== 2 * rulesTexts.length + 1) {
    throw new Error(describeRan(`the real ipvsadm restoring:\n${rulesTexts.join('--- then:\n')}`, { ...r, signal: r.signal }));
  }
  return rulesTexts.map((_, n) => ({ save: parts[2 * n], thresholds: parts[2 * n + 1] }));
}

/** Flushes, restores the rules with the real ipvsadm and returns what the kernel then holds. */
export function build(rules: string): Snapshot {
  return buildSeries([rules])[0];
}

export interface OursOptions {
  input?: string;
  cwd?: string;
  /** The whole environment (default: the test's, with IPVSADM_ARGV0=ipvsadm). */
  env?: NodeJS.ProcessEnv;
}

/** Our ipvsadm, from bin/, as an operator runs it. */
export function ours(args: readonly string[], o: OursOptions = {}): Ran {
  const r = spawnSync(process.execPath, [OURS, ...args], {
    input: o.input,
    cwd: o.cwd,
    stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: o.env ?? { ...process.env, IPVSADM_ARGV0: 'ipvsadm' },
    maxBuffer: MAX_BUFFER,
    timeout: PROCESS_TIMEOUT_MS,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export interface Running {
  child: ChildProcess;
  pid: number;
  started: number;
  /** True once the process has ended. */
  exited(): boolean;
  /** The outcome, with the milliseconds from start to end. */
  done: Promise<Ran & { ms: number }>;
}

/** Our ipvsadm in the background (the event loop stays free for polling the kernel). */
export function startOurs(args: readonly string[], o: OursOptions = {}): Running {
  const started = Date.now();
  const child = spawn(process.execPath, [OURS, ...args], {
    cwd: o.cwd,
    stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: o.env ?? { ...process.env, IPVSADM_ARGV0: 'ipvsadm' },
  });
  if (child.pid === undefined) throw new Error(`could not start ${OURS}`);
  let ended = false;
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  if (o.input !== undefined) child.stdin!.end(o.input);
  const done = new Promise<Ran & { ms: number }>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      ended = true;
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      ended = true;
      resolve({ status, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { child, pid: child.pid, started, exited: () => ended || child.exitCode !== null || child.signalCode !== null, done };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls until `condition` holds, or the process has ended, or time is up;
 * about every millisecond, so that a signal sent right after can still find
 * a batch in flight.
 */
export async function waitFor(condition: () => boolean, running: Running, timeoutMs: number): Promise<'condition' | 'exited' | 'timeout'> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return 'condition';
    if (running.exited()) return 'exited';
    if (Date.now() > end) return 'timeout';
    await sleep(1);
  }
}

/** The first 4 KB of /proc/net/ip_vs: enough to see whether an empty table has got a service. */
function procHead(): string {
  const fd = fs.openSync('/proc/net/ip_vs', 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('latin1', 0, n);
  } finally {
    fs.closeSync(fd);
  }
}

export function kernelHasServices(): boolean {
  return /\n(TCP|UDP|SCTP|FWM) /.test(procHead());
}

export function procTable(): string {
  return fs.readFileSync('/proc/net/ip_vs', 'latin1');
}

// ---------------------------------------------------------------- rules

export type ServiceKind = 'tcp' | 'udp' | 'sctp' | 'fwmark';

/** Who a service is, as a `--only` scope sees it. */
export interface ServiceIdentity {
  kind: ServiceKind;
  family: 4 | 6;
  /** The virtual address ('' for fwmark services). */
  address: string;
  port: number;
  fwmark: number;
}

export interface RuleServer {
  /** As after -r: `10.0.0.1:8080`, `[2001:db8::1]:80`, or an address alone. */
  target: string;
  /** Everything after the address: ` -m -w 1`. */
  options: string;
}

export interface RuleService {
  /** As after -A: `-t 10.0.0.1:80`, `-u [2001:db8::1]:53`, `-f 5 -6`. */
  id: string;
  identity: ServiceIdentity;
  /** Everything after the identity: ` -s rr -p 300`. */
  options: string;
  servers: RuleServer[];
}

const SERVICE_SWITCHES: Record<string, ServiceKind> = { '-t': 'tcp', '-u': 'udp', '--sctp-service': 'sctp' };

/** `10.0.0.1:80` or `[2001:db8::1]:80` (numeric only). */
function splitAddrPort(text: string): { address: string; port: number; family: 4 | 6 } {
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text);
  if (v6) return { address: v6[1], port: Number(v6[2]), family: 6 };
  const v4 = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(text);
  if (v4) return { address: v4[1], port: Number(v4[2]), family: 4 };
  throw new Error(`not a numeric address:port: ${text}`);
}

/** The identity at the start of `words` (after -A/-a/-E/...), and the words after it. */
export function parseServiceWords(words: readonly string[]): { id: string; identity: ServiceIdentity; rest: string[] } {
  const [switchWord, value, ...rest] = words;
  if (switchWord === '-f') {
    const fwmark = Number(value);
    if (!/^\d+$/.test(value ?? '')) throw new Error(`bad fwmark in ${words.join(' ')}`);
    const v6 = rest[0] === '-6';
    return {
      id: v6 ? `-f ${value} -6` : `-f ${value}`,
      identity: { kind: 'fwmark', family: v6 ? 6 : 4, address: '', port: 0, fwmark },
      rest: v6 ? rest.slice(1) : rest,
    };
  }
  const kind = SERVICE_SWITCHES[switchWord];
  if (kind === undefined || value === undefined) throw new Error(`no service in ${words.join(' ')}`);
  const { address, port, family } = splitAddrPort(value);
  return { id: `${switchWord} ${value}`, identity: { kind, family, address, port, fwmark: 0 }, rest };
}

/** Numeric `-A`/`-a` lines (what `-S -n` prints) as services with their servers, in file order. */
export function parseRules(text: string): RuleService[] {
  const services = new Map<string, RuleService>();
  for (const line of text.split('\n')) {
    if (/^\s*(#|$)/.test(line)) continue;
    const [command, ...words] = line.trim().split(/\s+/);
    const { id, identity, rest } = parseServiceWords(words);
    if (command === '-A') {
      if (services.has(id)) throw new Error(`service ${id} twice`);
      services.set(id, { id, identity, options: rest.length ? ` ${rest.join(' ')}` : '', servers: [] });
    } else if (command === '-a') {
      const service = services.get(id);
      if (!service || rest[0] !== '-r' || rest[1] === undefined) throw new Error(`bad server line: ${line}`);
      service.servers.push({ target: rest[1], options: rest.length > 2 ? ` ${rest.slice(2).join(' ')}` : '' });
    } else {
      throw new Error(`not a rules line: ${line}`);
    }
  }
  return [...services.values()];
}

export function renderRules(services: readonly RuleService[]): string {
  const lines: string[] = [];
  for (const s of services) {
    lines.push(`-A ${s.id}${s.options}`);
    for (const d of s.servers) lines.push(`-a ${s.id} -r ${d.target}${d.options}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** The same rules as an operator's file: comments, blank lines and indented comments in between. */
export function decorate(rules: string, rng: Rng): string {
  const out = ['# rules for ipvsadm apply'];
  for (const line of rules.split('\n').filter((l) => l !== '')) {
    if (rng.chance(0.15)) out.push('');
    if (rng.chance(0.1)) out.push(`${rng.pick(['', '  ', '\t'])}# ${rng.pick(['note', 'web tier', 'do not edit by hand'])}`);
    out.push(line);
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------- scopes

export type Scope =
  | { kind: 'fwmark'; from: number; to: number }
  | { kind: 'prefix'; family: 4 | 6; network: string; bits: number }
  | { kind: 'protocol'; protocol: 'tcp' | 'udp' | 'sctp' };

/** A `--only` word: `fwmark:5`, `fwmark:5-9`, `10.0.0.0/8`, `2001:db8::/64`, `10.0.0.1`, `tcp`. */
export function parseScope(word: string): Scope {
  const mark = /^fwmark:(\d+)(?:-(\d+))?$/.exec(word);
  if (mark) return { kind: 'fwmark', from: Number(mark[1]), to: Number(mark[2] ?? mark[1]) };
  if (word === 'tcp' || word === 'udp' || word === 'sctp') return { kind: 'protocol', protocol: word };
  const [network, bits] = word.split('/');
  const family = net.isIPv6(network) ? 6 : net.isIPv4(network) ? 4 : undefined;
  if (family === undefined) throw new Error(`not a scope: ${word}`);
  return { kind: 'prefix', family, network, bits: bits === undefined ? (family === 6 ? 128 : 32) : Number(bits) };
}

/**
 * Whether a scope covers a service, as an operator reads `--only`: fwmark
 * scopes cover firewall-mark services; address and protocol scopes cover
 * the services that have a virtual address and a protocol (-t, -u,
 * --sctp-service), never fwmark services.
 */
export function covers(scope: Scope, s: ServiceIdentity): boolean {
  if (scope.kind === 'fwmark') return s.kind === 'fwmark' && s.fwmark >= scope.from && s.fwmark <= scope.to;
  if (s.kind === 'fwmark') return false;
  if (scope.kind === 'protocol') return s.kind === scope.protocol;
  if (scope.family !== s.family) return false;
  const list = new net.BlockList();
  const type = scope.family === 6 ? 'ipv6' : 'ipv4';
  list.addSubnet(scope.network, scope.bits, type);
  return list.check(s.address, type);
}

export function inScope(scopes: readonly Scope[], s: ServiceIdentity): boolean {
  return scopes.length === 0 || scopes.some((scope) => covers(scope, s));
}

/** What an apply of `desired` limited to `scopes` must leave: the live services outside, the desired ones inside. */
export function scopedResult(live: readonly RuleService[], desired: readonly RuleService[], scopes: readonly Scope[]): RuleService[] {
  return [
    ...live.filter((s) => !inScope(scopes, s.identity)),
    ...desired.filter((s) => inScope(scopes, s.identity)),
  ];
}

/** The `-S -n` text of the services outside the scopes (each with its servers), in save order. */
export function saveOutside(save: string, scopes: readonly Scope[]): string {
  let keep = false;
  const out: string[] = [];
  for (const line of save.split('\n')) {
    if (line === '') continue;
    const [command, ...words] = line.split(' ');
    if (command === '-A') keep = !inScope(scopes, parseServiceWords(words).identity);
    if (keep) out.push(line);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

// ---------------------------------------------------------------- plans

export interface PlanLine {
  text: string;
  /** -A -E -D -a -e -d */
  command: string;
  /** The service as in -S -n: `-t 10.0.0.1:80`, `-f 3 -6`. */
  service: string;
  /** The server after -r, for -a/-e/-d. */
  server?: string;
}

/** A plan printed by diff or apply --dry-run, line by line. */
export function parsePlan(text: string): PlanLine[] {
  return text.split('\n').filter((l) => l !== '').map((line) => {
    const [command, ...words] = line.split(' ');
    if (!/^-[AEDaed]$/.test(command)) throw new Error(`not a plan line: ${line}`);
    const { id, rest } = parseServiceWords(words);
    const r = rest.indexOf('-r');
    return { text: line, command, service: id, server: r >= 0 ? rest[r + 1] : undefined };
  });
}

/** What is wrong with the order of a plan: adds and edits first (services before their servers), deletes last (servers before services). */
export function planOrderProblems(plan: readonly PlanLine[]): string[] {
  const problems: string[] = [];
  const isDelete = (p: PlanLine) => p.command === '-D' || p.command === '-d';
  const firstDelete = plan.findIndex(isDelete);
  if (firstDelete >= 0) {
    plan.slice(firstDelete).filter((p) => !isDelete(p)).forEach((p) => problems.push(`after a delete: ${p.text}`));
  }
  plan.forEach((p, i) => {
    if (p.command === '-a' || p.command === '-e') {
      const own = plan.findIndex((q) => (q.command === '-A' || q.command === '-E') && q.service === p.service);
      if (own > i) problems.push(`before its service's line: ${p.text}`);
    }
    if (p.command === '-d') {
      const own = plan.findIndex((q) => q.command === '-D' && q.service === p.service);
      if (own >= 0 && own < i) problems.push(`after its service's delete: ${p.text}`);
    }
  });
  return problems;
}

// ---------------------------------------------------------------- random tables

/** The bench's seeded generator (mulberry32), with the choices the random tables need. */
export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  /** lo..hi, both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
  sample<T>(items: readonly T[], n: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < n && pool.length > 0) out.push(pool.splice(this.int(0, pool.length - 1), 1)[0]);
    return out;
  }
}

const SCHEDULERS = ['rr', 'wrr', 'wlc', 'sh', 'mh'] as const;

function randomIdentity(rng: Rng): { id: string; identity: ServiceIdentity } {
  const kind = rng.pick<ServiceKind>(['tcp', 'tcp', 'udp', 'udp', 'fwmark', 'fwmark', 'sctp']);
  const family: 4 | 6 = rng.chance(0.35) ? 6 : 4;
  if (kind === 'fwmark') {
    const fwmark = rng.int(1, 12);
    return parseServiceWords(family === 6 ? ['-f', String(fwmark), '-6'] : ['-f', String(fwmark)]);
  }
  const address = family === 6 ? `2001:db8:${rng.int(1, 2)}::${rng.int(1, 4)}` : `10.${rng.int(1, 3)}.${rng.int(0, 1)}.${rng.int(1, 4)}`;
  const port = rng.pick([80, 443, 53, 8080]);
  const switchWord = { tcp: '-t', udp: '-u', sctp: '--sctp-service' }[kind];
  return parseServiceWords([switchWord, family === 6 ? `[${address}]:${port}` : `${address}:${port}`]);
}

function randomServiceOptions(rng: Rng, s: ServiceIdentity): string {
  const scheduler = rng.pick(SCHEDULERS);
  let options = ` -s ${scheduler}`;
  if (rng.chance(0.3)) {
    options += ` -p ${rng.pick([60, 300, 3600])}`;
    if (rng.chance(0.5)) options += s.family === 6 ? ' -M 64' : ' -M 255.255.255.0';
  }
  if (s.kind === 'udp' && rng.chance(0.3)) options += ' -o';
  if (scheduler === 'sh' && rng.chance(0.5)) options += ` -b ${rng.pick(['sh-fallback', 'sh-port', 'sh-fallback,sh-port'])}`;
  if (scheduler === 'mh' && rng.chance(0.5)) options += ` -b ${rng.pick(['mh-fallback', 'mh-port'])}`;
  return options;
}

function randomServerAddress(rng: Rng, family: 4 | 6): string {
  return family === 6 ? `2001:db8:50::${rng.int(1, 12).toString(16)}` : `10.50.${rng.int(0, 1)}.${rng.int(1, 6)}`;
}

/** Options of a server at `address` (its port, if any, is part of the target). */
function randomServer(rng: Rng, family: 4 | 6, address: string): RuleServer {
  const method = rng.pick(['-m', '-g', '-i']);
  // Masquerading keeps the server's own port; direct routing and tunnels use the service's.
  const target = method !== '-m' ? address : family === 6 ? `[${address}]:${rng.pick([8080, 8081])}` : `${address}:${rng.pick([8080, 8081])}`;
  let options = ` ${method} -w ${rng.int(0, 10)}`;
  if (method === '-i' && rng.chance(0.5)) {
    options += ` --tun-type gue --tun-port ${rng.pick([6080, 6081])} ${rng.pick(['--tun-csum', '--tun-nocsum', '--tun-remcsum'])}`;
  } else if (method === '-i' && rng.chance(0.3)) {
    options += ' --tun-type ipip';
  }
  if (rng.chance(0.2)) options += ` -x ${rng.pick([100, 200])} -y ${rng.pick([0, 50])}`;
  return { target, options };
}

function serverAddressOf(d: RuleServer): string {
  return d.target.replace(/^\[(.*)\]:\d+$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
}

function randomServers(rng: Rng, family: 4 | 6, count: number, taken: Set<string> = new Set()): RuleServer[] {
  const out: RuleServer[] = [];
  for (let tries = 0; out.length < count && tries < 50; tries++) {
    const address = randomServerAddress(rng, family);
    if (taken.has(address)) continue;
    taken.add(address);
    out.push(randomServer(rng, family, address));
  }
  return out;
}

/**
 * Two random tables over the same few service identities, so that a change
 * from one to the other has adds, edits, deletes and untouched services and
 * servers: 1-8 services of 0-5 servers each.
 */
export function randomTablePair(rng: Rng): { a: RuleService[]; b: RuleService[] } {
  const universe = new Map<string, ServiceIdentity>();
  while (universe.size < 10) {
    const { id, identity } = randomIdentity(rng);
    universe.set(id, identity);
  }
  const ids = [...universe.keys()];
  const fresh = (id: string): RuleService => {
    const identity = universe.get(id)!;
    return { id, identity, options: randomServiceOptions(rng, identity), servers: randomServers(rng, identity.family, rng.int(0, 5)) };
  };
  const a = rng.sample(ids, rng.int(1, 8)).map(fresh);
  const b = rng.sample(ids, rng.int(1, 8)).map((id): RuleService => {
    const old = a.find((s) => s.id === id);
    if (old === undefined) return fresh(id);
    if (rng.chance(0.3)) return { ...old, servers: [...old.servers] };
    const options = rng.chance(0.5) ? old.options : randomServiceOptions(rng, old.identity);
    const servers: RuleServer[] = [];
    for (const d of old.servers) {
      const roll = rng.next();
      if (roll < 0.5) servers.push(d);
      else if (roll < 0.75) servers.push(randomServer(rng, old.identity.family, serverAddressOf(d)));
    }
    const taken = new Set(old.servers.map(serverAddressOf));
    servers.push(...randomServers(rng, old.identity.family, Math.min(rng.int(0, 2), 5 - servers.length), taken));
    return { ...old, options, servers };
  });
  return { a, b };
}

/** 1-2 `--only` words that cover some of the services of these tables. */
export function randomScopes(rng: Rng, services: readonly RuleService[]): string[] {
  const words = new Set<string>();
  const count = rng.int(1, 2);
  while (words.size < count) {
    const kind = rng.int(0, 4);
    if (kind === 0) {
      const from = rng.int(1, 12);
      words.add(rng.chance(0.3) ? `fwmark:${from}` : `fwmark:${from}-${Math.min(from + rng.int(1, 6), 12)}`);
    } else if (kind === 1) {
      words.add(rng.pick(['10.1.0.0/16', '10.2.0.0/16', '10.1.0.0/24', '10.3.1.0/24', '10.0.0.0/14']));
    } else if (kind === 2) {
      words.add(rng.pick(['2001:db8:1::/48', '2001:db8:2::/48', '2001:db8::/32']));
    } else if (kind === 3) {
      const withAddress = services.filter((s) => s.identity.kind !== 'fwmark');
      if (withAddress.length) words.add(rng.pick(withAddress).identity.address);
    } else {
      words.add(rng.pick(['tcp', 'udp', 'sctp']));
    }
  }
  return [...words];
}
