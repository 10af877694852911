// Issue 6: output that cannot be written. On a full disk (/dev/full, a full
// tmpfs) our programs end with one line and status 1 where 1.31 reports
// success with truncated output: the 1.31 side of each difference is asserted
// too, so the difference stays documented. A closed pipe ends both the same
// way (the shell-visible part is in differential scenario 33; here, the
// signal itself). Our programs run from bin/ (the bundle: npm run build).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { closedPipe } from '../support/closed-pipe';
import { requireLab } from './client-lab';

requireLab();

const REPO = repoRoot(__dirname);
const REAL_DIR = '/usr/sbin';
const ENOSPC_LINE = 'ipvsadm: write error: No space left on device\n';
const SLOW = 120_000;

type Program = 'ipvsadm' | 'ipvsadm-save' | 'ipvsadm-restore';

interface Case {
  name: string;
  program: Program;
  args: string[];
  stdin?: string;
}

const CASES: Case[] = [
  { name: '-S -n', program: 'ipvsadm', args: ['-S', '-n'] },
  { name: '-L -n', program: 'ipvsadm', args: ['-L', '-n'] },
  { name: '-L --timeout', program: 'ipvsadm', args: ['-L', '--timeout'] },
  { name: '-L -n -t SERVICE', program: 'ipvsadm', args: ['-L', '-n', '-t', '10.0.0.1:80'] },
  { name: '-L -c -n', program: 'ipvsadm', args: ['-L', '-c', '-n'] },
  { name: '-h', program: 'ipvsadm', args: ['-h'] },
  { name: 'ipvsadm-save', program: 'ipvsadm-save', args: [] },
  { name: 'ipvsadm-save -n', program: 'ipvsadm-save', args: ['-n'] },
  { name: 'ipvsadm-restore with a listing line', program: 'ipvsadm-restore', args: [], stdin: '-A -t 10.0.0.1:80 -s rr\n-L -n\n' },
  { name: '-R with a listing line', program: 'ipvsadm', args: ['-R'], stdin: '-A -t 10.0.0.2:80\n-L -n\n-A -t 10.0.0.3:80\n' },
];

interface Outcome {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function run(side: 'ours' | 'real', c: Case, stdout: number, stderr: number | 'pipe' = 'pipe'): Outcome {
  const [cmd, args] = side === 'ours'
    ? [process.execPath, [path.join(REPO, 'bin', c.program), ...c.args]]
    : [path.join(REAL_DIR, c.program), c.args];
  const r = spawnSync(cmd, args, {
    input: c.stdin,
    stdio: [c.stdin === undefined ? 'ignore' : 'pipe', stdout, stderr],
    encoding: 'utf8',
    env: { ...process.env, IPVSADM_ARGV0: 'ipvsadm' },
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stderr: r.stderr ?? '' };
}

function ipvsadm(args: string[], input?: string): string {
  return execFileSync(path.join(REAL_DIR, 'ipvsadm'), args, { input, encoding: 'utf8' });
}

/** A small table: a service with a destination, and a UDP service. */
function smallTable(): void {
  ipvsadm(['-C']);
  ipvsadm(['-R'], '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11:8080 -m\n-A -u 10.0.0.1:53\n');
}

/** 500 services with a destination each: a save file of about 36 KB. */
function largerTable(): void {
  ipvsadm(['-C']);
  const lines: string[] = [];
  for (let i = 1; i <= 500; i++) {
    const vip = `10.4.${i >> 8}.${i & 0xff}`;
    lines.push(`-A -t ${vip}:80 -s rr`, `-a -t ${vip}:80 -r 10.5.${i >> 8}.${i & 0xff}:8080 -m`);
  }
  ipvsadm(['-R'], `${lines.join('\n')}\n`);
}

function withFd<T>(file: string, flags: string, use: (fd: number) => T): T {
  const fd = fs.openSync(file, flags);
  try {
    return use(fd);
  } finally {
    fs.closeSync(fd);
  }
}

let scratch = '';
let tmpfs = '';

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'output-errors-'));
  tmpfs = path.join(scratch, 'small');
  fs.mkdirSync(tmpfs);
  // The lab is root in its own mount namespace (or a UML guest): a 16 KB file system of our own.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', tmpfs]);
});

afterAll(() => {
  spawnSync('umount', [tmpfs]);
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  spawnSync(path.join(REAL_DIR, 'ipvsadm'), ['-C']);
});

function emptyTmpfs(): void {
  for (const name of fs.readdirSync(tmpfs)) fs.rmSync(path.join(tmpfs, name));
}

/** Fills the tmpfs to the last byte, so that every further write fails with ENOSPC. */
function fillTmpfs(): void {
  emptyTmpfs();
  withFd(path.join(tmpfs, 'filler'), 'w', (fd) => {
    const block = Buffer.alloc(4096, 0x78);
    for (;;) {
      try {
        fs.writeSync(fd, block);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
        throw error;
      }
    }
  });
}

describe('stdout on /dev/full', () => {
  beforeEach(smallTable);

  test.each(CASES.map((c) => [c.name, c] as const))('%s: ours says so in one line and exits 1', (_name, c) => {
    const ours = withFd('/dev/full', 'w', (fd) => run('ours', c, fd));
    expect(ours).toEqual({ status: 1, signal: null, stderr: ENOSPC_LINE });
  }, SLOW);

  test('1.31 reports success for the same commands', () => {
    for (const c of CASES) {
      smallTable();
      const real = withFd('/dev/full', 'w', (fd) => run('real', c, fd));
      expect({ name: c.name, ...real }).toEqual({ name: c.name, status: 0, signal: null, stderr: '' });
    }
  }, SLOW);

  test('stderr on /dev/full: status 1 (1.31: the status of the failed command, 2 for a usage error)', () => {
    const usage: Case = { name: '-A without a service', program: 'ipvsadm', args: ['-A'] };
    const pipe = closedPipe(scratch);
    try {
      expect(withFd('/dev/full', 'w', (fd) => run('ours', usage, pipe.fd, fd))).toEqual({ status: 1, signal: null, stderr: '' });
      expect(withFd('/dev/full', 'w', (fd) => run('real', usage, pipe.fd, fd))).toEqual({ status: 2, signal: null, stderr: '' });
    } finally {
      pipe.close();
    }
  }, SLOW);
});

describe('stdout on a full tmpfs', () => {
  beforeEach(smallTable);

  test.each(CASES.map((c) => [c.name, c] as const))('%s: ours says so in one line and exits 1', (_name, c) => {
    fillTmpfs();
    const ours = withFd(path.join(tmpfs, 'out'), 'w', (fd) => run('ours', c, fd));
    expect(ours).toEqual({ status: 1, signal: null, stderr: ENOSPC_LINE });
    expect(fs.statSync(path.join(tmpfs, 'out')).size).toBe(0);
  }, SLOW);

  test('1.31 reports success and leaves an empty file', () => {
    for (const c of CASES) {
      smallTable();
      fillTmpfs();
      const real = withFd(path.join(tmpfs, 'out'), 'w', (fd) => run('real', c, fd));
      expect({ name: c.name, ...real }).toEqual({ name: c.name, status: 0, signal: null, stderr: '' });
      expect(fs.statSync(path.join(tmpfs, 'out')).size).toBe(0);
    }
  }, SLOW);

  test('ipvsadm-save -n > FILE filling the disk part-way: 1.31 exits 0 with a truncated save, ours exits 1 and says why', () => {
    largerTable();
    const whole = ipvsadm(['-S', '-n']);
    expect(whole.length).toBeGreaterThan(2 * 16384);
    const save: Case = { name: 'ipvsadm-save -n', program: 'ipvsadm-save', args: ['-n'] };
    const file = path.join(tmpfs, 'ipvsadm');

    emptyTmpfs();
    const real = withFd(file, 'w', (fd) => run('real', save, fd));
    expect(real).toEqual({ status: 0, signal: null, stderr: '' });
    const truncated = fs.readFileSync(file, 'utf8');
    expect(truncated.length).toBe(16384);
    expect(whole.startsWith(truncated)).toBe(true);

    emptyTmpfs();
    const ours = withFd(file, 'w', (fd) => run('ours', save, fd));
    expect(ours).toEqual({ status: 1, signal: null, stderr: ENOSPC_LINE });
    // What fitted is the same prefix: written in the same blocks as 1.31's.
    expect(fs.readFileSync(file, 'utf8')).toBe(truncated);
  }, SLOW);
});

describe('stdout a pipe whose reader has gone', () => {
  beforeEach(smallTable);

  // ipvsadm itself dies of the signal; the wrappers are bash scripts, which exit with 128 + 13.
  const expected: Record<Program, Pick<Outcome, 'status' | 'signal'>> = {
    ipvsadm: { status: null, signal: 'SIGPIPE' },
    'ipvsadm-save': { status: 141, signal: null },
    'ipvsadm-restore': { status: 141, signal: null },
  };
  const cases = CASES.filter((c) => ['-L -n', 'ipvsadm-save -n', 'ipvsadm-restore with a listing line', '-R with a listing line'].includes(c.name));

  test.each(cases.map((c) => [c.name, c] as const))('%s: ends as 1.31 ends, silently', (_name, c) => {
    for (const side of ['real', 'ours'] as const) {
      smallTable();
      const pipe = closedPipe(scratch);
      try {
        expect({ side, ...run(side, c, pipe.fd) }).toEqual({ side, ...expected[c.program], stderr: '' });
      } finally {
        pipe.close();
      }
    }
  }, SLOW);
});
