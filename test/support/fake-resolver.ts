/**
 * The one fake name resolver of the unit tests. It answers as the kernel lab
 * does: its hosts are the lab's /etc/hosts (HOSTS_FILE, also what the real
 * ipvsadm sees in the differential tests), and its services a slice of
 * Debian's netbase /etc/services covering every port and name the tests use.
 * It records every lookup, so tests can say which ones were made.
 */
import { HOSTS_FILE } from '../../scripts/lab/environment';
import type { NameResolver } from '../../src/cli/names';
import { AF_INET, AF_INET6 } from '../../src/ipvs/types';

interface HostEntry {
  family: number;
  address: string;
  /** The canonical name first, then the aliases. */
  names: string[];
}

const HOSTS: HostEntry[] = HOSTS_FILE.split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => {
    const [address, ...names] = line.trim().split(/\s+/);
    return { family: address.includes(':') ? AF_INET6 : AF_INET, address, names };
  });

// name, port, protocols, aliases
const SERVICES: Array<[string, number, string[], string[]]> = [
  ['tcpmux', 1, ['tcp'], []],
  ['ftp', 21, ['tcp'], []],
  ['ssh', 22, ['tcp'], []],
  ['telnet', 23, ['tcp'], []],
  ['domain', 53, ['tcp', 'udp'], []],
  ['tftp', 69, ['udp'], []],
  ['http', 80, ['tcp'], ['www']],
  ['ntp', 123, ['udp'], []],
  ['https', 443, ['tcp', 'udp'], []],
  ['sip', 5060, ['tcp', 'udp'], []],
  ['sip-tls', 5061, ['tcp', 'udp'], []],
  ['mdns', 5353, ['udp'], []],
  ['amqp', 5672, ['tcp', 'sctp'], []],
  ['http-alt', 8080, ['tcp'], []],
  ['tproxy', 8081, ['tcp'], []],
];

export interface FakeResolver extends NameResolver {
  /** Every forward host lookup, as the name asked for. */
  readonly hostLookups: string[];
  /** Every reverse host lookup, as "family/address". */
  readonly reverseLookups: string[];
  /** Every port name lookup, as "port/proto". */
  readonly portLookups: string[];
}

/** A fresh resolver with empty lookup logs. Its methods are own properties, so `{ ...r, hostToIPv4 }` works. */
export function fakeResolver(): FakeResolver {
  const hostLookups: string[] = [];
  const reverseLookups: string[] = [];
  const portLookups: string[] = [];
  return {
    hostLookups,
    reverseLookups,
    portLookups,
    // gethostbyname: IPv4 only, so names with only IPv6 addresses are not found.
    async hostToIPv4(name: string) {
      hostLookups.push(name);
      return HOSTS.find((h) => h.family === AF_INET && h.names.includes(name))?.address;
    },
    async addressToHost(family: number, address: string) {
      reverseLookups.push(`${family}/${address}`);
      return HOSTS.find((h) => h.family === family && h.address === address)?.names[0];
    },
    serviceToPort(name: string, proto: string) {
      const found = SERVICES.find(([n, , protos, aliases]) => (n === name || aliases.includes(name)) && protos.includes(proto));
      return found?.[1];
    },
    portToService(port: number, proto: string) {
      portLookups.push(`${port}/${proto}`);
      return SERVICES.find(([, p, protos]) => p === port && protos.includes(proto))?.[0];
    },
  };
}
