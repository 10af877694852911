// /proc/net/ip_vs on the real kernel (issue 10): the plain `-L` reads
// every server from it in one go, so its format must be the one
// commands/servers-file.ts reads, for every kind of service and server, and
// a table changing under a listing must never show a state that did not
// exist.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { sameService } from '../../src/commands/servers-file';
import { parseServersFile } from '../support/proc-chunks';
import { collect, serversFileTable } from '../../src/commands/table';
import { applyOne } from '../../src/netlink/api';
import type { IpvsClient } from '../../src/netlink/client';
import type { Destination, ServiceKey } from '../../src/ipvs/types';
import { serviceKey } from '../../src/ipvs/types';
import { repoRoot } from '../differential/catalog';
import { destination, openLabClient, service, SCTP, UDP } from './client-lab';

const REAL = '/usr/sbin/ipvsadm';
const OURS = path.join(repoRoot(), 'bin', 'ipvsadm');
const readFile = (): string => fs.readFileSync('/proc/net/ip_vs', 'latin1');

let client: IpvsClient;
beforeEach(async () => {
  client = await openLabClient();
});
afterEach(async () => {
  await applyOne(client, { kind: 'flush' });
  client.close();
});

/** Every kind of service and server the file shows. */
async function variedTable(): Promise<void> {
  const web = service({ port: 80 });
  await applyOne(client, { kind: 'add-service', service: web });
  for (const d of [
    destination({ address: '10.0.0.2', port: 8080 }),
    destination({ address: '10.0.0.1', port: 8081, fwdMethod: 3, weight: 0 }),
    destination({ address: '10.0.0.3', port: 65535, fwdMethod: 2, weight: 0x7fffffff, upperThreshold: 9, lowerThreshold: 2 }),
    destination({ address: '127.0.0.1', port: 80 }),
  ]) await applyOne(client, { kind: 'add-server', service: serviceKey(web), destination: d });
  const v6 = service({ family: 10, protocol: UDP, address: '2001:db8::1', port: 53, netmask: 128, flags: 0x4 });
  await applyOne(client, { kind: 'add-service', service: v6 });
  await applyOne(client, { kind: 'add-server', service: serviceKey(v6), destination: destination({ family: 10, address: '2001:db8::a:0:1', port: 53, fwdMethod: 3 }) });
  await applyOne(client, { kind: 'add-server', service: serviceKey(v6), destination: destination({ family: 2, address: '10.0.0.9', port: 53, fwdMethod: 2 }) });
  const sctp = service({ protocol: SCTP, address: '10.1.0.2', port: 5000, flags: 0x1, timeout: 300, netmask: 0xffffff00 });
  await applyOne(client, { kind: 'add-service', service: sctp });
  await applyOne(client, { kind: 'add-server', service: serviceKey(sctp), destination: destination({ address: '10.0.0.4', port: 5000 }) });
  const mark = service({ protocol: 0, address: '', port: 0, fwmark: 0xfffffffe, scheduler: 'rr' });
  await applyOne(client, { kind: 'add-service', service: mark });
  await applyOne(client, { kind: 'add-server', service: serviceKey(mark), destination: destination({ address: '10.0.0.5', port: 0 }) });
  await applyOne(client, { kind: 'add-service', service: service({ port: 443 }) });
}

/** What the file says of a server. */
function asInFile(d: Destination): Destination {
  return {
    family: d.family, address: d.address, port: d.port, fwdMethod: d.fwdMethod, weight: d.weight,
    upperThreshold: 0, lowerThreshold: 0, tunnelType: 0, tunnelPort: 0, tunnelFlags: 0,
    activeConns: d.activeConns, inactiveConns: d.inactiveConns, persistentConns: 0,
  };
}

test('the file names every service once with its servers as the dumps give them', async () => {
  await variedTable();
  const parsed = parseServersFile(readFile());
  expect(parsed).toBeDefined();
  const table = await client.table();
  // One for one, in the order of the netlink dump: the listing relies on it.
  expect(parsed!.services).toHaveLength(table.length);
  table.forEach((r, i) => {
    expect(sameService(r.service, parsed!.services[i])).toBe(true);
    expect(parsed!.servers(parsed!.services[i])).toEqual(r.destinations.map(asInFile));
  });
  // And the table takes it: no destination dump at all.
  const dumps: ServiceKey[] = [];
  const counting = Object.assign(Object.create(client) as IpvsClient, {
    destinations: (key: ServiceKey) => (dumps.push(key), client.destinations(key)),
  });
  const rows = await collect(serversFileTable(counting, () => [Buffer.from(readFile(), 'latin1')]));
  expect(dumps).toEqual([]);
  expect(rows.map((r) => r.destinations.length)).toEqual(table.map((r) => r.destinations.length));
});

test('hundreds of services of every kind, in many hash buckets: the file names them in the order of the dump', async () => {
  const rules: string[] = [];
  for (let i = 0; i < 400; i++) {
    const service = [`-t 10.2.${i >> 8}.${i & 255}:80`, `-u 10.3.0.1:${1000 + i}`, `--sctp-service 10.4.0.${i % 250}:${i}`, `-f ${i + 1}`, `-t [2001:db8::${i.toString(16)}]:443`][i % 5];
    const server = i % 5 === 4 ? `[2001:db8:1::${i.toString(16)}]:8080` : `10.0.${i >> 8}.${i & 255}:${i % 5 === 3 ? 0 : 8080}`;
    rules.push(`-A ${service} -s rr`, `-a ${service} -r ${server} -m -w ${i % 7}`);
    if (i % 5 === 3) rules.push(`-A -f ${i + 1} -6 -s rr`);
  }
  const loaded = spawnSync(REAL, ['-R'], { input: rules.join('\n') + '\n', encoding: 'latin1' });
  expect(loaded.stderr).toBe('');
  const table = await client.table();
  expect(table.length).toBe(480);
  const parsed = parseServersFile(readFile())!;
  expect(parsed.services).toHaveLength(table.length);
  table.forEach((r, i) => {
    expect(sameService(r.service, parsed.services[i])).toBe(true);
    expect(parsed.servers(parsed.services[i])).toEqual(r.destinations.map(asInFile));
  });
});

test('in a namespace whose neighbour has services, the file misses some of ours; the table dumps just those', async () => {
  const neighbour = `ipvsts-neighbour-${process.pid}`;
  const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'latin1' });
  expect(ip('netns', 'add', neighbour).stderr).toBe('');
  try {
    // Real servers must be unicast addresses, which a namespace without lo up has none of.
    expect(ip('netns', 'exec', neighbour, 'ip', 'link', 'set', 'lo', 'up').stderr).toBe('');
    const rules = (second: number, n: number): string =>
      Array.from({ length: n }, (_, i) => `-A -t 10.${second}.${i >> 8}.${i & 255}:80 -s rr\n` + [1, 2, 3].map((d) => `-a -t 10.${second}.${i >> 8}.${i & 255}:80 -r 10.9.${i >> 8}.${i & 255}:${d} -m\n`).join('')).join('');
    const theirs = spawnSync('ip', ['netns', 'exec', neighbour, REAL, '-R'], { input: rules(5, 200), encoding: 'latin1' });
    expect(theirs.stderr).toBe('');
    expect(spawnSync(REAL, ['-R'], { input: rules(6, 300), encoding: 'latin1' }).stderr).toBe('');
    const table = await client.table();
    expect(table).toHaveLength(300);
    // The kernel's part: read a page at a time, the file skips services of this namespace.
    const named = parseServersFile(readFile())!.services;
    expect(named.length).toBeLessThan(300);
    // Ours: every service named once takes its servers from the file; only the others are dumped.
    const dumps: ServiceKey[] = [];
    const counting = Object.assign(Object.create(client) as IpvsClient, {
      destinations: (key: ServiceKey) => (dumps.push(key), client.destinations(key)),
    });
    const rows = await collect(serversFileTable(counting, () => [Buffer.from(readFile(), 'latin1')]));
    expect(dumps.length).toBeGreaterThan(0);
    expect(dumps.length).toBeLessThanOrEqual(300 - named.length);
    expect(rows.map((r) => [r.service.address, r.destinations.map(asInFile)])).toEqual(table.map((r) => [r.service.address, r.destinations.map(asInFile)]));
    for (const args of [['-L', '-n'], ['-S', '-n']]) {
      const real = spawnSync(REAL, args, { encoding: 'latin1' });
      const ours = spawnSync(process.execPath, [OURS, ...args], { encoding: 'latin1' });
      expect({ args, stdout: ours.stdout, stderr: ours.stderr, status: ours.status }).toEqual({ args, stdout: real.stdout, stderr: real.stderr, status: real.status });
    }
  } finally {
    ip('netns', 'del', neighbour);
  }
}, 120_000);

test('ours -L -n, -L and -L -n --nosort read from the file print what the real ipvsadm prints; -S -n too', async () => {
  await variedTable();
  for (const args of [['-L', '-n'], ['-L'], ['-S', '-n'], ['-S'], ['-L', '-n', '--nosort']]) {
    const real = spawnSync(REAL, args, { encoding: 'latin1' });
    const ours = spawnSync(process.execPath, [OURS, ...args], { encoding: 'latin1' });
    expect({ args, stdout: ours.stdout, stderr: ours.stderr, status: ours.status }).toEqual({ args, stdout: real.stdout, stderr: real.stderr, status: real.status });
  }
});

test('a table that changes under the listing: every listing is one of the states the table was in', async () => {
  // A stable service, one whose server comes and goes, and a service that comes and goes.
  const stable = service({ port: 80 });
  await applyOne(client, { kind: 'add-service', service: stable });
  for (let i = 1; i <= 30; i++) await applyOne(client, { kind: 'add-server', service: serviceKey(stable), destination: destination({ address: `10.0.1.${i}`, port: 80 }) });
  const flapping = service({ port: 81 });
  await applyOne(client, { kind: 'add-service', service: flapping });
  const states = new Set<string>();
  const listing = (): string => spawnSync(REAL, ['-L', '-n'], { encoding: 'latin1' }).stdout;
  // The four states, as the real ipvsadm lists them.
  for (const [server, svc] of [[false, false], [true, false], [false, true], [true, true]]) {
    if (server) spawnSync(REAL, ['-a', '-t', '10.1.0.1:81', '-r', '10.0.2.1:80', '-m']);
    if (svc) spawnSync(REAL, ['-A', '-t', '10.1.0.1:82', '-s', 'rr']);
    states.add(listing());
    if (server) spawnSync(REAL, ['-d', '-t', '10.1.0.1:81', '-r', '10.0.2.1:80']);
    if (svc) spawnSync(REAL, ['-D', '-t', '10.1.0.1:82']);
  }
  expect(states.size).toBe(4);
  const churn = spawn('/bin/sh', ['-c', [
    'while :; do',
    `${REAL} -a -t 10.1.0.1:81 -r 10.0.2.1:80 -m; ${REAL} -A -t 10.1.0.1:82 -s rr;`,
    `${REAL} -d -t 10.1.0.1:81 -r 10.0.2.1:80; ${REAL} -D -t 10.1.0.1:82;`,
    'done',
  ].join(' ')], { stdio: 'ignore' });
  try {
    const seen: string[] = [];
    for (let i = 0; i < 25; i++) {
      const r = spawnSync(process.execPath, [OURS, '-L', '-n'], { encoding: 'latin1' });
      expect(r.status).toBe(0);
      expect(states.has(r.stdout)).toBe(true);
      seen.push(r.stdout);
    }
    // The churn really ran across the listings.
    expect(new Set(seen).size).toBeGreaterThan(1);
  } finally {
    churn.kill('SIGKILL');
  }
}, 120_000);
