/**
 * Rules files and restore streams for the fuzzer (issue 12): lines of the
 * `-S` format and of the differential scenarios, valid or mutated, mixed
 * with malformed ones: very long lines, control characters, NUL, bytes that
 * are not UTF-8 (as latin1 characters), CRLF ends, no final newline, a
 * JSON document cut short.
 */
import { prng } from '../netlink/prng';

type Rng = ReturnType<typeof prng>;

const GOOD = [
  '-A -t 10.0.0.1:80 -s rr',
  '-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m -w 1',
  '-a -t 10.0.0.1:80 -r 10.0.0.12:80 -g -w 3',
  '-A -u 10.0.0.1:53 -s wlc -p 300',
  '-a -u 10.0.0.1:53 -r 10.0.0.13:53 -i -w 2 -x 10 -y 5',
  '-A -t [2001:db8::1]:80 -s sh -b sh-port',
  '-a -t [2001:db8::1]:80 -r [2001:db8::10]:80 -m',
  '-A -f 7 -s mh -b mh-fallback',
  '-a -f 7 -r 10.0.0.14:0 -i --tun-type gue --tun-port 6080',
  '-A --sctp-service 10.0.0.2:5000 -s rr -o',
  '-D -t 10.0.0.1:80',
  '-d -t 10.0.0.1:80 -r 10.0.0.11:80',
  '-e -t 10.0.0.1:80 -r 10.0.0.12:80 -g -w 0',
  '-E -t 10.0.0.1:80 -s wrr',
  '-C',
  '-Z',
  '--set 900 120 300',
  '# a comment',
  '',
];

const ODD = ['\u0000', '\r', '\t', '\u001b[2J', 'é', '\u00ff\u00fe', '\ufffd', '\u{1F600}', '"', "'", '\\', '#', '--', '=', ',', ':'];

function mutateLine(r: Rng, line: string): string {
  const words = line.split(' ');
  const i = r.int(words.length);
  switch (r.int(7)) {
    case 0:
      words.splice(i, 1);
      break;
    case 1:
      words.splice(i, 0, r.pick(ODD));
      break;
    case 2:
      words[i] = words[i].slice(0, r.int(words[i].length + 1));
      break;
    case 3:
      words[i] += r.pick(ODD);
      break;
    case 4:
      words[i] = String(r.pick([-1, 0, 65536, 2 ** 31, 2 ** 32, 1e20]));
      break;
    case 5:
      words.splice(i, 0, ...words.slice(i));
      break;
    default:
      return line.slice(0, r.int(line.length + 1));
  }
  return words.join(' ');
}

function line(r: Rng, corpus: readonly string[]): string {
  switch (r.int(10)) {
    case 0:
      return 'x'.repeat(1 + r.int(70_000)); // past 1.31's line buffer
    case 1:
      return Array.from({ length: r.int(40) }, () => String.fromCharCode(r.int(256))).join('');
    case 2:
      return mutateLine(r, r.pick(GOOD));
    case 3:
      return r.pick(corpus);
    case 4:
      return mutateLine(r, r.pick(corpus));
    default:
      return r.pick(GOOD);
  }
}

/** Rules text number `n` of the run seeded `seed`. */
export function fuzzedRules(seed: number, n: number, corpus: readonly string[]): string {
  const r = prng((seed ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0);
  if (r.int(12) === 0) {
    // A JSON rules document, whole or cut short.
    const doc = JSON.stringify({ services: [{ protocol: 'tcp', address: '10.0.0.1', port: 80, scheduler: r.pick(['rr', 'nosuch', '']), servers: [{ address: '10.0.0.11', port: r.pick([80, -1, 70000]), weight: r.pick([1, -5, 'x']) }] }] });
    return doc.slice(0, r.int(2) ? doc.length : r.int(doc.length));
  }
  const count = r.int(3) === 0 ? r.int(2000) : r.int(12);
  const eol = r.int(8) === 0 ? '\r\n' : '\n';
  const text = Array.from({ length: count }, () => line(r, corpus)).join(eol);
  return r.int(6) === 0 ? text : text + eol;
}
