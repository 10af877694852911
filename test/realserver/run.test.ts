// A whole run of ipvsadm-realserver against a fake rtnetlink and fou (bytes
// through PacketSocket) and a fake host (sysctl files, modprobe, state file).
import { netlinkNetwork } from '../../src/realserver/kernel';
import { parse, UsageError } from '../../src/realserver/parse';
import { run } from '../../src/realserver/run';
import { FakeHost, FakeNetwork } from '../support/fake-network';

const STATE = '/run/test-rs';
const FILE = `${STATE}/state.json`;

function fakes(): { network: FakeNetwork; host: FakeHost } {
  const network = new FakeNetwork();
  return { network, host: new FakeHost(network) };
}

async function runArgs(f: { network: FakeNetwork; host: FakeHost }, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  let invocation;
  try {
    invocation = parse(['--state-dir', STATE, ...argv]);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    invocation = error;
  }
  const system = () => ({ ...netlinkNetwork({ routeSockets: f.network.sockets('route'), genericSockets: f.network.sockets('generic') }), ...bind(f.host) });
  const status = await run(invocation, system, { out: (t) => { stdout += t; }, err: (t) => { stderr += t; } });
  return { status, stdout, stderr };
}

/** The host's methods bound to it (spread loses a class's prototype). */
function bind(host: FakeHost) {
  return {
    readSysctl: host.readSysctl.bind(host),
    writeSysctl: host.writeSysctl.bind(host),
    loadModule: host.loadModule.bind(host),
    netns: host.netns.bind(host),
    readState: host.readState.bind(host),
    writeState: host.writeState.bind(host),
    removeState: host.removeState.bind(host),
  };
}

const DR_LINES = [
  'sysctl -w net.ipv4.conf.all.arp_ignore=1',
  'sysctl -w net.ipv4.conf.all.arp_announce=2',
  'sysctl -w net.ipv4.conf.lo.arp_ignore=1',
  'sysctl -w net.ipv4.conf.lo.arp_announce=2',
  'ip link set dev lo up',
  'ip addr add 10.0.0.100/32 dev lo',
  '',
].join('\n');

describe('dr', () => {
  test('sets the sysctls, brings lo up, adds the VIP, and records it', async () => {
    const f = fakes();
    expect(await runArgs(f, 'dr', '10.0.0.100')).toEqual({ status: 0, stdout: DR_LINES, stderr: '' });
    expect(f.network.hasIPv4('lo', '10.0.0.100')).toBe(true);
    expect(f.network.isUp('lo')).toBe(true);
    expect(f.host.sysctls.get('net.ipv4.conf.all.arp_announce')).toBe('2');
    const record = JSON.parse(f.host.files.get(FILE)!);
    expect(record).toMatchObject({ version: 1, netns: 'net:[4026531840]' });
    expect(record.changes).toHaveLength(6);
  });

  test('a second run changes nothing and prints nothing', async () => {
    const f = fakes();
    await runArgs(f, 'dr', '10.0.0.100');
    const file = f.host.files.get(FILE);
    f.network.log = [];
    expect(await runArgs(f, 'dr', '10.0.0.100')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(f.network.log.filter((k) => k !== 'rt:18' && k !== 'rt:22')).toEqual([]);
    expect(f.host.files.get(FILE)).toBe(file);
  });

  test('--dry-run prints the commands and changes nothing, not even the state file', async () => {
    const f = fakes();
    expect(await runArgs(f, '--dry-run', 'dr', '10.0.0.100')).toEqual({ status: 0, stdout: DR_LINES, stderr: '' });
    expect(f.network.log.sort()).toEqual(['rt:18', 'rt:22']);
    expect(f.host.sysctls.size).toBe(0);
    expect(f.host.files.size).toBe(0);
  });

  test('an IPv6 VIP goes on lo as /128 without duplicate address detection, and needs no sysctl', async () => {
    const f = fakes();
    f.network.links[0].flags = 1;
    expect(await runArgs(f, 'dr', 'fd00:0::100')).toEqual({ status: 0, stdout: 'ip -6 addr add fd00::100/128 dev lo nodad\n', stderr: '' });
    expect(f.network.addresses).toEqual([{ family: 10, index: 1, hex: 'fd000000000000000000000000000100', prefix: 128, flags: 2 }]);
  });

  test('--undo removes what was added, keeps what was there, puts the sysctls back, and removes the state file', async () => {
    const f = fakes();
    f.network.addIPv4('lo', '10.0.0.101', 32);
    f.host.sysctls.set('net.ipv4.conf.all.arp_announce', '1');
    expect((await runArgs(f, 'dr', '10.0.0.100', '10.0.0.101')).status).toBe(0);
    const undo = await runArgs(f, '--undo');
    expect(undo).toEqual({
      status: 0,
      stderr: '',
      stdout: [
        'ip addr del 10.0.0.100/32 dev lo',
        'ip link set dev lo down',
        'sysctl -w net.ipv4.conf.lo.arp_announce=0',
        'sysctl -w net.ipv4.conf.lo.arp_ignore=0',
        'sysctl -w net.ipv4.conf.all.arp_announce=1',
        'sysctl -w net.ipv4.conf.all.arp_ignore=0',
        '',
      ].join('\n'),
    });
    expect(f.network.hasIPv4('lo', '10.0.0.100')).toBe(false);
    expect(f.network.hasIPv4('lo', '10.0.0.101')).toBe(true);
    expect(f.host.sysctls.get('net.ipv4.conf.all.arp_announce')).toBe('1');
    expect(f.host.files.has(FILE)).toBe(false);
  });

  test('--undo --dry-run prints the undo and changes nothing', async () => {
    const f = fakes();
    await runArgs(f, 'dr', '10.0.0.100');
    const file = f.host.files.get(FILE);
    const dry = await runArgs(f, '--undo', '--dry-run');
    expect(dry.stdout.split('\n')[0]).toBe('ip addr del 10.0.0.100/32 dev lo');
    expect(f.network.hasIPv4('lo', '10.0.0.100')).toBe(true);
    expect(f.host.files.get(FILE)).toBe(file);
  });

  test('--undo skips what is already undone', async () => {
    const f = fakes();
    await runArgs(f, 'dr', '10.0.0.100');
    f.network.addresses = [];
    f.host.sysctls.set('net.ipv4.conf.lo.arp_ignore', '0');
    const undo = await runArgs(f, '--undo');
    expect(undo.stdout).not.toContain('addr del');
    expect(undo.stdout).not.toContain('lo.arp_ignore');
  });

  test('--undo without a state file says so in one line, status 1', async () => {
    const f = fakes();
    expect(await runArgs(f, '--undo')).toEqual({ status: 1, stdout: '', stderr: `ipvsadm-realserver: nothing to undo: no ${FILE}\n` });
  });

  test('a state file from another network namespace is refused', async () => {
    const f = fakes();
    await runArgs(f, 'dr', '10.0.0.100');
    f.host.netnsId = 'net:[1]';
    const r = await runArgs(f, '--undo');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ipvsadm-realserver: \/run\/test-rs\/state\.json records changes made in another network namespace .*--state-dir\n$/);
    expect(f.network.hasIPv4('lo', '10.0.0.100')).toBe(true);
  });

  test('not permitted: one line naming the change, status 1, and what was done is recorded', async () => {
    const f = fakes();
    f.network.refuse.set('rt:20', 1);
    const r = await runArgs(f, 'dr', '10.0.0.100');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('ipvsadm-realserver: ip addr add 10.0.0.100/32 dev lo: Operation not permitted (run as root, or with CAP_NET_ADMIN)\n');
    expect(JSON.parse(f.host.files.get(FILE)!).changes).toHaveLength(5);
    f.network.refuse.clear();
    expect((await runArgs(f, '--undo')).status).toBe(0);
    expect(f.host.files.has(FILE)).toBe(false);
    expect(f.network.isUp('lo')).toBe(false);
  });

  test('a sysctl that cannot be written: one line, nothing recorded', async () => {
    const f = fakes();
    f.host.refuseWrites = 'EACCES';
    const r = await runArgs(f, 'dr', '10.0.0.100');
    expect(r).toEqual({
      status: 1, stdout: '',
      stderr: 'ipvsadm-realserver: sysctl -w net.ipv4.conf.all.arp_ignore=1: Permission denied (run as root, or with CAP_NET_ADMIN)\n',
    });
    expect(f.host.files.has(FILE)).toBe(false);
  });
});

describe('tun', () => {
  test('ipip: loads the module when tunl0 is missing, then the VIP on tunl0, rp_filter 0', async () => {
    const f = fakes();
    f.host.sysctls.set('net.ipv4.conf.all.rp_filter', '1');
    const r = await runArgs(f, 'tun', '10.0.0.100');
    expect(r).toEqual({
      status: 0,
      stderr: '',
      stdout: [
        'modprobe ipip',
        'sysctl -w net.ipv4.conf.all.arp_ignore=1',
        'sysctl -w net.ipv4.conf.all.arp_announce=2',
        'sysctl -w net.ipv4.conf.tunl0.arp_ignore=1',
        'sysctl -w net.ipv4.conf.tunl0.arp_announce=2',
        'sysctl -w net.ipv4.conf.all.rp_filter=0',
        'ip link set dev tunl0 up',
        'ip addr add 10.0.0.100/32 dev tunl0',
        '',
      ].join('\n'),
    });
    expect(f.host.loaded).toEqual(['ipip']);
    expect(f.network.hasIPv4('tunl0', '10.0.0.100')).toBe(true);
  });

  test('a loaded module is not loaded again', async () => {
    const f = fakes();
    f.network.addLink('tunl0');
    await runArgs(f, 'tun', '10.0.0.100');
    expect(f.host.loaded).toEqual([]);
  });

  test('a module that will not load: one line, status 1, nothing changed', async () => {
    const f = fakes();
    f.host.modprobeFails = "modprobe: FATAL: Module ipip not found in directory /lib/modules/6.1.0";
    expect(await runArgs(f, 'tun', '10.0.0.100')).toEqual({
      status: 1, stdout: '', stderr: 'ipvsadm-realserver: modprobe ipip: modprobe: FATAL: Module ipip not found in directory /lib/modules/6.1.0\n',
    });
    expect(f.host.sysctls.size).toBe(0);
  });

  test('--dry-run with the modules missing prints modprobe and the changes on the devices they would make', async () => {
    const f = fakes();
    const r = await runArgs(f, '--dry-run', 'tun', '--type', 'gue', '--port', '5555', '10.0.0.100');
    expect(r.stdout.split('\n')).toEqual([
      'modprobe ipip',
      'modprobe fou',
      'sysctl -w net.ipv4.conf.all.arp_ignore=1',
      'sysctl -w net.ipv4.conf.all.arp_announce=2',
      'sysctl -w net.ipv4.conf.tunl0.arp_ignore=1',
      'sysctl -w net.ipv4.conf.tunl0.arp_announce=2',
      'sysctl -w net.ipv4.conf.tunl0.rp_filter=0',
      'ip link set dev tunl0 up',
      'ip addr add 10.0.0.100/32 dev tunl0',
      'ip fou add port 5555 gue',
      '',
    ]);
    expect(f.host.loaded).toEqual([]);
  });

  test('gue: adds the fou port once (FOU_CMD_ADD through the family resolved by name), and undo deletes it', async () => {
    const f = fakes();
    f.network.addLink('tunl0');
    f.network.fouRegistered = true;
    const r = await runArgs(f, 'tun', '--type', 'gue', '10.0.0.100');
    expect(r.stdout).toContain('ip fou add port 6080 gue\n');
    expect(f.network.fouPorts).toEqual([{ port: 6080, family: 2, type: 2 }]);
    expect((await runArgs(f, 'tun', '--type', 'gue', '10.0.0.100')).stdout).toBe('');
    const undo = await runArgs(f, '--undo');
    expect(undo.stdout.split('\n')[0]).toBe('ip fou del port 6080');
    expect(f.network.fouPorts).toEqual([]);
  });

  test('gre: gre0 from ip_gre', async () => {
    const f = fakes();
    const r = await runArgs(f, 'tun', '--type=gre', '10.0.0.100');
    expect(r.stdout).toContain('modprobe ip_gre\n');
    expect(f.network.hasIPv4('gre0', '10.0.0.100')).toBe(true);
  });

  test('ipip with an IPv6 VIP: ip6tnl0 from ip6_tunnel, no sysctls', async () => {
    const f = fakes();
    const r = await runArgs(f, 'tun', 'fd00::200');
    expect(r.stdout).toBe('modprobe ip6_tunnel\nip link set dev ip6tnl0 up\nip -6 addr add fd00::200/128 dev ip6tnl0 nodad\n');
  });
});

describe('command line', () => {
  test.each([
    [['dr', '10.0.0.300'], "bad VIP '10.0.0.300': not an IPv4 or IPv6 address"],
    [['dr'], 'dr needs at least one VIP'],
    [[], 'a mode is needed: dr, tun or --undo'],
    [['nat', '10.0.0.1'], "unknown mode 'nat': expected dr or tun"],
    [['tun', '--type', 'vxlan', '10.0.0.1'], "unknown tunnel type 'vxlan': expected ipip, gue or gre"],
    [['tun', '--port', '80', '10.0.0.1'], '--port is for --type gue'],
    [['tun', '--type', 'gue', '--port', '0', '10.0.0.1'], "bad port '0': expected 1 to 65535"],
    [['tun', '--type', 'gre', 'fd00::1'], 'IPv6 VIP fd00::1: tun --type gre takes IPv4 VIPs only (IPv6: dr, or tun --type ipip)'],
    [['--undo', 'dr', '10.0.0.1'], '--undo takes no mode or VIPs: it reverts everything the state file records'],
    [['dr', '--bogus', '10.0.0.1'], "unknown option '--bogus'"],
    [['dr', '10.0.0.1', '--type'], '--type needs a value'],
  ])('%j: one line, the Try line, status 2, nothing read', async (argv, message) => {
    const f = fakes();
    expect(await runArgs(f, ...argv)).toEqual({
      status: 2, stdout: '', stderr: `ipvsadm-realserver: ${message}\nTry 'ipvsadm-realserver --help' for more information.\n`,
    });
    expect(f.network.log).toEqual([]);
  });

  test('--help and --version print to stdout, status 0', async () => {
    const f = fakes();
    expect((await runArgs(f, '--help')).stdout).toMatch(/^ipvsadm-realserver 0\.1\.0: .*\n\nUsage:\n/);
    expect(await runArgs(f, '-V')).toEqual({ status: 0, stdout: 'ipvsadm-realserver 0.1.0 (ipvsadm-ts)\n', stderr: '' });
  });

  test('the version is package.json\'s', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('../../package.json') as { version: string };
    expect(require('../../src/realserver/parse').VERSION).toBe(pkg.version);
  });

  test('VIPs are taken in canonical form, duplicates once, options anywhere, -- ends them', () => {
    expect(parse(['dr', '10.0.0.1', '-n', '10.0.0.1', 'FD00:0:0::1', '--state-dir=/x'])).toEqual({
      kind: 'setup', mode: 'dr', dryRun: true, stateDir: '/x',
      vips: [{ family: 2, address: '10.0.0.1' }, { family: 10, address: 'fd00::1' }],
    });
    expect(() => parse(['dr', '--', '-n'])).toThrow("bad VIP '-n'");
  });
});
