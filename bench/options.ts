// Command line of bench/run.ts (yargs 17, CommonJS).
import yargs from 'yargs';

export const GROUPS = ['startup', 'restore', 'listing', 'memory'] as const;
export type Group = (typeof GROUPS)[number];

export interface BenchOptions {
  services: number;
  dests: number;
  runs: number;
  /** Groups to run, in the fixed order of GROUPS. */
  only: Group[];
  /** Per command time limit, in seconds. */
  timeout: number;
  /** Untimed warm-up runs of each command of the start-up and listing groups. */
  warmup: number;
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

/** Parses the arguments (without node and the script); throws a one-line Error on bad input. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const parsed = yargs([...argv])
    .scriptName('node dist/bench/run.js')
    .usage('$0 [options]\n\nBenchmarks ours against /usr/sbin/ipvsadm; run inside the kernel lab (npm run bench).')
    .option('services', { type: 'number', default: 5000, describe: 'virtual services in the big table', coerce: positiveInt('services', 1) })
    .option('dests', { type: 'number', default: 10, describe: 'destinations per service', coerce: positiveInt('dests', 0) })
    .option('runs', { type: 'number', default: 5, describe: 'timed runs of each command (median and min reported)', coerce: positiveInt('runs', 1) })
    .option('only', { type: 'string', describe: `run only these groups, comma separated: ${GROUPS.join(', ')}` })
    .option('timeout', { type: 'number', default: 600, describe: 'time limit of one command, in seconds', coerce: positiveInt('timeout', 1) })
    .option('warmup', { type: 'number', default: 1, describe: 'untimed warm-up runs (start-up and listing groups)', coerce: positiveInt('warmup', 0) })
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .parseSync();
  const only = parseGroups(parsed.only);
  return { services: parsed.services, dests: parsed.dests, runs: parsed.runs, only, timeout: parsed.timeout, warmup: parsed.warmup,
    help: argv.includes('--help') };
}

export function parseGroups(spec: string | undefined): Group[] {
  if (spec === undefined || spec === '') return [...GROUPS];
  const wanted = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const w of wanted) {
    if (!(GROUPS as readonly string[]).includes(w)) throw new Error(`--only: unknown benchmark '${w}' (known: ${GROUPS.join(', ')})`);
  }
  return GROUPS.filter((g) => wanted.includes(g));
}
