// Planning alone: host state + request -> changes, record + host state -> undo steps.
import { missingModules, planSetup, planUndo } from '../../src/realserver/plan';
import { parse } from '../../src/realserver/parse';
import type { HostState, RecordedChange, SetupInvocation } from '../../src/realserver/types';

const setup = (...argv: string[]) => parse(argv) as SetupInvocation;

function host(o: Partial<HostState> = {}): HostState {
  return { links: [{ index: 1, name: 'lo', flags: 1 }], addresses: [], sysctls: new Map(), ...o };
}

test('everything already in place: no changes', () => {
  const state = host({
    addresses: [{ family: 2, index: 1, address: '10.0.0.1', prefixLength: 32 }],
    sysctls: new Map([['net.ipv4.conf.all.arp_ignore', '1'], ['net.ipv4.conf.all.arp_announce', '2'], ['net.ipv4.conf.lo.arp_ignore', '1'], ['net.ipv4.conf.lo.arp_announce', '2']]),
  });
  expect(planSetup(setup('dr', '10.0.0.1'), state)).toEqual([]);
});

test('the VIP with another prefix length, or on another device, is not the VIP on lo', () => {
  const state = host({
    links: [{ index: 1, name: 'lo', flags: 1 }, { index: 2, name: 'eth0', flags: 1 }],
    addresses: [{ family: 2, index: 1, address: '10.0.0.1', prefixLength: 8 }, { family: 2, index: 2, address: '10.0.0.1', prefixLength: 32 }],
  });
  expect(planSetup(setup('dr', '10.0.0.1'), state).filter((c) => c.kind === 'add-address')).toEqual([
    { kind: 'add-address', device: 'lo', family: 2, address: '10.0.0.1', prefixLength: 32 },
  ]);
});

test('sysctls come before the addresses, and each is set once', () => {
  const kinds = planSetup(setup('tun', '10.0.0.1', '10.0.0.2'), host({ links: [{ index: 1, name: 'lo', flags: 1 }, { index: 2, name: 'tunl0', flags: 0 }] }))
    .map((c) => (c.kind === 'sysctl' ? c.name : c.kind));
  expect(kinds).toEqual([
    'net.ipv4.conf.all.arp_ignore', 'net.ipv4.conf.all.arp_announce', 'net.ipv4.conf.tunl0.arp_ignore', 'net.ipv4.conf.tunl0.arp_announce',
    'net.ipv4.conf.all.rp_filter', 'net.ipv4.conf.tunl0.rp_filter', 'link-up', 'add-address', 'add-address',
  ]);
});

test('modules: only for missing devices, and fou when its family is not registered', () => {
  const withTunl = host({ links: [{ index: 2, name: 'tunl0', flags: 0 }], fouPorts: [] });
  expect(missingModules(setup('tun', '--type', 'gue', '10.0.0.1'), withTunl)).toEqual([]);
  expect(missingModules(setup('tun', '--type', 'gue', '10.0.0.1'), host())).toEqual(['ipip', 'fou']);
  expect(missingModules(setup('tun', '10.0.0.1', 'fd00::1'), host())).toEqual(['ipip', 'ip6_tunnel']);
  expect(missingModules(setup('dr', '10.0.0.1'), host({ links: [] }))).toEqual([]);
});

test('a fou port of another encapsulation does not count as the GUE port', () => {
  const state = host({ links: [{ index: 2, name: 'tunl0', flags: 1 }], fouPorts: [{ port: 6080, family: 2, encap: 1 }] });
  expect(planSetup(setup('tun', '--type', 'gue', '10.0.0.1'), state).at(-1)).toEqual({ kind: 'add-fou', port: 6080, family: 2 });
});

test('undo: newest first; a sysctl changed twice goes back to its first value', () => {
  const record: RecordedChange[] = [
    { kind: 'sysctl', name: 'net.ipv4.conf.all.rp_filter', from: '2', to: '1' },
    { kind: 'sysctl', name: 'net.ipv4.conf.all.rp_filter', from: '1', to: '0' },
    { kind: 'add-address', device: 'lo', family: 2, address: '10.0.0.1', prefixLength: 32 },
  ];
  const state = host({
    addresses: [{ family: 2, index: 1, address: '10.0.0.1', prefixLength: 32 }],
    sysctls: new Map([['net.ipv4.conf.all.rp_filter', '0']]),
  });
  expect(planUndo(record, state)).toEqual([
    { entry: 2, change: { kind: 'delete-address', device: 'lo', family: 2, address: '10.0.0.1', prefixLength: 32 } },
    { entry: 1, change: { kind: 'sysctl', name: 'net.ipv4.conf.all.rp_filter', from: '0', to: '1' } },
    { entry: 0, change: { kind: 'sysctl', name: 'net.ipv4.conf.all.rp_filter', from: '1', to: '2' } },
  ]);
});
