/**
 * -L / -l: the table, one service, connections, timeouts or daemons, as data.
 */
import type { Invocation } from '../cli/parse';
import { serviceKey } from '../ipvs/types';
import { listConnections } from './connections';
import type { CommandContext } from './context';
import { QueryError, type CommandResult, type ListView } from './results';
import { fixedTable, liveTable, serversFileTable } from './table';

export async function runList(inv: Invocation, ctx: CommandContext): Promise<CommandResult> {
  if (inv.present.has('connection')) return listConnections(inv, ctx);
  // 1.31 fails these two silently.
  if (inv.present.has('timeout')) {
    return ctx.api.timeouts().then(
      (timeouts): CommandResult => ({ kind: 'timeouts', timeouts }),
      (error: unknown): CommandResult => ({ kind: 'silent-failure', error: new QueryError('get-timeout', error) }),
    );
  }
  if (inv.present.has('daemon')) {
    return ctx.api.daemons().then(
      (daemons): CommandResult => ({ kind: 'daemons', daemons }),
      (error: unknown): CommandResult => ({ kind: 'silent-failure', error: new QueryError('get-daemon', error) }),
    );
  }
  const view: ListView = {
    format: inv.listFormat, numeric: inv.numeric, exact: inv.exact, nosort: inv.nosort, resolver: ctx.resolver,
  };
  if (inv.service) {
    const key = serviceKey(inv.service);
    let service;
    try {
      service = await ctx.api.service(key);
    } catch (error) {
      return { kind: 'query-failed', error: new QueryError('get-service', error) };
    }
    let destinations;
    try {
      destinations = await ctx.api.destinations(key);
    } catch (error) {
      return { kind: 'query-failed', error: new QueryError('get-dests', error) };
    }
    return { kind: 'listing', table: fixedTable([{ service, destinations }]), view };
  }
  // The plain layout prints no more of a server than /proc/net/ip_vs says; JSON and the other layouts need the dumps.
  const table = inv.listFormat === 'plain' && !inv.json ? serversFileTable(ctx.api, () => ctx.readServersFile()) : liveTable(ctx.api);
  return { kind: 'listing', banner: ctx.info, table, view };
}
