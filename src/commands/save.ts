/** -S: the table, for a renderer to write as -A/-a lines. */
import type { Invocation } from '../cli/parse';
import type { CommandContext } from './context';
import type { CommandResult } from './results';
import { liveTable, savedTable } from './table';

/**
 * The servers are read from /proc/net/ip_vs in one go, as a plain -L reads
 * them, and dumped only for services that tunnel (table.ts, savedTable).
 * `--json` gives what a rules file sets, thresholds among them, which only
 * the dumps carry.
 */
export function runSave(inv: Invocation, ctx: CommandContext): CommandResult {
  const table = inv.json ? liveTable(ctx.api) : savedTable(ctx.api, () => ctx.readServersFile());
  return { kind: 'save', table, numeric: inv.numeric, resolver: ctx.resolver };
}
