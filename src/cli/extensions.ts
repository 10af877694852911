/**
 * The command lines of the commands ipvsadm 1.31 does not have. They start
 * with a word (`apply`, `diff`), which 1.31 refuses as a first argument, so no
 * classic command line changes meaning; popt's grammar stays for the classic
 * flags and yargs parses these. yargs is required here only, and this module
 * only when the first word names an extension, so a classic command line
 * never loads it.
 */
import type { Argv } from 'yargs';

export type ExtensionName = 'apply' | 'diff' | 'drain' | 'top';

export const EXTENSION_NAMES: readonly ExtensionName[] = ['apply', 'diff', 'drain', 'top'];

export function isExtension(word: string | undefined): word is ExtensionName {
  return EXTENSION_NAMES.includes(word as ExtensionName);
}

/** apply and diff: a rules file against the live table. */
export interface RulesInvocation {
  command: 'apply' | 'diff';
  /** The rules file; `-` is standard input. */
  file: string;
  dryRun: boolean;
  /** apply --verbose: print the plan once it has been carried out. */
  verbose: boolean;
  /** `--only` words, unparsed (see commands/apply/scope.ts). */
  only: string[];
  /** Seconds to wait for another apply to finish. */
  waitSeconds: number;
  /** apply: seconds a removed server may keep its connections in flight before it is deleted anyway. */
  graceSeconds: number;
}

/** drain: one real server of one service. */
export interface DrainInvocation {
  command: 'drain';
  /**
   * The service and server as classic options (`-t ADDR -r SERVER`, `-f MARK -6 -r ...`),
   * for the classic parser to check and resolve as it does for `-e`.
   */
  target: string[];
  /** How long to wait for the server's connections to end. */
  waitSeconds: number;
  /** Leave the server at weight 0 instead of deleting it. */
  keep: boolean;
}

/** The columns top can sort by; `name` is the listing's own order. */
export const TOP_SORTS = ['name', 'active', 'inactive', 'conns', 'cps', 'inpps', 'outpps', 'inbps', 'outbps'] as const;
export type TopSort = (typeof TOP_SORTS)[number];

/** top: the live view. */
export interface TopInvocation {
  command: 'top';
  intervalSeconds: number;
  sort: TopSort;
}

export type ExtensionInvocation = RulesInvocation | DrainInvocation | TopInvocation;

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
  drain:
    'Take a real server out of service without breaking a connection: weight 0, wait until its active and inactive ' +
    'connections reach 0, then delete it (or keep it at weight 0).',
  top:
    'A live table of the services and real servers with their connections and rates, refreshed every few seconds, ' +
    'changes highlighted; q quits, s sorts by the next column. Not on a terminal: one snapshot.',
};

/** The positional words of each command, as yargs writes them. */
const SYNOPSES: Record<ExtensionName, string> = { apply: '$0 <file>', diff: '$0 <file>', drain: '$0', top: '$0' };

/** Which manual page documents each command's options. */
export const EXTENSION_PAGES: Record<ExtensionName, string> = {
  apply: 'ipvsadm-apply.8', diff: 'ipvsadm-apply.8', drain: 'ipvsadm-drain.8', top: 'ipvsadm-top.8',
};

/** The options of the extension commands: what yargs parses and what their man pages document. */
export interface ExtensionOption {
  name: string;
  /** A one-letter alias, written as the classic command line writes it. */
  short?: string;
  commands: readonly ExtensionName[];
  /** The placeholder of its value, or undefined for a flag. */
  argument?: string;
  /** Parsed as a number. */
  numeric?: boolean;
  describe: string;
}

export const DEFAULT_APPLY_WAIT_SECONDS = 10;
export const DEFAULT_APPLY_GRACE_SECONDS = 10;
export const DEFAULT_DRAIN_WAIT_SECONDS = 300;
export const DEFAULT_TOP_INTERVAL_SECONDS = 2;
export const DEFAULT_TOP_SORT: TopSort = 'cps';

export const EXTENSION_OPTIONS: readonly ExtensionOption[] = [
  {
    name: 'only',
    commands: ['apply', 'diff'],
    argument: 'scope',
    describe: 'touch only these services (repeatable): fwmark:N[-M], an address prefix, or tcp, udp, sctp',
  },
  { name: 'dry-run', commands: ['apply'], describe: 'print the plan and change nothing' },
  { name: 'verbose', commands: ['apply'], describe: 'print the plan once it has been carried out' },
  {
    name: 'grace', commands: ['apply'], argument: 'seconds', numeric: true,
    describe: `seconds a server being removed (at weight 0) may finish its connections before it is deleted (default ${DEFAULT_APPLY_GRACE_SECONDS}; 0 deletes at once)`,
  },
  {
    name: 'wait', commands: ['apply'], argument: 'seconds', numeric: true,
    describe: `seconds to wait for another apply (default ${DEFAULT_APPLY_WAIT_SECONDS})`,
  },
  { name: 'tcp-service', short: 't', commands: ['drain'], argument: 'service-address', describe: 'the TCP service, host[:port]' },
  { name: 'udp-service', short: 'u', commands: ['drain'], argument: 'service-address', describe: 'the UDP service, host[:port]' },
  { name: 'sctp-service', commands: ['drain'], argument: 'service-address', describe: 'the SCTP service, host[:port]' },
  { name: 'fwmark-service', short: 'f', commands: ['drain'], argument: 'fwmark', describe: 'the firewall-mark service' },
  { name: 'ipv6', short: '6', commands: ['drain'], describe: 'the firewall-mark service is IPv6' },
  { name: 'real-server', short: 'r', commands: ['drain'], argument: 'server-address', describe: 'the real server to drain, host[:port]' },
  {
    name: 'wait', commands: ['drain'], argument: 'seconds', numeric: true,
    describe: `seconds to wait for its connections to end (default ${DEFAULT_DRAIN_WAIT_SECONDS})`,
  },
  { name: 'keep', commands: ['drain'], describe: 'keep the drained server at weight 0 instead of deleting it' },
  {
    name: 'interval', commands: ['top'], argument: 'seconds', numeric: true,
    describe: `seconds between refreshes (default ${DEFAULT_TOP_INTERVAL_SECONDS})`,
  },
  {
    name: 'sort', commands: ['top'], argument: 'column',
    describe: `sort by ${TOP_SORTS.join(', ')} (default ${DEFAULT_TOP_SORT}; busiest first, name is the listing's order)`,
  },
];

const SERVICE_OPTIONS = ['tcp-service', 'udp-service', 'sctp-service', 'fwmark-service'] as const;

function parser(name: ExtensionName): Argv {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const yargs = require('yargs/yargs') as (args?: readonly string[]) => Argv;
  let y = yargs()
    .scriptName(`ipvsadm ${name}`)
    .command(SYNOPSES[name], DESCRIPTIONS[name], (c) =>
      name === 'drain' ? c : c.positional('file', { type: 'string', describe: 'the rules file' }),
    );
  for (const o of EXTENSION_OPTIONS) {
    if (!o.commands.includes(name)) continue;
    y = y.option(o.name, {
      alias: o.short,
      type: o.numeric ? 'number' : o.argument === undefined ? 'boolean' : 'string',
      requiresArg: o.argument !== undefined,
      describe: o.describe,
    });
  }
  return y.strict().help('help').alias('help', 'h').version(false).exitProcess(false).wrap(80);
}

type Parsed = Record<string, unknown>;

function seconds(parsed: Parsed, fallback: number, option = 'wait'): number | { error: string } {
  const value = Number(parsed[option] ?? fallback);
  return Number.isFinite(value) && value >= 0 ? value : { error: `invalid --${option} value (want seconds, 0 or more)` };
}

function rulesInvocation(name: 'apply' | 'diff', args: readonly string[], parsed: Parsed): ExtensionParse {
  const waitSeconds = seconds(parsed, DEFAULT_APPLY_WAIT_SECONDS);
  if (typeof waitSeconds !== 'number') return waitSeconds;
  const graceSeconds = seconds(parsed, DEFAULT_APPLY_GRACE_SECONDS, 'grace');
  if (typeof graceSeconds !== 'number') return graceSeconds;
  const only = parsed.only === undefined ? [] : ([] as unknown[]).concat(parsed.only).map(String);
  // yargs hands a lone `-` over as an empty word.
  const file = parsed.file === '' && args.includes('-') ? '-' : String(parsed.file);
  return { invocation: { command: name, file, dryRun: parsed.dryRun === true, verbose: parsed.verbose === true, only, waitSeconds, graceSeconds } };
}

function drainInvocation(parsed: Parsed): ExtensionParse {
  const waitSeconds = seconds(parsed, DEFAULT_DRAIN_WAIT_SECONDS);
  if (typeof waitSeconds !== 'number') return waitSeconds;
  const given = SERVICE_OPTIONS.filter((o) => parsed[o] !== undefined);
  if (given.length !== 1) return { error: 'name one service: -t, -u, --sctp-service or -f' };
  if (parsed['real-server'] === undefined) return { error: 'name the real server to drain with -r' };
  if (parsed.ipv6 === true && given[0] !== 'fwmark-service') return { error: '-6 goes with -f only' };
  const target = [`--${given[0]}`, String(parsed[given[0]]), ...(parsed.ipv6 === true ? ['-6'] : []), '-r', String(parsed['real-server'])];
  return { invocation: { command: 'drain', target, waitSeconds, keep: parsed.keep === true } };
}

function topInvocation(parsed: Parsed): ExtensionParse {
  const intervalSeconds = Number(parsed.interval ?? DEFAULT_TOP_INTERVAL_SECONDS);
  if (!Number.isFinite(intervalSeconds) || intervalSeconds < 0.1) return { error: 'invalid --interval value (want seconds, 0.1 or more)' };
  const sort = String(parsed.sort ?? DEFAULT_TOP_SORT);
  if (!(TOP_SORTS as readonly string[]).includes(sort)) return { error: `invalid --sort value '${sort}' (one of ${TOP_SORTS.join(', ')})` };
  return { invocation: { command: 'top', intervalSeconds, sort: sort as TopSort } };
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
    outcome = name === 'drain' ? drainInvocation(parsed) : name === 'top' ? topInvocation(parsed) : rulesInvocation(name, args, parsed);
  });
  return outcome ?? { error: 'cannot parse the command line' };
}
