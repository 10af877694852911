/**
 * The soak's random valid changes (issue 12, load), each one an object the
 * model carries out and a text our ipvsadm is given: the classic commands
 * (-A -E -D -a -e -d -C -Z --set), alone or as an -R stream, and whole
 * tables for `apply`, as rules files (-S -n lines, with comments; or JSON)
 * and with `--only` scopes.
 *
 * The fuzzers' generators (test/fuzz/rules.ts) make mostly invalid lines,
 * and apply-lab's random tables cannot start from a given table, so the
 * changes are made here; apply-lab's Rng and scopes are reused.
 */
import {
  Rng, RuleService, ServiceIdentity, covers, parseScope, parseServiceWords, randomScopes,
} from '../kernel/apply-lab';
import {
  Method, ServerState, ServiceOptions, ServiceState, TableModel, Timeouts, cloneModel, cloneService,
  modelLines, serverOptionWords, serviceOptionWords, targetOf,
} from './model';

/**
 * A service whose requests the soak's traffic checks: its servers are drawn
 * from `servers` only (real servers that answer, NAT on `port`), its options
 * keep it schedulable by any client.
 */
export interface TrafficService {
  id: string;
  servers: readonly string[];
  port: number;
}

/** The service identities a run draws from, fixed by its seed. */
export interface Universe {
  ids: string[];
  identities: Map<string, ServiceIdentity>;
  traffic?: TrafficService;
}

export type Classic =
  | { kind: '-A' | '-E'; id: string; options: ServiceOptions }
  | { kind: '-D'; id: string }
  | { kind: '-a' | '-e'; id: string; server: ServerState }
  | { kind: '-d'; id: string; address: string; port: number }
  | { kind: '-C' }
  | { kind: '-Z'; id?: string }
  | { kind: '--set'; timeouts: Timeouts };

const SERVICE_COUNT = 14;
const MAX_SERVERS = 6;
const SCHEDULERS = ['rr', 'wrr', 'wlc', 'sh', 'mh'] as const;
const TRAFFIC_SCHEDULERS = ['rr', 'wrr', 'wlc'] as const;

function randomIdentityWords(rng: Rng): string[] {
  const kind = rng.pick(['-t', '-t', '-u', '-u', '-f', '-f', '--sctp-service']);
  const v6 = rng.chance(0.35);
  if (kind === '-f') return v6 ? ['-f', String(rng.int(1, 12)), '-6'] : ['-f', String(rng.int(1, 12))];
  const port = rng.pick([80, 443, 53, 8080]);
  const address = v6 ? `[2001:db8:${rng.int(1, 2)}::${rng.int(1, 4)}]` : `10.${rng.int(1, 3)}.${rng.int(0, 1)}.${rng.int(1, 4)}`;
  return [kind, `${address}:${port}`];
}

export function makeUniverse(rng: Rng, traffic?: TrafficService): Universe {
  const identities = new Map<string, ServiceIdentity>();
  if (traffic) identities.set(traffic.id, parseServiceWords(traffic.id.split(' ')).identity);
  while (identities.size < SERVICE_COUNT + (traffic ? 1 : 0)) {
    const { id, identity } = parseServiceWords(randomIdentityWords(rng));
    identities.set(id, identity);
  }
  return { ids: [...identities.keys()], identities, traffic };
}

function isTraffic(u: Universe, id: string): boolean {
  return u.traffic?.id === id;
}

// ---------------------------------------------------------------- services and servers

function randomServiceOptions(rng: Rng, u: Universe, id: string): ServiceOptions {
  const identity = u.identities.get(id)!;
  if (isTraffic(u, id)) return { scheduler: rng.pick(TRAFFIC_SCHEDULERS), onePacket: false, schedFlags: [] };
  const scheduler = rng.pick(SCHEDULERS);
  const options: ServiceOptions = { scheduler, onePacket: false, schedFlags: [] };
  if (rng.chance(0.3)) {
    options.persistence = { timeout: rng.pick([60, 300, 3600]) };
    if (rng.chance(0.5)) options.persistence.mask = identity.family === 6 ? '64' : '255.255.255.0';
  }
  if (identity.kind === 'udp' && rng.chance(0.3)) options.onePacket = true;
  if (scheduler === 'sh' && rng.chance(0.5)) options.schedFlags = rng.pick([['sh-fallback'], ['sh-port'], ['sh-fallback', 'sh-port']]);
  if (scheduler === 'mh' && rng.chance(0.5)) options.schedFlags = rng.pick([['mh-fallback'], ['mh-port'], ['mh-fallback', 'mh-port']]);
  return options;
}

function randomServerAddress(rng: Rng, family: 4 | 6): string {
  return family === 6 ? `2001:db8:50::${rng.int(1, 12).toString(16)}` : `10.50.${rng.int(0, 1)}.${rng.int(1, 6)}`;
}

/**
 * Forwarding and what goes with it, for a server at `port`. ipvsadm gives a
 * direct-routing or tunnel server of an address service the service's port,
 * so only a server on that port may use them.
 */
function randomForwarding(rng: Rng, u: Universe, id: string, port: number): Pick<ServerState, 'method' | 'weight' | 'upper' | 'lower' | 'tunnel'> {
  const identity = u.identities.get(id)!;
  if (isTraffic(u, id)) return { method: 'm', weight: rng.chance(0.05) ? 0 : rng.int(1, 5), upper: 0, lower: 0 };
  const methods: Method[] = identity.kind === 'fwmark' || port === identity.port ? ['m', 'g', 'i'] : ['m'];
  const method = rng.pick(methods);
  const out: Pick<ServerState, 'method' | 'weight' | 'upper' | 'lower' | 'tunnel'> = { method, weight: rng.int(0, 10), upper: 0, lower: 0 };
  if (rng.chance(0.2)) {
    out.upper = rng.pick([100, 200]);
    out.lower = rng.pick([0, 50]);
  }
  if (method === 'i') {
    const roll = rng.next();
    const checksum = () => rng.pick(['tun-nocsum', 'tun-csum', 'tun-remcsum'] as const);
    if (roll < 0.4) out.tunnel = { type: 'gue', port: rng.pick([6080, 6081]), checksum: checksum() };
    else if (roll < 0.6) out.tunnel = { type: 'gre', checksum: rng.pick(['tun-nocsum', 'tun-csum'] as const) }; // gre has no remote checksum offload
    else out.tunnel = { type: 'ipip' };
  }
  return out;
}

/** A server the service has not got, or undefined when none was found in a few tries. */
function randomNewServer(rng: Rng, u: Universe, s: ServiceState): ServerState | undefined {
  for (let tries = 0; tries < 20; tries++) {
    let address: string;
    let port: number;
    if (u.traffic && isTraffic(u, s.id)) {
      address = rng.pick(u.traffic.servers);
      port = u.traffic.port;
    } else {
      address = randomServerAddress(rng, s.identity.family);
      // Masquerading may use a port of its own; the others the service's (0 for a mark without one).
      const own = rng.chance(0.5);
      port = own ? rng.pick([8080, 8081]) : s.identity.kind === 'fwmark' ? rng.pick([0, 8080]) : s.identity.port;
    }
    if (s.servers.has(targetOf(address, port))) continue;
    return { address, port, ...randomForwarding(rng, u, s.id, port) };
  }
  return undefined;
}

function freshService(rng: Rng, u: Universe, id: string, servers: number): ServiceState {
  const s: ServiceState = { id, identity: u.identities.get(id)!, ...randomServiceOptions(rng, u, id), servers: new Map() };
  for (let i = 0; i < servers; i++) {
    const d = randomNewServer(rng, u, s);
    if (d) s.servers.set(targetOf(d.address, d.port), d);
  }
  return s;
}

// ---------------------------------------------------------------- classic commands

/** The target as a command line gives it: no port for a server on port 0 (a mark's, without one). */
function inputTarget(address: string, port: number): string {
  return port === 0 ? address : targetOf(address, port);
}

export function classicWords(c: Classic): string[] {
  switch (c.kind) {
    case '-A':
    case '-E':
      return [c.kind, ...c.id.split(' '), ...serviceOptionWords(c.options)];
    case '-D':
      return ['-D', ...c.id.split(' ')];
    case '-a':
    case '-e':
      return [c.kind, ...c.id.split(' '), '-r', inputTarget(c.server.address, c.server.port), ...serverOptionWords(c.server, true)];
    case '-d':
      return ['-d', ...c.id.split(' '), '-r', inputTarget(c.address, c.port)];
    case '-C':
      return ['-C'];
    case '-Z':
      return c.id === undefined ? ['-Z'] : ['-Z', ...c.id.split(' ')];
    case '--set':
      return ['--set', String(c.timeouts.tcp), String(c.timeouts.tcpFin), String(c.timeouts.udp)];
  }
}

/** Carries out a classic command on the model. */
export function applyClassic(m: TableModel, c: Classic, u: Universe): void {
  switch (c.kind) {
    case '-A':
      m.services.set(c.id, { id: c.id, identity: u.identities.get(c.id)!, ...c.options, servers: new Map() });
      return;
    case '-E': {
      const s = m.services.get(c.id)!;
      m.services.set(c.id, { ...s, persistence: undefined, ...c.options });
      return;
    }
    case '-D':
      m.services.delete(c.id);
      return;
    case '-a':
    case '-e':
      m.services.get(c.id)!.servers.set(targetOf(c.server.address, c.server.port), { ...c.server });
      return;
    case '-d':
      m.services.get(c.id)!.servers.delete(targetOf(c.address, c.port));
      return;
    case '-C':
      m.services.clear();
      return;
    case '-Z':
      return;
    case '--set':
      // 0 leaves a timeout as it is.
      if (c.timeouts.tcp) m.timeouts.tcp = c.timeouts.tcp;
      if (c.timeouts.tcpFin) m.timeouts.tcpFin = c.timeouts.tcpFin;
      if (c.timeouts.udp) m.timeouts.udp = c.timeouts.udp;
      return;
  }
}

type ClassicKind = Classic['kind'];

/** How often each command is drawn, where it can be (-C is rare: it empties the table). */
const CLASSIC_WEIGHTS: Record<ClassicKind, number> = {
  '-A': 18, '-E': 10, '-D': 6, '-a': 24, '-e': 14, '-d': 10, '-C': 1, '-Z': 4, '--set': 3,
};

function weightedPick<T extends string>(rng: Rng, weights: ReadonlyArray<[T, number]>): T {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  let roll = rng.next() * total;
  for (const [item, w] of weights) {
    roll -= w;
    if (roll < 0) return item;
  }
  return weights[weights.length - 1][0];
}

/**
 * The traffic service, half the time, when it is among the candidates: it
 * comes back soon after a change took it (or its servers) away, so that its
 * requests are mostly answerable and the traffic checks are not vacuous.
 */
function favourTraffic<T>(rng: Rng, u: Universe, candidates: readonly T[]): T | undefined {
  if (u.traffic === undefined || candidates.length === 0) return undefined;
  return rng.chance(0.5) ? candidates[0] : undefined;
}

/** A random valid classic command on the table the model holds. */
export function randomClassic(rng: Rng, m: TableModel, u: Universe): Classic {
  const present = [...m.services.values()];
  const absent = u.ids.filter((id) => !m.services.has(id));
  const withRoom = present.filter((s) => s.servers.size < MAX_SERVERS);
  const withServers = present.filter((s) => s.servers.size > 0);
  const possible: Record<ClassicKind, boolean> = {
    '-A': absent.length > 0, '-E': present.length > 0, '-D': present.length > 0,
    '-a': withRoom.length > 0, '-e': withServers.length > 0, '-d': withServers.length > 0,
    '-C': present.length > 0, '-Z': true, '--set': true,
  };
  const kind = weightedPick(rng, (Object.keys(CLASSIC_WEIGHTS) as ClassicKind[]).filter((k) => possible[k]).map((k) => [k, CLASSIC_WEIGHTS[k]]));
  switch (kind) {
    case '-A': {
      const id = favourTraffic(rng, u, absent.filter((i) => isTraffic(u, i))) ?? rng.pick(absent);
      return { kind, id, options: randomServiceOptions(rng, u, id) };
    }
    case '-E': {
      const id = rng.pick(present).id;
      return { kind, id, options: randomServiceOptions(rng, u, id) };
    }
    case '-D':
      return { kind, id: rng.pick(present).id };
    case '-a': {
      const traffic = favourTraffic(rng, u, withRoom.filter((s) => isTraffic(u, s.id)));
      for (let tries = 0; tries < 5; tries++) {
        const s = tries === 0 && traffic ? traffic : rng.pick(withRoom);
        const server = randomNewServer(rng, u, s);
        if (server) return { kind, id: s.id, server };
      }
      return { kind: '-Z' };
    }
    case '-e': {
      const s = rng.pick(withServers);
      const d = rng.pick([...s.servers.values()]);
      return { kind, id: s.id, server: { address: d.address, port: d.port, ...randomForwarding(rng, u, s.id, d.port) } };
    }
    case '-d': {
      const s = rng.pick(withServers);
      const d = rng.pick([...s.servers.values()]);
      return { kind, id: s.id, address: d.address, port: d.port };
    }
    case '-C':
      return { kind };
    case '-Z':
      return rng.chance(0.5) && present.length > 0 ? { kind, id: rng.pick(present).id } : { kind };
    case '--set': {
      const one = (values: number[]) => (rng.chance(0.25) ? 0 : rng.pick(values));
      return { kind, timeouts: { tcp: one([300, 900, 1800]), tcpFin: one([30, 60, 120]), udp: one([60, 120, 300]) } };
    }
  }
}

// ---------------------------------------------------------------- whole tables for apply

export interface ApplyChange {
  /** The table the file describes. */
  desired: ServiceState[];
  /** --only words; [] for none. */
  scopes: string[];
  format: 'text' | 'json';
  /** The file is given on standard input (`-`). */
  stdin: boolean;
  grace?: number;
}

function mutatedService(rng: Rng, u: Universe, old: ServiceState): ServiceState {
  const s = cloneService(old);
  if (rng.chance(0.3)) Object.assign(s, { persistence: undefined, ...randomServiceOptions(rng, u, s.id) });
  for (const [key, d] of [...s.servers]) {
    const roll = rng.next();
    if (roll < 0.15) s.servers.delete(key);
    else if (roll < 0.4) s.servers.set(key, { address: d.address, port: d.port, ...randomForwarding(rng, u, s.id, d.port) });
  }
  for (let i = rng.int(0, 2); i > 0 && s.servers.size < MAX_SERVERS; i--) {
    const d = randomNewServer(rng, u, s);
    if (d) s.servers.set(targetOf(d.address, d.port), d);
  }
  return s;
}

/** A table near the model's (some services kept, edited, dropped or added), now and then a fresh one or none. */
function randomDesired(rng: Rng, m: TableModel, u: Universe): ServiceState[] {
  const roll = rng.next();
  if (roll < 0.03) return [];
  if (roll < 0.08) return rng.sample(u.ids, rng.int(1, 8)).map((id) => freshService(rng, u, id, rng.int(0, 5)));
  const out: ServiceState[] = [];
  for (const id of u.ids) {
    const old = m.services.get(id);
    if (old !== undefined && rng.chance(isTraffic(u, id) ? 0.95 : 0.8)) out.push(mutatedService(rng, u, old));
    else if (old === undefined && rng.chance(isTraffic(u, id) ? 0.8 : 0.3)) out.push(freshService(rng, u, id, isTraffic(u, id) ? rng.int(1, 3) : rng.int(0, 5)));
  }
  return rng.sample(out, out.length); // file order need not be the table's
}

export function randomApply(rng: Rng, m: TableModel, u: Universe): ApplyChange {
  const desired = randomDesired(rng, m, u);
  const asRules = (list: ServiceState[]): RuleService[] => list.map((s) => ({ id: s.id, identity: s.identity, options: '', servers: [] }));
  const scopes = rng.chance(0.35) ? randomScopes(rng, asRules([...m.services.values(), ...desired])) : [];
  return {
    desired,
    scopes,
    format: rng.chance(0.25) ? 'json' : 'text',
    stdin: rng.chance(0.15),
    grace: rng.chance(0.2) ? rng.pick([0, 2]) : undefined,
  };
}

export function applyWords(a: ApplyChange, file: string): string[] {
  return [
    'apply',
    ...a.scopes.flatMap((w) => ['--only', w]),
    ...(a.grace === undefined ? [] : ['--grace', String(a.grace)]),
    a.stdin ? '-' : file,
  ];
}

/** What an apply leaves: the model's services outside the scopes, the file's within them. */
export function applyResult(m: TableModel, a: ApplyChange): TableModel {
  const scopes = a.scopes.map(parseScope);
  const within = (s: ServiceState) => scopes.length === 0 || scopes.some((scope) => covers(scope, s.identity));
  const out = cloneModel(m);
  out.services = new Map([
    ...[...m.services.values()].filter((s) => !within(s)).map((s): [string, ServiceState] => [s.id, cloneService(s)]),
    ...a.desired.filter(within).map((s): [string, ServiceState] => [s.id, cloneService(s)]),
  ]);
  return out;
}

// ---------------------------------------------------------------- restore streams

/** 1-12 classic commands, each valid on the table the ones before it leave. */
export function randomRestore(rng: Rng, m: TableModel, u: Universe): Classic[] {
  const scratch = cloneModel(m);
  const out: Classic[] = [];
  for (let n = rng.int(1, 12); n > 0; n--) {
    const c = randomClassic(rng, scratch, u);
    applyClassic(scratch, c, u);
    out.push(c);
  }
  return out;
}

// ---------------------------------------------------------------- rules files

/** The file as an operator keeps it: -S -n lines with thresholds, comments and blank lines between. */
export function rulesText(rng: Rng, services: readonly ServiceState[]): string {
  const out = ['# soak: rules for ipvsadm apply'];
  for (const line of modelLines(services, true)) {
    if (rng.chance(0.1)) out.push('');
    if (rng.chance(0.1)) out.push(`${rng.pick(['', '  ', '\t'])}# ${rng.pick(['web tier', 'do not edit by hand'])}`);
    out.push(line);
  }
  return `${out.join('\n')}\n`;
}

function serverJson(d: ServerState): Record<string, unknown> {
  const tunnel = d.tunnel && {
    type: d.tunnel.type,
    ...(d.tunnel.port === undefined ? {} : { port: d.tunnel.port }),
    ...(d.tunnel.checksum === undefined ? {} : { checksum: d.tunnel.checksum.slice('tun-'.length) }),
  };
  return {
    address: d.address, port: d.port, forwarding: { m: 'masq', g: 'route', i: 'tunnel' }[d.method],
    weight: d.weight, upperThreshold: d.upper, lowerThreshold: d.lower, ...(tunnel ? { tunnel } : {}),
  };
}

/** The file as `ipvsadm -S --json` writes one (the keys a rules document may have). */
export function rulesJson(services: readonly ServiceState[]): string {
  const doc = {
    services: services.map((s) => {
      const i = s.identity;
      const family = i.family === 6 ? 'inet6' : 'inet';
      const id = i.kind === 'fwmark' ? { family, fwmark: i.fwmark } : { family, protocol: i.kind, address: i.address, port: i.port };
      const persistent = s.persistence && {
        timeout: s.persistence.timeout,
        ...(s.persistence.mask === undefined ? {} : { netmask: i.family === 6 ? Number(s.persistence.mask) : s.persistence.mask }),
      };
      return {
        ...id, scheduler: s.scheduler, schedulerFlags: s.schedFlags, onePacket: s.onePacket, persistent: persistent ?? null,
        realServers: [...s.servers.values()].map(serverJson),
      };
    }),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
