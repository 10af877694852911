/**
 * Carrying out a plan all or nothing: the steps go to the kernel as one
 * batch; if the kernel refuses any of them, or the program is interrupted
 * meanwhile, the steps that took effect are undone in reverse order, so the
 * table is exactly as it was.
 *
 * Servers the plan removes are removed gracefully (see graceful.ts): the
 * batch sets them to weight 0 instead, then they are deleted in a second
 * batch once none of their connections is in flight, or when the grace
 * period is over. Until that second batch has gone through, an interrupt or
 * a refusal still undoes everything.
 */
import type { ChangeResult } from '../../ipvs/change';
import type { IpvsApi } from '../../netlink/api';
import { isRemoval, quiesceSteps, removalsOf, stillBusy, type LiveConnection } from './graceful';
import type { PlanStep } from './plan';

export type ApplyOutcome =
  | { kind: 'applied'; steps: PlanStep[] }
  /** `refused` is the first step the kernel refused; `rollback` says whether undoing worked. */
  | { kind: 'refused'; refused: PlanStep; error: Error; rollback: RollbackOutcome }
  | { kind: 'interrupted'; signal: string; rollback: RollbackOutcome };

export type RollbackOutcome = { ok: true } | { ok: false; step: PlanStep; error: Error };

/** How removed servers are let go: the longest wait, the clock, and the connection table. */
export interface Grace {
  /** 0: delete at once. */
  ms: number;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** The connections in flight (graceful.ts); throws when the table cannot be read. */
  connections(): Promise<readonly LiveConnection[]>;
}

/** How often the connection table is read while servers are being let go. */
export const GRACE_POLL_MS = 200;

/** A batch sent, with the kernel's answer to each step. */
interface Sent {
  steps: readonly PlanStep[];
  results: readonly ChangeResult[];
}

/** Undoes what took effect, the last batch first and each batch's steps in reverse. */
async function rollBack(api: IpvsApi, sent: readonly Sent[]): Promise<RollbackOutcome> {
  const done = [...sent].reverse().flatMap((b) => b.steps.filter((_, i) => b.results[i] === undefined).reverse());
  const undo = done.flatMap((step) => step.undo.map((change) => ({ step, change })));
  const undone = await api.apply(undo.map((u) => u.change));
  const failed = undone.findIndex((r) => r !== undefined);
  return failed < 0 ? { ok: true } : { ok: false, step: undo[failed].step, error: undone[failed]! };
}

async function send(api: IpvsApi, steps: readonly PlanStep[], sent: Sent[]): Promise<PlanStep | undefined> {
  const results = await api.apply(steps.map((s) => s.change));
  sent.push({ steps, results });
  const refused = results.findIndex((r) => r !== undefined);
  return refused < 0 ? undefined : steps[refused];
}

/** Waits until no server being removed carries a connection in flight, or the grace period ends; a signal ends it at once. */
async function letGo(steps: readonly PlanStep[], grace: Grace, interrupted: () => string | undefined): Promise<string | undefined> {
  const removals = removalsOf(steps);
  const deadline = grace.now() + grace.ms;
  for (;;) {
    const signal = interrupted();
    if (signal !== undefined) return signal;
    let busy;
    try {
      busy = stillBusy(await grace.connections(), removals);
    } catch {
      // No connection table to read: nothing to wait for that can be seen.
      return undefined;
    }
    const left = deadline - grace.now();
    if (busy.length === 0 || left <= 0) return undefined;
    await grace.sleep(Math.min(GRACE_POLL_MS, left));
  }
}

/** `interrupted` is asked between batches: a signal cannot stop a batch half-sent. */
export async function executePlan(
  api: IpvsApi,
  steps: PlanStep[],
  interrupted: () => string | undefined,
  grace?: Grace,
): Promise<ApplyOutcome> {
  if (steps.length === 0) return { kind: 'applied', steps };
  const before = interrupted();
  if (before !== undefined) return { kind: 'interrupted', signal: before, rollback: { ok: true } };

  const removals = steps.filter(isRemoval);
  const gentle = grace !== undefined && grace.ms > 0 && removals.length > 0;
  const batches = gentle
    ? [[...steps.filter((s) => !isRemoval(s)), ...quiesceSteps(removalsOf(removals))], removals]
    : [steps];
  const sent: Sent[] = [];
  for (const [i, batch] of batches.entries()) {
    if (i > 0) {
      const signal = await letGo(removals, grace!, interrupted);
      if (signal !== undefined) return { kind: 'interrupted', signal, rollback: await rollBack(api, sent) };
    }
    const refused = await send(api, batch, sent);
    if (refused !== undefined) {
      const error = sent[sent.length - 1].results[batch.indexOf(refused)]!;
      return { kind: 'refused', refused, error, rollback: await rollBack(api, sent) };
    }
    const signal = interrupted();
    if (signal !== undefined) return { kind: 'interrupted', signal, rollback: await rollBack(api, sent) };
  }
  return { kind: 'applied', steps };
}
