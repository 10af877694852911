/** The sample tables of section 13, as domain objects (kernel order where the sheet shows it). */
import type { ServiceWithDestinations } from '../../src/netlink/api';
import { HASHED, listedDest, listedSvc, persistent, row, stats } from '../support/builders';

/** The table built in 13.1, in the kernel order that `-L -n --nosort` printed in 13.2. */
export function table13(): ServiceWithDestinations[] {
  return [
    row(
      listedSvc('tcp 10.0.0.1:80', { scheduler: 'rr' }),
      listedDest('10.0.0.11:80'),
      listedDest('10.0.0.9:80', 'masq', { upperThreshold: 100, lowerThreshold: 50 }),
      listedDest('10.0.0.12:80', 'tunnel', { weight: 0 }),
      listedDest('10.0.0.10:80', 'route'),
      listedDest('10.0.0.11:8080', 'masq', { weight: 2 }),
    ),
    row(listedSvc('udp 10.0.0.1:53', { scheduler: 'wrr', ...persistent(360) }), listedDest('10.0.0.20:53')),
    row(listedSvc('tcp 10.0.0.2:0', persistent(360))),
    row(listedSvc('tcp [2001:db8::2]:443', persistent(100, 64))),
    row(listedSvc('tcp 127.0.0.1:23')),
    row(listedSvc('sctp 10.0.0.3:5000'), listedDest('10.0.0.31:5000')),
    row(listedSvc('tcp [2001:db8::1]:80', { scheduler: 'lc' }), listedDest('[2001:db8::10]:8080')),
    row(listedSvc('udp 10.0.0.4:5060', { ...persistent(30), peName: 'sip' })),
    row(listedSvc('udp 10.0.0.4:5061', { scheduler: 'rr', flags: HASHED | 0x0004 })),
    row(listedSvc('tcp 10.0.0.2:443', persistent(600, 0xffffff00))),
    row(listedSvc('fwm 1', { scheduler: 'sh', flags: HASHED | 0x08 | 0x10 }), listedDest('10.0.0.30:0')),
    row(listedSvc('fwm6 2', { scheduler: 'mh', flags: HASHED | 0x10 })),
    row(listedSvc('fwm 3', { scheduler: 'rr', flags: HASHED | 0x08 | 0x20 })),
  ];
}

/** The 13.6 table after traffic, with the counters of the later `-L --stats`. */
export function table136(): ServiceWithDestinations[] {
  const s = (conns: number, bytes: number, extra = {}) => stats({ conns, inpkts: conns, inbytes: bytes, ...extra });
  return [
    row(
      listedSvc('tcp 10.0.0.1:80', { scheduler: 'rr', stats: s(3, 180, { inbps: 9 }) }),
      listedDest('10.0.0.11:8080', 'masq', { activeConns: 1, stats: s(1, 60, { inbps: 3 }) }),
      listedDest('10.0.0.12:80', 'masq', { activeConns: 2, stats: s(2, 120, { inbps: 6 }) }),
    ),
    row(
      listedSvc('udp 10.0.0.1:53', { scheduler: 'rr', ...persistent(120), stats: s(0, 0, { inbps: 5 }) }),
      listedDest('10.0.0.20:53', 'masq', { inactiveConns: 2, persistentConns: 1, stats: s(0, 0, { inbps: 5 }) }),
    ),
    row(
      listedSvc('udp 10.0.0.4:5060', { ...persistent(60), peName: 'sip', stats: s(0, 0, { inbps: 15 }) }),
      listedDest('10.0.0.40:5060', 'masq', { inactiveConns: 1, persistentConns: 1, stats: s(0, 0, { inbps: 15 }) }),
    ),
    row(
      listedSvc('udp 10.0.0.5:9999', { scheduler: 'rr', stats: s(0, 0, { inpps: 211, inbps: 301219 }) }),
      listedDest('10.0.0.50:9999', 'masq', { inactiveConns: 1, stats: s(0, 0, { inpps: 211, inbps: 301219 }) }),
    ),
    row(
      listedSvc('tcp [2001:db8::1]:80', { scheduler: 'rr', stats: s(2, 160, { inbps: 8 }) }),
      listedDest('[2001:db8::10]:80', 'masq', { activeConns: 2, stats: s(2, 160, { inbps: 8 }) }),
    ),
  ];
}

export function table139(): ServiceWithDestinations[] {
  const gue = (port: number, flags: number) => ({ tunnelType: 1, tunnelPort: port, tunnelFlags: flags });
  return [
    row(
      listedSvc('tcp 10.0.0.1:80', { scheduler: 'rr' }),
      listedDest('10.0.0.11:80', 'tunnel', gue(6080, 0)),
      listedDest('10.0.0.12:80', 'tunnel', gue(6080, 1)),
      listedDest('10.0.0.13:80', 'tunnel', gue(6080, 2)),
      listedDest('10.0.0.14:80', 'tunnel', gue(6078, 0)),
      listedDest('10.0.0.15:80', 'tunnel', { tunnelType: 2, tunnelFlags: 1 }),
      listedDest('10.0.0.16:80', 'tunnel', { tunnelType: 2, tunnelFlags: 0 }),
      listedDest('10.0.0.17:80', 'tunnel'),
      listedDest('10.0.0.18:80', 'tunnel'),
      listedDest('10.0.0.19:80', 'tunnel', gue(65535, 0)),
      listedDest('[2001:db8::30]:80', 'tunnel'),
    ),
  ];
}

/** The 13.10 table at the time of `-L` / `-L --stats` / `-S`. */
export function table1310(): ServiceWithDestinations[] {
  return [
    row(
      listedSvc('tcp 10.0.0.1:80', { scheduler: 'wrr', ...persistent(50), peName: 'sip' }),
      listedDest('10.0.0.11:80', 'route', { weight: 8 }),
      listedDest('10.0.0.12:0'),
      listedDest('10.0.0.13:8080'),
      listedDest('10.0.0.14:80', 'tunnel'),
      listedDest('10.0.0.254:80'),
      listedDest('127.0.0.1:80', 'route'),
    ),
    row(listedSvc('tcp 10.0.0.1:65535')),
    row(listedSvc('tcp 10.0.0.77:80'), listedDest('10.0.0.77:80', 'route'), listedDest('10.0.0.78:80', 'route')),
    row(listedSvc('tcp 10.0.0.99:80')),
    row(listedSvc('tcp 10.0.0.100:81')),
    row(listedSvc('tcp 127.0.0.1:8081')),
    row(listedSvc('udp 10.0.0.1:69')),
    row(listedSvc('udp 10.0.0.77:53')),
    row(listedSvc('sctp 10.0.0.1:5672')),
    row(listedSvc('sctp 10.0.0.1:5673')),
    row(listedSvc('tcp [::ffff:10.0.0.9]:80')),
    row(listedSvc('tcp [2001:db8::77]:80'), listedDest('[2001:db8::77]:80')),
    row(listedSvc('tcp [2001:db8::99:80]:0', persistent(360))),
    row(fwm5(), ...fwm5Dests()),
  ];
}

export function fwm5() {
  return listedSvc('fwm 5');
}
export function fwm5Dests() {
  return [listedDest('10.0.0.21:0', 'route'), listedDest('10.0.0.22:8080', 'route'), listedDest('10.0.0.23:8081')];
}

/** The 13.11 table at the time of `-L -n` (the 10.0.0.4 services were deleted before `-S -n`). */
export function table1311(withFlagServices = true): ServiceWithDestinations[] {
  const sched = (port: number, scheduler: string, flags: number, extra = {}) =>
    row(listedSvc(`tcp 10.0.0.4:${port}`, { scheduler, flags: 0x2 | flags, ...extra }));
  return [
    row(listedSvc('fwm 4294967295')),
    row(
      listedSvc('tcp 10.0.0.1:80'),
      listedDest('10.0.0.11:80', 'route', { weight: 65535 }),
      listedDest('10.0.0.12:80', 'route', { weight: 65536 }),
      listedDest('10.0.0.13:80', 'route', { weight: 2147483647 }),
      listedDest('10.0.0.15:80', 'route', { weight: 10 }),
      listedDest('10.0.0.17:80', 'route', { upperThreshold: 2147483647 }),
    ),
    row(listedSvc('tcp 10.0.0.2:80', persistent(2678400))),
    row(listedSvc('tcp 10.0.0.2:82', persistent(600))),
    row(listedSvc('tcp 10.0.0.2:83', persistent(700))),
    row(listedSvc('tcp 10.0.0.2:84', persistent(800))),
    row(listedSvc('tcp 10.0.0.2:85', { scheduler: 'rr', ...persistent(360) })),
    row(listedSvc('tcp 10.0.0.2:86')),
    row(listedSvc('tcp 10.0.0.2:87', persistent(360, 24))),
    row(listedSvc('tcp 10.0.0.2:89', persistent(360, 0x7f000001))),
    row(listedSvc('tcp 10.0.0.2:90', persistent(360, 0))),
    ...(withFlagServices
      ? [
          sched(80, 'sh', 0x10),
          sched(81, 'mh', 0x18),
          sched(82, 'sh', 0x30),
          sched(85, 'wlc', 0),
          sched(86, 'wlc', 0x18),
          sched(87, 'wlc', 0x38),
          sched(88, 'sh', 0x20),
          sched(89, 'rr', 0x10 | 0x1, { timeout: 360 }),
        ]
      : []),
    row(listedSvc('tcp [2001:db8::5]:80', persistent(360))),
    row(listedSvc('tcp [2001:db8::5]:83', persistent(360, 64))),
    row(listedSvc('tcp [2001:db8::5]:85', persistent(360))),
    row(listedSvc('fwm 10')),
    row(listedSvc('fwm6 12', persistent(360, 64))),
    row(listedSvc('fwm 13', persistent(360, 0xffffff00))),
    row(listedSvc('fwm6 14', persistent(360))),
    row(listedSvc('fwm 2147483648')),
  ];
}

/** The 13.12 table in the kernel order shown by `-L -n --nosort`. */
export function table1312(): ServiceWithDestinations[] {
  return [
    row(listedSvc('udp 10.0.0.1:80')),
    row(listedSvc('tcp 1.2.3.4:80')),
    row(listedSvc('tcp [7fff::1]:80')),
    row(listedSvc('tcp [8000::1]:80')),
    row(listedSvc('tcp [ffff::1]:80')),
    row(listedSvc('tcp [::1]:80')),
    row(listedSvc('tcp [fe80::1]:80')),
    row(listedSvc('tcp 128.0.0.1:80')),
    row(listedSvc('tcp 192.168.1.1:80')),
    row(listedSvc('tcp 100.0.0.1:80')),
    row(
      listedSvc('tcp 200.0.0.1:80'),
      listedDest('10.0.0.5:443'),
      listedDest('10.0.0.5:65535'),
      listedDest('10.0.0.5:1'),
      listedDest('10.0.0.5:8080'),
      listedDest('10.0.0.5:80'),
    ),
    row(
      listedSvc('tcp 10.0.0.1:80'),
      listedDest('128.0.0.1:80'),
      listedDest('1.2.3.4:80'),
      listedDest('192.168.1.1:80'),
      listedDest('100.0.0.1:80'),
      listedDest('200.0.0.1:80'),
      listedDest('10.0.0.1:80'),
    ),
    row(listedSvc('sctp 10.0.0.1:80')),
    row(listedSvc('tcp [2001:db8::1]:80')),
    row(listedSvc('tcp 127.255.255.255:80')),
    row(listedSvc('fwm 2147483648')),
    row(listedSvc('fwm 1')),
    row(listedSvc('fwm6 2')),
    row(listedSvc('fwm 3')),
    row(listedSvc('fwm 4294967295')),
    row(listedSvc('fwm 2147483647')),
  ];
}

/** Section 13.18: state made with a raw netlink client. */
export function table1318(): ServiceWithDestinations[] {
  return [
    row(listedSvc('proto1 10.9.0.1:7', { scheduler: 'rr' })),
    row(
      listedSvc('tcp 10.9.0.1:80', { scheduler: 'rr' }),
      listedDest('10.9.0.20:80', 'local'),
      listedDest('10.9.0.21:80', 4),
      listedDest('10.9.0.22:80', 5),
      listedDest('10.9.0.23:80', 6),
      listedDest('10.9.0.24:80', 7),
      listedDest('10.9.0.30:80', 'tunnel', { tunnelType: 5 }),
      listedDest('10.9.0.31:80', 'tunnel', { tunnelType: 2, tunnelFlags: 2 }),
      listedDest('10.9.0.32:80', 'tunnel', { tunnelType: 1, tunnelPort: 6080, tunnelFlags: 3 }),
      listedDest('10.9.0.33:80', 'tunnel'),
    ),
    row(listedSvc('tcp 10.9.0.1:81', { scheduler: 'sh', flags: 0x2 | 0x8 | 0x10 })),
    row(listedSvc('tcp 10.9.0.1:82', { scheduler: 'rr' })),
    row(listedSvc('tcp 10.9.0.1:83', { scheduler: 'rr', ...persistent(0) })),
    row(listedSvc('tcp 10.9.0.1:84', { scheduler: 'rr', ...persistent(10, 0) })),
    row(listedSvc('udp 10.9.0.1:5060', { scheduler: 'rr', flags: 0x2 | 0x1 | 0x4, timeout: 10, peName: 'sip' })),
    // A PE without persistence is kept by the kernel but not shown by -L.
    row(listedSvc('udp 10.9.0.1:5061', { scheduler: 'rr', peName: 'sip' })),
  ];
}
