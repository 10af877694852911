/**
 * The one table from a change kind to the netlink request that makes it, and
 * whether it must go to the kernel alone rather than in a batch.
 */
import type { Change, ChangeKind, ChangeOf } from '../ipvs/change';
import { requests, type IpvsRequest } from './ipvs-codec';

interface ChangeEncoding<K extends ChangeKind> {
  encode(change: ChangeOf<K>): IpvsRequest;
  /**
   * Sync daemon changes go one at a time: they are rare, and a daemon must
   * have run a moment before it can be stopped (see IpvsClient).
   */
  alone: boolean;
}

const CHANGES: { readonly [K in ChangeKind]: ChangeEncoding<K> } = {
  'add-service': { encode: (c) => requests.newService(c.service), alone: false },
  'edit-service': { encode: (c) => requests.setService(c.service), alone: false },
  'delete-service': { encode: (c) => requests.delService(c.service), alone: false },
  'add-server': { encode: (c) => requests.newDestination(c.service, c.destination), alone: false },
  'edit-server': { encode: (c) => requests.setDestination(c.service, c.destination), alone: false },
  'delete-server': { encode: (c) => requests.delDestination(c.service, c.destination), alone: false },
  flush: { encode: () => requests.flush(), alone: false },
  zero: { encode: (c) => requests.zero(c.service), alone: false },
  'set-timeout': { encode: (c) => requests.setTimeouts(c.timeouts), alone: false },
  'start-daemon': { encode: (c) => requests.newDaemon(c.daemon), alone: true },
  'stop-daemon': { encode: (c) => requests.delDaemon(c.daemon), alone: true },
};

function encodingOf<K extends ChangeKind>(change: ChangeOf<K>): ChangeEncoding<K> {
  return CHANGES[change.kind as K];
}

/** The request for a change; throws when it cannot be encoded (a malformed address, say). */
export function encodeChange(change: Change): IpvsRequest {
  return encodingOf(change).encode(change);
}

export function goesAlone(change: Change): boolean {
  return encodingOf(change).alone;
}
