/**
 * The ipvsadm process: open IPVS first (as 1.31 does, even for -h), then parse
 * the command line and run it. Everything outside is injected, so tests can
 * drive the whole program without a kernel.
 */
import { isParseFailure, parseCommandLine, tryHelpMessage, type Invocation, type ParseFailure } from './cli/parse';
import type { NameResolver } from './cli/names';
import type { CommandContext, OutputSink } from './commands/context';
import { EXIT_USAGE } from './commands/exit-status';
import { openWithRetry, type ModuleLoader, type Opener } from './commands/open';
import { runInvocation } from './commands/run';
import { linesOf, runRestoreStream } from './restore/restore';

export interface ProgramDeps extends OutputSink {
  argv0: string;
  open: Opener;
  loadModule: ModuleLoader;
  /** Whether the process could open a raw socket (root); shapes the open-failure reason. */
  isPrivileged: boolean;
  resolver: NameResolver;
  /** popt's POSIXLY_CORRECT mode: the first non-option word ends the options. */
  posixlyCorrect?: boolean;
  readConnections(): Promise<string>;
  stdin(): AsyncIterable<string | Buffer>;
}

/** The lowest IPVS version ipvsadm 1.31 accepts without a warning. */
const MINIMUM_IPVS_VERSION = 0x010104;

function versionWarning(version: number): string {
  const text = `${(version >> 16) & 0xff}.${(version >> 8) & 0xff}.${version & 0xff}`;
  return (
    'Warning: IPVS version mismatch: \n' +
    `  Kernel compiled with IPVS version ${text}\n` +
    '  ipvsadm v1.31  requires minimum IPVS version 1.1.4\n\n'
  );
}

/** Runs one ipvsadm invocation; returns the exit status. */
export async function runProgram(argv: readonly string[], deps: ProgramDeps): Promise<number> {
  const opened = await openWithRetry(deps.open, deps.loadModule, deps.isPrivileged);
  if ('failure' in opened) {
    deps.err(opened.failure);
    return EXIT_USAGE;
  }
  if (opened.info.version < MINIMUM_IPVS_VERSION) deps.err(versionWarning(opened.info.version));
  const ctx: CommandContext = {
    api: opened.api,
    info: opened.info,
    resolver: deps.resolver,
    argv0: deps.argv0,
    out: deps.out,
    err: deps.err,
    readConnections: deps.readConnections,
    stdin: deps.stdin,
  };
  const parse = (words: readonly string[]) =>
    parseCommandLine(words, { argv0: deps.argv0, resolver: deps.resolver, posixlyCorrect: deps.posixlyCorrect });
  const restore = (c: CommandContext): Promise<number> =>
    runRestoreStream(linesOf(c.stdin()), c, {
      parse,
      runOther: (inv: Invocation) => runInvocation(inv, c, restore),
      endsRestore: (failure: ParseFailure) => failure.kind !== 'popt',
      nestedRestore: () => ({ kind: 'usage', exitCode: 255, message: tryHelpMessage(deps.argv0) }),
    });
  try {
    // With no arguments at all, ipvsadm lists the table like -L.
    const parsed = await parse(argv.length === 0 ? ['-L'] : argv);
    if (isParseFailure(parsed)) {
      deps.err(parsed.message);
      return parsed.exitCode;
    }
    return await runInvocation(parsed, ctx, restore);
  } finally {
    opened.api.close();
  }
}
