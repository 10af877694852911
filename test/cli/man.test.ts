/**
 * The manual pages are checked against the option registry: every registered
 * option must have its own heading in man/ipvsadm.8, and every option heading
 * there must name a registered option (with the right short aliases). The
 * wrapper pages and package.json's "man" list are checked as well.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { EXTENSION_NAMES, EXTENSION_OPTIONS, EXTENSION_PAGES, type ExtensionOption } from '../../src/cli/extensions';
import { ALL_OPTIONS } from '../../src/cli/options';

const root = path.resolve(__dirname, '../..');
const manDir = path.join(root, 'man');
const PAGES = ['man/ipvsadm.8', 'man/ipvsadm-save.8', 'man/ipvsadm-restore.8', 'man/ipvsadm-apply.8', 'man/ipvsadm-drain.8', 'man/ipvsadm-top.8', 'man/ipvsadm-realserver.8'];

// ---------------------------------------------------------------------------
// A small roff reader: enough of the man macros to turn a line into the text
// a reader sees, and to find the tags of .TP / .IP items.

const NAMED_CHARS: Record<string, string> = {
  aq: "'", ga: '`', lq: '"', rq: '"', oq: "'", cq: "'", dq: '"',
  em: '-', en: '-', hy: '-', mi: '-', bu: '*', ti: '~', ha: '^', rs: '\\',
  lB: '[', rB: ']', lC: '{', rC: '}', ba: '|', or: '|', 'co': '(c)',
};

/** Replace roff escapes in running text by the characters they stand for. */
function unescapeRoff(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = text[i + 1];
    if (n === undefined) break;
    if (n === 'f') {
      // Font change: \fB, \f(BI, \f[BI]
      const k = text[i + 2];
      if (k === '(') i += 4;
      else if (k === '[') i = text.indexOf(']', i + 3);
      else i += 2;
      if (i < 0) break;
      continue;
    }
    if (n === '(') {
      const name = text.slice(i + 2, i + 4);
      out += NAMED_CHARS[name] ?? '';
      i += 3;
      continue;
    }
    if (n === '[') {
      const end = text.indexOf(']', i + 2);
      if (end < 0) break;
      out += NAMED_CHARS[text.slice(i + 2, end)] ?? '';
      i = end;
      continue;
    }
    if (n === '*') {
      // Predefined strings: \*(xx, \*[xx], \*x. None matter for options.
      const k = text[i + 2];
      if (k === '(') i += 4;
      else if (k === '[') i = text.indexOf(']', i + 3);
      else i += 2;
      if (i < 0) break;
      continue;
    }
    switch (n) {
      case '-': out += '-'; break;
      case 'e': case '\\': out += '\\'; break;
      case ' ': case '~': out += ' '; break;
      case '.': out += '.'; break;
      case "'": out += "'"; break;
      case '`': out += '`'; break;
      // Zero-width: \& \% \/ \, \| \^ \c
      case '&': case '%': case '/': case ',': case '|': case '^': case 'c': break;
      default: out += n;
    }
    i += 1;
  }
  return out;
}

/** Split macro arguments the way roff does: blanks separate, double quotes group. */
function splitArgs(s: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) break;
    let arg = '';
    if (s[i] === '"') {
      i++;
      while (i < s.length) {
        if (s[i] === '"') {
          if (s[i + 1] === '"') { arg += '"'; i += 2; continue; }
          i++;
          break;
        }
        if (s[i] === '\\' && i + 1 < s.length) { arg += s[i] + s[i + 1]; i += 2; continue; }
        arg += s[i++];
      }
    } else {
      while (i < s.length && s[i] !== ' ' && s[i] !== '\t') {
        if (s[i] === '\\' && i + 1 < s.length) { arg += s[i] + s[i + 1]; i += 2; continue; }
        arg += s[i++];
      }
    }
    args.push(arg);
  }
  return args;
}

const ALTERNATING = new Set(['BR', 'RB', 'BI', 'IB', 'IR', 'RI']);
const FONT_MACROS = new Set(['B', 'I', 'SM', 'SB']);

/** The visible text of one source line (a text line or a font macro line). */
function lineText(line: string): string {
  const m = /^[.'][ \t]*([A-Za-z]+)(?:[ \t]+(.*))?$/.exec(line);
  if (!m) return unescapeRoff(line);
  const [, name, rest = ''] = m;
  if (ALTERNATING.has(name)) return splitArgs(rest).map(unescapeRoff).join('');
  if (FONT_MACROS.has(name)) return splitArgs(rest).map(unescapeRoff).join(' ');
  return '';
}

interface Heading {
  /** Visible text of the tag. */
  text: string;
  /** Option names at the start of the tag, with dashes, e.g. ['-L', '-l', '--list']. */
  options: string[];
  /** Whether anything (an argument placeholder) follows the option names. */
  hasArgument: boolean;
  /** The .SH section the heading is in. */
  section: string;
  line: number;
}

const OPTION_AT_START = /^(--?[A-Za-z0-9][A-Za-z0-9-]*)/;

/** The option names a tag starts with: "-L, -l, --list" or "-g|-i". */
function tagOptions(text: string): { options: string[]; rest: string } {
  const options: string[] = [];
  let rest = text.trim();
  for (;;) {
    const m = OPTION_AT_START.exec(rest);
    if (!m) break;
    const after = rest.slice(m[1].length);
    // "-b," is an option followed by a separator; "--tun-type=" is not a name.
    if (after !== '' && !/^[\s,|]/.test(after)) break;
    options.push(m[1]);
    rest = after.replace(/^\s*[,|]\s*/, ' ').trimStart();
    if (!/^--?[A-Za-z0-9]/.test(rest)) break;
  }
  return { options, rest };
}

function readPage(rel: string): string[] {
  return fs.readFileSync(path.join(root, rel), 'utf8').split('\n');
}

/** Every .TP tag and every tagged .IP item whose text starts with an option. */
function optionHeadings(lines: string[]): Heading[] {
  const headings: Heading[] = [];
  let section = '';
  const isComment = (l: string) => /^[.'][ \t]*\\"/.test(l) || l.startsWith('\\"');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const sh = /^\.SH[ \t]+(.*)$/.exec(line);
    if (sh) {
      section = splitArgs(sh[1]).map(unescapeRoff).join(' ');
      continue;
    }
    let tag: string | undefined;
    let tagLine = i;
    if (/^\.TP\b/.test(line)) {
      // The tag is the next line that is not a comment or a spacing request.
      let j = i + 1;
      while (j < lines.length && (isComment(lines[j]) || /^\.(PD|sp|ns)\b/.test(lines[j]))) j++;
      if (j < lines.length) {
        tag = lineText(lines[j]);
        tagLine = j;
      }
    } else {
      const ip = /^\.IP[ \t]+(.*)$/.exec(line);
      if (ip) tag = unescapeRoff(splitArgs(ip[1])[0] ?? '');
    }
    if (tag === undefined) continue;
    const { options, rest } = tagOptions(tag);
    if (options.length === 0) continue;
    headings.push({ text: tag.trim(), options, hasArgument: rest.trim() !== '', section, line: tagLine + 1 });
  }
  return headings;
}

/** The whole page as visible text, one source line per output line. */
function pageText(lines: string[]): string {
  return lines
    .filter((l) => !/^[.'][ \t]*\\"/.test(l))
    .map((l) => (/^\.SH[ \t]/.test(l) ? splitArgs(l.slice(3)).map(unescapeRoff).join(' ') : lineText(l)))
    .join('\n');
}

// ---------------------------------------------------------------------------

const mainLines = readPage('man/ipvsadm.8');
const headings = optionHeadings(mainLines);

interface RegisteredOption {
  long: string;
  short: string[];
  argument?: string;
  isCommand: boolean;
}
const registry: RegisteredOption[] = (ALL_OPTIONS as readonly RegisteredOption[]).map((o) => ({
  long: o.long,
  short: [...(o.short ?? [])],
  argument: o.argument,
  isCommand: o.isCommand,
}));

describe('the roff reader used by this test', () => {
  test('turns escapes and font macros into visible text', () => {
    expect(lineText('\\fB\\-L\\fR, \\fB\\-l\\fR, \\fB\\-\\-list\\fR')).toBe('-L, -l, --list');
    expect(lineText('.BR \\-b ", " \\-\\-sched\\-flags')).toBe('-b, --sched-flags');
    expect(lineText('.B \\-\\-tun\\-csum')).toBe('--tun-csum');
    expect(lineText('\\f(BI\\-\\-pe\\fP \\f[I]engine\\f[]')).toBe('--pe engine');
    expect(tagOptions('-p, --persistent [timeout]')).toEqual({
      options: ['-p', '--persistent'],
      rest: '[timeout]',
    });
    expect(tagOptions('--start-daemon master|backup').options).toEqual(['--start-daemon']);
    expect(tagOptions('flag-1, flag-2').options).toEqual([]);
  });
});

describe('man/ipvsadm.8 and the option registry', () => {
  test('the registry is not empty', () => {
    expect(registry.length).toBeGreaterThan(0);
  });

  test('every registered long option has exactly one heading', () => {
    const problems: string[] = [];
    for (const opt of registry) {
      const n = headings.filter((h) => h.options.includes(`--${opt.long}`)).length;
      if (n === 0) problems.push(`--${opt.long} is registered but not documented`);
      if (n > 1) problems.push(`--${opt.long} has ${n} headings`);
    }
    expect(problems).toEqual([]);
  });

  test('every registered short alias is documented in the heading of its long option', () => {
    const problems: string[] = [];
    for (const opt of registry) {
      const h = headings.find((x) => x.options.includes(`--${opt.long}`));
      if (!h) continue; // reported by the test above
      for (const s of opt.short) {
        if (!h.options.includes(`-${s}`)) {
          problems.push(`-${s} (--${opt.long}) is registered but missing from "${h.text}"`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('every option heading names registered options only, with matching aliases', () => {
    const byLong = new Map(registry.map((o) => [o.long, o]));
    const byShort = new Map<string, RegisteredOption>();
    for (const o of registry) for (const s of o.short) byShort.set(s, o);
    const problems: string[] = [];
    for (const h of headings) {
      const longs = h.options.filter((o) => o.startsWith('--'));
      const shorts = h.options.filter((o) => !o.startsWith('--'));
      for (const l of longs) {
        if (!byLong.has(l.slice(2))) problems.push(`line ${h.line}: ${l} is documented but not registered`);
      }
      for (const s of shorts) {
        const owner = byShort.get(s.slice(1));
        if (!owner) {
          problems.push(`line ${h.line}: ${s} is documented but not registered`);
        } else if (longs.length > 0 && !longs.includes(`--${owner.long}`)) {
          problems.push(`line ${h.line}: ${s} belongs to --${owner.long}, not to ${longs.join(', ')}`);
        }
      }
      if (longs.length === 0) problems.push(`line ${h.line}: heading "${h.text}" has no long option`);
    }
    expect(problems).toEqual([]);
  });

  test('options that take a value show a placeholder for it', () => {
    const missing = registry
      .filter((o) => o.argument !== undefined && o.argument !== '')
      .filter((o) => {
        const h = headings.find((x) => x.options.includes(`--${o.long}`));
        return h !== undefined && !h.hasArgument;
      })
      .map((o) => `--${o.long}`);
    expect(missing).toEqual([]);
  });

  test('commands are documented under COMMANDS and nothing else is', () => {
    const problems: string[] = [];
    for (const opt of registry) {
      const h = headings.find((x) => x.options.includes(`--${opt.long}`));
      if (!h) continue;
      if (opt.isCommand && h.section !== 'COMMANDS') {
        problems.push(`command --${opt.long} is documented under ${h.section}`);
      }
      if (!opt.isCommand && h.section === 'COMMANDS') {
        problems.push(`option --${opt.long} is documented under COMMANDS`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('the page states the facts operators rely on', () => {
    const text = pageText(mainLines);
    const sections = mainLines.filter((l) => l.startsWith('.SH')).map((l) => unescapeRoff(l.slice(4)).replace(/"/g, ''));
    expect(sections).toEqual(
      expect.arrayContaining(['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'EXIT STATUS', 'FILES', 'DIFFERENCES FROM IPVSADM 1.31']),
    );
    expect(text).toContain('/proc/net/ip_vs_conn');
    expect(text).toMatch(/defaults to\s+360/);
    expect(text).toContain('0.0.0.24');
    for (const status of ['0', '1', '2', '255']) {
      expect(mainLines.join('\n')).toMatch(new RegExp(`^\\.B ${status}$`, 'm'));
    }
  });
});

describe('the wrapper pages', () => {
  test('ipvsadm-save.8 documents -n and nothing else', () => {
    const h = optionHeadings(readPage('man/ipvsadm-save.8'));
    expect(h.map((x) => x.options)).toEqual([['-n']]);
  });

  test('ipvsadm-restore.8 has no option headings and explains comments, -C and -R', () => {
    const lines = readPage('man/ipvsadm-restore.8');
    expect(optionHeadings(lines)).toEqual([]);
    const text = pageText(lines).replace(/\s+/g, ' ');
    expect(text).toMatch(/takes no options/);
    expect(text).toContain('#');
    expect(text).toContain('ipvsadm -C');
    expect(text).toContain('ipvsadm -R');
  });
});

describe('packaging', () => {
  test('package.json lists all three pages and they exist', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(Array.isArray(pkg.man)).toBe(true);
    expect([...pkg.man].sort()).toEqual(expect.arrayContaining([...PAGES].sort()));
    for (const p of PAGES) expect(fs.existsSync(path.join(root, p))).toBe(true);
    expect(fs.readdirSync(manDir).filter((f) => /\.\d$/.test(f)).sort()).toEqual(
      PAGES.map((p) => path.basename(p)).sort(),
    );
  });

  const groff = spawnSync('groff', ['--version'], { encoding: 'utf8' });
  const haveGroff = !groff.error && groff.status === 0;
  (haveGroff ? test : test.skip).each(PAGES)('%s renders without groff warnings', (page) => {
    const r = spawnSync('groff', ['-man', '-ww', '-z', path.join(root, page)], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});

describe('the intentional differences', () => {
  // README.md and ipvsadm.8 list the same differences from 1.31, in the same
  // order; each code span of a README item must appear in its man page item.
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## What is different from ipvsadm 1.31, on purpose');
  const end = readme.indexOf('\n## ', start + 1);
  const readmeItems = readme
    .slice(start, end)
    .split('\n- ')
    .slice(1)
    .map((item) => item.replace(/\s+/g, ' ').trim());

  const manItems: string[] = [];
  let inSection = false;
  for (const line of mainLines) {
    const sh = /^\.SH[ \t]+(.*)$/.exec(line);
    if (sh) inSection = splitArgs(sh[1]).join(' ') === 'DIFFERENCES FROM IPVSADM 1.31';
    else if (inSection && /^\.IP\b/.test(line)) manItems.push('');
    else if (inSection && manItems.length > 0) manItems[manItems.length - 1] += ` ${lineText(line)}`;
  }
  const normal = (text: string) => text.replace(/[`'"]/g, "'").replace(/\s+/g, ' ').trim();
  const codeSpans = (item: string) => [...item.matchAll(/``(.+?)``|`([^`]+)`/g)].map((m) => m[1] ?? m[2]);

  test('both lists have the same number of items', () => {
    expect(readmeItems.length).toBeGreaterThan(0);
    expect(manItems.length).toBe(readmeItems.length);
  });

  test.each(readmeItems.map((item, i) => [i + 1, item]))('README item %i appears in the man page: %s', (i, item) => {
    const man = normal(manItems[Number(i) - 1] ?? '');
    for (const span of codeSpans(String(item))) expect(man).toContain(normal(span));
  });
});

const EXTENSION_MAN_PAGES = [...new Set(Object.values(EXTENSION_PAGES))];

describe.each(EXTENSION_MAN_PAGES)('man/%s and the extension options', (page) => {
  const lines = readPage(`man/${page}`);
  const documented = optionHeadings(lines).filter((h) => h.section === 'OPTIONS');
  const commands = EXTENSION_NAMES.filter((n) => EXTENSION_PAGES[n] === page);
  // One heading per option name (wait is one option with a meaning per command).
  const options = [...new Map(EXTENSION_OPTIONS.filter((o) => o.commands.some((c) => commands.includes(c))).map((o) => [o.name, o])).values()];
  const spelled = (o: ExtensionOption) => [...(o.short ? [`-${o.short}`] : []), `--${o.name}`];

  test('every option of its commands has exactly one heading, with its alias and a placeholder when it takes a value', () => {
    expect(documented.map((h) => h.options.join(' ')).sort()).toEqual(options.map((o) => spelled(o).join(' ')).sort());
    for (const o of options) {
      const heading = documented.find((h) => h.options.includes(`--${o.name}`));
      expect([o.name, heading?.hasArgument]).toEqual([o.name, o.argument !== undefined]);
      if (o.argument !== undefined) expect(heading?.text).toContain(o.argument);
    }
  });

  test('the synopsis names each of its commands with the options it takes', () => {
    const text = pageText(lines);
    // One synopsis entry per command, however its source lines are broken.
    const synopsis = text.slice(text.indexOf('SYNOPSIS'), text.indexOf('DESCRIPTION')).replace(/\s+/g, ' ');
    const entries = synopsis.split(/(?=ipvsadm \w+ )/);
    for (const name of commands) {
      // A command may have several synopsis entries (drain: address or fwmark services).
      const line = entries.filter((l) => l.startsWith(`ipvsadm ${name} `)).join(' ');
      for (const o of options) {
        const named = spelled(o).some((w) => new RegExp(`(^|[\\s\\[|])${w.replace(/[-]/g, '\\-')}(?=[\\s\\]|]|$)`).test(line));
        expect([name, o.name, named]).toEqual([name, o.name, EXTENSION_OPTIONS.some((x) => x.name === o.name && x.commands.includes(name))]);
      }
    }
  });
});
