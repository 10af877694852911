// The JSON writer (exact bigints) and the line-keeping reader behind --json
// and JSON rules files.
import { MAX_DEPTH, readJson, JsonSyntaxError, type JsonNode } from '../../src/json/read';
import { writeJson } from '../../src/json/write';

/** A node tree back to plain values (numbers as text), for comparisons. */
function plain(n: JsonNode): unknown {
  switch (n.kind) {
    case 'object':
      return Object.fromEntries([...n.entries].map(([k, v]) => [k, plain(v)]));
    case 'array':
      return n.items.map(plain);
    case 'number':
      return { number: n.text };
    case 'null':
      return null;
    default:
      return n.value;
  }
}

function syntaxError(text: string): { line: number; message: string } {
  try {
    readJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { line: e.line, message: e.message };
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('writeJson', () => {
  test('bigints as their digits, at any size; the rest as JSON.stringify writes it', () => {
    const value = { a: 2n ** 64n - 1n, b: [1, -2.5, 'x"\n\u0001', true, null], c: {} };
    expect(writeJson(value)).toBe('{"a":18446744073709551615,"b":[1,-2.5,"x\\"\\n\\u0001",true,null],"c":{}}');
  });

  test('matches JSON.stringify wherever there is no bigint', () => {
    const value = { services: [{ address: 'fd00::1', port: 80, flags: [], nested: { deep: [[], [{}]] } }], ipvs: null };
    expect(writeJson(value)).toBe(JSON.stringify(value));
  });

  test('refuses what JSON cannot hold', () => {
    expect(() => writeJson({ n: NaN })).toThrow('not a JSON number');
    expect(() => writeJson([Infinity])).toThrow('not a JSON number');
  });
});

describe('readJson', () => {
  test('reads what writeJson writes, numbers exactly as text', () => {
    const text = writeJson({ big: 2n ** 64n - 1n, list: [0, -1, 1.5e3, 'a\\b\u00e9\ud83d\ude00'], t: true, f: false, z: null });
    expect(plain(readJson(text))).toEqual({
      big: { number: '18446744073709551615' },
      list: [{ number: '0' }, { number: '-1' }, { number: '1500' }, 'a\\bé😀'],
      t: true, f: false, z: null,
    });
  });

  test('agrees with JSON.parse on escapes and whitespace', () => {
    const text = ' \r\n\t{ "s" : "\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00" , "a" : [ ] }\n';
    expect(plain(readJson(text))).toEqual(JSON.parse(text));
  });

  test('every value knows the line it starts on', () => {
    const root = readJson('{\n  "a": 1,\n  "b": [\n    true,\n\n    {"c": null}\n  ]\n}\n');
    if (root.kind !== 'object') throw new Error('not an object');
    expect(root.line).toBe(1);
    expect(root.entries.get('a')!.line).toBe(2);
    const b = root.entries.get('b')!;
    if (b.kind !== 'array') throw new Error('not an array');
    expect([b.line, ...b.items.map((i) => i.line)]).toEqual([3, 4, 6]);
  });

  test.each([
    ['', 1, 'unexpected the end of the file'],
    ['{"a": 1,}', 1, "expected a key in quotes, found '}'"],
    ['{\n"a": 1\n"b": 2}', 3, "expected ',' or '}', found '\"'"],
    ['[1,\n2,\n]', 3, "unexpected ']'"],
    ['"abc', 1, 'unterminated string'],
    ['"a\nb"', 1, 'unterminated string'],
    ['"a\u0001b"', 1, 'control character in a string'],
    ['"\\x"', 1, 'bad escape in a string'],
    ['"\\u12g4"', 1, 'bad \\u escape in a string'],
    ['01', 1, "unexpected '1' after the end of the document"],
    ['{} {}', 1, "unexpected '{' after the end of the document"],
    ['tru', 1, "unexpected 't'"],
    ['NaN', 1, "unexpected 'N'"],
    ['-', 1, "unexpected '-'"],
  ])('refuses %j at line %d: %s', (text, line, message) => {
    expect(syntaxError(text)).toEqual({ line, message });
    expect(() => JSON.parse(text)).toThrow();
  });

  test('a byte order mark before the document is skipped', () => {
    expect(plain(readJson('\uFEFF{"a": [1]}\n'))).toEqual({ a: [{ number: '1' }] });
  });

  test('a key twice is an error (JSON.parse would keep the last silently)', () => {
    expect(syntaxError('{"a": 1,\n "a": 2}')).toEqual({ line: 2, message: 'duplicate key "a"' });
  });

  test(`nesting deeper than ${MAX_DEPTH} levels is an error, not a stack overflow`, () => {
    expect(readJson('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH)).kind).toBe('array');
    expect(syntaxError('['.repeat(100_000))).toEqual({ line: 1, message: `nested deeper than ${MAX_DEPTH} levels` });
  });

  test('a long string and a large document are read in linear time', () => {
    const long = 'x'.repeat(5_000_000);
    const started = process.hrtime.bigint();
    const n = readJson(`"${long}"`);
    expect(n.kind === 'string' && n.value.length).toBe(5_000_000);
    const doc = readJson(writeJson({ services: Array.from({ length: 20_000 }, (_, i) => ({ address: `10.0.${i >> 8}.${i & 255}`, port: i })) }));
    expect(doc.kind).toBe('object');
    // Generous: quadratic behaviour would take minutes here.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(20_000);
  });
});
