// `ipvsadm drain` (issue 9) through the whole program against the fake IPVS,
// with a fake clock: weight 0 first, then wait for the connections to end,
// then delete (or keep); a timeout leaves the server at weight 0, an
// interrupt puts its weight back. The kernel lab drains under real traffic.
import { FakeIpvs } from '../support/fake-ipvs';
import { run, type HarnessOptions } from './harness';

const RULES = [
  '-A -t 10.0.0.1:80 -s wlc',
  '-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m -w 3 -x 100 -y 10',
  '-a -t 10.0.0.1:80 -r 10.0.0.12:80 -m -w 1',
  '-a -t 10.0.0.1:80 -r 10.0.0.13:8080 -m -w 1',
  '-A -u 10.0.0.2:53 -s rr -p 60',
  '-a -u 10.0.0.2:53 -r 10.0.0.21:53 -g -w 2',
  '',
].join('\n');

const OFF = { 'net.ipv4.vs.expire_nodest_conn': '0\n', 'net.ipv4.vs.expire_quiescent_template': '0\n' };
const ON = { 'net.ipv4.vs.expire_nodest_conn': '1\n', 'net.ipv4.vs.expire_quiescent_template': '1\n' };

async function table(): Promise<FakeIpvs> {
  const kernel = new FakeIpvs();
  expect(await run(['-R'], { kernel, stdin: RULES })).toEqual({ status: 0, stdout: '', stderr: '' });
  return kernel;
}

function server(kernel: FakeIpvs, address: string) {
  for (const e of kernel.entries.values()) {
    const d = e.destinations.find((x) => x.address === address);
    if (d) return d;
  }
  return undefined;
}

/**
 * A clock that moves only when the program sleeps; each sleep lets `tick`
 * change the kernel (connections end, or not), and records what the server
 * looked like then.
 */
function fakeClock(tick: (seconds: number) => void) {
  let ms = 0;
  return {
    get seconds() {
      return ms / 1000;
    },
    clock: {
      now: () => ms,
      sleep: async (wait: number) => {
        ms += wait;
        tick(ms / 1000);
      },
    },
  };
}

async function drain(kernel: FakeIpvs, args: string[], o: Partial<HarnessOptions> = {}) {
  return run(['drain', ...args], { kernel, sysctls: ON, ...o });
}

describe('a server whose connections end', () => {
  test('goes to weight 0 at once, is deleted once its connections reach 0; quiet when not on a terminal', async () => {
    const kernel = await table();
    const s = server(kernel, '10.0.0.11')!;
    Object.assign(s, { activeConns: 3, inactiveConns: 2 });
    const weights: number[] = [];
    const t = fakeClock((sec) => {
      weights.push(server(kernel, '10.0.0.11')!.weight);
      // One connection ends every second: active first, then inactive.
      const d = server(kernel, '10.0.0.11')!;
      if (d.activeConns! > 0) d.activeConns!--;
      else if (d.inactiveConns! > 0) d.inactiveConns!--;
      void sec;
    });
    kernel.calls.length = 0;
    const r = await drain(kernel, ['-t', '10.0.0.1:80', '-r', '10.0.0.11:80'], { clock: t.clock });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(kernel.calls).toEqual(['apply(1)', 'edit-server', 'apply(1)', 'delete-server']);
    expect(weights).toEqual([0, 0, 0, 0, 0]);
    expect(t.seconds).toBe(5);
    expect(server(kernel, '10.0.0.11')).toBeUndefined();
    // Its neighbour is untouched.
    expect(server(kernel, '10.0.0.12')!.weight).toBe(1);
  });

  test('a server on another port than its service is found by the port -r names', async () => {
    const kernel = await table();
    const r = await drain(kernel, ['-t', '10.0.0.1:80', '-r', '10.0.0.13:8080'], { clock: fakeClock(() => undefined).clock });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(server(kernel, '10.0.0.13')).toBeUndefined();
  });

  test('the edit keeps everything but the weight (forwarding, thresholds)', async () => {
    const kernel = await table();
    Object.assign(server(kernel, '10.0.0.11')!, { activeConns: 1 });
    const t = fakeClock(() => undefined);
    const r = await drain(kernel, ['-t', '10.0.0.1:80', '-r', '10.0.0.11', '--wait', '1', '--keep'], { clock: t.clock });
    expect(r.status).toBe(1);
    const d = server(kernel, '10.0.0.11')!;
    expect([d.weight, d.fwdMethod, d.upperThreshold, d.lowerThreshold]).toEqual([0, 0, 100, 10]);
  });

  test('--keep leaves the drained server at weight 0', async () => {
    const kernel = await table();
    const r = await drain(kernel, ['-t', '10.0.0.1:80', '-r', '10.0.0.12:80', '--keep'], { clock: fakeClock(() => undefined).clock });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(server(kernel, '10.0.0.12')!.weight).toBe(0);
  });

  test('a server another program deleted meanwhile counts as drained, and nothing more is deleted', async () => {
    const kernel = await table();
    Object.assign(server(kernel, '10.0.0.11')!, { activeConns: 1 });
    const t = fakeClock(() => {
      const e = [...kernel.entries.values()][0];
      e.destinations = e.destinations.filter((d) => d.address !== '10.0.0.11');
    });
    kernel.calls.length = 0;
    expect(await drain(kernel, ['-t', '10.0.0.1:80', '-r', '10.0.0.11:80'], { clock: t.clock })).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(kernel.calls).toEqual(['apply(1)', 'edit-server']);
  });
});

describe('a service gone under the drain (a flush, or the ip_vs module unloaded)', () => {
  // Issue 12: the kernel lists no servers for a service that does not exist,
  // which had read as "someone else deleted the server": drained, status 0.
  test('status 1 and "No such service"; nothing is claimed, nothing deleted', async () => {
    const kernel = await table();
    Object.assign(server(kernel, '10.0.0.11')!, { activeConns: 1 });
    const t = fakeClock(() => {
      kernel.entries.clear();
    });
    kernel.calls.length = 0;
    expect(await drain(kernel, ['-t', '10.0.0.1:80', '-r', '10.0.0.11:80'], { clock: t.clock })).toEqual({
      status: 1, stdout: '', stderr: 'No such service\n',
    });
    expect(kernel.calls).toEqual(['apply(1)', 'edit-server']);
  });
});

describe('a server that does not drain in time', () => {
  test('stays at weight 0, status 1, one line saying what is left', async () => {
    const kernel = await table();
    Object.assign(server(kernel, '10.0.0.11')!, { activeConns: 2, inactiveConns: 7 });
    const t = fakeClock(() => undefined);
    const r = await drain(kernel, ['-t', '10.0.0.1:80', '-r', '10.0.0.11:80', '--wait', '3'], { clock: t.clock });
    expect(r).toEqual({
      status: 1,
      stdout: '',
      stderr: 'ipvsadm: drain: 10.0.0.11:80 of -t 10.0.0.1:80: 2 active and 7 inactive connections left after 3 seconds; it stays at weight 0\n',
    });
    expect(t.seconds).toBe(3);
    expect(server(kernel, '10.0.0.11')!.weight).toBe(0);
  });

  test('with the sysctls off, it says which and what that means (the template one only for persistent services)', async () => {
    const kernel = await table();
    Object.assign(server(kernel, '10.0.0.21')!, { activeConns: 1 });
    const r = await drain(kernel, ['-u', '10.0.0.2:53', '-r', '10.0.0.21', '--wait', '0'], { sysctls: OFF, clock: fakeClock(() => undefined).clock });
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n').slice(1)).toEqual([
      'ipvsadm: drain: note: net.ipv4.vs.expire_quiescent_template is 0: persistent clients keep being sent to a server at weight 0 until their persistence templates expire',
      'ipvsadm: drain: note: net.ipv4.vs.expire_nodest_conn is 0: connections still open to a deleted server are not expired: their packets are dropped until they time out',
      '',
    ]);
    Object.assign(server(kernel, '10.0.0.11')!, { activeConns: 1 });
    const notPersistent = await drain(kernel, ['-t', '10.0.0.1:80', '-r', '10.0.0.11:80', '--wait', '0'], { sysctls: OFF, clock: fakeClock(() => undefined).clock });
    expect(notPersistent.stderr.split('\n')).toHaveLength(3);
    expect(notPersistent.stderr).not.toContain('expire_quiescent_template');
  });
});

describe('on a terminal', () => {
  test('the notes, a progress line redrawn in place, then the outcome, all on standard error', async () => {
    const kernel = await table();
    Object.assign(server(kernel, '10.0.0.21')!, { activeConns: 2 });
    const t = fakeClock(() => {
      server(kernel, '10.0.0.21')!.activeConns!--;
    });
    const r = await drain(kernel, ['-u', '10.0.0.2:53', '-r', '10.0.0.21', '--wait', '10'], {
      stderrIsTerminal: true, sysctls: { ...ON, 'net.ipv4.vs.expire_quiescent_template': '0\n' }, clock: t.clock,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const note = 'ipvsadm: drain: note: net.ipv4.vs.expire_quiescent_template is 0: persistent clients keep being sent to a server at weight 0 until their persistence templates expire\n';
    const line = (active: number, left: number) => `\r\x1b[Kdraining 10.0.0.21:53 of -u 10.0.0.2:53: ${active} active, 0 inactive, ${left} seconds left`;
    expect(r.stderr).toBe(`${note}${line(2, 10)}${line(1, 9)}${line(0, 8)}\r\x1b[K10.0.0.21:53 of -u 10.0.0.2:53 drained in 2 seconds; deleted\n`);
  });
});

describe('an interrupt', () => {
  test('puts the weight back and ends with 128 + the signal', async () => {
    const kernel = await table();
    Object.assign(server(kernel, '10.0.0.11')!, { activeConns: 1 });
    const r = await drain(kernel, ['-t', '10.0.0.1:80', '-r', '10.0.0.11:80'], { signal: 'SIGINT', clock: fakeClock(() => undefined).clock });
    expect(r).toEqual({ status: 130, stdout: '', stderr: 'ipvsadm: drain: interrupted by SIGINT; 10.0.0.11:80 of -t 10.0.0.1:80 is back at weight 3\n' });
    expect(server(kernel, '10.0.0.11')!.weight).toBe(3);
  });
});

describe('what cannot be drained', () => {
  test.each([
    ['a service that does not exist', ['-t', '10.0.0.9:80', '-r', '10.0.0.11:80'], ['-e', '-t', '10.0.0.9:80', '-r', '10.0.0.11:80']],
    ['a server the service does not have', ['-t', '10.0.0.1:80', '-r', '10.0.0.99:80'], ['-e', '-t', '10.0.0.1:80', '-r', '10.0.0.99:80']],
  ])('%s: the message of ipvsadm -e, and its status', async (_what, args, classic) => {
    const kernel = await table();
    const expected = await run(classic, { kernel: await table() });
    expect(expected.status).not.toBe(0);
    const r = await drain(kernel, args);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: expected.status, stderr: expected.stderr });
  });

  test.each([
    [['-r', '10.0.0.11'], 'ipvsadm: drain: name one service: -t, -u, --sctp-service or -f\n'],
    [['-t', '10.0.0.1:80', '-u', '10.0.0.2:53', '-r', '10.0.0.11'], 'ipvsadm: drain: name one service: -t, -u, --sctp-service or -f\n'],
    [['-t', '10.0.0.1:80'], 'ipvsadm: drain: name the real server to drain with -r\n'],
    [['-t', '10.0.0.1:80', '-6', '-r', '10.0.0.11'], 'ipvsadm: drain: -6 goes with -f only\n'],
    [['-t', '10.0.0.1:80', '-r', '10.0.0.11', '--wait', '-1'], 'ipvsadm: drain: invalid --wait value (want seconds, 0 or more)\n'],
    [['-t', '10.0.0.1:80', '-r', '10.0.0.11', '--bogus'], 'ipvsadm: drain: Unknown argument: bogus\n'],
  ])('drain %j: a usage error, status 2, nothing changed', async (args, message) => {
    const kernel = await table();
    const before = (await run(['-S', '-n'], { kernel })).stdout;
    expect(await drain(kernel, args)).toEqual({ status: 2, stdout: '', stderr: message });
    expect((await run(['-S', '-n'], { kernel })).stdout).toBe(before);
  });

  test('an address the classic parser refuses gets its message', async () => {
    const kernel = await table();
    const classic = await run(['-e', '-t', '10.0.0.999:80', '-r', '10.0.0.11'], { kernel });
    const r = await drain(kernel, ['-t', '10.0.0.999:80', '-r', '10.0.0.11']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`ipvsadm: drain: ${classic.stderr.trim().split('\n').join('; ')}\n`);
  });

  test('--help prints the subcommand help on stdout', async () => {
    const r = await drain(new FakeIpvs(), ['--help']);
    expect(r.status).toBe(0);
    for (const o of ['--tcp-service', '--udp-service', '--sctp-service', '--fwmark-service', '--ipv6', '--real-server', '--wait', '--keep']) {
      expect(r.stdout).toContain(o);
    }
  });
});
