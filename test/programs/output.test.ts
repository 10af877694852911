import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  createStdio, errnoOf, type Buffering, type OutputSystem,
} from '../../src/programs/output';
import { writeErrorMessage } from '../../src/messages';
import { closedPipe } from '../support/closed-pipe';

const ENOSPC_LINE = 'ipvsadm: write error: No space left on device\n';

/** How the program ended: sys.exit(status) or sys.brokenPipe(). */
class Ended extends Error {
  constructor(readonly how: number | 'broken pipe') {
    super(`ended: ${how}`);
  }
}

function errnoError(code: string): NodeJS.ErrnoException {
  const errno = (os.constants.errno as Record<string, number>)[code];
  return Object.assign(new Error(`${code}: failed, write`), { code, errno: -errno, syscall: 'write' });
}

/** One planned answer to a write: take at most n bytes, or fail with an errno code. */
type Answer = number | string;

class FakeSystem implements OutputSystem {
  /** Every successful write, in order: fd 1 or 2 and the bytes taken. */
  readonly writes: { fd: number; text: string }[] = [];
  readonly plans = new Map<number, Answer[]>();
  pauses = 0;

  constructor(private readonly mode: Buffering = { kind: 'full', size: 4096 }) {}

  plan(fd: number, ...answers: Answer[]): this {
    this.plans.set(fd, [...(this.plans.get(fd) ?? []), ...answers]);
    return this;
  }

  text(fd: number): string {
    return this.writes.filter((w) => w.fd === fd).map((w) => w.text).join('');
  }

  write(fd: number, data: Uint8Array, offset: number, length: number): number {
    const answer = this.plans.get(fd)?.shift();
    if (typeof answer === 'string') throw errnoError(answer);
    const taken = answer === undefined ? length : Math.min(answer, length);
    if (taken > 0) this.writes.push({ fd, text: Buffer.from(data.subarray(offset, offset + taken)).toString('utf8') });
    return taken;
  }

  buffering(): Buffering {
    return this.mode;
  }

  pause(): void {
    this.pauses++;
  }

  exit(status: number): never {
    throw new Ended(status);
  }

  brokenPipe(): never {
    throw new Ended('broken pipe');
  }
}

function ending(action: () => void): number | 'broken pipe' | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof Ended) return error.how;
    throw error;
  }
  return undefined;
}

describe('stdout buffering (1.31 through the C library)', () => {
  test('fully buffered: nothing is written until a piece overflows the block or flush()', () => {
    const sys = new FakeSystem({ kind: 'full', size: 16 });
    const stdio = createStdio({ system: sys });
    stdio.out('0123456789\n');
    expect(sys.writes).toEqual([]);
    stdio.out('abcdefghij\n'); // 22 bytes: one block written, 6 held
    expect(sys.writes).toEqual([{ fd: 1, text: '0123456789\nabcde' }]);
    stdio.flush();
    expect(sys.text(1)).toBe('0123456789\nabcdefghij\n');
    stdio.flush();
    expect(sys.writes).toHaveLength(2);
  });

  test('output ending exactly on a block keeps that block until more comes, as small printf pieces do', () => {
    const sys = new FakeSystem({ kind: 'full', size: 8 });
    const stdio = createStdio({ system: sys });
    stdio.out('1234567\n');
    expect(sys.writes).toEqual([]);
    stdio.out('abcdefg\nABCDEFG\n'); // 24 bytes: the held block, then one straight from the piece; the third held
    expect(sys.writes).toEqual([{ fd: 1, text: '1234567\n' }, { fd: 1, text: 'abcdefg\n' }]);
    stdio.out('x');
    expect(sys.text(1)).toBe('1234567\nabcdefg\nABCDEFG\n');
    stdio.flush();
    expect(sys.text(1)).toBe('1234567\nabcdefg\nABCDEFG\nx');
  });

  test('blocks are counted in bytes, not characters', () => {
    const sys = new FakeSystem({ kind: 'full', size: 4 });
    const stdio = createStdio({ system: sys });
    stdio.out('ééé'); // 6 bytes
    expect(sys.writes.map((w) => Buffer.byteLength(w.text))).toEqual([4]);
  });

  test('a large listing goes out in whole blocks', () => {
    const sys = new FakeSystem({ kind: 'full', size: 4096 });
    const stdio = createStdio({ system: sys });
    const listing = 'TCP  10.0.0.1:80 wlc\n'.repeat(1000); // 21000 bytes
    stdio.out(listing);
    expect(Buffer.byteLength(sys.text(1))).toBe(5 * 4096);
    stdio.flush();
    expect(sys.text(1)).toBe(listing);
  });

  test('bytes: the block is filled first, whole blocks go straight from the piece, the rest is copied', () => {
    const sys = new FakeSystem({ kind: 'full', size: 8 });
    const stdio = createStdio({ system: sys });
    const piece = Buffer.from('abc');
    stdio.outBytes(piece);
    piece.write('XYZ'); // the caller reuses its buffer once the call returns
    const big = Buffer.from('defghijklmnopqrstuvwxyz'); // 3 + 23 = 26 bytes: 3 blocks out, 2 held
    stdio.outBytes(big);
    expect(sys.writes).toEqual([{ fd: 1, text: 'abcdefgh' }, { fd: 1, text: 'ijklmnopqrstuvwx' }]);
    big.fill(0x21);
    stdio.out('!\n');
    stdio.flush();
    expect(sys.text(1)).toBe('abcdefghijklmnopqrstuvwxyz!\n');
    stdio.outBytes(Buffer.alloc(0));
    stdio.flush();
    expect(sys.writes).toHaveLength(3);
  });

  test('bytes and text interleave in order, on a terminal too', () => {
    for (const buffering of [{ kind: 'line' } as const, { kind: 'full', size: 5 } as const]) {
      const sys = new FakeSystem(buffering);
      const stdio = createStdio({ system: sys });
      stdio.out('one\n');
      stdio.outBytes(Buffer.from('two\nthree\n'));
      stdio.out('four\n');
      stdio.flush();
      expect(sys.text(1)).toBe('one\ntwo\nthree\nfour\n');
    }
  });

  test('line-buffered (a terminal): every piece is written at once', () => {
    const sys = new FakeSystem({ kind: 'line' });
    const stdio = createStdio({ system: sys });
    stdio.out('a\n');
    stdio.out('');
    stdio.out('b\n');
    expect(sys.writes).toEqual([{ fd: 1, text: 'a\n' }, { fd: 1, text: 'b\n' }]);
  });

  test('stderr is unbuffered, so with both on one file messages come before the listing', () => {
    const sys = new FakeSystem();
    const stdio = createStdio({ system: sys });
    stdio.out('IP Virtual Server\n');
    stdio.err('Service already exists\n');
    stdio.flush();
    expect(sys.writes).toEqual([
      { fd: 2, text: 'Service already exists\n' },
      { fd: 1, text: 'IP Virtual Server\n' },
    ]);
  });

  test('partial writes are continued; EINTR and EAGAIN are retried (EAGAIN after a pause)', () => {
    const sys = new FakeSystem({ kind: 'line' }).plan(1, 3, 'EINTR', 'EAGAIN', 'EAGAIN', 2);
    const stdio = createStdio({ system: sys });
    stdio.out('0123456789\n');
    expect(sys.text(1)).toBe('0123456789\n');
    expect(sys.pauses).toBe(2);
  });
});

describe('a failed write ends the program', () => {
  test('stdout on a full disk: exactly one line on stderr and status 1', () => {
    const sys = new FakeSystem().plan(1, 'ENOSPC');
    const stdio = createStdio({ system: sys });
    stdio.out('-A -t 10.0.0.1:80 -s wlc\n');
    expect(ending(() => stdio.flush())).toBe(1);
    expect(sys.writes).toEqual([{ fd: 2, text: ENOSPC_LINE }]);
  });

  test('the error can come from the write that overflows the buffer, in the middle of a command', () => {
    const sys = new FakeSystem({ kind: 'full', size: 16 }).plan(1, 'ENOSPC');
    const stdio = createStdio({ system: sys });
    expect(ending(() => stdio.out('x'.repeat(40)))).toBe(1);
    expect(sys.text(2)).toBe(ENOSPC_LINE);
  });

  test('a file system filling up part-way: the part that fitted stays written', () => {
    const sys = new FakeSystem({ kind: 'full', size: 16 }).plan(1, 10, 'ENOSPC');
    const stdio = createStdio({ system: sys });
    expect(ending(() => stdio.out('y'.repeat(40)))).toBe(1);
    expect(sys.writes).toEqual([{ fd: 1, text: 'y'.repeat(10) }, { fd: 2, text: ENOSPC_LINE }]);
  });

  test('after a failure nothing more is written to that stream', () => {
    const sys = new FakeSystem({ kind: 'line' }).plan(1, 'ENOSPC');
    const stdio = createStdio({ system: sys });
    expect(ending(() => stdio.out('first\n'))).toBe(1);
    stdio.out('second\n');
    stdio.flush();
    expect(sys.writes).toEqual([{ fd: 2, text: ENOSPC_LINE }]);
  });

  test('the message names the errno as C strerror() does', () => {
    for (const [code, text] of [
      ['EIO', 'Input/output error'],
      ['EDQUOT', 'Disk quota exceeded'],
      ['EFBIG', 'File too large'],
      ['EBADF', 'Bad file descriptor'],
    ]) {
      const sys = new FakeSystem({ kind: 'line' }).plan(1, code);
      expect(ending(() => createStdio({ system: sys }).out('x\n'))).toBe(1);
      expect(sys.text(2)).toBe(`ipvsadm: write error: ${text}\n`);
    }
  });

  test('a write that makes no progress is an I/O error, not an endless loop', () => {
    const sys = new FakeSystem({ kind: 'line' }).plan(1, 0);
    expect(ending(() => createStdio({ system: sys }).out('x\n'))).toBe(1);
    expect(sys.text(2)).toBe('ipvsadm: write error: Input/output error\n');
  });

  test('stderr failing: status 1 and no message, but what stdout holds is still written', () => {
    const sys = new FakeSystem().plan(2, 'ENOSPC');
    const stdio = createStdio({ system: sys });
    stdio.out('held\n');
    expect(ending(() => stdio.err('Service already exists\n'))).toBe(1);
    expect(sys.writes).toEqual([{ fd: 1, text: 'held\n' }]);
    stdio.err('more\n');
    expect(sys.writes).toHaveLength(1);
  });

  test('stdout and stderr both failing: status 1, nothing written', () => {
    const sys = new FakeSystem({ kind: 'line' }).plan(1, 'ENOSPC').plan(2, 'ENOSPC');
    expect(ending(() => createStdio({ system: sys }).out('x\n'))).toBe(1);
    expect(sys.writes).toEqual([]);
  });

  test('a closed pipe on stdout ends by the broken-pipe rule, silently', () => {
    const sys = new FakeSystem().plan(1, 'EPIPE');
    const stdio = createStdio({ system: sys });
    stdio.out('IP Virtual Server\n');
    expect(ending(() => stdio.flush())).toBe('broken pipe');
    expect(sys.writes).toEqual([]);
  });

  test('a closed pipe on stderr ends the same way; a closed stderr while reporting a stdout error too', () => {
    const onStderr = new FakeSystem().plan(2, 'EPIPE');
    expect(ending(() => createStdio({ system: onStderr }).err('message\n'))).toBe('broken pipe');
    const whileReporting = new FakeSystem({ kind: 'line' }).plan(1, 'ENOSPC').plan(2, 'EPIPE');
    expect(ending(() => createStdio({ system: whileReporting }).out('x\n'))).toBe('broken pipe');
  });
});

describe('errnoOf', () => {
  test('from the code, from libuv\'s negative errno, else EIO', () => {
    expect(errnoOf(errnoError('ENOSPC'))).toBe(28);
    expect(errnoOf({ errno: -32 })).toBe(32);
    expect(errnoOf(new Error('no errno'))).toBe(5);
    expect(errnoOf(undefined)).toBe(5);
    expect(writeErrorMessage(28)).toBe(ENOSPC_LINE);
  });
});

// The real system, in child processes: src/programs/output.ts bundled once with esbuild
// (a devDependency), and small scripts that use it with a real descriptor.
describe('in a real process', () => {
  let dir: string;
  let bundle: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipvsadm-output-'));
    bundle = path.join(dir, 'output.js');
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const esbuild = require('esbuild') as typeof import('esbuild');
    esbuild.buildSync({
      entryPoints: [path.join(__dirname, '..', '..', 'src', 'programs', 'output.ts')],
      bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'warning',
    });
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs `body` in a node child with `o` = the output module and `stdio` = createStdio over the real system. */
  function child(body: string, stdout: number | 'pipe', options: { brokenPipe141?: boolean; stderr?: number | 'pipe' } = {}) {
    const script = [
      `const o = require(${JSON.stringify(bundle)});`,
      `const stdio = o.createStdio({ system: o.processOutputSystem(${options.brokenPipe141 ? '() => process.exit(o.SIGPIPE_STATUS)' : ''}) });`,
      body,
    ].join('\n');
    const r = spawnSync(process.execPath, ['-e', script], { stdio: ['ignore', stdout, options.stderr ?? 'pipe'], encoding: 'utf8', timeout: 20_000 });
    return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  const LISTING = "stdio.out('TCP  10.0.0.1:80 wlc\\n'.repeat(5000)); stdio.flush();";

  test('dieOfSigpipe really kills the process with SIGPIPE', () => {
    const r = child('o.dieOfSigpipe();', 'pipe');
    expect(r).toEqual({ status: null, signal: 'SIGPIPE', stdout: '', stderr: '' });
  });

  test('output into a closed pipe: killed by SIGPIPE, nothing on stderr', () => {
    const pipe = closedPipe(dir);
    try {
      expect(child(LISTING, pipe.fd)).toEqual({ status: null, signal: 'SIGPIPE', stdout: '', stderr: '' });
      // The wrappers' rule: the status bash gives when its ipvsadm was killed.
      expect(child(LISTING, pipe.fd, { brokenPipe141: true })).toEqual({ status: 141, signal: null, stdout: '', stderr: '' });
    } finally {
      pipe.close();
    }
  });

  test('stdout on /dev/full: the one line, status 1, no stack trace', () => {
    const full = fs.openSync('/dev/full', 'w');
    try {
      expect(child(LISTING, full)).toEqual({ status: 1, signal: null, stdout: '', stderr: ENOSPC_LINE });
      expect(child("stdio.out('short\\n'); stdio.flush(); console.error('not reached');", full).stderr).toBe(ENOSPC_LINE);
    } finally {
      fs.closeSync(full);
    }
  });

  test('stderr on /dev/full: status 1, and stdout still gets what it was owed', () => {
    const full = fs.openSync('/dev/full', 'w');
    try {
      const r = child("stdio.out('owed\\n'); stdio.err('message\\n'); stdio.out('never\\n'); stdio.flush();", 'pipe', { stderr: full });
      expect(r).toEqual({ status: 1, signal: null, stdout: 'owed\n', stderr: '' });
    } finally {
      fs.closeSync(full);
    }
  });

  test('stdout and stderr on one file: messages before the buffered listing, as with 1.31 and 2>&1', () => {
    const file = path.join(dir, 'both');
    const fd = fs.openSync(file, 'w');
    try {
      const r = child("stdio.out('listing\\n'); stdio.err('message\\n'); stdio.flush();", fd, { stderr: fd });
      expect(r.status).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toBe('message\nlisting\n');
    } finally {
      fs.closeSync(fd);
    }
  });

  test('a pipe or a file costs no extra module at start-up (no tty, no net, no stream for stdout)', () => {
    const r = child(
      "stdio.out('x\\n'); stdio.flush(); const m = process.moduleLoadList.filter((n) => /^NativeModule (tty|net)$/.test(n)); stdio.err(JSON.stringify(m));",
      'pipe',
    );
    expect(r).toEqual({ status: 0, signal: null, stdout: 'x\n', stderr: '[]' });
  });
});
