/**
 * The NameResolver backed by the system, matching what ipvsadm gets from
 * glibc with the usual nsswitch setup: services from /etc/services (first
 * match wins, names case-sensitive), hosts through getaddrinfo/getnameinfo
 * (so /etc/hosts and DNS both work). Lookups never throw and are bounded.
 */
import * as fs from 'fs';
import type { NameResolver } from './names';

export interface ServiceEntry {
  name: string;
  port: number;
  proto: string;
  aliases: string[];
}

/** The services(5) format: "name port/proto [aliases...] [# comment]". Malformed lines are skipped. */
export function parseServicesFile(text: string): ServiceEntry[] {
  const entries: ServiceEntry[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/#.*/, '');
    const [name, portProto, ...aliases] = line.split(/[ \t\r]+/).filter((f) => f !== '');
    if (!name || !portProto) continue;
    const m = /^([0-9]+)\/([^/]+)$/.exec(portProto);
    if (!m) continue;
    const port = Number(m[1]);
    if (port > 65535) continue;
    entries.push({ name, port, proto: m[2], aliases });
  }
  return entries;
}

export interface SystemResolverOptions {
  servicesPath?: string;
  /** Upper bound for one host lookup; a lookup that takes longer counts as "not found". */
  timeoutMs?: number;
  lookup?: (name: string) => Promise<string | undefined>;
  lookupService?: (address: string) => Promise<string | undefined>;
}

async function bounded<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Loaded when a name is first looked up: most commands never do (-n, or no addresses to print).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dns = (): typeof import('dns').promises => (require('dns') as typeof import('dns')).promises;
const defaultLookup = async (name: string) => (await dns().lookup(name, { family: 4 })).address;
// getnameinfo with NI_NAMEREQD: rejects when the address has no name.
const defaultLookupService = async (address: string) => (await dns().lookupService(address, 0)).hostname;

export function createSystemResolver(options: SystemResolverOptions = {}): NameResolver {
  const servicesPath = options.servicesPath ?? '/etc/services';
  const timeoutMs = options.timeoutMs ?? 10000;
  const lookup = options.lookup ?? defaultLookup;
  const lookupService = options.lookupService ?? defaultLookupService;
  let services: ServiceEntry[] | undefined;
  const serviceTable = (): ServiceEntry[] => {
    if (!services) {
      try {
        services = parseServicesFile(fs.readFileSync(servicesPath, 'utf8'));
      } catch {
        services = [];
      }
    }
    return services;
  };

  return {
    async hostToIPv4(name) {
      // gethostbyname answers digits-and-dots text and IPv6 literals itself, without asking anyone.
      if (name === '' || /^[0-9][0-9.]*$/.test(name) || name.includes(':')) return undefined;
      const address = await bounded(lookup(name), timeoutMs);
      return typeof address === 'string' ? address : undefined;
    },
    async addressToHost(_family, address) {
      const host = await bounded(lookupService(address), timeoutMs);
      return typeof host === 'string' && host !== '' ? host : undefined;
    },
    serviceToPort(name, proto) {
      const entry = serviceTable().find((e) => e.proto === proto && (e.name === name || e.aliases.includes(name)));
      return entry?.port;
    },
    portToService(port, proto) {
      return serviceTable().find((e) => e.proto === proto && e.port === port)?.name;
    },
  };
}

export const systemResolver: NameResolver = createSystemResolver();
