/** -S: the table, for a renderer to write as -A/-a lines. */
import type { Invocation } from '../cli/parse';
import type { CommandContext } from './context';
import type { CommandResult } from './results';
import { IP_VS_CONN_F_FWD_MASK, IP_VS_CONN_F_TUNNEL } from '../ipvs/kernel-values';
import { liveTable, serversFileTable } from './table';

export function runSave(inv: Invocation, ctx: CommandContext): CommandResult {
  // A saved tunnel needs its type, port and checksum, which /proc/net/ip_vs does not give.
  const tunnel = (d: { fwdMethod: number }): boolean => (d.fwdMethod & IP_VS_CONN_F_FWD_MASK) === IP_VS_CONN_F_TUNNEL;
  const table = inv.json ? liveTable(ctx.api) : serversFileTable(ctx.api, () => ctx.readServersFile(), tunnel);
  return { kind: 'save', table, numeric: inv.numeric, resolver: ctx.resolver };
}
