/**
 * The commands that change kernel state are data: each invocation becomes one
 * Change, which a single executor applies. --restore batches the same Changes.
 */
import type { Change, IpvsApi } from '../netlink/api';
import { DecodeError, KernelError, TimeoutError, TransportError } from '../netlink/errors';
import { serviceKey } from '../netlink/types';
import type { CommandName, Invocation } from '../cli/parse';
import { kernelMessage, type KernelOperation } from './kernel-messages';
import { constants } from 'os';
import { strerror } from './strerror';

/** The ipvsadm commands that map to exactly one kernel change. */
export const CHANGE_COMMANDS: ReadonlySet<CommandName> = new Set<CommandName>([
  'add-service',
  'edit-service',
  'delete-service',
  'flush',
  'add-server',
  'edit-server',
  'delete-server',
  'set',
  'start-daemon',
  'stop-daemon',
  'zero',
]);

export function isChangeCommand(command: CommandName): boolean {
  return CHANGE_COMMANDS.has(command);
}

/** The Change an invocation of a change command asks for. */
export function invocationToChange(inv: Invocation): Change {
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${inv.command}: parser produced no ${what}`);
    return value;
  };
  switch (inv.command) {
    case 'add-service':
      return { op: 'addService', service: need(inv.service, 'service') };
    case 'edit-service':
      return { op: 'editService', service: need(inv.service, 'service') };
    case 'delete-service':
      return { op: 'deleteService', key: serviceKey(need(inv.service, 'service')) };
    case 'flush':
      return { op: 'flush' };
    case 'add-server':
      return { op: 'addDestination', key: serviceKey(need(inv.service, 'service')), destination: need(inv.destination, 'destination') };
    case 'edit-server':
      return { op: 'editDestination', key: serviceKey(need(inv.service, 'service')), destination: need(inv.destination, 'destination') };
    case 'delete-server':
      return { op: 'deleteDestination', key: serviceKey(need(inv.service, 'service')), destination: need(inv.destination, 'destination') };
    case 'set':
      return { op: 'setTimeouts', timeouts: need(inv.timeouts, 'timeouts') };
    case 'start-daemon':
      return { op: 'startDaemon', daemon: need(inv.daemon, 'daemon') };
    case 'stop-daemon':
      return { op: 'stopDaemon', daemon: need(inv.daemon, 'daemon') };
    case 'zero':
      return { op: 'zero', key: inv.service ? serviceKey(inv.service) : undefined };
    default:
      throw new Error(`${inv.command} is not a change command`);
  }
}

const OPERATION_OF: Record<Change['op'], KernelOperation> = {
  addService: 'add-service',
  editService: 'edit-service',
  deleteService: 'delete-service',
  addDestination: 'add-server',
  editDestination: 'edit-server',
  deleteDestination: 'delete-server',
  flush: 'flush',
  zero: 'zero',
  setTimeouts: 'set-timeout',
  startDaemon: 'start-daemon',
  stopDaemon: 'stop-daemon',
};

export function changeOperation(change: Change): KernelOperation {
  return OPERATION_OF[change.op];
}

export function applyChange(api: IpvsApi, change: Change): Promise<void> {
  switch (change.op) {
    case 'addService':
      return api.addService(change.service);
    case 'editService':
      return api.editService(change.service);
    case 'deleteService':
      return api.deleteService(change.key);
    case 'addDestination':
      return api.addDestination(change.key, change.destination);
    case 'editDestination':
      return api.editDestination(change.key, change.destination);
    case 'deleteDestination':
      return api.deleteDestination(change.key, change.destination);
    case 'flush':
      return api.flush();
    case 'zero':
      return api.zero(change.key);
    case 'setTimeouts':
      return api.setTimeouts(change.timeouts);
    case 'startDaemon':
      return api.startDaemon(change.daemon);
    case 'stopDaemon':
      return api.stopDaemon(change.daemon);
  }
}

/**
 * The one-line explanation ipvsadm gives for a failed kernel operation. A reply
 * that could not be decoded counts as EINVAL, as in ipvsadm; failures ipvsadm
 * cannot have (timeouts, socket errors) get a plain description.
 */
export function failureText(operation: KernelOperation, error: unknown): string {
  if (error instanceof KernelError) return kernelMessage(operation, error.errno);
  if (error instanceof DecodeError) return kernelMessage(operation, constants.errno.EINVAL);
  if (error instanceof TimeoutError) return `ipvsadm: ${error.message}`;
  if (error instanceof TransportError) {
    return error.errno !== undefined ? kernelMessage(operation, error.errno) : `ipvsadm: ${error.message}`;
  }
  throw error;
}

