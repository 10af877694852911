/**
 * ipvsadm-save and ipvsadm-restore, with the behaviour of Debian's shell
 * wrappers but without their extra processes: the ipvsadm runs they make
 * happen in this process, each opening IPVS like a separate ipvsadm would.
 */
import { EXIT_SAVE_USAGE } from '../messages/exit-status';
import { runProgram, type ProgramDeps } from './ipvsadm';
import { readAll } from './input';

/** ipvsadm-save [-n]: any other word starting with '-' prints the usage and fails. */
export async function runSaveWrapper(args: readonly string[], scriptName: string, deps: ProgramDeps): Promise<number> {
  let numeric = false;
  for (const arg of args) {
    if (arg === '-n') numeric = true;
    else if (arg.startsWith('-')) {
      deps.err(`${scriptName}: Script to save the IPVS table to stdout.\n`);
      deps.err('   With the -n option, prints out the table in numeric format.\n');
      return EXIT_SAVE_USAGE;
    }
  }
  return runProgram(numeric ? ['-S', '-n'] : ['-S'], deps);
}

/** The lines ipvsadm-restore passes on: all but those starting with '#', as `$(grep -v '^#')` then echo give them. */
export function restoreWrapperInput(text: string): string {
  const kept = text.split('\n');
  if (kept[kept.length - 1] === '') kept.pop();
  const body = kept.filter((line) => !line.startsWith('#')).join('\n');
  // Command substitution drops every trailing newline; echo adds one back.
  return `${body.replace(/\n+$/, '')}\n`;
}

/** ipvsadm-restore: read all input, clear the table, then restore what is left of the input. */
export async function runRestoreWrapper(deps: ProgramDeps): Promise<number> {
  const input = restoreWrapperInput(await readAll(deps.stdin()));
  await runProgram(['-C'], deps);
  return runProgram(['-R'], { ...deps, stdin: () => once(input) });
}

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}
