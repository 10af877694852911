// rtnetlink and fou messages against bytes built by the naive builder, and
// replies built the same way read back.
import { addPortAttributes, deletePortAttributes, readFouPort } from '../../src/netlink/fou-codec';
import {
  addressPayload, dumpAddressesPayload, dumpLinksPayload, readAddress, readLink, setLinkUpPayload,
} from '../../src/netlink/route-codec';
import { routeFraming } from '../../src/netlink/transport/framing';
import { DecodeError } from '../../src/netlink/errors';
import { be16, buf, cstr, le16, le32, nla, nlmsg, zeros } from './naive';

test('host order is little-endian (the naive builder assumes it)', () => {
  expect(new Uint8Array(new Uint16Array([1]).buffer)[0]).toBe(1);
});

describe('requests', () => {
  test('RTM_GETLINK dump: a zero ifinfomsg, framed whole (no generic header)', () => {
    const msg = routeFraming.encode({ type: 18, flags: 0x301, seq: 7 }, { cmd: 18, attributes: dumpLinksPayload(), op: 'RTM_GETLINK' });
    expect(msg).toEqual(buf(nlmsg(18, 0x301, 7, 0, zeros(16))));
  });

  test('RTM_NEWLINK up and down: IFF_UP in flags, IFF_UP in change, index as s32', () => {
    expect(setLinkUpPayload(5, true)).toEqual(buf([0, 0, ...le16(0), ...le32(5), ...le32(1), ...le32(1)]));
    expect(setLinkUpPayload(5, false)).toEqual(buf([0, 0, ...le16(0), ...le32(5), ...le32(0), ...le32(1)]));
  });

  test('RTM_GETADDR dump of one family', () => {
    expect(dumpAddressesPayload(10)).toEqual(buf([10, 0, 0, 0, ...le32(0)]));
  });

  test('RTM_NEWADDR IPv4: ifaddrmsg (scope universe), IFA_LOCAL then IFA_ADDRESS', () => {
    const a = { family: 2, index: 3, address: '10.0.0.100', prefixLength: 32 };
    expect(addressPayload(a, new Uint8Array([10, 0, 0, 100]))).toEqual(buf([
      2, 32, 0, 0, ...le32(3), ...nla(2, [10, 0, 0, 100]), ...nla(1, [10, 0, 0, 100]),
    ]));
  });

  test('RTM_NEWADDR IPv6 nodad: IFA_F_NODAD in ifa_flags and in IFA_FLAGS', () => {
    const bytes = [0xfd, ...zeros(14), 1];
    const a = { family: 10, index: 1, address: 'fd00::1', prefixLength: 128, noDad: true };
    expect(addressPayload(a, new Uint8Array(bytes))).toEqual(buf([
      10, 128, 2, 0, ...le32(1), ...nla(2, bytes), ...nla(1, bytes), ...nla(8, le32(2)),
    ]));
  });

  test('an address of the wrong size is refused before anything is sent', () => {
    expect(() => addressPayload({ family: 2, index: 1, address: 'x', prefixLength: 32 }, new Uint8Array(16))).toThrow(RangeError);
  });

  test('fou: port in network order, family, GUE; delete names port and family', () => {
    expect(addPortAttributes({ port: 6080, family: 2, encap: 2 })).toEqual(buf([...nla(1, be16(6080)), ...nla(2, [2]), ...nla(4, [2])]));
    expect(deletePortAttributes({ port: 6080, family: 2 })).toEqual(buf([...nla(1, be16(6080)), ...nla(2, [2])]));
  });
});

describe('replies', () => {
  const link = buf([0, 0, ...le16(772), ...le32(1), ...le32(0x49), ...le32(0), ...nla(4, le32(65536)), ...nla(3, cstr('lo'))]);

  test('a link: index, flags, name among other attributes', () => {
    expect(readLink(link, 0, link.length)).toEqual({ index: 1, flags: 0x49, name: 'lo' });
  });

  test('a link without a name, or shorter than ifinfomsg, is a DecodeError', () => {
    const nameless = buf([0, 0, ...le16(1), ...le32(2), ...le32(0), ...le32(0)]);
    expect(() => readLink(nameless, 0, nameless.length)).toThrow(DecodeError);
    expect(() => readLink(link, 0, 12)).toThrow(DecodeError);
  });

  test('an IPv4 address is IFA_LOCAL, whatever IFA_ADDRESS (the peer) says', () => {
    const a = buf([2, 32, 0x80, 0, ...le32(4), ...nla(1, [10, 9, 9, 9]), ...nla(2, [10, 0, 0, 100]), ...nla(3, cstr('lo'))]);
    expect(readAddress(a, 0, a.length)).toEqual({ family: 2, index: 4, address: '10.0.0.100', prefixLength: 32 });
  });

  test('an IPv6 address is IFA_ADDRESS, in canonical text', () => {
    const a = buf([10, 128, 0, 0, ...le32(1), ...nla(1, [0xfd, ...zeros(13), 1, 0])]);
    expect(readAddress(a, 0, a.length)).toEqual({ family: 10, index: 1, address: 'fd00::100', prefixLength: 128 });
  });

  test('other families are skipped; a short address is a DecodeError', () => {
    const other = buf([17, 0, 0, 0, ...le32(1)]);
    expect(readAddress(other, 0, other.length)).toBeUndefined();
    const short = buf([2, 32, 0, 0, ...le32(1), ...nla(2, [10, 0, 0])]);
    expect(() => readAddress(short, 0, short.length)).toThrow(DecodeError);
  });

  test('a fou port, with the attributes it does not need', () => {
    const p = buf([...nla(2, [2]), ...nla(3, [4]), ...nla(1, be16(6080)), ...nla(4, [2]), ...nla(5, [])]);
    expect(readFouPort(p, 0, p.length)).toEqual({ port: 6080, family: 2, encap: 2 });
  });
});
