/**
 * A pipe whose reading end is already closed, to give a child process as its
 * stdout: every write the child makes fails with EPIPE (or kills it with
 * SIGPIPE), with no race against a reader such as `head -1`. Node has no
 * pipe(2), so it is a FIFO opened once for reading (without blocking), then
 * for writing, after which the reading side is closed again.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface ClosedPipe {
  /** The writing end: pass it in a child's stdio. */
  fd: number;
  close(): void;
}

export function closedPipe(dir: string): ClosedPipe {
  const fifo = path.join(dir, `closed-pipe-${process.pid}-${Math.random().toString(36).slice(2)}`);
  execFileSync('mkfifo', [fifo]);
  const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const fd = fs.openSync(fifo, fs.constants.O_WRONLY);
  fs.closeSync(reader);
  fs.unlinkSync(fifo);
  return { fd, close: () => fs.closeSync(fd) };
}
