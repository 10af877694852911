/**
 * Test data for the renderers: a resolver that answers like the sample guest
 * (its /etc/hosts from section 13.0 of the fact sheet and the Debian netbase
 * /etc/services entries the samples touch), and builders for domain objects.
 */
import type { NameResolver } from '../../src/cli/names';
import type { ServiceWithDestinations } from '../../src/netlink/api';
import type { Destination, Service, Stats } from '../../src/netlink/types';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from '../../src/netlink/types';

/** Section 13.0's hosts file: address -> canonical (first) name. */
const HOSTS: [number, string, string][] = [
  [AF_INET, '127.0.0.1', 'localhost'],
  [AF_INET, '10.0.0.1', 'vip1.example.com'],
  [AF_INET, '10.0.0.10', 'rs10.example.com'],
  [AF_INET, '10.0.0.11', 'rs11'],
  [AF_INET6, '2001:db8::1', 'vip6.example.com'],
  [AF_INET6, '2001:db8::10', 'rs6-10'],
  [AF_INET, '10.0.0.77', 'a-very-long-hostname-for-testing-truncation.example.com'],
  [AF_INET, '10.0.0.78', 'medium-length-name.example'],
  [AF_INET6, '2001:db8::77', 'a-very-long-ipv6-hostname-for-testing-truncation.example.com'],
];

/** Debian netbase /etc/services lines for every port the samples print (name port/proto). */
const SERVICES = `
tcpmux 1/tcp
telnet 23/tcp
domain 53/tcp
domain 53/udp
tftp 69/udp
http 80/tcp
https 443/tcp
https 443/udp
sip 5060/tcp
sip 5060/udp
sip-tls 5061/tcp
sip-tls 5061/udp
mdns 5353/udp
amqp 5672/tcp
amqp 5672/sctp
http-alt 8080/tcp
tproxy 8081/tcp
`;

export class FakeResolver implements NameResolver {
  readonly reverseLookups: string[] = [];
  readonly portLookups: string[] = [];
  private readonly hosts = new Map<string, string>();
  private readonly ports = new Map<string, string>();

  constructor(private readonly delayMs = 0) {
    for (const [family, address, name] of HOSTS) this.hosts.set(`${family}/${address}`, name);
    for (const line of SERVICES.trim().split('\n')) {
      const [name, spec] = line.split(' ');
      this.ports.set(spec, name);
    }
  }

  async hostToIPv4(name: string): Promise<string | undefined> {
    for (const [family, address, host] of HOSTS) if (family === AF_INET && host === name) return address;
    return undefined;
  }

  async addressToHost(family: number, address: string): Promise<string | undefined> {
    this.reverseLookups.push(`${family}/${address}`);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    return this.hosts.get(`${family}/${address}`);
  }

  serviceToPort(name: string, proto: string): number | undefined {
    for (const [spec, n] of this.ports) {
      const [port, p] = spec.split('/');
      if (n === name && p === proto) return Number(port);
    }
    return undefined;
  }

  portToService(port: number, proto: string): string | undefined {
    this.portLookups.push(`${port}/${proto}`);
    return this.ports.get(`${port}/${proto}`);
  }
}

export function stats(values: Partial<Record<keyof Stats, number | bigint>> = {}): Stats {
  const v = (k: keyof Stats) => BigInt(values[k] ?? 0);
  return {
    conns: v('conns'),
    inpkts: v('inpkts'),
    outpkts: v('outpkts'),
    inbytes: v('inbytes'),
    outbytes: v('outbytes'),
    cps: v('cps'),
    inpps: v('inpps'),
    outpps: v('outpps'),
    inbps: v('inbps'),
    outbps: v('outbps'),
  };
}

export const HASHED = 0x0002;

/**
 * A service from a short spec: "tcp 10.0.0.1:80", "udp [2001:db8::1]:53",
 * "sctp ...", "proto1 10.9.0.1:7", "fwm 5" or "fwm6 5".
 */
export function svc(spec: string, fields: Partial<Service> = {}): Service {
  const [kind, where] = spec.split(' ');
  const base: Service = {
    family: AF_INET,
    protocol: 0,
    address: '',
    port: 0,
    fwmark: 0,
    scheduler: 'wlc',
    peName: '',
    flags: HASHED,
    timeout: 0,
    netmask: 0xffffffff,
    stats: stats(),
    statsWidth: 64,
  };
  if (kind === 'fwm' || kind === 'fwm6') {
    base.fwmark = Number(where) >>> 0;
    if (kind === 'fwm6') {
      base.family = AF_INET6;
      base.netmask = 128;
    }
  } else {
    const protocols: Record<string, number> = { tcp: IPPROTO_TCP, udp: IPPROTO_UDP, sctp: IPPROTO_SCTP };
    base.protocol = protocols[kind] ?? Number(kind.replace('proto', ''));
    const ep = endpoint(where);
    base.family = ep.family;
    base.address = ep.address;
    base.port = ep.port;
    if (ep.family === AF_INET6) base.netmask = 128;
  }
  return { ...base, ...fields };
}

/** Persistence as ipvsadm -p sets it. */
export function persistent(timeout: number, netmask?: number): Partial<Service> {
  return { flags: HASHED | 0x0001, timeout, ...(netmask === undefined ? {} : { netmask }) };
}

export function endpoint(text: string): { family: number; address: string; port: number } {
  const v6 = /^\[(.*)\]:(\d+)$/.exec(text);
  if (v6) return { family: AF_INET6, address: v6[1], port: Number(v6[2]) };
  const [address, port] = text.split(':');
  return { family: AF_INET, address, port: Number(port) };
}

const FWD: Record<string, number> = { masq: 0, local: 1, tunnel: 2, route: 3 };

/** A destination: "10.0.0.9:80", forwarding "masq" | "local" | "tunnel" | "route" | a number. */
export function dest(where: string, fwd: string | number = 'masq', fields: Partial<Destination> = {}): Destination {
  const ep = endpoint(where);
  return {
    family: ep.family,
    address: ep.address,
    port: ep.port,
    fwdMethod: typeof fwd === 'number' ? fwd : FWD[fwd],
    weight: 1,
    upperThreshold: 0,
    lowerThreshold: 0,
    tunnelType: 0,
    tunnelPort: 0,
    tunnelFlags: 0,
    activeConns: 0,
    inactiveConns: 0,
    persistentConns: 0,
    stats: stats(),
    statsWidth: 64,
    ...fields,
  };
}

export function row(service: Service, ...destinations: Destination[]): ServiceWithDestinations {
  return { service, destinations };
}
