/**
 * -S: the table as -A/-a lines. Where 1.31 crashes (forwarding methods 4-7,
 * tunnel checksum flags 3, state only other tools can create) we print one
 * line instead and exit 1, having written nothing to stdout.
 */
import type { Invocation } from '../cli/parse';
import { renderSave, SaveError } from '../render/save';
import type { CommandContext } from './context';
import { failureText } from '../messages';
import { EXIT_OK, EXIT_QUERY_FAILED } from './exit-status';

export async function runSave(inv: Invocation, ctx: CommandContext): Promise<number> {
  let text: string;
  try {
    text = await renderSave(await ctx.api.table(), { numeric: inv.numeric, resolver: ctx.resolver });
  } catch (error) {
    if (error instanceof SaveError) {
      ctx.err(`ipvsadm: ${error.message}\n`);
      return EXIT_QUERY_FAILED;
    }
    ctx.err(`${failureText('get-services', error)}\n`);
    return EXIT_QUERY_FAILED;
  }
  ctx.out(text);
  return EXIT_OK;
}
