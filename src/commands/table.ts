/**
 * The table as a listing reads it: one dump of the services, then each
 * service's destinations, read a few dumps ahead of whoever consumes them.
 * A renderer orders the services, asks for their rows in that order and
 * prints each as it comes, so a listing holds the services and the rows it
 * has not printed yet, never the whole table (160,000 servers are 160,000
 * objects, and every page of memory a process touches costs time too).
 */
import type { Destination, Service } from '../ipvs/types';
import { serviceKey } from '../ipvs/types';
import type { IpvsApi, ServiceWithDestinations } from '../netlink/api';
import { IP_VS_CONN_F_TUNNEL } from '../ipvs/kernel-values';
import { QueryError } from './results';
import { readServersFile, sameService, type FileService, type ServerColumns, type ServersFile } from './servers-file';

export interface Table {
  /** Every service, in kernel order. Throws QueryError. */
  services(): Promise<Service[]>;
  /**
   * Each of `services` (in any order, any of them) with its destinations in
   * kernel order, one row per service, in the order given, a batch of rows
   * at a time: the rows that are ready together (hundreds from
   * /proc/net/ip_vs, one from a dump). Each step of an async iteration costs
   * a few promises, and a listing of 16,000 services would make 16,000 of
   * them. Throws QueryError.
   */
  rows(services: readonly Service[]): AsyncIterable<readonly TableRow[]>;
}

/** A row of a table; one whose servers come from /proc/net/ip_vs offers them as numbers too. */
export interface TableRow extends ServiceWithDestinations {
  readonly servers?: ServerColumns;
}

/**
 * Destination dumps asked for ahead of the row being consumed. The transport
 * runs as many at once as it has dump sockets; the rest wait their turn with
 * their request ready, and at most this many rows are held unprinted.
 */
export const READ_AHEAD = 16;

/** Rows from /proc/net/ip_vs handed on in one batch, at most. */
export const FILE_BATCH = 256;

/** The live table of `api`. */
export function liveTable(api: IpvsApi, readAhead = READ_AHEAD): Table {
  return {
    services: () => readServices(api),
    rows: (services) => readRows(api, services, readAhead),
  };
}

/** The services; without their counters where the listing prints none. */
function readServices(api: IpvsApi, counters = true): Promise<Service[]> {
  return api.services(counters ? undefined : { counters: false }).catch((error: unknown) => {
    throw new QueryError('get-services', error);
  });
}

/** Whether a service's servers must be dumped all the same (the file lacks what the caller needs of them). */
type MustDump = (file: ServersFile, service: FileService) => boolean;

/** Times the services are dumped and the servers file read before the table is dumped service by service instead. */
export const SERVERS_FILE_ATTEMPTS = 2;

/**
 * The live table with every server read from /proc/net/ip_vs
 * (servers-file.ts) in one go, for the listing whose server lines need no
 * more than it says: the plain `-L`. A service takes its servers from the
 * file where placesInFile finds it there; the others, and those `mustDump`
 * picks, are dumped one by one as liveTable does. When the two reads cannot
 * be matched after SERVERS_FILE_ATTEMPTS tries, or the file cannot be read,
 * every service is dumped.
 */
export function serversFileTable(
  api: IpvsApi,
  serversFileChunks: () => Iterable<Uint8Array>,
  readAhead = READ_AHEAD,
  mustDump: MustDump = () => false,
): Table {
  let file: ServersFile | undefined;
  let places: Map<Service, FileService> | undefined;
  return {
    services: async () => {
      let services: Service[] = [];
      for (let attempt = 0; attempt < SERVERS_FILE_ATTEMPTS; attempt++) {
        // Neither -L's plain layout nor -S prints a service's counters.
        services = await readServices(api, false);
        file = readFileOrNot(serversFileChunks);
        if (file === undefined) return services;
        places = placesInFile(services, file);
        if (places !== undefined) return services;
      }
      file = undefined;
      return services;
    },
    rows: (services) => (file && places ? rowsFromFile(api, services, file, places, readAhead, mustDump) : readRows(api, services, readAhead)),
  };
}

/**
 * -S: the servers from the file as well, but for services with a tunnelling
 * server, whose tunnel settings the file does not give: those are dumped. The
 * file names forwarding methods 4-7 Masq, so they are saved as -m here, where
 * 1.31 crashes and a save from dumps refuses them (ipvsadm.8, items c and j).
 */
export function savedTable(api: IpvsApi, serversFileChunks: () => Iterable<Uint8Array>, readAhead = READ_AHEAD): Table {
  return serversFileTable(api, serversFileChunks, readAhead, (file, service) => file.hasMethod(service, IP_VS_CONN_F_TUNNEL));
}

function readFileOrNot(chunks: () => Iterable<Uint8Array>): ServersFile | undefined {
  try {
    return readServersFile(chunks());
  } catch {
    return undefined;
  }
}

/**
 * Where in the file each dumped service's servers are, when the two reads
 * can be matched. Both come from the same walk of the kernel's tables, so
 * mostly the file names the dump's services one for one, in order; then
 * each takes its place, which also tells apart fwmark services of two
 * families with one mark (the file gives no family).
 *
 * Otherwise the file may name the dump's services in order with some left
 * out. A read() of it resumes by a position that counts the services of every
 * network namespace while the walk that finds that position counts only
 * this one's, so in a namespace whose neighbours have services the file
 * skips some of ours on every read (seen in the lab: 4,998 of 5,000); and a
 * service deleted after the dump is missing too (its dump then finds no
 * servers, as 1.31's does in that race). Then each service the file
 * names takes its servers from it and the others are dumped, unless the
 * dump names a service twice (it resumes by position too) or a fwmark is
 * shared by two families (those two are dumped). Anything else (a service
 * the dump does not have, another order): undefined, read both again.
 */
function placesInFile(services: readonly Service[], file: ServersFile): Map<Service, FileService> | undefined {
  const places = new Map<Service, FileService>();
  const named = file.services;
  if (services.length === named.length && services.every((s, i) => sameService(s, named[i]))) {
    services.forEach((s, i) => places.set(s, named[i]));
    return places;
  }
  if (services.length < named.length || hasRepeats(services)) return undefined;
  const sharedMarks = repeatedMarks(services);
  let next = 0;
  for (const service of services) {
    if (next === named.length || !sameService(service, named[next])) continue;
    if (!sharedMarks.has(service.fwmark)) places.set(service, named[next]);
    next++;
  }
  return next === named.length ? places : undefined;
}

/** Whether the dump names one service twice. */
function hasRepeats(services: readonly Service[]): boolean {
  const seen = new Set<string>();
  for (const s of services) {
    const key = s.fwmark !== 0 ? `${s.family} fwm ${s.fwmark >>> 0}` : `${s.family} ${s.protocol} ${s.address} ${s.port}`;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** The fwmarks of more than one service (one per family). */
function repeatedMarks(services: readonly Service[]): Set<number> {
  const marks = new Set<number>();
  const repeated = new Set<number>();
  for (const { fwmark } of services) {
    if (fwmark === 0) continue;
    if (marks.has(fwmark)) repeated.add(fwmark);
    marks.add(fwmark);
  }
  return repeated;
}

async function* rowsFromFile(
  api: IpvsApi,
  services: readonly Service[],
  file: ServersFile,
  places: Map<Service, FileService>,
  readAhead: number,
  mustDump: MustDump,
): AsyncGenerator<readonly TableRow[]> {
  const dumped = services.filter((service) => {
    const place = places.get(service);
    return place === undefined || mustDump(file, place);
  });
  // Dumped a few ahead, in the order they are asked for, as liveTable's rows are.
  const dumps = readRows(api, dumped, readAhead);
  const toDump = new Set(dumped);
  let batch: TableRow[] = [];
  for (const service of services) {
    if (toDump.has(service)) {
      if (batch.length > 0) yield batch;
      batch = [];
      yield (await dumps.next()).value as readonly TableRow[];
    } else {
      batch.push(new FileRow(service, file, places.get(service)!));
      if (batch.length === FILE_BATCH) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/** A row from the file: its servers made into Destinations only if asked for. */
class FileRow implements TableRow {
  private made: Destination[] | undefined;

  constructor(readonly service: Service, private readonly file: ServersFile, private readonly place: FileService) {}

  get destinations(): Destination[] {
    return (this.made ??= this.file.servers(this.place));
  }

  get servers(): ServerColumns {
    return this.file.columns(this.place);
  }
}

/** Each service's row from its own dump, a batch of one. */
async function* readRows(api: IpvsApi, services: readonly Service[], readAhead: number): AsyncGenerator<readonly ServiceWithDestinations[]> {
  const ahead: Promise<Destination[]>[] = [];
  let asked = 0;
  const askAhead = (): void => {
    while (asked < services.length && ahead.length < readAhead) {
      const dump = api.destinations(serviceKey(services[asked++]));
      // A consumer that stops early leaves these to finish unobserved.
      dump.catch(() => undefined);
      ahead.push(dump);
    }
  };
  for (const service of services) {
    askAhead();
    let destinations: Destination[];
    try {
      destinations = await ahead.shift()!;
    } catch (error) {
      throw new QueryError('get-dests', error);
    }
    yield [{ service, destinations }];
  }
}

/** A table already read (`-L -t ...`: one service, asked for apart). */
export function fixedTable(rows: readonly ServiceWithDestinations[]): Table {
  const destinationsOf = new Map(rows.map((r) => [r.service, r.destinations]));
  return {
    services: async () => rows.map((r) => r.service),
    rows: async function* (services) {
      yield services.map((service) => ({ service, destinations: destinationsOf.get(service) ?? [] }));
    },
  };
}

/** Every row, services in kernel order; a failed query throws its QueryError. */
export async function collect(table: Table): Promise<ServiceWithDestinations[]> {
  const rows: ServiceWithDestinations[] = [];
  for await (const batch of table.rows(await table.services())) {
    for (const { service, destinations } of batch) rows.push({ service, destinations });
  }
  return rows;
}
