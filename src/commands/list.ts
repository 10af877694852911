/**
 * -L / -l: the table, one service, connections, timeouts or daemons. Failures
 * of a listing exit 1 (some silently, as in 1.31).
 */
import type { Invocation } from '../cli/parse';
import type { ServiceWithDestinations } from '../netlink/api';
import { serviceKey } from '../ipvs/types';
import { renderConnections } from '../render/connections';
import { renderBanner, renderListing } from '../render/list';
import { renderDaemons, renderTimeouts } from '../render/misc';
import type { CommandContext } from './context';
import { failureText } from '../messages';
import { EXIT_OK, EXIT_QUERY_FAILED } from './exit-status';

export async function runList(inv: Invocation, ctx: CommandContext): Promise<number> {
  if (inv.present.has('connection')) return listConnections(inv, ctx);
  if (inv.present.has('timeout')) {
    try {
      ctx.out(renderTimeouts(await ctx.api.timeouts()));
      return EXIT_OK;
    } catch {
      return EXIT_QUERY_FAILED;
    }
  }
  if (inv.present.has('daemon')) {
    try {
      ctx.out(renderDaemons(await ctx.api.daemons()));
      return EXIT_OK;
    } catch {
      return EXIT_QUERY_FAILED;
    }
  }
  const render = (table: ServiceWithDestinations[]) =>
    renderListing(table, {
      format: inv.listFormat,
      numeric: inv.numeric,
      exact: inv.exact,
      nosort: inv.nosort,
      resolver: ctx.resolver,
    });

  if (inv.service) {
    const key = serviceKey(inv.service);
    let entry: ServiceWithDestinations;
    try {
      entry = { service: await ctx.api.service(key), destinations: [] };
    } catch (error) {
      ctx.err(`${failureText('get-service', error)}\n`);
      return EXIT_QUERY_FAILED;
    }
    try {
      entry.destinations = await ctx.api.destinations(key);
    } catch (error) {
      ctx.err(`${failureText('get-dests', error)}\n`);
      return EXIT_QUERY_FAILED;
    }
    ctx.out(await render([entry]));
    return EXIT_OK;
  }

  // 1.31 prints the banner before it asks for the services.
  ctx.out(renderBanner(ctx.info));
  let table: ServiceWithDestinations[];
  try {
    table = await ctx.api.table();
  } catch (error) {
    ctx.err(`${failureText('get-services', error)}\n`);
    return EXIT_QUERY_FAILED;
  }
  ctx.out(await render(table));
  return EXIT_OK;
}

async function listConnections(inv: Invocation, ctx: CommandContext): Promise<number> {
  let text: string | undefined;
  try {
    text = await ctx.readConnections();
  } catch {
    text = undefined;
  }
  const listing = await renderConnections(text, {
    numeric: inv.numeric,
    persistentConn: inv.present.has('persistent-conn'),
    resolver: ctx.resolver,
  });
  ctx.out(listing.stdout);
  if (listing.error !== undefined) ctx.err(`${listing.error}\n`);
  return listing.exitCode;
}
