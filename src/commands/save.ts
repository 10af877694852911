/** -S: the table, for a renderer to write as -A/-a lines. */
import type { Invocation } from '../cli/parse';
import type { CommandContext } from './context';
import { tableOf, type CommandResult } from './results';

export function runSave(inv: Invocation, ctx: CommandContext): CommandResult {
  return { kind: 'save', table: tableOf(() => ctx.api.table(), 'get-services'), numeric: inv.numeric, resolver: ctx.resolver };
}
