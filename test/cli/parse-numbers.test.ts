/**
 * Integer option values: C strtol in base 10, the whole word, within the
 * option's range. Each option is tried at both edges, just past them, and in
 * the spellings strtol accepts or refuses ("Numbers" in docs/option-values.md).
 */
import { expectError, ok } from './helpers';

describe('every range edge', () => {
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
});
