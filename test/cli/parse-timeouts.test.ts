/**
 * --set tcp tcpfin udp: its three values are leftover words, taken before
 * the other leftovers are refused (pass 4 of docs/popt-grammar.md).
 */
import { expectError, ok } from './helpers';

describe('--set takes three timeouts', () => {
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
});
