import { DecodeError } from '../../src/netlink/errors';
import {
  decodeDone,
  decodeError,
  decodeGenl,
  encodeGenlMessage,
  encodeMessage,
  NetlinkMessage,
  splitDatagram,
} from '../../src/netlink/message';
import { buf, cstr, genlmsg, le32, nla, nlmsg } from './naive';

/** splitDatagram that throws its DecodeError, for inputs meant to be well formed. */
function splitMessages(datagram: Buffer): NetlinkMessage[] {
  const r = splitDatagram(datagram);
  if (r.error) throw r.error;
  return r.messages;
}

const REQ_ACK = 0x5;

describe('encode', () => {
  test('genl request: nlmsghdr, cmd, version, reserved, attributes', () => {
    const attrs = Buffer.from(nla(4, le32(10)));
    const got = encodeGenlMessage({ type: 0x1c, flags: REQ_ACK, seq: 7 }, 12, 1, attrs);
    expect(got).toEqual(buf(genlmsg(0x1c, REQ_ACK, 7, 0, 12, nla(4, le32(10)))));
    expect(got.readUInt32LE(0)).toBe(28);
  });

  test('plain message pads to 4 but keeps the true length', () => {
    const got = encodeMessage({ type: 1, flags: REQ_ACK, seq: 3, pid: 9 }, Buffer.from([1, 2, 3]));
    expect(got).toEqual(buf(nlmsg(1, REQ_ACK, 3, 9, [1, 2, 3])));
    expect(got.readUInt32LE(0)).toBe(19);
  });
});

describe('splitting datagrams', () => {
  const a = genlmsg(0x1c, 2, 5, 100, 1, nla(1, nla(6, cstr('wlc'))));
  const b = genlmsg(0x1c, 2, 5, 100, 1, nla(1, nla(6, cstr('rr'))));
  const done = nlmsg(3, 2, 5, 100, le32(0));
  const datagram = buf([...a, ...b, ...done]);

  test('several messages in one datagram', () => {
    const msgs = splitMessages(datagram);
    expect(msgs.map((m) => [m.type, m.flags, m.seq, m.pid])).toEqual([
      [0x1c, 2, 5, 100],
      [0x1c, 2, 5, 100],
      [3, 2, 5, 100],
    ]);
    expect(decodeGenl(msgs[1]).attributes).toEqual(buf(nla(1, nla(6, cstr('rr')))));
  });

  test('cut at every offset: only whole messages come out, the rest is a DecodeError', () => {
    const bounds = [0, a.length, a.length + b.length, datagram.length];
    for (let cut = 0; cut <= datagram.length; cut++) {
      const r = splitDatagram(datagram.subarray(0, cut));
      const whole = bounds.filter((x) => x > 0 && x <= cut).length;
      expect(r.messages).toHaveLength(whole);
      expect(r.error === undefined).toBe(bounds.includes(cut));
      if (r.error) expect(r.error).toBeInstanceOf(DecodeError);
      if (bounds.includes(cut)) expect(() => splitMessages(datagram.subarray(0, cut))).not.toThrow();
      else expect(() => splitMessages(datagram.subarray(0, cut))).toThrow(DecodeError);
    }
  });

  test('a header claiming less than 16 bytes is malformed', () => {
    const bad = buf(nlmsg(3, 2, 1, 0, le32(0)));
    bad.writeUInt32LE(8, 0);
    expect(splitDatagram(bad).error).toBeInstanceOf(DecodeError);
    expect(splitDatagram(bad).brokenHeader?.seq).toBe(1);
  });

  test('a generic message without its 4-byte header is a DecodeError', () => {
    expect(() => decodeGenl(splitMessages(buf(nlmsg(0x1c, 0, 1, 0, [1, 1])))[0])).toThrow(DecodeError);
  });
});

describe('NLMSG_ERROR', () => {
  const request = buf(genlmsg(0x1c, REQ_ACK, 9, 0, 1, nla(1, nla(6, cstr('wlc')))));
  const err = (errno: number, flags: number, echo: number[], tlvs: number[] = []) =>
    splitMessages(buf(nlmsg(2, flags, 9, 77, [...le32(-errno), ...echo, ...tlvs])))[0];

  test('errno 0 with NLM_F_CAPPED is an ACK', () => {
    const e = decodeError(err(0, 0x100, [...request.subarray(0, 16)]));
    expect(e.errno).toBe(0);
    expect(e.request).toMatchObject({ length: request.length, type: 0x1c, seq: 9 });
  });

  test('a negative error echoing the whole request', () => {
    const e = decodeError(err(17, 0, [...request]));
    expect(e.errno).toBe(17);
    expect(e.extack).toBeUndefined();
  });

  test('ext-ack TLVs after an uncapped echo', () => {
    const e = decodeError(err(22, 0x200, [...request], [...nla(1, cstr('bad weight')), ...nla(2, le32(44))]));
    expect(e).toMatchObject({ errno: 22, extack: 'bad weight', extackOffset: 44 });
  });

  test('ext-ack TLVs after a capped echo', () => {
    const e = decodeError(err(22, 0x300, [...request.subarray(0, 16)], [...nla(1, cstr('nope')), ...nla(2, le32(20))]));
    expect(e).toMatchObject({ errno: 22, extack: 'nope', extackOffset: 20 });
  });

  test('ext-ack with unknown TLVs (policy, missing type) is still read', () => {
    const e = decodeError(err(22, 0x300, [...request.subarray(0, 16)], [...nla(5, le32(3)), ...nla(1, cstr('m'))]));
    expect(e.extack).toBe('m');
  });

  test('too short, or TLVs claimed but echo missing: DecodeError', () => {
    expect(() => decodeError(splitMessages(buf(nlmsg(2, 0, 1, 0, le32(0))))[0])).toThrow(DecodeError);
    expect(() => decodeError(err(22, 0x200, [...request.subarray(0, 16)]))).toThrow(DecodeError);
    expect(() => decodeError(err(-5, 0, [...request]))).toThrow(DecodeError);
  });
});

describe('NLMSG_DONE', () => {
  const done = (payload: number[], flags = 2) => splitMessages(buf(nlmsg(3, flags, 1, 0, payload)))[0];

  test('status 0 is a complete dump', () => {
    expect(decodeDone(done(le32(0)))).toEqual({ errno: 0 });
  });
  test('a negative status is a dump error', () => {
    expect(decodeDone(done(le32(-16)))).toEqual({ errno: 16 });
  });
  test('an old kernel sends no status at all', () => {
    expect(decodeDone(done([]))).toEqual({ errno: 0 });
  });
  test('ext-ack after the status', () => {
    expect(decodeDone(done([...le32(-22), ...nla(1, cstr('why'))], 0x202))).toEqual({ errno: 22, extack: 'why' });
  });
  test('1-3 bytes of status is a DecodeError', () => {
    expect(() => decodeDone(done([1, 2]))).toThrow(DecodeError);
  });
});
