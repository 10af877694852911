/**
 * The connection synchronisation daemon commands (--start-daemon,
 * --stop-daemon): the state word, defaults and multicast options.
 */
import { expectError, ok } from './helpers';

describe('daemon settings', () => {
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

describe('the state word is checked as soon as the command is read', () => {
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

describe('multicast groups: IPv6 when the value has a colon, else IPv4', () => {
  test.each([
    ['--start-daemon master --mcast-group 1.2.3.4', "invalid IPv4 mcast-group `1.2.3.4'"],
    ['--start-daemon master --mcast-group foo', "invalid IPv4 mcast-group `foo'"],
    ['--start-daemon master --mcast-group 2001:db8::1', "invalid IPv6 mcast-group `2001:db8::1'"],
  ])('ipvsadm %s -> %s', async (args, message) => {
    await expectError(args, message);
  });
});
