// `ipvsadm apply` and `ipvsadm diff` driven in-process against the fake IPVS:
// the plan, all-or-nothing with rollback, rules-file errors, scopes, the lock
// and signals. The kernel lab repeats the essentials against a real IPVS.
import { KernelError } from '../../src/netlink/errors';
import { FakeIpvs, keyText } from '../support/fake-ipvs';
import { serviceKey, type Destination, type Service, type ServiceKey } from '../../src/ipvs/types';
import type { ServiceWithDestinations } from '../../src/netlink/api';
import { LIVE_READS, READ_PAUSES_MS } from '../../src/commands/apply/live';
import { makeDeps, run } from './harness';
import { runProgram } from '../../src/programs/ipvsadm';

/** The table as `-S -n` prints it, through the program itself. */
async function saved(kernel: FakeIpvs): Promise<string> {
  const r = await run(['-S', '-n'], { kernel });
  expect(r.status).toBe(0);
  return r.stdout;
}

async function restored(text: string): Promise<FakeIpvs> {
  const kernel = new FakeIpvs();
  const r = await run(['-R'], { kernel, stdin: text });
  expect(r.stderr).toBe('');
  return kernel;
}

const OLD = [
  '-A -t 10.0.0.1:80 -s rr',
  '-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m -w 1',
  '-a -t 10.0.0.1:80 -r 10.0.0.12:80 -m -w 1',
  '-A -u 10.0.0.2:53 -s wlc',
  '-a -u 10.0.0.2:53 -r 10.0.0.21:53 -g -w 1',
  '-A -f 7 -s sh -b sh-port',
  '-a -f 7 -r 10.0.0.31:0 -g -w 1',
  '',
].join('\n');

// Server 12 removed, 11 re-weighted, 13 added; the UDP service re-scheduled; fwmark 7 gone; a new service.
const NEW = [
  '-A -t 10.0.0.1:80 -s rr',
  '-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m -w 5',
  '-a -t 10.0.0.1:80 -r 10.0.0.13:80 -m -w 1',
  '-A -u 10.0.0.2:53 -s sh -b sh-fallback',
  '-a -u 10.0.0.2:53 -r 10.0.0.21:53 -g -w 1',
  '-A -t 10.0.0.3:443 -s wrr -p 300',
  '-a -t 10.0.0.3:443 -r 10.0.0.41:443 -i -w 2 --tun-type ipip -x 100 -y 50',
  '',
].join('\n');

const PLAN = [
  '-e -t 10.0.0.1:80 -r 10.0.0.11:80 -m -w 5',
  '-a -t 10.0.0.1:80 -r 10.0.0.13:80 -m -w 1',
  '-E -u 10.0.0.2:53 -s sh -b sh-fallback',
  '-A -t 10.0.0.3:443 -s wrr -p 300',
  '-a -t 10.0.0.3:443 -r 10.0.0.41:443 -i -w 2 --tun-type ipip -x 100 -y 50',
  '-d -t 10.0.0.1:80 -r 10.0.0.12:80',
  '-D -f 7',
  '',
].join('\n');

describe('diff and --dry-run', () => {
  test('print the fewest changes as -R lines: edits in place, adds first, deletes last', async () => {
    const kernel = await restored(OLD);
    const before = await saved(kernel);
    const diff = await run(['diff', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(diff).toEqual({ status: 1, stdout: PLAN, stderr: '' });
    const dry = await run(['apply', '--dry-run', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(dry).toEqual({ status: 0, stdout: PLAN, stderr: '' });
    expect(await saved(kernel)).toBe(before);
  });

  test('the plan fed to -R turns the old table into the new one', async () => {
    const kernel = await restored(OLD);
    await run(['-R'], { kernel, stdin: PLAN });
    expect(await saved(kernel)).toBe(await saved(await restored(NEW)));
  });

  test('neither catches signals (they end the program at once, as nothing needs undoing); apply does', async () => {
    const kernel = await restored(OLD);
    const watches = async (argv: string[]) => {
      const deps = makeDeps({ kernel, files: { 'new.rules': NEW } }, { stdout: [], stderr: [] });
      await runProgram(argv, deps);
      return deps.signalWatches;
    };
    expect(await watches(['diff', 'new.rules'])).toBe(0);
    expect(await watches(['apply', '--dry-run', 'new.rules'])).toBe(0);
    expect(await watches(['apply', 'new.rules'])).toBe(1);
  });

  test('nothing to do: no output, status 0', async () => {
    const kernel = await restored(OLD);
    expect(await run(['diff', '-'], { kernel, stdin: OLD })).toEqual({ status: 0, stdout: '', stderr: '' });
  });
});

describe('apply', () => {
  test('makes the table what the file says, then has nothing left to do', async () => {
    const kernel = await restored(OLD);
    const r = await run(['apply', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(await saved(kernel)).toBe(await saved(await restored(NEW)));
    kernel.calls.length = 0;
    expect(await run(['apply', 'new.rules'], { kernel, files: { 'new.rules': NEW } })).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(kernel.calls).toEqual([]);
  });

  test('never flushes, and never deletes what it can edit', async () => {
    const kernel = await restored(OLD);
    kernel.calls.length = 0;
    await run(['apply', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(kernel.calls).not.toContain('flush');
    expect(kernel.calls.filter((c) => c === 'delete-service')).toHaveLength(1);
    expect(kernel.calls.filter((c) => c === 'delete-server')).toHaveLength(1);
  });

  test.each([
    ['first', 0],
    ['middle', 3],
    ['last', 6],
  ])('a change refused at the %s position of the batch is rolled back: the table is as it was', async (_where, position) => {
    const kernel = await restored(OLD);
    const before = await saved(kernel);
    // A scheduler the kernel does not know, on a new service at the chosen position of the plan.
    const lines = NEW.trimEnd().split('\n');
    const bad = '-A -t 10.0.0.9:80 -s nosuch';
    const plan = PLAN.trimEnd().split('\n');
    plan.splice(position, 0, bad);
    const rules = position < 5 ? [bad, ...lines] : [...lines, bad];
    const r = await run(['apply', 'x.rules'], { kernel, files: { 'x.rules': `${rules.join('\n')}\n` } });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `ipvsadm: apply: refused: ${bad}: Scheduler or persistence engine not found\n` +
        'ipvsadm: apply: rolled back, the table is as it was\n',
    );
    expect(await saved(kernel)).toBe(before);
  });

  test('--verbose prints the plan once carried out; nothing when there was nothing to do', async () => {
    const kernel = await restored(OLD);
    const r = await run(['apply', '--verbose', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(r).toEqual({ status: 0, stdout: PLAN, stderr: '' });
    expect(await saved(kernel)).toBe(await saved(await restored(NEW)));
    expect(await run(['apply', '--verbose', 'new.rules'], { kernel, files: { 'new.rules': NEW } })).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  test('--verbose prints nothing on stdout when the apply was rolled back', async () => {
    const kernel = await restored(OLD);
    const bad = '-A -t 10.0.0.9:80 -s nosuch';
    const r = await run(['apply', '--verbose', 'x.rules'], { kernel, files: { 'x.rules': `${NEW}${bad}\n` } });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('ipvsadm: apply: rolled back, the table is as it was\n');
  });

  test('an interrupt during the apply rolls it back and ends with 128 + the signal', async () => {
    const kernel = await restored(OLD);
    const before = await saved(kernel);
    const r = await run(['apply', 'new.rules'], { kernel, files: { 'new.rules': NEW }, signal: 'SIGTERM' });
    expect(r).toEqual({
      status: 143,
      stdout: '',
      stderr: 'ipvsadm: apply: interrupted by SIGTERM\nipvsadm: apply: rolled back, the table is as it was\n',
    });
    expect(await saved(kernel)).toBe(before);
  });

  test('another apply holding the lock: a clear failure after the wait, nothing changed', async () => {
    const kernel = await restored(OLD);
    const before = await saved(kernel);
    const r = await run(['apply', '--wait', '0', 'new.rules'], { kernel, files: { 'new.rules': NEW }, lockHeld: true });
    expect(r).toEqual({ status: 1, stdout: '', stderr: 'ipvsadm: apply: another apply is running (waited 0 s)\n' });
    expect(await saved(kernel)).toBe(before);
  });
});

describe('the rules file', () => {
  test('every error is reported with its line, and nothing is changed', async () => {
    const kernel = await restored(OLD);
    const before = await saved(kernel);
    const text = [
      '# generated',
      '-A -t 10.0.0.1:80 -s rr',
      '-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m -w abc',
      '',
      '-C',
      '-a -t 10.0.0.5:80 -r 10.0.0.11:80 -m',
      '-A -t 10.0.0.1:80 -s wlc',
      '-a -t 10.0.0.1:80 -r 10.0.0.12:80 -m',
      '-a -t 10.0.0.1:80 -r 10.0.0.12:80 -g',
      '',
    ].join('\n');
    const r = await run(['apply', 'bad.rules'], { kernel, files: { 'bad.rules': text } });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'bad.rules:3: illegal weight specified',
        'bad.rules:5: only -A and -a lines belong in a rules file',
        'bad.rules:6: server of a service that no earlier -A line defines',
        'bad.rules:7: the service is already defined on line 2',
        'bad.rules:9: the server is already defined for this service',
        '',
      ].join('\n'),
    );
    expect(await saved(kernel)).toBe(before);
  });

  // Found in the lab (test/kernel/restore-oversized.test.ts): a 10 MB word made a 10 MB line on stderr.
  test('a problem quotes at most 200 characters of a long word', async () => {
    const kernel = await restored(OLD);
    const r = await run(['apply', '--dry-run', 'long.rules'], { kernel, files: { 'long.rules': `-A -t 10.0.0.1:80 -s rr ${'x'.repeat(1e6)}\n` } });
    const quoted = 'unexpected argument '.length;
    expect(r).toEqual({ status: 2, stdout: '', stderr: `long.rules:1: unexpected argument ${'x'.repeat(200 - quoted)}... (${quoted + 1e6} characters)\n` });
  });

  test('a file that cannot be read, and a bad command line, are usage errors', async () => {
    const kernel = await restored(OLD);
    expect(await run(['apply', 'missing.rules'], { kernel })).toEqual({
      status: 2, stdout: '', stderr: 'ipvsadm: apply: cannot read missing.rules: No such file or directory\n',
    });
    const r = await run(['diff', '--bogus', 'x'], { kernel });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^ipvsadm: diff: .+\n$/);
    expect((await run(['apply', '--only', 'fwmark:9-1', 'x'], { kernel, files: { x: NEW } })).stderr).toBe(
      "ipvsadm: apply: invalid fwmark range `fwmark:9-1'\n",
    );
  });

  test('--help prints the subcommand help on stdout', async () => {
    const r = await run(['diff', '--help'], { kernel: new FakeIpvs() });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ipvsadm diff <file>');
    expect(r.stdout).toContain('--only');
  });
});

describe('servers the file removes are let go gracefully', () => {
  const HEADER = 'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n';
  const hex = (a: string) => a.split('.').map((p) => Number(p).toString(16).toUpperCase().padStart(2, '0')).join('');
  const port = (p: number) => p.toString(16).toUpperCase().padStart(4, '0');
  /** A /proc/net/ip_vs_conn line of a connection from 10.9.9.9 to VIP:vport, forwarded to DEST:dport. */
  const conn = (proto: string, vip: string, vport: number, dest: string, dport: number, state: string) =>
    `${proto} ${hex('10.9.9.9')} ${port(40000)} ${hex(vip)} ${port(vport)} ${hex(dest)} ${port(dport)} ${state.padEnd(11)} ${String(60).padStart(7)}\n`;

  /** A clock that moves only when apply sleeps, calling `tick` with the seconds so far. */
  function clock(tick: (seconds: number) => void = () => undefined) {
    let ms = 0;
    return { now: () => ms, sleep: async (wait: number) => { ms += wait; tick(ms / 1000); }, seconds: () => ms / 1000 };
  }

  test('weight 0 in the first batch, deleted in a second once its connection in flight has closed', async () => {
    const kernel = await restored(OLD);
    let open = true;
    const c = clock((sec) => {
      if (sec >= 1) open = false;
    });
    const table = () => HEADER + conn('TCP', '10.0.0.1', 80, '10.0.0.12', 80, open ? 'ESTABLISHED' : 'TIME_WAIT')
      + conn('TCP', '10.0.0.1', 80, '10.0.0.11', 80, 'ESTABLISHED');
    const weights: number[] = [];
    const tick = c.sleep;
    c.sleep = async (ms: number) => {
      weights.push([...kernel.entries.values()][0].destinations.find((d) => d.address === '10.0.0.12')!.weight);
      await tick(ms);
    };
    kernel.calls.length = 0;
    const r = await run(['apply', 'new.rules'], { kernel, files: { 'new.rules': NEW }, connections: table, clock: c });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(await saved(kernel)).toBe(await saved(await restored(NEW)));
    // The server stayed, at weight 0, for as long as its connection was open, and no longer.
    expect(new Set(weights)).toEqual(new Set([0]));
    expect(c.seconds()).toBe(1);
    // First batch: the 5 additions and edits, and weight 0 for the 2 servers that go (10.0.0.12, and fwmark 7's);
    // second batch: the 2 removals.
    expect(kernel.calls.filter((x) => x.startsWith('apply('))).toEqual(['apply(7)', 'apply(2)']);
    expect(kernel.calls.slice(-2)).toEqual(['delete-server', 'delete-service']);
  });

  test('a connection that does not close: deleted anyway when --grace runs out', async () => {
    const kernel = await restored(OLD);
    const c = clock();
    const table = () => HEADER + conn('TCP', '10.0.0.1', 80, '10.0.0.12', 80, 'ESTABLISHED');
    const r = await run(['apply', '--grace', '3', 'new.rules'], { kernel, files: { 'new.rules': NEW }, connections: table, clock: c });
    expect(r.status).toBe(0);
    expect(c.seconds()).toBe(3);
    expect(await saved(kernel)).toBe(await saved(await restored(NEW)));
  });

  test.each([
    ['closed TCP states', ['TIME_WAIT', 'CLOSE'], 'TCP'],
    ['UDP, which has no end to wait for', ['UDP'], 'UDP'],
  ])('%s are not waited for', async (_what, states, proto) => {
    const kernel = await restored(OLD);
    const c = clock();
    const table = () => HEADER + states.map((s) => conn(proto, '10.0.0.1', 80, '10.0.0.12', 80, s)).join('');
    expect((await run(['apply', 'new.rules'], { kernel, files: { 'new.rules': NEW }, connections: table, clock: c })).status).toBe(0);
    expect(c.seconds()).toBe(0);
  });

  test('a connection to the same server address under another service does not hold it', async () => {
    const kernel = await restored(OLD);
    const c = clock();
    const table = () => HEADER + conn('TCP', '10.0.0.3', 443, '10.0.0.12', 80, 'ESTABLISHED');
    expect((await run(['apply', 'new.rules'], { kernel, files: { 'new.rules': NEW }, connections: table, clock: c })).status).toBe(0);
    expect(c.seconds()).toBe(0);
  });

  test('--grace 0 deletes at once, in the one batch', async () => {
    const kernel = await restored(OLD);
    const table = () => HEADER + conn('TCP', '10.0.0.1', 80, '10.0.0.12', 80, 'ESTABLISHED');
    kernel.calls.length = 0;
    const r = await run(['apply', '--grace', '0', 'new.rules'], { kernel, files: { 'new.rules': NEW }, connections: table, clock: clock() });
    expect(r.status).toBe(0);
    expect(kernel.calls.filter((x) => x.startsWith('apply('))).toEqual(['apply(7)']);
  });

  test('a refusal in the second batch undoes everything, the weights too', async () => {
    const kernel = await restored(OLD);
    const before = await saved(kernel);
    // The kernel refuses the removal of fwmark 7 (as it would a service another program changed meanwhile).
    const apply = kernel.apply.bind(kernel);
    kernel.apply = async (changes) => {
      const i = changes.findIndex((c) => c.kind === 'delete-service' && 'fwmark' in c.service && c.service.fwmark === 7);
      if (i < 0) return apply(changes);
      const results = await apply(changes.slice(0, i));
      return [...results, new KernelError(16, 'DEL_SERVICE'), ...changes.slice(i + 1).map(() => undefined)];
    };
    const c = clock();
    const table = () => HEADER + conn('TCP', '10.0.0.1', 80, '10.0.0.12', 80, c.seconds() < 0.5 ? 'ESTABLISHED' : 'TIME_WAIT');
    const r = await run(['apply', 'new.rules'], { kernel, files: { 'new.rules': NEW }, connections: table, clock: c });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('ipvsadm: apply: refused: -D -f 7: Device or resource busy\nipvsadm: apply: rolled back, the table is as it was\n');
    expect(await saved(kernel)).toBe(before);
    // Weight 0 was undone too.
    expect((await run(['-L', '-n'], { kernel })).stdout).toBe((await run(['-L', '-n'], { kernel: await restored(OLD) })).stdout);
  });

  test('an interrupt while servers are let go undoes everything', async () => {
    const kernel = await restored(OLD);
    const before = await saved(kernel);
    const table = () => HEADER + conn('TCP', '10.0.0.1', 80, '10.0.0.12', 80, 'ESTABLISHED');
    let calls = 0;
    const r = await run(['apply', 'new.rules'], {
      kernel, files: { 'new.rules': NEW }, connections: () => {
        calls++;
        return table();
      },
      clock: clock(),
      // Asked before the first batch, after it, then at each look at the connections: it comes in the wait.
      signalAfter: 3,
    });
    expect(calls).toBeGreaterThan(0);
    expect(r).toEqual({
      status: 143,
      stdout: '',
      stderr: 'ipvsadm: apply: interrupted by SIGTERM\nipvsadm: apply: rolled back, the table is as it was\n',
    });
    expect(await saved(kernel)).toBe(before);
  });
});

describe('--only', () => {
  test('services outside the scope are neither planned nor touched', async () => {
    const kernel = await restored(OLD);
    const r = await run(['diff', '--only', 'udp', '--only', '10.0.0.3/32', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(r.stdout).toBe(
      ['-E -u 10.0.0.2:53 -s sh -b sh-fallback', '-A -t 10.0.0.3:443 -s wrr -p 300',
        '-a -t 10.0.0.3:443 -r 10.0.0.41:443 -i -w 2 --tun-type ipip -x 100 -y 50', ''].join('\n'),
    );
    await run(['apply', '--only', 'fwmark:1-10', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    // Only fwmark 7 went; everything else is as it was.
    const expected = await restored(OLD.replace('-A -f 7 -s sh -b sh-port\n-a -f 7 -r 10.0.0.31:0 -g -w 1\n', ''));
    expect(await saved(kernel)).toBe(await saved(expected));
  });
});

/**
 * IPVS resumes a dump by position, so a service added or deleted between two
 * pieces of it makes the dump skip or repeat another (see apply/live.ts).
 * This fake hands each services() dump through `mangle`, numbered from 1.
 */
class ShiftingIpvs extends FakeIpvs {
  dumps = 0;
  readonly serversRead: string[] = [];
  constructor(private readonly mangle: (dump: number, services: Service[]) => Service[]) {
    super();
  }
  override async services(): Promise<Service[]> {
    return this.mangle(++this.dumps, await super.services());
  }
  override async destinations(key: ServiceKey): Promise<Destination[]> {
    this.serversRead.push(keyText(key));
    return super.destinations(key);
  }
  /** As the netlink client reads it: a services dump, then each service's servers. */
  override async table(): Promise<ServiceWithDestinations[]> {
    const services = await this.services();
    return Promise.all(services.map(async (service) => ({ service, destinations: await this.destinations(serviceKey(service)) })));
  }
}

async function shifting(mangle: (dump: number, services: Service[]) => Service[]): Promise<ShiftingIpvs> {
  const kernel = new ShiftingIpvs(mangle);
  const r = await run(['-R'], { kernel, stdin: OLD });
  expect(r.stderr).toBe('');
  kernel.dumps = 0;
  kernel.calls.length = 0;
  return kernel;
}

const withoutFwmark7 = (services: Service[]) => services.filter((s) => s.fwmark !== 7);

describe('a table that changes while apply reads it', () => {
  test('a first dump that skipped a service the file removes: read again, and the service is removed', async () => {
    const kernel = await shifting((dump, services) => (dump === 1 ? withoutFwmark7(services) : services));
    const r = await run(['apply', '--verbose', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(r).toEqual({ status: 0, stdout: PLAN, stderr: '' });
    expect(await saved(kernel)).toBe(await saved(await restored(NEW)));
  });

  test('a service a dump repeats counts once (a second delete of it would be refused)', async () => {
    const kernel = await shifting((dump, services) => (dump === 2 ? [...services, services[2]] : services));
    const r = await run(['apply', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(kernel.dumps).toBe(2); // the repeat agrees with the first dump
    expect(await saved(kernel)).toBe(await saved(await restored(NEW)));
  });

  test('a service a dump repeats with other settings: read again', async () => {
    const kernel = await shifting((dump, services) => (dump === 2 ? [...services, { ...services[2], scheduler: 'rr' }] : services));
    const r = await run(['apply', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(kernel.dumps).toBe(4); // dumps 1 and 2 disagree; after a wait, 3 and 4 agree
    expect(await saved(kernel)).toBe(await saved(await restored(NEW)));
  });

  test('a service whose settings changed between two dumps: read again', async () => {
    const kernel = await shifting((dump, services) =>
      dump === 1 ? services.map((s) => (s.protocol === 17 ? { ...s, scheduler: 'rr' } : s)) : services);
    const r = await run(['diff', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(r).toEqual({ status: 1, stdout: PLAN, stderr: '' });
    expect(kernel.dumps).toBe(4); // dumps 1 and 2 disagree; after a wait, 3 and 4 agree
  });

  test('a table that never reads the same twice: apply fails in one line and changes nothing; diff exits 2', async () => {
    const kernel = await shifting((dump, services) => (dump % 2 === 1 ? withoutFwmark7(services) : services));
    const applied = await run(['apply', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(applied).toEqual({
      status: 1, stdout: '', stderr: `ipvsadm: apply: the table changed under each of ${LIVE_READS} reads of it; nothing was changed\n`,
    });
    expect(kernel.calls).toEqual([]); // not one change reached the kernel
    const diff = await run(['diff', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(diff).toEqual({
      status: 2, stdout: '', stderr: `ipvsadm: diff: the table changed under each of ${LIVE_READS} reads of it; nothing was changed\n`,
    });
  });

  test('a later read reads the servers only of services it has not read with the same settings', async () => {
    // Dump 1 skips fwmark 7 and shows the UDP service with another scheduler; after a wait, dumps 3 and 4 agree.
    const kernel = await shifting((dump, services) =>
      dump === 1 ? withoutFwmark7(services).map((s) => (s.protocol === 17 ? { ...s, scheduler: 'rr' } : s)) : services);
    const r = await run(['apply', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(kernel.dumps).toBe(4);
    const tcp = keyText({ family: 2, protocol: 6, address: '10.0.0.1', port: 80 });
    const udp = keyText({ family: 2, protocol: 17, address: '10.0.0.2', port: 53 });
    const fwmark = keyText({ family: 2, fwmark: 7 });
    expect([...kernel.serversRead].sort()).toEqual([tcp, udp, udp, fwmark].sort());
    expect(await saved(kernel)).toBe(await saved(await restored(NEW)));
  });

  test('between two reads apply waits, twice as long each time, and starts the next read with a dump of its own', async () => {
    const kernel = await shifting((dump, services) => (dump % 2 === 1 ? withoutFwmark7(services) : services));
    const waits: number[] = [];
    const clock = { now: () => 0, sleep: async (ms: number) => void waits.push(ms) };
    const r = await run(['apply', 'new.rules'], { kernel, clock, files: { 'new.rules': NEW } });
    expect(r.status).toBe(1);
    expect(waits).toEqual([25, 50, 100, 200, 400, 800, 1000, 1000, 1000]);
    expect(waits).toEqual(READ_PAUSES_MS);
    expect(kernel.dumps).toBe(2 * LIVE_READS);
  });

  test('a signal between two reads: apply stops reading, changes nothing and ends as interrupted', async () => {
    const kernel = await shifting((dump, services) => (dump % 2 === 1 ? withoutFwmark7(services) : services));
    const waits: number[] = [];
    const clock = { now: () => 0, sleep: async (ms: number) => void waits.push(ms) };
    // received() is asked after each read that does not stand and after each wait; the third time (after read 2), the signal is there.
    const r = await run(['apply', 'new.rules'], { kernel, clock, signal: 'SIGINT', signalAfter: 2, files: { 'new.rules': NEW } });
    expect(r).toEqual({
      status: 130, stdout: '', stderr: 'ipvsadm: apply: interrupted by SIGINT\nipvsadm: apply: rolled back, the table is as it was\n',
    });
    expect(waits).toEqual([25]);
    expect(kernel.dumps).toBe(4);
    expect(kernel.calls).toEqual([]);
  });

  test('a signal during a wait ends the wait at once, and no read follows it', async () => {
    const kernel = await shifting((dump, services) => (dump % 2 === 1 ? withoutFwmark7(services) : services));
    const waited: Array<[number, 'full' | 'cut short']> = [];
    // Real timers: a wait that is not cut short takes its whole time.
    const clock = {
      now: () => 0,
      sleep: (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
        const cut = () => {
          clearTimeout(timer);
          resolve(void waited.push([ms, 'cut short']));
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', cut);
          resolve(void waited.push([ms, 'full']));
        }, ms);
        if (signal?.aborted) cut();
        else signal?.addEventListener('abort', cut, { once: true });
      }),
    };
    const r = await run(['apply', 'new.rules'], { kernel, clock, signal: 'SIGTERM', signalInWait: 3, files: { 'new.rules': NEW } });
    expect(r).toEqual({
      status: 143, stdout: '', stderr: 'ipvsadm: apply: interrupted by SIGTERM\nipvsadm: apply: rolled back, the table is as it was\n',
    });
    expect(waited).toEqual([[25, 'full'], [50, 'full'], [100, 'cut short']]);
    // Three reads of two dumps each; none after the third wait.
    expect(kernel.dumps).toBe(6);
    expect(kernel.calls).toEqual([]);
  });

  test('with --only, the servers of services outside the scope are never read', async () => {
    const kernel = await shifting((_, services) => services);
    const r = await run(['apply', '--only', 'udp', 'new.rules'], { kernel, files: { 'new.rules': NEW } });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(kernel.serversRead).toEqual([keyText({ family: 2, protocol: 17, address: '10.0.0.2', port: 53 })]);
  });
});

describe('property: apply B on top of A gives B', () => {
  // A small seeded generator, so a failure can be replayed from the printed seed.
  function random(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 4294967296;
    };
  }

  function table(next: () => number): string {
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
    const lines: string[] = [];
    const count = 1 + Math.floor(next() * 6);
    for (let i = 0; i < count; i++) {
      const id = pick([`-t 10.0.0.${1 + i}:80`, `-u 10.0.1.${1 + i}:53`, `-f ${10 + i}`, `-t [2001:db8::${1 + i}]:443`]);
      const sched = pick(['rr', 'wrr', 'wlc', 'sh', 'mh']);
      let extra = pick(['', ' -p 120', ' -p 60 -M 255.255.255.0', ' -o']);
      // -M is an IPv4 mask; one-packet scheduling is for UDP only.
      if (id.includes('[') && extra.includes('-M')) extra = ' -p 60';
      if (!id.startsWith('-u') && extra === ' -o') extra = '';
      lines.push(`-A ${id} -s ${sched}${extra}`);
      const servers = Math.floor(next() * 4);
      for (let j = 0; j < servers; j++) {
        const server = id.includes('[') ? `[2001:db8::${100 + j}]:443` : `10.0.2.${10 + j}:${id.startsWith('-u') ? 53 : 80}`;
        lines.push(`-a ${id} -r ${server} ${pick(['-m', '-g', '-i'])} -w ${Math.floor(next() * 5)}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  test.each(Array.from({ length: 25 }, (_, i) => [20261201 + i]))('seed %i', async (seed) => {
    const next = random(seed);
    const a = table(next);
    const b = table(next);
    const kernel = await restored(a);
    const r = await run(['apply', 'b'], { kernel, files: { b } });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(await saved(kernel)).toBe(await saved(await restored(b)));
    expect(await run(['diff', 'b'], { kernel, files: { b } })).toEqual({ status: 0, stdout: '', stderr: '' });
  });
});
