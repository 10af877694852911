/**
 * Name resolution as ipvsadm does it through the C library: forward host
 * lookups are IPv4 only (gethostbyname), reverse lookups give the canonical
 * name (gethostbyaddr), and service names come from the services database for
 * one protocol (getservbyname / getservbyport).
 */
export interface NameResolver {
  /** gethostbyname: the first IPv4 address of a host name, or undefined. */
  hostToIPv4(name: string): Promise<string | undefined>;
  /** gethostbyaddr: the canonical name of an address, or undefined. */
  addressToHost(family: number, address: string): Promise<string | undefined>;
  /** getservbyname(name, proto) with proto "tcp", "udp" or "sctp". */
  serviceToPort(name: string, proto: string): number | undefined;
  /** getservbyport(port, proto). */
  portToService(port: number, proto: string): string | undefined;
}
