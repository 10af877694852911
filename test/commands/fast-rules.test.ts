// The fast reader of plain rules lines must give exactly what the classic
// parser gives, for every line it accepts; the lines it declines go to the
// classic parser (which may refuse them). Random canonical lines, the edges
// of every number, and near misses.
import { seededRandom } from '../../bench/change';
import { fastRule } from '../../src/commands/apply/fast-rules';
import { isParseFailure, parseCommandLine } from '../../src/cli/parse';
import { restoreLineWords } from '../../src/cli/tokenizer';
import { fakeResolver } from '../support/fake-resolver';

const ctx = { argv0: 'ipvsadm', resolver: fakeResolver() };

async function classic(line: string) {
  const parsed = await parseCommandLine(restoreLineWords(line), ctx);
  if (isParseFailure(parsed)) return { refused: parsed.message };
  return parsed.command === 'add-service'
    ? { command: parsed.command, service: parsed.service }
    : { command: parsed.command, service: parsed.service, destination: parsed.destination };
}

const SEED = Number(process.env.IPVS_FAST_RULES_SEED ?? 8);

function randomLines(n: number): string[] {
  const r = seededRandom(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (max: number) => Math.floor(r() * (max + 1));
  const v4 = () => pick([() => `${int(255)}.${int(255)}.${int(255)}.${int(255)}`, () => '0.0.0.0', () => '255.255.255.255'])();
  const v6 = () => pick(['2001:db8::1', 'fd00:10::1234:5678:9abc:def1', '::1', '::', '::ffff:10.0.0.9', '2001:db8:0:0:1::', 'fe80::a:b']);
  const port = () => pick([() => int(65535), () => 0, () => 1, () => 65535, () => 65536])();
  const addrport = (family: 4 | 6) => (family === 4 ? `${v4()}:${port()}` : `[${v6()}]:${port()}`);
  const number = () => pick([() => int(10), () => int(2147483647), () => 2147483647, () => 2147483648, () => 0, () => 4294967295])();
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const sw = pick(['-t', '-u', '--sctp-service']);
    const fam = pick([4, 6] as const);
    if (r() < 0.4) {
      let line = `-A ${sw} ${addrport(fam)} -s ${pick(['rr', 'wlc', 'sh', 'mh', 'nosuch', 'averyveryverylongname'])}`;
      if (r() < 0.3) line += ` -p ${pick([() => 1, () => 300, () => 2678400, () => 2678401, () => 0, () => int(5000000)])()}`;
      out.push(line);
    } else {
      let line = `-a ${sw} ${addrport(fam)} -r ${addrport(r() < 0.85 ? fam : fam === 4 ? 6 : 4)} ${pick(['-g', '-m', '-i'])} -w ${number()}`;
      if (r() < 0.3) line += ` -x ${number()} -y ${number()}`;
      out.push(line);
    }
  }
  return out;
}

describe('fastRule', () => {
  test(`gives what the classic parser gives for every line it takes (2,000 random lines, seed ${SEED})`, async () => {
    let taken = 0;
    for (const line of randomLines(2000)) {
      const fast = fastRule(line);
      if (fast === undefined) continue;
      taken++;
      expect({ line, parsed: fast }).toEqual({ line, parsed: await classic(line) });
    }
    // Not vacuous: a quarter of the lines (the generator makes many out of range on purpose) are taken.
    expect(taken).toBeGreaterThan(400);
  });

  test.each([
    '-A -t 10.0.0.1:80 -s wlc',
    '-A -u 10.0.0.2:53 -s rr -p 300',
    '-A --sctp-service [2001:db8::1]:9 -s sh',
    '-a -t 10.0.0.1:80 -r 10.1.0.1:8080 -m -w 1',
    '-a -t 10.0.0.1:80 -r 10.1.0.1:8080 -g -w 0',
    '-a -t [2001:db8::1]:80 -r 10.1.0.1:80 -i -w 3 -x 100 -y 50',
    '-a -u 10.0.0.2:53 -r 10.1.0.2:53 -m -w 2147483647',
  ])('takes the canonical line %s', async (line) => {
    const fast = fastRule(line);
    expect(fast).toBeDefined();
    expect(fast).toEqual(await classic(line));
  });

  test.each([
    ['a leading zero', '-A -t 010.0.0.1:80 -s wlc'],
    ['a port with a leading zero', '-A -t 10.0.0.1:080 -s wlc'],
    ['a name', '-A -t www.example.com:http -s wlc'],
    ['an IPv6 address not as inet_ntop writes it', '-A -t [2001:DB8::1]:80 -s wlc'],
    ['a port of 0', '-A -t 10.0.0.1:0 -s wlc'],
    ['two blanks', '-A -t 10.0.0.1:80  -s wlc'],
    ['a trailing blank', '-A -t 10.0.0.1:80 -s wlc '],
    ['other options', '-A -t 10.0.0.1:80 -s wlc -o'],
    ['a -M', '-A -t 10.0.0.1:80 -s wlc -p 300 -M 255.255.255.0'],
    ['a fwmark service', '-A -f 7 -s wlc'],
    ['a tunnel type', '-a -t 10.0.0.1:80 -r 10.1.0.1:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum'],
    ['families apart without a tunnel', '-a -t 10.0.0.1:80 -r [2001:db8::2]:80 -m -w 1'],
    ['a weight out of range', '-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 2147483648'],
    ['a timeout out of range', '-A -t 10.0.0.1:80 -s wlc -p 2678401'],
    ['an octet out of range', '-A -t 10.0.0.256:80 -s wlc'],
    ['a comment', '# -A -t 10.0.0.1:80 -s wlc'],
  ])('leaves %s to the classic parser', (_what, line) => {
    expect(fastRule(line)).toBeUndefined();
  });
});
