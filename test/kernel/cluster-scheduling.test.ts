// Issue 11: the schedulers and counters do what the rules written by this
// project's ipvsadm ask, on real traffic through the cluster in a box
// (cluster/net.sh): VS/NAT services on the VIP, one virtual port per
// scenario (connection entries and persistence templates outlive a service,
// so no scenario sees another's), the real servers' HTTP on port 80.
import * as fs from 'fs';
import * as path from 'path';
import { requireLab } from './client-lab';
import { answeredBy, Cluster, clientSource, clusterForFile, natAddress, SERVERS, TRAFFIC_HELD, VIP } from './cluster-lab';
import { sleep } from './apply-lab';

requireLab();

const cluster = clusterForFile('sc', 180_000);
const SCENARIO_MS = 150_000;

afterEach(() => {
  cluster().ipvsadmOk(['-C']);
});

/** A NAT service on VIP:vport with servers [n, weight] (real port 80), in one -R. */
function natService(c: Cluster, vport: number, scheduler: string, servers: [number, number][], options = ''): void {
  c.rules([
    `-A -t ${VIP}:${vport} -s ${scheduler}${options}`,
    ...servers.map(([n, w]) => `-a -t ${VIP}:${vport} -r ${natAddress(n)}:80 -m -w ${w}`),
  ]);
}

const split = (c: Cluster, vport: number, n: number): Record<string, number> => answeredBy(c.client(`http ${VIP} ${vport} ${n}`)[0]);

/** Answers per client source: `from` each source, `n` requests. */
function splitBySource(c: Cluster, vport: number, sources: string[], n: number): Record<string, number>[] {
  const lines = c.client(sources.map((s) => `from ${s} http ${VIP} ${vport} ${n}`).join(' '));
  expect(lines).toHaveLength(sources.length);
  return lines.map((line, i) => {
    expect(line.startsWith(`from ${sources[i]} `)).toBe(true);
    return answeredBy(line);
  });
}

/** Entry (service or `service -> server`) to its five numbers, from `-L -n --stats|--rate --exact` of one service. */
function counters(listing: string): Map<string, bigint[]> {
  const out = new Map<string, bigint[]>();
  let service = '';
  for (const line of listing.split('\n')) {
    const f = line.trim().split(/\s+/);
    // Titles and the banner end in words.
    if (f.length < 6 || !f.slice(-5).every((v) => /^\d+$/.test(v))) continue;
    const nums = f.slice(-5).map((v) => BigInt(v));
    if (f[0] === '->') out.set(`${service} -> ${f[1]}`, nums);
    else out.set((service = f.slice(0, -5).join(' ')), nums);
  }
  return out;
}

const listing = (c: Cluster, vport: number, kind = '--stats'): string => c.ipvsadmOk(['-L', '-n', kind, '--exact', '-t', `${VIP}:${vport}`]);
const stats = (c: Cluster, vport: number, kind = '--stats') => counters(listing(c, vport, kind));

/**
 * Until the counters of a service stop moving: Linux 6.1 folds them into
 * what a listing shows every 2 seconds. Bounded: 6 folds.
 */
async function settled(c: Cluster, vport: number): Promise<Map<string, bigint[]>> {
  let last = listing(c, vport);
  for (let i = 0; i < 6; i++) {
    await sleep(2200);
    const now = listing(c, vport);
    if (now === last) return counters(now);
    last = now;
  }
  throw new Error(`the counters of ${VIP}:${vport} still move after 6 folds`);
}

/** Connection entries of one virtual service in `-L -c -n`. */
function connectionEntries(c: Cluster, vport: number): string[] {
  return c.ipvsadmOk(['-L', '-c', '-n']).split('\n').filter((l) => l.includes(` ${VIP}:${vport} `));
}

describe('weights', () => {
  test('wrr 1:2:3 splits 300 requests exactly 50, 100 and 150; rr splits them 100 each', () => {
    const c = cluster();
    natService(c, 81, 'wrr', [[1, 1], [2, 2], [3, 3]]);
    expect(split(c, 81, 300)).toEqual({ s1: 50, s2: 100, s3: 150 });
    natService(c, 82, 'rr', [[1, 1], [2, 1], [3, 1]]);
    expect(split(c, 82, 300)).toEqual({ s1: 100, s2: 100, s3: 100 });
  }, SCENARIO_MS);

  test('a server of weight 0 gets no new connection, the others all of them', () => {
    const c = cluster();
    natService(c, 83, 'rr', [[1, 1], [2, 1], [3, 0]]);
    expect(split(c, 83, 60)).toEqual({ s1: 30, s2: 30 });
  }, SCENARIO_MS);
});

describe('counters', () => {
  test('--stats counts every connection exactly, servers add up to their service; --rate sees them; -c lists them; -Z zeroes', async () => {
    const c = cluster();
    natService(c, 84, 'rr', [[1, 1], [2, 1], [3, 1]]);
    expect(split(c, 84, 90)).toEqual({ s1: 30, s2: 30, s3: 30 });
    // The first fold after the traffic makes a rate of it.
    await sleep(2500);
    const rate = stats(c, 84, '--rate').get(`TCP ${VIP}:84`);
    expect(rate).toBeDefined();
    expect(rate![0]).toBeGreaterThan(0n); // CPS
    const s = await settled(c, 84);
    const service = s.get(`TCP ${VIP}:84`)!;
    expect(service[0]).toBe(90n);
    // Each connection: at least SYN, the request and an ACK in; SYN-ACK and the answer out.
    expect(service[1]).toBeGreaterThanOrEqual(3n * 90n);
    expect(service[2]).toBeGreaterThanOrEqual(2n * 90n);
    expect(service[3]).toBeGreaterThan(service[1] * 40n);
    for (const n of SERVERS) expect(s.get(`TCP ${VIP}:84 -> ${natAddress(n)}:80`)![0]).toBe(30n);
    const sum = [0, 1, 2, 3, 4].map((i) => SERVERS.reduce((a, n) => a + s.get(`TCP ${VIP}:84 -> ${natAddress(n)}:80`)![i], 0n));
    expect(sum).toEqual(service);
    // Every connection has its entry (TIME_WAIT, 2 minutes), each on the server that answered it.
    const entries = connectionEntries(c, 84);
    expect(entries).toHaveLength(90);
    for (const n of SERVERS) expect(entries.filter((e) => e.includes(` ${natAddress(n)}:80`))).toHaveLength(30);
    c.ipvsadmOk(['-Z']);
    for (const kind of ['--stats', '--rate']) {
      for (const [entry, numbers] of stats(c, 84, kind)) expect([entry, numbers]).toEqual([entry, [0n, 0n, 0n, 0n, 0n]]);
    }
  }, SCENARIO_MS);
});

describe('connections held', () => {
  /** Two long connections to s2 (the service's only server then), then s1 and s3 join. */
  function heldOnS2(c: Cluster, vport: number, scheduler: string, weights: [number, number, number]): void {
    natService(c, vport, scheduler, [[2, weights[1]]]);
    expect(c.client(`hold ${VIP} ${vport} 40 hold ${VIP} ${vport} 40`)).toEqual([`hold ${VIP}:${vport}: open`, `hold ${VIP}:${vport}: open`]);
    c.rules([1, 3].map((n) => `-a -t ${VIP}:${vport} -r ${natAddress(n)}:80 -m -w ${weights[n - 1]}`));
    expect(c.ipvsadmOk(['-L', '-n', '-t', `${VIP}:${vport}`])).toMatch(new RegExp(`-> ${natAddress(2)}:80 +Masq +\\d+ +2 `));
  }

  test.each(['lc', 'wlc'])('%s sends new requests to the idle servers, not to the one holding two connections', (scheduler) => {
    const c = cluster();
    const vport = scheduler === 'lc' ? 85 : 86;
    heldOnS2(c, vport, scheduler, [1, 1, 1]);
    expect(split(c, vport, 12)).toEqual({ s1: 6, s3: 6 });
  }, SCENARIO_MS);

  test('ovf stays on the heaviest server below its weight in connections, then overflows to the next', () => {
    const c = cluster();
    heldOnS2(c, 87, 'ovf', [1, 5, 3]);
    expect(split(c, 87, 6)).toEqual({ s2: 6 });
    // Its two held connections now reach its weight.
    c.ipvsadmOk(['-e', '-t', `${VIP}:87`, '-r', `${natAddress(2)}:80`, '-m', '-w', '2']);
    expect(split(c, 87, 6)).toEqual({ s3: 6 });
  }, SCENARIO_MS);
});

test('fo sends everything to the heaviest server, and to the next once its weight is 0', () => {
  const c = cluster();
  natService(c, 88, 'fo', [[1, 1], [2, 3], [3, 2]]);
  expect(split(c, 88, 6)).toEqual({ s2: 6 });
  c.ipvsadmOk(['-e', '-t', `${VIP}:88`, '-r', `${natAddress(2)}:80`, '-m', '-w', '0']);
  expect(split(c, 88, 6)).toEqual({ s3: 6 });
}, SCENARIO_MS);

describe('one client, one server', () => {
  const four = [0, 1, 2, 3].map(clientSource);

  test('sh keeps each client source on one server', () => {
    const c = cluster();
    natService(c, 89, 'sh', [[1, 1], [2, 1], [3, 1]]);
    for (const by of splitBySource(c, 89, four, 4)) expect(Object.values(by)).toEqual([4]);
  }, SCENARIO_MS);

  test('mh keeps each of 16 client sources on one server, and uses more than one', () => {
    const c = cluster();
    natService(c, 90, 'mh', [[1, 1], [2, 1], [3, 1]]);
    const sixteen = Array.from({ length: 16 }, (_, i) => clientSource(i));
    const all = splitBySource(c, 90, sixteen, 3);
    for (const by of all) expect(Object.values(by)).toEqual([3]);
    expect(new Set(all.map((by) => Object.keys(by)[0])).size).toBeGreaterThan(1);
  }, SCENARIO_MS);

  test('rr with -p keeps each client on one server, one persistence template each (--persistent-conn)', () => {
    const c = cluster();
    natService(c, 91, 'rr', [[1, 1], [2, 1], [3, 1]], ' -p 60');
    for (const by of splitBySource(c, 91, four, 4)) expect(Object.values(by)).toEqual([4]);
    const listing = c.ipvsadmOk(['-L', '-n', '--persistent-conn', '-t', `${VIP}:91`]);
    const persist = listing.split('\n').filter((l) => l.includes('->') && !l.includes('RemoteAddress'))
      .reduce((a, l) => a + Number(l.trim().split(/\s+/)[3]), 0);
    expect(persist).toBe(4);
  }, SCENARIO_MS);

  test('rr with -p and -M 255.255.255.0 keeps a whole client network on one server', () => {
    const c = cluster();
    natService(c, 92, 'rr', [[1, 1], [2, 1], [3, 1]], ' -p 60 -M 255.255.255.0');
    const servers = new Set(splitBySource(c, 92, four, 2).flatMap((by) => Object.keys(by)));
    expect(servers.size).toBe(1);
  }, SCENARIO_MS);
});

test('a fwmark service (iptables mangle MARK on two ports) balances both ports as one', () => {
  const c = cluster();
  // The lab's nf_tables has no ip family: iptables-legacy.
  const mark = (op: string) => [93, 94].map((p) => `iptables-legacy -t mangle ${op} PREROUTING -d ${VIP} -p tcp --dport ${p} -j MARK --set-mark 7`).join(' && ');
  c.sh('d1', mark('-A'));
  try {
    c.rules(['-A -f 7 -s rr', ...SERVERS.map((n) => `-a -f 7 -r ${natAddress(n)}:80 -m`)]);
    const [a, b] = c.client(`http ${VIP} 93 6 http ${VIP} 94 6`).map(answeredBy);
    expect(Object.values(a).reduce((x, y) => x + y, 0)).toBe(6);
    expect(Object.values(b).reduce((x, y) => x + y, 0)).toBe(6);
    // One rotation over both ports: 4 each of the 12.
    const total: Record<string, number> = {};
    for (const by of [a, b]) for (const [k, v] of Object.entries(by)) total[k] = (total[k] ?? 0) + v;
    expect(total).toEqual({ s1: 4, s2: 4, s3: 4 });
    expect(c.ipvsadmOk(['-L', '-n', '--stats', '--exact', '-f', '7'])).toMatch(/FWM  7 +\d+/);
  } finally {
    c.sh('d1', mark('-D'));
  }
}, SCENARIO_MS);

describe('a real server fails', () => {
  test('after drain --keep and -d, every new request succeeds on the servers left', () => {
    const c = cluster();
    natService(c, 95, 'rr', [[1, 1], [2, 1], [3, 1]]);
    const drained = c.ipvsadm(['drain', '-t', `${VIP}:95`, '-r', `${natAddress(1)}:80`, '--keep', '--wait', '0']);
    expect(drained.status).toBe(0);
    expect(split(c, 95, 30)).toEqual({ s2: 15, s3: 15 });
    c.ipvsadmOk(['-d', '-t', `${VIP}:95`, '-r', `${natAddress(2)}:80`]);
    expect(split(c, 95, 30)).toEqual({ s3: 30 });
  }, SCENARIO_MS);

  test('with expire_nodest_conn, a client of a deleted server is not left hanging', async () => {
    const c = cluster();
    c.sh('d1', 'sysctl -qw net.ipv4.vs.expire_nodest_conn=1');
    try {
      natService(c, 96, 'rr', [[3, 1]]);
      const out = path.join(c.dir, 'held-96');
      c.sh('c', `python3 ${TRAFFIC_HELD} ${VIP} 96 4 ${out} </dev/null >/dev/null 2>&1 &`);
      for (let i = 0; i < 50 && !fs.existsSync(out); i++) await sleep(100);
      expect(fs.readFileSync(out, 'utf8')).toBe('open\n');
      c.ipvsadmOk(['-d', '-t', `${VIP}:96`, '-r', `${natAddress(3)}:80`]);
      // The client speaks again 4 s after it opened; held.py would wait 30 s more for an answer.
      const started = Date.now();
      let result = 'open\n';
      while (result === 'open\n' && Date.now() - started < 25_000) {
        await sleep(200);
        result = fs.readFileSync(out, 'utf8');
      }
      expect(result).toMatch(/^FAILED: .*(reset|refused)/i);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      c.sh('d1', 'sysctl -qw net.ipv4.vs.expire_nodest_conn=0');
    }
  }, SCENARIO_MS);
});
