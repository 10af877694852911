/**
 * What a command gets to work with. Commands never touch process streams: they
 * write through `out` and `err`, which main wires to stdout/stderr and tests
 * capture.
 */
import type { IpvsApi } from '../netlink/api';
import type { Info } from '../ipvs/types';
import type { NameResolver } from '../cli/names';

export interface OutputSink {
  out(text: string): void;
  err(text: string): void;
}

export interface CommandContext extends OutputSink {
  api: IpvsApi;
  /** GET_INFO answer taken when IPVS was opened. */
  info: Info;
  resolver: NameResolver;
  /** The program name as invoked, for messages that quote it. */
  argv0: string;
  /** Contents of /proc/net/ip_vs_conn; rejects when it cannot be read. */
  readConnections(): Promise<string>;
  /** Standard input as it arrives (for --restore). */
  stdin(): AsyncIterable<string | Buffer>;
}
