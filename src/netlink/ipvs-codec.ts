/**
 * IPVS domain objects <-> attribute values. Every wire quirk lives here once
 * (each has a test of the same name in test/netlink/ipvs-codec.test.ts):
 *
 *  - flags-are-8-bytes:      SVC FLAGS is struct { u32 flags; u32 mask }, we send mask 0xffffffff.
 *  - ports-network-order:    SVC PORT, DEST PORT, DEST TUN_PORT are big-endian (schema byteOrder).
 *  - mcast-port-host-order:  DAEMON MCAST_PORT is host order (schema default).
 *  - addr-16-bytes:          ADDR is union nf_inet_addr (16 bytes), trimmed by family on decode.
 *  - netmask-by-family:      IPv4 mask bytes in network order, IPv6 prefix length in host order.
 *  - dest-family-fallback:   DEST ADDR_FAMILY absent (kernel < 3.18) -> the service's family.
 *  - stats-widths:           STATS is u32 but bytes u64; STATS64 all u64; PAD ignored; prefer 64
 *                            (stats-codec.ts).
 *  - mcast-group-by-family:  DAEMON MCAST_GROUP (4 bytes) vs MCAST_GROUP6 (16 bytes).
 *  - weight-signed:          DEST WEIGHT is a u32 the kernel reads as signed.
 */
import { AttributeWriter, HOST_LITTLE_ENDIAN } from './attributes';
import { IPVS_CMD } from './constants';
import { DecodeError } from './errors';
import { addressBytes, formatAddress } from './inet';
import { COMMAND_SET, INFO_SET, SERVICE_SET } from './schema';
import { Decoded, decodeSet, encodeAttributes, EncodeEntries, EncodeValue } from './set-codec';
import { attachStats } from './stats-codec';
import {
  AF_INET,
  AF_INET6,
  Daemon,
  Destination,
  Info,
  isFwmarkKey,
  Service,
  ServiceKey,
  Timeouts,
} from '../ipvs/types';

export const FLAGS_MASK_ALL = 0xffffffff;

type Entry = readonly [string, EncodeValue];

// ---------------------------------------------------------------- addresses

function familyLength(family: number): number {
  if (family === AF_INET) return 4;
  if (family === AF_INET6) return 16;
  throw new RangeError(`unsupported address family ${family}`);
}

/** addr-16-bytes: text -> 16-byte nf_inet_addr. */
export function encodeInetAddr(family: number, text: string): Buffer {
  const bytes = addressBytes(family, text);
  if (!bytes) throw new RangeError(`not an address of family ${family}: ${JSON.stringify(text)}`);
  const out = Buffer.alloc(16);
  out.set(bytes, 0);
  return out;
}

/** addr-16-bytes: nf_inet_addr (16 bytes, or just the family's length) -> text. */
export function decodeInetAddr(family: number, bytes: Buffer, what: string): string {
  let len: number;
  try {
    len = familyLength(family);
  } catch {
    throw new DecodeError(`${what}: unknown address family ${family}`);
  }
  if (bytes.length < len) throw new DecodeError(`${what}: ${bytes.length} address bytes for family ${family}`);
  return formatAddress(family, bytes.subarray(0, len));
}

// ---------------------------------------------------------------- netmask

/**
 * netmask-by-family: the value to put in the host-order u32 NETMASK attribute.
 * IPv6: the prefix length. IPv4: whatever number has the mask bytes, in
 * network order, as its in-memory bytes (255.255.255.0 -> 0x00ffffff on x86).
 */
export function netmaskToWire(family: number, netmask: number): number {
  if (family === AF_INET6 || !HOST_LITTLE_ENDIAN) return netmask >>> 0;
  return swap32(netmask);
}

export function netmaskFromWire(family: number, raw: number): number {
  return netmaskToWire(family, raw); // the swap is its own inverse
}

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | ((v >>> 24) & 0xff)) >>> 0;
}

// ---------------------------------------------------------------- service

/** AF plus FWMARK or PROTOCOL+ADDR+PORT. */
function serviceIdentityEntries(key: ServiceKey): Entry[] {
  if (isFwmarkKey(key)) return [['AF', key.family], ['FWMARK', key.fwmark]];
  return [
    ['AF', key.family],
    ['PROTOCOL', key.protocol],
    ['ADDR', encodeInetAddr(key.family, key.address)],
    ['PORT', key.port],
  ];
}

function identityOf(svc: Service): ServiceKey {
  return svc.fwmark !== 0
    ? { family: svc.family, fwmark: svc.fwmark }
    : { family: svc.family, protocol: svc.protocol, address: svc.address, port: svc.port };
}

/** flags-are-8-bytes */
export function encodeFlags(flags: number, mask = FLAGS_MASK_ALL): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(flags >>> 0, 0);
  b.writeUInt32LE(mask >>> 0, 4);
  return b;
}

/** The full SERVICE block of NEW_SERVICE / SET_SERVICE, in ipvsadm's order. */
export function serviceFullEntries(svc: Service): EncodeEntries {
  const entries: Entry[] = serviceIdentityEntries(identityOf(svc));
  entries.push(['SCHED_NAME', svc.scheduler]);
  if (svc.peName !== '') entries.push(['PE_NAME', svc.peName]);
  entries.push(['FLAGS', encodeFlags(svc.flags)]);
  entries.push(['TIMEOUT', svc.timeout]);
  entries.push(['NETMASK', netmaskToWire(svc.family, svc.netmask)]);
  return { entries, unknown: svc.unknown };
}

export function serviceKeyEntries(key: ServiceKey): EncodeEntries {
  return { entries: serviceIdentityEntries(key) };
}

export function decodeService(d: Decoded): Service {
  const family = d.need('AF', d.num);
  const fwmark = d.num('FWMARK');
  let protocol = 0;
  let address = '';
  let port = 0;
  if (fwmark === undefined) {
    protocol = d.need('PROTOCOL', d.num);
    address = decodeInetAddr(family, d.need('ADDR', d.bin), 'SERVICE ADDR');
    port = d.need('PORT', d.num);
  }
  const flagsRaw = d.need('FLAGS', d.bin);
  const svc: Service = {
    family,
    protocol,
    address,
    port,
    fwmark: fwmark ?? 0,
    scheduler: d.need('SCHED_NAME', d.str),
    peName: d.str('PE_NAME') ?? '',
    flags: flagsRaw.readUInt32LE(0),
    timeout: d.need('TIMEOUT', d.num),
    netmask: netmaskFromWire(family, d.need('NETMASK', d.num)),
  };
  attachStats(svc, d);
  if (d.unknown.length) svc.unknown = d.unknown;
  return svc;
}

// ---------------------------------------------------------------- destination

/** The DEST block of NEW_DEST / SET_DEST, in ipvsadm's order. */
export function destinationFullEntries(dest: Destination): EncodeEntries {
  return {
    entries: [
      ['ADDR_FAMILY', dest.family],
      ['ADDR', encodeInetAddr(dest.family, dest.address)],
      ['PORT', dest.port],
      ['FWD_METHOD', dest.fwdMethod],
      ['WEIGHT', dest.weight | 0], // weight-signed
      ['TUN_TYPE', dest.tunnelType],
      ['TUN_PORT', dest.tunnelPort],
      ['TUN_FLAGS', dest.tunnelFlags],
      ['U_THRESH', dest.upperThreshold],
      ['L_THRESH', dest.lowerThreshold],
    ],
    unknown: dest.unknown,
  };
}

/** DEL_DEST needs only the address. */
export function destinationKeyEntries(dest: Pick<Destination, 'family' | 'address' | 'port'>): EncodeEntries {
  return {
    entries: [
      ['ADDR_FAMILY', dest.family],
      ['ADDR', encodeInetAddr(dest.family, dest.address)],
      ['PORT', dest.port],
    ],
  };
}

/** dest-family-fallback: `serviceFamily` is used when ADDR_FAMILY is absent. */
export function decodeDestination(d: Decoded, serviceFamily: number): Destination {
  const family = d.num('ADDR_FAMILY') ?? serviceFamily;
  const dest: Destination = {
    family,
    address: decodeInetAddr(family, d.need('ADDR', d.bin), 'DEST ADDR'),
    port: d.need('PORT', d.num),
    fwdMethod: d.need('FWD_METHOD', d.num),
    weight: d.need('WEIGHT', d.num) | 0, // weight-signed
    upperThreshold: d.need('U_THRESH', d.num),
    lowerThreshold: d.need('L_THRESH', d.num),
    tunnelType: d.num('TUN_TYPE') ?? 0,
    tunnelPort: d.num('TUN_PORT') ?? 0,
    tunnelFlags: d.num('TUN_FLAGS') ?? 0,
    activeConns: d.need('ACTIVE_CONNS', d.num),
    inactiveConns: d.need('INACT_CONNS', d.num),
    persistentConns: d.need('PERSIST_CONNS', d.num),
  };
  attachStats(dest, d);
  if (d.unknown.length) dest.unknown = d.unknown;
  return dest;
}

// ---------------------------------------------------------------- daemon

/** mcast-group-by-family: IPv6 text goes to MCAST_GROUP6. */
function mcastGroupEntry(text: string): Entry {
  return text.includes(':') ? ['MCAST_GROUP6', encodeInetAddr(AF_INET6, text)] : ['MCAST_GROUP', addressOrThrow(AF_INET, text)];
}

function addressOrThrow(family: number, text: string): Buffer {
  const b = addressBytes(family, text);
  if (!b) throw new RangeError(`not an address of family ${family}: ${JSON.stringify(text)}`);
  return Buffer.from(b);
}

export function daemonStartEntries(daemon: Daemon): EncodeEntries {
  const entries: Entry[] = [
    ['STATE', daemon.state],
    ['MCAST_IFN', daemon.mcastIfn],
    ['SYNC_ID', daemon.syncId],
  ];
  if (daemon.syncMaxlen) entries.push(['SYNC_MAXLEN', daemon.syncMaxlen]);
  if (daemon.mcastPort) entries.push(['MCAST_PORT', daemon.mcastPort]);
  if (daemon.mcastTtl) entries.push(['MCAST_TTL', daemon.mcastTtl]);
  if (daemon.mcastGroup) entries.push(mcastGroupEntry(daemon.mcastGroup));
  return { entries, unknown: daemon.unknown };
}

export function daemonStopEntries(daemon: Pick<Daemon, 'state'> & Partial<Daemon>): EncodeEntries {
  return {
    entries: [
      ['STATE', daemon.state],
      ['MCAST_IFN', daemon.mcastIfn ?? ''],
      ['SYNC_ID', daemon.syncId ?? 0],
    ],
  };
}

export function decodeDaemon(d: Decoded): Daemon {
  const daemon: Daemon = {
    state: d.need('STATE', d.num),
    mcastIfn: d.need('MCAST_IFN', d.str),
    syncId: d.need('SYNC_ID', d.num),
  };
  const maxlen = d.num('SYNC_MAXLEN');
  if (maxlen !== undefined) daemon.syncMaxlen = maxlen;
  const g4 = d.bin('MCAST_GROUP');
  const g6 = d.bin('MCAST_GROUP6');
  if (g6) daemon.mcastGroup = formatAddress(AF_INET6, g6);
  else if (g4) daemon.mcastGroup = formatAddress(AF_INET, g4);
  const port = d.num('MCAST_PORT');
  if (port !== undefined) daemon.mcastPort = port;
  const ttl = d.num('MCAST_TTL');
  if (ttl !== undefined) daemon.mcastTtl = ttl;
  if (d.unknown.length) daemon.unknown = d.unknown;
  return daemon;
}

// ---------------------------------------------------------------- top level

/** A request: command number plus its attribute area. */
export interface IpvsRequest {
  cmd: number;
  attributes: Buffer;
}

const CMD_SERVICE = COMMAND_SET.byName.get('SERVICE')!.id;
const SVC_ID = (name: 'AF' | 'PROTOCOL' | 'ADDR' | 'PORT' | 'FWMARK'): number => SERVICE_SET.byName.get(name)!.id;
const [SVC_AF, SVC_PROTOCOL, SVC_ADDR, SVC_PORT, SVC_FWMARK] = (['AF', 'PROTOCOL', 'ADDR', 'PORT', 'FWMARK'] as const).map(SVC_ID);

/**
 * The SERVICE block of a key, the same bytes as encodeAttributes makes of
 * serviceKeyEntries, written directly: a listing sends one per service.
 */
export function serviceKeyBlock(key: ServiceKey): Buffer {
  const w = new AttributeWriter(64);
  w.nest(CMD_SERVICE, (n) => {
    n.u16(SVC_AF, key.family);
    if (isFwmarkKey(key)) {
      n.u32(SVC_FWMARK, key.fwmark);
      return;
    }
    n.u16(SVC_PROTOCOL, key.protocol);
    n.bytes(SVC_ADDR, encodeInetAddr(key.family, key.address));
    n.u16(SVC_PORT, key.port, true);
  });
  return w.finish();
}

function request(cmd: number, entries: Entry[]): IpvsRequest {
  return { cmd, attributes: encodeAttributes(COMMAND_SET, { entries }) };
}

export const requests = {
  getInfo: (): IpvsRequest => request(IPVS_CMD.GET_INFO, []),
  newService: (svc: Service): IpvsRequest => request(IPVS_CMD.NEW_SERVICE, [['SERVICE', serviceFullEntries(svc)]]),
  setService: (svc: Service): IpvsRequest => request(IPVS_CMD.SET_SERVICE, [['SERVICE', serviceFullEntries(svc)]]),
  delService: (key: ServiceKey): IpvsRequest => request(IPVS_CMD.DEL_SERVICE, [['SERVICE', serviceKeyEntries(key)]]),
  getService: (key: ServiceKey): IpvsRequest => request(IPVS_CMD.GET_SERVICE, [['SERVICE', serviceKeyEntries(key)]]),
  dumpServices: (): IpvsRequest => request(IPVS_CMD.GET_SERVICE, []),
  dumpDestinations: (key: ServiceKey): IpvsRequest => ({ cmd: IPVS_CMD.GET_DEST, attributes: serviceKeyBlock(key) }),
  newDestination: (key: ServiceKey, dest: Destination): IpvsRequest =>
    request(IPVS_CMD.NEW_DEST, [
      ['SERVICE', serviceKeyEntries(key)],
      ['DEST', destinationFullEntries(dest)],
    ]),
  setDestination: (key: ServiceKey, dest: Destination): IpvsRequest =>
    request(IPVS_CMD.SET_DEST, [
      ['SERVICE', serviceKeyEntries(key)],
      ['DEST', destinationFullEntries(dest)],
    ]),
  delDestination: (key: ServiceKey, dest: Pick<Destination, 'family' | 'address' | 'port'>): IpvsRequest =>
    request(IPVS_CMD.DEL_DEST, [
      ['SERVICE', serviceKeyEntries(key)],
      ['DEST', destinationKeyEntries(dest)],
    ]),
  flush: (): IpvsRequest => request(IPVS_CMD.FLUSH, []),
  zero: (key?: ServiceKey): IpvsRequest => request(IPVS_CMD.ZERO, key ? [['SERVICE', serviceKeyEntries(key)]] : []),
  getTimeouts: (): IpvsRequest => request(IPVS_CMD.GET_CONFIG, []),
  setTimeouts: (t: Timeouts): IpvsRequest => {
    const entries: Entry[] = [];
    if (t.tcp !== undefined) entries.push(['TIMEOUT_TCP', t.tcp]);
    if (t.tcpFin !== undefined) entries.push(['TIMEOUT_TCP_FIN', t.tcpFin]);
    if (t.udp !== undefined) entries.push(['TIMEOUT_UDP', t.udp]);
    return request(IPVS_CMD.SET_CONFIG, entries);
  },
  newDaemon: (daemon: Daemon): IpvsRequest => request(IPVS_CMD.NEW_DAEMON, [['DAEMON', daemonStartEntries(daemon)]]),
  delDaemon: (daemon: Pick<Daemon, 'state'> & Partial<Daemon>): IpvsRequest =>
    request(IPVS_CMD.DEL_DAEMON, [['DAEMON', daemonStopEntries(daemon)]]),
  dumpDaemons: (): IpvsRequest => request(IPVS_CMD.GET_DAEMON, []),
};

// Reply decoders: each takes the attribute area of one generic-netlink reply.

export function decodeServiceReply(attributes: Buffer): Service {
  const top = decodeSet(COMMAND_SET, attributes);
  return decodeService(top.need('SERVICE', top.nest));
}

export function decodeDestinationReply(attributes: Buffer, serviceFamily: number): Destination {
  const top = decodeSet(COMMAND_SET, attributes);
  return decodeDestination(top.need('DEST', top.nest), serviceFamily);
}

export function decodeDaemonReply(attributes: Buffer): Daemon {
  const top = decodeSet(COMMAND_SET, attributes);
  return decodeDaemon(top.need('DAEMON', top.nest));
}

export function decodeTimeoutsReply(attributes: Buffer): Required<Timeouts> {
  const top = decodeSet(COMMAND_SET, attributes);
  return {
    tcp: top.need('TIMEOUT_TCP', top.num),
    tcpFin: top.need('TIMEOUT_TCP_FIN', top.num),
    udp: top.need('TIMEOUT_UDP', top.num),
  };
}

export function decodeInfoReply(attributes: Buffer): Info {
  const d = decodeSet(INFO_SET, attributes);
  return { version: d.need('VERSION', d.num), connTabSize: d.need('CONN_TAB_SIZE', d.num) };
}
