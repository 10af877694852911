import { align4, AttributeReader, AttributeWriter, HOST_LITTLE_ENDIAN } from '../../src/netlink/attributes';
import { DecodeError } from '../../src/netlink/errors';
import { be16, buf, cstr, hex, le16, le32, le64, nla, nest } from './naive';

test('the naive helpers assume a little-endian host, as the lab is', () => {
  expect(HOST_LITTLE_ENDIAN).toBe(true);
});

describe('AttributeWriter', () => {
  test('pads every attribute to 4 bytes and records the unpadded length', () => {
    const w = new AttributeWriter(4);
    w.u8(1, 7).u16(2, 0x1234).u16(3, 80, true).u32(4, 0xdeadbeef).u64(5, 0x0102030405060708n).string(6, 'rr').bytes(7, buf(hex('aabbcc')));
    expect(w.finish()).toEqual(
      buf([
        ...nla(1, [7]),
        ...nla(2, le16(0x1234)),
        ...nla(3, be16(80)),
        ...nla(4, le32(0xdeadbeef)),
        ...nla(5, le64(0x0102030405060708n)),
        ...nla(6, cstr('rr')),
        ...nla(7, hex('aabbcc')),
      ]),
    );
  });

  test('nest sets NLA_F_NESTED and back-patches the length after growth', () => {
    const w = new AttributeWriter(8);
    w.nest(1, (n) => n.u16(1, 2).string(6, 'wlc').nest(10, (s) => s.u32(1, 5)));
    expect(w.finish()).toEqual(buf(nest(1, nla(1, le16(2)), nla(6, cstr('wlc')), nest(10, nla(1, le32(5))))));
  });

  test('raw re-encodes type and flag bits verbatim', () => {
    const w = new AttributeWriter();
    w.raw({ type: 42, flags: 0x4000, data: Buffer.from([1, 2, 3]) });
    expect(w.finish()).toEqual(buf(nla(42 | 0x4000, [1, 2, 3])));
  });

  test('a negative u32 is written as two\'s complement', () => {
    expect(new AttributeWriter().u32(4, -1).finish()).toEqual(buf(nla(4, le32(0xffffffff))));
  });

  test('an attribute longer than 65535 bytes is refused', () => {
    expect(() => new AttributeWriter().bytes(1, new Uint8Array(70000))).toThrow(RangeError);
  });

  test('align4', () => {
    expect([0, 1, 2, 3, 4, 5, 8].map(align4)).toEqual([0, 4, 4, 4, 4, 8, 8]);
  });
});

describe('AttributeReader', () => {
  test('walks attributes one by one with typed accessors', () => {
    const r = new AttributeReader(
      buf([...nla(1, le16(10)), ...nla(2, be16(443)), ...nla(3, le32(7)), ...nla(4, le64(2n ** 40n)), ...nla(5, cstr('sip'))]),
    );
    const seen: unknown[] = [];
    while (r.next()) {
      if (r.type === 1) seen.push(r.u16());
      if (r.type === 2) seen.push(r.u16(true));
      if (r.type === 3) seen.push(r.u32());
      if (r.type === 4) seen.push(r.u64());
      if (r.type === 5) seen.push(r.string());
    }
    r.check();
    expect(seen).toEqual([10, 443, 7, 2n ** 40n, 'sip']);
  });

  test('masks NLA_F_NESTED and NLA_F_NET_BYTEORDER and reports them as flags', () => {
    const r = new AttributeReader(buf([...nla(1 | 0x8000, nla(1, le32(9))), ...nla(2 | 0x4000, [1])]));
    expect(r.next()).toBe(true);
    expect([r.type, r.flags]).toEqual([1, 0x8000]);
    const inner = r.nested();
    expect(inner.next()).toBe(true);
    expect(inner.u32()).toBe(9);
    expect(r.next()).toBe(true);
    expect([r.type, r.flags]).toEqual([2, 0x4000]);
  });

  test('the error is sticky: a wrong length stops the walk and check() throws once', () => {
    const r = new AttributeReader(buf([...nla(1, le16(2)), ...nla(2, le32(3))]));
    r.next();
    expect(r.u32()).toBe(0); // u32 of a 2-byte attribute
    expect(r.err).toBeInstanceOf(DecodeError);
    expect(r.next()).toBe(false);
    expect(r.u16()).toBe(0);
    expect(() => r.check()).toThrow(/needs 4 bytes, got 2/);
  });

  test('a length running past the buffer is a DecodeError', () => {
    const bytes = buf(nla(1, le32(1)));
    bytes.writeUInt16LE(12, 0);
    const r = new AttributeReader(bytes);
    expect(r.next()).toBe(false);
    expect(() => r.check()).toThrow(DecodeError);
  });

  test('trailing bytes too short for a header are a DecodeError', () => {
    const r = new AttributeReader(buf([...nla(1, le32(1)), 0, 0]));
    expect(r.next()).toBe(true);
    expect(r.next()).toBe(false);
    expect(() => r.check()).toThrow(/trailing/);
  });

  test('a length below the header size is a DecodeError', () => {
    const r = new AttributeReader(buf([2, 0, 1, 0]));
    expect(r.next()).toBe(false);
    expect(r.err).toBeInstanceOf(DecodeError);
  });

  test('the last attribute may omit its padding', () => {
    const r = new AttributeReader(buf([...nla(1, le32(1)), ...nla(6, cstr('rr')).slice(0, 7)]));
    expect(r.next() && r.next()).toBe(true);
    expect(r.string()).toBe('rr');
    expect(r.next()).toBe(false);
    r.check();
  });

  test('a string without its NUL is read whole; text after a NUL is dropped', () => {
    const r = new AttributeReader(buf([...nla(1, [0x61, 0x62]), ...nla(2, [0x61, 0, 0x62])]));
    r.next();
    expect(r.string()).toBe('ab');
    r.next();
    expect(r.string()).toBe('a');
  });
});
