// --json (issue 9) through the whole program against the fake IPVS: one
// document per listing whatever the text format, exact 64-bit counters,
// failures as one JSON object on stderr with 1.31's message and status.
// The kernel lab compares the values with the classic text on real traffic.
import { FakeIpvs } from '../support/fake-ipvs';
import { sample } from '../render/samples';
import { run } from './harness';

const RULES = [
  '-A -t 10.0.0.1:80 -s wlc -p 300 -M 255.255.255.0',
  '-a -t 10.0.0.1:80 -r 10.0.0.12:80 -m -w 1',
  '-a -t 10.0.0.1:80 -r 10.0.0.11:8080 -m -w 3 -x 100 -y 50',
  '-A -u 10.0.0.2:5060 -s sh -b sh-fallback,sh-port -o --pe sip',
  '-a -u 10.0.0.2:5060 -r 10.0.0.21:5060 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum',
  '-A -f 7 -6 -s rr',
  '-a -f 7 -6 -r [2001:db8::10]:0 -g -w 2',
  '',
].join('\n');

const BIG = 2n ** 64n - 1n;
const ABOVE_FLOAT = 2n ** 53n + 1n;

async function table(): Promise<FakeIpvs> {
  const kernel = new FakeIpvs();
  const r = await run(['-R'], { kernel, stdin: RULES });
  expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
  const first = kernel.entries.values().next().value!;
  first.service.stats = { conns: 5n, inpkts: BIG, outpkts: 7n, inbytes: ABOVE_FLOAT, outbytes: 9n, cps: 1n, inpps: 2n, outpps: 3n, inbps: 4n, outbps: 5n };
  first.destinations[0].activeConns = 4;
  first.destinations[0].inactiveConns = 2;
  first.destinations[0].persistentConns = 1;
  return kernel;
}

const ZERO_STATS = { conns: 0, inpkts: 0, outpkts: 0, inbytes: 0, outbytes: 0 };
const ZERO_RATE = { cps: 0, inpps: 0, outpps: 0, inbps: 0, outbps: 0 };

/** The document of the table above, sorted as -L sorts (TCP, UDP, then fwmark), counters read back as numbers. */
const EXPECTED_SERVICES = [
  {
    family: 'inet', protocol: 'tcp', address: '10.0.0.1', port: 80, fwmark: null, scheduler: 'wlc', flags: 3,
    schedulerFlags: [], onePacket: false, persistent: { timeout: 300, netmask: '255.255.255.0' }, pe: null,
    stats: { conns: 5, inpkts: Number(BIG), outpkts: 7, inbytes: Number(ABOVE_FLOAT), outbytes: 9 },
    rate: { cps: 1, inpps: 2, outpps: 3, inbps: 4, outbps: 5 },
    realServers: [
      {
        family: 'inet', address: '10.0.0.11', port: 8080, forwarding: 'masq', weight: 3, upperThreshold: 100, lowerThreshold: 50,
        tunnel: null, activeConns: 0, inactiveConns: 0, persistentConns: 0, stats: ZERO_STATS, rate: ZERO_RATE,
      },
      {
        family: 'inet', address: '10.0.0.12', port: 80, forwarding: 'masq', weight: 1, upperThreshold: 0, lowerThreshold: 0,
        tunnel: null, activeConns: 4, inactiveConns: 2, persistentConns: 1, stats: ZERO_STATS, rate: ZERO_RATE,
      },
    ],
  },
  {
    family: 'inet', protocol: 'udp', address: '10.0.0.2', port: 5060, fwmark: null, scheduler: 'sh', flags: 0x2 | 0x4 | 0x8 | 0x10,
    schedulerFlags: ['sh-fallback', 'sh-port'], onePacket: true, persistent: null, pe: 'sip', stats: ZERO_STATS, rate: ZERO_RATE,
    realServers: [
      {
        family: 'inet', address: '10.0.0.21', port: 5060, forwarding: 'tunnel', weight: 1, upperThreshold: 0, lowerThreshold: 0,
        tunnel: { type: 'gue', port: 6080, checksum: 'csum' }, activeConns: 0, inactiveConns: 0, persistentConns: 0,
        stats: ZERO_STATS, rate: ZERO_RATE,
      },
    ],
  },
  {
    family: 'inet6', protocol: null, address: null, port: null, fwmark: 7, scheduler: 'rr', flags: 2,
    schedulerFlags: [], onePacket: false, persistent: null, pe: null, stats: ZERO_STATS, rate: ZERO_RATE,
    realServers: [
      {
        family: 'inet6', address: '2001:db8::10', port: 0, forwarding: 'route', weight: 2, upperThreshold: 0, lowerThreshold: 0,
        tunnel: null, activeConns: 0, inactiveConns: 0, persistentConns: 0, stats: ZERO_STATS, rate: ZERO_RATE,
      },
    ],
  },
];

/** Keys of the live documents without their counters: what -S --json writes. */
function configOf(service: (typeof EXPECTED_SERVICES)[number]): unknown {
  const { flags: _f, stats: _s, rate: _r, realServers, ...rest } = service;
  return {
    ...rest,
    realServers: realServers.map(({ activeConns: _a, inactiveConns: _i, persistentConns: _p, stats: _ds, rate: _dr, ...d }) => d),
  };
}

describe('-L --json', () => {
  test('the table as one document on one line: ipvs, then every service with its real servers', async () => {
    const kernel = await table();
    const r = await run(['-L', '-n', '--json'], { kernel });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('}\n')).toBe(true);
    expect(r.stdout.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(r.stdout)).toEqual({ ipvs: { version: '1.2.1', connTableSize: 4096 }, services: EXPECTED_SERVICES });
  });

  test('64-bit counters are written exactly, as integers, never through a float', async () => {
    const r = await run(['-L', '-n', '--json'], { kernel: await table() });
    expect(r.stdout).toContain(`"inpkts":${BIG},`);
    expect(r.stdout).toContain(`"inbytes":${ABOVE_FLOAT},`);
    // A float would have made it 2^53.
    expect(r.stdout).not.toContain(`"inbytes":${2n ** 53n},`);
  });

  test.each([
    [['--stats']], [['--rate']], [['--thresholds']], [['--persistent-conn']], [['--tun-info']], [['--stats', '--exact']],
    [['--rate', '--exact']], [[]],
  ])('the same document with -L %j, with or without -n', async (format) => {
    const kernel = await table();
    const plain = (await run(['-L', '-n', '--json'], { kernel })).stdout;
    for (const args of [['-L', '-n', ...format, '--json'], ['-l', '--json', ...format]]) {
      expect(await run(args, { kernel })).toEqual({ status: 0, stdout: plain, stderr: '' });
    }
  });

  test('--nosort keeps the kernel order, as in the text', async () => {
    const kernel = await table();
    const sorted = JSON.parse((await run(['-L', '-n', '--json'], { kernel })).stdout).services;
    const unsorted = JSON.parse((await run(['-L', '-n', '--nosort', '--json'], { kernel })).stdout).services;
    expect(unsorted.map((s: { port: number }) => s.port)).toEqual([80, 5060, null]);
    // The kernel order of the first service's servers is the order they were added in.
    expect(unsorted[0].realServers.map((d: { address: string }) => d.address)).toEqual(['10.0.0.12', '10.0.0.11']);
    expect(sorted[0].realServers.map((d: { address: string }) => d.address)).toEqual(['10.0.0.11', '10.0.0.12']);
  });

  test('one service: that service alone, without the ipvs block (1.31 prints no banner either)', async () => {
    const r = await run(['-L', '-n', '-u', '10.0.0.2:5060', '--json'], { kernel: await table() });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ services: [EXPECTED_SERVICES[1]] });
  });

  test('an empty table', async () => {
    expect(await run(['-L', '--json'], { kernel: new FakeIpvs() })).toEqual({
      status: 0, stdout: '{"ipvs":{"version":"1.2.1","connTableSize":4096},"services":[]}\n', stderr: '',
    });
  });
});

describe('-S --json', () => {
  test('what a rules file sets, without counters, in the order -S writes', async () => {
    const kernel = await table();
    const r = await run(['-S', '--json'], { kernel });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ services: EXPECTED_SERVICES.map(configOf) });
    expect(await run(['-S', '-n', '--json'], { kernel })).toEqual(r);
  });
});

describe('the small listings', () => {
  test('--timeout and --daemon', async () => {
    const kernel = new FakeIpvs();
    expect(await run(['-L', '--timeout', '--json'], { kernel })).toEqual({
      status: 0, stdout: '{"timeouts":{"tcp":900,"tcpFin":120,"udp":300}}\n', stderr: '',
    });
    expect((await run(['-L', '--daemon', '--json'], { kernel })).stdout).toBe('{"daemons":[]}\n');
    expect((await run(['--start-daemon', 'backup', '--mcast-interface', 'lo', '--syncid', '9'], { kernel })).status).toBe(0);
    expect(JSON.parse((await run(['-L', '--daemon', '--json'], { kernel })).stdout)).toEqual({
      daemons: [{ state: 'backup', mcastInterface: 'lo', syncId: 9, syncMaxlen: null, mcastGroup: null, mcastPort: null, mcastTtl: null }],
    });
  });

  test('a failed --timeout, which 1.31 reports by its status alone, says why', async () => {
    const kernel = new FakeIpvs();
    kernel.timeouts = async () => {
      throw new (await import('../../src/netlink/errors')).KernelError(1, 'GET_CONFIG');
    };
    const r = await run(['-L', '--timeout', '--json'], { kernel });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({ error: { message: expect.any(String), status: 1 } });
    expect((await run(['-L', '--timeout'], { kernel })).stderr).toBe('');
  });
});

describe('-L -c --json', () => {
  test('every entry, with its persistence engine data when the kernel gives one', async () => {
    const r = await run(['-L', '-c', '--json'], { kernel: new FakeIpvs(), connections: sample('13.6 cat /proc/net/ip_vs_conn') });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.connections).toHaveLength(11);
    expect(doc.connections[0]).toEqual({
      protocol: 'udp', expires: 298, state: 'UDP',
      client: { family: 'inet', address: '10.0.0.254', port: 0x83c3 },
      virtual: { family: 'inet', address: '10.0.0.5', port: 9999 },
      destination: { family: 'inet', address: '10.0.0.50', port: 9999 },
      pe: null,
    });
    expect(doc.connections[4].pe).toEqual({ name: 'sip', data: 'abc123@host' });
    expect(doc.connections[8].client).toEqual({ family: 'inet6', address: '2001:db8::fe', port: 0xe2c2 });
  });

  test('an unreadable table is one error object', async () => {
    const r = await run(['-L', '-c', '--json'], { kernel: new FakeIpvs() });
    expect(r).toEqual({ status: 1, stdout: '', stderr: '{"error":{"message":"cannot open file /proc/net/ip_vs_conn","status":1}}\n' });
  });
});

describe('failures under --json: one object on stderr, the message and status 1.31 gives', () => {
  test.each([
    ['a service that does not exist', ['-L', '-n', '-t', '10.9.9.9:80', '--json'], { kernel: true }],
    ['--json with a command that changes the table', ['-A', '-t', '10.0.0.9:80', '--json'], { kernel: true }],
    ['a bad option value', ['-L', '-t', '10.0.0.999:80', '--json'], { kernel: true }],
    ['an unknown option', ['-L', '--json', '--bogus'], { kernel: true }],
    ['an unknown option before --json, where popt stops', ['-L', '--bogus', '--json'], { kernel: true }],
    ['no IPVS', ['-L', '-n', '--json'], { kernel: false }],
  ])('%s', async (_what, argv, o) => {
    const kernel = o.kernel ? await table() : undefined;
    const classic = await run(argv.filter((a) => a !== '--json'), { kernel });
    const r = await run(argv, { kernel });
    expect(r.stdout).toBe('');
    expect(r.status).not.toBe(0);
    const doc = JSON.parse(r.stderr);
    expect(r.stderr.slice(0, -1)).not.toContain('\n');
    expect(doc.error.status).toBe(r.status);
    if (argv.includes('-A')) {
      expect(doc).toEqual({ error: { message: "Illegal 'json' option with the 'add-service' command", status: 2 } });
    } else {
      // Without --json the same failure, in 1.31's words.
      expect(doc).toEqual({ error: { message: classic.stderr.replace(/\n$/, ''), status: classic.status } });
    }
  });

  test('--json taken as the value of -t (as 1.31 takes it) asks for nothing: the classic error', async () => {
    const r = await run(['-A', '-t', '--json', '10.0.0.4:80'], { kernel: await table() });
    expect(r).toEqual({ status: 2, stdout: '', stderr: 'illegal virtual server address[:port] specified\n' });
  });

  test('-h and -v are not listings: their text is unchanged', async () => {
    const kernel = new FakeIpvs();
    expect((await run(['-h', '--json'], { kernel })).stdout).toBe((await run(['-h'], { kernel })).stdout);
  });

  test('after a first -h or -v, --json is never read (1.31 stops there): without IPVS, the classic failure', async () => {
    for (const first of ['-h', '--help', '-v', '--version']) {
      const r = await run([first, '-wi', '--json', '-a', '2147483648'], {});
      expect(r).toEqual({ status: 2, stdout: '', stderr: (await run([first], {})).stderr });
      expect(r.stderr).not.toContain('{');
    }
  });
});

describe('apply and diff read what -S --json writes', () => {
  test('-S --json, then apply on an empty table, gives the same -S -n; -L --json is read too', async () => {
    const kernel = await table();
    const saved = (await run(['-S', '-n'], { kernel })).stdout;
    for (const args of [['-S', '--json'], ['-L', '--json']]) {
      const doc = (await run(args, { kernel })).stdout;
      const empty = new FakeIpvs();
      expect(await run(['diff', 'rules.json'], { kernel: empty, files: { 'rules.json': doc } })).toMatchObject({ status: 1, stderr: '' });
      expect(await run(['apply', 'rules.json'], { kernel: empty, files: { 'rules.json': doc } })).toEqual({ status: 0, stdout: '', stderr: '' });
      expect((await run(['-S', '-n'], { kernel: empty })).stdout).toBe(saved);
      expect(await run(['diff', 'rules.json'], { kernel: empty, files: { 'rules.json': doc } })).toEqual({ status: 0, stdout: '', stderr: '' });
    }
  });

  test('edited with any JSON tool: a weight changed and a server removed become an edit and a delete', async () => {
    const kernel = await table();
    const doc = JSON.parse((await run(['-S', '--json'], { kernel })).stdout);
    doc.services[0].realServers[0].weight = 7;
    doc.services[0].realServers.splice(1, 1);
    const text = JSON.stringify(doc, null, 2);
    const r = await run(['diff', 'rules.json'], { kernel, files: { 'rules.json': text } });
    expect(r).toEqual({
      status: 1,
      stdout: '-e -t 10.0.0.1:80 -r 10.0.0.11:8080 -m -w 7 -x 100 -y 50\n-d -t 10.0.0.1:80 -r 10.0.0.12:80\n',
      stderr: '',
    });
  });

  test('every problem as FILE:LINE: message, the line of the value at fault; nothing changed', async () => {
    const kernel = await table();
    const before = (await run(['-S', '-n'], { kernel })).stdout;
    const text = [
      '{"services": [',
      '  {"protocol": "tcp", "address": "10.0.0.9", "port": 80, "colour": "red"},',
      '  {"protocol": "tcp", "address": "10.0.0.8", "port": "80"},',
      '  {"protocol": "tcp", "address": "10.0.0.7", "port": 80, "scheduler": "rr",',
      '   "realServers": [{"address": "10.1.0.1", "port": 80, "weight": -1},',
      '                   {"address": "10.1.0.2", "port": 80, "forwarding": "nat"}]},',
      '  {"fwmark": 5, "port": 80},',
      '  {"protocol": "tcp", "address": "10.0.0.7", "port": 80}',
      ']}',
      '',
    ].join('\n');
    const r = await run(['apply', 'r.json'], { kernel, files: { 'r.json': text } });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const classicWeight = (await run(['-a', '-t', '10.0.0.7:80', '-r', '10.1.0.1:80', '-w', '-1'], { kernel })).stderr.trim();
    expect(r.stderr).toBe(
      [
        'r.json:2: services[0]: unknown key "colour"',
        'r.json:3: services[1].port: expected an integer, found "80"',
        `r.json:5: ${classicWeight}`,
        'r.json:6: services[2].realServers[1].forwarding: "nat" is not one of masq, route, local, tunnel',
        'r.json:7: services[3]: a firewall-mark service has no port',
        'r.json:8: the service is already defined on line 4',
        '',
      ].join('\n'),
    );
    expect((await run(['-S', '-n'], { kernel })).stdout).toBe(before);
  });

  test('a byte order mark before the document (as some editors write it) is no problem', async () => {
    const kernel = await table();
    const doc = `\uFEFF${(await run(['-S', '--json'], { kernel })).stdout}`;
    expect(await run(['diff', 'rules.json'], { kernel, files: { 'rules.json': doc } })).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  test('a JSON syntax error names its line', async () => {
    const r = await run(['apply', 'r.json'], { kernel: await table(), files: { 'r.json': '{"services": [\n  {"protocol": "tcp",\n  }\n]}\n' } });
    expect(r).toEqual({ status: 2, stdout: '', stderr: "r.json:3: not valid JSON: expected a key in quotes, found '}'\n" });
  });
});
