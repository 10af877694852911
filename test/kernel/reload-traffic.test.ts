// Issue 8, measured: reloading rules with `ipvsadm apply` drops no request,
// while the classic `ipvsadm -C; ipvsadm -R < file` does. In a network
// namespace of the test's own (the director) with the differential suite's
// traffic network around it (test/differential/traffic/net.sh), a client
// sends a continuous stream of short requests (traffic/stream.py: a new TCP
// connection per HTTP GET, a new UDP socket per datagram, over IPv4 and IPv6)
// while the rules are reloaded RELOADS times, alternating two files that
// differ by servers added, removed and re-weighted and a service
// re-scheduled. The same measurement, in a fresh network, then reloads with
// flush and restore (the real ipvsadm). Both figures are printed on one line
// (and written to dist/reload-traffic.txt; every request and reload of each
// method goes to dist/reload-traffic-METHOD.json for a closer look).
//
// IPVS drops the packets of a connection whose real server is deleted (`-d`,
// whoever sends it), so apply lets the servers a reload removes go
// gracefully (weight 0, deleted once no connection to them is in flight; see
// src/commands/apply/graceful.ts); before it did, 1 or 2 requests in about
// half of the lab runs failed that way. Every failed request is still split
// by the IPVS connection table into those in flight to a deleted server and
// the others, to say which kind a failure is.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { requireLab } from './client-lab';
import {
  Reload, ReloadMethod, Stream, StreamEvent, StreamReport, StreamTarget, TrafficNet, connectionTable, expectedSaves, reloadSeries,
} from './reload-lab';
import { parseRules, sleep } from './apply-lab';

requireLab();

const RELOADS = 10;
const GAP_S = 0.4;
// A request that took longer than this is counted as failed by the stream.
const REQUEST_TIMEOUT_S = 2;
// The stream: RATE requests a second in all, from WORKERS threads (a request
// that hangs holds up one of them only).
const WORKERS = 24;
const RATE = 250;
// The stream's own bound: at RATE, its source ports (51 000) last longer, and
// net.sh's servers (240 s) outlive it.
const STREAM_MAX_S = 180;
// A measurement takes about a minute in the lab, twice that on a loaded host.
const MEASURE_TIMEOUT_MS = 240_000;
// Requests that started this long after a reload ended must see its table.
const SETTLE_MS = 100;
// Far below what the lab does (~100 requests a second at least), far above nothing.
const MIN_REQUESTS = 500;
// Answers per target over the windows of each file (after its reloads), so
// that the checks of who answered are never vacuous.
const MIN_PER_FILE_WINDOWS = 20;
// Requests that started while an apply was running, per apply: the stream
// really crossed every reload.
const MIN_DURING_APPLY = 10;

// Services and servers (net.sh: real server sN is 192.168.2N.1 / fd00:2N::1,
// HTTP on 8080, UDP echo on 5353; the virtual addresses are on the director).
// B from A: TCP 192.168.100.1:80 rr -> wlc, s1 removed, s3 added with weight 2;
// UDP 192.168.100.1:53 s3 removed, s1 added, s2 re-weighted 1 -> 3;
// TCP [fd00:100::1]:80 s2 added, s3 re-weighted 1 -> 4.
// Every service keeps a server in both files.
const RULES_A = [
  '-A -t 192.168.100.1:80 -s rr',
  '-a -t 192.168.100.1:80 -r 192.168.21.1:8080 -m -w 1',
  '-a -t 192.168.100.1:80 -r 192.168.22.1:8080 -m -w 1',
  '-A -u 192.168.100.1:53 -s wrr',
  '-a -u 192.168.100.1:53 -r 192.168.22.1:5353 -m -w 1',
  '-a -u 192.168.100.1:53 -r 192.168.23.1:5353 -m -w 1',
  '-A -t [fd00:100::1]:80 -s wrr',
  '-a -t [fd00:100::1]:80 -r [fd00:21::1]:8080 -m -w 1',
  '-a -t [fd00:100::1]:80 -r [fd00:23::1]:8080 -m -w 1',
];
const RULES_B = [
  '-A -t 192.168.100.1:80 -s wlc',
  '-a -t 192.168.100.1:80 -r 192.168.22.1:8080 -m -w 1',
  '-a -t 192.168.100.1:80 -r 192.168.23.1:8080 -m -w 2',
  '-A -u 192.168.100.1:53 -s wrr',
  '-a -u 192.168.100.1:53 -r 192.168.21.1:5353 -m -w 1',
  '-a -u 192.168.100.1:53 -r 192.168.22.1:5353 -m -w 3',
  '-A -t [fd00:100::1]:80 -s wrr',
  '-a -t [fd00:100::1]:80 -r [fd00:21::1]:8080 -m -w 1',
  '-a -t [fd00:100::1]:80 -r [fd00:22::1]:8080 -m -w 1',
  '-a -t [fd00:100::1]:80 -r [fd00:23::1]:8080 -m -w 4',
];

const TARGETS: readonly (StreamTarget & { service: string })[] = [
  { kind: 'http', address: '192.168.100.1', port: 80, service: '-t 192.168.100.1:80' },
  { kind: 'udp', address: '192.168.100.1', port: 53, service: '-u 192.168.100.1:53' },
  { kind: 'http', address: 'fd00:100::1', port: 80, service: '-t [fd00:100::1]:80' },
];

/** The name (net.sh: sN) of a real server of the traffic network, from its `address:port`. */
function serverName(target: string): string | undefined {
  const m = /^(?:192\.168\.2(\d)\.1|\[fd00:2(\d)::1\]):\d+$/.exec(target);
  return m ? `s${m[1] ?? m[2]}` : undefined;
}

/** The server names a file gives each target. */
function serversByTarget(rules: readonly string[]): Set<string>[] {
  const services = parseRules(`${rules.join('\n')}\n`);
  return TARGETS.map((t) => {
    const s = services.find((x) => x.id === t.service);
    if (s === undefined) throw new Error(`no service ${t.service} in the rules`);
    return new Set(s.servers.map((d) => {
      const name = serverName(d.target);
      if (name === undefined) throw new Error(`not a server of the traffic network: ${d.target}`);
      return name;
    }));
  });
}

interface Measured {
  method: ReloadMethod;
  report: StreamReport;
  reloads: Reload[];
  expected: Record<string, string>;
  /** Per reload window (after each reload until the next, or the end), per target: answers by server. */
  windows: { file: string; answeredBy: Map<string, number>[] }[];
  /**
   * Failed requests that were in flight, during a reload, to a real server
   * that reload deleted (by the connection table): IPVS drops the packets of
   * a connection whose server is deleted, whichever way the reload is done.
   */
  toDeleted: StreamEvent[];
  /** The other failed requests: the ones a reload method causes. */
  others: StreamEvent[];
  /** Requests that started while each reload ran. */
  during: number[];
  /** Answers before the first reload (the table of file A), per target. */
  before: Map<string, number>[];
  seconds: number;
}

let scratch = '';
let fileA = '';
let fileB = '';
const results = new Map<ReloadMethod, Measured>();

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'reload-traffic-'));
  fileA = path.join(scratch, 'a.rules');
  fileB = path.join(scratch, 'b.rules');
  fs.writeFileSync(fileA, `${RULES_A.join('\n')}\n`);
  fs.writeFileSync(fileB, `${RULES_B.join('\n')}\n`);
});

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

function tally(events: StreamReport['events'], from: number, to: number): Map<string, number>[] {
  const out = TARGETS.map(() => new Map<string, number>());
  for (const [start, , target, outcome] of events) {
    if (start < from || start >= to || outcome.startsWith('!')) continue;
    out[target].set(outcome, (out[target].get(outcome) ?? 0) + 1);
  }
  return out;
}

/**
 * Splits the failed requests: those in flight (during a reload) on a
 * connection to a real server the reload deleted, and the others.
 */
function classifyFailures(events: readonly StreamEvent[], reloads: readonly Reload[], connections: Map<string, { server: string }>):
  { toDeleted: StreamEvent[]; others: StreamEvent[] } {
  const servers = new Map([[fileA, serversByTarget(RULES_A)], [fileB, serversByTarget(RULES_B)]]);
  const deleted = reloads.map((r, k) => {
    const before = servers.get(k === 0 ? fileA : reloads[k - 1].file)!;
    const after = servers.get(r.file)!;
    return before.map((names, t) => new Set([...names].filter((n) => !after[t].has(n))));
  });
  const toDeleted: StreamEvent[] = [];
  const others: StreamEvent[] = [];
  for (const e of events) {
    const [start, end, target, outcome, port] = e;
    if (!outcome.startsWith('!')) continue;
    const connection = connections.get(`${TARGETS[target].kind === 'http' ? 'TCP' : 'UDP'}:${port}`);
    const server = connection === undefined ? undefined : serverName(connection.server);
    const inFlightToDeleted = server !== undefined &&
      reloads.some((r, k) => start <= r.endMs && end >= r.startMs && deleted[k][target].has(server));
    (inFlightToDeleted ? toDeleted : others).push(e);
  }
  return { toDeleted, others };
}

/** The whole measurement of one method, in a fresh namespace and network; everything is removed afterwards. */
async function measure(method: ReloadMethod): Promise<Measured> {
  const started = Date.now();
  const net = new TrafficNet(`reload-${process.pid}-${method === 'apply' ? 'a' : 'f'}`, path.join(scratch, method));
  let stream: Stream | undefined;
  try {
    net.start();
    const [saveB, saveA] = expectedSaves(net, [fileB, fileA]); // leaves A in the table
    stream = new Stream(net, TARGETS, { workers: WORKERS, rate: RATE, timeoutS: REQUEST_TIMEOUT_S, maxSeconds: STREAM_MAX_S });
    await stream.ready(15_000);
    await sleep(1000);
    const files = Array.from({ length: RELOADS }, (_, k) => (k % 2 === 0 ? fileB : fileA));
    const reloads = reloadSeries(net, method, files, GAP_S);
    await sleep(1000);
    const report = await stream.stop(4 * REQUEST_TIMEOUT_S * 1000 + 10_000);
    stream = undefined;
    // A connection's entry may be gone by the end (a reset one expires in 10 s): the tables seen after each reload too.
    const connections = new Map([...reloads.flatMap((r) => [...r.open]), ...connectionTable(net)]);
    fs.writeFileSync(path.join(repoRoot(__dirname), 'dist', `reload-traffic-${method === 'apply' ? 'apply' : 'flush-restore'}.json`), JSON.stringify({ report, reloads: reloads.map((r) => ({ ...r, open: undefined })), connections: [...connections] }));
    const { toDeleted, others } = classifyFailures(report.events, reloads, connections);
    const ends = [...reloads.slice(1).map((r) => r.startMs), Infinity];
    return {
      method,
      report,
      toDeleted,
      others,
      reloads,
      expected: { [fileA]: saveA, [fileB]: saveB },
      windows: reloads.map((r, k) => ({ file: r.file, answeredBy: tally(report.events, r.endMs + SETTLE_MS, ends[k]) })),
      before: tally(report.events, 0, reloads[0].startMs),
      during: reloads.map((r) => report.events.filter((e) => e[0] >= r.startMs && e[0] <= r.endMs).length),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    stream?.kill();
    const problems = net.stop();
    if (problems.length) throw new Error(`cleaning up the traffic network: ${problems.join('; ')}`);
  }
}

function figures(m: Measured): string {
  return `${m.reloads.length} reloads, ${m.report.sent} requests, ${m.report.failed} failed` +
    ` (${m.toDeleted.length} in flight to a deleted server)`;
}

function failureDetail(m: Measured): string {
  const kinds = Object.entries(m.report.failures).map(([k, n]) => `${k} ${n}`).join(', ');
  const firstFailures = m.others.slice(0, 10);
  const reloads = m.reloads.map((r) => `${path.basename(r.file)} ${r.startMs}-${r.endMs}`).join(', ');
  const ms = m.reloads.map((r) => r.endMs - r.startMs);
  const timing = `reloads took ${Math.min(...ms)}-${Math.max(...ms)} ms, ${m.during.reduce((x, y) => x + y, 0)} requests started during them`;
  return `${m.method}: ${figures(m)} (${kinds || 'none'}); ${timing}; first failures not to a deleted server ${JSON.stringify(firstFailures)}; to a deleted server ${JSON.stringify(m.toDeleted.slice(0, 5))}; reloads ${reloads}`;
}

/** What every run must show, whatever the method: the stream worked, every reload made the table its file says. */
function checkRun(m: Measured): void {
  const r = m.report;
  expect({ allStopped: r.all_workers_stopped, portsReused: r.ports_reused }).toEqual({ allStopped: true, portsReused: false });
  expect(r.sent).toBeGreaterThanOrEqual(MIN_REQUESTS);
  expect(r.answered + r.failed).toBe(r.sent);
  // Every reload left what the real ipvsadm restores from its file on an empty table.
  for (const reload of m.reloads) {
    expect({ file: path.basename(reload.file), status: reload.status, save: reload.save })
      .toEqual({ file: path.basename(reload.file), status: 0, save: m.expected[reload.file] });
  }
  // Before the first reload: file A's servers, and each of them answered.
  const a = serversByTarget(RULES_A);
  const b = serversByTarget(RULES_B);
  m.before.forEach((answers, t) => expect([...answers.keys()].sort()).toEqual([...a[t]].sort()));
  // After each reload: only its file's servers answered.
  for (const w of m.windows) {
    const allowed = w.file === fileA ? a : b;
    w.answeredBy.forEach((answers, t) => {
      const context = `${m.method}, after a reload of ${path.basename(w.file)}, ${TARGETS[t].kind} ${TARGETS[t].address}`;
      expect({ context, servers: [...answers.keys()].filter((s) => !allowed[t].has(s)) }).toEqual({ context, servers: [] });
    });
  }
  // Over all windows of a file, every server it has answered (the servers added took traffic).
  for (const [file, allowed] of [[fileA, a], [fileB, b]] as const) {
    allowed.forEach((servers, t) => {
      const windows = m.windows.filter((w) => w.file === file);
      const seen = new Set(windows.flatMap((w) => [...w.answeredBy[t].keys()]));
      const answers = windows.reduce((n, w) => n + [...w.answeredBy[t].values()].reduce((x, y) => x + y, 0), 0);
      const context = `${m.method}, after the reloads of ${path.basename(file)}, ${TARGETS[t].kind} ${TARGETS[t].address}`;
      expect({ context, seen: [...seen].sort(), enough: answers >= MIN_PER_FILE_WINDOWS })
        .toEqual({ context, seen: [...servers].sort(), enough: true });
    });
  }
}

describe('a reload under a continuous stream of requests', () => {
  test('the rules files differ as the measurement needs: servers added, removed, re-weighted, a scheduler changed', () => {
    const a = parseRules(`${RULES_A.join('\n')}\n`);
    const b = parseRules(`${RULES_B.join('\n')}\n`);
    expect(a.map((s) => s.id)).toEqual(b.map((s) => s.id));
    const changes = new Set<string>();
    for (const sa of a) {
      const sb = b.find((s) => s.id === sa.id)!;
      if (sa.options !== sb.options) changes.add('service edited');
      for (const d of sb.servers) {
        const old = sa.servers.find((x) => x.target === d.target);
        if (old === undefined) changes.add('server added');
        else if (old.options !== d.options) changes.add('server edited');
      }
      if (sa.servers.some((d) => !sb.servers.some((x) => x.target === d.target))) changes.add('server removed');
      expect(Math.min(sa.servers.length, sb.servers.length)).toBeGreaterThan(0);
    }
    expect([...changes].sort()).toEqual(['server added', 'server edited', 'server removed', 'service edited']);
  });

  test(`ipvsadm apply, ${RELOADS} reloads: no request fails, each reload gives its file's table`, async () => {
    const m = await measure('apply');
    results.set('apply', m);
    for (const reload of m.reloads) {
      // A successful apply prints nothing.
      expect({ file: path.basename(reload.file), status: reload.status, output: reload.output })
        .toEqual({ file: path.basename(reload.file), status: 0, output: '' });
    }
    checkRun(m);
    expect({ during: m.during, enough: m.during.every((n) => n >= MIN_DURING_APPLY) }).toEqual({ during: m.during, enough: true });
    // No failure at all: not even on a connection in flight to a server the reload removes.
    expect({ failed: m.report.failed, detail: m.report.failed === 0 ? '' : failureDetail(m) }).toEqual({ failed: 0, detail: '' });
  }, MEASURE_TIMEOUT_MS);

  test(`ipvsadm -C; ipvsadm -R < file, ${RELOADS} reloads: requests fail (the measurement sees drops)`, async () => {
    const m = await measure('flush+restore');
    results.set('flush+restore', m);
    for (const reload of m.reloads) expect({ file: path.basename(reload.file), output: reload.output }).toEqual({ file: path.basename(reload.file), output: '' });
    checkRun(m);
    // Failures apply does not cause: the moments without a service refuse or drop requests.
    expect({ failed: m.others.length > 0, detail: failureDetail(m) }).toEqual({ failed: true, detail: failureDetail(m) });
  }, MEASURE_TIMEOUT_MS);

  afterAll(() => {
    const apply = results.get('apply');
    const flush = results.get('flush+restore');
    if (apply === undefined || flush === undefined) return;
    const line = `zero-downtime reload: apply ${figures(apply)}; flush+restore ${figures(flush)}`;
    const detail = [apply, flush].map((m) => `${failureDetail(m).replace(/; first failures .*/, '')}; ${m.seconds.toFixed(1)} s`);
    fs.writeFileSync(path.join(repoRoot(__dirname), 'dist', 'reload-traffic.txt'), `${line}\n${detail.join('\n')}\n`);
    console.log(`${line}\n${detail.join('\n')}`);
  });
});
