/**
 * Every failure that leaves src/netlink/ is one of these. Callers decide what
 * to print from the type and the errno; nothing here formats user messages.
 */
import { constants as osConstants } from 'os';

const errnoNames: Map<number, string> = new Map(
  Object.entries(osConstants.errno).map(([name, value]) => [value as number, name]),
);

export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `E${errno}`;
}

export class IpvsError extends Error {
  override name = 'IpvsError';
}

/** The kernel answered a request with a negative error code. */
export class KernelError extends IpvsError {
  override name = 'KernelError';
  readonly code: string;
  constructor(
    /** Positive errno, e.g. 3 for ESRCH. */
    readonly errno: number,
    /** The generic-netlink command that failed, in the kernel's name (NEW_SERVICE). */
    readonly op: string,
    /** Extended-ack text, when the kernel sent one. */
    readonly extack?: string,
    /** Extended-ack offset of the offending attribute in the request. */
    readonly extackOffset?: number,
  ) {
    super(`${op}: ${errnoName(errno)}${extack ? ` (${extack})` : ''}`);
    this.code = errnoName(errno);
  }
}

/** A reply could not be decoded (truncated, wrong length, missing required attribute). */
export class DecodeError extends IpvsError {
  override name = 'DecodeError';
}

/** No answer arrived in time. */
export class TimeoutError extends IpvsError {
  override name = 'TimeoutError';
  constructor(readonly op: string, readonly ms: number) {
    super(`${op}: no reply from the kernel within ${ms} ms`);
  }
}

/** The socket itself failed (cannot open, send failed, receive buffer overrun). */
export class TransportError extends IpvsError {
  override name = 'TransportError';
  readonly code?: string;
  constructor(message: string, readonly errno?: number) {
    super(message);
    if (errno !== undefined) this.code = errnoName(errno);
  }
}

/** The generic-netlink family (IPVS) is not registered in this kernel. */
export class FamilyNotFoundError extends IpvsError {
  override name = 'FamilyNotFoundError';
  constructor(readonly family: string, readonly errno: number) {
    super(`generic netlink family ${family} not found (${errnoName(errno)})`);
  }
}
