/**
 * Command lines for the fuzzer (issue 12): seeded, so every case can be made
 * again from its seed and number. Three kinds: a soup of the programs'
 * own words and values (option names, addresses, numbers at and past
 * their limits, junk); a command line of the differential suite mutated
 * (tokens dropped, repeated, swapped, replaced, glued, cut, given
 * `=value`); and the extension commands with their options.
 */
import * as fs from 'fs';
import * as path from 'path';
import { prng } from '../netlink/prng';

type Rng = ReturnType<typeof prng>;

const SHORT = ['-A', '-E', '-D', '-C', '-R', '-S', '-a', '-e', '-d', '-L', '-l', '-Z', '-h', '-v',
  '-t', '-u', '-f', '-s', '-p', '-M', '-r', '-g', '-i', '-m', '-w', '-x', '-y', '-c', '-n', '-o', '-b', '-6', '-j', '-q', '-X'];
const LONG = ['--add-service', '--edit-service', '--delete-service', '--clear', '--restore', '--save', '--add-server',
  '--edit-server', '--delete-server', '--list', '--zero', '--set', '--start-daemon', '--stop-daemon', '--help', '--version',
  '--tcp-service', '--udp-service', '--sctp-service', '--fwmark-service', '--scheduler', '--persistent', '--netmask',
  '--real-server', '--gatewaying', '--ipip', '--masquerading', '--weight', '--u-threshold', '--l-threshold', '--connection',
  '--numeric', '--ops', '--pe', '--sched-flags', '--tun-type', '--tun-port', '--tun-nocsum', '--tun-csum', '--tun-remcsum',
  '--mcast-interface', '--syncid', '--mcast-group', '--mcast-port', '--mcast-ttl', '--sync-maxlen', '--timeout', '--daemon',
  '--stats', '--rate', '--thresholds', '--persistent-conn', '--nosort', '--sort', '--exact', '--tun-info', '--ipv6', '--json',
  '--nope', '--'];
const EXTENSIONS = ['apply', 'diff', 'drain', 'top'];
const EXTENSION_OPTIONS = ['--dry-run', '--verbose', '--only', '--wait', '--grace', '--keep', '--interval', '--help', '-h',
  '--json', '-t', '-r', '-u', '-f', '--sort', '--limit', '--once', '--no-such-option'];
const VALUES = ['10.0.0.1:80', '10.0.0.1', '10.0.0.11:80', '10.0.0.12', '[2001:db8::1]:80', '[2001:db8::1]', '2001:db8::1',
  '[::]:0', '0.0.0.0:0', 'vip1:http', 'rs10.example.com', 'localhost:https', 'rr', 'wrr', 'wlc', 'mh', 'sh', 'twos', 'nosuch',
  'gue', 'gre', 'ipip', 'sip', 'flag-1,flag-2', 'sh-fallback,sh-port', 'master', 'backup', 'eth0', 'lo', '1', '0', '-1', '7',
  '65535', '65536', '2147483647', '2147483648', '4294967295', '4294967296', '99999999999999999999', '0x10', '010', '1e3',
  '255.255.255.0', '255.0.255.0', '128', '129', '', ' ', ',', ':', '::', '[', ']', '-', '--', '=', '10.0.0.1:', ':80',
  '10.0.0.1:80:90', '300.1.1.1', '10.0.0.1/24', 'tcp', 'udp', 'é', 'ä:80', '\u00e9t\u00e9', '\u{1F600}', 'x'.repeat(300),
  '1'.repeat(40), '%s%n', '$(true)', '\t', '\\', '"', "'", '/dev/null', '/nonexistent/rules', 'all', 'services', 'servers'];

function junk(r: Rng): string {
  switch (r.int(4)) {
    case 0: // printable ASCII
      return Array.from({ length: r.int(12) }, () => String.fromCharCode(32 + r.int(95))).join('');
    case 1: // any BMP characters except NUL (an argument cannot hold one)
      return Array.from({ length: 1 + r.int(6) }, () => String.fromCharCode(1 + r.int(0xd7fe))).join('');
    case 2: // invalid UTF-8 as a process would receive it, decoded by node into replacement characters
      return Buffer.from(r.bytes(1 + r.int(8)).map((b) => b || 1)).toString('latin1');
    default:
      return `${r.pick(['-', '--'])}${r.pick(['', '=', ',', 'x', 'é'])}${r.pick(VALUES)}`;
  }
}

function word(r: Rng): string {
  switch (r.int(6)) {
    case 0:
      return r.pick(SHORT);
    case 1:
      return r.pick(LONG);
    case 2: // clustered short options, perhaps with a value glued on
      return '-' + Array.from({ length: 2 + r.int(3) }, () => r.pick(SHORT).slice(1)).join('') + (r.int(2) ? r.pick(VALUES) : '');
    case 3: // --option=value
      return `${r.pick(LONG)}=${r.pick(VALUES)}`;
    case 4:
      return junk(r);
    default:
      return r.pick(VALUES);
  }
}

/** Command lines of the differential scenarios (`ipvsadm WORDS`, without shell quoting or redirection). */
export function scenarioCorpus(repo: string): string[][] {
  const dir = path.join(repo, 'test', 'differential', 'scenarios');
  const lines: string[][] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.scenario')).sort()) {
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (!line.startsWith('ipvsadm ') || /["'|<>$`;&\\]/.test(line)) continue;
      lines.push(line.split(/\s+/).slice(1).filter((w) => w !== ''));
    }
  }
  return lines;
}

function mutate(r: Rng, argv: string[]): string[] {
  const out = [...argv];
  const times = 1 + r.int(3);
  for (let k = 0; k < times; k++) {
    const i = r.int(out.length + 1);
    switch (r.int(9)) {
      case 0:
        if (out.length) out.splice(Math.min(i, out.length - 1), 1);
        break;
      case 1:
        if (out.length) out.splice(i, 0, out[Math.min(i, out.length - 1)]);
        break;
      case 2:
        if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1], out[i]];
        break;
      case 3:
        out.splice(i, out.length ? 1 : 0, word(r));
        break;
      case 4:
        out.splice(i, 0, word(r));
        break;
      case 5: // glue a value to the option before it, or with `=`
        if (i + 1 < out.length) out.splice(i, 2, out[i] + r.pick(['', '=']) + out[i + 1]);
        break;
      case 6: // cut a word short
        if (i < out.length) out[i] = out[i].slice(0, r.int(out[i].length + 1));
        break;
      case 7: // `=value` after a short option
        if (i < out.length && /^-[a-zA-Z]$/.test(out[i])) out[i] += '=' + r.pick(VALUES);
        break;
      default: // non-ASCII glued on
        if (i < out.length) out[i] += r.pick(['é', '\u00ff', '\u{1F600}', '\ufffd']);
    }
  }
  return out;
}

/** Command line number `n` of the run seeded `seed`. */
export function fuzzedArgv(seed: number, n: number, corpus: readonly string[][]): string[] {
  const r = prng((seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  switch (r.int(4)) {
    case 0:
      return Array.from({ length: 1 + r.int(8) }, () => word(r));
    case 1:
      return [r.pick(EXTENSIONS), ...Array.from({ length: r.int(6) }, () => (r.int(2) ? r.pick(EXTENSION_OPTIONS) : r.pick(VALUES)))];
    default:
      return mutate(r, r.pick(corpus));
  }
}

/**
 * The smallest command line still failing `fails`, found by dropping words,
 * then shortening each: what a regression case keeps.
 */
export async function shrink(argv: readonly string[], fails: (argv: string[]) => Promise<boolean>): Promise<string[]> {
  let best = [...argv];
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < best.length; i++) {
      const candidate = [...best.slice(0, i), ...best.slice(i + 1)];
      if (await fails(candidate)) {
        best = candidate;
        changed = true;
        i--;
      }
    }
    for (let i = 0; i < best.length; i++) {
      for (let cut = 0; cut < best[i].length; cut++) {
        const candidate = [...best];
        candidate[i] = best[i].slice(0, cut) + best[i].slice(cut + 1);
        if (await fails(candidate)) {
          best = candidate;
          changed = true;
          cut--;
        }
      }
    }
  }
  return best;
}
