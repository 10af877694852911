/**
 * Current state + request -> the changes that differ, in the order they are
 * made. Pure: the host is read before and changed after, elsewhere.
 */
import { IFF_UP } from '../netlink/route-codec';
import { AF_INET } from '../ipvs/types';
import { FOU_ENCAP_GUE } from '../netlink/fou-codec';
import type { Change, HostState, RecordedChange, SetupInvocation } from './types';
import { FOU_MODULE, hostPrefixLength, requiredSysctls, targets } from './vips';

/** The modules to load before planning: those whose device (or generic netlink family) is missing. */
export function missingModules(inv: SetupInvocation, state: HostState): string[] {
  const out: string[] = [];
  for (const t of targets(inv)) {
    if (t.module && !state.links.some((l) => l.name === t.device) && !out.includes(t.module)) out.push(t.module);
  }
  if (inv.mode === 'tun' && inv.tunnel === 'gue' && state.fouPorts === undefined) out.push(FOU_MODULE);
  return out;
}

/**
 * The changes `inv` needs on a host in `state`: sysctls first (so that no ARP
 * reply for a VIP can leave between its address and its sysctls), then each
 * device up, its VIPs, and the fou port. A device that is still missing (in
 * a dry run, before its module is loaded) is taken as down and empty.
 */
export function planSetup(inv: SetupInvocation, state: HostState): Change[] {
  const changes: Change[] = [];
  for (const [name, to] of requiredSysctls(inv)) {
    const from = state.sysctls.get(name);
    if (from !== to) changes.push({ kind: 'sysctl', name, from, to });
  }
  for (const t of targets(inv)) {
    const link = state.links.find((l) => l.name === t.device);
    if (!link || !(link.flags & IFF_UP)) changes.push({ kind: 'link-up', device: t.device });
    for (const vip of t.vips) {
      const prefixLength = hostPrefixLength(vip.family);
      const present = link !== undefined && state.addresses.some((a) =>
        a.index === link.index && a.family === vip.family && a.address === vip.address && a.prefixLength === prefixLength);
      if (!present) changes.push({ kind: 'add-address', device: t.device, family: vip.family, address: vip.address, prefixLength });
    }
  }
  if (inv.mode === 'tun' && inv.tunnel === 'gue') {
    const present = state.fouPorts?.some((p) => p.port === inv.port && p.family === AF_INET && p.encap === FOU_ENCAP_GUE);
    if (!present) changes.push({ kind: 'add-fou', port: inv.port, family: AF_INET });
  }
  return changes;
}

/** The sysctls an undo of `record` has to read. */
export function recordedSysctls(record: readonly RecordedChange[]): string[] {
  return [...new Set(record.flatMap((c) => (c.kind === 'sysctl' ? [c.name] : [])))];
}

export interface UndoStep {
  change: Change;
  /** The record entry it reverts. */
  entry: number;
}

/**
 * Reverts `record` newest first; what is already as it was before (an
 * address gone, a link down, a sysctl back) needs no step. A sysctl is set
 * back to the value it had before this program first changed it.
 */
export function planUndo(record: readonly RecordedChange[], state: HostState): UndoStep[] {
  const steps: UndoStep[] = [];
  const sysctls = new Map(state.sysctls);
  for (let entry = record.length - 1; entry >= 0; entry--) {
    const c = record[entry];
    const link = 'device' in c ? state.links.find((l) => l.name === c.device) : undefined;
    switch (c.kind) {
      case 'add-address':
        if (link && state.addresses.some((a) =>
          a.index === link.index && a.family === c.family && a.address === c.address && a.prefixLength === c.prefixLength)) {
          steps.push({ entry, change: { ...c, kind: 'delete-address' } });
        }
        break;
      case 'link-up':
        if (link && link.flags & IFF_UP) steps.push({ entry, change: { kind: 'link-down', device: c.device } });
        break;
      case 'sysctl': {
        const now = sysctls.get(c.name);
        if (c.from !== undefined && now !== undefined && now !== c.from) {
          steps.push({ entry, change: { kind: 'sysctl', name: c.name, from: now, to: c.from } });
          sysctls.set(c.name, c.from);
        }
        break;
      }
      case 'add-fou':
        if (state.fouPorts?.some((p) => p.port === c.port && p.family === c.family)) {
          steps.push({ entry, change: { kind: 'delete-fou', port: c.port, family: c.family } });
        }
        break;
    }
  }
  return steps;
}
