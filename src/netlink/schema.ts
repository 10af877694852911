/**
 * The IPVS (and controller) attribute sets, as tables in the kernel's own
 * vocabulary (<linux/ip_vs.h>, <linux/genetlink.h>). The generic encoder and
 * decoder (set-codec.ts) are driven only by these tables; ipvs-codec.ts maps
 * domain objects to and from the decoded values.
 */

export type WireType = 'u8' | 'u16' | 'u32' | 'u64' | 'string' | 'binary' | 'nested';

export interface AttributeSpec<N extends string = string> {
  name: N;
  id: number;
  type: WireType;
  /** Integers are host order unless the kernel says otherwise. */
  byteOrder: 'host' | 'network';
  /** Exact payload length for fixed-size binaries (integers are implied by type). */
  length?: number;
  /** Upper bound on payload length (strings include the NUL). */
  maxLength?: number;
  /** Set of the attributes inside a nested one. */
  nested?: AttributeSet;
  /** Zero-length alignment filler: skipped on decode. */
  padding?: boolean;
  /** The kernel's constant name. */
  constant: string;
}

export interface AttributeSet<N extends string = string> {
  name: string;
  specs: readonly AttributeSpec<N>[];
  byId: ReadonlyMap<number, AttributeSpec<N>>;
  byName: ReadonlyMap<N, AttributeSpec<N>>;
  /** The highest id in the set. */
  maxId: number;
}

type SpecInput<N extends string> = Omit<AttributeSpec<N>, 'byteOrder' | 'constant'> & { byteOrder?: 'host' | 'network' };

function defineSet<N extends string>(name: string, prefix: string, specs: SpecInput<N>[]): AttributeSet<N> {
  const full = specs.map((s) => ({ byteOrder: 'host' as const, ...s, constant: `${prefix}${s.name}` }));
  return {
    name,
    specs: full,
    byId: new Map(full.map((s) => [s.id, s])),
    byName: new Map(full.map((s) => [s.name, s])),
    maxId: Math.max(0, ...full.map((s) => s.id)),
  };
}

// enum IPVS_STATS_ATTR_*, inside SVC/DEST STATS: 32-bit except the byte counters.
export const STATS_SET = defineSet('STATS', 'IPVS_STATS_ATTR_', [
  { name: 'CONNS', id: 1, type: 'u32' },
  { name: 'INPKTS', id: 2, type: 'u32' },
  { name: 'OUTPKTS', id: 3, type: 'u32' },
  { name: 'INBYTES', id: 4, type: 'u64' },
  { name: 'OUTBYTES', id: 5, type: 'u64' },
  { name: 'CPS', id: 6, type: 'u32' },
  { name: 'INPPS', id: 7, type: 'u32' },
  { name: 'OUTPPS', id: 8, type: 'u32' },
  { name: 'INBPS', id: 9, type: 'u32' },
  { name: 'OUTBPS', id: 10, type: 'u32' },
  { name: 'PAD', id: 11, type: 'binary', padding: true },
]);

// The same ids inside STATS64: every counter is 64-bit.
export const STATS64_SET = defineSet('STATS64', 'IPVS_STATS_ATTR_', [
  { name: 'CONNS', id: 1, type: 'u64' },
  { name: 'INPKTS', id: 2, type: 'u64' },
  { name: 'OUTPKTS', id: 3, type: 'u64' },
  { name: 'INBYTES', id: 4, type: 'u64' },
  { name: 'OUTBYTES', id: 5, type: 'u64' },
  { name: 'CPS', id: 6, type: 'u64' },
  { name: 'INPPS', id: 7, type: 'u64' },
  { name: 'OUTPPS', id: 8, type: 'u64' },
  { name: 'INBPS', id: 9, type: 'u64' },
  { name: 'OUTBPS', id: 10, type: 'u64' },
  { name: 'PAD', id: 11, type: 'binary', padding: true },
]);

export const SERVICE_SET = defineSet('SERVICE', 'IPVS_SVC_ATTR_', [
  { name: 'AF', id: 1, type: 'u16' },
  { name: 'PROTOCOL', id: 2, type: 'u16' },
  { name: 'ADDR', id: 3, type: 'binary', maxLength: 16 },
  { name: 'PORT', id: 4, type: 'u16', byteOrder: 'network' },
  { name: 'FWMARK', id: 5, type: 'u32' },
  { name: 'SCHED_NAME', id: 6, type: 'string', maxLength: 16 },
  { name: 'FLAGS', id: 7, type: 'binary', length: 8 },
  { name: 'TIMEOUT', id: 8, type: 'u32' },
  // IPv4: mask bytes in network order; IPv6: prefix length in host order (ipvs-codec.ts).
  { name: 'NETMASK', id: 9, type: 'u32' },
  { name: 'STATS', id: 10, type: 'nested', nested: STATS_SET },
  { name: 'PE_NAME', id: 11, type: 'string', maxLength: 16 },
  { name: 'STATS64', id: 12, type: 'nested', nested: STATS64_SET },
]);

export const DEST_SET = defineSet('DEST', 'IPVS_DEST_ATTR_', [
  { name: 'ADDR', id: 1, type: 'binary', maxLength: 16 },
  { name: 'PORT', id: 2, type: 'u16', byteOrder: 'network' },
  { name: 'FWD_METHOD', id: 3, type: 'u32' },
  { name: 'WEIGHT', id: 4, type: 'u32' },
  { name: 'U_THRESH', id: 5, type: 'u32' },
  { name: 'L_THRESH', id: 6, type: 'u32' },
  { name: 'ACTIVE_CONNS', id: 7, type: 'u32' },
  { name: 'INACT_CONNS', id: 8, type: 'u32' },
  { name: 'PERSIST_CONNS', id: 9, type: 'u32' },
  { name: 'STATS', id: 10, type: 'nested', nested: STATS_SET },
  { name: 'ADDR_FAMILY', id: 11, type: 'u16' },
  { name: 'STATS64', id: 12, type: 'nested', nested: STATS64_SET },
  { name: 'TUN_TYPE', id: 13, type: 'u8' },
  { name: 'TUN_PORT', id: 14, type: 'u16', byteOrder: 'network' },
  { name: 'TUN_FLAGS', id: 15, type: 'u16' },
]);

export const DAEMON_SET = defineSet('DAEMON', 'IPVS_DAEMON_ATTR_', [
  { name: 'STATE', id: 1, type: 'u32' },
  { name: 'MCAST_IFN', id: 2, type: 'string', maxLength: 16 },
  { name: 'SYNC_ID', id: 3, type: 'u32' },
  { name: 'SYNC_MAXLEN', id: 4, type: 'u16' },
  { name: 'MCAST_GROUP', id: 5, type: 'binary', length: 4 },
  { name: 'MCAST_GROUP6', id: 6, type: 'binary', length: 16 },
  { name: 'MCAST_PORT', id: 7, type: 'u16' },
  { name: 'MCAST_TTL', id: 8, type: 'u8' },
]);

/** Top-level attributes of every IPVS command (the timeouts live here). */
export const COMMAND_SET = defineSet('IPVS_CMD', 'IPVS_CMD_ATTR_', [
  { name: 'SERVICE', id: 1, type: 'nested', nested: SERVICE_SET },
  { name: 'DEST', id: 2, type: 'nested', nested: DEST_SET },
  { name: 'DAEMON', id: 3, type: 'nested', nested: DAEMON_SET },
  { name: 'TIMEOUT_TCP', id: 4, type: 'u32' },
  { name: 'TIMEOUT_TCP_FIN', id: 5, type: 'u32' },
  { name: 'TIMEOUT_UDP', id: 6, type: 'u32' },
]);

/** Top-level attributes of the SET_INFO message that answers GET_INFO. */
export const INFO_SET = defineSet('IPVS_INFO', 'IPVS_INFO_ATTR_', [
  { name: 'VERSION', id: 1, type: 'u32' },
  { name: 'CONN_TAB_SIZE', id: 2, type: 'u32' },
]);

/** Controller (GENL_ID_CTRL) attributes we use. */
export const CTRL_SET = defineSet('CTRL', 'CTRL_ATTR_', [
  { name: 'FAMILY_ID', id: 1, type: 'u16' },
  { name: 'FAMILY_NAME', id: 2, type: 'string' },
  { name: 'VERSION', id: 3, type: 'u32' },
  { name: 'HDRSIZE', id: 4, type: 'u32' },
  { name: 'MAXATTR', id: 5, type: 'u32' },
]);
