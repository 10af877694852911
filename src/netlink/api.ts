/**
 * What the commands need from the kernel, in ipvsadm's terms. The netlink
 * client implements it; command tests use an in-memory fake.
 */
import type { Change, ChangeResult } from '../ipvs/change';
import type { Daemon, Destination, Info, Service, ServiceKey, Timeouts } from '../ipvs/types';

export interface ServiceWithDestinations {
  service: Service;
  destinations: Destination[];
}

export interface IpvsApi {
  info(): Promise<Info>;

  /**
   * Dump of all services, in kernel order; with `counters: false`, without
   * their stats (the kernel sends them all the same; a listing that prints
   * none skips decoding them).
   */
  services(options?: { counters?: boolean }): Promise<Service[]>;
  /** One service (GET_SERVICE without dump); KernelError ESRCH when missing. */
  service(key: ServiceKey): Promise<Service>;
  /** Dump of one service's destinations, in kernel order (empty for a missing service). */
  destinations(key: ServiceKey): Promise<Destination[]>;
  /** All services with their destinations; destination dumps may run concurrently. */
  table(): Promise<ServiceWithDestinations[]>;
  timeouts(): Promise<Required<Timeouts>>;
  daemons(): Promise<Daemon[]>;

  /**
   * The only way to change kernel state. Sends the changes with as few writes
   * as possible and matches each acknowledgement to its change. Every change
   * is attempted (the kernel does not stop at a failed one); the result array
   * is parallel to the input.
   */
  apply(changes: readonly Change[]): Promise<ChangeResult[]>;

  close(): void;
}

/** Applies one change; rejects with the kernel's (or the encoder's) error. */
export async function applyOne(api: IpvsApi, change: Change): Promise<void> {
  const [error] = await api.apply([change]);
  if (error !== undefined) throw error;
}
