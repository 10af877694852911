/**
 * The replies of a listing, read where they lie in the datagram: a table of
 * 100,000 servers is 100,000 DEST replies, and the generic decoder
 * (set-codec.ts) spends more on its bookkeeping objects than on the bytes.
 *
 * These readers take the common case only: every attribute known, of the
 * size the table in schema.ts gives it, every required one present, a host
 * that stores numbers little-endian. Anything else (an unknown attribute, a
 * malformed one, a stats block with more than the kernel sends today) goes to
 * the generic decoder, which keeps unknown attributes and words its errors.
 * Whenever a reader here returns a value, it is the generic decoder's value
 * (test/netlink/listing-replies.test.ts holds them to that).
 */
import { AF_INET, AF_INET6, type Destination, type Service } from '../ipvs/types';
import { align4, HOST_LITTLE_ENDIAN, u16be, u16le, u32le } from './attributes';
import { NLA_HDRLEN, NLA_TYPE_MASK } from './constants';
import { formatIPv6 } from './inet';
import { decodeDestinationReply, decodeServiceReply, netmaskFromWire } from './ipvs-codec';
import { COMMAND_SET, DEST_SET, SERVICE_SET, STATS64_SET, STATS_SET, type AttributeSet } from './schema';
import { NestedSet } from './set-codec';
import { attachStatsBlock } from './stats-codec';

const id = (set: AttributeSet, name: string): number => set.byName.get(name)!.id;

const CMD_SERVICE = id(COMMAND_SET, 'SERVICE');
const CMD_DEST = id(COMMAND_SET, 'DEST');

const SVC = {
  AF: id(SERVICE_SET, 'AF'),
  PROTOCOL: id(SERVICE_SET, 'PROTOCOL'),
  ADDR: id(SERVICE_SET, 'ADDR'),
  PORT: id(SERVICE_SET, 'PORT'),
  FWMARK: id(SERVICE_SET, 'FWMARK'),
  SCHED_NAME: id(SERVICE_SET, 'SCHED_NAME'),
  FLAGS: id(SERVICE_SET, 'FLAGS'),
  TIMEOUT: id(SERVICE_SET, 'TIMEOUT'),
  NETMASK: id(SERVICE_SET, 'NETMASK'),
  STATS: id(SERVICE_SET, 'STATS'),
  PE_NAME: id(SERVICE_SET, 'PE_NAME'),
  STATS64: id(SERVICE_SET, 'STATS64'),
};

const DEST = {
  ADDR: id(DEST_SET, 'ADDR'),
  PORT: id(DEST_SET, 'PORT'),
  FWD_METHOD: id(DEST_SET, 'FWD_METHOD'),
  WEIGHT: id(DEST_SET, 'WEIGHT'),
  U_THRESH: id(DEST_SET, 'U_THRESH'),
  L_THRESH: id(DEST_SET, 'L_THRESH'),
  ACTIVE_CONNS: id(DEST_SET, 'ACTIVE_CONNS'),
  INACT_CONNS: id(DEST_SET, 'INACT_CONNS'),
  PERSIST_CONNS: id(DEST_SET, 'PERSIST_CONNS'),
  STATS: id(DEST_SET, 'STATS'),
  ADDR_FAMILY: id(DEST_SET, 'ADDR_FAMILY'),
  STATS64: id(DEST_SET, 'STATS64'),
  TUN_TYPE: id(DEST_SET, 'TUN_TYPE'),
  TUN_PORT: id(DEST_SET, 'TUN_PORT'),
  TUN_FLAGS: id(DEST_SET, 'TUN_FLAGS'),
};

/** Payload sizes of each stats member by id (index), 0 for none; the padding id takes any size. */
const ANY_SIZE = -1;
const STATS_SIZES = statsSizes(STATS_SET);
const STATS64_SIZES = statsSizes(STATS64_SET);

function statsSizes(set: AttributeSet): number[] {
  const sizes = new Array<number>(set.maxId + 1).fill(0);
  for (const s of set.specs) sizes[s.id] = s.padding ? ANY_SIZE : s.type === 'u64' ? 8 : 4;
  return sizes;
}

/**
 * The length of the attribute at data[at] when it is well formed and ends by
 * `end`; 0 otherwise. The readers below walk their attributes in one loop
 * with this, rather than through a callback: a dump brings 30-odd attributes
 * per reply with the stats blocks, and most of a listing runs before the JIT
 * has compiled it, where every call costs (bench/RESULTS.md, seventh round).
 */
function attributeLength(data: Buffer, at: number, end: number): number {
  if (end - at < NLA_HDRLEN) return 0;
  const len = u16le(data, at);
  return len < NLA_HDRLEN || len > end - at ? 0 : len;
}

/** The type of the attribute at data[at], its flag bits cleared. */
function attributeType(data: Buffer, at: number): number {
  return u16le(data, at + 2) & NLA_TYPE_MASK;
}

/** A stats block the generic decoder would take, with nothing in it it would keep aside. */
function plainStats(data: Buffer, start: number, end: number, sizes: readonly number[]): boolean {
  let at = start;
  while (at < end) {
    const len = attributeLength(data, at, end);
    if (len === 0) return false;
    const type = attributeType(data, at);
    const size = type < sizes.length ? sizes[type] : 0;
    if (size === 0 || (size !== ANY_SIZE && len - NLA_HDRLEN !== size)) return false;
    at += align4(len);
  }
  return true;
}

/** The one nested attribute of type `type` that fills data[start, end), as [payload start, payload end]; undefined otherwise. */
function soleNest(data: Buffer, start: number, end: number, type: number): number | undefined {
  if (end - start < NLA_HDRLEN) return undefined;
  const len = u16le(data, start);
  if (attributeType(data, start) !== type || len < NLA_HDRLEN) return undefined;
  if (start + len !== end && start + align4(len) !== end) return undefined;
  return start + len;
}

function address(data: Buffer, at: number, length: number, family: number): string | undefined {
  if (family === AF_INET && length >= 4) return `${data[at]}.${data[at + 1]}.${data[at + 2]}.${data[at + 3]}`;
  if (family === AF_INET6 && length >= 16) return formatIPv6(data.subarray(at, at + 16));
  return undefined;
}

/** Text up to the first NUL, as the generic decoder reads a string. */
function text(data: Buffer, start: number, end: number): string {
  let stop = start;
  while (stop < end && data[stop] !== 0) stop++;
  return data.toString('utf8', start, stop);
}

/** One DEST reply of a GET_DEST dump (its attribute area, data[start, end)). */
export function readDestinationReply(data: Buffer, start: number, end: number, serviceFamily: number): Destination {
  return (HOST_LITTLE_ENDIAN && fastDestination(data, start, end, serviceFamily)) || decodeDestinationReply(data.subarray(start, end), serviceFamily);
}

/** One SERVICE reply of a GET_SERVICE dump. */
export function readServiceReply(data: Buffer, start: number, end: number): Service {
  return (HOST_LITTLE_ENDIAN && fastService(data, start, end)) || decodeServiceReply(data.subarray(start, end));
}

/**
 * One SERVICE reply as readServiceReply reads it (its stats blocks checked
 * the same), but without `stats`: no lazy accessor is made for a listing
 * that prints none.
 */
export function readServiceReplyWithoutCounters(data: Buffer, start: number, end: number): Service {
  const fast = HOST_LITTLE_ENDIAN ? fastService(data, start, end, false) : undefined;
  if (fast) return fast;
  const service = decodeServiceReply(data.subarray(start, end));
  // Configurable accessors: deleting them decodes nothing.
  delete service.stats;
  delete service.statsWidth;
  return service;
}

/** The common case of readDestinationReply, read in place; undefined for anything else. */
export function fastDestination(data: Buffer, start: number, end: number, serviceFamily: number): Destination | undefined {
  const stop = soleNest(data, start, end, CMD_DEST);
  if (stop === undefined) return undefined;
  let addrAt = -1;
  let addrLength = 0;
  let family = -1;
  let port = -1;
  let fwdMethod = -1;
  let weight = -1;
  let upper = -1;
  let lower = -1;
  let active = -1;
  let inactive = -1;
  let persistent = -1;
  let tunnelType = 0;
  let tunnelPort = 0;
  let tunnelFlags = 0;
  const stats = new StatsBlocks();
  let at = start + NLA_HDRLEN;
  while (at < stop) {
    const len = attributeLength(data, at, stop);
    if (len === 0) return undefined;
    const v = at + NLA_HDRLEN;
    const n = len - NLA_HDRLEN;
    const type = attributeType(data, at);
    switch (type) {
      case DEST.ADDR:
        if (n > 16) return undefined;
        addrAt = v;
        addrLength = n;
        break;
      case DEST.PORT:
        if (n !== 2) return undefined;
        port = u16be(data, v);
        break;
      case DEST.ADDR_FAMILY:
        if (n !== 2) return undefined;
        family = u16le(data, v);
        break;
      case DEST.TUN_TYPE:
        if (n !== 1) return undefined;
        tunnelType = data[v];
        break;
      case DEST.TUN_PORT:
        if (n !== 2) return undefined;
        tunnelPort = u16be(data, v);
        break;
      case DEST.TUN_FLAGS:
        if (n !== 2) return undefined;
        tunnelFlags = u16le(data, v);
        break;
      case DEST.STATS:
        if (!stats.take(data, v, n, 32)) return undefined;
        break;
      case DEST.STATS64:
        if (!stats.take(data, v, n, 64)) return undefined;
        break;
      default: {
        // The rest are u32s, or unknown.
        if (n !== 4) return undefined;
        const u32 = u32le(data, v);
        if (type === DEST.FWD_METHOD) fwdMethod = u32;
        else if (type === DEST.WEIGHT) weight = u32;
        else if (type === DEST.U_THRESH) upper = u32;
        else if (type === DEST.L_THRESH) lower = u32;
        else if (type === DEST.ACTIVE_CONNS) active = u32;
        else if (type === DEST.INACT_CONNS) inactive = u32;
        else if (type === DEST.PERSIST_CONNS) persistent = u32;
        else return undefined;
      }
    }
    at += align4(len);
  }
  if (family === -1) family = serviceFamily;
  if (addrAt < 0 || port < 0 || fwdMethod < 0 || weight < 0 || upper < 0 || lower < 0 || active < 0 || inactive < 0 || persistent < 0) {
    return undefined;
  }
  const text = address(data, addrAt, addrLength, family);
  if (text === undefined) return undefined;
  const dest: Destination = {
    family,
    address: text,
    port,
    fwdMethod,
    weight: weight | 0, // weight-signed
    upperThreshold: upper,
    lowerThreshold: lower,
    tunnelType,
    tunnelPort,
    tunnelFlags,
    activeConns: active,
    inactiveConns: inactive,
    persistentConns: persistent,
  };
  stats.attach(dest, data, DEST_STATS);
  return dest;
}

/** The common case of readServiceReply (its stats attached unless `counters` is false); undefined for anything else. */
export function fastService(data: Buffer, start: number, end: number, counters = true): Service | undefined {
  const stop = soleNest(data, start, end, CMD_SERVICE);
  if (stop === undefined) return undefined;
  let family = -1;
  let protocol = -1;
  let addrAt = -1;
  let addrLength = 0;
  let port = -1;
  let fwmark = -1;
  let scheduler: string | undefined;
  let peName = '';
  let flags = -1;
  let timeout = -1;
  let netmask = -1;
  const stats = new StatsBlocks();
  let at = start + NLA_HDRLEN;
  while (at < stop) {
    const len = attributeLength(data, at, stop);
    if (len === 0) return undefined;
    const v = at + NLA_HDRLEN;
    const n = len - NLA_HDRLEN;
    const type = attributeType(data, at);
    switch (type) {
      case SVC.AF:
        if (n !== 2) return undefined;
        family = u16le(data, v);
        break;
      case SVC.PROTOCOL:
        if (n !== 2) return undefined;
        protocol = u16le(data, v);
        break;
      case SVC.ADDR:
        if (n > 16) return undefined;
        addrAt = v;
        addrLength = n;
        break;
      case SVC.PORT:
        if (n !== 2) return undefined;
        port = u16be(data, v);
        break;
      case SVC.SCHED_NAME:
        scheduler = text(data, v, v + n);
        break;
      case SVC.PE_NAME:
        peName = text(data, v, v + n);
        break;
      case SVC.FLAGS:
        if (n !== 8) return undefined;
        flags = u32le(data, v);
        break;
      case SVC.STATS:
        if (!stats.take(data, v, n, 32)) return undefined;
        break;
      case SVC.STATS64:
        if (!stats.take(data, v, n, 64)) return undefined;
        break;
      default: {
        // The rest are u32s, or unknown.
        if (n !== 4) return undefined;
        const u32 = u32le(data, v);
        if (type === SVC.FWMARK) fwmark = u32;
        else if (type === SVC.TIMEOUT) timeout = u32;
        else if (type === SVC.NETMASK) netmask = u32;
        else return undefined;
      }
    }
    at += align4(len);
  }
  if (family < 0 || scheduler === undefined || flags < 0 || timeout < 0 || netmask < 0) return undefined;
  let addressText = '';
  if (fwmark < 0) {
    if (protocol < 0 || port < 0 || addrAt < 0) return undefined;
    const t = address(data, addrAt, addrLength, family);
    if (t === undefined) return undefined;
    addressText = t;
  }
  const svc: Service = {
    family,
    protocol: fwmark < 0 ? protocol : 0,
    address: addressText,
    port: fwmark < 0 ? port : 0,
    fwmark: fwmark < 0 ? 0 : fwmark,
    scheduler,
    peName,
    flags,
    timeout,
    netmask: netmaskFromWire(family, netmask),
  };
  if (counters) stats.attach(svc, data, SERVICE_STATS);
  return svc;
}

/** The names of a reply's stats blocks in messages, [STATS64, STATS], made once rather than per reply. */
const SERVICE_STATS = ['IPVS_CMD/SERVICE/STATS64', 'IPVS_CMD/SERVICE/STATS'] as const;
const DEST_STATS = ['IPVS_CMD/DEST/STATS64', 'IPVS_CMD/DEST/STATS'] as const;

/** Where a reply's STATS and STATS64 blocks lie, each checked as it is found. */
class StatsBlocks {
  private narrow = -1;
  private narrowEnd = 0;
  private wide = -1;
  private wideEnd = 0;

  /** Records the block of `width` bits at data[at, at + length); false when it is not a plain one. */
  take(data: Buffer, at: number, length: number, width: 32 | 64): boolean {
    if (!plainStats(data, at, at + length, width === 64 ? STATS64_SIZES : STATS_SIZES)) return false;
    if (width === 64) {
      this.wide = at;
      this.wideEnd = at + length;
    } else {
      this.narrow = at;
      this.narrowEnd = at + length;
    }
    return true;
  }

  /** stats-widths: STATS64 when present, else STATS, as attachStats does for the generic decoder. */
  attach(target: Service | Destination, data: Buffer, [wide, narrow]: readonly [string, string]): void {
    if (this.wide >= 0) attachStatsBlock(target, new NestedSet(STATS64_SET, data, this.wide, this.wideEnd, wide), 64);
    else if (this.narrow >= 0) attachStatsBlock(target, new NestedSet(STATS_SET, data, this.narrow, this.narrowEnd, narrow), 32);
  }
}
