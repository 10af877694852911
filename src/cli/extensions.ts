/**
 * The command lines of the commands ipvsadm 1.31 does not have. They start
 * with a word (`apply`, `diff`), which 1.31 refuses as a first argument, so no
 * classic command line changes meaning; popt's grammar stays for the classic
 * flags and yargs parses these. yargs is required here only, and this module
 * only when the first word names an extension, so a classic command line
 * never loads it.
 */
import type { Argv } from 'yargs';

export type ExtensionName = 'apply' | 'diff';

export const EXTENSION_NAMES: readonly ExtensionName[] = ['apply', 'diff'];

export function isExtension(word: string | undefined): word is ExtensionName {
  return EXTENSION_NAMES.includes(word as ExtensionName);
}

export interface ExtensionInvocation {
  command: ExtensionName;
  /** The rules file; `-` is standard input. */
  file: string;
  dryRun: boolean;
  /** apply --verbose: print the plan once it has been carried out. */
  verbose: boolean;
  /** `--only` words, unparsed (see commands/apply/scope.ts). */
  only: string[];
  /** Seconds to wait for another apply to finish. */
  waitSeconds: number;
}

export type ExtensionParse =
  | { invocation: ExtensionInvocation }
  /** --help: the text for stdout. */
  | { help: string }
  /** A usage error: one line, without the newline. */
  | { error: string };

const DESCRIPTIONS: Record<ExtensionName, string> = {
  apply:
    'Make the live table what FILE (as `ipvsadm -S` writes it; - for standard input) says, with the fewest changes, ' +
    'all or nothing: never a flush, and a change the kernel refuses undoes the others.',
  diff: 'Print the changes `apply FILE` would make, as lines `ipvsadm -R` accepts; exit 0 when there are none, 1 when there are.',
};

/** The options of the extension commands: what yargs parses and what ipvsadm-apply.8 documents. */
export interface ExtensionOption {
  name: 'only' | 'dry-run' | 'verbose' | 'wait';
  commands: readonly ExtensionName[];
  /** The placeholder of its value, or undefined for a flag. */
  argument?: string;
  describe: string;
}

export const EXTENSION_OPTIONS: readonly ExtensionOption[] = [
  {
    name: 'only',
    commands: ['apply', 'diff'],
    argument: 'scope',
    describe: 'touch only these services (repeatable): fwmark:N[-M], an address prefix, or tcp, udp, sctp',
  },
  { name: 'dry-run', commands: ['apply'], describe: 'print the plan and change nothing' },
  { name: 'verbose', commands: ['apply'], describe: 'print the plan once it has been carried out' },
  { name: 'wait', commands: ['apply'], argument: 'seconds', describe: 'seconds to wait for another apply (default 10)' },
];

function parser(name: ExtensionName): Argv {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const yargs = require('yargs/yargs') as (args?: readonly string[]) => Argv;
  let y = yargs()
    .scriptName(`ipvsadm ${name}`)
    .command('$0 <file>', DESCRIPTIONS[name], (c) => c.positional('file', { type: 'string', describe: 'the rules file' }));
  for (const o of EXTENSION_OPTIONS) {
    if (!o.commands.includes(name)) continue;
    y = y.option(o.name, {
      type: o.name === 'wait' ? 'number' : o.argument === undefined ? 'boolean' : 'string',
      requiresArg: o.argument !== undefined,
      describe: o.describe,
    });
  }
  return y.strict().help('help').alias('help', 'h').version(false).exitProcess(false).wrap(80);
}

export function parseExtension(name: ExtensionName, args: readonly string[]): ExtensionParse {
  let outcome: ExtensionParse | undefined;
  parser(name).parse([...args], {}, (error, parsed, output) => {
    if (error) {
      outcome = { error: error.message };
      return;
    }
    if (parsed.help) {
      outcome = { help: output.endsWith('\n') ? output : `${output}\n` };
      return;
    }
    const waitSeconds = Number(parsed.wait ?? 10);
    if (!Number.isFinite(waitSeconds) || waitSeconds < 0) {
      outcome = { error: `invalid --wait value (want seconds, 0 or more)` };
      return;
    }
    const only = parsed.only === undefined ? [] : ([] as unknown[]).concat(parsed.only).map(String);
    // yargs hands a lone `-` over as an empty word.
    const file = parsed.file === '' && args.includes('-') ? '-' : String(parsed.file);
    outcome = { invocation: { command: name, file, dryRun: parsed.dryRun === true, verbose: parsed.verbose === true, only, waitSeconds } };
  });
  return outcome ?? { error: 'cannot parse the command line' };
}
