/**
 * The socket under the transport: the only code that touches the `netlink`
 * package. The transport sees a PacketSocket, so tests can hand it a fake.
 */
import { constants as osConstants } from 'os';
import { NETLINK_GENERIC, NETLINK_ROUTE } from '../constants';
import { TransportError } from '../errors';

const { ENOBUFS } = osConstants.errno;

export type SocketError = Error & { errno?: number };

/** What the transport needs from a socket; the real one wraps RawNetlinkSocket, tests inject fakes. */
export interface PacketSocket {
  send(datagram: Buffer, done: (error?: SocketError) => void): void;
  listen(onDatagram: (datagram: Buffer) => void, onError: (error: SocketError) => void): void;
  ref(): void;
  unref(): void;
  close(): void;
  /** SO_RCVBUF as the kernel granted it, in bytes. */
  recvBufferSize(): number;
}

/**
 * What a socket is for, which decides how it reads. The package reads each
 * datagram at its exact size by peeking first (two system calls); or, told
 * a size, reads into a fresh buffer of that size (one call, the whole buffer
 * allocated each time). Requests and small dumps read exactly: their
 * datagrams are small, and a buffer per read would be mostly air (in the lab,
 * 4,000 one-server dumps read into 32 KiB buffers took twice the time, from
 * the memory alone). Bulk dumps read 32 KiB at a time: the kernel sizes each
 * dump datagram by the largest read the socket has made, so they come in
 * fewer, fuller datagrams, one system call each.
 */
export type SocketUse = 'requests' | 'dumps' | 'bulk-dumps';

export type SocketFactory = (use: SocketUse) => PacketSocket;

/** The largest dump datagram the kernel makes (32 KiB less its skb overhead) fits. */
export const BULK_READ_BYTES = 32768;

const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([
  [NETLINK_GENERIC, 'generic netlink'],
  [NETLINK_ROUTE, 'rtnetlink'],
]);

export interface SocketOptions {
  /** NETLINK_GENERIC (the default) or NETLINK_ROUTE. */
  protocol?: number;
  recvBufferSize?: number;
  sendBufferSize?: number;
}

/**
 * A real netlink socket of `options.protocol`. The native module loads when
 * the first socket opens, not when this file does: commands that fail before
 * talking to the kernel never pay for it.
 */
export function netlinkSocketFactory(options: SocketOptions = {}): SocketFactory {
  const protocol = options.protocol ?? NETLINK_GENERIC;
  return (use) => {
    let raw: import('netlink/dist/raw').RawNetlinkSocket;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { RawNetlinkSocket } = require('netlink/dist/raw') as typeof import('netlink/dist/raw');
      raw = new RawNetlinkSocket(protocol, {
        recvBufferSize: options.recvBufferSize ?? 4 << 20,
        sendBufferSize: options.sendBufferSize ?? 1 << 20,
        ...(use === 'bulk-dumps' ? { messagePeeking: false, msgBufferSize: BULK_READ_BYTES } : {}),
      });
    } catch (error) {
      const e = error as SocketError;
      throw new TransportError(`cannot open a ${PROTOCOL_NAMES.get(protocol) ?? `netlink (protocol ${protocol})`} socket: ${e.message}`, e.errno);
    }
    return {
      send: (datagram, done) => raw.send(datagram, undefined, (err) => done(err)),
      listen: (onDatagram, onError) => {
        raw.on('message', (msg) => onDatagram(msg));
        // Peeking, or reading as much as the kernel ever puts in a datagram, this cannot happen; treat it as a lost message.
        raw.on('truncatedMessage', () => onError(Object.assign(new Error('truncated datagram'), { errno: ENOBUFS })));
        raw.on('error', (err) => onError(err));
      },
      ref: () => raw.ref(),
      unref: () => raw.unref(),
      close: () => raw.close(),
      recvBufferSize: () => raw.getRecvBufferSize(),
    };
  };
}
