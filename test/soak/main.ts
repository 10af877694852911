/**
 * The soak as a program, run inside the network namespace whose table it
 * changes (the lab's director: scripts/soak.js runs it there):
 *
 *   node dist/test/soak/main.js [--minutes M | --seconds S] [--seed N]
 *                               [--traffic-client NAMESPACE] [--result FILE] [--verbose]
 *
 * --traffic-client: a stream of requests from that namespace (the cluster's
 * client) to the cluster's NAT service 10.0.0.100:80, which the soak then
 * changes like the others, over the real servers only.
 * --result: the whole result as JSON (the kernel test reads it).
 * --verbose: a line per step on stderr (what it did, how long it took).
 * The seed is FUZZ_SEED when --seed is not given, else a new one; it is
 * printed first. Prints a line of progress a minute on stderr, and one
 * summary line on stdout. Status: 0 when nothing diverged, 1 on the first
 * divergence (printed with its seed and step), 2 for a bad command line.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stream, StreamReport } from '../kernel/reload-lab';
import { SoakResult, runSoak, summaryLine } from './soak';
import { CLUSTER_TRAFFIC, TrafficVerdict, judgeTraffic, verdictLine } from './traffic';

interface Options {
  durationMs: number;
  seed: number;
  trafficClient?: string;
  result?: string;
  verbose: boolean;
}

class UsageError extends Error {}

function positive(word: string | undefined, option: string): number {
  const n = Number(word);
  if (word === undefined || !/^\d+(\.\d+)?$/.test(word) || !(n > 0)) throw new UsageError(`${option} needs a positive number`);
  return n;
}

function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const fromEnv = env.FUZZ_SEED !== undefined && /^\d+$/.test(env.FUZZ_SEED) ? Number(env.FUZZ_SEED) : undefined;
  const o: Options = { durationMs: 20 * 60_000, seed: fromEnv ?? Date.now() % 1_000_000, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--minutes') o.durationMs = positive(argv[++i], a) * 60_000;
    else if (a === '--seconds') o.durationMs = positive(argv[++i], a) * 1000;
    else if (a === '--seed') {
      const word = argv[++i];
      if (word === undefined || !/^\d+$/.test(word)) throw new UsageError('--seed needs a whole number');
      o.seed = Number(word);
    } else if (a === '--traffic-client' && argv[i + 1] !== undefined) o.trafficClient = argv[++i];
    else if (a === '--result' && argv[i + 1] !== undefined) o.result = argv[++i];
    else if (a === '--verbose') o.verbose = true;
    else throw new UsageError(`unknown option ${JSON.stringify(a)}`);
  }
  return o;
}

/**
 * Requests a second: modest, since the stream shares the lab's one CPU with
 * the soak; and the stream's 51,000 source ports must last the run (each
 * request uses one).
 */
function streamRate(durationMs: number): number {
  return Math.max(2, Math.min(15, Math.floor(40_000 / (durationMs / 1000 + 60))));
}

async function soakWithTraffic(o: Options, scratch: string, progress: (line: string) => void): Promise<{ result: SoakResult; traffic?: TrafficVerdict }> {
  const options = { seed: o.seed, durationMs: o.durationMs, scratch, progress, onStep: o.verbose ? progress : undefined };
  if (o.trafficClient === undefined) return { result: await runSoak(options) };
  const stream = new Stream({ client: o.trafficClient, dir: scratch }, [{ kind: 'http', address: '10.0.0.100', port: 80 }], {
    workers: 4, rate: streamRate(o.durationMs), timeoutS: 3, maxSeconds: Math.ceil(o.durationMs / 1000) + 300,
  });
  let report: StreamReport;
  let result: SoakResult;
  try {
    await stream.ready(30_000);
    result = await runSoak({ ...options, traffic: CLUSTER_TRAFFIC });
    report = await stream.stop(30_000);
  } finally {
    stream.kill();
  }
  return { result, traffic: judgeTraffic(report, result.initial ?? null, result.timeline) };
}

async function main(): Promise<number> {
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2), process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`soak: ${e.message}\nusage: soak [--minutes M | --seconds S] [--seed N] [--traffic-client NAMESPACE] [--result FILE] [--verbose]\n`);
    return 2;
  }
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  progress(`soak: seed ${o.seed} (FUZZ_SEED=${o.seed} or --seed ${o.seed} runs it again), ${o.durationMs / 1000} s`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'soak-'));
  try {
    const { result, traffic } = await soakWithTraffic(o, scratch, progress);
    if (o.result) fs.writeFileSync(o.result, JSON.stringify({ ...result, traffic }));
    if (result.divergence !== undefined) process.stdout.write(`soak: DIVERGENCE (seed ${o.seed}) at ${result.divergence}\n`);
    process.stdout.write(`${summaryLine(result)}\n`);
    if (traffic) process.stdout.write(`${verdictLine(traffic)}\n`);
    const trafficHeld = traffic === undefined || (traffic.unexcusedCount === 0 && traffic.misroutedCount === 0);
    if (!trafficHeld) process.stdout.write(`soak: traffic did not hold (seed ${o.seed}):\n${[...traffic!.unexcused, ...traffic!.misrouted].join('\n')}\n`);
    return result.divergence === undefined && trafficHeld ? 0 : 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (status) => process.exit(status),
  (e) => {
    process.stderr.write(`soak: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
