/**
 * What a command gets to work with. Commands never touch process streams: they
 * write through `out` and `err`, which the program wires to stdout/stderr and
 * tests capture. A context is also what the parser needs (a restore parses
 * each line with it).
 */
import type { IpvsApi } from '../netlink/api';
import type { Info } from '../ipvs/types';
import type { ParseContext } from '../cli/parse';

export interface OutputSink {
  out(text: string): void;
  /** Bytes for stdout, good only during the call (the caller reuses its buffer); the same as out() of their text. */
  outBytes?(bytes: Uint8Array): void;
  err(text: string): void;
  /** Forgets what stdout holds but has not written yet, as a crash loses a C program's buffer. */
  discardPending?(): void;
}

export interface CommandContext extends OutputSink, ParseContext {
  api: IpvsApi;
  /** GET_INFO answer taken when IPVS was opened. */
  info: Info;
  /** Contents of /proc/net/ip_vs_conn; rejects when it cannot be read. */
  readConnections(): Promise<string>;
  /**
   * /proc/net/ip_vs (commands/servers-file.ts) in chunks as read, each good
   * until the next is taken; throws when it cannot be read.
   */
  readServersFile(): Iterable<Uint8Array>;
  /** Standard input as it arrives (for --restore). */
  stdin(): AsyncIterable<string | Buffer>;
}
