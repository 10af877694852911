// `ipvsadm top` (issue 9) through the whole program against the fake IPVS:
// one plain snapshot when stdout is not a terminal; on a (fake) terminal a
// frame per refresh with changes marked, keys, and IPVS going away and
// coming back. The kernel lab runs it in tmux.
import { KernelError } from '../../src/netlink/errors';
import type { TerminalIo } from '../../src/programs/top';
import { FakeIpvs } from '../support/fake-ipvs';
import { run } from './harness';

const RULES = [
  '-A -t 10.0.0.1:80 -s wlc',
  '-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m -w 3',
  '-a -t 10.0.0.1:80 -r 10.0.0.12:80 -m -w 1',
  '-A -u 10.0.0.2:53 -s rr',
  '-a -u 10.0.0.2:53 -r 10.0.0.21:53 -g -w 2',
  '',
].join('\n');

async function table(): Promise<FakeIpvs> {
  const kernel = new FakeIpvs();
  expect(await run(['-R'], { kernel, stdin: RULES })).toEqual({ status: 0, stdout: '', stderr: '' });
  const udp = [...kernel.entries.values()][1];
  udp.service.stats = { conns: 90n, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 7n, inpps: 70n, outpps: 70n, inbps: 5600n, outbps: 123_456_789n };
  return kernel;
}

const ESC = '\x1b';

describe('not on a terminal: one plain snapshot', () => {
  test('the title and a table of every service and real server, busiest first, no escapes, status 0', async () => {
    const r = await run(['top'], { kernel: await table() });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain(ESC);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^ipvsadm top: 2 services, 3 real servers, IPVS 1\.2\.1; every 2 s, by cps; \d\d:\d\d:\d\d$/);
    const rows = lines.filter((l) => l.startsWith('│')).map((l) => l.split('│').slice(1, -1).map((c) => c.trim()));
    expect(rows[0]).toEqual(['Service / real server', 'Sched/Fwd', 'Weight', 'ActConn', 'InActConn', 'CPS*', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS']);
    // The UDP service has traffic, so it comes first; rates abbreviated as the listings do.
    expect(rows.slice(1).map((r) => r.slice(0, 3))).toEqual([
      ['UDP 10.0.0.2:53', 'rr', ''],
      ['-> 10.0.0.21:53', 'Route', '2'],
      ['TCP 10.0.0.1:80', 'wlc', ''],
      ['-> 10.0.0.11:80', 'Masq', '3'],
      ['-> 10.0.0.12:80', 'Masq', '1'],
    ]);
    expect(rows[1].slice(5)).toEqual(['7', '70', '70', '5600', '123456K']);
  });

  test('--sort name keeps the listing order; a bad --sort or --interval is a usage error', async () => {
    const kernel = await table();
    const r = await run(['top', '--sort', 'name'], { kernel });
    expect(r.stdout.split('\n').filter((l) => /[TU][CD]P /.test(l)).map((l) => l.split('│')[1].trim())).toEqual(['TCP 10.0.0.1:80', 'UDP 10.0.0.2:53']);
    expect(await run(['top', '--sort', 'bogus'], { kernel })).toEqual({
      status: 2, stdout: '', stderr: "ipvsadm: top: invalid --sort value 'bogus' (one of name, active, inactive, conns, cps, inpps, outpps, inbps, outbps)\n",
    });
    expect((await run(['top', '--interval', '0'], { kernel })).status).toBe(2);
  });

  test('no IPVS: the message every command gives, and its status', async () => {
    const classic = await run(['-L', '-n'], {});
    expect(await run(['top'], {})).toEqual({ status: classic.status, stdout: '', stderr: classic.stderr });
  });
});

/** A terminal that records what is written and lets the test press keys; marks changes instead of colouring them. */
function fakeTerminal(rows = 40) {
  const frames: string[] = [];
  let written = '';
  let keyListener: ((key: string) => void) | undefined;
  let keysStopped = false;
  const t: TerminalIo = {
    size: () => ({ columns: 160, rows }),
    write: (text) => {
      written += text;
      if (text.startsWith(`${ESC}[H${ESC}[2J`)) frames.push(text.slice(7).replace(/\r\n/g, '\n'));
    },
    keys: (onKey) => {
      keyListener = onKey;
      return () => {
        keysStopped = true;
      };
    },
    onResize: () => () => undefined,
    colours: () => ({ added: (s) => `+{${s}}`, changed: (s) => `*{${s}}`, removed: (s) => `-{${s}}`, heading: (s) => s }),
  };
  return { t, frames, press: (k: string) => keyListener!(k), written: () => written, keysStopped: () => keysStopped };
}

/**
 * A clock whose every sleep runs the next scripted step; the refresh comes
 * right after, unless the step says 'hang': then the sleep never ends, and
 * only a key can wake top.
 */
function scriptedClock(steps: (() => void | 'hang')[]) {
  let ms = 0;
  let i = 0;
  return {
    now: () => ms,
    sleep: (wait: number): Promise<void> => {
      ms += wait;
      const step = steps[i++];
      if (!step) return Promise.reject(new Error('the script ran out (top did not quit)'));
      return step() === 'hang' ? new Promise<void>(() => undefined) : Promise.resolve();
    },
  };
}

describe('on a terminal', () => {
  test('the alternate screen, a frame per refresh with new rows and changed values marked, q quits and restores the terminal', async () => {
    const kernel = await table();
    const term = fakeTerminal();
    const clock = scriptedClock([
      () => {
        const tcp = [...kernel.entries.values()][0];
        tcp.destinations[0].weight = 5;
        tcp.destinations[1].activeConns = 4;
        tcp.destinations.push({ ...tcp.destinations[1], address: '10.0.0.13', activeConns: 0 });
        [...kernel.entries.values()][1].destinations = [];
      },
      () => term.press('q'),
    ]);
    const r = await run(['top', '--interval', '1', '--sort', 'name'], { kernel, terminal: term.t, clock });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(term.written().startsWith(`${ESC}[?1049h${ESC}[?25l`)).toBe(true);
    expect(term.written().endsWith(`${ESC}[?25h${ESC}[?1049l`)).toBe(true);
    expect(term.keysStopped()).toBe(true);
    expect(term.frames).toHaveLength(2);
    expect(term.frames[0]).not.toContain('*{');
    const second = term.frames[1];
    expect(second).toContain('*{5}');
    expect(second).toContain('*{4}');
    expect(second).toContain('+{  -> 10.0.0.13:80}');
    expect(second.split('\n')[1]).toBe('-{gone: 10.0.0.21:53 of UDP 10.0.0.2:53}');
    expect(second).toContain('every 1 s, by name');
  });

  test('any other key refreshes at once, the sort as it was', async () => {
    const kernel = await table();
    const term = fakeTerminal();
    const clock = scriptedClock([
      () => {
        [...kernel.entries.values()][0].destinations[0].weight = 5;
        term.press('r');
        return 'hang';
      },
      () => {
        term.press('q');
        return 'hang';
      },
    ]);
    expect((await run(['top', '--sort', 'name'], { kernel, terminal: term.t, clock })).status).toBe(0);
    expect(term.frames).toHaveLength(2);
    expect(term.frames[1]).toContain('*{5}');
    expect(term.frames[1]).toContain('by name');
  });

  test('SIGTERM during the wait ends top at once, the terminal restored', async () => {
    const term = fakeTerminal();
    // The wait never ends by itself: only the signal can end it.
    const clock = scriptedClock([() => 'hang']);
    const r = await run(['top', '--interval', '60'], { kernel: await table(), terminal: term.t, clock, signal: 'SIGTERM', signalInWait: 1 });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(term.frames).toHaveLength(1);
    expect(term.written().endsWith(`${ESC}[?25h${ESC}[?1049l`)).toBe(true);
    expect(term.keysStopped()).toBe(true);
  });

  test('s sorts by the next column at once', async () => {
    const term = fakeTerminal();
    const clock = scriptedClock([
      () => {
        term.press('s');
        return 'hang';
      },
      () => {
        term.press('q');
        return 'hang';
      },
    ]);
    expect((await run(['top', '--sort', 'name'], { kernel: await table(), terminal: term.t, clock })).status).toBe(0);
    expect(term.frames).toHaveLength(2);
    expect(term.frames[0]).toContain('by name');
    expect(term.frames[1]).toContain('by active');
    expect(term.frames[1]).toContain('ActConn*');
  });

  test('only as many rows as the terminal has room for, and how many more there are', async () => {
    const term = fakeTerminal(8);
    const clock = scriptedClock([() => term.press('q')]);
    await run(['top'], { kernel: await table(), terminal: term.t, clock });
    const frame = term.frames[0].split('\n').filter((l) => l !== '');
    expect(frame.length).toBeLessThanOrEqual(8);
    expect(frame.at(-1)).toMatch(/^\.\.\. \d+ more rows/);
  });

  test('IPVS going away: the last view stays, the reason on the status line; when it answers again, top goes on', async () => {
    const kernel = await table();
    const term = fakeTerminal();
    const table0 = kernel.table.bind(kernel);
    let down = false;
    kernel.table = async () => {
      if (down) throw new KernelError(97, 'GET_SERVICE');
      return table0();
    };
    const clock = scriptedClock([
      () => {
        down = true;
      },
      () => {
        down = false;
      },
      () => term.press('q'),
    ]);
    const r = await run(['top'], { kernel, terminal: term.t, clock });
    expect(r.status).toBe(0);
    expect(term.frames).toHaveLength(3);
    expect(term.frames[1]).toContain('TCP 10.0.0.1:80');
    expect(term.frames[1].split('\n')[1]).toMatch(/^-\{IPVS stopped answering: .+; retrying\}$/);
    expect(term.frames[2].split('\n')[1]).toBe('');
  });
});
