/**
 * The programs' side of the commands ipvsadm 1.31 does not have: their
 * command line (cli/extensions.ts, yargs), the rules file, IPVS, the apply
 * lock, signals during an apply, and colour on a terminal.
 */
import { parseExtension, type ExtensionName } from '../cli/extensions';
import { runExtension } from '../commands/apply';
import type { CommandContext } from '../commands/context';
import { openWithRetry } from '../commands/open';
import { strerror } from '../messages';
import { EXIT_USAGE } from '../messages/exit-status';
import { writeClassic } from '../render/classic';
import type { PlanColours } from '../render/plan';
import type { ProgramDeps } from './ipvsadm';
import { readAll } from './input';
import { errnoOf } from './output';

export async function runExtensionProgram(name: ExtensionName, args: readonly string[], deps: ProgramDeps): Promise<number> {
  const parsed = parseExtension(name, args);
  if ('help' in parsed) return writeClassic({ kind: 'extension-help', text: parsed.help }, deps);
  if ('error' in parsed) return writeClassic({ kind: 'extension-usage', command: name, message: parsed.error }, deps);
  const inv = parsed.invocation;
  let text: string;
  try {
    text = inv.file === '-' ? await readAll(deps.stdin()) : await deps.readTextFile(inv.file);
  } catch (error) {
    deps.err(`ipvsadm: ${name}: cannot read ${inv.file}: ${strerror(errnoOf(error))}\n`);
    return EXIT_USAGE;
  }
  const opened = await openWithRetry(deps.open, deps.loadModule, deps.isPrivileged);
  if ('failure' in opened) {
    deps.err(opened.failure);
    return EXIT_USAGE;
  }
  const ctx: CommandContext = { ...deps, api: opened.api, info: opened.info };
  // Only an apply that changes the table catches signals, to roll back; diff and --dry-run stop at once.
  const signals = inv.command === 'apply' && !inv.dryRun ? deps.watchSignals() : undefined;
  try {
    const interrupted = () => signals?.received();
    const result = await runExtension(inv, text, ctx, { lock: deps.applyLock, interrupted });
    return await writeClassic(result, ctx, deps.planColours());
  } finally {
    signals?.stop();
    opened.api.close();
  }
}

/** Green adds, yellow edits, red deletes (chalk, loaded only when colour is on). */
export function chalkPlanColours(): PlanColours {
  const chalk = require('chalk') as typeof import('chalk');
  const c = new chalk.Instance({ level: 1 });
  return { add: (t) => c.green(t), edit: (t) => c.yellow(t), delete: (t) => c.red(t) };
}
