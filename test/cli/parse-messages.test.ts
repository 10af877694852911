/**
 * Error messages and exit statuses: command lines recorded with ipvsadm 1.31
 * whose error the parser decides (kernel answers are tested elsewhere), and
 * the failure kinds a restore uses to decide whether to go on
 * (docs/popt-grammar.md, last section).
 */
import { expectError, fails, ok, tryHelp } from './helpers';

describe('recorded errors: the exact message and status', () => {
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

describe('restore lines: the failure kind tells a restore whether to stop', () => {
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
