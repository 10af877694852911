/**
 * The ipvsadm program: open IPVS first (as 1.31 does, even for -h), then parse
 * the command line and run it. Everything outside is injected, so tests can
 * drive the whole program without a kernel.
 */
import { isParseFailure, parseCommandLine } from '../cli/parse';
import type { CommandContext } from '../commands/context';
import { formatIpvsVersion } from '../ipvs/vocabulary';
import { EXIT_USAGE } from '../messages/exit-status';
import { openWithRetry, type ModuleLoader, type Opener } from '../commands/open';
import { runInvocation } from '../commands/run';
import { writeAsJson } from '../render/as-json';
import { writeClassic } from '../render/classic';
import { errorJson } from '../render/json';
import { writeJson } from '../json/write';
import { runRestore } from '../restore/restore';
import { isExtension } from '../cli/extensions';
import { tokenize } from '../cli/tokenizer';
import type { PlanColours } from '../render/plan';
import { runExtensionProgram } from './extensions';
import type { TerminalIo } from './top';

/** What the program needs from outside: a command's context but the kernel, and how to reach the kernel. */
export interface ProgramDeps extends Omit<CommandContext, 'api' | 'info'> {
  open: Opener;
  loadModule: ModuleLoader;
  /** Whether the process could open a raw socket (root); shapes the open-failure reason. */
  isPrivileged: boolean;
  /** For apply and diff: a rules file's text. */
  readTextFile(path: string): Promise<string>;
  /** For apply: the lock against a concurrent apply (see programs/lock.ts). */
  applyLock(waitSeconds: number): Promise<(() => void) | undefined>;
  /** For apply: catch SIGINT and SIGTERM until stop(); received() names the first one caught, and `caught` is aborted by it. */
  watchSignals(): SignalWatch;
  /** For top: standard output as a terminal, or undefined when it is not one. */
  terminal(): TerminalIo | undefined;
  /** Whether standard output (1) or error (2) is a terminal. */
  isTerminal(fd: 1 | 2): boolean;
  /** For drain: the value of a sysctl (net.ipv4.vs.x), undefined when it cannot be read. */
  readSysctl(name: string): Promise<string | undefined>;
  /** For drain: wall-clock milliseconds, and a wait. */
  /** `signal` ends a sleep early (top's wait, when a key wakes it first). */
  clock: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> };
  /** Colours for a plan, when stdout is a terminal that wants them. */
  planColours(): PlanColours | undefined;
}

/** SIGINT and SIGTERM, caught rather than fatal while a program watches them. */
export interface SignalWatch {
  received(): string | undefined;
  /** Aborted by the first signal caught: a wait given it ends then. */
  caught: AbortSignal;
  stop(): void;
}

/** The lowest IPVS version ipvsadm 1.31 accepts without a warning. */
const MINIMUM_IPVS_VERSION = 0x010104;

function versionWarning(version: number): string {
  return (
    'Warning: IPVS version mismatch: \n' +
    `  Kernel compiled with IPVS version ${formatIpvsVersion(version)}\n` +
    `  ipvsadm v1.31  requires minimum IPVS version ${formatIpvsVersion(MINIMUM_IPVS_VERSION)}\n\n`
  );
}

/**
 * Whether the command line asks for JSON, decided before it is parsed, so
 * that the failures that come first (IPVS cannot be opened, the command line
 * is wrong) are JSON too: `--json` read as an option, as popt reads the
 * words (in `-t --json` it is -t's value, as in 1.31, and asks for nothing),
 * or standing after the word where popt stops at an error, before any `--`;
 * never after a first -h or -v, which 1.31 acts on before reading further.
 */
export function asksForJson(argv: readonly string[]): boolean {
  const { tokens } = tokenize(argv);
  // 1.31 acts on a first -h or -v at once: popt never reads the words after it.
  const first = tokens[0];
  if (first?.kind === 'option' && (first.spec.command === 'help' || first.spec.command === 'version')) return false;
  if (tokens.some((t) => t.kind === 'option' && t.spec.long === 'json')) return true;
  const error = tokens.find((t) => t.kind === 'error');
  if (error === undefined) return false;
  const unread = argv.slice(argv.indexOf(error.word) + 1);
  const end = unread.indexOf('--');
  return (end === -1 ? unread : unread.slice(0, end)).includes('--json');
}

/** Runs one ipvsadm invocation; returns the exit status. */
export async function runProgram(argv: readonly string[], deps: ProgramDeps): Promise<number> {
  // A first word 1.31 refuses names a command of ours (apply, diff).
  if (isExtension(argv[0])) return runExtensionProgram(argv[0], argv.slice(1), deps);
  const json = asksForJson(argv);
  const fail = (message: string, status: number): number => {
    deps.err(json ? `${writeJson(errorJson(message, status))}\n` : message);
    return status;
  };
  const opened = await openWithRetry(deps.open, deps.loadModule, deps.isPrivileged);
  if ('failure' in opened) return fail(opened.failure, EXIT_USAGE);
  if (opened.info.version < MINIMUM_IPVS_VERSION) deps.err(versionWarning(opened.info.version));
  const ctx: CommandContext = { ...deps, api: opened.api, info: opened.info };
  try {
    // With no arguments at all, ipvsadm lists the table like -L.
    const parsed = await parseCommandLine(argv.length === 0 ? ['-L'] : argv, ctx);
    if (isParseFailure(parsed)) return fail(parsed.message, parsed.exitCode);
    if (parsed.command === 'restore') return await runRestore(ctx);
    const result = await runInvocation(parsed, ctx);
    return parsed.json ? await writeAsJson(result, ctx) : await writeClassic(result, ctx);
  } finally {
    opened.api.close();
  }
}
