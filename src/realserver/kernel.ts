/**
 * The network side of a real server's setup over netlink: links and
 * addresses by rtnetlink, fou ports by the generic netlink family "fou"
 * (resolved by name, as IPVS is). Sockets open on first use.
 */
import { constants as osConstants } from 'os';
import { NLM_F_CREATE, NLM_F_EXCL } from '../netlink/constants';
import { FamilyNotFoundError } from '../netlink/errors';
import {
  addPortAttributes, deletePortAttributes, FOU_CMD, FOU_GENL_NAME, FOU_GENL_VERSION, readFouPort,
} from '../netlink/fou-codec';
import { addressBytes } from '../netlink/inet';
import {
  Address, addressPayload, dumpAddressesPayload, dumpLinksPayload, Link, readAddress, readLink,
  RTM_DELADDR, RTM_GETADDR, RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK, setLinkUpPayload,
} from '../netlink/route-codec';
import { NetlinkTransport, RouteTransport, SocketFactory } from '../netlink/transport';
import type { NetworkSide } from './system';

const { ENOENT } = osConstants.errno;

export interface KernelOptions {
  /** Sockets for rtnetlink (default: real NETLINK_ROUTE sockets). */
  routeSockets?: SocketFactory;
  /** Sockets for generic netlink (default: real NETLINK_GENERIC sockets). */
  genericSockets?: SocketFactory;
  timeoutMs?: number;
}

export function netlinkNetwork(options: KernelOptions = {}): NetworkSide {
  let route: RouteTransport | undefined;
  let fou: NetlinkTransport | undefined;
  const rt = () => (route ??= new RouteTransport({ socketFactory: options.routeSockets, timeoutMs: options.timeoutMs }));
  const genl = () => (fou ??= new NetlinkTransport({
    socketFactory: options.genericSockets, familyName: FOU_GENL_NAME, familyVersion: FOU_GENL_VERSION, timeoutMs: options.timeoutMs, poolSize: 1,
  }));
  const bytesOf = (a: Pick<Address, 'family' | 'address'>): Uint8Array => {
    const b = addressBytes(a.family, a.address);
    if (!b) throw new RangeError(`not an address: ${a.address}`);
    return b;
  };
  return {
    links: () => rt().dump<Link>(RTM_GETLINK, dumpLinksPayload(), 'RTM_GETLINK', readLink),
    addresses: async () => {
      const all = await rt().dump(RTM_GETADDR, dumpAddressesPayload(), 'RTM_GETADDR', readAddress);
      return all.filter((a): a is Address => a !== undefined);
    },
    fouPorts: async () => {
      try {
        return await genl().dump({ cmd: FOU_CMD.GET, attributes: Buffer.alloc(0), op: 'FOU_CMD_GET' }, readFouPort);
      } catch (error) {
        if (error instanceof FamilyNotFoundError && error.errno === ENOENT) return undefined;
        throw error;
      }
    },
    setLinkUp: async (index, up) => {
      await rt().request(RTM_NEWLINK, setLinkUpPayload(index, up), 'RTM_NEWLINK');
    },
    addAddress: async (a) => {
      await rt().request(RTM_NEWADDR, addressPayload(a, bytesOf(a)), 'RTM_NEWADDR', NLM_F_CREATE | NLM_F_EXCL);
    },
    deleteAddress: async (a) => {
      await rt().request(RTM_DELADDR, addressPayload({ ...a, noDad: false }, bytesOf(a)), 'RTM_DELADDR');
    },
    addFouPort: async (p) => {
      await genl().request({ cmd: FOU_CMD.ADD, attributes: addPortAttributes(p), op: 'FOU_CMD_ADD' });
    },
    deleteFouPort: async (p) => {
      await genl().request({ cmd: FOU_CMD.DEL, attributes: deletePortAttributes(p), op: 'FOU_CMD_DEL' });
    },
    close: () => {
      route?.close();
      fou?.close();
    },
  };
}
