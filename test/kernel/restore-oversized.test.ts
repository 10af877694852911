// Issue 12: oversized input. `-R` side by side with 1.31 on the same
// starting table: a 10 MB line (alone, and after a command), 10 MB of NUL
// bytes, a stream of lines that are not UTF-8 (compared as UTF-8 decodes
// both outputs: ipvsadm.8, DIFFERENCES g), and a stream of many lines that
// each fail (popt errors: the stream goes on). Their stdout, stderr, status
// and the table left behind must be identical. Then ours alone, `apply` and
// `apply --dry-run` of a file with a 10 MB line and of a file of many lines
// whose last is wrong: each ends in bounded time and memory, with one line
// naming FILE:LINE (a long word cut short), status 2 and the table as it was. Peak RSS and times
// (/usr/bin/time) are printed for the record.
//
// Many lines: 20,000 on CI; by hand, a million (1.31 takes about 2 minutes):
//   OVERSIZED_LINES=1000000 node scripts/test.js --kernel-only --shards=1 restore-oversized
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { requireLab } from './client-lab';
import { REAL_IPVSADM } from './apply-lab';

requireLab();

const OURS = path.join(repoRoot(__dirname), 'bin', 'ipvsadm');
const LINES = Number(process.env.OVERSIZED_LINES ?? 20_000);
const MB10 = 10 * 1024 * 1024;
/** Far above what ours needs for these inputs (about 90 MB), far below the guest's 1 GB. */
const MAX_RSS_KB = 400 * 1024;
/** Each run's limit: 1.31 needs about 2 minutes for a million failing lines, ours less. */
const RUN_TIMEOUT_S = 60 + Math.ceil(LINES / 2000);
const BASE = '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m\n-A -u 10.0.0.1:53 -p 300\n';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oversized-'));
const TIME_FILE = path.join(dir, 'time');

interface Measured {
  status: number | null;
  stdout: Buffer;
  stderr: Buffer;
  seconds: number;
  rssKb: number;
}

/** Runs `program` as `ipvsadm` with `input` from a file, under /usr/bin/time. */
function measured(program: string, argv: readonly string[], input: Buffer): Measured {
  const inputFile = path.join(dir, 'input');
  fs.writeFileSync(inputFile, input);
  const fd = fs.openSync(inputFile, 'r');
  try {
    const r = spawnSync(
      '/usr/bin/time',
      ['-v', '-o', TIME_FILE, 'timeout', '-s', 'KILL', String(RUN_TIMEOUT_S), 'bash', '-c', 'exec -a ipvsadm "$0" "$@"', program, ...argv],
      { stdio: [fd, 'pipe', 'pipe'], maxBuffer: 1 << 30, env: { ...process.env, IPVSADM_ARGV0: 'ipvsadm' } },
    );
    if (r.error) throw new Error(`${program} ${argv.join(' ')}: ${r.error.message}`);
    const times = fs.readFileSync(TIME_FILE, 'latin1');
    const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(times)!;
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(times)!;
    // time reports a killed command with "Command terminated by signal" and the status of 128 + N.
    const status = /Command terminated by signal/.test(times) ? null : r.status;
    return { status, stdout: r.stdout, stderr: r.stderr, seconds: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]), rssKb: Number(rss[1]) };
  } finally {
    fs.closeSync(fd);
  }
}

const real = (argv: readonly string[], input = ''): Buffer => spawnSync(REAL_IPVSADM, argv, { input, maxBuffer: 1 << 28 }).stdout;

function reset(): void {
  real(['-C']);
  real(['-R'], BASE);
}

const state = (): string => real(['-S', '-n']).toString('latin1');

const figures = (m: Measured): string => `${m.seconds.toFixed(1)} s, ${(m.rssKb / 1024).toFixed(0)} MB peak RSS`;

/** The start of a long text, long runs of one character shortened, for reports. */
const shownText = (text: string): string => JSON.stringify(text.slice(0, 20_000).replace(/(.)\1{19,}/g, (run, c: string) => `${c}*${run.length}`).slice(0, 300));
const shown = (b: Buffer): string => shownText(b.toString('latin1', 0, 20_000));

const failingLines = (n: number): Buffer => Buffer.from('-L --nope\n'.repeat(n));

const RESTORE_CASES: Array<{ name: string; input: () => Buffer; lossy?: boolean }> = [
  { name: 'a 10 MB line, no newline', input: () => Buffer.alloc(MB10, 'x') },
  { name: 'a command, then a 10 MB word', input: () => Buffer.concat([Buffer.from('-A -t 10.0.0.9:80 -s rr '), Buffer.alloc(MB10, 'x'), Buffer.from('\n')]) },
  { name: '10 MB of NUL, then a command', input: () => Buffer.concat([Buffer.from('-A -t 10.0.0.8:80\n'), Buffer.alloc(MB10, 0), Buffer.from('\n-A -t 10.0.0.9:80\n')]) },
  {
    name: '2,000 lines, half of them not UTF-8',
    input: () => Buffer.from(Array.from({ length: 1000 }, (_, i) => `-A -t 10.0.${i >> 8}.${i & 255}:80 -s rr\n-L --\xe9\xff${i} -\xc3\n`).join(''), 'latin1'),
    lossy: true,
  },
  { name: `${LINES} failing lines, then a command`, input: () => Buffer.concat([failingLines(LINES), Buffer.from('-A -t 10.0.0.9:80\n')]) },
];

afterAll(() => {
  real(['-C']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test.each(RESTORE_CASES)('-R: $name: ours says, exits and leaves what 1.31 does', ({ input, lossy }) => {
  const stream = input();
  reset();
  const theirs = measured(REAL_IPVSADM, ['-R'], stream);
  const theirState = state();
  reset();
  const ours = measured(OURS, ['-R'], stream);
  const ourState = state();
  console.log(`-R of ${stream.length} bytes: 1.31 ${figures(theirs)}; ours ${figures(ours)}; status ${theirs.status}, ${theirs.stderr.length} bytes on stderr`);
  const text = (b: Buffer) => b.toString(lossy ? 'utf8' : 'latin1');
  expect(theirs.status).not.toBeNull();
  expect({ status: ours.status, stdout: text(ours.stdout), stderr: shownText(text(ours.stderr)), table: ourState }).toEqual({
    status: theirs.status,
    stdout: text(theirs.stdout),
    stderr: shownText(text(theirs.stderr)),
    table: theirState,
  });
  // The shortened texts above make a readable report; the whole texts must be the same too.
  expect(text(ours.stderr) === text(theirs.stderr)).toBe(true);
  expect(ours.rssKb).toBeLessThan(MAX_RSS_KB);
}, 600_000);

const APPLY_CASES: Array<{ name: string; text: () => Buffer; line: number; message: RegExp }> = [
  {
    name: 'a 10 MB word',
    text: () => Buffer.concat([Buffer.from('-A -t 10.0.0.1:80 -s rr\n-A -t 10.0.0.2:80 -s rr '), Buffer.alloc(MB10, 'x'), Buffer.from('\n')]),
    line: 2,
    // Cut at 200 characters: the whole word would be a 10 MB line.
    message: new RegExp(`^unexpected argument x{180}\\.\\.\\. \\(${'unexpected argument '.length + MB10} characters\\)$`),
  },
  {
    name: `${LINES} comment lines, the last line wrong`,
    text: () => Buffer.concat([Buffer.from(BASE), Buffer.from('# comment\n'.repeat(LINES)), Buffer.from('-a -t 10.0.0.1:80 -r 10.0.0.12 -w x\n')]),
    line: LINES + 4,
    message: /^illegal weight specified$/,
  },
];

describe.each(APPLY_CASES)('apply: $name', ({ text, line, message }) => {
  test.each(['apply --dry-run', 'apply'])('%s FILE: one line naming FILE:LINE, status 2, the table as it was, in bounded time and memory', (command) => {
    const file = path.join(dir, 'rules');
    fs.writeFileSync(file, text());
    reset();
    const before = state();
    const r = measured(OURS, [...command.split(' '), file], Buffer.alloc(0));
    console.log(`${command} of ${fs.statSync(file).size} bytes: ${figures(r)}; status ${r.status}; ${shown(r.stderr)}`);
    const lines = r.stderr.toString('utf8').split('\n').filter((l) => l !== '');
    expect(lines.length).toBe(1);
    expect(lines[0].startsWith(`${file}:${line}: `)).toBe(true);
    expect(lines[0].slice(`${file}:${line}: `.length)).toMatch(message);
    expect(r.status).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(state()).toBe(before);
    expect(r.rssKb).toBeLessThan(MAX_RSS_KB);
  }, 600_000);
});
