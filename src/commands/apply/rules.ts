/**
 * A rules file for apply and diff: what `ipvsadm -S` prints (with or without
 * -n), `-A` and `-a` lines, each parsed by the classic parser. Blank lines
 * and `#` comments are skipped. Every problem is collected with its line, so
 * a file is either wholly understood or not used at all.
 */
import { isParseFailure, parseCommandLine, type ParseContext } from '../../cli/parse';
import type { Destination, Service } from '../../ipvs/types';
import { restoreLineWords } from '../../cli/tokenizer';
import { fastRule, type FastRule } from './fast-rules';
import { jsonRuleLines } from './rules-json';

export interface DesiredService {
  service: Service;
  destinations: Destination[];
  line: number;
}

export interface RuleProblem {
  line: number;
  message: string;
}

export type Rules = { services: DesiredService[] } | { problems: RuleProblem[] };

export function serviceId(s: Pick<Service, 'family' | 'fwmark' | 'protocol' | 'address' | 'port'>): string {
  return s.fwmark !== 0 ? `${s.family}|fwmark|${s.fwmark}` : `${s.family}|${s.protocol}|${s.address}|${s.port}`;
}

export function destinationId(d: Pick<Destination, 'address' | 'port'>): string {
  return `${d.address}|${d.port}`;
}

/** A rule of a file: the words of one `-A` or `-a` command line, and the line they came from. */
export type RuleLine =
  /** From a text file: the line as written. */
  | { line: number; text: string }
  /** From a JSON file: the words of the line that says the same. */
  | { line: number; words: string[] };

/** The rule lines of a text rules file: every line but blanks and `#` comments. */
function textRuleLines(text: string): RuleLine[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const rules: RuleLine[] = [];
  lines.forEach((l, i) => {
    if (!/^\s*(#|$)/.test(l)) rules.push({ line: i + 1, text: l });
  });
  return rules;
}

/** A JSON rules file (what `-S --json` writes) starts with its object; a text one never does. */
function isJsonRules(text: string): boolean {
  return /^\s*\{/.test(text);
}

/** How much of a parser's message a problem quotes: a 10 MB word is not worth 10 MB of stderr. */
const PROBLEM_MAX_CHARS = 200;

function shortened(message: string): string {
  if (message.length <= PROBLEM_MAX_CHARS) return message;
  // Never cut a character of two UTF-16 units in half.
  const end = /[\ud800-\udbff]/.test(message[PROBLEM_MAX_CHARS - 1]) ? PROBLEM_MAX_CHARS - 1 : PROBLEM_MAX_CHARS;
  return `${message.slice(0, end)}... (${message.length} characters)`;
}

/** What a line asks for by the classic parser (the lines the fast reader leaves), or the problem with it. */
async function classicRule(rule: RuleLine, ctx: ParseContext): Promise<FastRule | string> {
  const parsed = await parseCommandLine('words' in rule ? rule.words : restoreLineWords(rule.text), ctx);
  if (isParseFailure(parsed)) return shortened(parsed.message.replace(/\n+$/, '').split('\n').join('; '));
  if ((parsed.command !== 'add-service' && parsed.command !== 'add-server') || parsed.service === undefined) {
    return 'only -A and -a lines belong in a rules file';
  }
  if (parsed.command === 'add-service') return { command: 'add-service', service: parsed.service };
  // The classic parser always makes a destination for -a (it requires -r).
  return { command: 'add-server', service: parsed.service, destination: parsed.destination! };
}

export async function readRules(text: string, ctx: ParseContext): Promise<Rules> {
  const services = new Map<string, DesiredService>();
  const problems: RuleProblem[] = [];
  const read = isJsonRules(text) ? jsonRuleLines(text) : { rules: textRuleLines(text), problems: [] };
  problems.push(...read.problems);
  for (const rule of read.rules) {
    const line = rule.line;
    const problem = (message: string) => problems.push({ line, message });
    const parsed = ('text' in rule ? fastRule(rule.text) : undefined) ?? (await classicRule(rule, ctx));
    if (typeof parsed === 'string') {
      problem(parsed);
      continue;
    }
    const id = serviceId(parsed.service);
    const entry = services.get(id);
    if (parsed.command === 'add-service') {
      if (entry) problem(`the service is already defined on line ${entry.line}`);
      else services.set(id, { service: parsed.service, destinations: [], line });
      continue;
    }
    const destination = parsed.destination;
    if (!entry) {
      problem('server of a service that no earlier -A line defines');
    } else if (entry.destinations.some((d) => destinationId(d) === destinationId(destination))) {
      problem('the server is already defined for this service');
    } else {
      entry.destinations.push(destination);
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return problems.length > 0 ? { problems } : { services: [...services.values()] };
}
