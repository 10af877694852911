/**
 * Reading the live table an apply plans from.
 *
 * IPVS hands a service dump over in pieces and resumes each piece by
 * position, without ever flagging a change in between (no NLM_F_DUMP_INTR).
 * A service added or deleted anywhere in the table between two pieces makes
 * the dump repeat or skip another one. A plan made from a read that skipped
 * a service the file removes would leave it in place and still report
 * success; one that skipped a service the file keeps would add it again and
 * be refused.
 *
 * So the services in scope are dumped again once their servers are read, and
 * the read stands only when the two dumps name the same services with the
 * same settings (a service repeated with the same settings counts once).
 * Otherwise apply reads again, up to LIVE_READS reads. Two dumps that skip
 * the same service are not impossible, but a skip needs a change at the
 * right moment, and both would need one.
 *
 * A read after the first reads the servers only of the services it has not
 * read with the same settings. Two dumps agree only when no other writer
 * changed the services in scope between them, so the shorter that stretch,
 * the sooner a read stands: reading every server again (300 to 700 ms for
 * 500 services in the lab) let a restore stream fed in bursts 180 ms apart
 * change the table under all ten reads, where two dumps and a few new
 * services' servers (10 to 100 ms) fit between two bursts. Servers read in
 * an earlier read are as old as that read; a change to them since counts as
 * one made after apply read the table, like one made while it plans.
 *
 * Between two reads apply waits, twice as long each time (READ_PAUSES_MS,
 * about 4.6 s in all), and starts the next read with a dump of its own: a
 * writer that works in bursts longer than ten reads (keepalived reloading
 * thousands of services, a restore at boot) leaves a gap within the waits,
 * where ten reads back to back would all have fallen inside one burst.
 * A program that stops on a signal is asked before and after each wait,
 * and its pause ends as the signal comes: a signal stops the reading at
 * once, not after a wait of up to a second and one more read.
 *
 * Only the servers of services in scope are read: no other is ever planned,
 * and an apply confined to a few services of a large table reads no more.
 */
import { serviceKey, type Service } from '../../ipvs/types';
import type { IpvsApi, ServiceWithDestinations } from '../../netlink/api';
import { sameService } from './plan';
import { serviceId } from './rules';
import { withinScopes, type Scope } from './scope';

/** How many reads an apply makes before it gives up on a table that keeps changing. */
export const LIVE_READS = 10;

/** The wait before each read after the first, in milliseconds. */
export const READ_PAUSES_MS: readonly number[] = Array.from({ length: LIVE_READS - 1 }, (_, i) => Math.min(25 * 2 ** i, 1000));

/** How reads are spaced: a wait (which a signal may end early), and whether to stop reading (a signal came). */
export interface ReadPacing {
  pause(ms: number): Promise<void>;
  stopped(): boolean;
}

const BACK_TO_BACK: ReadPacing = { pause: async () => undefined, stopped: () => false };

export type LiveRead =
  | { settled: true; table: ServiceWithDestinations[] }
  | { settled: false; reads: number };

async function servicesInScope(api: IpvsApi, scopes: readonly Scope[]): Promise<Service[]> {
  return (await api.services()).filter((service) => withinScopes(scopes, service));
}

/**
 * A dump's services by identity. A repeat with the same settings is the same
 * service listed twice and counts once; undefined when a repeat differs (the
 * service changed while the dump ran).
 */
function byIdentity(services: readonly Service[]): Map<string, Service> | undefined {
  const out = new Map<string, Service>();
  for (const service of services) {
    const id = serviceId(service);
    const seen = out.get(id);
    if (seen === undefined) out.set(id, service);
    else if (!sameService(seen, service)) return undefined;
  }
  return out;
}

/** Whether two dumps name the same services with the same settings. */
function agree(first: ReadonlyMap<string, Service> | undefined, second: ReadonlyMap<string, Service> | undefined): boolean {
  if (first === undefined || second === undefined || first.size !== second.size) return false;
  for (const [id, service] of second) {
    const was = first.get(id);
    if (was === undefined || !sameService(was, service)) return false;
  }
  return true;
}

/**
 * The services in scope with their servers, from a read two dumps agree on;
 * a failed dump throws. Unsettled after LIVE_READS reads, or when `pacing`
 * says to stop before or after a wait.
 */
export async function readLive(api: IpvsApi, scopes: readonly Scope[], pacing: ReadPacing = BACK_TO_BACK): Promise<LiveRead> {
  /** Each service's servers as last read, with the settings the service had in the dump they were read for. */
  const read = new Map<string, ServiceWithDestinations>();
  let services = byIdentity(await servicesInScope(api, scopes));
  for (let attempt = 1; ; attempt++) {
    const listed = [...(services?.values() ?? [])];
    const unread = listed.filter((service) => {
      const known = read.get(serviceId(service));
      return known === undefined || !sameService(known.service, service);
    });
    // The transport runs these over its dump pool; Promise.all keeps the order.
    const destinations = await Promise.all(unread.map((service) => api.destinations(serviceKey(service))));
    unread.forEach((service, i) => read.set(serviceId(service), { service, destinations: destinations[i] }));
    const again = byIdentity(await servicesInScope(api, scopes));
    if (agree(services, again)) {
      return { settled: true, table: listed.map((service) => ({ service, destinations: read.get(serviceId(service))!.destinations })) };
    }
    if (attempt === LIVE_READS || pacing.stopped()) return { settled: false, reads: attempt };
    await pacing.pause(READ_PAUSES_MS[attempt - 1]);
    if (pacing.stopped()) return { settled: false, reads: attempt };
    services = byIdentity(await servicesInScope(api, scopes));
  }
}
