/**
 * The soak's listings (issue 12, load): a process of its own that runs our
 * `-L -n`, `-L -n --stats` and `-S -n` in turn, all the time, while the
 * driver changes the table. Each must succeed, say nothing on stderr, and
 * print only well-formed lines: the banner and titles, then service lines
 * each followed by its own server lines. A listing taken while the table
 * changes may show any mix of the states it went through; it may not fail.
 *
 * As a program (the driver starts it):
 *   node listings.js COMMAND... -- STOP_FILE RESULT_FILE
 * where COMMAND runs our ipvsadm (the words before the listing's own). It
 * stops at the first failure, when STOP_FILE appears, or when the driver
 * is gone, and writes its counts and failure as JSON to RESULT_FILE.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';

export const LISTINGS: Record<string, string[]> = {
  plain: ['-L', '-n'],
  stats: ['-L', '-n', '--stats'],
  save: ['-S', '-n'],
};

const BANNER = /^IP Virtual Server version \d+\.\d+\.\d+ \(size=\d+\)$/;
const ADDRPORT = String.raw`(?:\d+\.\d+\.\d+\.\d+|\[[0-9a-f:]+\]):\d+`;
const LIST_ID = String.raw`(?:(?:TCP |UDP |SCTP) ${ADDRPORT}|FWM  \d+(?: IPv6)?)`;
const NUMBER = String.raw`\d+[KMGT]?`;
const PLAIN_SERVICE = new RegExp(String.raw`^${LIST_ID} [a-z]+(?: \([a-z,-]+\))?(?: persistent \d+(?: mask \S+)?)?(?: ops)?$`);
const PLAIN_SERVER = new RegExp(String.raw`^  -> ${ADDRPORT} +(?:Masq|Route|Tunnel|Local) +-?\d+ +\d+ +\d+ *$`);
const STATS_SERVICE = new RegExp(String.raw`^${LIST_ID} +${NUMBER}(?: +${NUMBER}){4}$`);
const STATS_SERVER = new RegExp(String.raw`^  -> ${ADDRPORT} +${NUMBER}(?: +${NUMBER}){4}$`);
const SAVE_ID = String.raw`(?:(?:-t|-u|--sctp-service) ${ADDRPORT}|-f \d+(?: -6)?)`;
const SAVE_SERVICE = new RegExp(String.raw`^-A (${SAVE_ID}) -s [a-z]+(?: -p \d+(?: -M \S+)?)?(?: -o)?(?: -b [a-z,-]+)?$`);
const SAVE_SERVER = new RegExp(String.raw`^-a (${SAVE_ID}) -r ${ADDRPORT} -[gim] -w -?\d+(?: --tun-type (?:ipip|gue|gre)(?: --tun-port \d+)?(?: --tun-(?:no|rem)?csum)?)?$`);

const TITLES: Record<string, string[]> = {
  plain: ['Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'],
  stats: ['Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes', '  -> RemoteAddress:Port'],
};

/** What is wrong with a listing's output, or undefined when every line is well-formed. */
export function listingProblem(kind: string, out: string): string | undefined {
  if (out !== '' && !out.endsWith('\n')) return 'the output does not end with a newline';
  const lines = out === '' ? [] : out.slice(0, -1).split('\n');
  if (kind === 'save') {
    let service: string | undefined;
    for (const [i, line] of lines.entries()) {
      const a = SAVE_SERVICE.exec(line);
      const d = SAVE_SERVER.exec(line);
      if (a) service = a[1];
      else if (!d) return `line ${i + 1} is malformed: ${JSON.stringify(line)}`;
      else if (d[1] !== service) return `line ${i + 1} is a server of a service not just listed: ${JSON.stringify(line)}`;
    }
    return undefined;
  }
  const [service, server] = kind === 'plain' ? [PLAIN_SERVICE, PLAIN_SERVER] : [STATS_SERVICE, STATS_SERVER];
  if (lines.length < 3 || !BANNER.test(lines[0]) || lines[1] !== TITLES[kind][0] || lines[2] !== TITLES[kind][1]) {
    return `the banner and titles are not there: ${JSON.stringify(lines.slice(0, 3))}`;
  }
  let inService = false;
  for (const [i, line] of lines.entries()) {
    if (i < 3) continue;
    if (service.test(line)) inService = true;
    else if (!server.test(line)) return `line ${i + 1} is malformed: ${JSON.stringify(line)}`;
    else if (!inService) return `line ${i + 1} is a server before any service: ${JSON.stringify(line)}`;
  }
  return undefined;
}

export interface ListingCounts {
  listings: number;
  byKind: Record<string, number>;
}

export interface ListingFailure {
  kind: string;
  status: number | null;
  signal: string | null;
  problem: string;
  stdout: string;
  stderr: string;
}

/** Listings in turn until `stop` exists or our parent has gone; the first failure ends the loop. */
export function listUntil(command: readonly string[], stop: string): { counts: ListingCounts; failure?: ListingFailure } {
  const counts: ListingCounts = { listings: 0, byKind: { plain: 0, stats: 0, save: 0 } };
  const kinds = Object.keys(LISTINGS);
  const parent = process.ppid;
  for (let n = 0; !fs.existsSync(stop) && process.ppid === parent; n++) {
    const kind = kinds[n % kinds.length];
    const r = spawnSync(command[0], [...command.slice(1), ...LISTINGS[kind]], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', maxBuffer: 1 << 26 });
    const problem = r.error
      ? `could not run: ${r.error.message}`
      : r.status !== 0 || r.signal !== null ? `status ${r.status}${r.signal ? ` (${r.signal})` : ''}`
        : r.stderr !== '' ? 'something on stderr'
          : listingProblem(kind, r.stdout);
    if (problem !== undefined) {
      return { counts, failure: { kind, status: r.status, signal: r.signal, problem, stdout: r.stdout ?? '', stderr: r.stderr ?? '' } };
    }
    counts.listings++;
    counts.byKind[kind]++;
  }
  return { counts };
}

function main(argv: readonly string[]): number {
  const split = argv.indexOf('--');
  if (split < 1 || split !== argv.length - 3) {
    process.stderr.write('usage: listings.js COMMAND... -- STOP_FILE RESULT_FILE\n');
    return 2;
  }
  const result = listUntil(argv.slice(0, split), argv[split + 1]);
  // Whole or not at all: the driver reads the file as soon as it exists.
  fs.writeFileSync(`${argv[split + 2]}.part`, `${JSON.stringify(result)}\n`);
  fs.renameSync(`${argv[split + 2]}.part`, argv[split + 2]);
  return result.failure ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
