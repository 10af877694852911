/**
 * The generic netlink family "fou" (Foo over UDP, <linux/fou.h>): the UDP
 * ports on which the kernel takes encapsulated packets, as `ip fou` lists,
 * adds and deletes them. Pure Buffer <-> object code.
 */
import { AttributeReader, AttributeWriter } from './attributes';

export const FOU_GENL_NAME = 'fou';
export const FOU_GENL_VERSION = 1;

export const FOU_CMD = { ADD: 1, DEL: 2, GET: 3 } as const;

// enum FOU_ATTR_*
export const FOU_ATTR_PORT = 1; // be16
export const FOU_ATTR_AF = 2; // u8
export const FOU_ATTR_IPPROTO = 3; // u8
export const FOU_ATTR_TYPE = 4; // u8

// enum FOU_ENCAP_*
export const FOU_ENCAP_DIRECT = 1;
export const FOU_ENCAP_GUE = 2;

export interface FouPort {
  port: number;
  /** AF_INET or AF_INET6: the family of the UDP socket. */
  family: number;
  /** FOU_ENCAP_DIRECT or FOU_ENCAP_GUE. */
  encap: number;
}

/** FOU_CMD_ADD: port, family and encapsulation (GUE carries the inner protocol itself: no FOU_ATTR_IPPROTO). */
export function addPortAttributes(p: FouPort): Buffer {
  return new AttributeWriter(32).u16(FOU_ATTR_PORT, p.port, true).u8(FOU_ATTR_AF, p.family).u8(FOU_ATTR_TYPE, p.encap).finish();
}

/** FOU_CMD_DEL: the kernel finds the port by number and family. */
export function deletePortAttributes(p: Pick<FouPort, 'port' | 'family'>): Buffer {
  return new AttributeWriter(32).u16(FOU_ATTR_PORT, p.port, true).u8(FOU_ATTR_AF, p.family).finish();
}

/** One reply of a FOU_CMD_GET dump (its attribute area). */
export function readFouPort(data: Buffer, start: number, end: number): FouPort {
  const out: FouPort = { port: 0, family: 0, encap: 0 };
  const r = new AttributeReader(data, 'FOU_CMD_GET', start, end);
  while (r.next()) {
    if (r.type === FOU_ATTR_PORT) out.port = r.u16(true);
    else if (r.type === FOU_ATTR_AF) out.family = r.u8();
    else if (r.type === FOU_ATTR_TYPE) out.encap = r.u8();
  }
  r.check();
  return out;
}
