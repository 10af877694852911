/**
 * -L: which listing format several format options give, the flags it
 * records, and the selectors and formats that exclude each other.
 */
import { expectError, ok } from './helpers';

describe('the listing format: the first present of --stats, --rate, --thresholds, --persistent-conn, --tun-info', () => {
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
});

describe('listing flags and selectors', () => {
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
});

describe('-c, --timeout and --daemon exclude the counter formats; --timeout and --daemon exclude --persistent-conn', () => {
  test.each([
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
  test('-c --persistent-conn is allowed', async () => {
    expect((await ok('-L -c --persistent-conn')).listFormat).toBe('persistent-conn');
  });
});
