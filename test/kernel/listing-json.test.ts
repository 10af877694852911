// Issue 9: `--json` on a table that carried real traffic. In a network
// namespace of the test's own with the traffic network around it (as the
// reload test builds it), requests go through NAT services; then every value
// of our `-L -n --json` must equal what the real ipvsadm's text says in each
// layout (plain, --stats --exact, --rate --exact, --thresholds,
// --persistent-conn, --tun-info), read at the same moment (the real listing
// before and after ours agree). The same for `-L -c`, `--timeout` and
// `--daemon`; and `-S --json` read back by `apply` gives the same table.
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { requireLab } from './client-lab';
import { TRAFFIC, shInNet, shellQuote, trafficNetForFile } from './reload-lab';

requireLab();

const OURS = path.join(repoRoot(__dirname), 'bin', 'ipvsadm');
const REAL = '/usr/sbin/ipvsadm';
const SLOW = 240_000;
const ATTEMPTS = 6;

const TABLE = [
  '-A -t 192.168.100.1:80 -s rr',
  '-a -t 192.168.100.1:80 -r 192.168.21.1:8080 -m -w 1 -x 100 -y 10',
  '-a -t 192.168.100.1:80 -r 192.168.22.1:8080 -m -w 2',
  '-A -u 192.168.100.1:53 -s rr -p 60',
  '-a -u 192.168.100.1:53 -r 192.168.21.1:5353 -m -w 1',
  '-a -u 192.168.100.1:53 -r 192.168.23.1:5353 -m -w 1',
  '-A -t [fd00:100::1]:80 -s wrr',
  '-a -t [fd00:100::1]:80 -r [fd00:22::1]:8080 -m -w 3',
  '-a -t [fd00:100::1]:80 -r [fd00:23::1]:8080 -m -w 1',
  '-A -t 192.168.100.2:80 -s sh -b sh-port',
  '-a -t 192.168.100.2:80 -r 192.168.24.1:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum',
  '-a -t 192.168.100.2:80 -r 192.168.25.1:80 -i -w 1 --tun-type gre --tun-nocsum',
  '-a -t 192.168.100.2:80 -r 192.168.26.1:80 -g -w 0',
  '',
].join('\n');

const traffic = trafficNetForFile('json', SLOW);

beforeAll(() => {
  sh(`${REAL} -R <<'TABLE'\n${TABLE}TABLE`);
  const sent = sh(`sh ${shellQuote(path.join(TRAFFIC, 'net.sh'))} client http 192.168.100.1 80 30 udp 192.168.100.1 53 20 http fd00:100::1 80 12`);
  expect(sent).not.toContain('FAILED');
  sh(`sh ${shellQuote(path.join(TRAFFIC, 'facts.sh'))} settle`);
}, SLOW);

/** One shell in the director's namespace; fails the test on a non-zero status. */
const sh = (script: string) => shInNet(traffic.net(), script);

const MARK = '@@ json moment @@';

/**
 * The real listing before and after ours, in one shell, until both agree
 * (after `same` has set aside what may change meanwhile): then ours was
 * taken in the same state.
 */
function sameMoment(realArgs: string, oursArgs: string, same: (text: string) => string = (t) => t): { real: string; ours: string; after: string } {
  for (let i = 0; i < ATTEMPTS; i++) {
    const out = sh(`${REAL} ${realArgs}; echo '${MARK}'; ${process.execPath} ${OURS} ${oursArgs}; echo '${MARK}'; ${REAL} ${realArgs}`);
    const [before, ours, after] = out.split(`${MARK}\n`);
    if (same(before) === same(after)) return { real: before, ours, after };
  }
  throw new Error(`the real ${realArgs} never agreed with itself around ours in ${ATTEMPTS} tries`);
}

// ------------------------------------------------------------ the classic text, read back

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `TCP  192.168.100.1:80 rr ...` and `  -> 192.168.21.1:8080 Masq 1 0 0`: [identity, ...the rest's words]. */
function textRows(text: string): string[][] {
  return text
    .split('\n')
    .slice(3)
    .filter((l) => l !== '')
    .map((l) => {
      const words = l.trim().split(/ +/);
      return words[0] === '->' ? [`-> ${words[1]}`, ...words.slice(2)] : words[0] === 'FWM' ? [`FWM ${words[1]}`, ...words.slice(2)] : [`${words[0]} ${words[1]}`, ...words.slice(2)];
    });
}

const hostPort = (family: string, address: string, port: number) => (family === 'inet6' ? `[${address}]:${port}` : `${address}:${port}`);
const serviceId = (s: Json) => (s.fwmark !== null ? `FWM ${s.fwmark}` : `${s.protocol.toUpperCase()} ${hostPort(s.family, s.address, s.port)}`);
const forward = (d: Json) => ({ masq: 'Masq', route: 'Route', tunnel: 'Tunnel', local: 'Local' })[d.forwarding as string]!;

/** The rows a layout shows, built from our JSON document alone. */
function jsonRows(doc: Json, layout: string): string[][] {
  const rows: string[][] = [];
  const numbers = (o: Json, keys: string[]) => keys.map((k) => String(o[k]));
  for (const s of doc.services) {
    const stats = ['conns', 'inpkts', 'outpkts', 'inbytes', 'outbytes'];
    const rate = ['cps', 'inpps', 'outpps', 'inbps', 'outbps'];
    let head: string[] = [];
    if (layout === 'stats') head = numbers(s.stats, stats);
    else if (layout === 'rate') head = numbers(s.rate, rate);
    else {
      head = [s.scheduler];
      if (s.schedulerFlags.length > 0) head.push(`(${s.schedulerFlags.join(',')})`);
      if (s.persistent) head.push('persistent', String(s.persistent.timeout));
      if (s.onePacket) head.push('ops');
    }
    rows.push([serviceId(s), ...head]);
    for (const d of s.realServers) {
      const id = `-> ${hostPort(d.family, d.address, d.port)}`;
      const tunnel = d.tunnel === null ? 'n/a'
        : [d.tunnel.type, ...(d.tunnel.type === 'gue' ? [String(d.tunnel.port)] : []),
          ...(d.tunnel.type === 'ipip' ? [] : [{ nocsum: '-c', csum: '+c', remcsum: 'r+c' }[d.tunnel.checksum as string]!])].join(':');
      const values: Record<string, string[]> = {
        plain: [forward(d), String(d.weight), String(d.activeConns), String(d.inactiveConns)],
        stats: numbers(d.stats, stats),
        rate: numbers(d.rate, rate),
        thresholds: [String(d.upperThreshold), String(d.lowerThreshold), String(d.activeConns), String(d.inactiveConns)],
        'persistent-conn': [String(d.weight), String(d.persistentConns), String(d.activeConns), String(d.inactiveConns)],
        'tun-info': [forward(d), tunnel, String(d.weight), String(d.activeConns), String(d.inactiveConns)],
      };
      rows.push([id, ...values[layout]]);
    }
  }
  return rows;
}

/** JSON.parse, with 64-bit counters read exactly: every integer above 2^53 would be rounded, so there must be none here. */
function parse(text: string): Json {
  expect(text.endsWith('\n')).toBe(true);
  for (const m of text.matchAll(/:(\d{16,})/g)) expect(BigInt(m[1]) <= BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  return JSON.parse(text);
}

describe('--json against the classic text, on a table that carried traffic', () => {
  test('the traffic left counters, rates and connections to compare', () => {
    const { ours } = sameMoment('-L -n --stats --exact', '-L -n --json');
    const doc = parse(ours);
    const tcp = doc.services.find((s: Json) => s.port === 80 && s.family === 'inet' && s.scheduler === 'rr');
    expect(BigInt(tcp.stats.conns)).toBeGreaterThanOrEqual(30n);
    expect(BigInt(tcp.stats.inbytes)).toBeGreaterThan(0n);
    expect(doc.services.find((s: Json) => s.protocol === 'udp').stats.conns).toBeGreaterThanOrEqual(1);
  }, SLOW);

  test.each([
    ['plain', '-L -n'],
    ['stats', '-L -n --stats --exact'],
    ['rate', '-L -n --rate --exact'],
    ['thresholds', '-L -n --thresholds'],
    ['persistent-conn', '-L -n --persistent-conn'],
    ['tun-info', '-L -n --tun-info'],
  ])('%s: every row of the real `%s` is the JSON document\'s', (layout, realArgs) => {
    const { real, ours } = sameMoment(realArgs, `${realArgs.replace(' --exact', '')} --json`);
    const doc = parse(ours);
    expect(real.split('\n')[0]).toBe(`IP Virtual Server version ${doc.ipvs.version} (size=${doc.ipvs.connTableSize})`);
    expect(jsonRows(doc, layout)).toEqual(textRows(real));
  }, SLOW);

  test('one service: the same values as in the full listing', () => {
    const { real, ours } = sameMoment('-L -n --stats --exact -t 192.168.100.1:80', '-L -n -t 192.168.100.1:80 --json');
    const doc = parse(ours);
    expect(doc.ipvs).toBeUndefined();
    expect(jsonRows(doc, 'stats')).toEqual(textRows(`\n\n\n${real.split('\n').slice(2).join('\n')}`));
  }, SLOW);

  test('-L -c: every connection entry, as the real -L -c -n lists them', () => {
    // The expiry column counts down while the three listings run: it is
    // compared apart, ours between the real one before and the one after.
    const rows = (text: string) => text.split('\n').slice(2).filter((l) => l !== '').map((l) => l.trim().split(/ +/));
    const withoutExpiry = (text: string) => rows(text).map((w) => [w[0], ...w.slice(2)].join(' ')).join('\n');
    const { real, ours, after } = sameMoment('-L -c -n', '-L -c --json', withoutExpiry);
    const doc = parse(ours);
    const lines = rows(real);
    expect(lines.length).toBeGreaterThan(0);
    const seconds = (mmss: string) => Number(mmss.split(':')[0]) * 60 + Number(mmss.split(':')[1]);
    expect(doc.connections.map((c: Json) => [c.protocol.toUpperCase(), c.state,
      hostPort(c.client.family, c.client.address, c.client.port), hostPort(c.virtual.family, c.virtual.address, c.virtual.port),
      hostPort(c.destination.family, c.destination.address, c.destination.port)].join(' ')))
      .toEqual(lines.map((w) => [w[0], ...w.slice(2)].join(' ')));
    const later = rows(after);
    doc.connections.forEach((c: Json, i: number) => {
      expect(c.expires).toBeLessThanOrEqual(seconds(lines[i][1]));
      expect(c.expires).toBeGreaterThanOrEqual(seconds(later[i][1]));
    });
  }, SLOW);

  test('--timeout and --daemon', () => {
    const timeouts = sameMoment('-L --timeout', '-L --timeout --json');
    const t = parse(timeouts.ours).timeouts;
    expect(timeouts.real).toBe(`Timeout (tcp tcpfin udp): ${t.tcp} ${t.tcpFin} ${t.udp}\n`);
    sh(`${REAL} --start-daemon master --mcast-interface d0 --syncid 7 --mcast-group 239.1.1.7 --mcast-port 9007 --mcast-ttl 3`);
    const daemons = sameMoment('-L --daemon', '-L --daemon --json');
    const d = parse(daemons.ours).daemons;
    expect(d).toHaveLength(1);
    expect(daemons.real).toBe(
      `master sync daemon (mcast=${d[0].mcastInterface}, syncid=${d[0].syncId}, maxlen=${d[0].syncMaxlen}, group=${d[0].mcastGroup}, ` +
        `port=${d[0].mcastPort}, ttl=${d[0].mcastTtl})\n`,
    );
    expect([d[0].state, d[0].syncId, d[0].mcastGroup, d[0].mcastPort, d[0].mcastTtl]).toEqual(['master', 7, '239.1.1.7', 9007, 3]);
  }, SLOW);
});

describe('-S --json read back by apply', () => {
  test('on an empty table, apply of what -S --json wrote gives the same -S -n', () => {
    const before = sh(`${REAL} -S -n`);
    expect(before.split('\n').length).toBeGreaterThan(10);
    const file = path.join(traffic.net().dir, 'saved.json');
    sh(`${process.execPath} ${OURS} -S --json > ${shellQuote(file)} && ${REAL} -C && ${process.execPath} ${OURS} apply ${shellQuote(file)}`);
    expect(sh(`${REAL} -S -n`)).toBe(before);
    expect(sh(`${process.execPath} ${OURS} diff ${shellQuote(file)}; echo "status $?"`)).toBe('status 0\n');
  }, SLOW);
});
