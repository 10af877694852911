/** Dispatch of a parsed invocation to its command (all but --restore, which runs invocations itself). */
import type { Invocation } from '../cli/parse';
import { applyOne } from '../netlink/api';
import { changeOf } from './changes';
import type { CommandContext } from './context';
import { runList } from './list';
import type { CommandResult } from './results';
import { runSave } from './save';

export async function runInvocation(inv: Invocation, ctx: CommandContext): Promise<CommandResult> {
  const change = changeOf(inv);
  if (change) {
    return applyOne(ctx.api, change).then(
      (): CommandResult => ({ kind: 'changed', change }),
      (error: unknown): CommandResult => ({ kind: 'change-refused', change, error }),
    );
  }
  switch (inv.command) {
    case 'list':
      return runList(inv, ctx);
    case 'save':
      return runSave(inv, ctx);
    case 'help':
      return { kind: 'help', argv0: ctx.argv0 };
    case 'version':
      return { kind: 'version' };
    default:
      throw new Error(`no runner for command ${inv.command}`);
  }
}
