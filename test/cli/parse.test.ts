/**
 * argv -> Invocation or exact stderr text and exit status, for the examples of
 * fact-sheet sections 2-5, 8.3, 13.11, 13.13 and 13.17 that are decided by
 * the parser (kernel answers are out of scope here).
 */
import { isParseFailure } from '../../src/cli/parse';
import { expectError, fails, ok, parse, tryHelp } from './helpers';

const PERSISTENT = 0x01;
const ONEPACKET = 0x04;

describe('2.3 step 1: the first option', () => {
  test.each([
    ['-n -L'],
    ['--foo'],
    ['--lis'],
    ['-V'],
    ['--timeout'],
    ['--start-daemon'],
    ['--'],
    ['-- -L'],
    ['-6 -A -f 1'],
    ['--sort -L'],
    ['-t 10.0.0.1:80 -A'],
    ['foo'],
    ['foo bar'],
    ['-qL'],
    ['--help=x'],
    ['-L==n'],
  ])('ipvsadm %s -> Try ... (255)', async (args) => {
    await expectError(args, tryHelp(), 255);
  });

  test('argv0 appears exactly as invoked', async () => {
    await expectError('--foo', tryHelp('/usr/sbin/ipvsadm'), 255, '/usr/sbin/ipvsadm');
    const f = await fails('--foo', './ipvsadm');
    expect(f.message).toBe("Try `./ipvsadm -h' or './ipvsadm --help' for more information.\n");
    expect(f.kind).toBe('usage');
  });

  test.each([['-h'], ['--help'], ['-h -L'], ['-h --foo'], ['-hL'], ['--help -w abc'], ['junk -h']])('ipvsadm %s -> help', async (args) => {
    expect((await ok(args)).command).toBe('help');
  });
  test.each([['-v'], ['--version'], ['-v --foo'], ['-vL']])('ipvsadm %s -> version', async (args) => {
    expect((await ok(args)).command).toBe('version');
  });

  test('no arguments at all is a plain listing', async () => {
    const inv = await ok([]);
    expect(inv).toMatchObject({ command: 'list', listFormat: 'plain', numeric: false });
    expect(inv.service).toBeUndefined();
  });

  test('leftover words before the first option are skipped by popt (and reported later)', async () => {
    await expectError('foo -L', 'unexpected argument foo');
  });

  test.each([
    ['-A', 'add-service'],
    ['--add-service', 'add-service'],
    ['-E', 'edit-service'],
    ['--edit-service', 'edit-service'],
    ['-D', 'delete-service'],
    ['--delete-service', 'delete-service'],
    ['-C', 'flush'],
    ['--clear', 'flush'],
    ['-L', 'list'],
    ['-l', 'list'],
    ['--list', 'list'],
    ['-Z', 'zero'],
    ['--zero', 'zero'],
    ['-a', 'add-server'],
    ['--add-server', 'add-server'],
    ['-e', 'edit-server'],
    ['--edit-server', 'edit-server'],
    ['-d', 'delete-server'],
    ['--delete-server', 'delete-server'],
    ['--set', 'set'],
    ['-R', 'restore'],
    ['--restore', 'restore'],
    ['-S', 'save'],
    ['--save', 'save'],
    ['--start-daemon', 'start-daemon'],
    ['--stop-daemon', 'stop-daemon'],
  ])('%s is the %s command', async (word, command) => {
    const companions: Record<string, string[]> = {
      'add-service': ['-t', '10.0.0.1:80'],
      'edit-service': ['-t', '10.0.0.1:80'],
      'delete-service': ['-t', '10.0.0.1:80'],
      'add-server': ['-t', '10.0.0.1:80', '-r', '10.0.0.2'],
      'edit-server': ['-t', '10.0.0.1:80', '-r', '10.0.0.2'],
      'delete-server': ['-t', '10.0.0.1:80', '-r', '10.0.0.2'],
      set: ['1', '2', '3'],
      'start-daemon': ['master'],
      'stop-daemon': ['master'],
    };
    expect((await ok([word, ...(companions[command] ?? [])])).command).toBe(command);
  });
});

describe('2.3 step 2: options left to right', () => {
  test.each([
    ['-L -A', "invalid option `-A'"],
    ['-Lh', "invalid option `-Lh'"],
    ['-LA', "invalid option `-LA'"],
    ['--list --list', "invalid option `--list'"],
    ['-L -l', "invalid option `-l'"],
    ['-A -t 10.0.0.1:80 -h', "invalid option `-h'"],
    ['-A -t 10.0.0.1:80 --help', "invalid option `--help'"],
    ['-L -v', "invalid option `-v'"],
    ['-L --set 1 2 3', "invalid option `--set'"],
    ['-L --start-daemon master', "invalid option `master'"],
    ['-L --stop-daemon=backup', "invalid option `--stop-daemon=backup'"],
    ['-L -n -C', "invalid option `-C'"],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });

  test.each([
    ['-L -n -n', 'numeric'],
    ['-L -nn', 'numeric'],
    ['-L -n --numeric', 'numeric'],
    ['-A -t 10.0.0.5:80 -u 10.0.0.6:80', 'service-address'],
    ['-A -t 10.0.0.5:80 -f 1', 'service-address'],
    ['-A -f 1 --sctp-service 10.0.0.1:80', 'service-address'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 -m -g', 'forwarding-method'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 -i -i', 'forwarding-method'],
    ['-A -t 10.0.0.1:80 -p -p', 'persistent'],
    ['-A -t 10.0.0.1:80 -s rr -s wrr', 'scheduler'],
    ['-A -t 10.0.0.1:80 -M 1 -M 2', 'netmask'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 -r 10.0.0.3', 'real-server'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 -w 1 -w 2', 'weight'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 -x 1 -x 2', 'u-threshold'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 -y 1 -y 2', 'l-threshold'],
    ['--start-daemon master --mcast-interface a --mcast-interface b', 'mcast-interface'],
    ['-L -c -c', 'connection'],
    ['-L --timeout --timeout', 'timeout'],
    ['-L --daemon --daemon', 'daemon'],
    ['-L --stats --stats', 'stats'],
    ['-L --rate --rate', 'rate'],
    ['-L --thresholds --thresholds', 'thresholds'],
    ['-L --persistent-conn --persistent-conn', 'persistent-conn'],
    ['-L --nosort --nosort', 'nosort'],
    ['-L --syncid 1 --syncid 1', 'syncid'],
    ['-L --exact -X', 'exact'],
    ['-A -u 10.0.0.1:53 -o -o', 'ops'],
    ['-A -t 10.0.0.1:80 --pe sip --pe sip', 'pe'],
    ['-A -t 10.0.0.1:80 -b flag-1 -b flag-2', 'sched-flags'],
    ['--start-daemon master --mcast-group 239.1.1.1 --mcast-group 239.1.1.2', 'mcast-group'],
    ['--start-daemon master --mcast-port 1 --mcast-port 2', 'mcast-port'],
    ['--start-daemon master --mcast-ttl 1 --mcast-ttl 2', 'mcast-ttl'],
    ['--start-daemon master --sync-maxlen 1 --sync-maxlen 2', 'sync-maxlen'],
    ['-L --tun-info --tun-info', 'tun-info'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gre --tun-type gue', 'tun-type'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 --tun-port 1 --tun-port 2', 'tun-port'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 --tun-nocsum --tun-nocsum', 'tun-nocsum'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 --tun-csum --tun-csum', 'tun-csum'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 --tun-remcsum --tun-remcsum', 'tun-remcsum'],
  ])('ipvsadm %s -> multiple %s', async (args, name) => {
    await expectError(args, `multiple '${name}' options specified`);
  });

  test('-6 and --sort are never tracked', async () => {
    const inv = await ok('-A -f 1 -6 -6 --sort --sort');
    expect(inv.service).toMatchObject({ fwmark: 1, family: 10 });
    expect(inv.present.has('sort')).toBe(false);
    for (const cmd of ['-A -t 10.0.0.1:80', '-C', '-L', '-S', '-R', '-Z', '--set 1 2 3', '-D -t 10.0.0.1:80']) {
      expect((await ok(`${cmd} --sort`)).present.size).toBeLessThanOrEqual(1);
    }
  });

  test('the first problem in argv order wins', async () => {
    await expectError('-A -t 10.0.0.1:80 -w abc -t 10.0.0.2:80', 'illegal weight specified');
    await expectError('-A -t 10.0.0.1:80 -t 10.0.0.2:80 -w abc', "multiple 'service-address' options specified");
    await expectError('-a -t 10.0.0.1:80 -w abc -w 5', 'illegal weight specified');
    await expectError('-a -t 10.0.0.1:80 -w 5 -w abc', "multiple 'weight' options specified");
    await expectError('-A -t 10.0.0.1:80 -w abc -L', 'illegal weight specified');
    await expectError('-A -t 10.0.0.1:80 -L -w abc', "invalid option `-L'");
    await expectError('-A -x abc -t 99', 'illegal u_threshold specified');
    await expectError('-A -t 99 -x abc', 'illegal virtual server address[:port] specified');
  });
});

describe('2.3 step 3: popt errors stop parsing there (255)', () => {
  test.each([
    ['-L --foo', '--foo: unknown option'],
    ['-Lq', '-Lq: unknown option'],
    ['-A -t', '-t: missing argument'],
    ['-A --tcp-service', '--tcp-service: missing argument'],
    ['-L --numeric=foo', '--numeric=foo: option does not take an argument'],
    ['-A -t 10.0.0.1:80 --foo -w abc', '--foo: unknown option'],
    ['--set -1 2 3', '-1: unknown option'],
    ['-L -n --lis', '--lis: unknown option'],
    ['-A extra --foo', '--foo: unknown option'],
    ['-L -c --stats --foo', '--foo: unknown option'],
    ['-A -s', '-s: missing argument'],
    ['--start-daemon master --syncid', '--syncid: missing argument'],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message, 255);
    expect((await fails(args)).kind).toBe('popt');
  });

  test('a value error before the popt error wins', async () => {
    await expectError('-A -t 10.0.0.1:80 -w abc --foo', 'illegal weight specified');
    expect((await fails('-A -t 10.0.0.1:80 -w abc --foo')).kind).toBe('invalid');
  });
  test('a duplicate before the popt error wins', async () => {
    await expectError('-L -n -n --foo', "multiple 'numeric' options specified");
  });
});

describe('2.3 steps 4-6: --set, leftovers, -b', () => {
  test('ipvsadm --set 10 20 30', async () => {
    const inv = await ok('--set 10 20 30');
    expect(inv.timeouts).toEqual({ tcp: 10, tcpFin: 20, udp: 30 });
    expect(inv.command).toBe('set');
  });
  test('--set limits: 0 and 2678400', async () => {
    expect((await ok('--set 0 2678400 0')).timeouts).toEqual({ tcp: 0, tcpFin: 2678400, udp: 0 });
    expect((await ok('--set 2678400 1 1')).timeouts).toEqual({ tcp: 2678400, tcpFin: 1, udp: 1 });
  });
  test.each([
    ['--set 1 2', '--set option requires 3 timeout values'],
    ['--set', '--set option requires 3 timeout values'],
    ['--set 1 2 3 4', 'unexpected argument 4'],
    ['--set 1 2 3 4 5', 'unexpected argument 4'],
    ['--set a b c', "invalid timeout value `a' specified"],
    ['--set 1 b c', "invalid timeout value `b' specified"],
    ['--set 1 2 2678401', "invalid timeout value `2678401' specified"],
    ['--set 1 2 0x10', "invalid timeout value `0x10' specified"],
    ['--set 1 2 -- -3', "invalid timeout value `-3' specified"],
    ['--set 1 2 3 -n', "Illegal 'numeric' option with the 'set' command"],
    ['--set 1 2 -n', '--set option requires 3 timeout values'],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
  test('leftovers may come before --set', async () => {
    expect((await ok('1 --set 2 3')).timeouts).toEqual({ tcp: 1, tcpFin: 2, udp: 3 });
  });
  test('a bad --set value beats a later leftover', async () => {
    await expectError('--set a 2 3 4', "invalid timeout value `a' specified");
  });

  test.each([
    ['-A -t 10.0.0.5:80 extra', 'unexpected argument extra'],
    ['-A extra', 'unexpected argument extra'],
    ['-A a b', 'unexpected argument a'],
    ['-R extra', 'unexpected argument extra'],
    ['-A -t 10.0.0.6:80 # trailing comment', 'unexpected argument #'],
    ['-L -n -b foo extra', 'unexpected argument extra'],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
  test('an empty word is a leftover too', async () => {
    await expectError(['-L', ''], 'unexpected argument ');
  });

  test('-b is interpreted after the leftovers and before the matrix', async () => {
    await expectError('-D -t 10.0.0.1:80 -b foo', "invalid scheduler flag `foo'");
    await expectError('-L -b sh-port', "incompatible scheduler flag `sh-port'");
    await expectError('-L -b flag-1', "Illegal 'sched-flags' option with the 'list' command");
    await expectError(['-D', '-t', '10.0.0.1:80', '-b', ''], "Illegal 'sched-flags' option with the 'delete-service' command");
  });
  test('-b uses the final scheduler, wherever -s is', async () => {
    expect((await ok('-A -t 10.0.0.4:80 -b sh-port -s sh')).service!.flags).toBe(0x10);
    expect((await ok('-A -t 10.0.0.4:80 -s sh -b sh-port')).service!.flags).toBe(0x10);
    await expectError('-A -t 10.0.0.4:80 -s sh -b mh-port', "incompatible scheduler flag `mh-port'");
    await expectError('-A -t 10.0.0.4:80 -b sh-port', "incompatible scheduler flag `sh-port'");
    await expectError(['-A', '-t', '10.0.0.4:80', '-s', '', '-b', 'sh-port'], "incompatible scheduler flag `sh-port'");
  });
});

describe('3: defaults', () => {
  test('-A -t 10.0.0.2:80: fresh service defaults, scheduler wlc', async () => {
    const inv = await ok('-A -t 10.0.0.2:80');
    expect(inv.service).toEqual({
      family: 2,
      protocol: 6,
      address: '10.0.0.2',
      port: 80,
      fwmark: 0,
      scheduler: 'wlc',
      peName: '',
      flags: 0,
      timeout: 0,
      netmask: 0xffffffff,
    });
    expect(inv.destination).toBeUndefined();
    expect(inv.daemon).toBeUndefined();
    expect([...inv.present]).toEqual(['service-address']);
  });
  test('-E -t X alone turns the scheduler back to wlc and drops the rest', async () => {
    expect((await ok('-E -t 10.0.0.1:80')).service).toMatchObject({ scheduler: 'wlc', flags: 0, timeout: 0, peName: '' });
  });
  test("-s '' means wlc for -A/-E", async () => {
    expect((await ok(['-A', '-t', '10.0.0.1:80', '-s', ''])).service!.scheduler).toBe('wlc');
    expect((await ok(['-E', '-t', '10.0.0.1:80', '--scheduler='])).service!.scheduler).toBe('wlc');
  });
  test('other commands leave the scheduler empty', async () => {
    expect((await ok('-D -t 10.0.0.1:80')).service!.scheduler).toBe('');
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.2')).service!.scheduler).toBe('');
    expect((await ok('-L -t 10.0.0.1:80')).service!.scheduler).toBe('');
  });
  test('-A -t 10.0.0.1:80 -s rr -p 100 -M 255.255.255.0 --pe sip -b flag-1', async () => {
    expect((await ok('-A -t 10.0.0.1:80 -s rr -p 100 -M 255.255.255.0 --pe sip -b flag-1')).service).toEqual({
      family: 2,
      protocol: 6,
      address: '10.0.0.1',
      port: 80,
      fwmark: 0,
      scheduler: 'rr',
      peName: 'sip',
      flags: 0x09,
      timeout: 100,
      netmask: 0xffffff00,
    });
  });
  test('-A -u [2001:db8::1]:53 -o', async () => {
    expect((await ok('-A -u [2001:db8::1]:53 -o')).service).toEqual({
      family: 10,
      protocol: 17,
      address: '2001:db8::1',
      port: 53,
      fwmark: 0,
      scheduler: 'wlc',
      peName: '',
      flags: ONEPACKET,
      timeout: 0,
      netmask: 128,
    });
  });
  test('-A -f 7 -6 -M 64 -p', async () => {
    expect((await ok('-A -f 7 -6 -M 64 -p')).service).toEqual({
      family: 10,
      protocol: 0,
      address: '',
      port: 0,
      fwmark: 7,
      scheduler: 'wlc',
      peName: '',
      flags: PERSISTENT,
      timeout: 360,
      netmask: 64,
    });
  });
  test('--sctp-service', async () => {
    expect((await ok('-A --sctp-service 10.0.0.1:5000')).service).toMatchObject({ protocol: 132, port: 5000 });
  });

  test('-a -t 10.0.0.1:80 -r 10.0.0.11:8080 -m -w 3 -x 10 -y 5', async () => {
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.11:8080 -m -w 3 -x 10 -y 5')).destination).toEqual({
      family: 2,
      address: '10.0.0.11',
      port: 8080,
      fwdMethod: 0,
      weight: 3,
      upperThreshold: 10,
      lowerThreshold: 5,
      tunnelType: 0,
      tunnelPort: 0,
      tunnelFlags: 0,
    });
  });
  test('-a -t 10.0.0.1:80 -r 10.0.0.12 -i --tun-type gue --tun-port 6080 --tun-csum', async () => {
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.12 -i --tun-type gue --tun-port 6080 --tun-csum')).destination).toEqual({
      family: 2,
      address: '10.0.0.12',
      port: 80,
      fwdMethod: 2,
      weight: 1,
      upperThreshold: 0,
      lowerThreshold: 0,
      tunnelType: 1,
      tunnelPort: 6080,
      tunnelFlags: 1,
    });
  });
  test('--tun-remcsum is flag value 2, --tun-nocsum 0', async () => {
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.12 -i --tun-type gue --tun-port 1 --tun-remcsum')).destination!.tunnelFlags).toBe(2);
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.12 -i --tun-type gre --tun-nocsum')).destination!.tunnelFlags).toBe(0);
  });
  test('-e -t S -r R alone: weight 1, direct routing, thresholds 0, ipip', async () => {
    expect((await ok('-e -t 10.0.0.1:80 -r 10.0.0.11')).destination).toEqual({
      family: 2,
      address: '10.0.0.11',
      port: 80,
      fwdMethod: 3,
      weight: 1,
      upperThreshold: 0,
      lowerThreshold: 0,
      tunnelType: 0,
      tunnelPort: 0,
      tunnelFlags: 0,
    });
  });
  test('-g is direct routing, and the default', async () => {
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.2 -g')).destination!.fwdMethod).toBe(3);
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.2 --gatewaying')).destination!.fwdMethod).toBe(3);
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.2 --masquerading')).destination!.fwdMethod).toBe(0);
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.2 --ipip')).destination!.fwdMethod).toBe(2);
  });

  test('DR and tunnel destinations of address services take the service port', async () => {
    expect((await ok('-a -t 10.0.0.3:80 -r 10.0.0.34:8080 -g')).destination!.port).toBe(80);
    expect((await ok('-a -t 10.0.0.3:80 -r 10.0.0.34:8080 -i')).destination!.port).toBe(80);
    expect((await ok('-e -t 10.0.0.3:80 -r 10.0.0.34:8080')).destination!.port).toBe(80);
    expect((await ok('-a -t 10.0.0.3:80 -r 10.0.0.34:8080 -m')).destination!.port).toBe(8080);
  });
  test('fwmark destinations keep their port; no port means the service port 0', async () => {
    expect((await ok('-a -f 1 -r 10.0.0.35:8080 -g')).destination!.port).toBe(8080);
    expect((await ok('-a -f 1 -r 10.0.0.35 -m')).destination!.port).toBe(0);
  });
  test('-d: no port rewriting; no port means the service port', async () => {
    expect((await ok('-d -t 10.0.0.1:80 -r 10.0.0.12:0')).destination!.port).toBe(0);
    expect((await ok('-d -t 10.0.0.1:80 -r 10.0.0.12')).destination!.port).toBe(80);
    expect((await ok('-d -t 10.0.0.1:80 -r 10.0.0.12:8080')).destination!.port).toBe(8080);
  });

  test('-Z with and without a service', async () => {
    expect((await ok('-Z')).service).toBeUndefined();
    expect((await ok('-Z -t 10.0.0.1:80')).service).toMatchObject({ address: '10.0.0.1', port: 80 });
  });
  test('-C, -R, -S, -S -n', async () => {
    expect((await ok('-C')).command).toBe('flush');
    expect((await ok('-R')).command).toBe('restore');
    expect((await ok('-S')).numeric).toBe(false);
    expect((await ok('-S -n')).numeric).toBe(true);
    expect((await ok('--save --numeric')).numeric).toBe(true);
  });

  test('--start-daemon defaults: eth0, syncid 0, the rest left to the kernel', async () => {
    expect((await ok('--start-daemon master')).daemon).toEqual({ state: 1, mcastIfn: 'eth0', syncId: 0 });
    expect((await ok('--start-daemon backup')).daemon).toEqual({ state: 2, mcastIfn: 'eth0', syncId: 0 });
    expect((await ok(['--start-daemon', 'master', '--mcast-interface', ''])).daemon!.mcastIfn).toBe('eth0');
  });
  test('--start-daemon master with every daemon option', async () => {
    const inv = await ok(
      '--start-daemon master --mcast-interface d0 --syncid 3 --mcast-group 239.1.1.1 --mcast-port 9000 --mcast-ttl 2 --sync-maxlen 1000',
    );
    expect(inv.daemon).toEqual({
      state: 1,
      mcastIfn: 'd0',
      syncId: 3,
      mcastGroup: '239.1.1.1',
      mcastPort: 9000,
      mcastTtl: 2,
      syncMaxlen: 1000,
    });
  });
  test('--start-daemon=backup and an IPv6 group', async () => {
    expect((await ok('--start-daemon=backup --mcast-interface lo --mcast-group ff02::1234')).daemon).toMatchObject({
      state: 2,
      mcastIfn: 'lo',
      mcastGroup: 'ff02::1234',
    });
  });
  test('--stop-daemon: only --syncid; no interface default', async () => {
    expect((await ok('--stop-daemon master')).daemon).toEqual({ state: 1, mcastIfn: '', syncId: 0 });
    expect((await ok('--stop-daemon backup --syncid 9')).daemon).toEqual({ state: 2, mcastIfn: '', syncId: 9 });
  });
  test('--mcast-interface is cut to 15 characters', async () => {
    expect((await ok('--start-daemon master --mcast-interface abcdefghijklmnopqrst')).daemon!.mcastIfn).toBe('abcdefghijklmno');
  });
});

describe('3: the state word of the daemon commands is checked at once', () => {
  test.each([
    ['--start-daemon foo', 'illegal start-daemon parameter specified'],
    ['--start-daemon Master', 'illegal start-daemon parameter specified'],
    ['--start-daemon foo --bar', 'illegal start-daemon parameter specified'],
    ['--start-daemon foo -w abc', 'illegal start-daemon parameter specified'],
    ['--stop-daemon foo', 'illegal start_daemon specified'],
    ['--stop-daemon -L', 'illegal start_daemon specified'],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
});

describe('3 and 4: command-specific checks after the matrix', () => {
  test.each([
    ['-A -t 10.0.0.3', 'Zero port specified for non-persistent service'],
    ['-E -t 10.0.0.3:0', 'Zero port specified for non-persistent service'],
    ['-A -t 2001:db8::99:80', 'Zero port specified for non-persistent service'],
    ['-A -t 10.0.0.3 -o', 'Zero port specified for non-persistent service'],
    ['-A -t 10.0.0.5:80 -o', 'One-Packet Scheduling is only for UDP virtual services'],
    ['-E --sctp-service 10.0.0.5:80 -o', 'One-Packet Scheduling is only for UDP virtual services'],
    ['-a -t 10.0.0.1:80 -r [2001:db8::5]:80 -m --tun-type gre', 'Different address family is allowed only for tunneling servers'],
    ['-a -t 10.0.0.1:80 -r [2001:db8::5]:80', 'Different address family is allowed only for tunneling servers'],
    ['-e -f 1 -6 -r 10.0.0.1 -m', 'Different address family is allowed only for tunneling servers'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 -m --tun-type gre', 'Tunnel options conflict with forward method'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 --tun-port 1', 'Tunnel options conflict with forward method'],
    ['-e -t 10.0.0.1:80 -r 10.0.0.2 -g --tun-csum', 'Tunnel options conflict with forward method'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 --tun-nocsum', 'Tunnel options conflict with forward method'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 --tun-remcsum', 'Tunnel options conflict with forward method'],
    ['-L -c --stats', 'options conflicts in the list command'],
    ['-L -c --rate', 'options conflicts in the list command'],
    ['-L -c --thresholds', 'options conflicts in the list command'],
    ['-L --timeout --stats', 'options conflicts in the list command'],
    ['-L --daemon --rate', 'options conflicts in the list command'],
    ['-L --timeout --persistent-conn', 'options conflicts in the list command'],
    ['-L --daemon --persistent-conn', 'options conflicts in the list command'],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });

  test.each([
    ['-A -t 10.0.0.3 -p', 0],
    ['-A -f 5', 0],
    ['-A -f 5 -o', ONEPACKET],
    ['-A -u 10.0.0.5:53 -o', ONEPACKET],
    ['-E -u 10.0.0.5:0 -p -o', PERSISTENT | ONEPACKET],
  ])('ipvsadm %s is fine', async (args, ops) => {
    expect((await ok(args)).service!.flags & ONEPACKET).toBe(ops & ONEPACKET);
  });
  test('a zero-port non-persistent service is only refused for -A/-E', async () => {
    expect((await ok('-D -t 10.0.0.3')).service!.port).toBe(0);
    expect((await ok('-L -t 10.0.0.3')).service!.port).toBe(0);
  });
  test('different families are fine for tunnels', async () => {
    expect((await ok('-a -t 10.0.0.1:80 -r [2001:db8::5]:80 -i')).destination).toMatchObject({ family: 10, address: '2001:db8::5', port: 80 });
    expect((await ok('-a -f 1 -6 -r 10.0.0.5 -i')).destination).toMatchObject({ family: 2 });
  });
  test('the matrix comes before the semantic checks', async () => {
    await expectError('-A -t 10.0.0.3 -n', "Illegal 'numeric' option with the 'add-service' command");
    await expectError('-a -t 10.0.0.1:80 -r 10.0.0.2 -m --tun-type gre -n', "Illegal 'numeric' option with the 'add-server' command");
  });
  test('-c --persistent-conn is allowed', async () => {
    expect((await ok('-L -c --persistent-conn')).listFormat).toBe('persistent-conn');
  });
});

describe('3: list formats and flags', () => {
  test.each([
    ['-L', 'plain'],
    ['-L --stats', 'stats'],
    ['-L --rate', 'rate'],
    ['-L --thresholds', 'thresholds'],
    ['-L --persistent-conn', 'persistent-conn'],
    ['-L --tun-info', 'tun-info'],
    ['-L --rate --stats', 'stats'],
    ['-L --tun-info --thresholds', 'thresholds'],
    ['-L --persistent-conn --rate', 'rate'],
    ['-L --tun-info --persistent-conn', 'persistent-conn'],
    ['-L --tun-info --persistent-conn --thresholds --rate --stats', 'stats'],
    ['-L -c', 'plain'],
  ])('ipvsadm %s -> %s', async (args, format) => {
    expect((await ok(args)).listFormat).toBe(format);
  });
  test('-L -n -X --stats --nosort', async () => {
    const inv = await ok('-L -n -X --stats --nosort');
    expect(inv).toMatchObject({ numeric: true, exact: true, nosort: true, listFormat: 'stats' });
    expect([...inv.present].sort()).toEqual(['exact', 'nosort', 'numeric', 'stats']);
  });
  test('-L --syncid 5 is accepted', async () => {
    expect((await ok('-L -n --syncid 5')).present.has('syncid')).toBe(true);
  });
  test('-L -c, --timeout, --daemon, a service', async () => {
    expect((await ok('-L -c')).present.has('connection')).toBe(true);
    expect((await ok('-L --timeout')).present.has('timeout')).toBe(true);
    expect((await ok('-L --daemon')).present.has('daemon')).toBe(true);
    expect((await ok('-L -n -t 10.0.0.1:80')).service).toMatchObject({ address: '10.0.0.1', port: 80, protocol: 6 });
    expect((await ok('-L -n -f 20')).service).toMatchObject({ fwmark: 20, family: 2 });
    expect((await ok('-L -n -f 20 -6')).service).toMatchObject({ fwmark: 20, family: 10 });
  });
  test('-L -w abc reports the value, not the matrix', async () => {
    await expectError('-L -w abc', 'illegal weight specified');
  });
});

describe('5.1 addresses through the parser', () => {
  test.each([
    ['-A -t 80', 'illegal virtual server address[:port] specified'],
    ['-A -t 10.0.0.3:99999', 'illegal virtual server address[:port] specified'],
    ['-A -t [2001:db8::1]', 'illegal virtual server address[:port] specified'],
    ['-A -t [2001:db8::1', 'illegal virtual server address[:port] specified'],
    ['-A -t [2001:db8::1]x', 'illegal virtual server address[:port] specified'],
    ['-A -t [2001:db8::1]:', 'illegal virtual server address[:port] specified'],
    ['-A -t vip6.example.com:80', 'illegal virtual server address[:port] specified'],
    ['-A -t 10.0.0.1:HTTP', 'illegal virtual server address[:port] specified'],
    ['-A -u 10.0.0.1:http', 'illegal virtual server address[:port] specified'],
    ['-a -t [2001:db8::1]:80 -r [rs6-10]:80 -m', 'illegal real server address[:port] specified'],
    ['-a -r 10.0.0.33:http -t 10.0.0.3:80 -m', 'illegal real server address[:port] specified'],
    ['-a -t 10.0.0.3:80 -r 42', 'illegal real server address[:port] specified'],
    ['-a -t 10.0.0.3:80 -r 10.0.0.1:65536', 'illegal real server address[:port] specified'],
    ['-a -u 10.0.0.3:53 -r 10.0.0.1:http', 'illegal real server address[:port] specified'],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });

  test.each([
    ['-A -t 0x0a000063:80', '10.0.0.99', 80],
    ['-A -t 10.100:80', '10.0.0.100', 80],
    ['-A -t 167772162:80', '10.0.0.2', 80],
    ['-A -t vip1.example.com:http', '10.0.0.1', 80],
    ['-A -t vip1:www', '10.0.0.1', 80],
    ['-A -t 10.0.0.1:+80', '10.0.0.1', 80],
    ['-A -t 10.0.0.1:0080', '10.0.0.1', 80],
    ['-A -u 10.0.0.1:domain', '10.0.0.1', 53],
    ['-A --sctp-service 10.0.0.1:65535', '10.0.0.1', 65535],
    ['-A -t localhost:22', '127.0.0.1', 22],
  ])('ipvsadm %s -> %s:%d', async (args, address, port) => {
    expect((await ok(args)).service).toMatchObject({ family: 2, address, port });
  });
  test("': 80' (blank after the colon) is port 80", async () => {
    expect((await ok(['-A', '-t', '10.0.0.1: 80'])).service!.port).toBe(80);
  });
  test('-t 2001:db8::99:80 -p: an unbracketed IPv6 literal has no port', async () => {
    expect((await ok('-A -t 2001:db8::99:80 -p')).service).toMatchObject({ family: 10, address: '2001:db8::99:80', port: 0, netmask: 128 });
  });
  test('-A -t [10.0.0.1]:80 -p: the port is silently lost', async () => {
    expect((await ok('-A -t [10.0.0.1]:80 -p')).service).toMatchObject({ family: 2, address: '10.0.0.1', port: 0, timeout: 360 });
  });
  test('[vip1]:80 loses the port as well', async () => {
    expect((await ok('-L -t [vip1]:80')).service).toMatchObject({ address: '10.0.0.1', port: 0 });
  });
  test('-a -r 10.0.0.31 -t 10.0.0.3:80 -m: -r before -t gets port 0', async () => {
    expect((await ok('-a -r 10.0.0.31 -t 10.0.0.3:80 -m')).destination).toMatchObject({ address: '10.0.0.31', port: 0, fwdMethod: 0 });
  });
  test('-a -r 10.0.0.34:8080 -t 10.0.0.3:80 -g: DR still takes the service port', async () => {
    expect((await ok('-a -r 10.0.0.34:8080 -t 10.0.0.3:80 -g')).destination!.port).toBe(80);
  });
  test('-r after -t gets the service port and the service protocol for names', async () => {
    expect((await ok('-a -t 10.0.0.3:80 -r 10.0.0.32 -m')).destination!.port).toBe(80);
    expect((await ok('-a -t 10.0.0.3:80 -r 10.0.0.33:http -m')).destination!.port).toBe(80);
    expect((await ok('-a -u 10.0.0.3:53 -r 10.0.0.33:ntp -m')).destination!.port).toBe(123);
    expect((await ok('-a -t 10.0.0.3:80 -r rs11:ssh -m')).destination).toMatchObject({ address: '10.0.0.11', port: 22 });
  });
  test('-f services look -r port names up as TCP', async () => {
    expect((await ok('-a -f 1 -r 10.0.0.35:http -m')).destination).toMatchObject({ address: '10.0.0.35', port: 80 });
  });
  test('IPv6 service and destination', async () => {
    const inv = await ok('-a -t [2001:db8::1]:80 -r [2001:db8::10]:8080 -m');
    expect(inv.service).toMatchObject({ family: 10, address: '2001:db8::1', port: 80, netmask: 128 });
    expect(inv.destination).toMatchObject({ family: 10, address: '2001:db8::10', port: 8080 });
  });
  test('IPv6 addresses are normalised to inet_ntop form', async () => {
    expect((await ok('-A -t [2001:DB8:0:0:0:0:0:1]:80')).service!.address).toBe('2001:db8::1');
  });
});

describe('5.2 fwmarks and -6', () => {
  test.each([
    ['-A -f 0', "invalid fwmark value `0' specified"],
    ['-A -f 4294967296', "invalid fwmark value `4294967296' specified"],
    ['-A -f -1', "invalid fwmark value `-1' specified"],
    ['-A -f 0x10', "invalid fwmark value `0x10' specified"],
    ['-A -f abc', "invalid fwmark value `abc' specified"],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
  test('-6 before -f: the message plus an empty line', async () => {
    const f = await fails('-A -6 -f 11');
    expect(f.message).toBe('-6 used before -f\n\n');
    expect(f.exitCode).toBe(2);
    await expectError('-A -t 10.0.0.1:80 -6', '-6 used before -f\n\n');
    await expectError('-L -6', '-6 used before -f\n\n');
  });
  test('-f N is IPv4 with an IPv4 mask; -6 makes it IPv6 with 128, discarding -M', async () => {
    expect((await ok('-A -f 13 -p -M 255.255.255.0')).service).toMatchObject({ family: 2, netmask: 0xffffff00 });
    expect((await ok('-A -f 14 -M 255.255.255.0 -6 -p')).service).toMatchObject({ family: 10, netmask: 128 });
    expect((await ok('-A -f 4294967295')).service!.fwmark).toBe(4294967295);
    expect((await ok('-A -f 2147483648')).service!.fwmark).toBe(2147483648);
  });
});

describe('5.3 persistence and netmask', () => {
  test.each([
    ['-A -t 10.0.0.2:80 -p 0', "invalid timeout value `0' specified"],
    ['-A -t 10.0.0.2:80 -p 2678401', "invalid timeout value `2678401' specified"],
    ['-A -t 10.0.0.2:80 -p abc', "invalid timeout value `abc' specified"],
    ['-A -t 10.0.0.2:88 -p -M foo', 'illegal virtual server persistent mask specified'],
    ['-A -t 10.0.0.2:88 -M 10.0.0.256', 'illegal virtual server persistent mask specified'],
    ['-A -t 10.0.0.2:88 -M vip6.example.com', 'illegal virtual server persistent mask specified'],
    ['-A -t [2001:db8::5]:81 -p -M 0', 'illegal ipv6 netmask specified'],
    ['-A -t [2001:db8::5]:81 -p -M 129', 'illegal ipv6 netmask specified'],
    ['-A -t [2001:db8::5]:81 -p -M ffff::', 'illegal ipv6 netmask specified'],
    ['-A -f 12 -6 -M abc', 'illegal ipv6 netmask specified'],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
  test.each([
    ['-A -t 10.0.0.2:80 -p 2678400', 2678400],
    ['-A -t 10.0.0.2:82 -p 600', 600],
    ['-A -t 10.0.0.2:85 -s rr -p', 360],
    ['-A -t 10.0.0.2:85 --persistent', 360],
    ['-A -t 10.0.0.2:85 --persistent=1', 1],
  ])('ipvsadm %s -> timeout %d', async (args, timeout) => {
    expect((await ok(args)).service).toMatchObject({ timeout, flags: PERSISTENT });
  });
  test.each([
    ['-M 24', 24],
    ['-M localhost', 0x7f000001],
    ['-M 0', 0],
    ['-M 255.255.255.0', 0xffffff00],
    ['-M 255.0.255.0', 0xff00ff00],
    ['-M 0xffffff00', 0xffffff00],
  ])('IPv4 %s -> %d (no contiguity check)', async (mask, netmask) => {
    expect((await ok(`-A -t 10.0.0.2:87 -p ${mask}`)).service!.netmask).toBe(netmask);
  });
  test.each([
    ['-M 64', 64],
    ['-M 64abc', 64],
    ['-M 128', 128],
    ['-M 1', 1],
  ])('IPv6 %s -> %d', async (mask, netmask) => {
    expect((await ok(`-A -t [2001:db8::5]:83 -p ${mask}`)).service!.netmask).toBe(netmask);
  });
  test('a later IPv6 address resets the mask to 128', async () => {
    expect((await ok('-A -M 64 -t [2001:db8::5]:80 -p')).service!.netmask).toBe(128);
  });
  test('-M before an IPv4 address is an IPv4 mask', async () => {
    expect((await ok('-A -M 255.255.0.0 -t 10.0.0.1:80')).service!.netmask).toBe(0xffff0000);
  });
  test('-M without -p is accepted and kept', async () => {
    expect((await ok('-A -t 10.0.0.1:80 -M 255.255.255.0')).service).toMatchObject({ netmask: 0xffffff00, flags: 0 });
  });
});

describe('5.4 scheduler and persistence engine', () => {
  test('-s is cut to 15 characters', async () => {
    expect((await ok('-A -t 10.0.0.1:80 -s abcdefghijklmnopq')).service!.scheduler).toBe('abcdefghijklmno');
  });
  test('--pe is cut to 16 characters and kept without -p', async () => {
    expect((await ok('-A -t 10.0.0.1:80 --pe abcdefghijklmnopq')).service).toMatchObject({ peName: 'abcdefghijklmnop', flags: 0 });
    expect((await ok('-A -t 10.0.0.3:80 -p --pe foo')).service!.peName).toBe('foo');
  });
  test('unknown schedulers are the kernel’s business', async () => {
    expect((await ok('-A -t 10.0.0.3:80 -s foo')).service!.scheduler).toBe('foo');
  });
});

describe('5.5 scheduler flags through the parser (13.11 table)', () => {
  test.each([
    ['-A -t 10.0.0.4:80 -s sh -b sh-port', 'sh', 0x10],
    ['-A -t 10.0.0.4:81 -s mh -b mh-fallback,mh-port', 'mh', 0x18],
    ['-A -t 10.0.0.4:82 -s sh -b flag-2', 'sh', 0x10],
    ['-A -t 10.0.0.4:86 -b flag-1,flag-2', 'wlc', 0x18],
    ['-A -t 10.0.0.4:87 -b flag-1,,flag-2,flag-3', 'wlc', 0x38],
    ['-A -t 10.0.0.4:88 -s sh -b flag-3', 'sh', 0x20],
    ['-A -t 10.0.0.4:89 -s rr -b flag-2 -p', 'rr', 0x11],
    ['-A -f 3 -6 -b flag-1', 'wlc', 0x08],
  ])('ipvsadm %s', async (args, scheduler, flags) => {
    expect((await ok(args)).service).toMatchObject({ scheduler, flags });
  });
  test("-b '' is ignored", async () => {
    const inv = await ok(['-A', '-t', '10.0.0.4:85', '-b', '']);
    expect(inv.service!.flags).toBe(0);
    expect(inv.present.has('sched-flags')).toBe(true);
  });
  test.each([
    ['-A -t 10.0.0.4:80 -b flag-4', "invalid scheduler flag `flag-4'"],
    ['-A -t 10.0.0.4:80 -b sh-port', "incompatible scheduler flag `sh-port'"],
    ['-A -t 10.0.0.4:80 -s mh -b sh-fallback', "incompatible scheduler flag `sh-fallback'"],
    ['-A -t 10.0.0.4:80 -s sh -b mh-fallback', "incompatible scheduler flag `mh-fallback'"],
    ['-A -t 10.0.0.4:80 -s shx -b sh-port', "incompatible scheduler flag `sh-port'"],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
  test('intentional fix: -b with separators only (ipvsadm 1.31 crashes) is an invalid flag', async () => {
    await expectError('-A -t 10.0.0.4:84 -b ,', "invalid scheduler flag `,'");
    await expectError('-A -t 10.0.0.4:84 -b ,,', "invalid scheduler flag `,,'");
  });
  test('-b keeps only 127 bytes, as ipvsadm’s buffer does', async () => {
    // 18 x "flag-1," is 126 bytes; byte 127 is the next character.
    const intact = `${'flag-1,'.repeat(17)}flag-2`; // 125 bytes
    expect((await ok(['-A', '-t', '10.0.0.4:80', '-b', intact])).service!.flags).toBe(0x18);
    const cutAtSeparator = `${'flag-1,'.repeat(18)},flag-2`; // flag-2 is beyond byte 127
    expect((await ok(['-A', '-t', '10.0.0.4:80', '-b', cutAtSeparator])).service!.flags).toBe(0x08);
    const cutInName = `${'flag-1,'.repeat(18)}flag-2`; // flag-2 cut to "f"
    await expectError(['-A', '-t', '10.0.0.4:80', '-b', cutInName], "invalid scheduler flag `f'");
  });
});

describe('5.6 numbers: every range edge', () => {
  const serverBase = '-a -t 10.0.0.1:80 -r 10.0.0.14';
  const daemonBase = '--start-daemon master';
  const cases: Array<[string, string, number, number, string]> = [
    ['-w', serverBase, 0, 2147483647, 'illegal weight specified'],
    ['-x', serverBase, 0, 2147483647, 'illegal u_threshold specified'],
    ['-y', serverBase, 0, 2147483647, 'illegal l_threshold specified'],
    ['--syncid', daemonBase, 0, 255, 'illegal syncid specified'],
    ['--mcast-port', daemonBase, 1, 65535, 'illegal mcast-port specified'],
    ['--mcast-ttl', daemonBase, 1, 255, 'illegal mcast-ttl specified'],
    ['--sync-maxlen', daemonBase, 1, 65507, 'illegal sync-maxlen specified'],
    ['--tun-port', `${serverBase} -i --tun-type gue`, 1, 65535, 'illegal tunnel port specified'],
  ];
  describe.each(cases)('%s', (option, base, min, max, message) => {
    test.each([[String(min)], [String(max)], [`+${min}`], [`0${min}`], [` ${max}`]])('%j accepted', async (value) => {
      await ok([...base.split(' '), option, value]);
    });
    test.each([[String(min - 1)], [String(max + 1)], ['abc'], [''], ['0x10'], [`${min} `], ['1.5'], ['99999999999999999999']])(
      '%j refused',
      async (value) => {
        await expectError([...base.split(' '), option, value], message);
      },
    );
  });
  test('weights from the sheet (Debian ceiling)', async () => {
    for (const w of ['65535', '65536', '2147483647', '10', '1']) {
      expect((await ok(`${serverBase} -w ${w}`)).destination!.weight).toBe(Number(w));
    }
    await expectError(`${serverBase} -w 2147483648`, 'illegal weight specified');
  });
  test('thresholds are not compared by the parser (the kernel does)', async () => {
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.16 -x 100 -y 200')).destination).toMatchObject({ upperThreshold: 100, lowerThreshold: 200 });
    expect((await ok('-a -t 10.0.0.1:80 -r 10.0.0.19 -y 10')).destination).toMatchObject({ upperThreshold: 0, lowerThreshold: 10 });
  });
});

describe('5.6 other values', () => {
  test.each([
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type vxlan', 'illegal tunnel type specified'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type GRE', 'illegal tunnel type specified'],
    ['--start-daemon master --mcast-group 1.2.3.4', "invalid IPv4 mcast-group `1.2.3.4'"],
    ['--start-daemon master --mcast-group foo', "invalid IPv4 mcast-group `foo'"],
    ['--start-daemon master --mcast-group 2001:db8::1', "invalid IPv6 mcast-group `2001:db8::1'"],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
});

describe('13.13 error samples decided by the parser', () => {
  test.each([
    ['-A -t 10.0.0.3:99999', 'illegal virtual server address[:port] specified', 2],
    ['-A -t 10.0.0.3', 'Zero port specified for non-persistent service', 2],
    ['-A -t [2001:db8::1]', 'illegal virtual server address[:port] specified', 2],
    ['-a -t 10.0.0.1:80', "You need to supply the 'real-server' option for the 'add-server' command", 2],
    ['-A', "You need to supply the 'service-address' option for the 'add-service' command", 2],
    ['-A -t 10.0.0.1:80 -w 5', "Illegal 'weight' option with the 'add-service' command", 2],
    ['-C -n', "Illegal 'numeric' option with the 'flush' command", 2],
    ['-L -c --stats', 'options conflicts in the list command', 2],
    ['-L -c --timeout', "The option 'timeout' conflicts with the 'connection' option in the 'list' command", 2],
    ['-L -c -t 10.0.0.1:80', "The option 'service-address' conflicts with the 'connection' option in the 'list' command", 2],
    ['-L -n -n', "multiple 'numeric' options specified", 2],
    ['-A -t 10.0.0.5:80 -u 10.0.0.6:80', "multiple 'service-address' options specified", 2],
    ['-L -A', "invalid option `-A'", 2],
    ['-Lh', "invalid option `-Lh'", 2],
    ['-n -L', tryHelp(), 255],
    ['--foo', tryHelp(), 255],
    ['-L --foo', '--foo: unknown option', 255],
    ['-Lq', '-Lq: unknown option', 255],
    ['-A -t', '-t: missing argument', 255],
    ['-A -t 10.0.0.5:80 extra', 'unexpected argument extra', 2],
    ['--lis', tryHelp(), 255],
    ['-a -t 10.0.0.1:80 -r 10.0.0.14 -w 2147483648', 'illegal weight specified', 2],
    ['-A -t 10.0.0.2:80 -p 0', "invalid timeout value `0' specified", 2],
    ['-A -t 10.0.0.2:88 -p -M foo', 'illegal virtual server persistent mask specified', 2],
    ['-A -t [2001:db8::5]:81 -p -M 0', 'illegal ipv6 netmask specified', 2],
    ['-A -f 0', "invalid fwmark value `0' specified", 2],
    ['-A -f 4294967296', "invalid fwmark value `4294967296' specified", 2],
    ['-A -6 -f 11', '-6 used before -f\n\n', 2],
    ['-A -t 10.0.0.4:80 -b flag-4', "invalid scheduler flag `flag-4'", 2],
    ['-A -t 10.0.0.4:80 -b sh-port', "incompatible scheduler flag `sh-port'", 2],
    ['-A -t 10.0.0.5:80 -o', 'One-Packet Scheduling is only for UDP virtual services', 2],
    ['--set 1 2', '--set option requires 3 timeout values', 2],
    ['--set 1 2 3 4', 'unexpected argument 4', 2],
    ['--set a b c', "invalid timeout value `a' specified", 2],
    ['--set -1 2 3', '-1: unknown option', 255],
    ['--timeout', tryHelp(), 255],
    ['--start-daemon foo', 'illegal start-daemon parameter specified', 2],
    ['--stop-daemon foo', 'illegal start_daemon specified', 2],
    ['--start-daemon', tryHelp(), 255],
    ['--start-daemon master --syncid 256', 'illegal syncid specified', 2],
    ['--start-daemon master --mcast-group 1.2.3.4', "invalid IPv4 mcast-group `1.2.3.4'", 2],
    ['--start-daemon master --mcast-group 2001:db8::1', "invalid IPv6 mcast-group `2001:db8::1'", 2],
    ['--stop-daemon master --mcast-interface d0', "Illegal 'mcast-interface' option with the 'stop-daemon' command", 2],
    ['-L --numeric=foo', '--numeric=foo: option does not take an argument', 255],
    ['-Atu 10.0.0.3:80', 'illegal virtual server address[:port] specified', 2],
    ['-A -t 10.0.0.5:0 -p 10.0.0.6', "invalid timeout value `10.0.0.6' specified", 2],
    ['--list --list', "invalid option `--list'", 2],
    ['-A -t 10.0.0.1:80 -w 5 -r 10.0.0.2', "Illegal 'real-server' option with the 'add-service' command", 2],
    ['-A -t 10.0.0.1:80 --foo -w abc', '--foo: unknown option', 255],
    ['-A -t 10.0.0.1:80 -w abc --foo', 'illegal weight specified', 2],
    ['-D -t 10.0.0.1:80 -b foo', "invalid scheduler flag `foo'", 2],
    ['-a -t 10.0.0.1:80 -r [2001:db8::5]:80 -m --tun-type gre', 'Different address family is allowed only for tunneling servers', 2],
    ['-V', tryHelp(), 255],
    ['-A -t 10.0.0.1:80 -h', "invalid option `-h'", 2],
  ] as Array<[string, string, 2 | 255]>)('ipvsadm %s', async (args, message, code) => {
    await expectError(args, message, code);
  });
  test('/usr/sbin/ipvsadm --foo', async () => {
    await expectError('--foo', "Try `/usr/sbin/ipvsadm -h' or '/usr/sbin/ipvsadm --help' for more information.", 255, '/usr/sbin/ipvsadm');
  });
});

describe('13.13 and 13.17: command lines the parser accepts (the kernel may still refuse)', () => {
  test.each([
    ['-A -t 10.0.0.1:80'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.11'],
    ['-D -t 10.0.0.99:80'],
    ['-E -t 10.0.0.99:80 -s rr'],
    ['-d -t 10.0.0.1:80 -r 10.0.0.99'],
    ['-e -t 10.0.0.1:80 -r 10.0.0.99'],
    ['-Z -t 10.0.0.99:80'],
    ['-L -t 10.0.0.99:80'],
    ['-A -t 10.0.0.3:80 -s foo'],
    ['-A -t 10.0.0.3:80 -p --pe foo'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.16 -x 100 -y 200'],
    ['--start-daemon master'],
    ['--stop-daemon master'],
    ['-A -t [10.0.0.1]:80 -p'],
    ['-a -r 10.0.0.31 -t 10.0.0.3:80 -m'],
    ['-a -r 10.0.0.34:8080 -t 10.0.0.3:80 -g'],
    ['-L -n --syncid 5'],
    ['-S -n'],
    ['-A -t10.0.0.4:80 -srr'],
    ['-Ln'],
    ['-S'],
    ['--add-service --tcp-service 10.0.0.1:80 --scheduler rr --persistent 50 --netmask 255.255.255.0 --pe sip'],
    ['--add-server --tcp-service 10.0.0.1:80 --real-server 10.0.0.12 --ipip --tun-type gre --tun-csum'],
    ['--edit-service --tcp-service 10.0.0.1:80 --scheduler wrr'],
    ['-L -n -X --stats'],
    ['--save --numeric'],
    ['-A -t 10.0.0.1:80 --sort'],
    ['-L -n -f 20'],
    ['-L --daemon'],
    ['-L --timeout'],
    ['--set 100 20 30'],
    ['--start-daemon backup --mcast-interface d0 --syncid 5'],
    ['--start-daemon master --mcast-interface d0 --syncid 7 --sync-maxlen 1000 --mcast-group 239.1.2.3 --mcast-port 9000 --mcast-ttl 5'],
    ['--start-daemon backup --mcast-interface lo --mcast-group ff02::1234'],
    ['-R'],
    ['--restore'],
  ])('ipvsadm %s', async (args) => {
    await ok(args);
  });
  test('--add-service with long options builds the same service as the short ones', async () => {
    const long = await ok('--add-service --tcp-service 10.0.0.1:80 --scheduler rr --persistent 50 --netmask 255.255.255.0 --pe sip');
    const short = await ok('-A -t 10.0.0.1:80 -s rr -p 50 -M 255.255.255.0 --pe sip');
    expect(long.service).toEqual(short.service);
  });
  test('--add-server ... --ipip --tun-type gre --tun-csum', async () => {
    expect((await ok('--add-server --tcp-service 10.0.0.1:80 --real-server 10.0.0.12 --ipip --tun-type gre --tun-csum')).destination).toMatchObject({
      fwdMethod: 2,
      tunnelType: 2,
      tunnelFlags: 1,
      port: 80,
    });
  });
  test('-A -t vip6.example.com:80 is refused (IPv6-only name)', async () => {
    await expectError('-A -t vip6.example.com:80', 'illegal virtual server address[:port] specified');
  });
});

describe('restore lines (7.2/7.3): the failure kind tells a restore whether to stop', () => {
  test.each([
    ['# comment line', 'usage', 255],
    ['--foo', 'usage', 255],
    ['-L --foo', 'popt', 255],
    ['-a -t 10.0.0.4:80 -r 10.0.0.41 -w abc', 'invalid', 2],
    ['-A -t 10.0.0.6:80 # trailing comment', 'invalid', 2],
    ['-A -t "10.0.0.12:80"', 'invalid', 2],
  ])('%s -> %s', async (line, kind, exitCode) => {
    const f = await fails(line);
    expect({ kind: f.kind, exitCode: f.exitCode }).toEqual({ kind, exitCode });
  });
  test('-R inside a line is just the restore command (the caller refuses nesting)', async () => {
    expect((await ok('-R')).command).toBe('restore');
  });
  test('a CR left on a word is part of it', async () => {
    await expectError(['-A', '-t', '10.0.0.9:80\r'], 'illegal virtual server address[:port] specified');
  });
});

describe('name lookups happen in argv order and stop at the first error', () => {
  test('no lookup after a value error', async () => {
    const { fakeResolver } = await import('../support/fake-resolver');
    const { parseCommandLine } = await import('../../src/cli/parse');
    const resolver = fakeResolver();
    await parseCommandLine(['-A', '-t', 'vip1:80', '-w', 'abc', '-M', 'localhost'], { argv0: 'ipvsadm', resolver });
    expect(resolver.hostLookups).toEqual(['vip1']);
  });
  test('-n does not stop the parser from resolving names given on the command line', async () => {
    expect((await ok('-L -n -t vip1:http')).service).toMatchObject({ address: '10.0.0.1', port: 80 });
  });
});
