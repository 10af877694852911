/**
 * argv -> Invocation, with ipvsadm 1.31's checks in its order:
 * first option must be a command; options left to right (second command,
 * duplicate, value); popt error; --set values; leftovers; -b with the final
 * scheduler; the command/option matrix; command-specific checks.
 * Pure apart from name lookups through the given resolver.
 */
import { AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP, IP_VS_STATE_BACKUP, IP_VS_STATE_MASTER } from '../ipvs/types';
import type { Daemon, Destination, Service } from '../ipvs/types';
import {
  IP_VS_CONN_F_DROUTE,
  IP_VS_CONN_F_TUNNEL,
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
  IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM,
} from '../ipvs/kernel-values';
import { FORWARDING_METHODS, PROTOCOLS, TUNNEL_CHECKSUMS, tunnelTypeByValue } from '../ipvs/vocabulary';
import { EXIT_KERNEL_REFUSED, EXIT_USAGE } from '../messages/exit-status';
import type { NameResolver } from './names';
import type { CommandName, OptionName } from './options';
import { checkCommandOptions, checkTunnelOptions, MatrixCommand, TUNNEL_OPTIONS } from './matrix';
import { tokenize, OptionToken } from './tokenizer';
import {
  DEFAULT_SCHEDULER,
  IFNAME_MAX_BYTES,
  MAX_TIMEOUT,
  PE_MAX_BYTES,
  SCHEDULER_MAX_BYTES,
  SCHED_FLAGS_MAX_BYTES,
  UsageError,
  parseAddressPort,
  parseBoundedInteger,
  parseFwmark,
  parseIPv4Netmask,
  parseIPv6Netmask,
  parseMcastGroup,
  parseSchedFlags,
  parseTimeout,
  parseTunnelType,
  truncateUtf8,
} from './values';

export type { CommandName, OptionName } from './options';

export type ListFormat = 'plain' | 'stats' | 'rate' | 'thresholds' | 'persistent-conn' | 'tun-info';

export interface Invocation {
  command: CommandName;
  /** Internal option names present (e.g. 'numeric', 'connection', 'timeout', 'daemon', 'nosort', 'exact', 'stats', ...). */
  present: ReadonlySet<string>;
  /**
   * The service as built by the parser with ipvsadm's fresh defaults (scheduler '' stays '' unless
   * -A/-E turned it into 'wlc'). Undefined when no service option was given. Fwmark services have
   * protocol 0 and address '' (ipvsadm uses TCP internally only for -r port names).
   */
  service?: Service;
  /** The destination with the port rules applied; weight 1, fwdMethod 3 (route) unless -m (0) / -i (2). */
  destination?: Destination;
  /** For list: the effective format (first of stats, rate, thresholds, persistent-conn, tun-info, else plain). */
  listFormat: ListFormat;
  numeric: boolean;
  exact: boolean;
  nosort: boolean;
  /** --json (ours): the result as a JSON document, failures as a JSON object. */
  json: boolean;
  /** --set values (0 means unchanged). */
  timeouts?: { tcp: number; tcpFin: number; udp: number };
  /** --start-daemon / --stop-daemon. */
  daemon?: Daemon;
}

export interface ParseFailure {
  /** The complete stderr text to print, including the trailing newline(s). */
  message: string;
  exitCode: typeof EXIT_USAGE | typeof EXIT_KERNEL_REFUSED;
  /**
   * usage: the first option was not a command (the Try line; ends a restore);
   * popt: a popt error after the command (ipvsadm returns instead of exiting: a restore goes on);
   * invalid: every other (exit 2) validation error.
   */
  kind: 'usage' | 'popt' | 'invalid';
}

export interface ParseContext {
  argv0: string;
  resolver: NameResolver;
  /**
   * popt honours POSIXLY_CORRECT / POSIX_ME_HARDER from the environment: the first
   * non-option word ends option parsing. The caller decides (this module reads no env).
   */
  posixlyCorrect?: boolean;
}

export function isParseFailure(x: Invocation | ParseFailure): x is ParseFailure {
  return 'exitCode' in x && 'message' in x;
}

export function tryHelpMessage(argv0: string): string {
  return `Try \`${argv0} -h' or '${argv0} --help' for more information.\n`;
}

const LIST_FORMATS: readonly Exclude<ListFormat, 'plain'>[] = ['stats', 'rate', 'thresholds', 'persistent-conn', 'tun-info'];

/** Everything ipvsadm keeps while reading options, starting from its fresh defaults. */
class Draft {
  readonly present = new Set<OptionName>();
  readonly service = {
    family: AF_INET,
    /** Also what -r uses for port names: TCP for fwmark services, 0 before any service option. */
    protocol: 0,
    address: '',
    port: 0,
    fwmark: 0,
    scheduler: '',
    peName: '',
    flags: 0,
    timeout: 0,
    netmask: 0xffffffff,
  };
  readonly destination = {
    family: AF_INET,
    address: '',
    port: 0,
    fwdMethod: IP_VS_CONN_F_DROUTE,
    weight: 1,
    upperThreshold: 0,
    lowerThreshold: 0,
    tunnelType: 0,
    tunnelPort: 0,
    tunnelFlags: IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM,
  };
  readonly daemon: Daemon = { state: 0, mcastIfn: '', syncId: 0 };
  schedFlagsArg = '';

  constructor(
    readonly command: CommandName,
    readonly resolver: NameResolver,
  ) {}
}

type Handler = (draft: Draft, value: string) => void | Promise<void>;

const serviceHandler =
  (protocol: number): Handler =>
  async (d, value) => {
    d.service.protocol = protocol;
    const parsed = await parseAddressPort(value, protocol, d.resolver);
    if (!parsed) throw new UsageError('illegal virtual server address[:port] specified');
    d.service.family = parsed.family;
    d.service.address = parsed.address;
    if (parsed.port !== undefined) d.service.port = parsed.port;
    if (parsed.family === AF_INET6) d.service.netmask = 128;
  };

const forwardingHandler =
  (fwdMethod: number): Handler =>
  (d) => {
    d.destination.fwdMethod = fwdMethod;
  };

const checksumHandler =
  (flag: number): Handler =>
  (d) => {
    d.destination.tunnelFlags |= flag;
  };

const integer =
  (min: number, max: number, message: string, set: (d: Draft, n: number) => void): Handler =>
  (d, value) =>
    set(d, parseBoundedInteger(value, min, max, message));

/** -t, -u and --sctp-service: one per protocol. */
const SERVICE_HANDLERS = Object.fromEntries(PROTOCOLS.map((p) => [p.option, serviceHandler(p.value)]));

/** -g, -i and -m: each selects its forwarding method. */
const FORWARDING_HANDLERS = Object.fromEntries(
  FORWARDING_METHODS.flatMap((m) => (m.option === undefined ? [] : [[m.option, forwardingHandler(m.value)] as const])),
);

/** --tun-nocsum, --tun-csum and --tun-remcsum: each adds its flag (ipvsadm ORs them). */
const CHECKSUM_HANDLERS = Object.fromEntries(TUNNEL_CHECKSUMS.map((c) => [c.option, checksumHandler(c.value)]));

/** Value handlers by long name; flags with no state of their own are absent. */
const HANDLERS: Readonly<Record<string, Handler>> = {
  ...SERVICE_HANDLERS,
  'fwmark-service': (d, value) => {
    d.service.family = AF_INET;
    d.service.protocol = IPPROTO_TCP;
    d.service.fwmark = parseFwmark(value);
  },
  ipv6: (d) => {
    // The message itself ends in a newline, hence the empty line after it.
    if (!d.service.fwmark) throw new UsageError('-6 used before -f\n');
    d.service.family = AF_INET6;
    d.service.netmask = 128;
  },
  scheduler: (d, value) => {
    d.service.scheduler = truncateUtf8(value, SCHEDULER_MAX_BYTES);
  },
  persistent: (d, value) => {
    d.service.flags |= IP_VS_SVC_F_PERSISTENT;
    d.service.timeout = parseTimeout(value, 1);
  },
  netmask: async (d, value) => {
    d.service.netmask =
      d.service.family === AF_INET6 ? parseIPv6Netmask(value) : await parseIPv4Netmask(value, d.resolver);
  },
  'real-server': async (d, value) => {
    const parsed = await parseAddressPort(value, d.service.protocol, d.resolver);
    if (!parsed) throw new UsageError('illegal real server address[:port] specified');
    d.destination.family = parsed.family;
    d.destination.address = parsed.address;
    // The service port as parsed so far, when -r names none.
    d.destination.port = parsed.port ?? d.service.port;
  },
  ...FORWARDING_HANDLERS,
  weight: integer(0, 2147483647, 'illegal weight specified', (d, n) => (d.destination.weight = n)),
  'u-threshold': integer(0, 2147483647, 'illegal u_threshold specified', (d, n) => (d.destination.upperThreshold = n)),
  'l-threshold': integer(0, 2147483647, 'illegal l_threshold specified', (d, n) => (d.destination.lowerThreshold = n)),
  'mcast-interface': (d, value) => {
    d.daemon.mcastIfn = truncateUtf8(value, IFNAME_MAX_BYTES);
  },
  syncid: integer(0, 255, 'illegal syncid specified', (d, n) => (d.daemon.syncId = n)),
  'sync-maxlen': integer(1, 65507, 'illegal sync-maxlen specified', (d, n) => (d.daemon.syncMaxlen = n)),
  'mcast-group': (d, value) => {
    d.daemon.mcastGroup = parseMcastGroup(value).address;
  },
  'mcast-port': integer(1, 65535, 'illegal mcast-port specified', (d, n) => (d.daemon.mcastPort = n)),
  'mcast-ttl': integer(1, 255, 'illegal mcast-ttl specified', (d, n) => (d.daemon.mcastTtl = n)),
  ops: (d) => {
    d.service.flags |= IP_VS_SVC_F_ONEPACKET;
  },
  pe: (d, value) => {
    d.service.peName = truncateUtf8(value, PE_MAX_BYTES);
  },
  'sched-flags': (d, value) => {
    d.schedFlagsArg = truncateUtf8(value, SCHED_FLAGS_MAX_BYTES);
  },
  'tun-type': (d, value) => {
    d.destination.tunnelType = parseTunnelType(value);
  },
  'tun-port': integer(1, 65535, 'illegal tunnel port specified', (d, n) => (d.destination.tunnelPort = n)),
  ...CHECKSUM_HANDLERS,
};

function daemonState(command: CommandName, word: string): number {
  if (word === 'master') return IP_VS_STATE_MASTER;
  if (word === 'backup') return IP_VS_STATE_BACKUP;
  // ipvsadm's stop-daemon message really says start_daemon.
  throw new UsageError(
    command === 'start-daemon' ? 'illegal start-daemon parameter specified' : 'illegal start_daemon specified',
  );
}

function emptyInvocation(command: CommandName): Invocation {
  return { command, present: new Set(), listFormat: 'plain', numeric: false, exact: false, nosort: false, json: false };
}

async function applyOption(draft: Draft, token: OptionToken): Promise<void> {
  const { spec } = token;
  if (spec.isCommand) throw new UsageError(`invalid option \`${token.word}'`);
  if (spec.name !== undefined) {
    if (draft.present.has(spec.name)) throw new UsageError(`multiple '${spec.name}' options specified`);
    draft.present.add(spec.name);
  }
  const handler = HANDLERS[spec.long];
  // Only -p may arrive without a value; the handlers of flags ignore it.
  if (handler) await handler(draft, token.value as string);
}

/** Checks that ipvsadm runs after the matrix, per command. */
function checkCommandSemantics(draft: Draft): void {
  const { command, service: svc, destination: dest, present } = draft;
  if (command === 'add-service' || command === 'edit-service') {
    if (!svc.fwmark && !svc.port && !(svc.flags & IP_VS_SVC_F_PERSISTENT)) {
      throw new UsageError('Zero port specified for non-persistent service');
    }
    if (svc.flags & IP_VS_SVC_F_ONEPACKET && !svc.fwmark && svc.protocol !== IPPROTO_UDP) {
      throw new UsageError('One-Packet Scheduling is only for UDP virtual services');
    }
    if (svc.scheduler === '') svc.scheduler = DEFAULT_SCHEDULER;
  }
  if (command === 'add-server' || command === 'edit-server') {
    if (!svc.fwmark && (dest.fwdMethod === IP_VS_CONN_F_TUNNEL || dest.fwdMethod === IP_VS_CONN_F_DROUTE)) {
      dest.port = svc.port;
    }
    if (dest.family !== svc.family && dest.fwdMethod !== IP_VS_CONN_F_TUNNEL) {
      throw new UsageError('Different address family is allowed only for tunneling servers');
    }
    const tunnelOptions = ['tun-type', ...TUNNEL_OPTIONS] as const;
    if (tunnelOptions.some((o) => present.has(o)) && dest.fwdMethod !== IP_VS_CONN_F_TUNNEL) {
      throw new UsageError('Tunnel options conflict with forward method');
    }
    // --tun-type accepts only known types, so the draft's type always has a name.
    const tunnelType = tunnelTypeByValue(dest.tunnelType);
    const tunnelProblem = tunnelType && checkTunnelOptions(tunnelType.name, present);
    if (tunnelProblem) throw new UsageError(tunnelProblem);
  }
  if (command === 'list') {
    const has = (...names: OptionName[]) => names.some((n) => present.has(n));
    if (
      (has('connection', 'timeout', 'daemon') && has('stats', 'rate', 'thresholds')) ||
      (has('timeout', 'daemon') && has('persistent-conn'))
    ) {
      throw new UsageError('options conflicts in the list command');
    }
  }
  if (command === 'start-daemon' && draft.daemon.mcastIfn === '') draft.daemon.mcastIfn = 'eth0';
}

function buildInvocation(draft: Draft, timeouts: Invocation['timeouts']): Invocation {
  const { present } = draft;
  const invocation = emptyInvocation(draft.command);
  invocation.present = present;
  invocation.numeric = present.has('numeric');
  invocation.exact = present.has('exact');
  invocation.nosort = present.has('nosort');
  invocation.json = present.has('json');
  invocation.listFormat = LIST_FORMATS.find((f) => present.has(f)) ?? 'plain';
  if (present.has('service-address')) {
    const s = draft.service;
    const isFwmark = s.fwmark !== 0;
    invocation.service = {
      family: s.family,
      protocol: isFwmark ? 0 : s.protocol,
      address: isFwmark ? '' : s.address,
      port: isFwmark ? 0 : s.port,
      fwmark: s.fwmark,
      scheduler: s.scheduler,
      peName: s.peName,
      flags: s.flags,
      timeout: s.timeout,
      netmask: s.netmask,
    };
  }
  if (present.has('real-server')) invocation.destination = { ...draft.destination };
  if (timeouts) invocation.timeouts = timeouts;
  if (draft.command === 'start-daemon' || draft.command === 'stop-daemon') invocation.daemon = { ...draft.daemon };
  return invocation;
}

async function parseOrThrow(argv: readonly string[], context: ParseContext): Promise<Invocation | ParseFailure> {
  // ipvsadm with no arguments at all lists the table.
  if (argv.length === 0) return emptyInvocation('list');

  const { tokens, leftovers } = tokenize(argv, { posixlyCorrect: context.posixlyCorrect });
  const first = tokens[0];
  if (!first || first.kind === 'error' || !first.spec.isCommand || !first.spec.command) {
    return { message: tryHelpMessage(context.argv0), exitCode: EXIT_KERNEL_REFUSED, kind: 'usage' };
  }
  const command = first.spec.command;
  if (command === 'help' || command === 'version') return emptyInvocation(command);

  const draft = new Draft(command, context.resolver);
  if (command === 'start-daemon' || command === 'stop-daemon') {
    draft.daemon.state = daemonState(command, first.value as string);
  }

  for (const token of tokens.slice(1)) {
    if (token.kind === 'error') {
      return { message: `${token.word}: ${token.error}\n`, exitCode: EXIT_KERNEL_REFUSED, kind: 'popt' };
    }
    await applyOption(draft, token);
  }

  const rest = [...leftovers];
  let timeouts: Invocation['timeouts'];
  if (command === 'set') {
    if (rest.length < 3) throw new UsageError('--set option requires 3 timeout values');
    const [tcp, tcpFin, udp] = rest.splice(0, 3).map((word) => parseTimeout(word, 0, MAX_TIMEOUT));
    timeouts = { tcp, tcpFin, udp };
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);

  if (draft.schedFlagsArg !== '') draft.service.flags |= parseSchedFlags(draft.schedFlagsArg, draft.service.scheduler);

  const matrixProblem = checkCommandOptions(command as MatrixCommand, draft.present);
  if (matrixProblem) throw new UsageError(matrixProblem);

  checkCommandSemantics(draft);
  return buildInvocation(draft, timeouts);
}

/**
 * Parses one ipvsadm command line (argv without argv0). `-h`/`-v` as the
 * first option give the 'help'/'version' commands; the caller prints.
 */
export async function parseCommandLine(
  argv: readonly string[],
  context: ParseContext,
): Promise<Invocation | ParseFailure> {
  try {
    return await parseOrThrow(argv, context);
  } catch (error) {
    if (error instanceof UsageError) return { message: `${error.message}\n`, exitCode: error.exitCode, kind: 'invalid' };
    throw error;
  }
}

