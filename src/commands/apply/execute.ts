/**
 * Carrying out a plan all or nothing: the steps go to the kernel as one
 * batch; if the kernel refuses any of them, or the program is interrupted
 * meanwhile, the steps that took effect are undone in reverse order, so the
 * table is exactly as it was.
 */
import type { ChangeResult } from '../../ipvs/change';
import type { IpvsApi } from '../../netlink/api';
import type { PlanStep } from './plan';

export type ApplyOutcome =
  | { kind: 'applied'; steps: PlanStep[] }
  /** `refused` is the first step the kernel refused; `rollback` says whether undoing worked. */
  | { kind: 'refused'; refused: PlanStep; error: Error; rollback: RollbackOutcome }
  | { kind: 'interrupted'; signal: string; rollback: RollbackOutcome };

export type RollbackOutcome = { ok: true } | { ok: false; step: PlanStep; error: Error };

async function rollBack(api: IpvsApi, steps: readonly PlanStep[], results: readonly ChangeResult[]): Promise<RollbackOutcome> {
  const done = steps.filter((_, i) => results[i] === undefined).reverse();
  const undo = done.flatMap((step) => step.undo.map((change) => ({ step, change })));
  const undone = await api.apply(undo.map((u) => u.change));
  const failed = undone.findIndex((r) => r !== undefined);
  return failed < 0 ? { ok: true } : { ok: false, step: undo[failed].step, error: undone[failed]! };
}

/** `interrupted` is asked once the batch is back: a signal cannot stop a batch half-sent. */
export async function executePlan(
  api: IpvsApi,
  steps: PlanStep[],
  interrupted: () => string | undefined,
): Promise<ApplyOutcome> {
  if (steps.length === 0) return { kind: 'applied', steps };
  const before = interrupted();
  if (before !== undefined) return { kind: 'interrupted', signal: before, rollback: { ok: true } };
  const results = await api.apply(steps.map((s) => s.change));
  const refused = results.findIndex((r) => r !== undefined);
  const signal = interrupted();
  if (refused < 0 && signal === undefined) return { kind: 'applied', steps };
  const rollback = await rollBack(api, steps, results);
  if (refused >= 0) return { kind: 'refused', refused: steps[refused], error: results[refused]!, rollback };
  return { kind: 'interrupted', signal: signal!, rollback };
}
