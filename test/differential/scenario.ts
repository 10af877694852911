// Parser of differential scenario files (format: test/differential/README.md).
// Pure: text in, steps out; no file system, no processes.

export const PROGRAMS = ['ipvsadm', 'ipvsadm-save', 'ipvsadm-restore'] as const;
export type Program = (typeof PROGRAMS)[number];

export const DEFAULT_STEP_TIMEOUT_MS = 20_000;

interface StepBase {
  /** Compared between real and ours; false for `run` steps. */
  compare: boolean;
  timeoutMs: number;
  /** 1-based line of the step in the scenario file. */
  line: number;
  /** The step's first line as written, for test names. */
  source: string;
}

export interface ProgramStep extends StepBase {
  kind: 'program';
  program: Program;
  args: string[];
  /** Bytes given on stdin; undefined means /dev/null. */
  stdin?: string;
}

export interface ShellStep extends StepBase {
  kind: 'shell';
  /** Text handed to /bin/sh -c, here-document bodies included. */
  script: string;
}

export type Step = ProgramStep | ShellStep;

/**
 * 'shared': both runs use one fresh namespace, one after the other (the
 * kernel hashes services with the namespace's address, so only then do
 * --nosort listings agree). 'per-side': a fresh namespace for each run, so
 * connection entries of the first run cannot show up in the second.
 */
export type NetnsPolicy = 'shared' | 'per-side';

export interface Scenario {
  name: string;
  netns: NetnsPolicy;
  steps: Step[];
}

export class ScenarioSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'ScenarioSyntaxError';
  }
}

/** A word of a program step, or a stdin redirection found among the words. */
type Token =
  | { kind: 'word'; text: string }
  | { kind: 'heredoc'; tag: string }
  | { kind: 'herestring'; text: string };

const ANSI_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', e: '\x1b', '0': '\0' };

/**
 * Splits one line into words with shell-like quoting: '...', "..." (backslash
 * escapes " \ $ `), $'...' (C escapes), backslash outside quotes, `#` starting
 * a word begins a comment. No expansions of any kind.
 */
export function tokenize(line: string, fail: (reason: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = line.length;
  const isBlank = (c: string) => c === ' ' || c === '\t';

  // Reads one word (quotes glued together) starting at i.
  const readWord = (): string => {
    let out = '';
    while (i < n && !isBlank(line[i])) {
      const c = line[i];
      if (c === "'") {
        const end = line.indexOf("'", i + 1);
        if (end < 0) fail('unterminated single quote');
        out += line.slice(i + 1, end);
        i = end + 1;
      } else if (c === '$' && line[i + 1] === "'") {
        i += 2;
        for (;;) {
          if (i >= n) fail("unterminated $'...' quote");
          const d = line[i];
          if (d === "'") { i++; break; }
          if (d !== '\\') { out += d; i++; continue; }
          const e = line[i + 1];
          if (e === 'x') {
            const hex = /^[0-9a-fA-F]{1,2}/.exec(line.slice(i + 2))?.[0];
            if (!hex) fail("\\x needs hex digits in $'...'");
            out += String.fromCharCode(parseInt(hex, 16));
            i += 2 + hex.length;
          } else if (e !== undefined && e in ANSI_ESCAPES) {
            out += ANSI_ESCAPES[e];
            i += 2;
          } else {
            fail(`unknown escape \\${e ?? ''} in $'...'`);
          }
        }
      } else if (c === '"') {
        i++;
        for (;;) {
          if (i >= n) fail('unterminated double quote');
          const d = line[i];
          if (d === '"') { i++; break; }
          if (d === '\\' && i + 1 < n && '"\\$`'.includes(line[i + 1])) {
            out += line[i + 1];
            i += 2;
          } else {
            out += d;
            i++;
          }
        }
      } else if (c === '\\') {
        if (i + 1 >= n) fail('backslash at end of line (line continuation is not supported)');
        out += line[i + 1];
        i += 2;
      } else if ('|&;<>()`$'.includes(c)) {
        fail(`unquoted '${c}' in a program step (no shell syntax or expansions here): quote it, or use an 'sh' step`);
      } else {
        out += c;
        i++;
      }
    }
    return out;
  };

  while (i < n) {
    if (isBlank(line[i])) { i++; continue; }
    if (line[i] === '#') break;
    if (line.startsWith('<<<', i)) {
      i += 3;
      while (i < n && isBlank(line[i])) i++;
      if (i >= n) fail('<<< needs a word');
      tokens.push({ kind: 'herestring', text: readWord() });
    } else if (line.startsWith('<<', i)) {
      i += 2;
      while (i < n && isBlank(line[i])) i++;
      const tag = readWord();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tag)) fail(`bad here-document tag '${tag}'`);
      tokens.push({ kind: 'heredoc', tag });
    } else {
      tokens.push({ kind: 'word', text: readWord() });
    }
  }
  return tokens;
}

// An unquoted here-document operator in shell text (for `sh` steps).
const SHELL_HEREDOC = /(?<!<)<<(?!<)-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/g;

export function parseScenario(text: string, file: string): Scenario {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const steps: Step[] = [];
  let timeoutMs = DEFAULT_STEP_TIMEOUT_MS;
  let netns: NetnsPolicy = 'shared';
  let i = 0;

  // Collects here-document body lines after line i (0-based) until `tag`.
  const readBody = (tag: string, opener: number): string[] => {
    const body: string[] = [];
    for (;;) {
      i++;
      if (i >= lines.length) throw new ScenarioSyntaxError(file, opener + 1, `here-document '${tag}' is not terminated`);
      if (lines[i] === tag) return body;
      body.push(lines[i]);
    }
  };

  for (; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i];
    const fail = (reason: string): never => {
      throw new ScenarioSyntaxError(file, lineNo, reason);
    };
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (raw.includes('\r')) fail('carriage return in the scenario file; write \\r inside $\'...\' instead');

    if (trimmed.startsWith('@')) {
      const timeout = /^@timeout\s+(\d+(?:\.\d+)?)$/.exec(trimmed);
      const ns = /^@netns\s+(shared|per-side)$/.exec(trimmed);
      if (timeout) {
        timeoutMs = Math.round(Number(timeout[1]) * 1000);
        if (timeoutMs <= 0) fail('@timeout must be positive');
      } else if (ns) {
        if (steps.length > 0) fail('@netns must come before the first step');
        netns = ns[1] as NetnsPolicy;
      } else {
        fail(`unknown directive '${trimmed}' (known: @timeout SECONDS, @netns shared|per-side)`);
      }
      continue;
    }

    let rest = trimmed;
    let compare = true;
    if (/^run\s/.test(rest)) {
      compare = false;
      rest = rest.slice(3).trimStart();
    }
    const base = { compare, timeoutMs, line: lineNo, source: trimmed };

    if (/^sh(\s|$)/.test(rest)) {
      const script = rest.slice(2).trim();
      if (script === '') fail("'sh' needs a command");
      const parts = [script];
      for (const m of script.matchAll(SHELL_HEREDOC)) {
        const tag = m[2];
        parts.push(...readBody(tag, lineNo - 1), tag);
      }
      steps.push({ kind: 'shell', script: parts.join('\n'), ...base });
      continue;
    }

    const tokens = tokenize(rest, fail);
    const first = tokens[0];
    if (first?.kind !== 'word' || !(PROGRAMS as readonly string[]).includes(first.text)) {
      fail(`a step starts with ${[...PROGRAMS, 'sh'].join(', ')} (optionally after 'run'), not '${first?.kind === 'word' ? first.text : rest}'`);
    }
    const args: string[] = [];
    let stdin: string | undefined;
    let heredocTag: string | undefined;
    for (const t of tokens.slice(1)) {
      if (t.kind === 'word') { args.push(t.text); continue; }
      if (stdin !== undefined || heredocTag !== undefined) fail('more than one stdin redirection');
      if (t.kind === 'herestring') stdin = t.text;
      else heredocTag = t.tag;
    }
    if (heredocTag !== undefined) {
      // Every body line ends in a newline, as in the shell.
      stdin = readBody(heredocTag, lineNo - 1).map((l) => `${l}\n`).join('');
    }
    steps.push({ kind: 'program', program: (first as { text: string }).text as Program, args, stdin, ...base });
  }
  const name = file.replace(/^.*\//, '').replace(/\.scenario$/, '');
  return { name, netns, steps };
}

/** How a step reads in a test name (first line only, so names stay one line). */
export function describeStep(step: Step): string {
  return `line ${step.line}: ${step.source}`;
}
