// /proc/net/ip_vs as the plain listings read it (commands/servers-file.ts)
// and the table that takes from it the services it names as the dump does.
import { readServersFile, sameService, type ServersFile } from '../../src/commands/servers-file';
import { collect, FILE_BATCH, savedTable, serversFileTable, SERVERS_FILE_ATTEMPTS } from '../../src/commands/table';
import type { Destination, Service, ServiceKey } from '../../src/ipvs/types';
import { serviceKey } from '../../src/ipvs/types';
import type { ServiceWithDestinations } from '../../src/netlink/api';
import { listedDest, listedSvc, persistent, row } from '../support/builders';
import { FakeIpvs, keyText } from '../support/fake-ipvs';
import { run } from '../programs/harness';
import { prng } from '../netlink/prng';
import { parseServersFile, procChunks } from '../support/proc-chunks';

/** A FakeIpvs that counts destination dumps. */
class CountingIpvs extends FakeIpvs {
  dumps: ServiceKey[] = [];
  override async destinations(key: ServiceKey): Promise<Destination[]> {
    this.dumps.push(key);
    return super.destinations(key);
  }
}

function varied(): CountingIpvs {
  const ipvs = new CountingIpvs();
  const add = (r: ReturnType<typeof row>): void => void ipvs.entries.set(keyText(serviceKey(r.service)), r);
  add(row(listedSvc('tcp 10.1.0.1:80'), listedDest('10.64.0.2:8080'), listedDest('10.64.0.1:8080', 'route', { weight: 0, activeConns: 7, inactiveConns: 2 ** 31 + 5 })));
  add(row(listedSvc('udp [2001:db8::1]:53', { flags: 0x2 | 0x4 }), listedDest('[2001:db8::2]:53', 'local', { weight: -3 })));
  add(row(listedSvc('sctp 10.1.0.2:5000', persistent(300, 0xffffff00)), listedDest('10.64.0.9:5000', 'tunnel')));
  add(row(listedSvc('fwm 7'), listedDest('10.64.0.3:0'), listedDest('[fd00::1]:0', 'tunnel')));
  add(row(listedSvc('tcp 10.1.0.3:443')));
  return ipvs;
}

/** What the file can say of a server: the rest zero, no counters. */
function asInFile(d: Destination): Destination {
  return {
    family: d.family, address: d.address, port: d.port, fwdMethod: (d.fwdMethod & 7) > 3 ? 0 : d.fwdMethod, weight: d.weight,
    upperThreshold: 0, lowerThreshold: 0, tunnelType: 0, tunnelPort: 0, tunnelFlags: 0,
    activeConns: d.activeConns, inactiveConns: d.inactiveConns, persistentConns: 0,
  };
}

describe('parseServersFile', () => {
  /** What the file says of a service: its identity, fwmark services without a family. */
  const identity = (s: Service): object =>
    s.fwmark !== 0
      ? { protocol: 0, family: 0, address: '', port: 0, fwmark: s.fwmark }
      : { protocol: s.protocol, family: s.family, address: s.address, port: s.port, fwmark: 0 };

  test('every service in kernel order, with its servers in kernel order: IPv4, IPv6, fwmark, persistence, ops', async () => {
    const ipvs = varied();
    const parsed = parseServersFile(ipvs.serversFile())!;
    expect(parsed).toBeDefined();
    const table = await ipvs.table();
    expect(parsed.services.map(({ from, to, ...id }) => id)).toEqual(table.map((r) => identity(r.service)));
    table.forEach((r, i) => {
      expect(sameService(r.service, parsed.services[i])).toBe(true);
      expect(parsed.servers(parsed.services[i])).toEqual(r.destinations.map(asInFile));
    });
    // Each service is only itself.
    expect(sameService(table[0].service, parsed.services[1])).toBe(false);
    expect(sameService({ ...table[0].service, port: 81 }, parsed.services[0])).toBe(false);
    expect(sameService({ ...table[0].service, protocol: 17 }, parsed.services[0])).toBe(false);
    expect(sameService({ ...table[0].service, address: '10.1.0.9' }, parsed.services[0])).toBe(false);
  });

  test('an empty table', () => {
    expect(parseServersFile(new FakeIpvs().serversFile())!.services).toEqual([]);
  });

  /** Everything a ServersFile says, to compare two. */
  const contents = (f: ServersFile | undefined): unknown => f && f.services.map((s) => [s, f.servers(s)]);

  test('read in chunks of any size, lines cut anywhere, it says the same as in one piece', () => {
    const text = varied().serversFile();
    const whole = contents(parseServersFile(text));
    for (let size = 1; size <= text.length; size++) expect([size, contents(readServersFile(procChunks(text, size)))]).toEqual([size, whole]);
  });

  test('thousands of servers, over more than one block', () => {
    const ipvs = new FakeIpvs();
    const many = Array.from({ length: 9000 }, (_, i) => listedDest(`10.${i >> 8}.${i & 255}.1:${1 + i}`, i % 4 === 3 ? 'route' : 'masq', { weight: i, activeConns: i * 7, inactiveConns: 2 ** 32 - 1 - i }));
    const big = row(listedSvc('tcp 10.1.0.1:80'), ...many);
    const after = row(listedSvc('udp 10.1.0.1:53'), listedDest('10.9.9.9:53'));
    for (const r of [big, after]) ipvs.entries.set(keyText(serviceKey(r.service)), r);
    const parsed = readServersFile(procChunks(ipvs.serversFile(), 4096))!;
    expect(parsed.servers(parsed.services[0])).toEqual(many.map(asInFile));
    expect(parsed.servers(parsed.services[1])).toEqual([asInFile(after.destinations[0])]);
  });

  test('anything unexpected: no table at all', () => {
    const good = varied().serversFile();
    const lines = good.split('\n');
    expect(parseServersFile('')).toBeUndefined();
    expect(parseServersFile(lines.slice(1).join('\n'))).toBeUndefined();
    // A server before any service, an unknown protocol, an unknown method, a cut line, a number out of int range.
    expect(parseServersFile([...lines.slice(0, 3), lines[4], ...lines.slice(3)].join('\n'))).toBeUndefined();
    expect(parseServersFile(good.replace('TCP  ', 'ICMP  '))).toBeUndefined();
    expect(parseServersFile(good.replace('Route  ', 'Bypass '))).toBeUndefined();
    expect(parseServersFile(good.slice(0, good.indexOf('Route') + 3))).toBeUndefined();
    expect(parseServersFile(good.slice(0, -1))).toBeUndefined();
    expect(parseServersFile(good.replace(/Route {3}0 /, 'Route   2147483648 '))).toBeUndefined();
    expect(parseServersFile(good.replace(/Route {3}0 /, 'Route   -2147483648 '))).toBeDefined();
    // Lower-case IPv4 digits, upper-case IPv6 ones, a missing field, a field too many.
    expect(parseServersFile(good.replace('0A400001', '0a400001'))).toBeUndefined();
    expect(parseServersFile(good.replace('2001:0db8', '2001:0DB8'))).toBeUndefined();
    expect(parseServersFile(good.replace(/(Route +0 +7) +-?\d+/, '$1'))).toBeUndefined();
    expect(parseServersFile(good.replace(/(Route +0 +7 +-?\d+)/, '$1 1'))).toBeUndefined();
    // A line longer than the kernel ever writes, in chunks.
    expect(readServersFile(procChunks(good.replace('wlc', 'w'.repeat(5000)), 1000))).toBeUndefined();
  });
});

/** The table as the dumps give it, but for the services' counters, which the listings from the file do not read. */
async function liveRows(ipvs: FakeIpvs): Promise<ServiceWithDestinations[]> {
  return (await ipvs.table()).map(({ service: { stats: _stats, statsWidth: _width, ...service }, destinations }) => ({ service, destinations }));
}

describe('server lines: the one-pass IPv4 reader takes what the field-by-field one takes', () => {
  const methods = ['Masq', 'Local', 'Tunnel', 'Route'];
  /** The kernel's format, read by a regular expression: the numbers of the line, or undefined. */
  function reference(line: string): number[] | undefined {
    const m = /^ {2}-> ([0-9A-F]{8}):([0-9A-F]{4}) +(Masq|Local|Tunnel|Route) +(-?\d{1,11}) +(-?\d{1,11}) +(-?\d{1,11}) *$/.exec(line);
    if (!m) return undefined;
    const ints = [m[4], m[5], m[6]].map(Number);
    if (ints.some((v) => v < -(2 ** 31) || v > 2 ** 31 - 1)) return undefined;
    return [parseInt(m[1], 16), parseInt(m[2], 16), methods.indexOf(m[3]), ints[0], ints[1] >>> 0, ints[2] >>> 0];
  }
  const header = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\nTCP  0A010001:0050 wlc\n';

  test('5,000 lines, most of them damaged: the same servers or the same refusal', () => {
    const r = prng(0x11e5);
    const alphabet = '0123456789ABCDEFabcdef:- MasqLocalTunnelRoute[]x\t';
    let taken = 0;
    for (let n = 0; n < 5000; n++) {
      const hex = (digits: number): string => r.int(2 ** 32).toString(16).toUpperCase().padStart(8, '0').slice(-digits);
      const int = (): string => r.pick(['0', '1', '-1', '7', '2147483647', '-2147483648', '2147483648', '-2147483649', '4294967295', '99999999999', '000000000007', '-00000000007', String(r.int(100000))]);
      let line = `  -> ${hex(8)}:${hex(4)}${' '.repeat(1 + r.int(7))}${r.pick(methods)}${' '.repeat(1 + r.int(3))}${int()}${' '.repeat(1 + r.int(3))}${int()}${' '.repeat(1 + r.int(3))}${int()}${' '.repeat(r.int(3))}`;
      for (let k = r.int(3); k > 0; k--) {
        const at = 5 + r.int(line.length - 4);
        const op = r.int(3);
        const c = alphabet[r.int(alphabet.length)];
        line = op === 0 ? line.slice(0, at) + c + line.slice(at + 1) : op === 1 ? line.slice(0, at) + c + line.slice(at) : line.slice(0, at) + line.slice(at + 1);
      }
      const parsed = parseServersFile(header + line + '\n');
      const want = reference(line);
      const got = parsed?.servers(parsed.services[0]).map((d) => [
        Number(d.address.split('.').reduce((a, o) => a * 256 + Number(o), 0)), d.port, d.fwdMethod, d.weight, d.activeConns, d.inactiveConns,
      ])[0];
      expect({ line, got }).toEqual({ line, got: want });
      if (want !== undefined) taken++;
    }
    expect(taken).toBeGreaterThan(500);
    expect(taken).toBeLessThan(4500);
  });
});

describe('serversFileTable', () => {
  test('a file that agrees with the dump: no destination dump at all', async () => {
    const ipvs = varied();
    let reads = 0;
    const table = serversFileTable(ipvs, () => (reads++, procChunks(ipvs.serversFile())));
    const rows = await collect(table);
    expect(ipvs.dumps).toEqual([]);
    expect(reads).toBe(1);
    expect(rows).toEqual((await liveRows(ipvs)).map((r) => ({ service: r.service, destinations: r.destinations.map(asInFile) })));
  });

  /** The services' keys as keyText writes them, in kernel order. */
  const keysOf = (ipvs: FakeIpvs): string[] => [...ipvs.entries.keys()];
  /** Each row as the file gives it, but those of `dumped` (keys), as the dumps give them. */
  const expected = async (ipvs: FakeIpvs, dumped: string[]) =>
    (await liveRows(ipvs)).map((r) => (dumped.includes(keyText(serviceKey(r.service))) ? r : { service: r.service, destinations: r.destinations.map(asInFile) }));

  test('a file that misses services (a neighbouring namespace has some): the file is read once, only those are dumped', async () => {
    const ipvs = varied();
    const other = varied();
    const missed = [keysOf(other)[1], keysOf(other)[3]];
    for (const key of missed) other.entries.delete(key);
    let reads = 0;
    const rows = await collect(serversFileTable(ipvs, () => (reads++, procChunks(other.serversFile()))));
    expect(reads).toBe(1);
    expect(ipvs.dumps.map(keyText)).toEqual(missed);
    expect(rows).toEqual(await expected(ipvs, missed));
  });

  test('rows come in batches: runs of file rows of at most FILE_BATCH, each dumped row alone, in the order asked', async () => {
    const ipvs = new CountingIpvs();
    const other = new CountingIpvs();
    const count = 2 * FILE_BATCH + 100;
    for (let i = 0; i < count; i++) {
      const r = row(listedSvc(`tcp 10.2.${i >> 8}.${i & 255}:80`), listedDest(`10.64.${i >> 8}.${i & 255}:80`));
      ipvs.entries.set(keyText(serviceKey(r.service)), r);
      other.entries.set(keyText(serviceKey(r.service)), r);
    }
    const missed = [5, FILE_BATCH + 40, FILE_BATCH + 41].map((i) => keysOf(other)[i]);
    for (const key of missed) other.entries.delete(key);
    const table = serversFileTable(ipvs, () => procChunks(other.serversFile()));
    const services = (await table.services()).slice().reverse();
    const batches: string[][] = [];
    for await (const batch of table.rows(services)) batches.push(batch.map((r) => keyText(serviceKey(r.service))));
    expect(batches.flat()).toEqual(services.map((s) => keyText(serviceKey(s))));
    // Backwards: the file's rows after the two missed together, those two, the rows down to the first missed, it, the rest.
    const firstRun = count - 1 - (FILE_BATCH + 41);
    const secondRun = FILE_BATCH + 40 - 6;
    expect(Math.min(firstRun, secondRun)).toBeGreaterThan(FILE_BATCH);
    const sizes = batches.map((b) => (missed.includes(b[0]) ? `dump ${b.length}` : b.length));
    expect(sizes).toEqual([FILE_BATCH, firstRun - FILE_BATCH, 'dump 1', 'dump 1', FILE_BATCH, secondRun - FILE_BATCH, 'dump 1', 5]);
    expect(ipvs.dumps.map(keyText)).toEqual(missed.slice().reverse());
  });

  test('a file that names a service the dump does not is read again, then the table is dumped service by service', async () => {
    const ipvs = varied();
    const later = varied();
    const added = row(listedSvc('tcp 10.1.0.9:80'), listedDest('10.64.0.99:80'));
    // First in kernel order, as a service added to the head of its hash chain can be.
    const rest = [...later.entries];
    later.entries.clear();
    for (const [key, r] of [[keyText(serviceKey(added.service)), added] as const, ...rest]) later.entries.set(key, r);
    let reads = 0;
    const rows = await collect(serversFileTable(ipvs, () => (reads++, procChunks(later.serversFile()))));
    expect(reads).toBe(SERVERS_FILE_ATTEMPTS);
    expect(ipvs.dumps).toHaveLength(ipvs.entries.size);
    expect(rows).toEqual(await liveRows(ipvs));
  });

  test('a dump that names a service twice (it resumed after a change) is not matched; the second try is', async () => {
    const ipvs = varied();
    const original = ipvs.services.bind(ipvs);
    let dumps = 0;
    ipvs.services = async (options) => {
      const services = await original(options);
      return dumps++ === 0 ? [...services.slice(0, 2), services[0], ...services.slice(2)] : services;
    };
    const missing = varied();
    missing.entries.delete(keysOf(missing)[1]);
    const files = [missing.serversFile(), ipvs.serversFile()];
    const rows = await collect(serversFileTable(ipvs, () => procChunks(files.shift()!)));
    expect(dumps).toBe(2);
    expect(ipvs.dumps).toEqual([]);
    expect(rows).toEqual(await expected(ipvs, []));
  });

  test('the table changed between the reads: a second try that agrees is taken', async () => {
    const ipvs = varied();
    const before = varied();
    const added = row(listedSvc('tcp 10.1.0.9:80'));
    before.entries.set(keyText(serviceKey(added.service)), added);
    const files = [before.serversFile(), ipvs.serversFile()];
    const rows = await collect(serversFileTable(ipvs, () => procChunks(files.shift()!)));
    expect(ipvs.dumps).toEqual([]);
    expect(rows).toHaveLength(ipvs.entries.size);
  });

  test('fwmark services of both families with one mark: told apart by their place, no dump', async () => {
    const ipvs = varied();
    const v6 = row(listedSvc('fwm6 7'), listedDest('[fd00::2]:0'));
    ipvs.entries.set(keyText(serviceKey(v6.service)), v6);
    const rows = await collect(serversFileTable(ipvs, () => procChunks(ipvs.serversFile())));
    expect(ipvs.dumps).toEqual([]);
    expect(rows.filter((r) => r.service.fwmark === 7).map((r) => [r.service.family, r.destinations.map((d) => d.address)])).toEqual([
      [2, ['10.64.0.3', 'fd00::1']],
      [10, ['fd00::2']],
    ]);
  });

  test('...and when the file does not name the services one for one, both are dumped (the file cannot say which is which)', async () => {
    const ipvs = varied();
    const v6 = row(listedSvc('fwm6 7'), listedDest('[fd00::2]:0'));
    ipvs.entries.set(keyText(serviceKey(v6.service)), v6);
    const other = new CountingIpvs();
    for (const [key, r] of ipvs.entries) other.entries.set(key, r);
    other.entries.delete(keysOf(ipvs)[0]);
    other.entries.delete(keyText(serviceKey(v6.service)));
    const rows = await collect(serversFileTable(ipvs, () => procChunks(other.serversFile())));
    const dumped = [keysOf(ipvs)[0], ...keysOf(ipvs).filter((k) => ipvs.entries.get(k)!.service.fwmark === 7)];
    expect(ipvs.dumps.map(keyText).sort()).toEqual(dumped.sort());
    expect(rows).toEqual(await expected(ipvs, dumped));
  });

  test('the same services in another order, or one twice in place of another: not taken', async () => {
    const ipvs = varied();
    const text = ipvs.serversFile();
    const lines = text.split('\n');
    // The first two services (with their servers) swapped; the first named twice, the second not at all.
    const first = lines.slice(3, 6);
    const second = lines.slice(6, 8);
    const swapped = [...lines.slice(0, 3), ...second, ...first, ...lines.slice(8)].join('\n');
    const twice = [...lines.slice(0, 3), ...first, ...first.slice(0, 1), ...lines.slice(8)].join('\n');
    expect(first[0]).toMatch(/^TCP /);
    expect(second[0]).toMatch(/^UDP /);
    for (const file of [swapped, twice]) {
      const fresh = varied();
      expect(await collect(serversFileTable(fresh, () => procChunks(file)))).toEqual(await liveRows(fresh));
      expect(fresh.dumps).toHaveLength(fresh.entries.size);
    }
  });

  test('no file: dumps', async () => {
    const ipvs = varied();
    const rows = await collect(serversFileTable(ipvs, () => {
      throw new Error('ENOENT');
    }));
    expect(rows).toEqual(await liveRows(ipvs));
    expect(ipvs.dumps).toHaveLength(ipvs.entries.size);
  });
});

describe('savedTable (-S)', () => {
  /** Tunnels of every type with their settings, which the file does not give, among services that do not tunnel. */
  function tunnelling(): CountingIpvs {
    const ipvs = varied();
    const add = (r: ReturnType<typeof row>): void => void ipvs.entries.set(keyText(serviceKey(r.service)), r);
    add(row(listedSvc('tcp 10.1.0.4:80'), listedDest('10.64.0.20:80', 'tunnel', { tunnelType: 1, tunnelPort: 6080, tunnelFlags: 1 }), listedDest('10.64.0.21:80')));
    add(row(listedSvc('tcp 10.1.0.5:80'), listedDest('10.64.0.22:80', 'route')));
    add(row(listedSvc('udp 10.1.0.6:53'), listedDest('10.64.0.23:53', 'tunnel', { tunnelType: 2, tunnelFlags: 2 })));
    return ipvs;
  }
  const tunnels = (ipvs: FakeIpvs) => [...ipvs.entries.values()].filter((r) => r.destinations.some((d) => d.fwdMethod === 2)).map((r) => keyText(serviceKey(r.service)));

  test('only the services with a tunnelling server are dumped, and only their rows come from dumps', async () => {
    const ipvs = tunnelling();
    const rows = await collect(savedTable(ipvs, () => procChunks(ipvs.serversFile())));
    expect(ipvs.dumps.map(keyText).sort()).toEqual(tunnels(ipvs).sort());
    const full = await liveRows(ipvs);
    expect(rows).toEqual(full.map((r) => (r.destinations.some((d) => d.fwdMethod === 2) ? r : { service: r.service, destinations: r.destinations.map(asInFile) })));
  });

  test.each([[['-S', '-n']], [['-S']], [['--save', '-n']]])('ipvsadm %j prints what it prints from the dumps', async (argv) => {
    const fromFile = await run(argv, { kernel: tunnelling() });
    const fromDumps = await run(argv, { kernel: tunnelling(), serversFile: 'none' });
    expect(fromFile).toEqual(fromDumps);
    expect(fromFile.status).toBe(0);
    expect(fromFile.stdout).toContain('--tun-type gue --tun-port 6080 --tun-csum');
    expect(fromFile.stdout).toContain('--tun-type gre --tun-remcsum');
  });

  test('a table with no tunnel: no dump at all', async () => {
    const ipvs = new CountingIpvs();
    const r = row(listedSvc('tcp 10.1.0.1:80'), listedDest('10.64.0.2:8080'), listedDest('10.64.0.1:8080', 'route'));
    ipvs.entries.set(keyText(serviceKey(r.service)), r);
    expect(await run(['-S', '-n'], { kernel: ipvs })).toMatchObject({ status: 0 });
    expect(ipvs.dumps).toEqual([]);
  });
});

describe('the listings that read the file print what the dumps print', () => {
  test.each([[['-L', '-n']], [['-L']], [['-l', '-n', '--nosort']], [['-S', '-n']], [['-L', '-n', '--tun-info']], [['-L', '-n', '--json']]])(
    'ipvsadm %j',
    async (argv) => {
      const fromFile = await run(argv, { kernel: varied() });
      const fromDumps = await run(argv, { kernel: varied(), serversFile: 'none' });
      expect(fromFile).toEqual(fromDumps);
      expect(fromFile.status).toBe(0);
      expect(fromFile.stdout.length).toBeGreaterThan(150);
    },
  );
});

describe('forwarding methods 4-7, which the file names Masq', () => {
  function odd(): FakeIpvs {
    const ipvs = new FakeIpvs();
    const r = row(listedSvc('tcp 10.1.0.1:80'), listedDest('10.64.0.1:8080', 5), listedDest('10.64.0.2:8080'));
    ipvs.entries.set(keyText(serviceKey(r.service)), r);
    return ipvs;
  }

  test('-L shows them as Masq (ipvsadm 1.31 prints (null)); with the file unreadable, as 1.31 does', async () => {
    const fromFile = await run(['-L', '-n'], { kernel: odd() });
    expect(fromFile.stdout.split('\n')[4]).toMatch(/^ {2}-> 10\.64\.0\.1:8080 +Masq /);
    const fromDumps = await run(['-L', '-n'], { kernel: odd(), serversFile: 'none' });
    expect(fromDumps.stdout.split('\n')[4]).toMatch(/^ {2}-> 10\.64\.0\.1:8080 +\(null\) /);
  });

  test('-S saves them as -m from the file; with the file unreadable it dumps, and refuses them as before', async () => {
    const fromFile = await run(['-S', '-n'], { kernel: odd() });
    expect(fromFile).toEqual({
      status: 0, stderr: '',
      stdout: '-A -t 10.1.0.1:80 -s wlc\n-a -t 10.1.0.1:80 -r 10.64.0.1:8080 -m -w 1\n-a -t 10.1.0.1:80 -r 10.64.0.2:8080 -m -w 1\n',
    });
    const fromDumps = await run(['-S', '-n'], { kernel: odd(), serversFile: 'none' });
    expect(fromDumps).toMatchObject({ status: 1, stdout: '' });
    expect(fromDumps.stderr).toMatch(/^ipvsadm: cannot save destination 10\.64\.0\.1:8080 of service -t 10\.1\.0\.1:80: unknown forwarding method 5\n$/);
  });
});
