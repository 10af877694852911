// Command line of bench/run.ts (yargs 17, CommonJS).
import yargs from 'yargs';
import type { TableShape } from './tablefile';

export const GROUPS = ['startup', 'restore', 'listing', 'memory', 'apply', 'reload'] as const;
export type Group = (typeof GROUPS)[number];

export interface BenchOptions {
  /** The listing group's tables (issue 10: 16,000 x 1, 1,000 x 100, 5,000 x 10). */
  shapes: TableShape[];
  /** The memory group's table (160,000 servers). */
  memoryShape: TableShape;
  /** The restore group's table, and its runs (a restore of it takes minutes). */
  restoreShape: TableShape;
  restoreRuns: number;
  runs: number;
  /** Groups to run, in the fixed order of GROUPS. */
  only: Group[];
  /** Per command time limit, in seconds. */
  timeout: number;
  /** Untimed warm-up runs of each command of the start-up and listing groups. */
  warmup: number;
  /** The apply group's table: services, and real servers per service. */
  applyServices: number;
  applyDests: number;
  /** The reload group's table: services, and real servers in all (spread 16/17 at the defaults). */
  reloadServices: number;
  reloadDests: number;
  /** Share of the lines the changed files differ in, in percent. */
  changePercent: number;
  /** Seed of the changes. */
  seed: number;
  /** An older bundle to time -L -n of in the start-up group (bench/baseline.sh builds one). */
  baselineBundle?: string;
  /** --help was given: yargs printed the usage, nothing is to be run. */
  help: boolean;
}

function positiveInt(name: string, min: number) {
  return (v: unknown): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${String(v)}`);
    return n;
  };
}

function percentage(v: unknown): number {
  const n = Number(v);
  if (!(n > 0 && n <= 100)) throw new Error(`--change-percent must be a number in (0, 100], got ${String(v)}`);
  return n;
}

/** `SxD` (services x servers per service), e.g. 1000x100. */
export function parseShape(name: string, text: string): TableShape {
  const m = /^(\d+)x(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) < 1) throw new Error(`--${name}: '${text}' is not SERVICESxSERVERS (e.g. 1000x100)`);
  return { services: Number(m[1]), dests: Number(m[2]) };
}

export const shapeName = (s: TableShape): string => `${s.services} x ${s.dests}`;

/** Parses the arguments (without node and the script); throws a one-line Error on bad input. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const parsed = yargs([...argv])
    .scriptName('node dist/bench/run.js')
    .usage('$0 [options]\n\nBenchmarks ours against /usr/sbin/ipvsadm; run inside the kernel lab (npm run bench).')
    .option('shapes', { type: 'string', default: '16000x1,1000x100,5000x10', describe: 'listing group: tables, SERVICESxSERVERS, comma separated' })
    .option('memory-shape', { type: 'string', default: '16000x10', describe: 'memory group: the table' })
    .option('restore-shape', { type: 'string', default: '10000x10', describe: 'restore group: the table' })
    .option('restore-runs', { type: 'number', default: 3, describe: 'restore group: timed runs of each command', coerce: positiveInt('restore-runs', 1) })
    .option('runs', { type: 'number', default: 5, describe: 'timed runs of each command (median and min reported)', coerce: positiveInt('runs', 1) })
    .option('only', { type: 'string', describe: `run only these groups, comma separated: ${GROUPS.join(', ')}` })
    .option('timeout', { type: 'number', default: 600, describe: 'time limit of one command, in seconds', coerce: positiveInt('timeout', 1) })
    .option('warmup', { type: 'number', default: 1, describe: 'untimed warm-up runs (start-up and listing groups)', coerce: positiveInt('warmup', 0) })
    .option('apply-services', { type: 'number', default: 10000, describe: 'apply group: services in the table', coerce: positiveInt('apply-services', 20) })
    .option('apply-dests', { type: 'number', default: 3, describe: 'apply group: real servers per service', coerce: positiveInt('apply-dests', 1) })
    .option('reload-services', { type: 'number', default: 2284, describe: 'reload group: services in the table', coerce: positiveInt('reload-services', 20) })
    .option('reload-dests', { type: 'number', default: 37298, describe: 'reload group: real servers in all, spread evenly', coerce: positiveInt('reload-dests', 1) })
    .option('change-percent', { type: 'number', default: 1, describe: 'apply and reload groups: share of the lines changed', coerce: percentage })
    .option('seed', { type: 'number', default: 1, describe: 'apply and reload groups: seed of the changes', coerce: positiveInt('seed', 0) })
    .option('baseline-bundle', { type: 'string', describe: 'start-up group: also time -L -n of this older bundle (bench/baseline.sh)' })
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .parseSync();
  const only = parseGroups(parsed.only);
  if (parsed['reload-dests'] < parsed['reload-services']) throw new Error('--reload-dests must be at least --reload-services');
  const shapes = parsed.shapes.split(',').filter((x) => x.trim() !== '').map((x) => parseShape('shapes', x));
  if (shapes.length === 0) throw new Error('--shapes: no table given');
  return {
    shapes, memoryShape: parseShape('memory-shape', parsed['memory-shape']), restoreShape: parseShape('restore-shape', parsed['restore-shape']),
    restoreRuns: parsed['restore-runs'],
    runs: parsed.runs, only, timeout: parsed.timeout, warmup: parsed.warmup,
    applyServices: parsed['apply-services'], applyDests: parsed['apply-dests'],
    reloadServices: parsed['reload-services'], reloadDests: parsed['reload-dests'],
    changePercent: parsed['change-percent'], seed: parsed.seed,
    ...(parsed['baseline-bundle'] !== undefined && parsed['baseline-bundle'] !== '' ? { baselineBundle: parsed['baseline-bundle'] } : {}),
    help: argv.includes('--help'),
  };
}

export function parseGroups(spec: string | undefined): Group[] {
  if (spec === undefined || spec === '') return [...GROUPS];
  const wanted = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const w of wanted) {
    if (!(GROUPS as readonly string[]).includes(w)) throw new Error(`--only: unknown benchmark '${w}' (known: ${GROUPS.join(', ')})`);
  }
  return GROUPS.filter((g) => wanted.includes(g));
}
