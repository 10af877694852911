/**
 * The socket under the transport: the only code that touches the `netlink`
 * package. The transport sees a PacketSocket, so tests can hand it a fake.
 */
import { constants as osConstants } from 'os';
import { NETLINK_GENERIC } from '../constants';
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

export type SocketFactory = () => PacketSocket;

/**
 * A real NETLINK_GENERIC socket. The native module loads when the first socket
 * opens, not when this file does: commands that fail before talking to the
 * kernel never pay for it.
 */
export function netlinkSocketFactory(options: { recvBufferSize?: number; sendBufferSize?: number } = {}): SocketFactory {
  return () => {
    let raw: import('netlink/dist/raw').RawNetlinkSocket;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { RawNetlinkSocket } = require('netlink/dist/raw') as typeof import('netlink/dist/raw');
      raw = new RawNetlinkSocket(NETLINK_GENERIC, {
        recvBufferSize: options.recvBufferSize ?? 4 << 20,
        sendBufferSize: options.sendBufferSize ?? 1 << 20,
      });
    } catch (error) {
      const e = error as SocketError;
      throw new TransportError(`cannot open a generic netlink socket: ${e.message}`, e.errno);
    }
    return {
      send: (datagram, done) => raw.send(datagram, undefined, (err) => done(err)),
      listen: (onDatagram, onError) => {
        raw.on('message', (msg) => onDatagram(msg));
        // With message peeking this cannot happen; treat it as a lost message.
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
