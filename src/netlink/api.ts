/**
 * What the commands need from the kernel, in ipvsadm's terms. The netlink
 * client implements it; command tests use an in-memory fake.
 */
import type { Daemon, Destination, Info, Service, ServiceKey, Timeouts } from './types';

export interface ServiceWithDestinations {
  service: Service;
  destinations: Destination[];
}

/** One change in a batch; see IpvsApi.apply. */
export type Change =
  | { op: 'addService'; service: Service }
  | { op: 'editService'; service: Service }
  | { op: 'deleteService'; key: ServiceKey }
  | { op: 'addDestination'; key: ServiceKey; destination: Destination }
  | { op: 'editDestination'; key: ServiceKey; destination: Destination }
  | { op: 'deleteDestination'; key: ServiceKey; destination: Pick<Destination, 'family' | 'address' | 'port'> }
  | { op: 'flush' }
  | { op: 'zero'; key?: ServiceKey }
  | { op: 'setTimeouts'; timeouts: Timeouts }
  | { op: 'startDaemon'; daemon: Daemon }
  | { op: 'stopDaemon'; daemon: Pick<Daemon, 'state'> & Partial<Daemon> };

/** Outcome of one change of a batch: undefined on success, else the error. */
export type ChangeResult = Error | undefined;

export interface IpvsApi {
  info(): Promise<Info>;

  /** Dump of all services, in kernel order. */
  services(): Promise<Service[]>;
  /** One service (GET_SERVICE without dump); KernelError ESRCH when missing. */
  service(key: ServiceKey): Promise<Service>;
  /** Dump of one service's destinations, in kernel order (empty for a missing service). */
  destinations(key: ServiceKey): Promise<Destination[]>;
  /** All services with their destinations; destination dumps may run concurrently. */
  table(): Promise<ServiceWithDestinations[]>;

  addService(service: Service): Promise<void>;
  editService(service: Service): Promise<void>;
  deleteService(key: ServiceKey): Promise<void>;
  addDestination(key: ServiceKey, destination: Destination): Promise<void>;
  editDestination(key: ServiceKey, destination: Destination): Promise<void>;
  deleteDestination(key: ServiceKey, destination: Pick<Destination, 'family' | 'address' | 'port'>): Promise<void>;
  flush(): Promise<void>;
  zero(key?: ServiceKey): Promise<void>;

  timeouts(): Promise<Required<Timeouts>>;
  setTimeouts(timeouts: Timeouts): Promise<void>;

  daemons(): Promise<Daemon[]>;
  startDaemon(daemon: Daemon): Promise<void>;
  stopDaemon(daemon: Pick<Daemon, 'state'> & Partial<Daemon>): Promise<void>;

  /**
   * Sends many changes with as few writes as possible and matches each
   * acknowledgement to its change. Every change is attempted (the kernel does
   * not stop at a failed one); the result array is parallel to the input.
   */
  apply(changes: Change[]): Promise<ChangeResult[]>;

  close(): void;
}
