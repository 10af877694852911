/** Shared helpers for the command-line tests. */
import { Invocation, ParseFailure, isParseFailure, parseCommandLine } from '../../src/cli/parse';
import { fakeResolver } from '../support/fake-resolver';

/** A command line: a string is split on single blanks; use an array for empty or blank-containing words. */
export type Args = string | readonly string[];

export const words = (args: Args): string[] => (typeof args === 'string' ? (args === '' ? [] : args.split(' ')) : [...args]);

export function parse(args: Args, argv0 = 'ipvsadm'): Promise<Invocation | ParseFailure> {
  return parseCommandLine(words(args), { argv0, resolver: fakeResolver() });
}

export async function ok(args: Args): Promise<Invocation> {
  const result = await parse(args);
  if (isParseFailure(result)) throw new Error(`expected ${JSON.stringify(words(args))} to parse, got: ${result.message}`);
  return result;
}

export async function fails(args: Args, argv0 = 'ipvsadm'): Promise<ParseFailure> {
  const result = await parse(args, argv0);
  if (!isParseFailure(result)) throw new Error(`expected ${JSON.stringify(words(args))} to fail, it parsed as ${result.command}`);
  return result;
}

/** Asserts the exact stderr text (one line plus the newline unless given) and exit code. */
export async function expectError(args: Args, message: string, exitCode: 2 | 255 = 2, argv0 = 'ipvsadm'): Promise<void> {
  const failure = await fails(args, argv0);
  expect({ message: failure.message, exitCode: failure.exitCode }).toEqual({
    message: message.endsWith('\n') ? message : `${message}\n`,
    exitCode,
  });
}

export const tryHelp = (argv0 = 'ipvsadm') => `Try \`${argv0} -h' or '${argv0} --help' for more information.`;
