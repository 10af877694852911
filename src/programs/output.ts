/**
 * stdout and stderr of the real process, driven the way the C library drives
 * them for ipvsadm 1.31, plus what happens when a write fails.
 *
 * Buffering is 1.31's: stderr unbuffered; stdout line-buffered on a terminal,
 * else fully buffered in blocks of st_blksize (at most BUFSIZ) and flushed
 * only when a block is full and more comes, or at exit. It is observable: a
 * closed pipe stops 1.31 only at such a flush, so `-R` lines after a short
 * listing still run; and with `2>&1` messages come before the listing.
 *
 * Failures differ from 1.31 on purpose: a closed pipe ends the program as
 * SIGPIPE ends 1.31, but any other failed write (a full disk) ends it with
 * `ipvsadm: write error: <strerror>` and status 1, where 1.31 reports success
 * with truncated output. Writes are synchronous (fs.writeSync on the
 * descriptor), so every error surfaces here and none is thrown out of a
 * callback; Node's stream objects for stdout and stderr are never created.
 */
import * as fs from 'fs';
import { constants as osConstants } from 'os';
import type { OutputSink } from '../commands/context';
import { writeErrorMessage } from '../messages';
import { EXIT_SIGPIPE, EXIT_WRITE_ERROR } from '../messages/exit-status';

/** glibc's BUFSIZ, the largest stdio buffer it picks from st_blksize. */
const BUFSIZ = 8192;
/** Re-exported for the bundled-module tests, which reach this file alone. */
export { EXIT_SIGPIPE as SIGPIPE_STATUS } from '../messages/exit-status';

const { EAGAIN, EINTR, EIO, EPIPE } = osConstants.errno;

/** How the C library buffers a descriptor: per write on a terminal, else in blocks. */
export type Buffering = { kind: 'line' } | { kind: 'full'; size: number };

/** Everything the output needs from the operating system; tests pass a fake. */
export interface OutputSystem {
  /** write(2): the number of bytes written; throws an errno error (as fs.writeSync does). */
  write(fd: number, data: Uint8Array, offset: number, length: number): number;
  buffering(fd: number): Buffering;
  /** Waits a moment before a write that would block (a non-blocking descriptor) is retried. */
  pause(): void;
  exit(status: number): never;
  /** Ends the program after a write into a pipe nobody reads any more. */
  brokenPipe(): never;
}

export interface Stdio extends OutputSink {
  /** OutputSink's, always there: bytes for stdout, copied or written before it returns. */
  outBytes(bytes: Uint8Array): void;
  /** Writes what stdout still holds, as exit() does in C. Call once the program is done. */
  flush(): void;
}

export interface StdioOptions {
  system: OutputSystem;
  /** Descriptors; 1 and 2 unless a test says otherwise. */
  stdout?: number;
  stderr?: number;
}

type StreamName = 'stdout' | 'stderr';

/** The errno of a failed write; an error without one counts as EIO. */
export function errnoOf(error: unknown): number {
  const e = error as NodeJS.ErrnoException | undefined;
  const byCode = typeof e?.code === 'string' ? (osConstants.errno as Record<string, number>)[e.code] : undefined;
  if (byCode !== undefined) return byCode;
  // libuv reports -errno.
  if (typeof e?.errno === 'number' && e.errno !== 0) return Math.abs(e.errno);
  return EIO;
}


export function createStdio(options: StdioOptions): Stdio {
  const sys = options.system;
  const fds: Record<StreamName, number> = { stdout: options.stdout ?? 1, stderr: options.stderr ?? 2 };
  // Once a write to a stream has failed, nothing more is written to it.
  const dead: Record<StreamName, boolean> = { stdout: false, stderr: false };
  let stdoutBuffering: Buffering | undefined;
  // What a fully buffered stdout holds, as the C library's block: held bytes at its start.
  let block: Buffer | undefined;
  let held = 0;

  function writeAll(stream: StreamName, data: Uint8Array): void {
    let offset = 0;
    while (offset < data.length) {
      let written: number;
      try {
        written = sys.write(fds[stream], data, offset, data.length - offset);
      } catch (error) {
        const errno = errnoOf(error);
        if (errno === EINTR) continue;
        if (errno === EAGAIN) {
          sys.pause();
          continue;
        }
        failed(stream, errno);
      }
      // A write that makes no progress would loop forever; treat it as an I/O error.
      if (written <= 0) failed(stream, EIO);
      offset += written;
    }
  }

  function failed(stream: StreamName, errno: number): never {
    dead[stream] = true;
    if (errno === EPIPE) sys.brokenPipe();
    if (stream === 'stdout') {
      held = 0;
      if (!dead.stderr) writeAll('stderr', Buffer.from(writeErrorMessage(errno)));
    } else {
      // Nowhere left to say what went wrong; what stdout holds is still owed, as exit() would write it.
      flush();
    }
    return sys.exit(EXIT_WRITE_ERROR);
  }

  function flush(): void {
    if (dead.stdout || held === 0 || block === undefined) return;
    const data = block.subarray(0, held);
    held = 0;
    writeAll('stdout', data);
  }

  function out(text: string): void {
    if (text !== '') outBytes(Buffer.from(text, 'utf8'));
  }

  /**
   * 1.31 prints in small pieces, so its buffer is written when a piece does
   * not fit, and what stays behind is the part past the last full block, or
   * a whole block when the output ends exactly on one. A large piece (a
   * listing's bytes) goes as glibc's fwrite sends one: the block filled from
   * its start, then its further whole blocks straight from it, the rest held.
   */
  function outBytes(bytes: Uint8Array): void {
    if (bytes.length === 0 || dead.stdout) return;
    stdoutBuffering ??= sys.buffering(fds.stdout);
    if (stdoutBuffering.kind === 'line') {
      // Every piece of output ends a line, so a line-buffered stream writes each at once.
      writeAll('stdout', bytes);
      return;
    }
    const size = stdoutBuffering.size;
    block ??= Buffer.allocUnsafe(size);
    if (held + bytes.length <= size) {
      block.set(bytes, held);
      held += bytes.length;
      return;
    }
    const total = held + bytes.length;
    const keep = total % size || size;
    const fill = size - held;
    block.set(bytes.subarray(0, fill), held);
    held = 0;
    writeAll('stdout', block);
    const direct = total - keep - size;
    if (direct > 0) writeAll('stdout', bytes.subarray(fill, fill + direct));
    block.set(bytes.subarray(bytes.length - keep));
    held = keep;
  }

  function err(text: string): void {
    if (text === '' || dead.stderr) return;
    writeAll('stderr', Buffer.from(text, 'utf8'));
  }

  function discardPending(): void {
    held = 0;
  }

  return { out, outBytes, err, flush, discardPending };
}

/** The C library's choice for a descriptor (glibc's _IO_file_doallocate). */
function cLibraryBuffering(fd: number): Buffering {
  let stat: fs.Stats;
  try {
    stat = fs.fstatSync(fd);
  } catch {
    return { kind: 'full', size: BUFSIZ };
  }
  if (stat.isCharacterDevice() && isTerminal(fd, stat.rdev)) return { kind: 'line' };
  return { kind: 'full', size: stat.blksize > 0 && stat.blksize < BUFSIZ ? stat.blksize : BUFSIZ };
}

function isTerminal(fd: number, rdev: number): boolean {
  // Major 1 is /dev/null, /dev/full, /dev/zero: never a terminal, and common
  // enough under scripts not to pay for loading the tty module.
  if (((rdev >> 8) & 0xfff) === 1) return false;
  const tty = require('tty') as typeof import('tty');
  return tty.isatty(fd);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Dies of SIGPIPE like a C program. Node ignores SIGPIPE; when the last
 * listener of a signal goes away, libuv resets its disposition to the default,
 * so one listener added and removed again makes the signal fatal once more.
 */
export function dieOfSigpipe(): never {
  const listener = (): void => undefined;
  process.on('SIGPIPE', listener);
  process.removeListener('SIGPIPE', listener);
  process.kill(process.pid, 'SIGPIPE');
  // Only reached if the signal could not be delivered: the status a shell would have shown.
  return process.exit(EXIT_SIGPIPE);
}

/**
 * The operating system as the programs use it. `brokenPipe` is what the
 * program ends with on a closed pipe: ipvsadm dies of SIGPIPE; Debian's
 * ipvsadm-save and ipvsadm-restore are bash scripts, which exit with status
 * 141 when the ipvsadm they ran was killed by it.
 */
export function processOutputSystem(brokenPipe: () => never = dieOfSigpipe): OutputSystem {
  return {
    write: (fd, data, offset, length) => fs.writeSync(fd, data, offset, length),
    buffering: cLibraryBuffering,
    pause: () => void Atomics.wait(sleeper, 0, 0, 2),
    exit: (status) => process.exit(status),
    brokenPipe,
  };
}
