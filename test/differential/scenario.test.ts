import * as fs from 'fs';
import * as path from 'path';
import { listScenarios, scenarioDir } from './catalog';
import {
  DEFAULT_STEP_TIMEOUT_MS, ProgramStep, ScenarioSyntaxError, ShellStep, Step, parseScenario,
} from './scenario';

function parse(text: string): Step[] {
  return parseScenario(text, 'x.scenario').steps;
}

function program(text: string): ProgramStep {
  const steps = parse(text);
  expect(steps).toHaveLength(1);
  expect(steps[0].kind).toBe('program');
  return steps[0] as ProgramStep;
}

function syntaxError(text: string): ScenarioSyntaxError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof ScenarioSyntaxError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioSyntaxError');
}

describe('program steps', () => {
  test('one step per line, words split on blanks and tabs', () => {
    const steps = parse('ipvsadm -A -t 10.0.0.1:80 -s rr\n\tipvsadm-save   -n\nipvsadm-restore\n');
    expect(steps.map((s) => (s as ProgramStep).program)).toEqual(['ipvsadm', 'ipvsadm-save', 'ipvsadm-restore']);
    expect((steps[0] as ProgramStep).args).toEqual(['-A', '-t', '10.0.0.1:80', '-s', 'rr']);
    expect((steps[1] as ProgramStep).args).toEqual(['-n']);
    expect((steps[2] as ProgramStep).args).toEqual([]);
    expect(steps.map((s) => s.line)).toEqual([1, 2, 3]);
    expect(steps.every((s) => s.compare && s.timeoutMs === DEFAULT_STEP_TIMEOUT_MS)).toBe(true);
  });

  test('comments and blank lines are skipped; a word starting with # ends the line', () => {
    const steps = parse('# heading\n\n   \nipvsadm -L -n # list it\n  # indented comment\n');
    expect(steps).toHaveLength(1);
    expect((steps[0] as ProgramStep).args).toEqual(['-L', '-n']);
    expect(steps[0].line).toBe(4);
  });

  test("'' and \"\" give empty arguments", () => {
    expect(program("ipvsadm -A -t '' -s \"\"").args).toEqual(['-A', '-t', '', '-s', '']);
  });

  test('quotes glue onto neighbouring text and keep blanks and #', () => {
    expect(program(`ipvsadm a'b c'd "e f" '#' x#y`).args).toEqual(['ab cd', 'e f', '#', 'x#y']);
  });

  test('double quotes: backslash escapes only " \\ $ `', () => {
    expect(program('ipvsadm "a\\"b" "c\\\\d" "e\\nf" "$x"').args).toEqual(['a"b', 'c\\d', 'e\\nf', '$x']);
  });

  test("single quotes are literal, backslash included", () => {
    expect(program("ipvsadm 'a\\nb' '\"'").args).toEqual(['a\\nb', '"']);
  });

  test("$'...' understands C escapes", () => {
    expect(program("ipvsadm $'a\\tb' $'\\x41\\r\\n' $'it\\'s'").args).toEqual(['a\tb', 'A\r\n', "it's"]);
  });

  test('backslash outside quotes takes the next character literally', () => {
    expect(program('ipvsadm a\\ b \\$x \\|').args).toEqual(['a b', '$x', '|']);
  });

  test('shell syntax in a program step is refused, not passed on', () => {
    for (const bad of ['ipvsadm -L | head', 'ipvsadm -L > out', 'ipvsadm -L; ipvsadm -C', 'ipvsadm -R < file', 'ipvsadm $X', 'ipvsadm `x`']) {
      expect(syntaxError(bad).reason).toMatch(/unquoted/);
    }
  });

  test('unterminated quotes are reported with file and line', () => {
    const e = syntaxError("\nipvsadm 'abc");
    expect(e.message).toBe('x.scenario:2: unterminated single quote');
    expect(syntaxError('ipvsadm "abc').reason).toBe('unterminated double quote');
    expect(syntaxError("ipvsadm $'abc").reason).toMatch(/unterminated/);
  });

  test('an unknown program is an error', () => {
    expect(syntaxError('ipvs -L').reason).toMatch(/starts with ipvsadm, ipvsadm-save, ipvsadm-restore, sh/);
    expect(syntaxError("'' -L").reason).toMatch(/not ''/);
  });
});

describe('stdin', () => {
  test('no redirection means no stdin', () => {
    expect(program('ipvsadm -R').stdin).toBeUndefined();
  });

  test('here-document: verbatim lines, each ending in a newline', () => {
    const steps = parse([
      'ipvsadm -R <<EOF',
      '-A -t 10.0.0.1:80 -s rr',
      '',
      "  # not a comment, 'no quoting' \\t $x",
      'EOF',
      'ipvsadm -S -n',
    ].join('\n'));
    expect(steps).toHaveLength(2);
    expect((steps[0] as ProgramStep).stdin).toBe("-A -t 10.0.0.1:80 -s rr\n\n  # not a comment, 'no quoting' \\t $x\n");
    expect((steps[0] as ProgramStep).args).toEqual(['-R']);
    expect(steps[1].line).toBe(6);
  });

  test("quoted tags and a space after << are accepted; the tag must match the whole line", () => {
    const s = program("ipvsadm-restore << 'END'\n END\nEND \nEND\n");
    expect(s.stdin).toBe(' END\nEND \n');
  });

  test('empty here-document gives empty stdin', () => {
    expect(program('ipvsadm -R <<EOF\nEOF').stdin).toBe('');
  });

  test('redirection may come before other words', () => {
    const s = program('ipvsadm <<EOF -R\nx\nEOF');
    expect(s.args).toEqual(['-R']);
    expect(s.stdin).toBe('x\n');
  });

  test('<<< gives its word exactly, without adding a newline', () => {
    expect(program("ipvsadm -R <<< $'-A -t 10.0.0.8:80'").stdin).toBe('-A -t 10.0.0.8:80');
    expect(program("ipvsadm -R <<<$'a\\r\\nb\\r\\n'").stdin).toBe('a\r\nb\r\n');
    expect(program("ipvsadm -R <<< ''").stdin).toBe('');
  });

  test('errors: unterminated body, two redirections, bad tag, missing word', () => {
    const e = syntaxError('ipvsadm -R <<EOF\nabc\n');
    expect(e.line).toBe(1);
    expect(e.reason).toMatch(/not terminated/);
    expect(syntaxError("ipvsadm -R <<< a <<< b").reason).toMatch(/more than one/);
    expect(syntaxError('ipvsadm -R <<"E-F"').reason).toMatch(/bad here-document tag/);
    expect(syntaxError('ipvsadm -R <<<').reason).toMatch(/needs a word/);
  });
});

describe('run-only and shell steps', () => {
  test("'run' marks a step as not compared", () => {
    const steps = parse('run ipvsadm -A -t 10.0.0.1:80\nipvsadm -L -n');
    expect(steps.map((s) => s.compare)).toEqual([false, true]);
    expect((steps[0] as ProgramStep).args).toEqual(['-A', '-t', '10.0.0.1:80']);
  });

  test('sh takes the rest of the line verbatim', () => {
    const steps = parse("sh ipvsadm -L -n | sed 's/ *$//' > \"$TMPDIR/x\"\nrun sh ip netns add c1 || true");
    expect(steps[0]).toMatchObject({ kind: 'shell', compare: true, script: "ipvsadm -L -n | sed 's/ *$//' > \"$TMPDIR/x\"" });
    expect(steps[1]).toMatchObject({ kind: 'shell', compare: false, script: 'ip netns add c1 || true' });
  });

  test('sh here-documents carry their body into the script', () => {
    const steps = parse("sh cat <<'A' | ipvsadm -R\n-A -t 10.0.0.1:80\nA\nipvsadm -L");
    expect((steps[0] as ShellStep).script).toBe("cat <<'A' | ipvsadm -R\n-A -t 10.0.0.1:80\nA");
    expect(steps[1].line).toBe(4);
  });

  test('sh <<< is a here-string, not a here-document', () => {
    const steps = parse('sh ipvsadm -R <<< "-A -t 10.0.0.1:80"\nipvsadm -L');
    expect(steps).toHaveLength(2);
  });

  test('sh needs a command', () => {
    expect(syntaxError('sh').reason).toMatch(/needs a command/);
  });
});

describe('directives and names', () => {
  test('@timeout applies to the following steps', () => {
    const steps = parse('ipvsadm -L\n@timeout 60\nipvsadm -L\n@timeout 0.5\nrun sh true');
    expect(steps.map((s) => s.timeoutMs)).toEqual([DEFAULT_STEP_TIMEOUT_MS, 60_000, 500]);
  });

  test('@netns chooses the namespace policy, before any step', () => {
    expect(parseScenario('ipvsadm -L', 'x').netns).toBe('shared');
    expect(parseScenario('# c\n@netns per-side\nipvsadm -L', 'x').netns).toBe('per-side');
    expect(syntaxError('ipvsadm -L\n@netns per-side').reason).toMatch(/before the first step/);
    expect(syntaxError('@netns private').reason).toMatch(/unknown directive/);
  });

  test('unknown directives and bad timeouts are errors', () => {
    expect(syntaxError('@retries 3').reason).toMatch(/unknown directive/);
    expect(syntaxError('@timeout 0').reason).toMatch(/positive/);
  });

  test('carriage returns in step lines are refused', () => {
    expect(syntaxError('ipvsadm -L\r').reason).toMatch(/carriage return/);
  });

  test('the scenario name is the file name without directory and extension', () => {
    expect(parseScenario('', 'a/b/13.1-build.scenario').name).toBe('13.1-build');
  });

  test('source keeps the step line as written (trimmed)', () => {
    expect(program('  ipvsadm   -L  ').source).toBe('ipvsadm   -L');
  });
});

describe('the scenario files', () => {
  const dir = scenarioDir();
  const files = listScenarios(dir);

  test('there are some', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test.each(files)('%s parses and has compared steps', (f) => {
    const scenario = parseScenario(fs.readFileSync(path.join(dir, f), 'utf8'), f);
    expect(scenario.steps.some((s) => s.compare)).toBe(true);
  });
});
