import type { ServiceWithDestinations } from '../../src/netlink/api';
import { numericNamer } from '../../src/render/addrport';
import { renderSave, SaveError, savedDestinationLine, savedServiceId, savedServiceLine } from '../../src/render/save';
import { listedDest, listedSvc, persistent, row } from '../support/builders';
import { fakeResolver } from '../support/fake-resolver';
import { sample } from './samples';
import { table13, table1310, table1311, table1312, table1318, table139 } from './tables';

const save = (table: ServiceWithDestinations[], numeric = true) =>
  renderSave(table, { numeric, resolver: fakeResolver() });

describe('save samples', () => {
  it('13.5 -S (names)', async () => {
    expect(await save(table13(), false)).toBe(sample('13.5 ipvsadm -S'));
  });
  it('13.5 -S -n', async () => {
    expect(await save(table13())).toBe(sample('13.5 ipvsadm -S -n'));
  });
  it('13.9 tunnels', async () => {
    expect(await save(table139())).toBe(sample('13.9 ipvsadm -S -n'));
  });
  it('13.10 -S: the 59-character cut, no 28/33 cut', async () => {
    expect(await save(table1310(), false)).toBe(sample('13.10 ipvsadm -S'));
  });
  it('13.11 -S -n: signed fwmarks, odd masks, thresholds not saved', async () => {
    expect(await save(table1311(false))).toBe(sample('13.11 ipvsadm -S -n'));
  });
  it('13.12 -S -n: sorted like -L', async () => {
    expect(await save(table1312())).toBe(sample('13.12 ipvsadm -S -n'));
  });
  it('an empty table saves as nothing', async () => {
    expect(await save([])).toBe('');
  });
});

describe('service lines', () => {
  it('option order: -p, -M, --pe, -o, -b', () => {
    const s = listedSvc('udp 10.0.0.1:5060', {
      ...persistent(10, 0xffffff00),
      flags: 0x1 | 0x4 | 0x8,
      peName: 'sip',
      scheduler: 'rr',
    });
    expect(savedServiceLine(s, savedServiceId(s, numericNamer))).toBe(
      '-A -u 10.0.0.1:5060 -s rr -p 10 -M 255.255.255.0 --pe sip -o -b flag-1',
    );
  });
  it('--pe is saved without persistence; an empty flag list leaves a trailing blank', () => {
    const pe = listedSvc('udp 10.0.0.1:5061', { peName: 'sip' });
    expect(savedServiceLine(pe, savedServiceId(pe, numericNamer))).toBe('-A -u 10.0.0.1:5061 -s wlc --pe sip');
    const sh = listedSvc('tcp 10.0.0.4:88', { scheduler: 'sh', flags: 0x2 | 0x20 });
    expect(savedServiceLine(sh, savedServiceId(sh, numericNamer))).toBe('-A -t 10.0.0.4:88 -s sh -b ');
  });
  it('service ids for every protocol and fwmark family', () => {
    expect(savedServiceId(listedSvc('sctp 10.0.0.3:5000'), numericNamer)).toBe('--sctp-service 10.0.0.3:5000');
    expect(savedServiceId(listedSvc('proto1 10.9.0.1:7'), numericNamer)).toBe('--xxx-service 10.9.0.1:7');
    expect(savedServiceId(listedSvc('fwm6 4294967295'), numericNamer)).toBe('-f -1 -6');
    expect(savedServiceId(listedSvc('tcp [2001:db8::1]:80'), numericNamer)).toBe('-t [2001:db8::1]:80');
  });
  it('IPv6 persistence prefix', () => {
    const s = listedSvc('tcp [2001:db8::1]:80', persistent(30, 64));
    expect(savedServiceLine(s, savedServiceId(s, numericNamer))).toBe('-A -t [2001:db8::1]:80 -s wlc -p 30 -M 64');
  });
});

describe('destination lines', () => {
  const s = listedSvc('tcp 10.0.0.1:80');
  const id = '-t 10.0.0.1:80';
  it('Local saves as -g, weights are signed, unknown tunnel types get no options', () => {
    expect(savedDestinationLine(s, id, listedDest('10.0.0.2:80', 'local'), numericNamer)).toBe(
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 1',
    );
    expect(savedDestinationLine(s, id, listedDest('10.0.0.2:80', 'masq', { weight: -5 }), numericNamer)).toBe(
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w -5',
    );
    expect(savedDestinationLine(s, id, listedDest('10.0.0.2:80', 'tunnel', { tunnelType: 5, tunnelFlags: 3 }), numericNamer)).toBe(
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 1',
    );
  });
  it('tunnel options only for tunnel destinations; ipip ignores the checksum flags', () => {
    expect(savedDestinationLine(s, id, listedDest('10.0.0.2:80', 'masq', { tunnelType: 1, tunnelFlags: 3 }), numericNamer)).toBe(
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1',
    );
    expect(savedDestinationLine(s, id, listedDest('10.0.0.2:80', 'tunnel', { tunnelFlags: 3 }), numericNamer)).toBe(
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 1 --tun-type ipip',
    );
  });
});

describe('state ipvsadm 1.31 crashes on (13.18): SaveError instead', () => {
  it('forwarding methods 4-7', async () => {
    const err = await save(table1318()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SaveError);
    expect((err as SaveError).message).toBe(
      'cannot save destination 10.9.0.21:80 of service -t 10.9.0.1:80: unknown forwarding method 4',
    );
    expect((err as SaveError).reason).toEqual({ kind: 'forward-method', fwdMethod: 4 });
  });
  it('tunnel checksum flags 3 (gue and gre)', async () => {
    for (const tunnelType of [1, 2]) {
      const t = [row(listedSvc('tcp 10.9.0.1:80'), listedDest('10.9.0.32:80', 'tunnel', { tunnelType, tunnelPort: 6080, tunnelFlags: 3 }))];
      await expect(save(t)).rejects.toThrow(
        'cannot save destination 10.9.0.32:80 of service -t 10.9.0.1:80: unknown tunnel checksum flags 3',
      );
    }
  });
  it('names the destination as it would be saved', async () => {
    const t = [row(listedSvc('tcp 10.0.0.1:80'), listedDest('10.0.0.11:8080', 7))];
    await expect(save(t, false)).rejects.toThrow(
      'cannot save destination rs11:http-alt of service -t vip1.example.com:http: unknown forwarding method 7',
    );
  });
});

/**
 * Round trip: parse each saved line with a tiny reader of the options save
 * emits, rebuild the domain objects, and save again. (The real `-R` parser is
 * tested with the CLI; this checks that save loses nothing it claims to keep.)
 */
describe('round trip through the options save writes', () => {
  function parseLine(line: string): { kind: 'A' | 'a'; opts: Map<string, string[]> } {
    const tokens = line.split(' ');
    const opts = new Map<string, string[]>();
    let i = 1;
    const takesArg = new Set(['-t', '-u', '--sctp-service', '-f', '-s', '-p', '-M', '--pe', '-b', '-r', '-w', '--tun-type', '--tun-port']);
    while (i < tokens.length) {
      const t = tokens[i++];
      opts.set(t, takesArg.has(t) ? [tokens[i++] ?? ''] : []);
    }
    return { kind: tokens[0] === '-A' ? 'A' : 'a', opts };
  }

  function rebuild(text: string): ServiceWithDestinations[] {
    const out: ServiceWithDestinations[] = [];
    for (const line of text.trimEnd().split('\n')) {
      const { kind, opts } = parseLine(line);
      const proto = opts.has('-t') ? 'tcp' : opts.has('-u') ? 'udp' : opts.has('--sctp-service') ? 'sctp' : undefined;
      const where = opts.get('-t') ?? opts.get('-u') ?? opts.get('--sctp-service');
      const spec = proto ? `${proto} ${where![0]}` : `${opts.has('-6') ? 'fwm6' : 'fwm'} ${opts.get('-f')![0]}`;
      if (kind === 'A') {
        const v6 = spec.startsWith('fwm6') || spec.includes('[');
        const flagNames = ['flag-1', 'flag-2', 'flag-3', 'sh-fallback', 'sh-port', 'mh-fallback', 'mh-port'];
        const bits = [0x8, 0x10, 0x20, 0x8, 0x10, 0x8, 0x10];
        let flags = 0x2;
        for (const f of (opts.get('-b')?.[0] ?? '').split(',')) if (f) flags |= bits[flagNames.indexOf(f)];
        if (opts.has('-p')) flags |= 0x1;
        if (opts.has('-o')) flags |= 0x4;
        const mask = opts.get('-M')?.[0];
        out.push(
          row(
            listedSvc(spec, {
              scheduler: opts.get('-s')![0],
              flags,
              timeout: Number(opts.get('-p')?.[0] ?? 0),
              peName: opts.get('--pe')?.[0] ?? '',
              netmask:
                mask === undefined
                  ? v6
                    ? 128
                    : 0xffffffff
                  : v6
                    ? Number(mask)
                    : mask.split('.').reduce((acc, p) => acc * 256 + Number(p), 0),
            }),
          ),
        );
      } else {
        const fwd = opts.has('-m') ? 'masq' : opts.has('-i') ? 'tunnel' : 'route';
        const tunType = opts.get('--tun-type')?.[0];
        const csum = opts.has('--tun-csum') ? 1 : opts.has('--tun-remcsum') ? 2 : 0;
        out[out.length - 1].destinations.push(
          listedDest(opts.get('-r')![0], fwd, {
            weight: Number(opts.get('-w')![0]),
            tunnelType: tunType === 'gue' ? 1 : tunType === 'gre' ? 2 : 0,
            tunnelPort: Number(opts.get('--tun-port')?.[0] ?? 0),
            tunnelFlags: csum,
          }),
        );
      }
    }
    return out;
  }

  it.each([
    ['13.1', table13],
    ['13.9', table139],
    ['13.11 (without the flags services)', () => table1311(false).filter((r) => r.service.fwmark !== 4294967295 && r.service.fwmark !== 2147483648)],
    ['13.12 address services', () => table1312().filter((r) => r.service.fwmark === 0)],
  ])('%s', async (_name, build) => {
    const first = await save(build());
    const second = await save(rebuild(first));
    expect(second).toBe(first);
  });
});
