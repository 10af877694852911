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
import { StringDecoder } from 'string_decoder';
import type { Change } from '../ipvs/change';
import { isParseFailure, parseCommandLine, tryHelpMessage } from '../cli/parse';
import { restoreLineWords } from '../cli/tokenizer';
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
export async function runRestoreLines(lines: AsyncIterable<string[]>, ctx: CommandContext): Promise<number> {
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
      const words = restoreLineWords(line);
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

/** Groups a text stream into arrays of complete lines; a last line without newline counts. */
export async function* linesOf(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of chunks) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    if (parts.length > 0) yield parts;
  }
  rest += decoder.end();
  if (rest !== '') yield [rest];
}
