import type { ServiceWithDestinations } from '../../src/netlink/api';
import type { Info } from '../../src/ipvs/types';
import { ListFormat, ListOptions, renderBanner, renderListing, renderTitles } from '../../src/render/list';
import { listedDest, listedSvc, persistent, row, stats } from '../support/builders';
import { fakeResolver } from '../support/fake-resolver';
import { fwm5, fwm5Dests, table13, table1310, table1311, table1312, table1318, table136, table139 } from './tables';
import { sample } from './samples';

const INFO: Info = { version: 0x010201, connTabSize: 4096 };

function list(
  table: ServiceWithDestinations[],
  opts: Partial<Omit<ListOptions, 'resolver'>> & { full?: boolean } = {},
): Promise<string> {
  const { full = true, ...rest } = opts;
  return renderListing(table, {
    format: 'plain',
    numeric: true,
    exact: false,
    nosort: false,
    resolver: fakeResolver(),
    ...(full ? { banner: INFO } : {}),
    ...rest,
  });
}

function only(table: ServiceWithDestinations[], match: (r: ServiceWithDestinations) => boolean): ServiceWithDestinations[] {
  return table.filter(match);
}

describe('13.2 plain listings from the kernel order', () => {
  it('ipvsadm (names)', async () => {
    expect(await list(table13(), { numeric: false })).toBe(sample('13.2 ipvsadm'));
  });
  it('ipvsadm -Ln', async () => {
    expect(await list(table13())).toBe(sample('13.2 ipvsadm -Ln'));
  });
  it('ipvsadm -L -n --nosort', async () => {
    expect(await list(table13(), { nosort: true })).toBe(sample('13.2 ipvsadm -L -n --nosort'));
  });
});

describe('13.3 alternative formats with zero counters', () => {
  const cases: [string, ListFormat, boolean][] = [
    ['13.3 ipvsadm -L -n --stats', 'stats', true],
    ['13.3 ipvsadm -L -n --rate', 'rate', true],
    ['13.3 ipvsadm -L -n --thresholds', 'thresholds', true],
    ['13.3 ipvsadm -L -n --persistent-conn', 'persistent-conn', true],
    ['13.3 ipvsadm -L -n --tun-info', 'tun-info', true],
    ['13.3 ipvsadm -L --stats', 'stats', false],
  ];
  it.each(cases)('%s', async (key, format, numeric) => {
    expect(await list(table13(), { format, numeric })).toBe(sample(key));
  });
});

describe('13.4 single services (no banner)', () => {
  const tcp80 = (r: ServiceWithDestinations) => r.service.address === '10.0.0.1' && r.service.port === 80;
  it('-L -n -t 10.0.0.1:80', async () => {
    expect(await list(only(table13(), tcp80), { full: false })).toBe(sample('13.4 ipvsadm -L -n -t 10.0.0.1:80'));
  });
  it('-L -t 10.0.0.1:80 --stats', async () => {
    expect(await list(only(table13(), tcp80), { full: false, numeric: false, format: 'stats' })).toBe(
      sample('13.4 ipvsadm -L -t 10.0.0.1:80 --stats'),
    );
  });
  it('-L -n -f 2 -6', async () => {
    const fwm2 = only(table13(), (r) => r.service.fwmark === 2);
    expect(await list(fwm2, { full: false })).toBe(sample('13.4 ipvsadm -L -n -f 2 -6'));
  });
  it('-L -n -t [2001:db8::1]:80', async () => {
    const v6 = only(table13(), (r) => r.service.address === '2001:db8::1');
    expect(await list(v6, { full: false })).toBe(sample('13.4 ipvsadm -L -n -t [2001:db8::1]:80'));
  });
});

describe('13.6 traffic', () => {
  it('-L --stats (names)', async () => {
    expect(await list(table136(), { format: 'stats', numeric: false })).toBe(sample('13.6 ipvsadm -L --stats'));
  });
  it('-L -n', async () => {
    expect(await list(table136())).toBe(sample('13.6 ipvsadm -L -n'));
  });
  it('-L -n --persistent-conn', async () => {
    expect(await list(table136(), { format: 'persistent-conn' })).toBe(sample('13.6 ipvsadm -L -n --persistent-conn'));
  });
  it('-L -n --rate', async () => {
    expect(await list(table136(), { format: 'rate' })).toBe(sample('13.6 ipvsadm -L -n --rate'));
  });
  it('-L -n --stats after -Z', async () => {
    const zeroed = table136().map((r) => ({
      service: { ...r.service, stats: stats() },
      destinations: r.destinations.map((d) => ({ ...d, stats: stats() })),
    }));
    expect(await list(zeroed, { format: 'stats' })).toBe(sample('13.6 ipvsadm -L -n --stats #2'));
  });
  it('missing stats print as zeros', async () => {
    const bare = table136().map((r) => ({
      service: { ...r.service, stats: undefined },
      destinations: r.destinations.map((d) => ({ ...d, stats: undefined })),
    }));
    expect(await list(bare, { format: 'stats' })).toBe(sample('13.6 ipvsadm -L -n --stats #2'));
  });
});

describe('13.7 large numbers', () => {
  const table = (): ServiceWithDestinations[] => {
    const a = stats({ conns: 1, inpkts: 17000, inbytes: 1105476000, inpps: 1594, inbps: 103638375 });
    const b = stats({ conns: 1, inpkts: 1600, inbytes: 104044800, inpps: 112, inbps: 7315650 });
    return [
      row(listedSvc('udp 10.0.0.5:9999', { stats: a }), listedDest('10.0.0.50:9999', 'masq', { stats: a })),
      row(listedSvc('udp 10.0.0.6:9999', { stats: b }), listedDest('10.0.0.60:9999', 'masq', { stats: b })),
    ];
  };
  it.each([
    ['13.7 ipvsadm -L -n --stats', 'stats', false],
    ['13.7 ipvsadm -L -n --stats --exact', 'stats', true],
    ['13.7 ipvsadm -L -n --rate', 'rate', false],
    ['13.7 ipvsadm -L -n --rate --exact', 'rate', true],
  ] as [string, ListFormat, boolean][])('%s', async (key, format, exact) => {
    expect(await list(table(), { format, exact })).toBe(sample(key));
  });

  it('rate: destination CPS/InPPS/OutPPS are never abbreviated, service ones are', async () => {
    const big = stats({ cps: 123456789, inpps: 1000000000, outpps: 100000000000, inbps: 1, outbps: 2 });
    const text = await list([row(listedSvc('tcp 10.0.0.1:80', { stats: big }), listedDest('10.0.0.2:80', 'masq', { stats: big }))], {
      format: 'rate',
      full: false,
    });
    expect(text.split('\n')[2]).toBe('TCP  10.0.0.1:80                   123456K    1000M     100G        1        2');
    expect(text.split('\n')[3]).toBe('  -> 10.0.0.2:80                  123456789 1000000000 100000000000        1        2');
  });
});

const LONG6 = '2001:db8:1234:5678:9abc:def0:1234:5678';

describe('13.8 fwmark traffic and long IPv6 addresses', () => {
  const table = (): ServiceWithDestinations[] => [
    row(listedSvc('tcp [2001:db8:1234:5678:9abc:def0:1234:ffff]:65535', { scheduler: 'rr' }), listedDest(`[${LONG6}]:65535`)),
    row(
      listedSvc('fwm 1', { scheduler: 'rr', ...persistent(600), stats: stats({ conns: 2, inpkts: 2, inbytes: 66 }) }),
      listedDest('10.0.0.30:0', 'masq', { inactiveConns: 2, persistentConns: 1, stats: stats({ conns: 2, inpkts: 2, inbytes: 66 }) }),
    ),
    row(
      listedSvc('fwm 2', { scheduler: 'rr', stats: stats({ conns: 1, inpkts: 1, inbytes: 60 }) }),
      listedDest('10.0.0.31:8080', 'masq', { activeConns: 1, stats: stats({ conns: 1, inpkts: 1, inbytes: 60 }) }),
    ),
    row(listedSvc('fwm6 3', { scheduler: 'rr' }), listedDest(`[${LONG6}]:65535`, 'masq', { activeConns: 1 })),
  ];
  it.each([
    ['13.8 ipvsadm -L -n', 'plain'],
    ['13.8 ipvsadm -L -n --stats', 'stats'],
    ['13.8 ipvsadm -L -n --persistent-conn', 'persistent-conn'],
  ] as [string, ListFormat][])('%s', async (key, format) => {
    expect(await list(table(), { format })).toBe(sample(key));
  });
});

describe('13.9 tunnels', () => {
  it('-L -n --tun-info', async () => {
    expect(await list(table139(), { format: 'tun-info' })).toBe(sample('13.9 ipvsadm -L -n --tun-info'));
  });
  it('-L --tun-info (names)', async () => {
    expect(await list(table139(), { format: 'tun-info', numeric: false })).toBe(sample('13.9 ipvsadm -L --tun-info'));
  });
  it('mixed families in one IPv6 service', async () => {
    const t = [
      row(
        listedSvc('tcp [2001:db8::1]:80'),
        listedDest('10.0.0.40:80', 'tunnel'),
        listedDest('[2001:db8::41]:80', 'tunnel', { tunnelType: 1, tunnelPort: 6080 }),
      ),
    ];
    expect(await list(t, { format: 'tun-info', full: false })).toBe(
      sample('13.9 ipvsadm -L -n --tun-info -t [2001:db8::1]:80'),
    );
  });
});

describe('13.10 edit results and truncation', () => {
  const base = () => [
    listedDest('10.0.0.11:80', 'route', { weight: 5 }),
    listedDest('10.0.0.12:0'),
    listedDest('10.0.0.13:8080'),
    listedDest('10.0.0.14:80', 'tunnel'),
    listedDest('10.0.0.254:80'),
    listedDest('127.0.0.1:80', 'route'),
  ];
  it('persistent service with mask', async () => {
    const t = [row(listedSvc('tcp 10.0.0.1:80', { scheduler: 'rr', ...persistent(100, 0xffffff00) }), ...base())];
    expect(await list(t)).toBe(sample('13.10 ipvsadm -L -n'));
  });
  it('after -E', async () => {
    expect(await list([row(listedSvc('tcp 10.0.0.1:80'), ...base())])).toBe(sample('13.10 ipvsadm -L -n #2'));
  });
  it('sh with sh-fallback, persistent', async () => {
    const t = [row(listedSvc('tcp 10.0.0.1:80', { scheduler: 'sh', ...persistent(360), flags: 0x2 | 0x1 | 0x8 }), ...base())];
    expect(await list(t, { full: false })).toBe(sample('13.10 ipvsadm -L -n -t 10.0.0.1:80'));
  });
  it('fwmark destinations get no port names', async () => {
    expect(await list([row(fwm5(), ...fwm5Dests())], { full: false })).toBe(sample('13.10 ipvsadm -L -n -f 5'));
    const named = await list([row(fwm5(), ...fwm5Dests())], { full: false, numeric: false });
    expect(named).toBe(sample('13.10 ipvsadm -L -n -f 5'));
  });
  it('-L: 33/28/59-character cuts with names', async () => {
    expect(await list(table1310(), { numeric: false })).toBe(sample('13.10 ipvsadm -L'));
  });
  it('-L --stats: same cuts', async () => {
    expect(await list(table1310(), { numeric: false, format: 'stats' })).toBe(sample('13.10 ipvsadm -L --stats'));
  });
});

describe('13.11 flags, masks, fwmarks, weights', () => {
  it('-L -n --thresholds', async () => {
    const t = table1311().filter((r) => r.service.address === '10.0.0.1');
    expect(await list(t, { format: 'thresholds' })).toBe(sample('13.11 ipvsadm -L -n --thresholds'));
  });
  it('-L -n (signed fwmarks, wide weights, masks, flag texts)', async () => {
    expect(await list(table1311())).toBe(sample('13.11 ipvsadm -L -n'));
  });
  it('-L -n -f 20 (ops)', async () => {
    expect(await list([row(listedSvc('fwm 20', { flags: 0x2 | 0x4 }))], { full: false })).toBe(sample('13.11 ipvsadm -L -n -f 20'));
  });
  it('persistent-conn prints the weight unsigned', async () => {
    const t = [row(listedSvc('tcp 10.0.0.1:80'), listedDest('10.0.0.2:80', 'masq', { weight: -1 }))];
    const lines = (await list(t, { format: 'persistent-conn', full: false })).split('\n');
    expect(lines[3]).toBe('  -> 10.0.0.2:80                  4294967295 0           0          0         ');
    const plain = (await list(t, { full: false })).split('\n');
    expect(plain[3]).toBe('  -> 10.0.0.2:80                  Masq    -1     0          0         ');
  });
});

describe('13.12 sort order with wrap-around', () => {
  it('--nosort keeps the kernel order', async () => {
    expect(await list(table1312(), { nosort: true })).toBe(sample('13.12 ipvsadm -L -n --nosort'));
  });
  it('the merge sort with wrapping comparators reproduces the default order', async () => {
    expect(await list(table1312())).toBe(sample('13.12 ipvsadm -L -n'));
  });
});

describe('13.18 foreign state', () => {
  it('-L -n', async () => {
    expect(await list(table1318())).toBe(sample('13.18 ipvsadm -L -n'));
  });
  it('-L -n --tun-info', async () => {
    expect(await list(table1318(), { format: 'tun-info' })).toBe(sample('13.18 ipvsadm -L -n --tun-info'));
  });
});

describe('pieces', () => {
  it('banner decodes 0x00MMmmpp', () => {
    expect(renderBanner({ version: 0x010201, connTabSize: 4096 })).toBe('IP Virtual Server version 1.2.1 (size=4096)\n');
    expect(renderBanner({ version: 0x0a0b0c, connTabSize: 1 << 20 })).toBe(
      'IP Virtual Server version 10.11.12 (size=1048576)\n',
    );
  });
  it('an empty table prints banner and titles only', async () => {
    expect(await list([])).toBe(renderBanner(INFO) + renderTitles('plain'));
    expect(await list([], { full: false, format: 'stats' })).toBe(renderTitles('stats'));
  });
  it('thresholds and persistent-conn titles end in a blank', () => {
    expect(renderTitles('thresholds').split('\n')[0].endsWith('InActConn ')).toBe(true);
    expect(renderTitles('persistent-conn').split('\n')[0].endsWith('InActConn ')).toBe(true);
  });
  it('generic flag names with sh-like schedulers only when named sh/mh exactly', async () => {
    const t = [
      row(listedSvc('tcp 10.0.0.1:1', { scheduler: 'mh', flags: 0x2 | 0x20 })),
      row(listedSvc('tcp 10.0.0.1:2', { scheduler: 'shx', flags: 0x2 | 0x8 })),
    ];
    const lines = (await list(t, { full: false })).split('\n');
    expect(lines.slice(2, 4)).toEqual(['TCP  10.0.0.1:1 mh ()', 'TCP  10.0.0.1:2 shx (flag-1)']);
  });
  it('pe is shown only for persistent services; ops comes last', async () => {
    const t = [
      row(listedSvc('udp 10.0.0.1:1', { peName: 'sip', flags: 0x2 | 0x4 })),
      row(listedSvc('udp 10.0.0.1:2', { ...persistent(5, 0xffffff00), peName: 'sip', flags: 0x1 | 0x4 | 0x10 })),
    ];
    const lines = (await list(t, { full: false })).split('\n');
    expect(lines.slice(2, 4)).toEqual([
      'UDP  10.0.0.1:1 wlc ops',
      'UDP  10.0.0.1:2 wlc (flag-2) persistent 5 mask 255.255.255.0 pe sip ops',
    ]);
  });
  it('IPv6 service identifiers are never cut, IPv4 ones at 33', async () => {
    const t = [row(listedSvc('tcp [2001:db8::77]:80')), row(listedSvc('tcp 10.0.0.77:80'))];
    const lines = (await list(t, { full: false, numeric: false, nosort: true })).split('\n');
    expect(lines[2]).toBe('TCP  [a-very-long-ipv6-hostname-for-testing-truncation.example.c wlc');
    expect(lines[3]).toBe('TCP  a-very-long-hostname-for-tes wlc');
  });
  it('does not mutate the input table', async () => {
    const t = table1312();
    const before = JSON.stringify(t, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    await list(t);
    expect(JSON.stringify(t, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).toBe(before);
  });
  it('renders 5,000 services with 4 destinations each quickly, one lookup per distinct address', async () => {
    const resolver = fakeResolver();
    const t: ServiceWithDestinations[] = [];
    for (let i = 0; i < 5000; i++) {
      const a = `10.${(i >> 8) & 0xff}.${i & 0xff}.1`;
      t.push(row(listedSvc(`tcp ${a}:80`), ...[1, 2, 3, 4].map((k) => listedDest(`192.168.0.${k}:80`))));
    }
    const start = Date.now();
    const text = await renderListing(t, { format: 'plain', numeric: false, exact: false, nosort: false, resolver, banner: INFO });
    // Generous bound: it is there to catch quadratic work, not to benchmark.
    expect(Date.now() - start).toBeLessThan(5000);
    expect(text.split('\n').length).toBe(3 + 5000 * 5 + 1);
    expect(resolver.reverseLookups.length).toBe(5000 + 4);
    expect(new Set(resolver.portLookups).size).toBe(resolver.portLookups.length);
  });
});
