/**
 * Which command a command line is. Only a command, -h or -v may come first
 * (pass 1 of docs/popt-grammar.md); then the command lines that parse.
 */
import { expectError, fails, ok, tryHelp } from './helpers';

describe('the first option chooses the command', () => {
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

describe('zero, flush, restore and save', () => {
  test('-Z zeroes everything, or one service', async () => {
    expect((await ok('-Z')).service).toBeUndefined();
    expect((await ok('-Z -t 10.0.0.1:80')).service).toMatchObject({ address: '10.0.0.1', port: 80 });
  });
  test('-C, -R and -S take nothing but -n for -S', async () => {
    expect((await ok('-C')).command).toBe('flush');
    expect((await ok('-R')).command).toBe('restore');
    expect((await ok('-S')).numeric).toBe(false);
    expect((await ok('-S -n')).numeric).toBe(true);
    expect((await ok('--save --numeric')).numeric).toBe(true);
  });
});

describe('command lines the parser accepts (the kernel may still refuse some)', () => {
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
});
