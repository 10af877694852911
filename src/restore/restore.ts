/**
 * `ipvsadm -R`: every line of standard input goes through the same parser as a
 * command line, with fresh defaults and argv0 as for the whole process.
 *
 * Semantics kept from 1.31: no flush first; a kernel error prints its message
 * and the stream goes on; a parse or validation error stops the stream there
 * (a popt error on a later option of a line only fails that line); the status
 * is the last executed line's; a failed listing line (status 1) ends the
 * restore with that status. '#' is not special here (ipvsadm-restore strips
 * comment lines before calling -R).
 *
 * Faster than 1.31: consecutive change lines are sent to the kernel as one
 * batch (IpvsApi.apply), and their results are reported in line order, so the
 * output is the same as executing them one at a time.
 */
import type { Change } from '../ipvs/change';
import { isParseFailure, parseCommandLine, tryHelpMessage } from '../cli/parse';
import type { CommandContext } from '../commands/context';
import { changeOf } from '../commands/changes';
import { failureText } from '../messages';
import { runInvocation } from '../commands/run';
import { writeClassic } from '../render/classic';
import { EXIT_KERNEL_REFUSED, EXIT_OK, EXIT_QUERY_FAILED } from '../messages/exit-status';

/** Runs the lines of standard input; returns the exit status. */
export async function runRestore(ctx: CommandContext): Promise<number> {
  return runRestoreLines(linesOf(ctx.stdin()), ctx);
}

/** Runs the lines of one restore stream; returns the exit status. */
export async function runRestoreLines(lines: AsyncIterable<Buffer[]>, ctx: CommandContext): Promise<number> {
  let status = EXIT_OK;
  let pending: Change[] = [];

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const results = await ctx.api.apply(batch);
    results.forEach((error, i) => {
      if (error === undefined) {
        status = EXIT_OK;
      } else {
        ctx.err(`${failureText(batch[i].kind, error)}\n`);
        status = EXIT_KERNEL_REFUSED;
      }
    });
  };

  for await (const chunk of lines) {
    for (const line of chunk) {
      const words = restoreStreamWords(line);
      if (words.length === 0) continue;
      const parsed = await parseCommandLine(words, ctx);
      if (isParseFailure(parsed)) {
        await flush();
        ctx.err(parsed.message);
        // A usage or validation error ends the restore; a popt error on a later option fails its line only.
        if (parsed.kind !== 'popt') return parsed.exitCode;
        status = parsed.exitCode;
        continue;
      }
      if (parsed.command === 'restore') {
        // 1.31 refuses a nested -R with the Try line.
        await flush();
        ctx.err(tryHelpMessage(ctx.argv0));
        return EXIT_KERNEL_REFUSED;
      }
      const change = changeOf(parsed);
      if (change) {
        pending.push(change);
        continue;
      }
      await flush();
      status = await writeClassic(await runInvocation(parsed, ctx), ctx);
      // A failed listing (No such service, a failed dump, /proc/net/ip_vs_conn,
      // --timeout, --daemon) exits the whole process in 1.31, mid-restore too.
      if (status === EXIT_QUERY_FAILED) return status;
    }
    // Apply what a chunk asked for before waiting for more input, so that an
    // interactive `ipvsadm -R` acts on each line as it is typed.
    await flush();
  }
  await flush();
  return status;
}

/** Groups a byte stream into arrays of complete lines; a last line without newline counts. */
export async function* linesOf(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<Buffer[]> {
  // The start of a line that no chunk has ended yet, joined once the line ends
  // (joining at every chunk would copy a 10 MB line hundreds of times).
  let partial: Buffer[] = [];
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const lines: Buffer[] = [];
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      const tail = bytes.subarray(start, end);
      lines.push(partial.length === 0 ? tail : Buffer.concat([...partial, tail]));
      partial = [];
      start = end + 1;
    }
    if (start < bytes.length) partial.push(bytes.subarray(start));
    if (lines.length > 0) yield lines;
  }
  if (partial.length > 0) yield [Buffer.concat(partial)];
}

const NEWLINE = 0x0a;
/** What separates words on a restore line, as in 1.31's fscanf format. */
const BLANKS = new Set([0x20, 0x09, 0x0d]);
/** 1.31 reads each word into a buffer of this many bytes: a longer word comes out as several. */
const WORD_MAX_BYTES = 4096;

/**
 * The words of one restore line, as 1.31 reads them (fscanf into a 4096-byte
 * buffer, then C strings): blanks, tabs and carriage returns separate words;
 * a word longer than 4096 bytes is cut into words of 4096 bytes and the
 * rest; each word ends at its first NUL byte, so it may be empty; the word
 * `ipvsadm` is dropped. Bytes that are not UTF-8 become U+FFFD (ipvsadm.8,
 * DIFFERENCES).
 */
export function restoreStreamWords(line: Buffer): string[] {
  const words: string[] = [];
  let start = 0;
  for (let i = 0; i <= line.length; i++) {
    if (i < line.length && !BLANKS.has(line[i])) continue;
    for (let piece = start; piece < i; piece += WORD_MAX_BYTES) {
      words.push(cString(line.subarray(piece, Math.min(i, piece + WORD_MAX_BYTES))));
    }
    start = i + 1;
  }
  return words.filter((word) => word !== 'ipvsadm');
}

/** The text of `bytes` up to the first NUL, as C reads a string. */
function cString(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.toString('utf8', 0, nul === -1 ? bytes.length : nul);
}
