/**
 * ipvsadm's (operation, errno) -> message table. The first matching row wins;
 * where nothing matches, the C library's strerror() text is printed.
 */
import { constants } from 'os';
import { strerror } from './strerror';

const E = constants.errno;

/** The operations ipvsadm names when it explains a kernel error. */
export type KernelOperation =
  | 'add-service'
  | 'edit-service'
  | 'delete-service'
  | 'flush'
  | 'zero'
  | 'add-server'
  | 'edit-server'
  | 'delete-server'
  | 'set-timeout'
  | 'start-daemon'
  | 'stop-daemon'
  | 'get-info'
  | 'get-services'
  | 'get-service'
  | 'get-dests'
  | 'get-timeout'
  | 'get-daemon';

interface Row {
  operation: KernelOperation | 'any';
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

export function kernelMessage(operation: KernelOperation, errno: number): string {
  const row = ROWS.find((r) => r.errno === errno && (r.operation === operation || r.operation === 'any'));
  return row ? row.message : strerror(errno);
}
