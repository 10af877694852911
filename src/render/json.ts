/**
 * `--json`: the listings, the save and the small listings as one JSON
 * document each (schema in ipvsadm(8), JSON OUTPUT). Words come from the
 * shared vocabulary, addresses are text, ports, weights and flags are
 * numbers, 64-bit counters are exact integers. The document does not depend
 * on the text format options (--stats, --rate, --exact, -n, ...): every key
 * is always there, so a consumer can rely on it; only --nosort changes the
 * order, as it does for the text.
 */
import type { ConnectionEntry } from '../commands/connections';
import type { Daemon, Destination, Info, Service, Stats, Timeouts } from '../ipvs/types';
import { AF_INET, AF_INET6, IP_VS_STATE_BACKUP, IP_VS_STATE_MASTER } from '../ipvs/types';
import {
  formatIpvsVersion,
  forwardingMethodOf,
  protocolByValue,
  tunnelChecksumByValue,
  tunnelTypeByValue,
} from '../ipvs/vocabulary';
import type { JsonValue } from '../json/write';
import type { ServiceWithDestinations } from '../netlink/api';
import { numberToIPv4 } from '../netlink/inet';
import { isOnePacket, isPersistent, isTunnel, schedFlagsText } from './fields';

type JsonObject = { [key: string]: JsonValue };

/** What a document is for: `live` listings carry counters, a `config` (-S) only what a rules file sets. */
export type ServiceDetail = 'live' | 'config';

export function familyWord(family: number): JsonValue {
  return family === AF_INET ? 'inet' : family === AF_INET6 ? 'inet6' : family;
}

function statsJson(stats: Stats | undefined): { stats: JsonObject; rate: JsonObject } {
  const s = stats ?? { conns: 0n, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 0n, inpps: 0n, outpps: 0n, inbps: 0n, outbps: 0n };
  return {
    stats: { conns: s.conns, inpkts: s.inpkts, outpkts: s.outpkts, inbytes: s.inbytes, outbytes: s.outbytes },
    rate: { cps: s.cps, inpps: s.inpps, outpps: s.outpps, inbps: s.inbps, outbps: s.outbps },
  };
}

function tunnelJson(d: Destination): JsonValue {
  if (!isTunnel(d)) return null;
  const checksum = tunnelChecksumByValue(d.tunnelFlags);
  return {
    type: tunnelTypeByValue(d.tunnelType)?.name ?? d.tunnelType,
    port: d.tunnelPort,
    checksum: checksum === undefined ? d.tunnelFlags : checksum.option.slice('tun-'.length),
  };
}

export function destinationJson(d: Destination, detail: ServiceDetail): JsonObject {
  const out: JsonObject = {
    family: familyWord(d.family),
    address: d.address,
    port: d.port,
    forwarding: forwardingMethodOf(d.fwdMethod)?.listName.toLowerCase() ?? null,
    weight: d.weight | 0,
    upperThreshold: d.upperThreshold >>> 0,
    lowerThreshold: d.lowerThreshold >>> 0,
    tunnel: tunnelJson(d),
  };
  if (detail === 'config') return out;
  return {
    ...out,
    activeConns: (d.activeConns ?? 0) >>> 0,
    inactiveConns: (d.inactiveConns ?? 0) >>> 0,
    persistentConns: (d.persistentConns ?? 0) >>> 0,
    ...statsJson(d.stats),
  };
}

function persistenceJson(s: Service): JsonValue {
  if (!isPersistent(s)) return null;
  return { timeout: s.timeout >>> 0, netmask: s.family === AF_INET ? numberToIPv4(s.netmask >>> 0) : s.netmask };
}

export function serviceJson(row: ServiceWithDestinations, detail: ServiceDetail): JsonObject {
  const s = row.service;
  const fwmark = s.fwmark !== 0;
  const flags = schedFlagsText(s.scheduler, s.flags);
  const out: JsonObject = {
    family: familyWord(s.family),
    protocol: fwmark ? null : (protocolByValue(s.protocol)?.serviceName ?? s.protocol),
    address: fwmark ? null : s.address,
    port: fwmark ? null : s.port,
    fwmark: fwmark ? s.fwmark >>> 0 : null,
    scheduler: s.scheduler,
    ...(detail === 'live' ? { flags: s.flags >>> 0 } : {}),
    schedulerFlags: flags === '' ? [] : flags.split(','),
    onePacket: isOnePacket(s),
    persistent: persistenceJson(s),
    pe: s.peName === '' ? null : s.peName,
  };
  const realServers = row.destinations.map((d) => destinationJson(d, detail));
  return detail === 'config' ? { ...out, realServers } : { ...out, ...statsJson(s.stats), realServers };
}

/** `-L --json`: `ipvs` only for a full listing (1.31 prints its banner then). */
export function listingJson(rows: readonly ServiceWithDestinations[], banner?: Info): JsonValue {
  const services = rows.map((r) => serviceJson(r, 'live'));
  return banner === undefined
    ? { services }
    : { ipvs: { version: formatIpvsVersion(banner.version), connTableSize: banner.connTabSize | 0 }, services };
}

/** `-S --json`: what a rules file sets, which `ipvsadm apply` reads back. */
export function saveJson(rows: readonly ServiceWithDestinations[]): JsonValue {
  return { services: rows.map((r) => serviceJson(r, 'config')) };
}

function endpoint(family: number, address: string, port: number): JsonObject {
  return { family: familyWord(family), address, port };
}

export function connectionJson(e: ConnectionEntry): JsonObject {
  return {
    protocol: e.protocol.toLowerCase(),
    expires: e.expires,
    state: e.state,
    client: endpoint(e.clientFamily, e.client, e.clientPort),
    virtual: endpoint(e.clientFamily, e.virtual, e.virtualPort),
    destination: endpoint(e.destinationFamily, e.destination, e.destinationPort),
    pe: e.fields === 11 ? { name: e.peName, data: e.peData } : null,
  };
}

export function connectionsJson(entries: readonly ConnectionEntry[]): JsonValue {
  return { connections: entries.map(connectionJson) };
}

export function timeoutsJson(t: Required<Timeouts>): JsonValue {
  return { timeouts: { tcp: t.tcp | 0, tcpFin: t.tcpFin | 0, udp: t.udp | 0 } };
}

export function daemonsJson(daemons: readonly Daemon[]): JsonValue {
  const out: JsonObject[] = [];
  const one = (state: string, d: Daemon): JsonObject => ({
    state,
    mcastInterface: d.mcastIfn,
    syncId: d.syncId | 0,
    // Old kernels send none of these; the kernel's zero means "not set" too.
    syncMaxlen: d.syncMaxlen || null,
    mcastGroup: d.mcastGroup || null,
    mcastPort: d.mcastPort || null,
    mcastTtl: d.mcastTtl || null,
  });
  for (const d of daemons) {
    if (d.state & IP_VS_STATE_MASTER) out.push(one('master', d));
    if (d.state & IP_VS_STATE_BACKUP) out.push(one('backup', d));
  }
  return { daemons: out };
}

/** The one object on stderr for any failure under --json: the classic message (without its last newline) and the status. */
export function errorJson(message: string, status: number): JsonValue {
  return { error: { message: message.replace(/\n$/, ''), status } };
}
