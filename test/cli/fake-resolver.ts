/**
 * A deterministic NameResolver for parser tests, holding the name data the
 * fact sheet's samples were taken with (section 13.0) plus a few services.
 */
import type { NameResolver } from '../../src/cli/names';

const HOSTS_V4: Record<string, string> = {
  localhost: '127.0.0.1',
  'vip1.example.com': '10.0.0.1',
  vip1: '10.0.0.1',
  'rs10.example.com': '10.0.0.10',
  rs11: '10.0.0.11',
  'a-very-long-hostname-for-testing-truncation.example.com': '10.0.0.77',
  'medium-length-name.example': '10.0.0.78',
};

/** Names that exist only with IPv6 addresses: gethostbyname finds nothing. */
const HOSTS_V6_ONLY = new Set(['vip6.example.com', 'rs6-10', 'a-very-long-ipv6-hostname-for-testing-truncation.example.com']);

// name, port, protocols, aliases (a slice of Debian's netbase)
const SERVICES: Array<[string, number, string[], string[]]> = [
  ['ftp', 21, ['tcp'], []],
  ['ssh', 22, ['tcp'], []],
  ['domain', 53, ['tcp', 'udp'], []],
  ['http', 80, ['tcp'], ['www']],
  ['https', 443, ['tcp', 'udp'], []],
  ['sip', 5060, ['tcp', 'udp'], []],
  ['ntp', 123, ['udp'], []],
];

export interface FakeResolver extends NameResolver {
  /** Every forward host lookup asked for, in order. */
  hostLookups: string[];
}

export function fakeResolver(): FakeResolver {
  const hostLookups: string[] = [];
  return {
    hostLookups,
    async hostToIPv4(name: string) {
      hostLookups.push(name);
      if (HOSTS_V6_ONLY.has(name)) return undefined;
      return HOSTS_V4[name];
    },
    async addressToHost() {
      return undefined;
    },
    serviceToPort(name: string, proto: string) {
      for (const [service, port, protos, aliases] of SERVICES) {
        if ((service === name || aliases.includes(name)) && protos.includes(proto)) return port;
      }
      return undefined;
    },
    portToService(port: number, proto: string) {
      for (const [service, p, protos] of SERVICES) if (p === port && protos.includes(proto)) return service;
      return undefined;
    },
  };
}
