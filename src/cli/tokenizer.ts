/**
 * Splits argv the way popt (as used by ipvsadm, no aliases, no config files)
 * does: clustered short options, a short option with an argument takes the
 * rest of its cluster less one '=' (a flag followed by '=' is an error), long options
 * are matched exactly, `--` ends option parsing, other words are leftovers.
 *
 * Tokenizing stops at the first popt error; the parser processes tokens in
 * order, so a value error earlier on the line still wins over it.
 */
import { ALL_OPTIONS, EXTENSION_FLAGS, OptionSpec } from './options';

export type PoptError = 'unknown option' | 'missing argument' | 'option does not take an argument';

export interface OptionToken {
  kind: 'option';
  spec: OptionSpec;
  /** The argument; undefined for flags and for -p without a value. */
  value: string | undefined;
  /** The last argv word consumed for this option (what popt's poptBadOption reports). */
  word: string;
}

export interface ErrorToken {
  kind: 'error';
  error: PoptError;
  word: string;
}

export type Token = OptionToken | ErrorToken;

export interface TokenizedArgv {
  /** Options in argv order; if an error occurred it is the last item. */
  tokens: Token[];
  /** Non-option words in argv order (only those before a popt error). */
  leftovers: string[];
}

export interface TokenizeOptions {
  /** popt's POSIXLY_CORRECT / POSIX_ME_HARDER mode: the first leftover word ends option parsing. */
  posixlyCorrect?: boolean;
  options?: readonly OptionSpec[];
}

interface OptionLookup {
  byLong: ReadonlyMap<string, OptionSpec>;
  byShort: ReadonlyMap<string, OptionSpec>;
}

// Built once per option table: -R tokenizes every line of its input.
const lookups = new WeakMap<readonly OptionSpec[], OptionLookup>();

function lookupFor(options: readonly OptionSpec[]): OptionLookup {
  let lookup = lookups.get(options);
  if (!lookup) {
    const byLong = new Map<string, OptionSpec>();
    const byShort = new Map<string, OptionSpec>();
    for (const spec of options) {
      byLong.set(spec.long, spec);
      for (const letter of spec.short) byShort.set(letter, spec);
    }
    lookup = { byLong, byShort };
    lookups.set(options, lookup);
  }
  return lookup;
}

export function tokenize(argv: readonly string[], settings: TokenizeOptions = {}): TokenizedArgv {
  const { byLong, byShort } = lookupFor(settings.options ?? ALL_OPTIONS);

  const tokens: Token[] = [];
  const leftovers: string[] = [];
  let next = 0;
  let restAreLeftovers = false;

  const fail = (error: PoptError): TokenizedArgv => {
    tokens.push({ kind: 'error', error, word: argv[next - 1] });
    return { tokens, leftovers };
  };

  // Argument from the following word; undefined result means "missing".
  const takeNextWord = (spec: OptionSpec): { value: string | undefined } | undefined => {
    if (next >= argv.length) return spec.argKind === 'optional' ? { value: undefined } : undefined;
    if (spec.argKind === 'optional' && argv[next].startsWith('-')) return { value: undefined };
    return { value: argv[next++] };
  };

  const takesArgument = (spec: OptionSpec) => spec.argKind === 'required' || spec.argKind === 'optional';

  while (next < argv.length) {
    const word = argv[next++];
    if (restAreLeftovers || !word.startsWith('-') || word === '-') {
      if (settings.posixlyCorrect) restAreLeftovers = true;
      leftovers.push(word);
      continue;
    }
    if (word === '--') {
      restAreLeftovers = true;
      continue;
    }

    if (word.startsWith('--')) {
      const body = word.slice(2);
      const eq = body.indexOf('=');
      const name = eq < 0 ? body : body.slice(0, eq);
      const inline = eq < 0 ? undefined : body.slice(eq + 1);
      const spec = byLong.get(name);
      if (!spec) return fail('unknown option');
      if (!takesArgument(spec)) {
        // `--json=x` is no use of ours, and 1.31 knows no --json: its answer, as for any option it does not know.
        if (inline !== undefined) return fail(EXTENSION_FLAGS.includes(spec) ? 'unknown option' : 'option does not take an argument');
        tokens.push({ kind: 'option', spec, value: undefined, word });
        continue;
      }
      let value: string | undefined = inline;
      if (inline === undefined) {
        const taken = takeNextWord(spec);
        if (!taken) return fail('missing argument');
        value = taken.value;
      }
      tokens.push({ kind: 'option', spec, value, word: argv[next - 1] });
      continue;
    }

    // A cluster of short options. A letter that takes no value followed by
    // '=' is popt's "does not take an argument" (measured against 1.31: `-n=`,
    // `-n=x`, `-Ln=x`); one that takes a value gets the rest of the word,
    // less one '=' (`-s=rr` is rr, `-s==rr` is =rr).
    let cluster: string | undefined = word.slice(1);
    while (cluster !== undefined) {
      const spec = cluster === '' ? undefined : byShort.get(cluster[0]);
      if (!spec) return fail('unknown option');
      const tail: string = cluster.slice(1);
      if (!takesArgument(spec)) {
        if (tail.startsWith('=')) return fail('option does not take an argument');
        tokens.push({ kind: 'option', spec, value: undefined, word });
        cluster = tail === '' ? undefined : tail;
        continue;
      }
      let value: string | undefined;
      if (tail !== '') {
        value = tail.startsWith('=') ? tail.slice(1) : tail;
      } else {
        const taken = takeNextWord(spec);
        if (!taken) return fail('missing argument');
        value = taken.value;
      }
      tokens.push({ kind: 'option', spec, value, word: argv[next - 1] });
      cluster = undefined;
    }
  }
  return { tokens, leftovers };
}

/** Splits a restore line into words: blanks, tabs and carriage returns separate; `ipvsadm` words vanish. */
export function restoreLineWords(line: string): string[] {
  return line.split(/[ \t\r]+/).filter((word) => word !== '' && word !== 'ipvsadm');
}
