/**
 * The few rtnetlink messages a real server's setup needs: links (to find a
 * device and bring it up) and addresses (to list, add and delete them).
 * Constants as named in <linux/rtnetlink.h>, <linux/if_link.h>,
 * <linux/if_addr.h> and <linux/if.h>. Pure Buffer <-> object code; a payload
 * here is everything after nlmsghdr (rtnetlink has no common header: each
 * message type starts with its own struct).
 */
import { AttributeReader, AttributeWriter } from './attributes';
import { DecodeError } from './errors';
import { formatAddress } from './inet';
import { AF_INET, AF_INET6 } from '../ipvs/types';

// <linux/rtnetlink.h>
export const RTM_NEWLINK = 16;
export const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_GETADDR = 22;
export const RT_SCOPE_UNIVERSE = 0;
export const AF_UNSPEC = 0;

// <linux/if_link.h>: enum IFLA_*
export const IFLA_IFNAME = 3;

// <linux/if_addr.h>: enum IFA_*, and IFA_F_* flags
export const IFA_ADDRESS = 1;
export const IFA_LOCAL = 2;
export const IFA_LABEL = 3;
export const IFA_FLAGS = 8;
export const IFA_F_NODAD = 0x02;

// <linux/if.h>
export const IFF_UP = 0x1;

/** struct ifinfomsg: family u8, pad u8, type u16, index s32, flags u32, change u32. */
export const IFINFOMSG_BYTES = 16;
/** struct ifaddrmsg: family u8, prefixlen u8, flags u8, scope u8, index u32. */
export const IFADDRMSG_BYTES = 8;

export interface Link {
  index: number;
  name: string;
  /** IFF_* flags (IFF_UP is the one read here). */
  flags: number;
}

export interface Address {
  family: number;
  /** Interface index. */
  index: number;
  /** The address in canonical text (10.0.0.100, fd00::100). */
  address: string;
  prefixLength: number;
}

export interface AddressChange extends Address {
  /** IPv6 only: skip duplicate address detection (ip's `nodad`). */
  noDad?: boolean;
}

function ifinfomsg(index: number, flags: number, change: number): Buffer {
  const b = Buffer.alloc(IFINFOMSG_BYTES);
  b.writeUInt8(AF_UNSPEC, 0);
  b.writeInt32LE(index, 4);
  b.writeUInt32LE(flags >>> 0, 8);
  b.writeUInt32LE(change >>> 0, 12);
  return b;
}

/** RTM_GETLINK, as a dump of every link (a bare ifinfomsg). */
export function dumpLinksPayload(): Buffer {
  return ifinfomsg(0, 0, 0);
}

/** RTM_NEWLINK that sets or clears IFF_UP of link `index` and nothing else (ip link set dev X up/down). */
export function setLinkUpPayload(index: number, up: boolean): Buffer {
  return ifinfomsg(index, up ? IFF_UP : 0, IFF_UP);
}

/** RTM_GETADDR, as a dump of one family's addresses (AF_UNSPEC: all). */
export function dumpAddressesPayload(family = AF_UNSPEC): Buffer {
  const b = Buffer.alloc(IFADDRMSG_BYTES);
  b.writeUInt8(family, 0);
  return b;
}

function addressBytesOf(family: number, bytes: Uint8Array | undefined, text: string): Uint8Array {
  if (!bytes || bytes.length !== (family === AF_INET6 ? 16 : 4)) throw new RangeError(`not an address of family ${family}: ${text}`);
  return bytes;
}

/**
 * RTM_NEWADDR / RTM_DELADDR: ifaddrmsg and the address as IFA_LOCAL and
 * IFA_ADDRESS (the same, as `ip addr add` sends a local address without a
 * peer), scope global; IFA_FLAGS carries nodad.
 */
export function addressPayload(a: AddressChange, bytes: Uint8Array): Buffer {
  const raw = addressBytesOf(a.family, bytes, a.address);
  const head = Buffer.alloc(IFADDRMSG_BYTES);
  head.writeUInt8(a.family, 0);
  head.writeUInt8(a.prefixLength, 1);
  head.writeUInt8(a.noDad ? IFA_F_NODAD : 0, 2);
  head.writeUInt8(RT_SCOPE_UNIVERSE, 3);
  head.writeUInt32LE(a.index >>> 0, 4);
  const w = new AttributeWriter(64);
  w.bytes(IFA_LOCAL, raw).bytes(IFA_ADDRESS, raw);
  if (a.noDad) w.u32(IFA_FLAGS, IFA_F_NODAD);
  return Buffer.concat([head, w.finish()]);
}

/** One RTM_NEWLINK of a link dump: its index, flags and IFLA_IFNAME. */
export function readLink(data: Buffer, start: number, end: number): Link {
  if (end - start < IFINFOMSG_BYTES) throw new DecodeError(`RTM_NEWLINK with ${end - start} payload bytes`);
  const index = data.readInt32LE(start + 4);
  const flags = data.readUInt32LE(start + 8);
  let name: string | undefined;
  const r = new AttributeReader(data, 'RTM_NEWLINK', start + IFINFOMSG_BYTES, end);
  while (r.next()) if (r.type === IFLA_IFNAME) name = r.string();
  r.check();
  if (name === undefined) throw new DecodeError(`RTM_NEWLINK of link ${index} has no IFLA_IFNAME`);
  return { index, name, flags };
}

/**
 * One RTM_NEWADDR of an address dump. The address is IFA_LOCAL when there
 * is one (IPv4 sends both, IFA_ADDRESS being the peer of a point-to-point
 * link), else IFA_ADDRESS (IPv6). Families other than IPv4 and IPv6 give
 * undefined.
 */
export function readAddress(data: Buffer, start: number, end: number): Address | undefined {
  if (end - start < IFADDRMSG_BYTES) throw new DecodeError(`RTM_NEWADDR with ${end - start} payload bytes`);
  const family = data.readUInt8(start);
  const prefixLength = data.readUInt8(start + 1);
  const index = data.readUInt32LE(start + 4);
  if (family !== AF_INET && family !== AF_INET6) return undefined;
  let local: Buffer | undefined;
  let address: Buffer | undefined;
  const r = new AttributeReader(data, 'RTM_NEWADDR', start + IFADDRMSG_BYTES, end);
  while (r.next()) {
    if (r.type === IFA_LOCAL) local = r.bytes();
    else if (r.type === IFA_ADDRESS) address = r.bytes();
  }
  r.check();
  const bytes = local ?? address;
  const size = family === AF_INET6 ? 16 : 4;
  if (!bytes || bytes.length !== size) throw new DecodeError(`RTM_NEWADDR of link ${index} has no ${size}-byte address`);
  return { family, index, address: formatAddress(family, bytes), prefixLength };
}
