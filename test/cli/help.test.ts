/** Our -h / -v texts: our own words, every registered option, usage forms, version. */
import * as fs from 'fs';
import * as path from 'path';
import { VERSION, helpText, optionSynopsis, versionText } from '../../src/cli/help';
import { OPTIONS } from '../../src/cli/options';

const help = helpText('ipvsadm');

describe('version', () => {
  test('one line naming us, the ipvsadm we follow and the IPVS interface version', () => {
    expect(versionText()).toBe(`ipvsadm-ts ${VERSION} (ipvsadm 1.31 compatible, IPVS 1.2.1 netlink interface)\n`);
  });
  test('matches package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
    expect(VERSION).toBe(pkg.version);
  });
  test('is not ipvsadm’s own version line', () => {
    expect(versionText()).not.toContain('2019/12/24');
  });
});

describe('help', () => {
  test('starts with the version line and ends with one newline', () => {
    expect(help.startsWith(versionText())).toBe(true);
    expect(help.endsWith('\n')).toBe(true);
    expect(help.endsWith('\n\n')).toBe(false);
  });
  test.each(OPTIONS.map((o) => [o.long]))('mentions --%s with its synopsis', (long) => {
    const spec = OPTIONS.find((o) => o.long === long)!;
    expect(help).toContain(`  ${optionSynopsis(spec)}`);
    expect(help).toContain(spec.description);
  });
  test.each([
    '-A|-E <service>',
    '-D <service>',
    ' -C\n',
    ' -R\n',
    '-S [-n]',
    '-a|-e <service> -r server-address',
    '-d <service> -r server-address',
    '-L|-l [<service>]',
    '-Z [<service>]',
    '--set tcp tcpfin udp',
    '--start-daemon master|backup',
    '--stop-daemon master|backup',
    '-h|-v',
  ])('has the usage form %j', (form) => {
    expect(help).toContain(form);
  });
  test('usage lines use argv0 as invoked', () => {
    expect(helpText('/usr/sbin/ipvsadm')).toContain('\n  /usr/sbin/ipvsadm -C\n');
  });
  test('synopsis forms', () => {
    const get = (long: string) => optionSynopsis(OPTIONS.find((o) => o.long === long)!);
    expect(get('list')).toBe('-L, -l, --list');
    expect(get('persistent')).toBe('-p, --persistent [timeout]');
    expect(get('set')).toBe('--set tcp tcpfin udp');
    expect(get('exact')).toBe('--exact');
    expect(get('tcp-service')).toBe('-t, --tcp-service service-address');
  });
  test('does not repeat ipvsadm’s wrong defaults', () => {
    expect(help).not.toContain('default=255');
    expect(help).toContain('default 360');
    expect(help).toContain('default 0');
  });
  test('does not copy ipvsadm’s wording', () => {
    expect(help).not.toContain('Either long or short options are allowed.');
    expect(help).not.toContain('compiled with popt');
  });
});

describe('the registry', () => {
  test('long names are unique, short letters are unique', () => {
    const longs = OPTIONS.map((o) => o.long);
    expect(new Set(longs).size).toBe(longs.length);
    const shorts = OPTIONS.flatMap((o) => o.short);
    expect(new Set(shorts).size).toBe(shorts.length);
  });
  test('the short letters of ipvsadm 1.31', () => {
    const byShort = Object.fromEntries(OPTIONS.flatMap((o) => o.short.map((s) => [s, o.long])));
    expect(byShort).toEqual({
      A: 'add-service', E: 'edit-service', D: 'delete-service', C: 'clear', R: 'restore', S: 'save',
      a: 'add-server', e: 'edit-server', d: 'delete-server', L: 'list', l: 'list', Z: 'zero',
      h: 'help', v: 'version', t: 'tcp-service', u: 'udp-service', f: 'fwmark-service', '6': 'ipv6',
      s: 'scheduler', p: 'persistent', M: 'netmask', o: 'ops', b: 'sched-flags', r: 'real-server',
      g: 'gatewaying', i: 'ipip', m: 'masquerading', w: 'weight', x: 'u-threshold', y: 'l-threshold',
      n: 'numeric', c: 'connection', X: 'exact',
    });
  });
  test('argument kinds', () => {
    const kinds = Object.fromEntries(OPTIONS.filter((o) => o.argKind !== 'none').map((o) => [o.long, o.argKind]));
    expect(kinds).toEqual({
      set: 'positional', 'start-daemon': 'required', 'stop-daemon': 'required',
      'tcp-service': 'required', 'udp-service': 'required', 'sctp-service': 'required', 'fwmark-service': 'required',
      scheduler: 'required', pe: 'required', persistent: 'optional', netmask: 'required', 'sched-flags': 'required',
      'real-server': 'required', 'tun-type': 'required', 'tun-port': 'required', weight: 'required',
      'u-threshold': 'required', 'l-threshold': 'required', syncid: 'required', 'sync-maxlen': 'required',
      'mcast-interface': 'required', 'mcast-group': 'required', 'mcast-port': 'required', 'mcast-ttl': 'required',
    });
  });
  test('every option with an argument has a label, and flags have none', () => {
    for (const o of OPTIONS) expect(o.argument === undefined).toBe(o.argKind === 'none');
  });
  test('commands carry their internal command name; -6 and --sort are untracked', () => {
    expect(OPTIONS.filter((o) => o.isCommand).map((o) => o.command)).toEqual([
      'add-service', 'edit-service', 'delete-service', 'flush', 'restore', 'save', 'add-server', 'edit-server',
      'delete-server', 'list', 'zero', 'set', 'start-daemon', 'stop-daemon', 'help', 'version',
    ]);
    expect(OPTIONS.filter((o) => !o.isCommand && o.name === undefined).map((o) => o.long)).toEqual(['ipv6', 'sort']);
  });
});
