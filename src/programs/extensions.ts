/**
 * The programs' side of the commands ipvsadm 1.31 does not have: their
 * command line (cli/extensions.ts, yargs), the rules file, IPVS, the apply
 * lock, signals during an apply, and colour on a terminal.
 */
import { parseExtension, type DrainInvocation, type ExtensionName, type RulesInvocation } from '../cli/extensions';
import { runExtension } from '../commands/apply';
import type { CommandContext } from '../commands/context';
import { runDrain } from '../commands/drain';
import { drainedLine, drainNoteLine, drainProgressLine, drainTarget } from '../render/drain';
import { openWithRetry } from '../commands/open';
import { strerror } from '../messages';
import { EXIT_USAGE } from '../messages/exit-status';
import { writeClassic } from '../render/classic';
import type { PlanColours } from '../render/plan';
import type { TopColours } from '../render/top';
import type { ProgramDeps } from './ipvsadm';
import { readAll } from './input';
import { runTopProgram } from './top';
import { errnoOf } from './output';

export async function runExtensionProgram(name: ExtensionName, args: readonly string[], deps: ProgramDeps): Promise<number> {
  const parsed = parseExtension(name, args);
  if ('help' in parsed) return writeClassic({ kind: 'extension-help', text: parsed.help }, deps);
  if ('error' in parsed) return writeClassic({ kind: 'extension-usage', command: name, message: parsed.error }, deps);
  const inv = parsed.invocation;
  if (inv.command === 'drain') return runDrainProgram(inv, deps);
  if (inv.command === 'top') return runTopProgram(inv, deps, openFor);
  return runRulesProgram(inv, deps);
}

/** IPVS opened for an extension, or the status it ended with (the message is written). */
async function openFor(deps: ProgramDeps): Promise<CommandContext | number> {
  const opened = await openWithRetry(deps.open, deps.loadModule, deps.isPrivileged);
  if ('failure' in opened) {
    deps.err(opened.failure);
    return EXIT_USAGE;
  }
  return { ...deps, api: opened.api, info: opened.info };
}

async function runRulesProgram(inv: RulesInvocation, deps: ProgramDeps): Promise<number> {
  let text: string;
  try {
    text = inv.file === '-' ? await readAll(deps.stdin()) : await deps.readTextFile(inv.file);
  } catch (error) {
    deps.err(`ipvsadm: ${inv.command}: cannot read ${inv.file}: ${strerror(errnoOf(error))}\n`);
    return EXIT_USAGE;
  }
  const ctx = await openFor(deps);
  if (typeof ctx === 'number') return ctx;
  // Only an apply that changes the table catches signals, to roll back; diff and --dry-run stop at once.
  const signals = inv.command === 'apply' && !inv.dryRun ? deps.watchSignals() : undefined;
  try {
    const interrupted = () => signals?.received();
    const result = await runExtension(inv, text, ctx, { lock: deps.applyLock, interrupted, caught: signals?.caught, clock: deps.clock });
    const status = await writeClassic(result, ctx, deps.planColours());
    // diff's 1 says "there are changes to make": a table that cannot be read
    // is an error (2), as its man page says, or a script would act on it.
    return inv.command === 'diff' && result.kind === 'query-failed' ? EXIT_USAGE : status;
  } finally {
    signals?.stop();
    ctx.api.close();
  }
}

/**
 * drain: quiet unless standard error is a terminal, where it shows the
 * sysctls that are off, a progress line redrawn in place and the outcome.
 */
async function runDrainProgram(inv: DrainInvocation, deps: ProgramDeps): Promise<number> {
  const ctx = await openFor(deps);
  if (typeof ctx === 'number') return ctx;
  const terminal = deps.isTerminal(2);
  const signals = deps.watchSignals();
  let drawn = false;
  let shown = '';
  const clearLine = () => {
    if (drawn) deps.err('\r\x1b[K');
    drawn = false;
  };
  try {
    const result = await runDrain(inv, ctx, {
      now: deps.clock.now,
      sleep: deps.clock.sleep,
      interrupted: () => signals.received(),
      sysctl: deps.readSysctl,
      begin: (service, server, notes) => {
        if (!terminal) return;
        for (const note of notes) deps.err(`${drainNoteLine(note)}\n`);
        shown = drainTarget(service, server);
      },
      progress: (p) => {
        if (!terminal) return;
        deps.err(`\r\x1b[K${drainProgressLine(shown, p)}`);
        drawn = true;
      },
    });
    clearLine();
    if (terminal && result.kind === 'drained') deps.err(`${drainedLine(result.service, result.server, result.seconds, result.deleted)}\n`);
    return await writeClassic(result, ctx);
  } finally {
    clearLine();
    signals.stop();
    ctx.api.close();
  }
}

/** Green adds, yellow edits, red deletes (chalk, loaded only when colour is on). */
export function chalkPlanColours(): PlanColours {
  const chalk = require('chalk') as typeof import('chalk');
  const c = new chalk.Instance({ level: 1 });
  return { add: (t) => c.green(t), edit: (t) => c.yellow(t), delete: (t) => c.red(t) };
}

/** New rows green, changed values yellow, what is gone red, headings bold (chalk, loaded only on a terminal). */
export function chalkTopColours(): TopColours {
  const chalk = require('chalk') as typeof import('chalk');
  const c = new chalk.Instance({ level: 1 });
  return { added: (t) => c.green(t), changed: (t) => c.yellow.bold(t), removed: (t) => c.red(t), heading: (t) => c.bold(t) };
}
