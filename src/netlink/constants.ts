/**
 * Kernel constants, named as in <linux/netlink.h>, <linux/genetlink.h> and
 * <linux/ip_vs.h> (with the common prefix dropped where a table groups them).
 */

// <linux/netlink.h>
export const NETLINK_ROUTE = 0;
export const NETLINK_GENERIC = 16;
export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;

export const NLM_F_REQUEST = 0x01;
export const NLM_F_ACK = 0x04;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
/** Modifiers of NEW requests (same bits as ROOT/MATCH/ATOMIC, which only GET requests use). */
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
/** Flags on NLMSG_ERROR acknowledgements. */
export const NLM_F_CAPPED = 0x100;
export const NLM_F_ACK_TLVS = 0x200;

export const NLA_HDRLEN = 4;
export const NLA_ALIGNTO = 4;
export const NLA_F_NESTED = 1 << 15;
export const NLA_F_NET_BYTEORDER = 1 << 14;
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

/** enum nlmsgerr_attrs: the two extended-ack attributes read (the others are skipped). */
export const NLMSGERR_ATTR_MSG = 1;
export const NLMSGERR_ATTR_OFFS = 2;

// <linux/genetlink.h>
export const GENL_HDRLEN = 4;
export const GENL_ID_CTRL = 16;
export const CTRL_CMD_GETFAMILY = 3;
// The controller's attributes (CTRL_ATTR_*) are an attribute set: CTRL_SET in schema.ts.

// <linux/ip_vs.h>
export const IPVS_GENL_NAME = 'IPVS';
export const IPVS_GENL_VERSION = 1;
/** IPVS version ipvsadm 1.31 was compiled against (shown by --version). */
export const IP_VS_VERSION_CODE = 0x010201;

// The values of service and destination fields (IP_VS_SVC_F_*, IP_VS_CONN_F_*,
// tunnel types and flags, name lengths) are domain facts: src/ipvs/kernel-values.ts.

/** enum IPVS_CMD_* (the kernel calls 12/13 SET_CONFIG/GET_CONFIG; they carry the timeouts). */
export const IPVS_CMD = {
  NEW_SERVICE: 1,
  SET_SERVICE: 2,
  DEL_SERVICE: 3,
  GET_SERVICE: 4,
  NEW_DEST: 5,
  SET_DEST: 6,
  DEL_DEST: 7,
  GET_DEST: 8,
  NEW_DAEMON: 9,
  DEL_DAEMON: 10,
  GET_DAEMON: 11,
  SET_CONFIG: 12,
  GET_CONFIG: 13,
  SET_INFO: 14,
  GET_INFO: 15,
  ZERO: 16,
  FLUSH: 17,
} as const;

const IPVS_CMD_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(IPVS_CMD).map(([name, value]) => [value, name]));

/** The kernel's name of a command (every request is labelled with it, for errors). */
export function ipvsCommandName(cmd: number): string {
  return IPVS_CMD_NAMES.get(cmd) ?? `CMD_${cmd}`;
}
