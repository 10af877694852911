/**
 * What differs between the netlink protocols this transport speaks: the
 * header a request carries after nlmsghdr, and how much of each reply's
 * payload is that header rather than what a reader reads.
 *
 * Generic netlink puts a genlmsghdr (command, version) before every set of
 * attributes, the same for every message. rtnetlink has no common header:
 * each message type has its own fixed struct (ifinfomsg, ifaddrmsg), so a
 * request's `attributes` is its whole payload and a reader gets the whole
 * payload of each reply, struct included.
 */
import { GENL_HDRLEN } from '../constants';
import { encodeGenlMessage, encodeMessage } from '../message';
import type { Request } from './exchange';

export interface MessageHeader {
  type: number;
  flags: number;
  seq: number;
}

export interface Framing {
  /** Bytes at the start of each reply's payload that readers do not see. */
  readonly replyHeaderBytes: number;
  /** One request as a message. */
  encode(header: MessageHeader, req: Request): Buffer;
}

/** Generic netlink: genlmsghdr with the request's command and the family's version. */
export function genericFraming(familyVersion: number): Framing {
  return {
    replyHeaderBytes: GENL_HDRLEN,
    encode: (header, req) => encodeGenlMessage(header, req.cmd, familyVersion, req.attributes),
  };
}

/** rtnetlink: the message type is the request (RTM_NEWADDR); its payload is written whole by the codec. */
export const routeFraming: Framing = {
  replyHeaderBytes: 0,
  encode: (header, req) => encodeMessage(header, req.attributes),
};
