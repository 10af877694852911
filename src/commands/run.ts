/** Dispatch of a parsed invocation to its command. */
import type { Invocation } from '../cli/parse';
import { helpText, versionText } from '../cli/help';
import type { CommandContext } from './context';
import { applyOne } from '../netlink/api';
import { failureText } from '../messages';
import { changeOf } from './changes';
import { EXIT_KERNEL_REFUSED, EXIT_OK } from './exit-status';
import { runList } from './list';
import { runSave } from './save';

export type RestoreRunner = (ctx: CommandContext) => Promise<number>;

export async function runInvocation(inv: Invocation, ctx: CommandContext, restore: RestoreRunner): Promise<number> {
  const change = changeOf(inv);
  if (change) {
    try {
      await applyOne(ctx.api, change);
      return EXIT_OK;
    } catch (error) {
      ctx.err(`${failureText(change.kind, error)}\n`);
      return EXIT_KERNEL_REFUSED;
    }
  }
  switch (inv.command) {
    case 'list':
      return runList(inv, ctx);
    case 'save':
      return runSave(inv, ctx);
    case 'restore':
      return restore(ctx);
    case 'help':
      ctx.out(helpText(ctx.argv0));
      return EXIT_OK;
    case 'version':
      ctx.out(versionText());
      return EXIT_OK;
    default:
      throw new Error(`no runner for command ${inv.command}`);
  }
}
