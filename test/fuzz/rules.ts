/**
 * Rules files and restore streams for the fuzzer (issue 12): lines of the
 * `-S` format and of the differential scenarios, valid or mutated, mixed
 * with malformed ones: very long lines, control characters, NUL, bytes that
 * are not UTF-8 (as latin1 characters), CRLF ends, no final newline, a
 * JSON document cut short. fuzzedStream makes restore streams as bytes, for
 * the lab, where 1.31 reads them too (test/kernel/fuzz-restore-differential).
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

/** Blanks as 1.31's restore reader has them: they separate words (a newline ends the line). */
const BLANK = [' ', '\t', '\r'];

/** A word longer than 1.31's 4096-byte word buffer, sometimes with a character of two bytes across its 4096th byte. */
function longWord(r: Rng): string {
  const word = r.pick(['x', '-', '-s', '10.0.0.1:', '1']) + 'x'.repeat(3500 + r.int(6000));
  return r.int(3) === 0 ? `${word.slice(0, 4095)}é${word.slice(4095)}` : word;
}

/** Up to 40 bytes but the newline, NUL among them; with `binary`, 0x80-0xff too (as themselves, not UTF-8). */
function rawLine(r: Rng, binary: boolean): Buffer {
  const codes = Array.from({ length: r.int(40) }, () => r.int(binary ? 256 : 128)).filter((b) => b !== 0x0a);
  return binary ? Buffer.from(codes) : Buffer.from(String.fromCharCode(...codes));
}

/**
 * One line of a restore stream, as bytes. Long words never come first on a
 * line: which 1.31 does with one depends on memory the line before left
 * (ipvsadm.8, DIFFERENCES).
 */
function streamLine(r: Rng, corpus: readonly string[], binary: boolean): Buffer {
  switch (r.int(12)) {
    case 0: {
      const words = r.pick(GOOD.filter((l) => l !== '')).split(' ');
      words.splice(1 + r.int(words.length), 0, longWord(r));
      return Buffer.from(words.join(' '));
    }
    case 1: // a NUL ends a word for 1.31: glued to a word, or a word of its own
      return Buffer.from(r.pick(GOOD).replace(/ /g, () => r.pick([' ', ' ', ' ', '\0junk ', ' \0 ', '\0 '])));
    case 2:
      return rawLine(r, binary);
    case 3: // words glued to odd bytes, where messages quote them
      return Buffer.concat([Buffer.from(`${r.pick(GOOD)} ${r.pick(['', '--', '-', '-b '])}`), rawLine(r, binary).filter((b) => b > 0x20)]);
    case 4: // blanks of every kind, any number of them
      return Buffer.from(r.pick(GOOD).replace(/ /g, () => Array.from({ length: 1 + r.int(3) }, () => r.pick(BLANK)).join('')));
    default:
      return Buffer.from(line(r, corpus));
  }
}

/**
 * Restore stream number `n` of the run seeded `seed`, as bytes; about one in
 * three holds bytes that are not UTF-8.
 */
export function fuzzedStream(seed: number, n: number, corpus: readonly string[]): Buffer {
  const r = prng((seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  const binary = r.int(3) === 0;
  const count = r.int(4) === 0 ? r.int(500) : 1 + r.int(12);
  const eol = Buffer.from(r.int(8) === 0 ? '\r\n' : '\n');
  const lines = Array.from({ length: count }, () => streamLine(r, corpus, binary));
  const text = Buffer.concat(lines.flatMap((l) => [l, eol])).subarray(0, -eol.length);
  switch (r.int(6)) {
    case 0: // no final newline
      return text;
    case 1: // no final newline, and blanks at the end
      return Buffer.concat([text, Buffer.from(Array.from({ length: 1 + r.int(3) }, () => r.pick(BLANK)).join(''))]);
    default:
      return Buffer.concat([text, eol]);
  }
}
