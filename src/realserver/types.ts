/**
 * What ipvsadm-realserver is asked to do, what it finds on the host, and the
 * changes between the two, as plain values. A Change is the one vocabulary
 * from the plan to the kernel, the dry-run text and the undo record.
 */
import type { Address, Link } from '../netlink/route-codec';
import type { FouPort } from '../netlink/fou-codec';

export type TunnelType = 'ipip' | 'gue' | 'gre';

export interface Vip {
  /** AF_INET or AF_INET6. */
  family: number;
  /** Canonical text (fd00::100, never fd00:0::100). */
  address: string;
}

export interface Common {
  dryRun: boolean;
  stateDir: string;
}

export type Invocation =
  | { kind: 'help' }
  | { kind: 'version' }
  | (Common & { kind: 'setup'; mode: 'dr'; vips: Vip[] })
  | (Common & { kind: 'setup'; mode: 'tun'; tunnel: TunnelType; port: number; vips: Vip[] })
  | (Common & { kind: 'undo' });

export type SetupInvocation = Extract<Invocation, { kind: 'setup' }>;

/** What the host looks like, as far as a plan needs to know. */
export interface HostState {
  links: readonly Link[];
  addresses: readonly Address[];
  /** Current values (trimmed) of the sysctls asked for; undefined when the file is missing. */
  sysctls: ReadonlyMap<string, string | undefined>;
  /** The fou ports; undefined when not asked for, or when the fou family is not registered. */
  fouPorts?: readonly FouPort[];
}

export interface AddressOnDevice {
  device: string;
  family: number;
  address: string;
  prefixLength: number;
}

export type Change =
  | { kind: 'load-module'; module: string }
  | { kind: 'link-up'; device: string }
  | { kind: 'link-down'; device: string }
  | ({ kind: 'add-address' } & AddressOnDevice)
  | ({ kind: 'delete-address' } & AddressOnDevice)
  /** `from` is undefined only in a dry run, for a device a module would create. */
  | { kind: 'sysctl'; name: string; from?: string; to: string }
  | { kind: 'add-fou'; port: number; family: number }
  | { kind: 'delete-fou'; port: number; family: number };

/** The changes an undo can revert, which are the ones the record keeps. */
export type RecordedChange = Extract<Change, { kind: 'link-up' | 'add-address' | 'sysctl' | 'add-fou' }>;

export function isRecorded(change: Change): change is RecordedChange {
  return change.kind === 'link-up' || change.kind === 'add-address' || change.kind === 'sysctl' || change.kind === 'add-fou';
}
