/**
 * `ipvsadm apply FILE` and `ipvsadm diff FILE`: read the rules, read the live
 * table, plan the fewest changes within the scope, then print the plan (diff,
 * --dry-run) or carry it out all or nothing (apply), holding the apply lock.
 */
import type { RulesInvocation } from '../../cli/extensions';
import type { CommandContext } from '../context';
import { QueryError, type CommandResult } from '../results';
import type { IpvsApi, ServiceWithDestinations } from '../../netlink/api';
import { executePlan, type ApplyOutcome, type Grace } from './execute';
import { liveConnections } from './graceful';
import { readLive } from './live';
import { planChanges } from './plan';
import { readRules } from './rules';
import { parseScope, type Scope } from './scope';

/** What an apply needs from the process: the lock against a concurrent apply, and signals. */
export interface ApplySession {
  /** Resolves with a release function once held, or undefined when `waitSeconds` passed first. */
  lock(waitSeconds: number): Promise<(() => void) | undefined>;
  /** The signal that asked the program to stop since the apply began, if any. */
  interrupted(): string | undefined;
  /** Aborted when that signal comes: the waits between reads end then. */
  caught?: AbortSignal;
  /** For letting removed servers go: wall-clock milliseconds, and a wait (`signal` ends it early). */
  clock: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> };
}

export async function runExtension(
  inv: RulesInvocation,
  rulesText: string,
  ctx: CommandContext,
  session: ApplySession,
): Promise<CommandResult> {
  const scopes: Scope[] = [];
  for (const word of inv.only) {
    const scope = parseScope(word);
    if ('error' in scope) return { kind: 'extension-usage', command: inv.command, message: scope.error };
    scopes.push(scope);
  }
  const rules = await readRules(rulesText, ctx);
  if ('problems' in rules) return { kind: 'rules-invalid', file: inv.file, problems: rules.problems };

  const changing = inv.command === 'apply' && !inv.dryRun;
  const release = changing ? await session.lock(inv.waitSeconds) : undefined;
  if (changing && release === undefined) return { kind: 'locked', waitedSeconds: inv.waitSeconds };
  try {
    let read;
    try {
      read = await readLive(ctx.api, scopes, {
        pause: (ms) => session.clock.sleep(ms, session.caught),
        stopped: () => session.interrupted() !== undefined,
      });
    } catch (error) {
      return { kind: 'query-failed', error: new QueryError('get-services', error) };
    }
    if (!read.settled) {
      // Stopped by a signal between two reads: nothing was changed, as when one comes before the first change.
      const signal = session.interrupted();
      if (changing && signal !== undefined) {
        return { kind: 'applied', outcome: { kind: 'interrupted', signal, rollback: { ok: true } }, steps: [], verbose: inv.verbose };
      }
      return { kind: 'unsettled', command: inv.command, reads: read.reads };
    }
    const live = read.table;
    const steps = planChanges(rules.services, live, scopes);
    if (!changing) return { kind: 'plan', steps, diff: inv.command === 'diff' };
    const grace: Grace = {
      ms: inv.graceSeconds * 1000,
      now: session.clock.now,
      sleep: session.clock.sleep,
      connections: async () => liveConnections(await ctx.readConnections()),
    };
    const outcome = await confirmRollback(ctx.api, await executePlan(ctx.api, steps, session.interrupted, grace), live, scopes);
    return { kind: 'applied', outcome, steps, verbose: inv.verbose };
  } finally {
    release?.();
  }
}

/**
 * A rollback is one batch, and the kernel carries out the rest of it after
 * a step it refuses, so the table can be whole all the same (deleting a
 * service takes with it the server whose deletion was refused). Before
 * saying the table is partly changed, read it again: when nothing in scope
 * differs from the table the plan started from, the rollback worked.
 */
async function confirmRollback(
  api: IpvsApi,
  outcome: ApplyOutcome,
  before: readonly ServiceWithDestinations[],
  scopes: readonly Scope[],
): Promise<ApplyOutcome> {
  if (outcome.kind === 'applied' || outcome.rollback.ok) return outcome;
  let now;
  try {
    now = await readLive(api, scopes);
  } catch {
    return outcome; // cannot tell: the failure stands
  }
  if (!now.settled) return outcome;
  const back = planChanges(before.map((entry) => ({ ...entry, line: 0 })), now.table, scopes);
  return back.length === 0 ? { ...outcome, rollback: { ok: true } } : outcome;
}
