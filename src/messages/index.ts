/**
 * What ipvsadm says when something fails: its (operation, errno) -> message
 * table, where the first matching row wins and otherwise the C library's
 * strerror() text is printed; and the one line for any failure of a kernel
 * operation, including those 1.31 cannot have (timeouts, socket errors).
 */
import { constants } from 'os';
import type { Operation } from '../ipvs/change';
import { DecodeError, KernelError, TimeoutError, TransportError } from '../netlink/errors';
import { strerror } from './strerror';

export { strerror } from './strerror';

const E = constants.errno;

interface Row {
  operation: Operation | 'any';
  errno: number;
  message: string;
}

const ROWS: readonly Row[] = [
  { operation: 'add-service', errno: E.EEXIST, message: 'Service already exists' },
  { operation: 'add-service', errno: E.ENOENT, message: 'Scheduler or persistence engine not found' },
  { operation: 'edit-service', errno: E.ESRCH, message: 'No such service' },
  { operation: 'edit-service', errno: E.ENOENT, message: 'Scheduler or persistence engine not found' },
  { operation: 'delete-service', errno: E.ESRCH, message: 'No such service' },
  { operation: 'zero', errno: E.ESRCH, message: 'No such service' },
  { operation: 'add-server', errno: E.ESRCH, message: 'Service not defined' },
  { operation: 'add-server', errno: E.EEXIST, message: 'Destination already exists' },
  { operation: 'edit-server', errno: E.ESRCH, message: 'Service not defined' },
  { operation: 'edit-server', errno: E.ENOENT, message: 'No such destination' },
  { operation: 'delete-server', errno: E.ESRCH, message: 'Service not defined' },
  { operation: 'delete-server', errno: E.ENOENT, message: 'No such destination' },
  { operation: 'start-daemon', errno: E.EEXIST, message: 'Daemon has already run' },
  { operation: 'stop-daemon', errno: E.ESRCH, message: 'No daemon is running' },
  { operation: 'get-services', errno: E.ESRCH, message: 'No such service' },
  { operation: 'get-service', errno: E.ESRCH, message: 'No such service' },
  { operation: 'get-dests', errno: E.ESRCH, message: 'No such service' },
  { operation: 'any', errno: E.EPERM, message: 'Permission denied (you must be root)' },
  {
    operation: 'any',
    errno: E.EINVAL,
    message: 'Invalid operation.  Possibly wrong module version, address not unicast, ...',
  },
  { operation: 'any', errno: E.ENOPROTOOPT, message: 'Protocol not available' },
  { operation: 'any', errno: E.ENOMEM, message: 'Memory allocation problem' },
  { operation: 'any', errno: E.EOPNOTSUPP, message: 'Operation not supported with IPv6' },
  { operation: 'any', errno: E.EAFNOSUPPORT, message: 'Operation not supported with specified address family' },
  { operation: 'any', errno: E.EMSGSIZE, message: 'Module is wrong version' },
];

export function kernelMessage(operation: Operation, errno: number): string {
  const row = ROWS.find((r) => r.errno === errno && (r.operation === operation || r.operation === 'any'));
  return row ? row.message : strerror(errno);
}

/**
 * The one-line explanation ipvsadm gives for a failed kernel operation. A reply
 * that could not be decoded counts as EINVAL, as in ipvsadm; failures ipvsadm
 * cannot have (timeouts, socket errors) get a plain description.
 */
export function failureText(operation: Operation, error: unknown): string {
  if (error instanceof KernelError) return kernelMessage(operation, error.errno);
  if (error instanceof DecodeError) return kernelMessage(operation, E.EINVAL);
  if (error instanceof TimeoutError) return `ipvsadm: ${error.message}`;
  if (error instanceof TransportError) {
    return error.errno !== undefined ? kernelMessage(operation, error.errno) : `ipvsadm: ${error.message}`;
  }
  throw error;
}

/** The line that ends the program when its output cannot be written. */
export function writeErrorMessage(errno: number): string {
  return `ipvsadm: write error: ${strerror(errno)}\n`;
}
