// Issue 12: a kernel that never answers, through the whole program and the
// real transport (the socket-level fake kernel, with a short deadline). Two
// silences: from the start (the controller never says which id IPVS has), and
// after IPVS was opened (GET_INFO answered, then nothing). Every program path
// that waits on the kernel must end within its deadline, with the message
// 1.31 gives when it cannot initialise, or one line, and a documented status.
import { openIpvs } from '../../src/netlink/client';
import { applyOne } from '../../src/netlink/api';
import type { TerminalIo } from '../../src/programs/top';
import { runProgram } from '../../src/programs/ipvsadm';
import { dest, svc } from '../support/builders';
import { FakeKernel } from '../netlink/fake-kernel';
import { makeDeps, recordingStdio } from './harness';

/** The deadline of every reply; short, so that silence costs little. */
const TIMEOUT_MS = 60;
/** A program still running after this has waited without a deadline. */
const BOUND_MS = 5000;
const GET_INFO = 15;
const CANT_INIT = /^Can't initialize ipvs: .+\nAre you sure that IP Virtual Server is built in the kernel or as module\?\n$/;
const NO_REPLY = /^ipvsadm: [A-Z_]+: no reply from the kernel within \d+ ms$/;
const RULES = '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m -w 1\n';

/** A kernel holding RULES' service and server, then silent as `how` says. */
async function silentKernel(how: 'from the start' | 'after the open'): Promise<FakeKernel> {
  const kernel = new FakeKernel();
  const client = openIpvs({ socketFactory: kernel.socketFactory });
  await applyOne(client, { kind: 'add-service', service: svc({ address: '10.0.0.1', port: 80, scheduler: 'rr' }) });
  await applyOne(client, { kind: 'add-server', service: { family: 2, protocol: 6, address: '10.0.0.1', port: 80 }, destination: dest({ address: '10.0.0.11', port: 80, weight: 1 }) });
  client.close();
  if (how === 'from the start') kernel.mangle = () => [];
  else kernel.react((r) => r.cmd !== GET_INFO, { silence: true }, Number.MAX_SAFE_INTEGER);
  return kernel;
}

/** A terminal that quits (q) once top has drawn `frames` screens. */
function quittingTerminal(frames: number): { t: TerminalIo; drawn: string[] } {
  const drawn: string[] = [];
  let onKey: ((key: string) => void) | undefined;
  const t: TerminalIo = {
    size: () => ({ columns: 120, rows: 30 }),
    write: (text) => {
      if (!text.startsWith('\x1b[H')) return;
      drawn.push(text.replace(/\r\n/g, '\n'));
      if (drawn.length >= frames) onKey?.('q');
    },
    keys: (listener) => {
      onKey = listener;
      return () => undefined;
    },
    onResize: () => () => undefined,
    colours: () => undefined,
  };
  return { t, drawn };
}

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
  ms: number;
}

async function runSilent(argv: string[], kernel: FakeKernel, extra: { stdin?: string; terminal?: TerminalIo } = {}): Promise<Outcome> {
  const sink = { stdout: [] as string[], stderr: [] as string[] };
  const stdio = recordingStdio(sink);
  const deps = makeDeps({ files: { 'rules.txt': RULES.replace('-w 1', '-w 2') }, stdin: extra.stdin, terminal: extra.terminal }, sink);
  const started = Date.now();
  const program = runProgram(argv, {
    ...deps,
    out: stdio.out,
    err: stdio.err,
    discardPending: stdio.discardPending,
    open: async () => {
      const api = openIpvs({ socketFactory: kernel.socketFactory, timeoutMs: TIMEOUT_MS });
      try {
        return { api, info: await api.info() };
      } catch (error) {
        api.close();
        throw error;
      }
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`ipvsadm ${argv.join(' ')} still waiting after ${BOUND_MS} ms`)), BOUND_MS);
  });
  try {
    const status = await Promise.race([program, bound]);
    stdio.flush();
    return { status, stdout: sink.stdout.join(''), stderr: sink.stderr.join(''), ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/** Every path that waits on the kernel, and the statuses its failure may end with (the man pages'). */
const PATHS: Array<{ name: string; argv: string[]; stdin?: string; statuses: number[]; top?: boolean; lines?: number }> = [
  { name: 'classic listing -L -n', argv: ['-L', '-n'], statuses: [1] },
  { name: 'one service -L -n -t', argv: ['-L', '-n', '-t', '10.0.0.1:80'], statuses: [1] },
  { name: 'save -S -n', argv: ['-S', '-n'], statuses: [1] },
  { name: '-L --json', argv: ['-L', '-n', '--json'], statuses: [1] },
  // 1.31 reports a failed --timeout by its status alone.
  { name: '-L --timeout', argv: ['-L', '--timeout'], statuses: [1], lines: 0 },
  { name: 'a change -A', argv: ['-A', '-t', '10.0.0.2:80'], statuses: [255] },
  { name: 'restore -R', argv: ['-R'], stdin: '-A -t 10.0.0.2:80\n-a -t 10.0.0.2:80 -r 10.0.0.12:80 -m\n', statuses: [255], lines: 2 },
  { name: 'apply', argv: ['apply', 'rules.txt'], statuses: [1] },
  { name: 'apply --dry-run', argv: ['apply', '--dry-run', 'rules.txt'], statuses: [1, 2] },
  // Not 1, which says there are changes to make (a bug found here: it was 1).
  { name: 'diff', argv: ['diff', 'rules.txt'], statuses: [2] },
  { name: 'drain', argv: ['drain', '-t', '10.0.0.1:80', '-r', '10.0.0.11:80'], statuses: [1, 255] },
  { name: 'top (snapshot)', argv: ['top'], statuses: [1] },
  { name: 'top (terminal)', argv: ['top'], statuses: [0], top: true },
];

describe.each(['from the start', 'after the open'] as const)('a kernel silent %s', (how) => {
  test.each(PATHS)('$name ends within its deadline, in one message, with a documented status', async (p) => {
    const kernel = await silentKernel(how);
    const terminal = p.top ? quittingTerminal(3) : undefined;
    const r = await runSilent(p.argv, kernel, { stdin: p.stdin, terminal: terminal?.t });
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    if (how === 'from the start' && !p.top) {
      // As 1.31 when IPVS cannot be opened: two lines of its own, status 2.
      expect(r.status).toBe(2);
      if (p.argv.includes('--json')) expect(JSON.parse(r.stderr).error.message).toMatch(/^Can't initialize ipvs: /);
      else expect(r.stderr).toMatch(CANT_INIT);
      return;
    }
    if (p.top) {
      // The first open fails as every command's does; after the open, each refresh says why and top goes on until q.
      if (how === 'from the start') {
        expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 2, stderr: expect.stringMatching(CANT_INIT) });
      } else {
        expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
        expect(terminal!.drawn.length).toBeGreaterThanOrEqual(3);
        expect(terminal!.drawn[0]).toMatch(/IPVS stopped answering: ipvsadm: [A-Z_]+: no reply from the kernel within \d+ ms; retrying/);
      }
      return;
    }
    expect(p.statuses).toContain(r.status);
    if (p.argv.includes('--json')) {
      expect(JSON.parse(r.stderr)).toMatchObject({ error: { message: expect.stringMatching(NO_REPLY), status: r.status } });
    } else {
      // One line, or (-R, as 1.31) one for each line of input the kernel did not answer.
      const lines = r.stderr.split('\n').slice(0, -1);
      expect(lines).toHaveLength(p.lines ?? 1);
      for (const line of lines) expect(line).toMatch(NO_REPLY);
    }
    expect(r.ms).toBeLessThan(BOUND_MS);
  });
});
