/**
 * Everything ipvsadm-realserver reads and changes, as one interface: the
 * kernel's links, addresses and fou ports (kernel.ts, over netlink), and the
 * sysctl files, modprobe and the state file (src/programs/realserver.ts).
 * Tests hand run() a fake.
 */
import type { FouPort } from '../netlink/fou-codec';
import type { Address, AddressChange, Link } from '../netlink/route-codec';

export interface NetworkSide {
  links(): Promise<Link[]>;
  addresses(): Promise<Address[]>;
  /** The fou ports; undefined when the generic netlink family "fou" is not registered (module not loaded). */
  fouPorts(): Promise<FouPort[] | undefined>;
  setLinkUp(index: number, up: boolean): Promise<void>;
  addAddress(a: AddressChange): Promise<void>;
  deleteAddress(a: AddressChange): Promise<void>;
  addFouPort(p: FouPort): Promise<void>;
  deleteFouPort(p: Pick<FouPort, 'port' | 'family'>): Promise<void>;
  close(): void;
}

export interface HostSide {
  /** A sysctl's value, trimmed (net.ipv4.conf.all.arp_ignore); undefined when it does not exist. */
  readSysctl(name: string): Promise<string | undefined>;
  writeSysctl(name: string, value: string): Promise<void>;
  /** Loads a kernel module; rejects with a one-line reason. */
  loadModule(module: string): Promise<void>;
  /** The network namespace this process is in (net:[inode]), when it can be read. */
  netns(): Promise<string | undefined>;
  /** The state file's text; undefined when there is none. */
  readState(file: string): Promise<string | undefined>;
  /** Writes the state file whole, creating its directory. */
  writeState(file: string, text: string): Promise<void>;
  removeState(file: string): Promise<void>;
}

export type RealServerSystem = NetworkSide & HostSide;
