/**
 * Changes of kernel state, each named as ipvsadm names the operation in its
 * messages ("add-server", "set-timeout"): one vocabulary from the command
 * line to the kernel. IpvsApi.apply is the only way a change reaches the
 * kernel; the netlink client encodes each kind through one table
 * (src/netlink/changes.ts).
 */
import type { Daemon, Destination, Service, ServiceKey, Timeouts } from './types';

/** What identifies a real server within its service. */
export type DestinationKey = Pick<Destination, 'family' | 'address' | 'port'>;

/** What identifies a sync daemon to stop: its state, the rest optional. */
export type DaemonKey = Pick<Daemon, 'state'> & Partial<Daemon>;

export type Change =
  | { kind: 'add-service'; service: Service }
  | { kind: 'edit-service'; service: Service }
  | { kind: 'delete-service'; service: ServiceKey }
  | { kind: 'add-server'; service: ServiceKey; destination: Destination }
  | { kind: 'edit-server'; service: ServiceKey; destination: Destination }
  | { kind: 'delete-server'; service: ServiceKey; destination: DestinationKey }
  | { kind: 'flush' }
  | { kind: 'zero'; service?: ServiceKey }
  | { kind: 'set-timeout'; timeouts: Timeouts }
  | { kind: 'start-daemon'; daemon: Daemon }
  | { kind: 'stop-daemon'; daemon: DaemonKey };

export type ChangeKind = Change['kind'];
export type ChangeOf<K extends ChangeKind> = Extract<Change, { kind: K }>;

/** The queries ipvsadm names when it explains a kernel error. */
export type QueryKind = 'get-info' | 'get-services' | 'get-service' | 'get-dests' | 'get-timeout' | 'get-daemon';

/** Every operation a kernel error message can name. */
export type Operation = ChangeKind | QueryKind;

/** Outcome of one change of a batch: undefined on success, else the error. */
export type ChangeResult = Error | undefined;
