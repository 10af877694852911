/**
 * ipvsadm 1.31's output for a command's result: the exact bytes on stdout
 * and stderr, and the exit status, which is decided here for every result.
 */
import { constants as osConstants } from 'os';
import { helpText, versionText } from '../cli/help';
import { connectionsFailed } from '../commands/connections';
import type { OutputSink } from '../commands/context';
import { QueryError, type CommandResult } from '../commands/results';
import { failureText } from '../messages';
import {
  EXIT_APPLY_FAILED, EXIT_DIFF_PENDING, EXIT_DRAIN_TIMEOUT, EXIT_KERNEL_REFUSED, EXIT_OK, EXIT_QUERY_FAILED, EXIT_USAGE, exitStatusForSignal,
} from '../messages/exit-status';
import type { ApplyOutcome, RollbackOutcome } from '../commands/apply/execute';
import { planLine, renderPlan, type PlanColours } from './plan';
import { renderConnections } from './connections';
import { drainNoteLine, drainTarget, drainTimeoutLine } from './drain';
import { renderBanner, writeListing } from './list';
import { renderDaemons, renderTimeouts } from './misc';
import { SaveError, writeSave } from './save';

function queryFailed(out: OutputSink, error: unknown): number {
  if (!(error instanceof QueryError)) throw error;
  out.err(`${failureText(error.operation, error.cause)}\n`);
  return EXIT_QUERY_FAILED;
}

function rollbackLine(rollback: RollbackOutcome): string {
  if (rollback.ok) return 'ipvsadm: apply: rolled back, the table is as it was\n';
  const reason = failureText(rollback.step.change.kind, rollback.error);
  return `ipvsadm: apply: rollback failed at ${planLine(rollback.step)}: ${reason}; the table is partly changed\n`;
}

/** 128 + the signal's number, as a shell reports a process the signal ended. */
function signalStatus(signal: string): number {
  const number = (osConstants.signals as Record<string, number>)[signal];
  return number === undefined ? EXIT_APPLY_FAILED : exitStatusForSignal(number);
}

function writeApplied(outcome: ApplyOutcome, out: OutputSink, carriedOut: () => string): number {
  switch (outcome.kind) {
    case 'applied':
      out.out(carriedOut());
      return EXIT_OK;
    case 'refused':
      out.err(`ipvsadm: apply: refused: ${planLine(outcome.refused)}: ${failureText(outcome.refused.change.kind, outcome.error)}\n`);
      out.err(rollbackLine(outcome.rollback));
      return EXIT_APPLY_FAILED;
    case 'interrupted': {
      out.err(`ipvsadm: apply: interrupted by ${outcome.signal}\n`);
      out.err(rollbackLine(outcome.rollback));
      return signalStatus(outcome.signal);
    }
  }
}

/** Writes the result as 1.31 would (and the extensions in the same manner); returns the exit status. */
export async function writeClassic(result: CommandResult, out: OutputSink, colours?: PlanColours): Promise<number> {
  switch (result.kind) {
    case 'changed':
      return EXIT_OK;
    case 'change-refused':
      out.err(`${failureText(result.change.kind, result.error)}\n`);
      return EXIT_KERNEL_REFUSED;
    case 'query-failed':
      return queryFailed(out, result.error);
    case 'silent-failure':
      // 1.31 says nothing (the reason is there for --json).
      return EXIT_QUERY_FAILED;
    case 'help':
      out.out(helpText(result.argv0));
      return EXIT_OK;
    case 'version':
      out.out(versionText());
      return EXIT_OK;
    case 'timeouts':
      out.out(renderTimeouts(result.timeouts));
      return EXIT_OK;
    case 'daemons':
      out.out(renderDaemons(result.daemons));
      return EXIT_OK;
    case 'listing': {
      // 1.31 prints the banner before it asks for the services.
      if (result.banner) out.out(renderBanner(result.banner));
      try {
        await writeListing(result.table, result.view, (text) => out.out(text), out.outBytes && ((bytes) => out.outBytes?.(bytes)));
      } catch (error) {
        return queryFailed(out, error);
      }
      return EXIT_OK;
    }
    case 'save':
      try {
        await writeSave(result.table, result, (text) => out.out(text));
      } catch (error) {
        if (!(error instanceof SaveError)) return queryFailed(out, error);
        // 1.31 crashes here: what its buffer held is lost, the blocks it had written stay.
        out.discardPending?.();
        out.err(`ipvsadm: ${error.message}\n`);
        return EXIT_QUERY_FAILED;
      }
      return EXIT_OK;
    case 'connections': {
      const listing = await renderConnections(result.connections, result);
      out.out(listing.stdout);
      if (listing.error !== undefined) out.err(`${listing.error}\n`);
      return connectionsFailed(result.connections) ? EXIT_QUERY_FAILED : EXIT_OK;
    }
    case 'extension-usage':
      out.err(`ipvsadm: ${result.command}: ${result.message}\n`);
      return EXIT_USAGE;
    case 'extension-help':
      out.out(result.text);
      return EXIT_OK;
    case 'rules-invalid':
      for (const p of result.problems) out.err(`${result.file}:${p.line}: ${p.message}\n`);
      return EXIT_USAGE;
    case 'plan':
      out.out(renderPlan(result.steps, colours));
      return result.diff && result.steps.length > 0 ? EXIT_DIFF_PENDING : EXIT_OK;
    case 'applied':
      return writeApplied(result.outcome, out, () => (result.verbose ? renderPlan(result.steps, colours) : ''));
    case 'locked':
      out.err(`ipvsadm: apply: another apply is running (waited ${result.waitedSeconds} s)\n`);
      return EXIT_APPLY_FAILED;
    case 'unsettled':
      out.err(`ipvsadm: ${result.command}: the table changed under each of ${result.reads} reads of it; nothing was changed\n`);
      return result.command === 'diff' ? EXIT_USAGE : EXIT_APPLY_FAILED;
    case 'drained':
      return EXIT_OK;
    case 'drain-timeout':
      out.err(`${drainTimeoutLine(result.service, result.server, result.active, result.inactive, result.waitedSeconds)}\n`);
      for (const note of result.notes) out.err(`${drainNoteLine(note)}\n`);
      return EXIT_DRAIN_TIMEOUT;
    case 'drain-interrupted': {
      const target = drainTarget(result.service, result.server);
      out.err(
        result.restoreError === undefined
          ? `ipvsadm: drain: interrupted by ${result.signal}; ${target} is back at weight ${result.server.weight | 0}\n`
          : `ipvsadm: drain: interrupted by ${result.signal}; ${target} stays at weight 0: ` +
              `${failureText('edit-server', result.restoreError)}\n`,
      );
      return signalStatus(result.signal);
    }
  }
}
