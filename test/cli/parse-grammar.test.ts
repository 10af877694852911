/**
 * The order in which a command line is read and checked. It decides which
 * message a line with several problems gets; docs/popt-grammar.md describes
 * the passes these tests refer to.
 */
import { expectError, fails, ok } from './helpers';

describe('after the command, another command or -h/-v is an invalid option (the whole word is named)', () => {
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
});

describe('an option given twice is refused under its internal name', () => {
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
});

describe('options are checked one by one, so the first problem in argument order wins', () => {
  test('a bad value, a duplicate or a second command: whichever comes first', async () => {
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

describe('popt errors stop the reading where they occur (255)', () => {
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

describe('leftover words are refused after --set took its three, before the matrix', () => {
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
});

describe('values are checked before the matrix, the matrix before the checks of one command', () => {
  test('the matrix comes before the semantic checks', async () => {
    await expectError('-A -t 10.0.0.3 -n', "Illegal 'numeric' option with the 'add-service' command");
    await expectError('-a -t 10.0.0.1:80 -r 10.0.0.2 -m --tun-type gre -n', "Illegal 'numeric' option with the 'add-server' command");
  });
  test('-L -w abc reports the value, not the matrix', async () => {
    await expectError('-L -w abc', 'illegal weight specified');
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
