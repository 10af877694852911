// Generates the restore files of the benchmarks: what `ipvsadm-save -n`
// prints for a realistic table of TCP virtual services on 10.x addresses,
// each with masqueraded real servers on 10.x addresses. A table is built as a
// model first (tableModel) so that bench/change.ts can derive a changed copy.

export interface TableShape {
  services: number;
  dests: number;
}

const HOSTS_PER_SUBNET = 250; // .1 to .250 of each /24: no .0 or .255 addresses
const HOSTS_PER_SECOND_OCTET = HOSTS_PER_SUBNET * 256;

/** Second octet where virtual addresses (10.1.0.1, ...) and real servers (10.64.0.1, ...) start. */
export const VIP_SECOND_OCTET = 1;
export const RIP_SECOND_OCTET = 64;

/** The index-th host address of 10.<secondOctet>.0.0 onward, skipping .0 and .251-.255. */
export function hostAddress(secondOctet: number, index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new Error(`bad host index ${index}`);
  const second = secondOctet + Math.floor(index / HOSTS_PER_SECOND_OCTET);
  const third = Math.floor(index / HOSTS_PER_SUBNET) % 256;
  const fourth = 1 + (index % HOSTS_PER_SUBNET);
  if (second > 255) throw new Error(`host index ${index} does not fit in 10.${secondOctet}.0.0 onward`);
  return `10.${second}.${third}.${fourth}`;
}

export const SCHEDULERS = ['wlc', 'rr', 'wrr', 'lc'] as const;

export interface ModelDest {
  /** Real server address with port, e.g. 10.64.0.1:8080. */
  rip: string;
  weight: number;
}

export interface ModelService {
  /** The service as -S -n names it, e.g. `-t 10.1.0.1:80`. */
  id: string;
  scheduler: string;
  /** Persistence timeout in seconds, or 0 for none. */
  persistent: number;
  /** Port of its real servers (8080, or 8443 for the persistent :443 ones). */
  ripPort: number;
  dests: ModelDest[];
}

/**
 * Service `i` with `dests` real servers whose addresses are the host indexes
 * firstRip, firstRip + 1, ... of 10.64.0.0 onward. Most services are plain
 * web on :80; every fourth is :443 with persistence.
 */
export function serviceModel(i: number, dests: number, firstRip: number): ModelService {
  const https = i % 4 === 3;
  const ripPort = https ? 8443 : 8080;
  const s: ModelService = {
    id: `-t ${hostAddress(VIP_SECOND_OCTET, i)}:${https ? 443 : 80}`,
    scheduler: SCHEDULERS[i % SCHEDULERS.length],
    persistent: https ? 300 : 0,
    ripPort,
    dests: [],
  };
  for (let j = 0; j < dests; j++) {
    s.dests.push({ rip: `${hostAddress(RIP_SECOND_OCTET, firstRip + j)}:${ripPort}`, weight: 1 + ((i + j) % 5) });
  }
  return s;
}

/** The -A line and the -a lines of a service, as `ipvsadm -S -n` prints them. */
export function renderService(s: ModelService): string[] {
  const lines = [`-A ${s.id} -s ${s.scheduler}${s.persistent > 0 ? ` -p ${s.persistent}` : ''}`];
  for (const d of s.dests) lines.push(`-a ${s.id} -r ${d.rip} -m -w ${d.weight}`);
  return lines;
}

/** The whole file, newline-terminated; empty for no services. */
export function renderTable(services: readonly ModelService[]): string {
  const lines: string[] = [];
  for (const s of services) for (const l of renderService(s)) lines.push(l);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * `total` real servers spread over `services` services as evenly as possible:
 * each gets floor(total / services) or one more, the larger ones spaced
 * evenly through the table, and the counts add up to `total` exactly.
 */
export function spreadDests(services: number, total: number): number[] {
  if (!Number.isInteger(services) || services < 0) throw new Error(`bad service count ${services}`);
  if (!Number.isInteger(total) || total < 0) throw new Error(`bad destination count ${total}`);
  if (services === 0) {
    if (total !== 0) throw new Error(`${total} destinations need at least one service`);
    return [];
  }
  const base = Math.floor(total / services);
  const extra = total % services;
  const counts: number[] = [];
  for (let i = 0; i < services; i++) counts.push(base + (Math.floor(((i + 1) * extra) / services) - Math.floor((i * extra) / services)));
  return counts;
}

/** The table model: service i gets counts[i] real servers, addresses numbered through the table. */
export function tableModel(counts: readonly number[]): ModelService[] {
  const services: ModelService[] = [];
  let rip = 0;
  counts.forEach((n, i) => {
    services.push(serviceModel(i, n, rip));
    rip += n;
  });
  return services;
}

/** The restore lines of service `i` of a table of `dests` real servers per service. */
export function serviceLines(i: number, dests: number): string[] {
  return renderService(serviceModel(i, dests, i * dests));
}

/** The whole file of `services` x `dests`, newline-terminated; empty for zero services. */
export function restoreFile(shape: TableShape): string {
  if (!Number.isInteger(shape.services) || shape.services < 0) throw new Error(`bad service count ${shape.services}`);
  if (!Number.isInteger(shape.dests) || shape.dests < 0) throw new Error(`bad destination count ${shape.dests}`);
  return renderTable(tableModel(new Array<number>(shape.services).fill(shape.dests)));
}
