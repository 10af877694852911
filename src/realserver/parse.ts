/**
 * The command line of ipvsadm-realserver: argv -> Invocation, or a usage
 * error. Prints nothing. Options may come before or after the words; `--`
 * ends them; a value follows its option as the next word or after `=`.
 */
import { parseIPv4, parseIPv6, formatAddress } from '../netlink/inet';
import { AF_INET, AF_INET6 } from '../ipvs/types';
import type { Invocation, TunnelType, Vip } from './types';
import { tunnelTakesIPv6 } from './vips';

export const PROGRAM = 'ipvsadm-realserver';
/** Kept equal to package.json's version (checked by a test). */
export const VERSION = '0.1.0';
export const DEFAULT_STATE_DIR = '/run/ipvsadm-realserver';
/** The GUE port when --port is not given (what the director's --tun-port must name). */
export const DEFAULT_GUE_PORT = 6080;

export class UsageError extends Error {
  override name = 'UsageError';
}

const TUNNEL_TYPES: readonly TunnelType[] = ['ipip', 'gue', 'gre'];

export function helpText(): string {
  return [
    `${PROGRAM} ${VERSION}: prepares a Linux real server for IPVS direct routing or tunnelling`,
    '',
    'Usage:',
    `  ${PROGRAM} [--dry-run] [--state-dir DIR] dr VIP...`,
    `  ${PROGRAM} [--dry-run] [--state-dir DIR] tun [--type ipip|gue|gre] [--port PORT] VIP...`,
    `  ${PROGRAM} [--dry-run] [--state-dir DIR] --undo`,
    '',
    'Modes:',
    '  dr              each VIP on lo, ARP sysctls (arp_ignore=1, arp_announce=2)',
    '  tun             each VIP on the tunnel device of --type (ipip: tunl0 and ip6tnl0,',
    '                  gre: gre0, gue: tunl0 and a fou port), ARP sysctls, rp_filter=0',
    '',
    'Options:',
    '  --type TYPE     tun: ipip (default), gue or gre',
    `  --port PORT     tun --type gue: the UDP port to receive on (default ${DEFAULT_GUE_PORT})`,
    '  --undo          revert what earlier runs changed, from the state file',
    '  -n, --dry-run   print the equivalent ip/sysctl/modprobe commands, change nothing',
    `  --state-dir DIR where the state file is kept (default ${DEFAULT_STATE_DIR})`,
    '  -h, --help      this text',
    '  -V, --version   the version',
    '',
    'Each change made is printed as the command that makes it; a second run prints nothing.',
    '',
  ].join('\n');
}

export function versionText(): string {
  return `${PROGRAM} ${VERSION} (ipvsadm-ts)\n`;
}

export function parseVip(text: string): Vip {
  const v4 = parseIPv4(text);
  if (v4) return { family: AF_INET, address: formatAddress(AF_INET, v4) };
  const v6 = parseIPv6(text);
  if (v6) return { family: AF_INET6, address: formatAddress(AF_INET6, v6) };
  throw new UsageError(`bad VIP '${text}': not an IPv4 or IPv6 address`);
}

function parsePort(text: string): number {
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new UsageError(`bad port '${text}': expected 1 to 65535`);
  return Number(text);
}

const WITH_VALUE = new Set(['--type', '--port', '--state-dir']);
const FLAGS = new Set(['--undo', '--dry-run', '-n', '--help', '-h', '--version', '-V']);

export function parse(argv: readonly string[]): Invocation {
  const words: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      words.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (WITH_VALUE.has(name)) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      if (values.has(name)) throw new UsageError(`${name} given twice`);
      values.set(name, value);
    } else if (FLAGS.has(name) && eq === -1) {
      flags.add(name === '-n' ? '--dry-run' : name === '-h' ? '--help' : name === '-V' ? '--version' : name);
    } else {
      throw new UsageError(`unknown option '${arg}'`);
    }
  }
  if (flags.has('--help')) return { kind: 'help' };
  if (flags.has('--version')) return { kind: 'version' };

  const common = { dryRun: flags.has('--dry-run'), stateDir: values.get('--state-dir') ?? DEFAULT_STATE_DIR };
  if (common.stateDir === '') throw new UsageError('--state-dir needs a directory');
  const [mode, ...rest] = words;
  if (flags.has('--undo')) {
    if (words.length) throw new UsageError('--undo takes no mode or VIPs: it reverts everything the state file records');
    if (values.has('--type') || values.has('--port')) throw new UsageError('--undo takes no --type or --port');
    return { kind: 'undo', ...common };
  }
  if (mode === undefined) throw new UsageError('a mode is needed: dr, tun or --undo');
  if (mode !== 'dr' && mode !== 'tun') throw new UsageError(`unknown mode '${mode}': expected dr or tun`);
  if (rest.length === 0) throw new UsageError(`${mode} needs at least one VIP`);
  const vips: Vip[] = [];
  for (const word of rest) {
    const vip = parseVip(word);
    if (!vips.some((v) => v.family === vip.family && v.address === vip.address)) vips.push(vip);
  }
  if (mode === 'dr') {
    if (values.has('--type') || values.has('--port')) throw new UsageError('--type and --port are for tun');
    return { kind: 'setup', mode, vips, ...common };
  }
  const type = values.get('--type') ?? 'ipip';
  const tunnel = TUNNEL_TYPES.find((t) => t === type);
  if (!tunnel) throw new UsageError(`unknown tunnel type '${type}': expected ipip, gue or gre`);
  if (values.has('--port') && tunnel !== 'gue') throw new UsageError('--port is for --type gue');
  const port = values.has('--port') ? parsePort(values.get('--port')!) : DEFAULT_GUE_PORT;
  const v6 = vips.find((v) => v.family === AF_INET6);
  if (v6 && !tunnelTakesIPv6(tunnel)) throw new UsageError(`IPv6 VIP ${v6.address}: tun --type ${tunnel} takes IPv4 VIPs only (IPv6: dr, or tun --type ipip)`);
  return { kind: 'setup', mode, tunnel, port, vips, ...common };
}
