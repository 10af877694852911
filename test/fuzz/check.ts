/**
 * What the fuzzers hold every run of a program to (issue 12): it ends in
 * time, with a status src/messages/exit-status.ts documents, and says
 * nothing that looks like a crash (a stack trace, an internal error).
 */
import { run, type Captured, type HarnessOptions } from '../programs/harness';
import { FakeIpvs, keyText } from '../support/fake-ipvs';
import { listedDest, listedSvc, persistent, row } from '../support/builders';
import { serviceKey } from '../../src/ipvs/types';

/** Far more than any run takes against the fake kernel. */
export const DEADLINE_MS = 5000;
/** What the programs may exit with, no signal being involved. */
export const STATUSES = new Set([0, 1, 2, 255]);

/** The lab fuzzers' starting table, as rules for 1.31's -R: the shape of table() below. */
export const START_RULES = [
  '-A -t 10.0.0.1:80 -s rr',
  '-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m',
  '-a -t 10.0.0.1:80 -r 10.0.0.12:80 -g -w 2',
  '-A -u 10.0.0.1:53 -s wlc -p 300',
  '-a -u 10.0.0.1:53 -r 10.0.0.13:53 -i',
  '-A -t [2001:db8::1]:80 -s sh',
  '-a -t [2001:db8::1]:80 -r [2001:db8::10]:80 -m',
  '',
].join('\n');

/** The table every case starts from: TCP, UDP with persistence, IPv6. */
export function table(): FakeIpvs {
  const kernel = new FakeIpvs();
  for (const r of [
    row(listedSvc('tcp 10.0.0.1:80'), listedDest('10.0.0.11:80'), listedDest('10.0.0.12:80', 'route')),
    row(listedSvc('udp 10.0.0.1:53', persistent(300)), listedDest('10.0.0.13:53', 'tunnel')),
    row(listedSvc('tcp [2001:db8::1]:80'), listedDest('[2001:db8::10]:80')),
  ]) kernel.entries.set(keyText(serviceKey(r.service)), r);
  return kernel;
}

/** What is wrong with how the program handled `argv`, or undefined. */
export async function problem(argv: string[], kernel: FakeIpvs = table(), options: HarnessOptions = {}, seen?: (r: Captured) => void): Promise<string | undefined> {
  let now = 0;
  // A clock that moves when slept on, so that waits (drain, apply's grace) end.
  const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await Promise.race([
      run(argv, { kernel, stdin: '', clock, connections: '', sysctls: {}, ...options }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no end within ${DEADLINE_MS} ms`)), DEADLINE_MS);
      }),
    ]);
    seen?.(r);
    if (!STATUSES.has(r.status)) return `status ${r.status}`;
    const said = r.stdout + r.stderr;
    if (/internal error/.test(r.stderr)) return `internal error: ${r.stderr.trim()}`;
    if (/^\s+at .+:\d+:\d+\)?$/m.test(said)) return 'a stack trace';
    return undefined;
  } catch (error) {
    return `threw: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

