/** -S: the table, for a renderer to write as -A/-a lines. */
import type { Invocation } from '../cli/parse';
import type { CommandContext } from './context';
import type { CommandResult } from './results';
import { liveTable } from './table';

/**
 * The servers are dumped, never read from /proc/net/ip_vs (table.ts): a
 * save needs each tunnel's settings, and must refuse forwarding methods 4-7,
 * which that file names Masq.
 */
export function runSave(inv: Invocation, ctx: CommandContext): CommandResult {
  return { kind: 'save', table: liveTable(ctx.api), numeric: inv.numeric, resolver: ctx.resolver };
}
