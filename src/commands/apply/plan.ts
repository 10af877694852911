/**
 * The smallest change set from the live table to a rules file: services and
 * servers that are missing are added, those that differ are edited in place
 * (the kernel can edit every setting but the identity), those that are no
 * longer wanted are deleted. Never a flush, never a delete-and-re-add. Each
 * step carries the changes that undo it, taken from the live table, so an
 * apply the kernel refuses half-way can be rolled back exactly.
 */
import type { Change } from '../../ipvs/change';
import {
  IP_VS_CONN_F_FWD_MASK, IP_VS_CONN_F_TUNNEL, IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_PERSISTENT,
} from '../../ipvs/kernel-values';
import { serviceKey, type Destination, type Service, type ServiceKey } from '../../ipvs/types';
import { SCHED_FLAG_BITS } from '../../ipvs/vocabulary';
import type { ServiceWithDestinations } from '../../netlink/api';
import { destinationId, serviceId, type DesiredService } from './rules';
import { withinScopes, type Scope } from './scope';

export interface PlanStep {
  change: Change;
  /** Applied in order, these put back what `change` altered. */
  undo: Change[];
  /** The service a server change belongs to (for writing the step as a command line). */
  service: Service;
}

/** The service flags a rules file can set; the kernel owns the rest (hashed). */
const SETTABLE_FLAGS = IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET | SCHED_FLAG_BITS;

/** Whether two services agree on every setting a rules file can give. */
export function sameService(a: Service, b: Service): boolean {
  const flags = a.flags & SETTABLE_FLAGS;
  if (flags !== (b.flags & SETTABLE_FLAGS) || a.scheduler !== b.scheduler || a.peName !== b.peName) return false;
  // Timeout and granularity only mean something for a persistent service.
  return (flags & IP_VS_SVC_F_PERSISTENT) === 0 || (a.timeout === b.timeout && a.netmask === b.netmask);
}

function sameDestination(a: Destination, b: Destination): boolean {
  const method = a.fwdMethod & IP_VS_CONN_F_FWD_MASK;
  if (
    method !== (b.fwdMethod & IP_VS_CONN_F_FWD_MASK) ||
    a.weight !== b.weight ||
    a.upperThreshold !== b.upperThreshold ||
    a.lowerThreshold !== b.lowerThreshold
  ) {
    return false;
  }
  if (method !== IP_VS_CONN_F_TUNNEL) return true;
  return a.tunnelType === b.tunnelType && a.tunnelPort === b.tunnelPort && a.tunnelFlags === b.tunnelFlags;
}

/** The steps that turn `live` into `desired` within the scopes; empty when they agree. */
export function planChanges(
  desired: readonly DesiredService[],
  live: readonly ServiceWithDestinations[],
  scopes: readonly Scope[],
): PlanStep[] {
  const liveById = new Map<string, ServiceWithDestinations>();
  for (const entry of live) if (withinScopes(scopes, entry.service)) liveById.set(serviceId(entry.service), entry);
  const wanted = desired.filter((d) => withinScopes(scopes, d.service));
  const wantedIds = new Set(wanted.map((d) => serviceId(d.service)));

  const additions: PlanStep[] = [];
  const deletions: PlanStep[] = [];
  for (const { service, destinations } of wanted) {
    let key: ServiceKey | undefined;
    const keyOf = () => (key ??= serviceKey(service));
    const current = liveById.get(serviceId(service));
    if (!current) {
      additions.push({ change: { kind: 'add-service', service }, undo: [{ kind: 'delete-service', service: keyOf() }], service });
    } else if (!sameService(service, current.service)) {
      additions.push({ change: { kind: 'edit-service', service }, undo: [{ kind: 'edit-service', service: current.service }], service });
    }
    const liveDestinations = new Map((current?.destinations ?? []).map((d) => [destinationId(d), d] as const));
    // The live servers the file keeps (by object): the others are removed.
    const kept = new Set<Destination>();
    for (const destination of destinations) {
      const was = liveDestinations.get(destinationId(destination));
      if (!was) {
        additions.push({
          change: { kind: 'add-server', service: keyOf(), destination },
          undo: [{ kind: 'delete-server', service: keyOf(), destination }],
          service,
        });
        continue;
      }
      kept.add(was);
      if (!sameDestination(destination, was)) {
        additions.push({
          change: { kind: 'edit-server', service: keyOf(), destination },
          undo: [{ kind: 'edit-server', service: keyOf(), destination: was }],
          service,
        });
      }
    }
    for (const was of current?.destinations ?? []) {
      if (kept.has(was)) continue;
      deletions.push({
        change: { kind: 'delete-server', service: keyOf(), destination: was },
        undo: [{ kind: 'add-server', service: keyOf(), destination: was }],
        service: current!.service,
      });
    }
  }
  for (const [id, entry] of liveById) {
    if (wantedIds.has(id)) continue;
    const key = serviceKey(entry.service);
    deletions.push({
      change: { kind: 'delete-service', service: key },
      undo: [
        { kind: 'add-service', service: entry.service },
        ...entry.destinations.map((destination): Change => ({ kind: 'add-server', service: key, destination })),
      ],
      service: entry.service,
    });
  }
  return [...additions, ...deletions];
}
