// Issue 9: `ipvsadm drain` under traffic, in a network namespace of the
// test's own with the traffic network around it. A connection is held open
// to one server of a NAT service; draining that server sends every new
// request to the other one; with --wait shorter than the held connection the
// drain gives up with status 1 and leaves the server at weight 0; with a
// longer one the held connection finishes (answered by the drained server)
// and the server is deleted once its connections are gone.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { requireLab } from './client-lab';
import { TRAFFIC, shInNet, shellQuote, trafficNetForFile } from './reload-lab';
import { sleep } from './apply-lab';
import { Terminal, terminalEnv, tmuxInstalled } from './terminal';

requireLab();

const OURS = path.join(repoRoot(__dirname), 'bin', 'ipvsadm');
const REAL = '/usr/sbin/ipvsadm';
const SLOW = 240_000;

const SERVERS: Record<string, string> = { s1: '192.168.21.1:8080', s2: '192.168.22.1:8080' };

const traffic = trafficNetForFile('drain', SLOW);

const shOk = (script: string, ns?: string) => shInNet(traffic.net(), script, ns);

/** A service of two NAT servers, s1 and s2, with nothing else in the table. */
function service(vip: string): void {
  shOk(`${REAL} -C && ${REAL} -A -t ${vip} -s rr && ${REAL} -a -t ${vip} -r ${SERVERS.s1} -m -w 1 && ${REAL} -a -t ${vip} -r ${SERVERS.s2} -m -w 1`);
}

/** Holds a connection to the VIP from the client namespace; resolves with the file it reports to once it is open. */
async function hold(vip: string, seconds: number, name: string): Promise<string> {
  const out = path.join(traffic.net().dir, `${name}.held`);
  const [addr, port] = vip.split(':');
  shOk(`python3 ${shellQuote(path.join(TRAFFIC, 'held.py'))} ${addr} ${port} ${seconds} ${shellQuote(out)} </dev/null >/dev/null 2>&1 &`, traffic.net().client);
  for (let i = 0; i < 100 && !fs.existsSync(out); i++) await sleep(100);
  expect(fs.readFileSync(out, 'utf8')).toBe('open\n');
  return out;
}

/** The server (s1 or s2) with an active connection, by the real listing. */
function busyServer(vip: string): string {
  const lines = shOk(`${REAL} -L -n -t ${vip}`).split('\n').filter((l) => l.includes('->') && !l.includes('RemoteAddress'));
  const busy = lines.filter((l) => l.trim().split(/ +/)[4] === '1').map((l) => l.trim().split(/ +/)[1]);
  expect(busy).toHaveLength(1);
  return Object.keys(SERVERS).find((s) => SERVERS[s] === busy[0])!;
}

/** Who answers new requests to the VIP: the client's summary line. */
function requests(vip: string, n: number): string {
  const [addr, port] = vip.split(':');
  return shOk(`sh ${shellQuote(path.join(TRAFFIC, 'net.sh'))} client http ${addr} ${port} ${n}`);
}

function ours(args: string): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn('nsenter', [`--net=/run/netns/${traffic.net().director}`, '--', process.execPath, OURS, ...args.split(' ')], {
    env: { ...process.env, IPVSADM_ARGV0: 'ipvsadm' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('drain on a terminal', () => {
  test('the sysctls that are off, a progress line while the held connection lasts, then the outcome', async () => {
    expect(tmuxInstalled()).toBe(true);
    const vip = '192.168.100.3:80';
    service(vip);
    shOk('sysctl -qw net.ipv4.vs.expire_nodest_conn=0');
    await hold(vip, 5, 'watched');
    const busy = busyServer(vip);
    const socketDir = fs.mkdtempSync(path.join(fs.existsSync('/run') ? '/run' : os.tmpdir(), 'drain-tty-'));
    const t = new Terminal(socketDir, { width: 160, height: 20, env: terminalEnv() });
    try {
      t.start(['nsenter', `--net=/run/netns/${traffic.net().director}`, '--', process.execPath, OURS, 'drain', '-t', vip, '-r', SERVERS[busy], '--wait', '60']);
      const target = `${SERVERS[busy]} of -t ${vip}`;
      const during = await t.waitForScreen((s) => s.rows.some((r) => r.startsWith(`draining ${target}: 1 active,`)), 'the progress line');
      expect(during.rows[0]).toMatch(/^ipvsadm: drain: note: net\.ipv4\.vs\.expire_nodest_conn is 0: /);
      expect(during.rows.find((r) => r.startsWith('draining'))).toMatch(/^draining .*: 1 active, 0 inactive, \d+ seconds left$/);
      expect(await t.waitForExit(90_000)).toBe(0);
      const after = t.screen().rows;
      expect(after[after.length - 1]).toMatch(new RegExp(`^${target.replace(/[.]/g, '\\.')} drained in \\d+ seconds; deleted$`));
      // The progress line was cleared, not left behind.
      expect(after.filter((r) => r.startsWith('draining'))).toEqual([]);
    } finally {
      t.close();
      fs.rmSync(socketDir, { recursive: true, force: true });
    }
  }, SLOW);
});

describe('drain under traffic', () => {
  test('--wait shorter than a held connection: status 1, the server stays at weight 0 and gets no new request', async () => {
    const vip = '192.168.100.1:80';
    service(vip);
    await hold(vip, 40, 'long');
    const busy = busyServer(vip);
    const other = busy === 's1' ? 's2' : 's1';
    const r = await ours(`drain -t ${vip} -r ${SERVERS[busy]} --wait 3`);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 1, stdout: '' });
    expect(r.stderr).toMatch(new RegExp(`^ipvsadm: drain: ${SERVERS[busy]} of -t ${vip}: 1 active and 0 inactive connections left after 3 seconds; it stays at weight 0\n`));
    expect(r.ms).toBeGreaterThanOrEqual(3000);
    expect(shOk(`${REAL} -S -n`)).toContain(`-a -t ${vip} -r ${SERVERS[busy]} -m -w 0\n`);
    expect(requests(vip, 10)).toBe(`http ${vip} x10: 10 answered (${other} 10)\n`);
  }, SLOW);

  test('a longer --wait: new requests go to the other server, the held one finishes on the drained server, which is then deleted', async () => {
    const vip = '192.168.100.2:80';
    service(vip);
    const held = await hold(vip, 4, 'short');
    const busy = busyServer(vip);
    const other = busy === 's1' ? 's2' : 's1';
    const draining = ours(`drain -t ${vip} -r ${SERVERS[busy]} --wait 60`);
    await sleep(1500);
    expect(requests(vip, 10)).toBe(`http ${vip} x10: 10 answered (${other} 10)\n`);
    const r = await draining;
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
    // It waited for the held connection: 4 s of holding (less the start-up), then its short CLOSE state.
    expect(r.ms).toBeGreaterThan(3000);
    expect(fs.readFileSync(held, 'utf8')).toBe(`${busy}\n`);
    expect(shOk(`${REAL} -S -n`)).toBe(`-A -t ${vip} -s rr\n-a -t ${vip} -r ${SERVERS[other]} -m -w 1\n`);
  }, SLOW);
});
