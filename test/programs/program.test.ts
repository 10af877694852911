import { FakeIpvs } from '../support/fake-ipvs';
import { run, makeDeps } from './harness';
import { runSaveWrapper, runRestoreWrapper, restoreWrapperInput } from '../../src/programs/wrappers';
import { restoreLineWords } from '../../src/cli/tokenizer';
import { linesOf, restoreStreamWords } from '../../src/restore/restore';
import { openFailureReason } from '../../src/commands/open';
import { FamilyNotFoundError, KernelError } from '../../src/netlink/errors';

const CANT_INIT_TAIL = 'Are you sure that IP Virtual Server is built in the kernel or as module?\n';

function table(kernel: FakeIpvs): string[] {
  const lines: string[] = [];
  for (const { service, destinations } of kernel.entries.values()) {
    lines.push(`${service.address}:${service.port}`);
    for (const d of destinations) lines.push(`  ${d.address}:${d.port} w${d.weight}`);
  }
  return lines;
}

describe('opening IPVS', () => {
  test('without the family, root gets "Protocol not available" after one modprobe', async () => {
    const sink = { stdout: [] as string[], stderr: [] as string[] };
    const deps = makeDeps({ kernel: 'missing' }, sink);
    const { runProgram } = await import('../../src/programs/ipvsadm');
    const status = await runProgram(['-L', '-n'], deps);
    expect(status).toBe(2);
    expect(deps.modprobeCalls).toBe(1);
    expect(sink.stderr.join('')).toBe(`Can't initialize ipvs: Protocol not available\n${CANT_INIT_TAIL}`);
  });

  test('an unprivileged user is told to be root', () => {
    expect(openFailureReason(new FamilyNotFoundError('IPVS', 2), false)).toBe('Permission denied (you must be root)');
    expect(openFailureReason(new KernelError(1, 'GET_INFO'), false)).toBe('Permission denied (you must be root)');
  });

  test('-h and -v fail too when IPVS cannot be opened (1.31 opens first)', async () => {
    for (const argv of [['-h'], ['--version']]) {
      const r = await run(argv, { kernel: 'missing' });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
    }
  });

  test('a successful modprobe leads to a second attempt', async () => {
    const kernel = new FakeIpvs();
    let attempts = 0;
    const sink = { stdout: [] as string[], stderr: [] as string[] };
    const deps = makeDeps({ kernel, modprobeSucceeds: true }, sink);
    const open = deps.open;
    deps.open = async () => {
      attempts++;
      if (attempts === 1) throw new FamilyNotFoundError('IPVS', 2);
      return open();
    };
    const { runProgram } = await import('../../src/programs/ipvsadm');
    expect(await runProgram(['-A', '-t', '10.0.0.1:80'], deps)).toBe(0);
    expect(attempts).toBe(2);
    expect(kernel.entries.size).toBe(1);
    expect(kernel.closed).toBe(true);
  });
});

describe('changes and kernel refusals', () => {
  test.each([
    [['-A', '-t', '10.0.0.1:80'], 'Service already exists\n'],
    [['-E', '-t', '10.0.0.9:80', '-s', 'rr'], 'No such service\n'],
    [['-D', '-t', '10.0.0.9:80'], 'No such service\n'],
    [['-Z', '-t', '10.0.0.9:80'], 'No such service\n'],
    [['-a', '-t', '10.0.0.9:80', '-r', '10.0.0.11'], 'Service not defined\n'],
    [['-a', '-t', '10.0.0.1:80', '-r', '10.0.0.11'], 'Destination already exists\n'],
    [['-e', '-t', '10.0.0.1:80', '-r', '10.0.0.99'], 'No such destination\n'],
    [['-d', '-t', '10.0.0.1:80', '-r', '10.0.0.99'], 'No such destination\n'],
    [['-A', '-t', '10.0.0.3:80', '-s', 'foo'], 'Scheduler or persistence engine not found\n'],
    [['-a', '-t', '10.0.0.1:80', '-r', '10.0.0.16', '-x', '100', '-y', '200'], 'Numerical result out of range\n'],
    [['--stop-daemon', 'master'], 'No daemon is running\n'],
    [['--start-daemon', 'master', '--mcast-interface', 'eth9'], 'No such device\n'],
  ])('%j -> %j, status 255', async (argv, message) => {
    const kernel = new FakeIpvs();
    await run(['-A', '-t', '10.0.0.1:80'], { kernel });
    await run(['-a', '-t', '10.0.0.1:80', '-r', '10.0.0.11'], { kernel });
    const r = await run(argv, { kernel });
    expect(r).toEqual({ status: 255, stdout: '', stderr: message });
  });

  test('a second daemon of the same state: Daemon has already run', async () => {
    const kernel = new FakeIpvs();
    expect((await run(['--start-daemon', 'master', '--mcast-interface', 'lo'], { kernel })).status).toBe(0);
    const r = await run(['--start-daemon', 'master', '--mcast-interface', 'd0', '--syncid', '9'], { kernel });
    expect(r).toEqual({ status: 255, stdout: '', stderr: 'Daemon has already run\n' });
  });

  test('parse errors come before any kernel call', async () => {
    const kernel = new FakeIpvs();
    const r = await run(['-A', '-t', '10.0.0.1:80', '-w', '5'], { kernel });
    expect(r).toEqual({ status: 2, stdout: '', stderr: "Illegal 'weight' option with the 'add-service' command\n" });
    expect(kernel.calls).toEqual([]);
  });
});

describe('restore (-R)', () => {
  const restore = (kernel: FakeIpvs, stdin: string | Buffer) => run(['-R'], { kernel, stdin });

  test('words split on blanks, tabs and CR; ipvsadm words vanish', () => {
    expect(restoreLineWords('\t-a\t-t   10.0.0.1:80 -r 10.0.0.13 -g ipvsadm\r')).toEqual(['-a', '-t', '10.0.0.1:80', '-r', '10.0.0.13', '-g']);
    expect(restoreLineWords('   ')).toEqual([]);
  });

  test('ok1: blank lines skipped, ipvsadm prefix, tabs', async () => {
    const kernel = new FakeIpvs();
    const r = await restore(
      kernel,
      '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m\n\n   \nipvsadm -a -t 10.0.0.1:80 -r 10.0.0.12:80 -m -w 3\n\t-a\t-t   10.0.0.1:80 -r 10.0.0.13 -g ipvsadm\n',
    );
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(table(kernel)).toEqual(['10.0.0.1:80', '  10.0.0.11:80 w1', '  10.0.0.12:80 w3', '  10.0.0.13:80 w1']);
  });

  test('a kernel error mid-stream is reported and the stream goes on; the last line decides the status', async () => {
    const kernel = new FakeIpvs();
    const mid = await restore(kernel, '-A -t 10.0.0.2:80\n-A -t 10.0.0.2:80\n-a -t 10.0.0.2:80 -r 10.0.0.21\n');
    expect(mid).toEqual({ status: 0, stdout: '', stderr: 'Service already exists\n' });
    const last = await restore(kernel, '-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r 10.0.0.31\n-A -t 10.0.0.3:80\n');
    expect(last).toEqual({ status: 255, stdout: '', stderr: 'Service already exists\n' });
    expect(table(kernel)).toEqual(['10.0.0.2:80', '  10.0.0.21:80 w1', '10.0.0.3:80', '  10.0.0.31:80 w1']);
  });

  test('a parse error stops the stream at that line', async () => {
    const kernel = new FakeIpvs();
    const r = await restore(kernel, '-A -t 10.0.0.4:80\n-a -t 10.0.0.4:80 -r 10.0.0.41 -w abc\n-a -t 10.0.0.4:80 -r 10.0.0.42\n');
    expect(r).toEqual({ status: 2, stdout: '', stderr: 'illegal weight specified\n' });
    expect(table(kernel)).toEqual(['10.0.0.4:80']);
  });

  test('# is not a comment: a comment line aborts with the Try line', async () => {
    const kernel = new FakeIpvs();
    const r = await restore(kernel, '# comment line\n-A -t 10.0.0.5:80\n');
    expect(r).toEqual({ status: 255, stdout: '', stderr: "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n" });
    expect(kernel.entries.size).toBe(0);
    const trailing = await restore(kernel, '-A -t 10.0.0.6:80 # trailing comment\n');
    expect(trailing).toEqual({ status: 2, stdout: '', stderr: 'unexpected argument #\n' });
  });

  test('a popt error on a later option fails only its line', async () => {
    const kernel = new FakeIpvs();
    const r = await restore(kernel, '-A -t 10.0.0.11:80\n-L --foo\n-A -t 10.0.0.11:81\n');
    expect(r).toEqual({ status: 0, stdout: '', stderr: '--foo: unknown option\n' });
    expect(kernel.entries.size).toBe(2);
  });

  test('a failed listing line ends the restore with status 1', async () => {
    const kernel = new FakeIpvs();
    const r = await restore(kernel, '-A -t 10.0.0.3:80\n-L -n -t 10.0.0.99:80\n-A -t 10.0.0.4:80\n');
    expect(r).toEqual({ status: 1, stdout: '', stderr: 'No such service\n' });
    expect(table(kernel)).toEqual(['10.0.0.3:80']);
  });

  test('a nested -R ends the restore with the Try line', async () => {
    const kernel = new FakeIpvs();
    const r = await restore(kernel, '-A -t 10.0.0.7:80\n-R\n-A -t 10.0.0.7:81\n');
    expect(r.status).toBe(255);
    expect(r.stderr).toBe("Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n");
    expect(kernel.entries.size).toBe(1);
  });

  test('no final newline, CRLF lines, and quotes kept literally', async () => {
    const kernel = new FakeIpvs();
    expect((await restore(kernel, '-A -t 10.0.0.8:80')).status).toBe(0);
    expect((await restore(kernel, '-A -t 10.0.0.9:80\r\n-a -t 10.0.0.9:80 -r 10.0.0.91\r\n')).status).toBe(0);
    expect(table(kernel)).toEqual(['10.0.0.8:80', '10.0.0.9:80', '  10.0.0.91:80 w1']);
    const quoted = await restore(kernel, '-A -t "10.0.0.12:80"\n');
    expect(quoted).toEqual({ status: 2, stdout: '', stderr: 'illegal virtual server address[:port] specified\n' });
  });

  // Found by the lab's restore fuzzer (test/kernel/fuzz-restore-differential.test.ts): 1.31 reads words with fscanf into 4096 bytes, as C strings.
  test('words as 1.31 reads them: cut into 4096 bytes, ended by NUL, never decoded past their bytes', () => {
    const x = (n: number) => 'x'.repeat(n);
    expect(restoreStreamWords(Buffer.from(`-A -s ${x(4096)} ${x(4097)}\tipvsadm ${x(8193)}`))).toEqual(['-A', '-s', x(4096), x(4096), 'x', x(4096), x(4096), 'x']);
    // `ipvsadm\0x` is the word ipvsadm to C, so it goes too.
    expect(restoreStreamWords(Buffer.from('-A\0zz -t 10.0.0.9:80\0junk \0 ipvsadm\0x \0'))).toEqual(['-A', '-t', '10.0.0.9:80', '', '']);
    // A NUL after the first 4096 bytes ends only the second piece.
    expect(restoreStreamWords(Buffer.from(`${x(4096)}ab\0c`))).toEqual([x(4096), 'ab']);
    // A character cut at 4096 bytes is two pieces of bytes, each not UTF-8 on its own.
    expect(restoreStreamWords(Buffer.from(`${x(4095)}é`))).toEqual([`${x(4095)}\ufffd`, '\ufffd']);
    expect(restoreStreamWords(Buffer.from([0x2d, 0x2d, 0xe9, 0xff, 0x20, 0xc3, 0xa9]))).toEqual(['--\ufffd\ufffd', 'é']);
    expect(restoreStreamWords(Buffer.from(' \r\t '))).toEqual([]);
  });

  test('long words, NUL and bytes that are not UTF-8 in the stream: messages as 1.31 prints them', async () => {
    const kernel = new FakeIpvs();
    const long = await restore(kernel, `-A -t 10.0.0.9:80 -s ${'x'.repeat(5000)}\n`);
    expect(long).toEqual({ status: 2, stdout: '', stderr: `unexpected argument ${'x'.repeat(904)}\n` });
    const nul = await restore(kernel, '-A\0zz -t 10.0.0.9:80\0junk -s rr\n-A -t 10.0.0.9:81 \0abc\n');
    expect(nul).toEqual({ status: 2, stdout: '', stderr: 'unexpected argument \n' });
    expect(table(kernel)).toEqual(['10.0.0.9:80']);
    const latin1 = await restore(kernel, Buffer.from('-L --\xe9\xff\n', 'latin1'));
    expect(latin1).toEqual({ status: 255, stdout: '', stderr: '--\ufffd\ufffd: unknown option\n' });
  });

  test('a last line without newline that ends in blanks is executed (1.31 loses it: ipvsadm.8, DIFFERENCES g)', async () => {
    const kernel = new FakeIpvs();
    expect(await restore(kernel, '-A -t 10.0.0.8:80 \t ')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(table(kernel)).toEqual(['10.0.0.8:80']);
  });

  test('a 10 MB line and lines cut across chunks are read whole', async () => {
    const lines: Buffer[][] = [];
    async function* chunks(): AsyncGenerator<Buffer> {
      yield Buffer.from('-A -t 10.0.0.1:80\n-a -t 10.0');
      yield Buffer.from('.0.1:80 -r 10.0.0.2\n');
      for (let i = 0; i < 160; i++) yield Buffer.alloc(65536, 0x78);
      yield Buffer.from('\n-Z');
    }
    for await (const group of linesOf(chunks())) lines.push(group);
    expect(lines.map((group) => group.map((l) => l.length))).toEqual([[17], [29], [160 * 65536], [2]]);
    expect(lines[1][0].toString()).toBe('-a -t 10.0.0.1:80 -r 10.0.0.2');
  });

  test('consecutive changes go to the kernel as one batch', async () => {
    const kernel = new FakeIpvs();
    const lines = ['-A -t 10.0.0.1:80'];
    for (let i = 1; i <= 20; i++) lines.push(`-a -t 10.0.0.1:80 -r 10.0.1.${i} -m`);
    await restore(kernel, `${lines.join('\n')}\n`);
    expect(kernel.calls[0]).toBe('apply(21)');
  });

  test('-R with a leftover word is refused before reading input', async () => {
    const kernel = new FakeIpvs();
    const r = await run(['-R', 'extra'], { kernel, stdin: '-A -t 10.0.0.1:80\n' });
    expect(r).toEqual({ status: 2, stdout: '', stderr: 'unexpected argument extra\n' });
    expect(kernel.entries.size).toBe(0);
  });
});

describe('wrappers', () => {
  test('ipvsadm-save refuses unknown dash options with its usage, status 1', async () => {
    const sink = { stdout: [] as string[], stderr: [] as string[] };
    const status = await runSaveWrapper(['-n', '-x'], 'ipvsadm-save', makeDeps({ kernel: new FakeIpvs() }, sink));
    expect(status).toBe(1);
    expect(sink.stderr.join('')).toBe(
      'ipvsadm-save: Script to save the IPVS table to stdout.\n   With the -n option, prints out the table in numeric format.\n',
    );
  });

  test('ipvsadm-restore input: comment lines dropped, trailing newlines folded to one', () => {
    expect(restoreWrapperInput('# a\n-A -t 10.0.0.1:80\n  # kept\n\n\n')).toBe('-A -t 10.0.0.1:80\n  # kept\n');
    expect(restoreWrapperInput('')).toBe('\n');
    expect(restoreWrapperInput('-C')).toBe('-C\n');
  });

  test('ipvsadm-restore clears first, then restores', async () => {
    const kernel = new FakeIpvs();
    await run(['-A', '-t', '10.0.0.99:80'], { kernel });
    const sink = { stdout: [] as string[], stderr: [] as string[] };
    const status = await runRestoreWrapper(makeDeps({ kernel, stdin: '# saved\n-A -t 10.0.0.16:80 -s wlc\n' }, sink));
    expect(status).toBe(0);
    expect(table(kernel)).toEqual(['10.0.0.16:80']);
    expect(kernel.calls.slice(-4)).toEqual(['apply(1)', 'flush', 'apply(1)', 'add-service']);
  });
});
