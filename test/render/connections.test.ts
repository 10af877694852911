import { connectionTableOf, fgetsPieces, parseConnections, strtoulHex } from '../../src/commands/connections';
import { writeClassic } from '../../src/render/classic';
import { CONN_OPEN_ERROR, CONN_UNEXPECTED_INPUT, ConnectionOptions, formatExpiry } from '../../src/render/connections';
import { fakeResolver } from '../support/fake-resolver';
import { sample } from './samples';

const HEADER = 'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n';

/** `-L -c` over this file text, as the program writes it: stdout, the stderr line if any, and the status. */
async function conns(text: string | undefined, opts: Partial<ConnectionOptions> = {}) {
  let stdout = '';
  let stderr = '';
  const exitCode = await writeClassic(
    { kind: 'connections', connections: connectionTableOf(text), numeric: true, persistentConn: false, resolver: fakeResolver(), ...opts },
    { out: (t) => void (stdout += t), err: (t) => void (stderr += t) },
  );
  return stderr === '' ? { stdout, exitCode } : { stdout, error: stderr.replace(/\n$/, ''), exitCode };
}

/** A kernel line as /proc/net/ip_vs_conn writes it (hex addresses for IPv4, full form for IPv6). */
function kernelLine(
  proto: string,
  [c, cp]: [string, number],
  [v, vp]: [string, number],
  [d, dp]: [string, number],
  state: string,
  expires: number,
  pe = '',
): string {
  const addr = (a: string) =>
    a.includes(':')
      ? a
      : a
          .split('.')
          .map((p) => Number(p).toString(16).toUpperCase().padStart(2, '0'))
          .join('');
  const port = (p: number) => p.toString(16).toUpperCase().padStart(4, '0');
  return (
    `${proto.padEnd(3)} ${addr(c)} ${port(cp)} ${addr(v)} ${port(vp)} ${addr(d)} ${port(dp)} ` +
    `${state.padEnd(11)} ${String(expires).padStart(7)}${pe ? ' ' + pe : ''}\n`
  );
}

describe('13.4 empty connection table', () => {
  it('header only', async () => {
    expect(await conns(HEADER, { numeric: false })).toEqual({ stdout: sample('13.4 ipvsadm -L -c'), exitCode: 0 });
    expect(await conns(HEADER, { persistentConn: true })).toEqual({
      stdout: sample('13.4 ipvsadm -L -n -c --persistent-conn'),
      exitCode: 0,
    });
  });
});

describe('13.6 connections from the printed /proc content', () => {
  const proc = sample('13.6 cat /proc/net/ip_vs_conn');

  it('the kernel-line builder writes the sample lines exactly', () => {
    expect(
      kernelLine('UDP', ['10.0.0.254', 0], ['10.0.0.4', 5060], ['10.0.0.40', 5060], 'NONE', 57, 'sip abc123@host'),
    ).toBe(proc.split('\n')[5] + '\n');
  });
  it('-L -c -n', async () => {
    expect(await conns(proc)).toEqual({ stdout: sample('13.6 ipvsadm -L -c -n'), exitCode: 0 });
  });
  it('-L -c (names, ports by the first field)', async () => {
    expect(await conns(proc, { numeric: false })).toEqual({ stdout: sample('13.6 ipvsadm -L -c'), exitCode: 0 });
  });
  it('-L -c -n --persistent-conn (taken a little later)', async () => {
    const expiries = [297, 55, 55, 55, 57, 296, 116, 297, 55, 55, 296];
    let i = 0;
    const later = proc.replace(/( (?:UDP|SYN_RECV|NONE) +)(\d+)/g, (_m, head: string, secs: string) =>
      head + String(expiries[i++]).padStart(secs.length),
    );
    expect(i).toBe(expiries.length);
    expect(await conns(later, { persistentConn: true })).toEqual({
      stdout: sample('13.6 ipvsadm -L -c -n --persistent-conn'),
      exitCode: 0,
    });
  });
});

describe('13.8 fwmark templates and long IPv6 destinations', () => {
  const long6 = '2001:0db8:1234:5678:9abc:def0:1234:5678';
  const proc =
    HEADER +
    kernelLine('TCP', ['10.0.0.254', 39014], ['192.168.5.6', 443], ['10.0.0.31', 8080], 'SYN_RECV', 58) +
    kernelLine('UDP', ['10.0.0.254', 56590], ['192.168.5.5', 5353], ['10.0.0.30', 5353], 'UDP', 297) +
    kernelLine('IP', ['10.0.0.254', 0], ['0.0.0.1', 0], ['10.0.0.30', 0], 'NONE', 597) +
    kernelLine(
      'TCP',
      ['2001:0db8:0000:0000:0000:0000:0000:00fe', 48452],
      ['2001:0db8:0000:0000:0000:0000:0000:0099', 80],
      [long6, 65535],
      'SYN_RECV',
      58,
    ) +
    kernelLine('UDP', ['10.0.0.254', 44225], ['192.168.5.5', 5353], ['10.0.0.30', 5353], 'UDP', 297);
  it('-L -c -n', async () => {
    expect(await conns(proc)).toEqual({ stdout: sample('13.8 ipvsadm -L -c -n'), exitCode: 0 });
  });
  it('-L -c', async () => {
    expect(await conns(proc, { numeric: false })).toEqual({ stdout: sample('13.8 ipvsadm -L -c'), exitCode: 0 });
  });
});

describe('errors and odd input', () => {
  it('cannot open / empty file', async () => {
    expect(await conns(undefined)).toEqual({ stdout: '', error: CONN_OPEN_ERROR, exitCode: 1 });
    expect(CONN_OPEN_ERROR).toBe('cannot open file /proc/net/ip_vs_conn');
    expect(await conns('')).toEqual({ stdout: '', error: CONN_UNEXPECTED_INPUT, exitCode: 1 });
    expect(CONN_UNEXPECTED_INPUT).toBe('unexpected input from /proc/net/ip_vs_conn');
  });
  it('a header without newline and nothing else', async () => {
    expect((await conns('Pro FromIP')).stdout).toBe(sample('13.4 ipvsadm -L -c'));
  });
  it('a blank line stops the listing with status 1, output so far kept', async () => {
    const line = kernelLine('TCP', ['10.0.0.254', 1], ['10.0.0.1', 80], ['10.0.0.2', 80], 'ESTABLISHED', 900);
    const result = await conns(HEADER + line + '\n' + line);
    expect(result.exitCode).toBe(1);
    expect(result.error).toBeUndefined();
    expect(result.stdout.split('\n')).toEqual([
      'IPVS connection entries',
      'pro expire state       source             virtual            destination',
      'TCP 15:00  ESTABLISHED 10.0.0.254:1       10.0.0.1:80        10.0.0.2:80',
      '',
    ]);
  });
  it('a last line without newline is listed', async () => {
    const line = kernelLine('TCP', ['10.0.0.254', 1], ['10.0.0.1', 80], ['10.0.0.2', 80], 'CLOSE', 5).trimEnd();
    expect((await conns(HEADER + line)).stdout.endsWith('TCP 00:05  CLOSE       10.0.0.254:1       10.0.0.1:80        10.0.0.2:80\n')).toBe(
      true,
    );
  });
  it('PE columns need both PE fields; without --persistent-conn they are ignored', async () => {
    const withName = kernelLine('UDP', ['10.0.0.254', 0], ['10.0.0.4', 5060], ['10.0.0.40', 5060], 'NONE', 57, 'sip');
    const withData = kernelLine('UDP', ['10.0.0.254', 0], ['10.0.0.4', 5060], ['10.0.0.40', 5060], 'NONE', 57, 'sip x');
    const lines = (await conns(HEADER + withName + withData, { persistentConn: true })).stdout.split('\n');
    expect(lines[2]).toBe('UDP 00:57  NONE        10.0.0.254:0       10.0.0.4:5060      10.0.0.40:5060');
    expect(lines[3]).toBe('UDP 00:57  NONE        10.0.0.254:0       10.0.0.4:5060      10.0.0.40:5060   sip                x');
    const plain = (await conns(HEADER + withData)).stdout.split('\n');
    expect(plain[2]).toBe('UDP 00:57  NONE        10.0.0.254:0       10.0.0.4:5060      10.0.0.40:5060');
  });
  it('mixed families: client/virtual from the client field, destination on its own', async () => {
    const line = kernelLine('TCP', ['10.0.0.254', 1], ['10.0.0.1', 80], ['2001:0db8:0000:0000:0000:0000:0000:0030', 80], 'SYN_RECV', 60);
    expect((await conns(HEADER + line)).stdout.split('\n')[2]).toBe(
      'TCP 01:00  SYN_RECV    10.0.0.254:1       10.0.0.1:80        [2001:db8::30]:80',
    );
  });
  it('SCTP ports get sctp names; unknown protocols none', async () => {
    const sctp = kernelLine('SCTP', ['10.0.0.254', 5672], ['10.0.0.1', 5672], ['10.0.0.2', 80], 'ESTABLISHED', 1);
    const other = kernelLine('XYZ', ['10.0.0.254', 80], ['10.0.0.1', 80], ['10.0.0.2', 80], 'NONE', 1);
    const lines = (await conns(HEADER + sctp + other, { numeric: false })).stdout.split('\n');
    expect(lines[2]).toBe('SCTP 00:01  ESTABLISHED 10.0.0.254:amqp    vip1.example.com:amqp 10.0.0.2:80');
    expect(lines[3]).toBe('XYZ 00:01  NONE        10.0.0.254:80      vip1.example.com:80 10.0.0.2:80');
  });
  it('resolves each distinct address once', async () => {
    const resolver = fakeResolver();
    await conns(sample('13.6 cat /proc/net/ip_vs_conn'), { numeric: false, resolver });
    expect(resolver.reverseLookups.length).toBe(new Set(resolver.reverseLookups).size);
    expect(new Set(resolver.reverseLookups)).toEqual(
      new Set([
        '2/10.0.0.254',
        '2/10.0.0.5',
        '2/10.0.0.50',
        '2/10.0.0.1',
        '2/10.0.0.12',
        '2/10.0.0.11',
        '2/10.0.0.4',
        '2/10.0.0.40',
        '2/10.0.0.20',
        '10/2001:db8::fe',
        '10/2001:db8::1',
        '10/2001:db8::10',
      ]),
    );
  });
});

describe('the 256-byte fgets buffer', () => {
  it('splits lines at 255 characters', () => {
    const long = 'x'.repeat(300) + '\n';
    expect(fgetsPieces('ab\n' + long + 'cd').map((p) => p.length)).toEqual([3, 255, 46, 2]);
    expect(fgetsPieces('y'.repeat(255) + '\n')).toEqual(['y'.repeat(255), '\n']);
  });
  it('a 255-character line leaves a lone newline, which ends the listing with status 1', async () => {
    // 65 characters before the PE fields, then ' sip ' and the data.
    const pe = 'sip ' + 'c'.repeat(255 - 65 - 5);
    const line = kernelLine('UDP', ['10.0.0.254', 0], ['10.0.0.4', 5060], ['10.0.0.40', 5060], 'NONE', 57, pe);
    expect(line.length).toBe(256);
    const second = kernelLine('TCP', ['10.0.0.254', 1], ['10.0.0.1', 80], ['10.0.0.2', 80], 'CLOSE', 5);
    const result = await conns(HEADER + line + second, { persistentConn: true });
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split('\n').length).toBe(4); // two headers, the long line, final ''
  });
  it('the rest of a longer line is parsed as a line of its own (previous values fill the gaps)', () => {
    const pe = 'sip ' + 'c'.repeat(250);
    const line = kernelLine('UDP', ['10.0.0.254', 0], ['10.0.0.4', 5060], ['10.0.0.40', 5060], 'NONE', 57, pe);
    const { entries, stopped } = parseConnections(HEADER + line);
    expect(stopped).toBe(false);
    expect(entries.length).toBe(2);
    expect(entries[0].peData.length).toBe(255 - 65 - 5);
    expect(entries[1]).toMatchObject({ fields: 1, client: '10.0.0.254', state: 'NONE', expires: 57 });
  });
});

describe('field conversions', () => {
  it('MM:SS without hour wrap', () => {
    expect(formatExpiry(0)).toBe('00:00');
    expect(formatExpiry(59)).toBe('00:59');
    expect(formatExpiry(597)).toBe('09:57');
    expect(formatExpiry(7200)).toBe('120:00');
    expect(formatExpiry(-1)).toBe('00:-1');
    expect(formatExpiry(-61)).toBe('-1:-1');
  });
  it('strtoul base 16', () => {
    expect(strtoulHex('0A0000FE')).toBe(0x0a0000fen);
    expect(strtoulHex('0x10')).toBe(16n);
    expect(strtoulHex('zz')).toBe(0n);
    expect(strtoulHex('-1')).toBe((1n << 64n) - 1n);
    expect(strtoulHex('1'.repeat(40))).toBe((1n << 64n) - 1n);
  });
  it('expiry beyond int wraps like scanf %d', () => {
    const { entries } = parseConnections(HEADER + 'TCP 0A000001 0001 0A000002 0050 0A000003 0050 NONE 4294967295\n');
    expect(entries[0].expires).toBe(-1);
  });
  it('ports are 16-bit', () => {
    const { entries } = parseConnections(HEADER + 'TCP 0A000001 10001 0A000002 0050 0A000003 0050 NONE 1\n');
    expect(entries[0].clientPort).toBe(1);
  });
});
