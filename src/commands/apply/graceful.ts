/**
 * Removing real servers without breaking the connections they carry. IPVS
 * drops the packets of a connection whose real server is deleted (unless
 * net.ipv4.vs.expire_nodest_conn says otherwise, which breaks it too), so a
 * request in flight to a server that a reload removes would fail. apply
 * therefore sets every server it is about to remove (and every server of a
 * service it is about to remove) to weight 0 in its batch, so no new
 * connection goes there, and deletes them only once none of their
 * connections is in flight, or when the grace period is over.
 *
 * In flight means a TCP or SCTP connection the IPVS connection table
 * (/proc/net/ip_vs_conn) holds in a state other than a closed one. UDP has
 * no such state (an entry lives on for its timeout after the last datagram),
 * so UDP servers are not waited for.
 */
import type { Change } from '../../ipvs/change';
import { serviceKey, type Destination, type Service } from '../../ipvs/types';
import { formatIPv6, numberToIPv4, parseIPv6 } from '../../netlink/inet';
import type { PlanStep } from './plan';

/** A server about to be removed, with its service. */
export interface Removal {
  service: Service;
  server: Destination;
}

/** The states in which a connection carries nothing more that must reach its server. */
const CLOSED_STATES: Readonly<Record<string, ReadonlySet<string>>> = {
  TCP: new Set(['TIME_WAIT', 'CLOSE']),
  SCTP: new Set(['CLOSED', 'REJECTED']),
};

export function isRemoval(step: PlanStep): boolean {
  return step.change.kind === 'delete-server' || step.change.kind === 'delete-service';
}

/** The servers the removal steps take away, each with the service it belongs to. */
export function removalsOf(steps: readonly PlanStep[]): Removal[] {
  const out: Removal[] = [];
  for (const step of steps) {
    const c = step.change;
    if (c.kind === 'delete-server') out.push({ service: step.service, server: c.destination as Destination });
    if (c.kind === 'delete-service') {
      // The undo of a service's removal adds back each of its servers as it was.
      for (const u of step.undo) if (u.kind === 'add-server') out.push({ service: step.service, server: u.destination });
    }
  }
  return out;
}

/** Weight 0 for each server about to be removed (those at 0 already need nothing), each undone by its old weight. */
export function quiesceSteps(removals: readonly Removal[]): PlanStep[] {
  return removals
    .filter((r) => r.server.weight !== 0)
    .map(({ service, server }) => {
      const key = serviceKey(service);
      const change: Change = { kind: 'edit-server', service: key, destination: { ...server, weight: 0 } };
      return { change, undo: [{ kind: 'edit-server', service: key, destination: server }], service };
    });
}

/** A connection in flight, as much of it as matters here. */
export interface LiveConnection {
  virtual: string;
  virtualPort: number;
  destination: string;
  destinationPort: number;
}

/**
 * The connections in flight, read from /proc/net/ip_vs_conn's text. The
 * table can hold hundreds of thousands of entries, most of them closed or
 * UDP, and it is read several times a second while servers are let go: one
 * pattern picks the TCP and SCTP lines, and only those not in a closed state
 * are taken apart (the listing's exact parser, which models ipvsadm's fgets
 * and sscanf, is for -L -c).
 */
export function liveConnections(procText: string): LiveConnection[] {
  const out: LiveConnection[] = [];
  const line = /^(TCP|SCTP) +(\S+) +(\S+) +(\S+) +([0-9A-Fa-f]+) +(\S+) +([0-9A-Fa-f]+) +(\S+)/gm;
  for (let m = line.exec(procText); m !== null; m = line.exec(procText)) {
    if (CLOSED_STATES[m[1]].has(m[8])) continue;
    const virtual = procAddress(m[4]);
    const destination = procAddress(m[6]);
    if (virtual === undefined || destination === undefined) continue;
    out.push({ virtual, virtualPort: parseInt(m[5], 16), destination, destinationPort: parseInt(m[7], 16) });
  }
  return out;
}

/** An address as /proc/net/ip_vs_conn writes it (8 hex digits, or IPv6 in full) in the form the kernel's replies give. */
function procAddress(text: string): string | undefined {
  if (/^[0-9A-Fa-f]{8}$/.test(text)) return numberToIPv4(parseInt(text, 16));
  const v6 = parseIPv6(text);
  return v6 ? formatIPv6(v6) : undefined;
}

function carries(c: LiveConnection, r: Removal): boolean {
  if (c.destination !== r.server.address || c.destinationPort !== r.server.port) return false;
  // A firewall-mark service's connections name the packet's address, not the service's: any will do.
  if (r.service.fwmark !== 0) return true;
  return c.virtual === r.service.address && c.virtualPort === r.service.port;
}

/** The removals that still have a connection in flight. */
export function stillBusy(live: readonly LiveConnection[], removals: readonly Removal[]): Removal[] {
  return removals.filter((r) => live.some((c) => carries(c, r)));
}
