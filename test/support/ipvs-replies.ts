/**
 * The kernel's side of IPVS: a service or a destination as a GET_SERVICE or
 * GET_DEST reply carries it, for round-trip and fuzz tests of the reply
 * decoders. A reply is the request block plus what only the kernel reports
 * (connection counters, statistics), so it reuses the codec's request
 * encoders.
 */
import { destinationFullEntries, encodeFlags, netmaskToWire, serviceKeyEntries } from '../../src/netlink/ipvs-codec';
import { STATS_FIELDS } from '../../src/netlink/stats-codec';
import type { EncodeEntries, EncodeValue } from '../../src/netlink/set-codec';
import type { Destination, Service, ServiceKey, Stats } from '../../src/ipvs/types';

type Entry = readonly [string, EncodeValue];

/** A STATS block (u32 counters, u64 byte counters: values cut to 32 bits) or a STATS64 block. */
function statsEntries(stats: Stats, width: 32 | 64): EncodeEntries {
  const entries: Entry[] = [];
  for (const [key, name] of STATS_FIELDS) {
    const narrow = width === 32 && name !== 'INBYTES' && name !== 'OUTBYTES';
    entries.push([name, narrow ? Number(BigInt.asUintN(32, stats[key])) : stats[key]]);
  }
  return { entries };
}

/** STATS, and STATS64 unless statsWidth is 32 (a kernel without STATS64). */
function statsBlocks(target: Service | Destination): Entry[] {
  if (!target.stats) return [];
  const blocks: Entry[] = [['STATS', statsEntries(target.stats, 32)]];
  if (target.statsWidth !== 32) blocks.push(['STATS64', statsEntries(target.stats, 64)]);
  return blocks;
}

function identityOf(svc: Service): ServiceKey {
  return svc.fwmark !== 0
    ? { family: svc.family, fwmark: svc.fwmark }
    : { family: svc.family, protocol: svc.protocol, address: svc.address, port: svc.port };
}

/** The SERVICE block of a GET_SERVICE reply. */
export function serviceReplyEntries(svc: Service): EncodeEntries {
  const entries: Entry[] = [...serviceKeyEntries(identityOf(svc)).entries, ['SCHED_NAME', svc.scheduler]];
  if (svc.peName !== '') entries.push(['PE_NAME', svc.peName]);
  entries.push(['FLAGS', encodeFlags(svc.flags)], ['TIMEOUT', svc.timeout]);
  entries.push(['NETMASK', netmaskToWire(svc.family, svc.netmask)]);
  entries.push(...statsBlocks(svc));
  return { entries, unknown: svc.unknown };
}

/** The DEST block of a GET_DEST reply; `withFamily` false plays a kernel older than 3.18 (no ADDR_FAMILY). */
export function destinationReplyEntries(dest: Destination, withFamily = true): EncodeEntries {
  const base = destinationFullEntries(dest).entries.filter(([n]) => n !== 'ADDR_FAMILY');
  const entries: Entry[] = [
    ...base,
    ['ACTIVE_CONNS', dest.activeConns ?? 0],
    ['INACT_CONNS', dest.inactiveConns ?? 0],
    ['PERSIST_CONNS', dest.persistentConns ?? 0],
  ];
  if (withFamily) entries.push(['ADDR_FAMILY', dest.family]);
  entries.push(...statsBlocks(dest));
  return { entries, unknown: dest.unknown };
}
