import { DecodeError } from '../../src/netlink/errors';
import { formatIPv4, formatIPv6 } from '../../src/netlink/inet';
import {
  daemonStartEntries,
  decodeDaemonReply,
  decodeDestinationReply,
  decodeInfoReply,
  decodeServiceReply,
  decodeTimeoutsReply,
  requests,
  serviceKeyBlock,
  serviceKeyEntries,
} from '../../src/netlink/ipvs-codec';
import { decodeDone, decodeError, splitDatagram } from '../../src/netlink/message';
import { COMMAND_SET } from '../../src/netlink/schema';
import { decodeSet, encodeAttributes } from '../../src/netlink/set-codec';
import type { Daemon, RawAttribute, Stats } from '../../src/ipvs/types';
import { serviceKey } from '../../src/ipvs/types';
import { stats32, stats64 } from './fake-kernel';
import { attrMap, be16, buf, Bytes, cstr, hex, knest, le16, le32, le64, nla } from './naive';
import { dest, key1, svc } from '../support/builders';
import { destinationReplyEntries, serviceReplyEntries } from '../support/ipvs-replies';
import { randomIpvs } from '../support/random-ipvs';

const top = (name: 'SERVICE' | 'DEST' | 'DAEMON', entries: ReturnType<typeof serviceReplyEntries>): Buffer =>
  encodeAttributes(COMMAND_SET, { entries: [[name, entries]] });

/** The SERVICE block of a request, as attributes by id. */
const svcBlock = (attributes: Buffer): Map<number, Buffer> => attrMap(attrMap(attributes).get(1)!);
const destBlock = (attributes: Buffer): Map<number, Buffer> => attrMap(attrMap(attributes).get(2)!);

const baseService = svc();
const baseDest = dest();

function serviceReply(...inner: Bytes[]): Buffer {
  return buf(knest(1, ...inner));
}
const minimalService: Bytes[] = [
  nla(1, le16(2)),
  nla(2, le16(6)),
  nla(3, hex('0a000001000000000000000000000000')),
  nla(4, be16(80)),
  nla(6, cstr('rr')),
  nla(7, [...le32(2), ...le32(0xffffffff)]),
  nla(8, le32(0)),
  nla(9, le32(0xffffffff)),
];
const minimalDest: Bytes[] = [
  nla(1, hex('0a00000b000000000000000000000000')),
  nla(2, be16(8080)),
  nla(3, le32(0)),
  nla(4, le32(1)),
  nla(5, le32(0)),
  nla(6, le32(0)),
  nla(7, le32(0)),
  nla(8, le32(0)),
  nla(9, le32(0)),
];

describe('wire quirks (one test each, named as in ipvs-codec.ts)', () => {
  test('flags-are-8-bytes: u32 flags then u32 mask 0xffffffff; decode reads the flags', () => {
    const b = svcBlock(requests.newService({ ...baseService, flags: 0x25 }).attributes);
    expect(b.get(7)).toEqual(buf([...le32(0x25), ...le32(0xffffffff)]));
    const s = decodeServiceReply(serviceReply(...minimalService.slice(0, 5), nla(7, [...le32(0x13), ...le32(0)]), ...minimalService.slice(6)));
    expect(s.flags).toBe(0x13);
  });

  test('ports-network-order: service PORT, dest PORT and TUN_PORT are big-endian', () => {
    const req = requests.newDestination({ ...key1, port: 0x1234 }, { ...baseDest, port: 0x0102, tunnelPort: 0xabcd });
    expect(svcBlock(req.attributes).get(4)).toEqual(buf([0x12, 0x34]));
    expect(destBlock(req.attributes).get(2)).toEqual(buf([0x01, 0x02]));
    expect(destBlock(req.attributes).get(14)).toEqual(buf([0xab, 0xcd]));
    const d = decodeDestinationReply(buf(knest(2, ...minimalDest.slice(0, 1), nla(2, [0x1f, 0x90]), ...minimalDest.slice(2), nla(14, [0x17, 0xc0]))), 2);
    expect([d.port, d.tunnelPort]).toEqual([8080, 6080]);
  });

  test('mcast-port-host-order: daemon MCAST_PORT is host order, unlike every other port', () => {
    const attrs = requests.newDaemon({ state: 1, mcastIfn: 'd0', syncId: 0, mcastPort: 0x2328 }).attributes;
    expect(attrMap(attrMap(attrs).get(3)!).get(7)).toEqual(buf(le16(0x2328)));
    const d = decodeDaemonReply(buf(knest(3, nla(1, le32(2)), nla(2, cstr('d0')), nla(3, le32(0)), nla(7, le16(9000)))));
    expect(d.mcastPort).toBe(9000);
  });

  test('addr-16-bytes: ADDR is sent as 16 bytes, IPv4 in the first 4; decode trims by family', () => {
    expect(svcBlock(requests.newService(baseService).attributes).get(3)).toEqual(buf(hex('0a000001000000000000000000000000')));
    expect(destBlock(requests.newDestination(key1, { ...baseDest, family: 10, address: '2001:db8::5' }).attributes).get(1)).toEqual(
      buf(hex('20010db8000000000000000000000005')),
    );
    // Garbage after the IPv4 bytes is ignored; a 4-byte ADDR (old style) is accepted.
    const garbage = nla(3, hex('0a000001ffffffffffffffffffffffff'));
    expect(decodeServiceReply(serviceReply(minimalService[0], minimalService[1], garbage, ...minimalService.slice(3))).address).toBe('10.0.0.1');
    const four = nla(3, hex('0a000001'));
    expect(decodeServiceReply(serviceReply(minimalService[0], minimalService[1], four, ...minimalService.slice(3))).address).toBe('10.0.0.1');
    // Too few bytes for IPv6 is a DecodeError.
    expect(() => decodeServiceReply(serviceReply(nla(1, le16(10)), minimalService[1], four, ...minimalService.slice(3)))).toThrow(DecodeError);
  });

  test('netmask-by-family: IPv4 mask bytes in network order, IPv6 prefix length in host order', () => {
    expect(svcBlock(requests.newService({ ...baseService, netmask: 0xffffff00 }).attributes).get(9)).toEqual(buf([255, 255, 255, 0]));
    expect(svcBlock(requests.newService({ ...baseService, family: 10, address: '::1', netmask: 64 }).attributes).get(9)).toEqual(buf(le32(64)));
    const v4 = decodeServiceReply(serviceReply(...minimalService.slice(0, 7), nla(9, [255, 255, 0, 0])));
    expect(v4.netmask).toBe(0xffff0000);
    const v6 = decodeServiceReply(
      serviceReply(nla(1, le16(10)), nla(5, le32(1)), ...minimalService.slice(4, 7), nla(9, le32(96))),
    );
    expect(v6.netmask).toBe(96);
  });

  test('dest-family-fallback: without ADDR_FAMILY (kernel < 3.18) the service family is used', () => {
    const v6addr = nla(1, hex('20010db8000000000000000000000007'));
    expect(decodeDestinationReply(buf(knest(2, v6addr, ...minimalDest.slice(1))), 10)).toMatchObject({ family: 10, address: '2001:db8::7' });
    // With ADDR_FAMILY, a mixed-family tunnel destination keeps its own family.
    expect(decodeDestinationReply(buf(knest(2, ...minimalDest, nla(11, le16(2)))), 10)).toMatchObject({ family: 2, address: '10.0.0.11' });
    // Missing TUN_* (kernel < 5.2) read as 0.
    expect(decodeDestinationReply(buf(knest(2, ...minimalDest)), 2)).toMatchObject({ tunnelType: 0, tunnelPort: 0, tunnelFlags: 0 });
  });

  test('stats-widths: STATS u32 with u64 bytes, STATS64 all u64, PAD ignored, STATS64 preferred', () => {
    const only32 = decodeServiceReply(serviceReply(...minimalService, stats32([1, 2, 3, 0xffffffff, 5, 6, 7, 8, 9, 10])));
    expect(only32.statsWidth).toBe(32);
    expect(only32.stats).toMatchObject({ conns: 1n, inbytes: 0xffffffffn, outbps: 10n });
    const both = decodeServiceReply(serviceReply(...minimalService, stats32([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), stats64(new Array(10).fill(2n ** 33n))));
    expect(both.statsWidth).toBe(64);
    expect(both.stats?.conns).toBe(2n ** 33n);
    expect(decodeServiceReply(serviceReply(...minimalService)).stats).toBeUndefined();
    // A u32 counter sent as 8 bytes in STATS is malformed.
    expect(() => decodeServiceReply(serviceReply(...minimalService, knest(10, nla(1, le64(1n)))))).toThrow(DecodeError);
  });

  test('mcast-group-by-family: MCAST_GROUP is 4 bytes, MCAST_GROUP6 16 bytes', () => {
    const g4 = attrMap(attrMap(requests.newDaemon({ state: 1, mcastIfn: 'd0', syncId: 1, mcastGroup: '239.1.1.1' }).attributes).get(3)!);
    expect([g4.get(5), g4.has(6)]).toEqual([buf([239, 1, 1, 1]), false]);
    const g6 = attrMap(attrMap(requests.newDaemon({ state: 1, mcastIfn: 'd0', syncId: 1, mcastGroup: 'ff02::1:2' }).attributes).get(3)!);
    expect([g6.get(6), g6.has(5)]).toEqual([buf(hex('ff020000000000000000000000010002')), false]);
    const d = decodeDaemonReply(buf(knest(3, nla(1, le32(2)), nla(2, cstr('d0')), nla(3, le32(9)), nla(6, hex('ff020000000000000000000000010002')))));
    expect(d.mcastGroup).toBe('ff02::1:2');
    expect(() => decodeDaemonReply(buf(knest(3, nla(1, le32(2)), nla(2, cstr('d0')), nla(3, le32(9)), nla(5, hex('ff020000')), nla(6, [1]))))).toThrow(
      DecodeError,
    );
  });

  test('weight-signed: a negative weight goes out as its two\'s complement and comes back negative', () => {
    expect(destBlock(requests.newDestination(key1, { ...baseDest, weight: -1 }).attributes).get(4)).toEqual(buf(le32(0xffffffff)));
    const d = decodeDestinationReply(buf(knest(2, ...minimalDest.slice(0, 3), nla(4, le32(0xfffffffe)), ...minimalDest.slice(4))), 2);
    expect(d.weight).toBe(-2);
  });

  test('strings-nul-terminated: SCHED_NAME, PE_NAME and MCAST_IFN carry their NUL', () => {
    const b = svcBlock(requests.newService({ ...baseService, scheduler: 'mh', peName: 'sip' }).attributes);
    expect([b.get(6), b.get(11)]).toEqual([buf(cstr('mh')), buf(cstr('sip'))]);
    expect(attrMap(attrMap(requests.delDaemon({ state: 2 }).attributes).get(3)!).get(2)).toEqual(buf([0]));
  });
});

describe('what is sent', () => {
  test('PE_NAME only when set', () => {
    expect(svcBlock(requests.newService(baseService).attributes).has(11)).toBe(false);
  });
  test('fwmark identity has no PROTOCOL/ADDR/PORT', () => {
    const b = svcBlock(requests.delService({ family: 2, fwmark: 5 }).attributes);
    expect([...b.keys()]).toEqual([1, 5]);
  });
  test('DEL/GET/ZERO/GET_DEST send AF + identity only', () => {
    for (const r of [requests.delService(key1), requests.getService(key1), requests.zero(key1), requests.dumpDestinations(key1)]) {
      expect([...svcBlock(r.attributes).keys()]).toEqual([1, 2, 3, 4]);
    }
  });
  test('NEW_DAEMON leaves out zero optional values', () => {
    const b = attrMap(attrMap(requests.newDaemon({ state: 2, mcastIfn: 'd0', syncId: 0, syncMaxlen: 0, mcastPort: 0, mcastTtl: 0 }).attributes).get(3)!);
    expect([...b.keys()]).toEqual([1, 2, 3]);
  });
  test('a malformed address is refused before anything is sent', () => {
    expect(() => requests.newService({ ...baseService, address: '10.0.0.300' })).toThrow(RangeError);
    expect(() => requests.newDestination(key1, { ...baseDest, family: 10, address: '10.0.0.1' })).toThrow(RangeError);
  });
  test('unknown attributes kept on a service are sent back verbatim', () => {
    const unknown: RawAttribute[] = [{ type: 30, flags: 0, data: Buffer.from([1, 2, 3, 4]) }];
    const b = svcBlock(requests.setService({ ...baseService, unknown }).attributes);
    expect(b.get(30)).toEqual(buf([1, 2, 3, 4]));
  });
});

describe('required attributes on decode', () => {
  const svcRequired: Array<[string, number]> = [
    ['AF', 1],
    ['PROTOCOL', 2],
    ['ADDR', 3],
    ['PORT', 4],
    ['SCHED_NAME', 6],
    ['FLAGS', 7],
    ['TIMEOUT', 8],
    ['NETMASK', 9],
  ];
  test.each(svcRequired)('service without %s is a DecodeError', (_name, id) => {
    const inner = minimalService.filter((a) => a[2] !== id);
    expect(() => decodeServiceReply(serviceReply(...inner))).toThrow(DecodeError);
  });
  const destRequired: Array<[string, number]> = [
    ['ADDR', 1],
    ['PORT', 2],
    ['FWD_METHOD', 3],
    ['WEIGHT', 4],
    ['U_THRESH', 5],
    ['L_THRESH', 6],
    ['ACTIVE_CONNS', 7],
    ['INACT_CONNS', 8],
    ['PERSIST_CONNS', 9],
  ];
  test.each(destRequired)('destination without %s is a DecodeError', (_name, id) => {
    expect(() => decodeDestinationReply(buf(knest(2, ...minimalDest.filter((a) => a[2] !== id))), 2)).toThrow(DecodeError);
  });
  test.each([
    ['STATE', 1],
    ['MCAST_IFN', 2],
    ['SYNC_ID', 3],
  ])('daemon without %s is a DecodeError', (_name, id) => {
    const all = [nla(1, le32(1)), nla(2, cstr('d0')), nla(3, le32(1))];
    expect(() => decodeDaemonReply(buf(knest(3, ...all.filter((a) => a[2] !== id))))).toThrow(DecodeError);
  });
  test('a reply without the nested block is a DecodeError', () => {
    expect(() => decodeServiceReply(Buffer.alloc(0))).toThrow(/IPVS_CMD_ATTR_SERVICE/);
    expect(() => decodeTimeoutsReply(buf(nla(4, le32(1))))).toThrow(DecodeError);
    expect(() => decodeInfoReply(buf(nla(1, le32(1))))).toThrow(DecodeError);
  });
  test('daemon extras missing (kernel < 4.3) are tolerated', () => {
    expect(decodeDaemonReply(buf(knest(3, nla(1, le32(1)), nla(2, cstr('eth0')), nla(3, le32(4)))))).toEqual({ state: 1, mcastIfn: 'eth0', syncId: 4 });
  });
});

// ------------------------------------------------------------ properties

const { r, randomStats, randomService, randomDestination } = randomIpvs(0x1905);

describe('round trips (seeded random objects)', () => {
  test('service: reply encoding -> decode is the identity (500 objects)', () => {
    for (let i = 0; i < 500; i++) {
      const s = randomService();
      expect(decodeServiceReply(top('SERVICE', serviceReplyEntries(s)))).toEqual(s);
    }
  });

  test('service: NEW_SERVICE request block decodes back to the same service (500 objects)', () => {
    for (let i = 0; i < 500; i++) {
      const { stats: _s, statsWidth: _w, ...s } = randomService();
      expect(decodeServiceReply(requests.newService(s).attributes)).toEqual(s);
    }
  });

  test('destination: reply encoding -> decode is the identity, with or without ADDR_FAMILY (500 objects)', () => {
    for (let i = 0; i < 500; i++) {
      const d = randomDestination();
      expect(decodeDestinationReply(top('DEST', destinationReplyEntries(d)), d.family === 2 ? 10 : 2)).toEqual(d);
      expect(decodeDestinationReply(top('DEST', destinationReplyEntries(d, false)), d.family)).toEqual(d);
    }
  });

  test('daemon: NEW_DAEMON block decodes back (200 objects)', () => {
    for (let i = 0; i < 200; i++) {
      const v6 = r.int(2) === 0;
      const d: Daemon = {
        state: r.pick([1, 2]),
        mcastIfn: r.pick(['d0', 'eth0', 'bond0.100']),
        syncId: r.int(256),
        syncMaxlen: 1 + r.int(65535),
        mcastGroup: v6 ? formatIPv6(Buffer.from([0xff, ...r.bytes(15)])) : formatIPv4(Buffer.from([224 + r.int(16), ...r.bytes(3)])),
        mcastPort: 1 + r.int(65535),
        mcastTtl: 1 + r.int(255),
      };
      expect(decodeDaemonReply(encodeAttributes(COMMAND_SET, { entries: [['DAEMON', daemonStartEntries(d)]] }))).toEqual(d);
    }
  });
});

// ------------------------------------------------------------ fuzz

function onlyDecodeErrors(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw new Error(`non-DecodeError thrown: ${(e as Error)?.stack ?? String(e)}`);
  }
}

function mutate(b: Buffer): Buffer {
  const out = Buffer.from(b);
  switch (r.int(4)) {
    case 0:
      for (let k = 0; k < 1 + r.int(4); k++) if (out.length) out[r.int(out.length)] = r.int(256);
      return out;
    case 1:
      return out.subarray(0, r.int(out.length + 1));
    case 2: {
      const at = r.int(out.length + 1);
      return Buffer.concat([out.subarray(0, at), r.bytes(1 + r.int(8)), out.subarray(at)]);
    }
    default: {
      // Corrupt a length field at an attribute-ish offset.
      if (out.length >= 4) out.writeUInt16LE(r.int(0x10000), 4 * r.int(out.length >> 2));
      return out;
    }
  }
}

describe('decoder fuzz: only DecodeError ever escapes', () => {
  const decoders: Array<[string, (b: Buffer) => unknown]> = [
    ['service', decodeServiceReply],
    ['destination', (b) => decodeDestinationReply(b, r.pick([2, 10, 0, 99]))],
    ['daemon', decodeDaemonReply],
    ['timeouts', decodeTimeoutsReply],
    ['info', decodeInfoReply],
    [
      'datagram',
      (b) => {
        for (const m of splitDatagram(b).messages) {
          if (m.type === 2) decodeError(m);
          if (m.type === 3) decodeDone(m);
        }
      },
    ],
  ];
  const seeds = (): Buffer[] => [
    top('SERVICE', serviceReplyEntries(randomService())),
    top('DEST', destinationReplyEntries(randomDestination())),
    buf(knest(3, nla(1, le32(1)), nla(2, cstr('d0')), nla(3, le32(1)), nla(5, [224, 0, 0, 81]))),
    buf([...nla(4, le32(1)), ...nla(5, le32(2)), ...nla(6, le32(3))]),
    buf([...nla(1, le32(1)), ...nla(2, le32(2))]),
  ];

  test.each(decoders)('%s: random bytes', (_n, decode) => {
    for (let i = 0; i < 1500; i++) onlyDecodeErrors(() => decode(r.bytes(r.int(120))));
  });

  test.each(decoders)('%s: mutated valid replies', (_n, decode) => {
    for (let i = 0; i < 1500; i++) {
      let b = r.pick(seeds());
      for (let k = 0; k < 1 + r.int(3); k++) b = mutate(b);
      onlyDecodeErrors(() => decode(b));
    }
  });

  test('mutated whole datagrams (ack, error with ext-ack, done)', () => {
    const req = [...le32(36), ...le16(0x1c), ...le16(5), ...le32(1), ...le32(0), 1, 1, 0, 0, ...nla(4, le32(1))];
    const dg = (type: number, flags: number, payload: Bytes): Buffer => {
      const len = 16 + payload.length;
      return buf([...le32(len), ...le16(type), ...le16(flags), ...le32(1), ...le32(0), ...payload]);
    };
    const seedsDg = [
      dg(2, 0x100, [...le32(0), ...req.slice(0, 16)]),
      dg(2, 0x200, [...le32(-22), ...req, ...nla(1, cstr('bad')), ...nla(2, le32(20))]),
      dg(3, 0x202, [...le32(-16), ...nla(1, cstr('x'))]),
    ];
    for (let i = 0; i < 3000; i++) {
      let b = r.pick(seedsDg);
      for (let k = 0; k < 1 + r.int(3); k++) b = mutate(b);
      onlyDecodeErrors(() => {
        for (const m of splitDatagram(b).messages) {
          if (m.type === 2) decodeError(m);
          if (m.type === 3) decodeDone(m);
        }
      });
    }
  });
});

// ------------------------------------------------------------ lazy stats

describe('stats are decoded on first read, and read like a plain property', () => {
  const STATS_KEYS = ['conns', 'inpkts', 'outpkts', 'inbytes', 'outbytes', 'cps', 'inpps', 'outpps', 'inbps', 'outbps'] as const;
  const wideOnly = (width: 32 | 64): Stats => {
    const s = randomStats(width);
    // stats32() takes numbers: keep its 64-bit byte counters exact.
    if (width === 32) for (const k of STATS_KEYS) s[k] = BigInt.asUintN(k === 'inbytes' || k === 'outbytes' ? 52 : 32, s[k]);
    return s;
  };
  // The naive encoder (fake-kernel helpers), not ours: STATS then, if asked, STATS64, as the kernel sends them.
  const naiveStats = (s32: Stats, s64?: Stats): Bytes[] => {
    const out = [stats32(STATS_KEYS.map((k) => Number(s32[k])))];
    if (s64) out.push(stats64(STATS_KEYS.map((k) => s64[k])));
    return out;
  };

  test('equals an eager decode of the same bytes, for services and destinations (400 random blocks)', () => {
    for (let i = 0; i < 400; i++) {
      const s32 = wideOnly(32);
      const s64 = r.int(3) === 0 ? undefined : wideOnly(64);
      const blocks = naiveStats(s32, s64);
      const svc = decodeServiceReply(serviceReply(...minimalService, ...blocks));
      const dest = decodeDestinationReply(buf(knest(2, ...minimalDest, ...blocks)), 2);
      // Eager reference: the generic decoder, field by field.
      const nested = decodeSet(COMMAND_SET, buf(knest(2, ...minimalDest, ...blocks)))
        .nest('DEST')!
        .nest(s64 ? 'STATS64' : 'STATS')!;
      const eager = Object.fromEntries(STATS_KEYS.map((k) => [k, nested.big(k.toUpperCase())]));
      expect(eager).toEqual(s64 ?? s32);
      for (const o of [svc, dest]) {
        expect(o.statsWidth).toBe(s64 ? 64 : 32);
        expect(o.stats).toEqual(eager);
      }
    }
  });

  test('is an own enumerable property: keys, spread, identity on re-read, assignment', () => {
    const svc = decodeServiceReply(serviceReply(...minimalService, ...naiveStats(wideOnly(32), wideOnly(64))));
    expect(Object.keys(svc)).toContain('stats');
    expect(Object.getOwnPropertySymbols(svc).filter((k) => Object.prototype.propertyIsEnumerable.call(svc, k))).toEqual([]);
    const first = svc.stats;
    expect(svc.stats).toBe(first);
    const copy = { ...svc };
    expect(Object.getOwnPropertyDescriptor(copy, 'stats')).toMatchObject({ value: first, enumerable: true });
    svc.stats = undefined;
    expect(svc.stats).toBeUndefined();
    const replacement = wideOnly(64);
    svc.stats = replacement;
    expect(svc.stats).toBe(replacement);
  });

  test('no stats block, no stats property', () => {
    const svc = decodeServiceReply(serviceReply(...minimalService));
    expect('stats' in svc).toBe(false);
    expect(svc.statsWidth).toBeUndefined();
  });
});

describe('serviceKeyBlock', () => {
  test('the same bytes as the generic encoder makes of the key, for random services (500 keys)', () => {
    for (let i = 0; i < 500; i++) {
      const key = serviceKey(randomService());
      expect(serviceKeyBlock(key)).toEqual(encodeAttributes(COMMAND_SET, { entries: [['SERVICE', serviceKeyEntries(key)]] }));
    }
  });
});
