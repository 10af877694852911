/**
 * The option registry of the classic command line, keyed by ipvsadm's long
 * names. The tokenizer, the parser, the help text and the man pages are all
 * driven by this one table.
 */

/** Internal command names, as ipvsadm prints them in messages. */
export type CommandName =
  | 'add-service'
  | 'edit-service'
  | 'delete-service'
  | 'flush'
  | 'list'
  | 'add-server'
  | 'delete-server'
  | 'edit-server'
  | 'set'
  | 'start-daemon'
  | 'stop-daemon'
  | 'restore'
  | 'save'
  | 'zero'
  | 'help'
  | 'version';

/** Internal option names (ipvsadm's optnames): used in messages, the matrix and Invocation.present. */
export type OptionName =
  | 'numeric'
  | 'connection'
  | 'service-address'
  | 'scheduler'
  | 'persistent'
  | 'netmask'
  | 'real-server'
  | 'forwarding-method'
  | 'weight'
  | 'u-threshold'
  | 'l-threshold'
  | 'mcast-interface'
  | 'timeout'
  | 'daemon'
  | 'stats'
  | 'rate'
  | 'thresholds'
  | 'persistent-conn'
  | 'nosort'
  | 'syncid'
  | 'exact'
  | 'ops'
  | 'pe'
  | 'sched-flags'
  | 'mcast-group'
  | 'mcast-port'
  | 'mcast-ttl'
  | 'sync-maxlen'
  | 'tun-info'
  | 'tun-type'
  | 'tun-port'
  | 'tun-nocsum'
  | 'tun-csum'
  | 'tun-remcsum'
  | 'json';

/**
 * How an option takes its argument (popt semantics):
 * none: never; required: attached or the next word, whatever it looks like;
 * optional: attached, or the next word unless it starts with '-';
 * positional: none for the tokenizer, but the command consumes leftover words (--set).
 */
export type ArgKind = 'none' | 'required' | 'optional' | 'positional';

/** Where an option appears in help and man pages. */
export type OptionGroup = 'command' | 'service' | 'service-option' | 'server-option' | 'list-option' | 'daemon-option';

export interface OptionSpec {
  /** Long name without the dashes. */
  readonly long: string;
  /** Short letters without the dash; may be empty. */
  readonly short: string[];
  readonly argKind: ArgKind;
  /** Argument label for help and man pages; undefined when the option takes none. */
  readonly argument?: string;
  /** Internal name; undefined for options that are never tracked (-6, --sort) and for commands. */
  readonly name?: OptionName;
  readonly isCommand: boolean;
  /** For commands: the internal command name. */
  readonly command?: CommandName;
  readonly group: OptionGroup;
  readonly description: string;
  /** Short letters that work but are not advertised (ipvsadm's -X). */
  readonly hiddenShort?: string[];
}

const command = (
  long: string,
  short: string[],
  cmd: CommandName,
  description: string,
  extra: Partial<OptionSpec> = {},
): OptionSpec => ({ long, short, argKind: 'none', isCommand: true, command: cmd, group: 'command', description, ...extra });

const option = (
  long: string,
  short: string[],
  name: OptionName | undefined,
  group: OptionGroup,
  description: string,
  argument?: string,
  argKind: ArgKind = argument === undefined ? 'none' : 'required',
): OptionSpec => ({ long, short, argKind, argument, name, isCommand: false, group, description });

/** Every option ipvsadm 1.31 accepts, in help order. */
export const OPTIONS: readonly OptionSpec[] = [
  command('add-service', ['A'], 'add-service', 'add a virtual service'),
  command('edit-service', ['E'], 'edit-service', 'replace the definition of a virtual service'),
  command('delete-service', ['D'], 'delete-service', 'delete a virtual service and its real servers'),
  command('clear', ['C'], 'flush', 'delete every virtual service'),
  command('restore', ['R'], 'restore', 'read commands from standard input, one per line'),
  command('save', ['S'], 'save', 'print the table as commands that --restore accepts'),
  command('add-server', ['a'], 'add-server', 'add a real server to a virtual service'),
  command('edit-server', ['e'], 'edit-server', 'replace the settings of a real server'),
  command('delete-server', ['d'], 'delete-server', 'remove a real server from a virtual service'),
  command('list', ['L', 'l'], 'list', 'show the table, one service or other state'),
  command('zero', ['Z'], 'zero', 'reset the counters of one service or of all'),
  command('set', [], 'set', 'set the TCP, TCP FIN and UDP connection timeouts (0 keeps a value)', {
    argKind: 'positional',
    argument: 'tcp tcpfin udp',
  }),
  command('start-daemon', [], 'start-daemon', 'start the connection synchronisation daemon', {
    argKind: 'required',
    argument: 'master|backup',
  }),
  command('stop-daemon', [], 'stop-daemon', 'stop the connection synchronisation daemon', {
    argKind: 'required',
    argument: 'master|backup',
  }),
  command('help', ['h'], 'help', 'print this help and exit'),
  command('version', ['v'], 'version', 'print the version and exit'),

  option('tcp-service', ['t'], 'service-address', 'service', 'a TCP service, host[:port]', 'service-address'),
  option('udp-service', ['u'], 'service-address', 'service', 'a UDP service, host[:port]', 'service-address'),
  option('sctp-service', [], 'service-address', 'service', 'an SCTP service, host[:port]', 'service-address'),
  option('fwmark-service', ['f'], 'service-address', 'service', 'a firewall-mark service, mark 1..4294967295', 'fwmark'),

  option('ipv6', ['6'], undefined, 'service-option', 'the firewall-mark service is IPv6 (after -f)'),
  option('scheduler', ['s'], 'scheduler', 'service-option', 'scheduling algorithm (rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh; default wlc)', 'scheduler'),
  option('pe', [], 'pe', 'service-option', 'persistence engine (sip)', 'engine'),
  option('persistent', ['p'], 'persistent', 'service-option', 'make the service persistent, timeout in seconds (default 360)', 'timeout', 'optional'),
  option('netmask', ['M'], 'netmask', 'service-option', 'persistence granularity: IPv4 mask or IPv6 prefix length', 'netmask'),
  option('ops', ['o'], 'ops', 'service-option', 'one-packet scheduling (UDP and firewall-mark services)'),
  option('sched-flags', ['b'], 'sched-flags', 'service-option', 'comma-separated scheduler flags: flag-1..3, sh-fallback, sh-port, mh-fallback, mh-port', 'flags'),

  option('real-server', ['r'], 'real-server', 'server-option', 'the real server, host[:port]', 'server-address'),
  option('gatewaying', ['g'], 'forwarding-method', 'server-option', 'forward by direct routing (the default)'),
  option('ipip', ['i'], 'forwarding-method', 'server-option', 'forward by tunnelling'),
  option('masquerading', ['m'], 'forwarding-method', 'server-option', 'forward by masquerading (NAT)'),
  option('tun-type', [], 'tun-type', 'server-option', 'tunnel type: ipip (default), gue or gre', 'type'),
  option('tun-port', [], 'tun-port', 'server-option', 'destination port of GUE tunnels', 'port'),
  option('tun-nocsum', [], 'tun-nocsum', 'server-option', 'tunnel without checksum'),
  option('tun-csum', [], 'tun-csum', 'server-option', 'tunnel with checksum'),
  option('tun-remcsum', [], 'tun-remcsum', 'server-option', 'tunnel with remote checksum offload'),
  option('weight', ['w'], 'weight', 'server-option', 'relative capacity of the real server, 0..2147483647', 'weight'),
  option('u-threshold', ['x'], 'u-threshold', 'server-option', 'upper limit of connections to the real server', 'uthreshold'),
  option('l-threshold', ['y'], 'l-threshold', 'server-option', 'lower limit of connections to the real server', 'lthreshold'),

  option('numeric', ['n'], 'numeric', 'list-option', 'do not resolve addresses and ports to names'),
  option('connection', ['c'], 'connection', 'list-option', 'list the connection table'),
  option('timeout', [], 'timeout', 'list-option', 'list the TCP, TCP FIN and UDP timeouts'),
  option('daemon', [], 'daemon', 'list-option', 'list the synchronisation daemons'),
  option('stats', [], 'stats', 'list-option', 'list counters'),
  option('rate', [], 'rate', 'list-option', 'list rates'),
  option('thresholds', [], 'thresholds', 'list-option', 'list connection thresholds'),
  option('persistent-conn', [], 'persistent-conn', 'list-option', 'list persistent connection counts'),
  option('tun-info', [], 'tun-info', 'list-option', 'list tunnel settings'),
  { ...option('exact', ['X'], 'exact', 'list-option', 'print counters and rates without K/M abbreviation'), hiddenShort: ['X'] },
  option('nosort', [], 'nosort', 'list-option', 'keep the kernel order instead of sorting'),
  option('sort', [], undefined, 'list-option', 'accepted and ignored (sorting is the default)'),

  option('syncid', [], 'syncid', 'daemon-option', 'synchronisation id, 0..255 (default 0)', 'id'),
  option('sync-maxlen', [], 'sync-maxlen', 'daemon-option', 'largest sync message, 1..65507 bytes (kernel default from the MTU)', 'length'),
  option('mcast-interface', [], 'mcast-interface', 'daemon-option', 'interface for the sync traffic (default eth0)', 'interface'),
  option('mcast-group', [], 'mcast-group', 'daemon-option', 'IPv4 or IPv6 multicast group (kernel default 224.0.0.81)', 'address'),
  option('mcast-port', [], 'mcast-port', 'daemon-option', 'UDP port of the sync traffic (kernel default 8848)', 'port'),
  option('mcast-ttl', [], 'mcast-ttl', 'daemon-option', 'multicast TTL, 1..255 (kernel default 1)', 'ttl'),
];

/**
 * Long options of ours on classic command lines. 1.31 refuses them, so no
 * command line it accepts changes meaning; -h leaves them out, as 1.31's
 * help does, and ipvsadm(8) documents them apart.
 */
export const EXTENSION_FLAGS: readonly OptionSpec[] = [
  option('json', [], 'json', 'list-option', 'print the listing, the save or any error as JSON'),
];

/** What the tokenizer knows: 1.31's options and ours. */
export const ALL_OPTIONS: readonly OptionSpec[] = [...OPTIONS, ...EXTENSION_FLAGS];
