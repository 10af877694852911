/**
 * A JSON reader that remembers where each value starts, so that a rules file
 * in JSON can be checked with `FILE:LINE: message` like the text form (the
 * built-in JSON.parse gives neither lines nor exact integers). RFC 8259
 * grammar; numbers are kept as their text, duplicate keys and nesting deeper
 * than MAX_DEPTH are errors.
 */
export type JsonNode =
  | { kind: 'object'; line: number; entries: Map<string, JsonNode> }
  | { kind: 'array'; line: number; items: JsonNode[] }
  | { kind: 'string'; line: number; value: string }
  | { kind: 'number'; line: number; text: string }
  | { kind: 'boolean'; line: number; value: boolean }
  | { kind: 'null'; line: number };

export class JsonSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export const MAX_DEPTH = 64;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/** A run of string characters that need no attention. */
const PLAIN = /[^"\\\u0000-\u001f]*/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function readJson(text: string): JsonNode {
  // A byte order mark, which some editors write, is not part of the document (RFC 8259, 8.1).
  let pos = text.startsWith('\uFEFF') ? 1 : 0;
  let line = 1;

  const fail = (message: string): never => {
    throw new JsonSyntaxError(line, message);
  };
  const found = (): string => (pos >= text.length ? 'the end of the file' : `'${text[pos]}'`);

  const skipSpace = (): void => {
    for (; pos < text.length; pos++) {
      const c = text[pos];
      if (c === '\n') line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') return;
    }
  };

  const expect = (c: string): void => {
    skipSpace();
    if (text[pos] !== c) fail(`expected '${c}', found ${found()}`);
    pos++;
  };

  const readString = (): string => {
    // At the opening quote.
    pos++;
    let out = '';
    for (;;) {
      PLAIN.lastIndex = pos;
      const run = PLAIN.exec(text)![0];
      out += run;
      pos += run.length;
      if (pos >= text.length) fail('unterminated string');
      const c = text[pos];
      if (c === '"') {
        pos++;
        return out;
      }
      if (c !== '\\') fail(c === '\n' ? 'unterminated string' : 'control character in a string');
      const e = text[pos + 1];
      if (e === 'u') {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape in a string');
        out += String.fromCharCode(parseInt(hex, 16));
        pos += 6;
      } else if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
        pos += 2;
      } else {
        fail('bad escape in a string');
      }
    }
  };

  const readWord = (word: string): void => {
    if (text.startsWith(word, pos)) pos += word.length;
    else fail(`unexpected ${found()}`);
  };

  const readValue = (depth: number): JsonNode => {
    skipSpace();
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    const at = line;
    const c = text[pos];
    if (c === '{') {
      pos++;
      const entries = new Map<string, JsonNode>();
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return { kind: 'object', line: at, entries };
      }
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') fail(`expected a key in quotes, found ${found()}`);
        const keyLine = line;
        const key = readString();
        if (entries.has(key)) throw new JsonSyntaxError(keyLine, `duplicate key "${key}"`);
        expect(':');
        entries.set(key, readValue(depth + 1));
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return { kind: 'object', line: at, entries };
        }
        fail(`expected ',' or '}', found ${found()}`);
      }
    }
    if (c === '[') {
      pos++;
      const items: JsonNode[] = [];
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return { kind: 'array', line: at, items };
      }
      for (;;) {
        items.push(readValue(depth + 1));
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return { kind: 'array', line: at, items };
        }
        fail(`expected ',' or ']', found ${found()}`);
      }
    }
    if (c === '"') return { kind: 'string', line: at, value: readString() };
    if (c === 't' || c === 'f') {
      readWord(c === 't' ? 'true' : 'false');
      return { kind: 'boolean', line: at, value: c === 't' };
    }
    if (c === 'n') {
      readWord('null');
      return { kind: 'null', line: at };
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m === null) fail(`unexpected ${found()}`);
    pos += m![0].length;
    return { kind: 'number', line: at, text: m![0] };
  };

  const value = readValue(0);
  skipSpace();
  if (pos < text.length) fail(`unexpected ${found()} after the end of the document`);
  return value;
}
