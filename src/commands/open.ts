/**
 * Opening IPVS the way ipvsadm does: before the command line is looked at,
 * with one `/sbin/modprobe -- ip_vs` and a retry when the first attempt fails.
 */
import { constants } from 'os';
import type { IpvsApi } from '../netlink/api';
import { FamilyNotFoundError, KernelError, TransportError } from '../netlink/errors';
import type { Info } from '../ipvs/types';
import { kernelMessage } from '../messages';

export interface OpenedIpvs {
  api: IpvsApi;
  info: Info;
}

export type Opener = () => Promise<OpenedIpvs>;

/** Runs modprobe with inherited output; true when it exited normally with 0. */
export type ModuleLoader = () => boolean;

export const loadIpvsModule: ModuleLoader = () => {
  // Loaded here, not at the top: only a failed open needs it, and start-up counts.
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const result = spawnSync('/sbin/modprobe', ['--', 'ip_vs'], { stdio: 'inherit' });
  return result.error === undefined && result.status === 0;
};

/**
 * The reason ipvsadm gives when it cannot initialise. Without the netlink
 * family, 1.31 falls back to a raw socket and getsockopt: EPERM for a user
 * without privileges, ENOPROTOOPT when the kernel has no IPVS.
 */
export function openFailureReason(error: unknown, isPrivileged: boolean): string {
  const E = constants.errno;
  if (error instanceof FamilyNotFoundError) return kernelMessage('get-info', isPrivileged ? E.ENOPROTOOPT : E.EPERM);
  if (error instanceof KernelError) return kernelMessage('get-info', error.errno);
  if (error instanceof TransportError && error.errno !== undefined) return kernelMessage('get-info', error.errno);
  if (error instanceof Error) return error.message;
  return String(error);
}

export function openFailureMessage(reason: string): string {
  return `Can't initialize ipvs: ${reason}\nAre you sure that IP Virtual Server is built in the kernel or as module?\n`;
}

export async function openWithRetry(
  open: Opener,
  loadModule: ModuleLoader,
  isPrivileged: boolean,
): Promise<OpenedIpvs | { failure: string }> {
  try {
    return await open();
  } catch (first) {
    let last: unknown = first;
    if (loadModule()) {
      try {
        return await open();
      } catch (second) {
        last = second;
      }
    }
    return { failure: openFailureMessage(openFailureReason(last, isPrivileged)) };
  }
}
