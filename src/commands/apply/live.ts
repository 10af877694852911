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
 * the read stands only when the two dumps agree and neither names a service
 * twice. Otherwise the second dump becomes the first of a new read, up to
 * LIVE_READS reads. Two dumps that skip the same service are not impossible,
 * but a skip needs a change at the right moment, and both would need one.
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
export const LIVE_READS = 5;

export type LiveRead =
  | { settled: true; table: ServiceWithDestinations[] }
  | { settled: false; reads: number };

async function servicesInScope(api: IpvsApi, scopes: readonly Scope[]): Promise<Service[]> {
  return (await api.services()).filter((service) => withinScopes(scopes, service));
}

/** Whether two dumps name the same services, each once, with the same settings. */
function agree(first: readonly Service[], second: readonly Service[]): boolean {
  if (first.length !== second.length) return false;
  const byId = new Map(first.map((service) => [serviceId(service), service] as const));
  if (byId.size !== first.length) return false;
  const seen = new Set<string>();
  for (const service of second) {
    const id = serviceId(service);
    const was = byId.get(id);
    if (was === undefined || seen.has(id) || !sameService(was, service)) return false;
    seen.add(id);
  }
  return true;
}

/** The services in scope with their servers, from a read two dumps agree on; a failed dump throws. */
export async function readLive(api: IpvsApi, scopes: readonly Scope[]): Promise<LiveRead> {
  let services = await servicesInScope(api, scopes);
  for (let read = 1; read <= LIVE_READS; read++) {
    // The transport runs these over its dump pool; Promise.all keeps the order.
    const destinations = await Promise.all(services.map((service) => api.destinations(serviceKey(service))));
    const again = await servicesInScope(api, scopes);
    if (agree(services, again)) return { settled: true, table: services.map((service, i) => ({ service, destinations: destinations[i] })) };
    services = again;
  }
  return { settled: false, reads: LIVE_READS };
}
