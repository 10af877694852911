// ipvsadm-realserver on a real kernel: each test prepares a fresh network
// namespace of its own as a real server with bin/ipvsadm-realserver, then
// looks at it with ip and the sysctl files: DR (IPv4 and IPv6 VIPs on lo),
// TUN of each type, idempotence, --dry-run (its commands, run one by one,
// make the same host as the program), and --undo (exactly what was added goes,
// what was there before stays, sysctls come back).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { requireLab } from './client-lab';

requireLab();

const PROGRAM = path.join(repoRoot(__dirname), 'bin', 'ipvsadm-realserver');
const SLOW = 60_000;

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(argv: readonly string[]): Ran {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
  if (r.error) throw new Error(`${argv.join(' ')}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function must(argv: readonly string[]): string {
  const r = run(argv);
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: status ${r.status}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

let made = 0;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'realserver-'));
const namespaces: string[] = [];

/** A fresh network namespace (lo down, nothing else but the tunnels' fallback devices) and a state directory of its own. */
class RealServer {
  readonly ns: string;
  readonly stateDir: string;

  constructor() {
    this.ns = `rs${process.pid}-${++made}`;
    this.stateDir = path.join(scratch, this.ns);
    must(['ip', 'netns', 'add', this.ns]);
    namespaces.push(this.ns);
  }

  in(argv: readonly string[]): Ran {
    return run(['nsenter', `--net=/run/netns/${this.ns}`, '--', ...argv]);
  }

  mustIn(argv: readonly string[]): string {
    const r = this.in(argv);
    if (r.status !== 0) throw new Error(`${argv.join(' ')} in ${this.ns}: status ${r.status}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  program(...args: string[]): Ran {
    return this.in([process.execPath, PROGRAM, '--state-dir', this.stateDir, ...args]);
  }

  /** `ip -o addr show dev DEV` as "inet 10.0.0.100/32" words, sorted. */
  addresses(device: string): string[] {
    return this.mustIn(['ip', '-o', 'addr', 'show', 'dev', device]).split('\n').filter(Boolean)
      .map((l) => /\s(inet6?) (\S+)/.exec(l)).filter((m): m is RegExpExecArray => m !== null).map((m) => `${m[1]} ${m[2]}`).sort();
  }

  up(device: string): boolean {
    return /[<,]UP[,>]/.test(this.mustIn(['ip', '-o', 'link', 'show', 'dev', device]));
  }

  sysctl(device: string, key: string): string {
    return this.mustIn(['cat', `/proc/sys/net/ipv4/conf/${device}/${key}`]).trim();
  }

  setSysctl(device: string, key: string, value: string): void {
    this.mustIn(['sysctl', '-q', '-w', `net.ipv4.conf.${device}.${key}=${value}`]);
  }

  /** Everything a test looks at, to compare before and after. */
  snapshot(devices: readonly string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const d of ['all', ...devices]) {
      for (const key of ['arp_ignore', 'arp_announce', 'rp_filter']) out[`${d}.${key}`] = this.sysctl(d, key);
      if (d !== 'all') out[d] = { up: this.up(d), addresses: this.addresses(d) };
    }
    out.fou = this.mustIn(['ip', 'fou', 'show']);
    return out;
  }

  get stateFile(): string {
    return path.join(this.stateDir, 'state.json');
  }
}

afterAll(() => {
  for (const ns of namespaces) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 10_000 });
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('ipvsadm-realserver dr', () => {
  test('VIPs on lo, ARP sysctls; a second run changes nothing; undo restores exactly', () => {
    const rs = new RealServer();
    // Already there before: lo up (as on any host), an address the program
    // must keep, and a sysctl value to come back to.
    rs.mustIn(['ip', 'link', 'set', 'dev', 'lo', 'up']);
    rs.mustIn(['ip', 'addr', 'add', '10.0.0.101/32', 'dev', 'lo']);
    rs.setSysctl('all', 'arp_announce', '1');
    const before = rs.snapshot(['lo']);

    const first = rs.program('dr', '10.0.0.100', '10.0.0.101', 'fd00::100');
    expect(first).toEqual({
      status: 0,
      stderr: '',
      stdout: [
        'sysctl -w net.ipv4.conf.all.arp_ignore=1',
        'sysctl -w net.ipv4.conf.all.arp_announce=2',
        'sysctl -w net.ipv4.conf.lo.arp_ignore=1',
        'sysctl -w net.ipv4.conf.lo.arp_announce=2',
        'ip addr add 10.0.0.100/32 dev lo',
        'ip -6 addr add fd00::100/128 dev lo nodad',
        '',
      ].join('\n'),
    });
    expect(rs.addresses('lo')).toEqual(expect.arrayContaining(['inet 10.0.0.100/32', 'inet 10.0.0.101/32', 'inet6 fd00::100/128']));
    expect(rs.up('lo')).toBe(true);
    for (const d of ['all', 'lo']) {
      expect(`${d} ${rs.sysctl(d, 'arp_ignore')} ${rs.sysctl(d, 'arp_announce')}`).toBe(`${d} 1 2`);
    }
    expect(fs.existsSync(rs.stateFile)).toBe(true);

    expect(rs.program('dr', '10.0.0.100', '10.0.0.101', 'fd00::100')).toEqual({ status: 0, stdout: '', stderr: '' });

    const undo = rs.program('--undo');
    expect(undo).toMatchObject({ status: 0, stderr: '' });
    expect(undo.stdout).toBe([
      'ip -6 addr del fd00::100/128 dev lo',
      'ip addr del 10.0.0.100/32 dev lo',
      'sysctl -w net.ipv4.conf.lo.arp_announce=0',
      'sysctl -w net.ipv4.conf.lo.arp_ignore=0',
      'sysctl -w net.ipv4.conf.all.arp_announce=1',
      'sysctl -w net.ipv4.conf.all.arp_ignore=0',
      '',
    ].join('\n'));
    expect(rs.snapshot(['lo'])).toEqual(before);
    expect(rs.addresses('lo')).toContain('inet 10.0.0.101/32');
    expect(fs.existsSync(rs.stateFile)).toBe(false);

    const again = rs.program('--undo');
    expect(again).toEqual({ status: 1, stdout: '', stderr: `ipvsadm-realserver: nothing to undo: no ${rs.stateFile}\n` });
  }, SLOW);

  test('--dry-run changes nothing, and its commands, run one by one, leave nothing for the program to do', () => {
    const rs = new RealServer();
    const before = rs.snapshot(['lo']);
    const dry = rs.program('--dry-run', 'dr', '10.0.0.100', 'fd00::100');
    expect(dry.status).toBe(0);
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toContain('ip addr add 10.0.0.100/32 dev lo\n');
    expect(rs.snapshot(['lo'])).toEqual(before);
    expect(fs.existsSync(rs.stateDir)).toBe(false);
    for (const line of dry.stdout.split('\n').filter(Boolean)) rs.mustIn(line.split(' '));
    expect(rs.program('dr', '10.0.0.100', 'fd00::100')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(fs.existsSync(rs.stateFile)).toBe(false);
  }, SLOW);

  test('a bad VIP is one line and status 2, and nothing changes', () => {
    const rs = new RealServer();
    const before = rs.snapshot(['lo']);
    expect(rs.program('dr', '10.0.0.300')).toEqual({
      status: 2,
      stdout: '',
      stderr: "ipvsadm-realserver: bad VIP '10.0.0.300': not an IPv4 or IPv6 address\nTry 'ipvsadm-realserver --help' for more information.\n",
    });
    expect(rs.snapshot(['lo'])).toEqual(before);
  }, SLOW);
});

describe.each([
  { type: 'ipip', device: 'tunl0' },
  { type: 'gre', device: 'gre0' },
  { type: 'gue', device: 'tunl0' },
])('ipvsadm-realserver tun --type $type', ({ type, device }) => {
  test(`the VIP on ${device}, up, rp_filter 0 on it and on all; again changes nothing; undo restores`, () => {
    const rs = new RealServer();
    rs.setSysctl('all', 'rp_filter', '1');
    rs.setSysctl(device, 'rp_filter', '2');
    const before = rs.snapshot([device]);
    const args = ['tun', '--type', type, ...(type === 'gue' ? ['--port', '6080'] : []), '10.0.0.100'];
    const first = rs.program(...args);
    expect(first).toMatchObject({ status: 0, stderr: '' });
    expect(first.stdout).toContain(`ip link set dev ${device} up\n`);
    expect(rs.up(device)).toBe(true);
    expect(rs.addresses(device)).toContain('inet 10.0.0.100/32');
    expect(`${rs.sysctl('all', 'rp_filter')} ${rs.sysctl(device, 'rp_filter')}`).toBe('0 0');
    expect(`${rs.sysctl(device, 'arp_ignore')} ${rs.sysctl(device, 'arp_announce')}`).toBe('1 2');
    if (type === 'gue') {
      expect(first.stdout).toContain('ip fou add port 6080 gue\n');
      expect(rs.mustIn(['ip', 'fou', 'show'])).toContain('port 6080 gue');
    } else {
      expect(first.stdout).not.toContain('fou');
    }

    expect(rs.program(...args)).toEqual({ status: 0, stdout: '', stderr: '' });

    const undo = rs.program('--undo');
    expect(undo).toMatchObject({ status: 0, stderr: '' });
    expect(rs.snapshot([device])).toEqual(before);
  }, SLOW);
});

test('ipvsadm-realserver tun (ipip) takes IPv6 VIPs on ip6tnl0', () => {
  const rs = new RealServer();
  const first = rs.program('tun', 'fd00::200');
  expect(first).toEqual({ status: 0, stderr: '', stdout: 'ip link set dev ip6tnl0 up\nip -6 addr add fd00::200/128 dev ip6tnl0 nodad\n' });
  expect(rs.up('ip6tnl0')).toBe(true);
  expect(rs.addresses('ip6tnl0')).toContain('inet6 fd00::200/128');
  expect(rs.program('tun', 'fd00::200')).toEqual({ status: 0, stdout: '', stderr: '' });
  expect(rs.program('--undo')).toMatchObject({ status: 0, stderr: '' });
  expect(rs.addresses('ip6tnl0')).not.toContain('inet6 fd00::200/128');
  expect(rs.up('ip6tnl0')).toBe(false);
}, SLOW);
