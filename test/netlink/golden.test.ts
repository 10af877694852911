/**
 * Golden bytes: the requests ipvsadm 1.31 sends (behaviour sheet 13.19,
 * strace on kernel 6.1), rebuilt with the naive builder, against the
 * production encoder; and the kernel's replies from the same sheet decoded.
 */
import { encodeGenlMessage } from '../../src/netlink/message';
import {
  decodeDaemonReply,
  decodeDestinationReply,
  decodeInfoReply,
  decodeServiceReply,
  decodeTimeoutsReply,
  IpvsRequest,
  requests,
} from '../../src/netlink/ipvs-codec';
import { stats32, stats64 } from './fake-kernel';
import { be16, buf, Bytes, cstr, genlmsg, hex, knest, le16, le32, nest, nla } from './naive';
import { dest, key1, svc } from '../support/builders';

const IPVS = 0x1c;
const REQ_ACK = 0x05;
const REQ_ACK_DUMP = 0x305;

function wire(req: IpvsRequest, flags = REQ_ACK, seq = 1): Buffer {
  return encodeGenlMessage({ type: IPVS, flags, seq }, req.cmd, 1, req.attributes);
}

const v4 = (a: string): Bytes => [...a.split('.').map(Number), ...new Array(12).fill(0)];
const flagsAttr = (f: number): Bytes => nla(7, [...le32(f), ...le32(0xffffffff)]);

const identity1: Bytes[] = [nla(1, le16(2)), nla(2, le16(6)), nla(3, v4('10.0.0.1')), nla(4, be16(80))];

describe('requests as ipvsadm sends them (sheet 13.19)', () => {
  test('GET_INFO (every start), len 20', () => {
    const got = wire(requests.getInfo());
    expect(got).toEqual(buf(genlmsg(IPVS, REQ_ACK, 1, 0, 15)));
    expect(got.length).toBe(20);
  });

  test('#1 -A -t 10.0.0.1:80 -s rr -p 100 -M 255.255.255.0 --pe sip -b flag-1: NEW_SERVICE len 112', () => {
    const got = wire(
      requests.newService(svc({ scheduler: 'rr', peName: 'sip', flags: 0x9, timeout: 100, netmask: 0xffffff00 })),
    );
    const expected = genlmsg(
      IPVS,
      REQ_ACK,
      1,
      0,
      1,
      nest(1, ...identity1, nla(6, cstr('rr')), nla(11, cstr('sip')), flagsAttr(9), nla(8, le32(100)), nla(9, hex('ffffff00'))),
    );
    expect(got).toEqual(buf(expected));
    expect(got.readUInt32LE(0)).toBe(112);
  });

  test('#2 -A -u [2001:db8::1]:53 -o: NEW_SERVICE len 104, IPv6 netmask 128 as plain u32', () => {
    const got = wire(
      requests.newService(svc({ family: 10, protocol: 17, address: '2001:db8::1', port: 53, flags: 0x4, netmask: 128 })),
    );
    const expected = genlmsg(
      IPVS,
      REQ_ACK,
      1,
      0,
      1,
      nest(
        1,
        nla(1, le16(10)),
        nla(2, le16(17)),
        nla(3, hex('20010db8000000000000000000000001')),
        nla(4, hex('0035')),
        nla(6, cstr('wlc')),
        flagsAttr(4),
        nla(8, le32(0)),
        nla(9, hex('80000000')),
      ),
    );
    expect(got).toEqual(buf(expected));
    expect(got.readUInt32LE(0)).toBe(104);
  });

  test('#3 -A -f 7 -6 -M 64 -p: NEW_SERVICE len 76', () => {
    const got = wire(
      requests.newService(svc({ family: 10, protocol: 0, address: '', port: 0, fwmark: 7, flags: 1, timeout: 360, netmask: 64 })),
    );
    const expected = genlmsg(
      IPVS,
      REQ_ACK,
      1,
      0,
      1,
      nest(1, nla(1, le16(10)), nla(5, le32(7)), nla(6, cstr('wlc')), flagsAttr(1), nla(8, le32(360)), nla(9, le32(64))),
    );
    expect(got).toEqual(buf(expected));
    expect(got.readUInt32LE(0)).toBe(76);
  });

  test('#4 -A -t 10.0.0.2:80: NEW_SERVICE len 104, netmask 255.255.255.255', () => {
    const got = wire(requests.newService(svc({ address: '10.0.0.2' })));
    const expected = genlmsg(
      IPVS,
      REQ_ACK,
      1,
      0,
      1,
      nest(
        1,
        nla(1, le16(2)),
        nla(2, le16(6)),
        nla(3, v4('10.0.0.2')),
        nla(4, hex('0050')),
        nla(6, cstr('wlc')),
        flagsAttr(0),
        nla(8, le32(0)),
        nla(9, hex('ffffffff')),
      ),
    );
    expect(got).toEqual(buf(expected));
    expect(got.readUInt32LE(0)).toBe(104);
  });

  test('#8 -E -t 10.0.0.1:80 -s wrr: SET_SERVICE len 104', () => {
    const got = wire(requests.setService(svc({ scheduler: 'wrr' })));
    const expected = genlmsg(IPVS, REQ_ACK, 1, 0, 2, nest(1, ...identity1, nla(6, cstr('wrr')), flagsAttr(0), nla(8, le32(0)), nla(9, hex('ffffffff'))));
    expect(got).toEqual(buf(expected));
    expect(got.readUInt32LE(0)).toBe(104);
  });

  // ipvsadm also sends SCHED_NAME "", FLAGS, TIMEOUT and NETMASK in the SERVICE
  // block of dest requests; the kernel reads only the identity there, so we
  // send the identity (48 bytes). The DEST block is byte-identical to ipvsadm's.
  const destBlock5 = nest(
    2,
    nla(11, le16(2)),
    nla(1, v4('10.0.0.11')),
    nla(2, hex('1f90')),
    nla(3, le32(0)),
    nla(4, le32(3)),
    nla(13, [0]),
    nla(14, hex('0000')),
    nla(15, le16(0)),
    nla(5, le32(10)),
    nla(6, le32(5)),
  );

  test('#5 -a -t 10.0.0.1:80 -r 10.0.0.11:8080 -m -w 3 -x 10 -y 5: NEW_DEST, DEST block as ipvsadm', () => {
    const got = wire(requests.newDestination(key1, dest({ weight: 3, upperThreshold: 10, lowerThreshold: 5 })));
    expect(got).toEqual(buf(genlmsg(IPVS, REQ_ACK, 1, 0, 5, nest(1, ...identity1), destBlock5)));
    expect(got.readUInt32LE(0)).toBe(200 - 36);
  });

  test('#6 -a ... -r 10.0.0.12 -i --tun-type gue --tun-port 6080 --tun-csum: NEW_DEST', () => {
    const got = wire(
      requests.newDestination(key1, dest({ address: '10.0.0.12', port: 80, fwdMethod: 2, tunnelType: 1, tunnelPort: 6080, tunnelFlags: 1 })),
    );
    const block = nest(
      2,
      nla(11, le16(2)),
      nla(1, v4('10.0.0.12')),
      nla(2, hex('0050')),
      nla(3, le32(2)),
      nla(4, le32(1)),
      nla(13, [1]),
      nla(14, hex('17c0')),
      nla(15, le16(1)),
      nla(5, le32(0)),
      nla(6, le32(0)),
    );
    expect(got).toEqual(buf(genlmsg(IPVS, REQ_ACK, 1, 0, 5, nest(1, ...identity1), block)));
  });

  test('#7 -e -t 10.0.0.1:80 -r 10.0.0.11:8080 -m -w 4: SET_DEST', () => {
    const got = wire(requests.setDestination(key1, dest({ weight: 4 })));
    const block = nest(
      2,
      nla(11, le16(2)),
      nla(1, v4('10.0.0.11')),
      nla(2, hex('1f90')),
      nla(3, le32(0)),
      nla(4, le32(4)),
      nla(13, [0]),
      nla(14, hex('0000')),
      nla(15, le16(0)),
      nla(5, le32(0)),
      nla(6, le32(0)),
    );
    expect(got).toEqual(buf(genlmsg(IPVS, REQ_ACK, 1, 0, 6, nest(1, ...identity1), block)));
  });

  test('#10 -L -n: GET_SERVICE dump, len 20, flags REQUEST|ACK|DUMP', () => {
    const got = wire(requests.dumpServices(), REQ_ACK_DUMP);
    expect(got).toEqual(buf(genlmsg(IPVS, REQ_ACK_DUMP, 1, 0, 4)));
    expect(got.length).toBe(20);
  });

  test('#10 GET_DEST dump with identity only: len 68 (address) and 40 (fwmark), exactly as ipvsadm', () => {
    const a = wire(requests.dumpDestinations(key1), REQ_ACK_DUMP);
    expect(a).toEqual(buf(genlmsg(IPVS, REQ_ACK_DUMP, 1, 0, 8, nest(1, ...identity1))));
    expect(a.length).toBe(68);
    const b = wire(requests.dumpDestinations({ family: 10, fwmark: 7 }), REQ_ACK_DUMP);
    expect(b).toEqual(buf(genlmsg(IPVS, REQ_ACK_DUMP, 1, 0, 8, nest(1, nla(1, le16(10)), nla(5, le32(7))))));
    expect(b.length).toBe(40);
  });

  test('#11 -L -t 10.0.0.1:80: GET_SERVICE do with the identity', () => {
    expect(wire(requests.getService(key1))).toEqual(buf(genlmsg(IPVS, REQ_ACK, 1, 0, 4, nest(1, ...identity1))));
  });

  test('#12 -L --timeout: GET_CONFIG, len 20', () => {
    expect(wire(requests.getTimeouts())).toEqual(buf(genlmsg(IPVS, REQ_ACK, 1, 0, 13)));
  });

  test('#13 --set 10 20 30: SET_CONFIG, len 44', () => {
    const got = wire(requests.setTimeouts({ tcp: 10, tcpFin: 20, udp: 30 }));
    expect(got).toEqual(buf(genlmsg(IPVS, REQ_ACK, 1, 0, 12, nla(4, le32(10)), nla(5, le32(20)), nla(6, le32(30)))));
    expect(got.length).toBe(44);
  });

  test('SET_CONFIG with a subset sends only that subset', () => {
    expect(wire(requests.setTimeouts({ udp: 7 }))).toEqual(buf(genlmsg(IPVS, REQ_ACK, 1, 0, 12, nla(6, le32(7)))));
  });

  test('#14 --start-daemon master ... : NEW_DAEMON, len 80', () => {
    const got = wire(
      requests.newDaemon({ state: 1, mcastIfn: 'd0', syncId: 3, mcastGroup: '239.1.1.1', mcastPort: 9000, mcastTtl: 2, syncMaxlen: 1000 }),
    );
    const expected = genlmsg(
      IPVS,
      REQ_ACK,
      1,
      0,
      9,
      nest(
        3,
        nla(1, le32(1)),
        nla(2, cstr('d0')),
        nla(3, le32(3)),
        nla(4, le16(1000)),
        nla(7, le16(9000)),
        nla(8, [2]),
        nla(5, [239, 1, 1, 1]),
      ),
    );
    expect(got).toEqual(buf(expected));
    expect(got.length).toBe(80);
  });

  test('#15 -L --daemon: GET_DAEMON dump, len 20', () => {
    expect(wire(requests.dumpDaemons(), REQ_ACK_DUMP)).toEqual(buf(genlmsg(IPVS, REQ_ACK_DUMP, 1, 0, 11)));
  });

  test('#16 --stop-daemon master: DEL_DAEMON with empty interface, len 48', () => {
    const got = wire(requests.delDaemon({ state: 1 }));
    expect(got).toEqual(buf(genlmsg(IPVS, REQ_ACK, 1, 0, 10, nest(3, nla(1, le32(1)), nla(2, cstr('')), nla(3, le32(0))))));
    expect(got.length).toBe(48);
  });

  test('#17 -Z -t 10.0.0.1:80: ZERO with the identity', () => {
    expect(wire(requests.zero(key1))).toEqual(buf(genlmsg(IPVS, REQ_ACK, 1, 0, 16, nest(1, ...identity1))));
  });

  test('#18 -Z: ZERO without attributes, len 20', () => {
    expect(wire(requests.zero())).toEqual(buf(genlmsg(IPVS, REQ_ACK, 1, 0, 16)));
  });

  test('#19 -d -t 10.0.0.1:80 -r 10.0.0.12: DEL_DEST with the dest address', () => {
    const got = wire(requests.delDestination(key1, { family: 2, address: '10.0.0.12', port: 80 }));
    const block = nest(2, nla(11, le16(2)), nla(1, v4('10.0.0.12')), nla(2, hex('0050')));
    expect(got).toEqual(buf(genlmsg(IPVS, REQ_ACK, 1, 0, 7, nest(1, ...identity1), block)));
  });

  test('#20 -D -t 10.0.0.2:80: DEL_SERVICE with the identity', () => {
    const got = wire(requests.delService({ family: 2, protocol: 6, address: '10.0.0.2', port: 80 }));
    expect(got).toEqual(
      buf(genlmsg(IPVS, REQ_ACK, 1, 0, 3, nest(1, nla(1, le16(2)), nla(2, le16(6)), nla(3, v4('10.0.0.2')), nla(4, be16(80))))),
    );
  });

  test('#21 -C: FLUSH, len 20', () => {
    expect(wire(requests.flush())).toEqual(buf(genlmsg(IPVS, REQ_ACK, 1, 0, 17)));
  });
});

describe('replies as the 6.1 kernel sends them (sheet 13.19)', () => {
  const attrsOf = (_cmd: number, ...a: Bytes[]): Buffer => buf(a.flat());

  test('SET_INFO: version 66049, table size 4096', () => {
    expect(decodeInfoReply(attrsOf(14, nla(1, le32(66049)), nla(2, le32(4096))))).toEqual({ version: 0x010201, connTabSize: 4096 });
  });

  test('#10 NEW_SERVICE reply (IPv6 UDP, one-packet + hashed, STATS + STATS64 with PAD)', () => {
    const s = decodeServiceReply(
      attrsOf(
        1,
        knest(
          1,
          nla(1, le16(10)),
          nla(2, le16(17)),
          nla(3, hex('20010db8000000000000000000000001')),
          nla(4, hex('0035')),
          nla(6, cstr('wlc')),
          flagsAttr(6),
          nla(8, le32(0)),
          nla(9, hex('80000000')),
          stats32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
          stats64([11n, 12n, 13n, 2n ** 40n, 15n, 16n, 17n, 18n, 19n, 20n]),
        ),
      ),
    );
    expect(s).toEqual({
      family: 10,
      protocol: 17,
      address: '2001:db8::1',
      port: 53,
      fwmark: 0,
      scheduler: 'wlc',
      peName: '',
      flags: 6,
      timeout: 0,
      netmask: 128,
      statsWidth: 64,
      stats: {
        conns: 11n,
        inpkts: 12n,
        outpkts: 13n,
        inbytes: 2n ** 40n,
        outbytes: 15n,
        cps: 16n,
        inpps: 17n,
        outpps: 18n,
        inbps: 19n,
        outbps: 20n,
      },
    });
  });

  test('#10 NEW_SERVICE reply for fwmark 7 (IPv6, persistent, 360 s, /64)', () => {
    const s = decodeServiceReply(
      attrsOf(
        1,
        knest(1, nla(1, le16(10)), nla(5, le32(7)), nla(6, cstr('wlc')), flagsAttr(3), nla(8, le32(360)), nla(9, hex('40000000')), stats32(), stats64()),
      ),
    );
    expect(s).toMatchObject({ family: 10, fwmark: 7, protocol: 0, address: '', port: 0, flags: 3, timeout: 360, netmask: 64 });
  });

  test('#11 NEW_DEST reply (GUE tunnel, csum) in kernel order', () => {
    const d = decodeDestinationReply(
      attrsOf(
        5,
        knest(
          2,
          nla(1, v4('10.0.0.12')),
          nla(2, hex('0050')),
          nla(3, le32(2)),
          nla(4, le32(1)),
          nla(13, [1]),
          nla(14, hex('17c0')),
          nla(15, le16(1)),
          nla(5, le32(0)),
          nla(6, le32(0)),
          nla(7, le32(4)),
          nla(8, le32(5)),
          nla(9, le32(6)),
          nla(11, le16(2)),
          stats32(),
          stats64(),
        ),
      ),
      2,
    );
    expect(d).toMatchObject({
      family: 2,
      address: '10.0.0.12',
      port: 80,
      fwdMethod: 2,
      weight: 1,
      tunnelType: 1,
      tunnelPort: 6080,
      tunnelFlags: 1,
      activeConns: 4,
      inactiveConns: 5,
      persistentConns: 6,
      statsWidth: 64,
    });
  });

  test('#12 SET_CONFIG reply: 900 120 300', () => {
    expect(decodeTimeoutsReply(attrsOf(12, nla(4, le32(900)), nla(5, le32(120)), nla(6, le32(300))))).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
  });

  test('#15 NEW_DAEMON reply', () => {
    const d = decodeDaemonReply(
      attrsOf(
        9,
        knest(3, nla(1, le32(1)), nla(2, cstr('d0')), nla(3, le32(3)), nla(4, le16(1000)), nla(7, le16(9000)), nla(8, [2]), nla(5, [239, 1, 1, 1])),
      ),
    );
    expect(d).toEqual({ state: 1, mcastIfn: 'd0', syncId: 3, syncMaxlen: 1000, mcastPort: 9000, mcastTtl: 2, mcastGroup: '239.1.1.1' });
  });
});
