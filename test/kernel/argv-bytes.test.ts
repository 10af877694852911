// Issue 12: command-line words whose bytes are not UTF-8, beside 1.31 on the
// same table. Node.js decodes its arguments as UTF-8 before a script sees
// them, each bad sequence becoming U+FFFD, and gives no way to the bytes.
// Values are judged the same all the same (a U+FFFD is as wrong as the byte
// it replaced); only a message that quotes a word can differ: ours prints
// U+FFFD's bytes where 1.31 prints the word's own (ipvsadm.8, item l). The
// words reach both programs through the shell, from printf, since a Node
// test can only pass UTF-8.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { REAL_IPVSADM, real, realOk } from './apply-lab';
import { requireLab } from './client-lab';

requireLab();

const OURS = path.join(repoRoot(__dirname), 'bin', 'ipvsadm');

/**
 * Each case is a command line for the shell after the program, where
 * `printf` makes the bytes; `quotes` says 1.31's message repeats a word.
 */
const CASES: { args: string; quotes: boolean }[] = [
  { args: `"-L$(printf '\\351')"`, quotes: true },
  { args: `"--$(printf '\\377x')"`, quotes: false },
  { args: `-A -t 10.0.0.1:80 "--sch$(printf '\\351')"`, quotes: true },
  { args: `-L "-L$(printf '\\303')"`, quotes: true },
  { args: `-A -t "$(printf '\\377'):80"`, quotes: false },
  { args: `-A -t "10.0.0.1:$(printf '\\200')"`, quotes: false },
  { args: `-A -t 10.0.0.1:80 -s "r$(printf '\\377')"`, quotes: false },
  { args: `-A -t 10.0.0.1:80 -w "$(printf '\\377')"`, quotes: false },
  { args: `-a -t 10.0.0.1:80 -r "$(printf '\\377\\376')"`, quotes: false },
  { args: `-A -f 1 --pe "$(printf '\\377')"`, quotes: false },
  { args: `-A -t 10.0.0.1:80 -b "sh-port,$(printf '\\377')"`, quotes: false },
  { args: `-E -t 10.0.0.9:80 -M "$(printf '\\377')"`, quotes: false },
  { args: `--start-daemon master --mcast-interface "$(printf 'e\\377')"`, quotes: false },
  { args: `-L -t 10.0.0.1:80 "$(printf '\\377')"`, quotes: true },
];

interface Ran {
  status: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** 1.31 is run by its bare name, as ours names itself (IPVSADM_ARGV0), for the `Try ...` line. */
function runThroughShell(program: string[], args: string): Ran {
  const r = spawnSync('/bin/sh', ['-c', `exec "$@" ${args}`, 'sh', ...program], {
    env: { ...process.env, IPVSADM_ARGV0: 'ipvsadm', PATH: `${path.dirname(REAL_IPVSADM)}:${process.env.PATH ?? ''}` },
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Bytes as Node would hand them on: each sequence that is not UTF-8 as U+FFFD. */
const asNodeReadsThem = (bytes: Buffer) => Buffer.from(bytes.toString('utf8'));

beforeAll(() => {
  real(['-C']);
  realOk(['-R'], '-A -t 10.0.0.1:80 -s rr\n');
});

afterAll(() => {
  real(['-C']);
});

test.each(CASES)('$args', ({ args, quotes }) => {
  const theirs = runThroughShell([path.basename(REAL_IPVSADM)], args);
  const tableAfterTheirs = realOk(['-S', '-n']);
  const ours = runThroughShell([process.execPath, OURS], args);
  const tableAfterOurs = realOk(['-S', '-n']);
  expect(theirs.status).not.toBe(0); // every case is refused: neither changes the table
  expect(tableAfterOurs).toBe(tableAfterTheirs);
  expect(ours.status).toBe(theirs.status);
  expect(ours.stdout.toString('latin1')).toBe(theirs.stdout.toString('latin1'));
  const expected = quotes ? asNodeReadsThem(theirs.stderr) : theirs.stderr;
  expect(ours.stderr.toString('latin1')).toBe(expected.toString('latin1'));
  // The documented difference is there only where 1.31 quotes the word.
  expect(asNodeReadsThem(theirs.stderr).equals(theirs.stderr)).toBe(!quotes);
});
