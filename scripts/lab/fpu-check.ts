// The lab's FPU self-test: floating-point and typed-array work whose result
// depends on every register surviving each context switch. Inside a guest
// (run with IPVS_LAB_XSTATE=always, so each switch goes through the xstate
// preload's overlay), two worker threads (one host process, as UML runs the
// threads of one guest process) and a second process compute it at the same
// time; each result must equal the one the host computed.
//
// node fpu-check.js --expect HEX --seed N --rounds N    (the check, in a guest)
// node fpu-check.js --compute --seed N --rounds N       (one result, on stdout)
import { spawn } from 'child_process';
import * as fs from 'fs';
import { Worker, isMainThread, parentPort, workerData } from 'worker_threads';

export interface FpuWork {
  seed: number;
  rounds: number;
}

const SIZE = 4096;

/** What the lab runs: about a second of work per thread on the host, several in a guest. */
export const FPU_SELF_TEST: FpuWork = { seed: 20261201, rounds: 3000 };

/** A syscall, so the guest kernel gets a chance to switch tasks mid-computation. */
function enterKernel(): void {
  fs.fstatSync(1);
}

/**
 * Deterministic: JavaScript arithmetic is IEEE 754 double (or float through
 * Math.fround) everywhere, and V8's Math.sin is its own, so the same seed
 * gives the same bits on any x86-64 host. Typed-array copies go through the
 * C library's vector memmove (AVX/AVX-512 registers).
 */
export function fpuWorkload(w: FpuWork): string {
  const doubles = new Float64Array(SIZE);
  const singles = new Float32Array(SIZE);
  let state = w.seed >>> 0;
  for (let i = 0; i < SIZE; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    doubles[i] = state / 4294967296 - 0.5;
    singles[i] = Math.fround(Math.sqrt(i + (w.seed % 97)));
  }
  let sum = 0;
  let sum32 = 0;
  for (let r = 0; r < w.rounds; r++) {
    for (let i = 0; i < SIZE; i++) {
      const v = doubles[i] * 1.000000119 + Math.sin(doubles[(i * 7 + r) % SIZE]) * 0.5;
      doubles[i] = v - Math.floor(v);
      singles[i] = Math.fround(singles[i] * 0.999 + Math.fround(v));
      sum += (doubles[i] * doubles[i]) / (1 + Math.abs(singles[i]));
    }
    sum32 = Math.fround(sum32 + singles[r % SIZE]);
    // Whole-array moves: vector registers in the C library.
    doubles.copyWithin(0, 1);
    doubles[SIZE - 1] = sum - Math.floor(sum);
    singles.set(singles.subarray(SIZE / 2), 0);
    if (r % 4 === 0) enterKernel();
  }
  let hash = 0x811c9dc5;
  const mix = (words: Uint32Array) => {
    for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ words[i], 0x01000193) >>> 0;
  };
  mix(new Uint32Array(doubles.buffer));
  mix(new Uint32Array(singles.buffer));
  const tail = new Float64Array([sum, sum32]);
  const tailWords = new Uint32Array(tail.buffer);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `${hex(hash)}-${Array.from(tailWords, hex).join('')}`;
}

function parseWork(argv: readonly string[]): FpuWork & { expect?: string; compute: boolean } {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seed = Number(value('--seed') ?? 1);
  const rounds = Number(value('--rounds') ?? 200);
  return { seed, rounds, expect: value('--expect'), compute: argv.includes('--compute') };
}

function inWorker(work: FpuWork, index: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: work });
    worker.once('message', (m: string) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker ${index} exited with status ${code} before answering`)));
  });
}

function inProcess(work: FpuWork): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename, '--compute', '--seed', String(work.seed), '--rounds', String(work.rounds)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(out.trim());
      else reject(new Error(`child process ended with ${signal ?? `status ${String(code)}`}`));
    });
  });
}

async function check(work: FpuWork, expected: string): Promise<number> {
  const started = Date.now();
  const names = ['worker thread 1', 'worker thread 2', 'second process'];
  const results = await Promise.allSettled([inWorker(work, 1), inWorker(work, 2), inProcess(work)]);
  let wrong = 0;
  results.forEach((r, i) => {
    if (r.status === 'rejected') {
      wrong++;
      console.log(`fpu self-test: ${names[i]}: ${(r.reason as Error).message}`);
    } else if (r.value !== expected) {
      wrong++;
      console.log(`fpu self-test: ${names[i]}: ${r.value}, the host computed ${expected}`);
    }
  });
  const took = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`fpu self-test: ${results.length - wrong} of ${results.length} parallel results equal the host's (${work.rounds} rounds, ${took} s)`);
  return wrong === 0 ? 0 : 1;
}

if (!isMainThread && parentPort) {
  parentPort.postMessage(fpuWorkload(workerData as FpuWork));
} else if (require.main === module) {
  const o = parseWork(process.argv.slice(2));
  if (o.compute) {
    process.stdout.write(`${fpuWorkload(o)}\n`);
  } else if (o.expect === undefined) {
    console.error('fpu-check: --expect HEX or --compute is required');
    process.exitCode = 2;
  } else {
    check(o, o.expect).then(
      (status) => (process.exitCode = status),
      (e: unknown) => {
        console.log(`fpu self-test: ${e instanceof Error ? e.message : String(e)}`);
        process.exitCode = 1;
      },
    );
  }
}
