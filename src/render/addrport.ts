/**
 * "addrport" text: `host:port`, with IPv6 hosts in brackets, either numeric or
 * with names from the resolver. Lookups for a whole listing are collected
 * first, deduplicated and run concurrently, so a listing of thousands of
 * services costs one lookup per distinct address rather than one per line.
 */
import type { NameResolver } from '../cli/names';
import { AF_INET6 } from '../ipvs/types';
import { protocolByValue, type Protocol } from '../ipvs/vocabulary';
import type { ServiceWithDestinations } from '../netlink/api';

/** ipvsadm builds the text in a 60-byte buffer: at most 59 characters survive. */
export const ADDRPORT_MAX_LENGTH = 59;

/** Lookups in flight at once; enough for DNS latency, not a flood. */
const DEFAULT_CONCURRENCY = 64;

/** The services-database protocol used for port names, or undefined (no names). */
export function portNameProtocol(protocol: number): Protocol['serviceName'] | undefined {
  return protocolByValue(protocol)?.serviceName;
}

/** Joins host and port the way ipvsadm does, including the 59-character cut. */
export function joinAddrPort(family: number, host: string, port: string): string {
  const text = family === AF_INET6 ? `[${host}]:${port}` : `${host}:${port}`;
  return text.length > ADDRPORT_MAX_LENGTH ? text.slice(0, ADDRPORT_MAX_LENGTH) : text;
}

/** Renders endpoints; `protocol` is the service's (0 for fwmark services: no port names). */
export interface AddrPortNamer {
  addrPort(family: number, address: string, port: number, protocol: number): string;
}

/** `-n`: addresses as given (already inet_ntop text), ports in decimal. */
export const numericNamer: AddrPortNamer = {
  addrPort(family, address, port) {
    return joinAddrPort(family, address, String(port));
  },
};

function hostKey(family: number, address: string): string {
  return `${family}/${address}`;
}

/** Names looked up ahead of rendering; port names are memoised on first use. */
export class ResolvedNamer implements AddrPortNamer {
  private readonly ports = new Map<string, string | undefined>();

  constructor(
    private readonly resolver: NameResolver,
    private readonly hosts: Map<string, string | undefined>,
  ) {}

  /** Looks up the endpoints not yet known, in one batch, before their lines are rendered. */
  async learn(endpoints: Iterable<Endpoint>): Promise<void> {
    const unknown = (function* (hosts: ReadonlyMap<string, unknown>): Generator<Endpoint> {
      for (const e of endpoints) if (!hosts.has(hostKey(e[0], e[1]))) yield e;
    })(this.hosts);
    for (const [key, name] of await resolveHosts(this.resolver, unknown)) this.hosts.set(key, name);
  }

  host(family: number, address: string): string | undefined {
    return this.hosts.get(hostKey(family, address));
  }

  portName(port: number, protocol: number): string | undefined {
    const proto = portNameProtocol(protocol);
    // getservbyport knows no port 0; skip the lookup rather than trust the database.
    if (proto === undefined || port === 0) return undefined;
    const key = `${proto}/${port}`;
    if (this.ports.has(key)) return this.ports.get(key);
    const name = this.resolver.portToService(port, proto);
    this.ports.set(key, name);
    return name;
  }

  addrPort(family: number, address: string, port: number, protocol: number): string {
    const host = this.host(family, address) ?? address;
    return joinAddrPort(family, host, this.portName(port, protocol) ?? String(port));
  }
}

/** An address to look up: [family, inet_ntop text]. */
export type Endpoint = readonly [family: number, address: string];

/**
 * Reverse-resolves every distinct endpoint with at most `concurrency` lookups
 * in flight. A failed lookup counts as "no name", as with gethostbyaddr.
 */
export async function resolveHosts(
  resolver: NameResolver,
  endpoints: Iterable<Endpoint>,
  concurrency = DEFAULT_CONCURRENCY,
): Promise<Map<string, string | undefined>> {
  const pending = new Map<string, Endpoint>();
  for (const endpoint of endpoints) {
    const key = hostKey(endpoint[0], endpoint[1]);
    if (!pending.has(key)) pending.set(key, endpoint);
  }
  const result = new Map<string, string | undefined>();
  const queue = [...pending.entries()];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const [key, [family, address]] = queue[next++];
      let name: string | undefined;
      try {
        name = await resolver.addressToHost(family, address);
      } catch {
        name = undefined;
      }
      result.set(key, name || undefined);
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(Math.max(1, concurrency), queue.length); i++) workers.push(worker());
  await Promise.all(workers);
  return result;
}

/** The namer for a listing: numeric, or resolved for exactly these endpoints. */
export async function createNamer(
  numeric: boolean,
  resolver: NameResolver,
  endpoints: Iterable<Endpoint>,
): Promise<AddrPortNamer> {
  if (numeric) return numericNamer;
  return new ResolvedNamer(resolver, await resolveHosts(resolver, endpoints));
}

/**
 * Every address a listing may print, for one batch of reverse lookups.
 * Generated on demand: a numeric listing (-n) never asks.
 */
export function* listingEndpoints(table: readonly ServiceWithDestinations[]): Generator<Endpoint> {
  for (const { service, destinations } of table) {
    if (service.fwmark === 0) yield [service.family, service.address];
    for (const d of destinations) yield [d.family, d.address];
  }
}
