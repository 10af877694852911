/**
 * The ipvsadm commands that change kernel state are data: each invocation
 * becomes one Change, which IpvsApi.apply carries out (a single command line
 * as a batch of one, --restore as a batch of many).
 */
import type { Change } from '../ipvs/change';
import { serviceKey } from '../ipvs/types';
import type { CommandName, Invocation } from '../cli/parse';

function need<T>(inv: Invocation, value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${inv.command}: parser produced no ${what}`);
  return value;
}

const service = (inv: Invocation) => need(inv, inv.service, 'service');
const destination = (inv: Invocation) => need(inv, inv.destination, 'destination');

/** For each command that maps to exactly one change, how it does. */
const CHANGE_OF: Partial<Record<CommandName, (inv: Invocation) => Change>> = {
  'add-service': (inv) => ({ kind: 'add-service', service: service(inv) }),
  'edit-service': (inv) => ({ kind: 'edit-service', service: service(inv) }),
  'delete-service': (inv) => ({ kind: 'delete-service', service: serviceKey(service(inv)) }),
  flush: () => ({ kind: 'flush' }),
  'add-server': (inv) => ({ kind: 'add-server', service: serviceKey(service(inv)), destination: destination(inv) }),
  'edit-server': (inv) => ({ kind: 'edit-server', service: serviceKey(service(inv)), destination: destination(inv) }),
  'delete-server': (inv) => ({ kind: 'delete-server', service: serviceKey(service(inv)), destination: destination(inv) }),
  set: (inv) => ({ kind: 'set-timeout', timeouts: need(inv, inv.timeouts, 'timeouts') }),
  'start-daemon': (inv) => ({ kind: 'start-daemon', daemon: need(inv, inv.daemon, 'daemon') }),
  'stop-daemon': (inv) => ({ kind: 'stop-daemon', daemon: need(inv, inv.daemon, 'daemon') }),
  zero: (inv) => ({ kind: 'zero', service: inv.service ? serviceKey(inv.service) : undefined }),
};

/** The Change an invocation asks for, or undefined when its command changes nothing. */
export function changeOf(inv: Invocation): Change | undefined {
  return CHANGE_OF[inv.command]?.(inv);
}
