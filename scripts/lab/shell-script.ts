// The lab of `npm run lab`, as seen from inside: the cluster in a box
// (cluster/net.sh) with one NAT and one DR service on the VIP, programmed by
// this project's ipvsadm, and the init script of the UML guest that builds it
// and then runs a shell or one command on the client c.
//
// Why the client: VS/DR cannot answer the director itself (a real server
// answers from the VIP, which the director owns), so the one place where
// `curl http://VIP/` works for both services is a client. `ipvsadm` there is
// a wrapper that runs bin/ipvsadm in the director d1, whose table it is.
//
// Everything the guest writes stays in the private directory $T (the guest's
// / is the host's, read-write) or in its own tmpfs on /run.
import * as fs from 'fs';
import * as path from 'path';
import { NSSWITCH_CONF } from './environment';
import { BIND_PRIVATE, shellQuote, umlSetupCommands } from './script';

export const LAB_VIP = '10.0.0.100';
export const DIRECTOR = 'd1';
export const CLIENT = 'c';
export const NODES = ['c', 'r', 'd1', 's1', 's2', 's3', 'lan'] as const;
export const REAL_SERVERS = [1, 2, 3] as const;

export interface LabService {
  port: number;
  method: 'NAT' | 'DR';
  /** ipvsadm's forwarding option. */
  flag: '-m' | '-g';
  /** Real server N's address and port for this service. */
  server(n: number): string;
}

/** Real servers are addressed on 10.2.0.0/24 for NAT and on the LAN for DR (see cluster/net.sh). */
export const LAB_SERVICES: readonly LabService[] = [
  { port: 80, method: 'NAT', flag: '-m', server: (n) => `10.2.0.1${n}:80` },
  { port: 8080, method: 'DR', flag: '-g', server: (n) => `10.0.0.1${n}:8080` },
];

/** The table, as one `ipvsadm -R` input. */
export function labRules(): string {
  const lines: string[] = [];
  for (const s of LAB_SERVICES) {
    lines.push(`-A -t ${LAB_VIP}:${s.port} -s rr`);
    for (const n of REAL_SERVERS) lines.push(`-a -t ${LAB_VIP}:${s.port} -r ${s.server(n)} ${s.flag}`);
  }
  return lines.join('\n') + '\n';
}

/** Names for the listings without -n; anything else fails at once (no DNS in the lab). */
export const LAB_HOSTS = [
  '127.0.0.1 localhost',
  `${LAB_VIP} vip`,
  '172.16.0.10 c',
  '172.16.0.1 r',
  '10.0.0.1 r',
  '10.0.0.2 d1',
  ...REAL_SERVERS.flatMap((n) => [`10.0.0.1${n} s${n}`, `10.2.0.1${n} s${n}-nat`]),
  '',
].join('\n');

export function labBanner(): string {
  const servers = (s: LabService) => REAL_SERVERS.map((n) => s.server(n)).join(' ');
  return [
    'ipvsadm-ts lab: Linux with IPVS (User-Mode Linux), the cluster of cluster/net.sh.',
    `You are on the client c (172.16.0.10). The director d1 holds the VIP ${LAB_VIP}:`,
    ...LAB_SERVICES.map((s) => `  TCP ${`${LAB_VIP}:${s.port}`.padEnd(16)} ${s.method.padEnd(3)} (${s.flag})  rr over ${servers(s)}`),
    `Try:  curl http://${LAB_VIP}/    curl http://${LAB_VIP}:8080/    ipvsadm -L -n --stats`,
    'ipvsadm, ipvsadm-save, ipvsadm-restore: this project\'s bin/, acting on d1\'s table.',
    `on NODE [COMMAND...]: COMMAND (or a shell) on ${NODES.filter((n) => n !== 'lan').join(' ')}`,
    '  (the real ipvsadm 1.31: on d1 /usr/sbin/ipvsadm -L -n).',
    'Files are the host\'s, read-write. exit: power the lab off.',
    '',
  ].join('\n');
}

/** Files of the private directory, relative to it. */
export const SHELL_FILES = {
  script: 'lab.sh',
  /** Output of building the lab. */
  log: 'log',
  /** The guest console (command mode). */
  console: 'console',
  /** Appears once the cluster is up and programmed. */
  ready: 'ready',
  /** Exit status of the shell or the command. */
  rc: 'rc',
  out: 'out',
  err: 'err',
  /** The host's stdin for the command, complete once stdinDone exists. */
  stdin: 'stdin',
  stdinDone: 'stdin.done',
  /** "ROWS COLS" of the host's terminal, replaced on every resize. */
  winsize: 'winsize',
  rules: 'rules',
  banner: 'banner',
  bashrc: 'bashrc',
  hosts: 'hosts',
  resolv: 'resolv.conf',
  nsswitch: 'nsswitch.conf',
  /** Programs first on PATH: the ipvsadm wrappers and `on`. */
  bin: 'bin',
  /** Each node's /run/ipvsadm-realserver, in a directory named after it. */
  nodeRun: 'node-run',
} as const;

export type ShellRun =
  | { kind: 'interactive' }
  /** `stdin: 'file'`: the command reads SHELL_FILES.stdin once the host has written all of it. */
  | { kind: 'command'; argv: readonly string[]; stdin: 'null' | 'file' };

export interface ShellLabOptions {
  dir: string;
  repo: string;
  /** Directory the shell or command starts in (the host's working directory). */
  cwd: string;
  run: ShellRun;
  /** The node the programs run with; default: the one running us. */
  node?: string;
  term?: string;
}

const PROGRAMS = ['ipvsadm', 'ipvsadm-save', 'ipvsadm-restore'] as const;

/** `NAME ARGS...` of this project, in the director's table. */
function programWrapper(repo: string, name: string): string {
  return [
    '#!/bin/sh',
    `# ${name} of this project (bin/${name}), acting on the director's IPVS table.`,
    `exec nsenter --net=/run/netns/${DIRECTOR} -- ${shellQuote(path.join(repo, 'bin', name))} "$@"`,
    '',
  ].join('\n');
}

function onHelper(dir: string): string {
  const q = shellQuote;
  return [
    '#!/bin/sh',
    '# on NODE [COMMAND...]: COMMAND, or an interactive shell, in the network namespace of NODE.',
    `[ $# -ge 1 ] || { echo "usage: on NODE [COMMAND...]   (NODE: ${NODES.join(' ')})" >&2; exit 2; }`,
    'node=$1',
    'shift',
    `[ -e "/run/netns/$node" ] || { echo "on: no node '$node' (${NODES.join(' ')})" >&2; exit 2; }`,
    `[ $# -gt 0 ] || set -- bash --rcfile ${q(path.join(dir, SHELL_FILES.bashrc))} -i`,
    // Each node is a machine of its own, with a /run/ipvsadm-realserver of its
    // own (where ipvsadm-realserver records what it changed); the guest's /run
    // is one for all of them.
    `state=${q(path.join(dir, SHELL_FILES.nodeRun))}/$node`,
    'mkdir -p "$state" /run/ipvsadm-realserver || exit 1',
    'LAB_NODE=$node exec nsenter --net="/run/netns/$node" -- unshare -m sh -c \'mount --bind "$0" /run/ipvsadm-realserver && exec "$@"\' "$state" "$@"',
    '',
  ].join('\n');
}

const BASHRC = [
  '# The lab shell: the prompt names the node.',
  "PS1='lab:$LAB_NODE \\W# '",
  '',
].join('\n');

export function shellLabScript(o: ShellLabOptions): string {
  const q = shellQuote;
  const node = o.node ?? process.execPath;
  const f = (name: keyof typeof SHELL_FILES) => `"$T/${SHELL_FILES[name]}"`;
  const intoClient = `nsenter --net=/run/netns/${CLIENT} --`;
  const lines = [
    '#!/bin/sh',
    '# Generated by scripts/lab/shell-script.ts: the guest of `npm run lab`.',
    `T=${q(o.dir)}`,
    `export PATH="$T/${SHELL_FILES.bin}":${q(path.join(o.repo, 'bin'))}:${q(path.dirname(node))}:/usr/sbin:/usr/bin:/sbin:/bin`,
    `export HOME="$T/home" TMPDIR="$T/tmp" LANG=C.UTF-8 TERM=${q(o.term ?? 'dumb')} LAB_NODE=${CLIENT}`,
    'mkdir -p "$HOME" "$TMPDIR"',
    '',
    ...BIND_PRIVATE,
    '',
    'setup() {',
    ...umlSetupCommands().map((c) => `  ${c}`),
    // A private /run: the cluster's namespaces live there, not on the host.
    '  mount -t tmpfs tmpfs /run && mkdir -p /run/netns || return 1',
    `  bind_private ${f('hosts')} /etc/hosts || return 1`,
    `  bind_private ${f('nsswitch')} /etc/nsswitch.conf || return 1`,
    `  bind_private ${f('resolv')} /etc/resolv.conf || echo "lab: warning: /etc/resolv.conf not replaced" >&2`,
    // The servers live a day: the lab lasts as long as its shell.
    `  sh ${q(path.join(o.repo, 'cluster', 'net.sh'))} up '' "$T/cluster" 1 86400 || return 1`,
    `  for n in ${REAL_SERVERS.join(' ')}; do`,
    `    on s$n ipvsadm-realserver dr ${LAB_VIP} >/dev/null || return 1`,
    '  done',
    `  nsenter --net=/run/netns/${DIRECTOR} -- ${q(path.join(o.repo, 'bin', 'ipvsadm'))} -R < ${f('rules')} || return 1`,
    '}',
    '',
  ];
  if (o.run.kind === 'interactive') {
    lines.push(
      '# The size of the host\'s terminal, whenever the host writes a new one:',
      '# UML itself never sees a resize of a terminal it does not control.',
      'follow_winsize() {',
      '  last=',
      '  while :; do',
      `    if read -r size < ${f('winsize')} && [ "$size" != "$last" ]; then`,
      '      last=$size',
      '      set -- $size',
      '      stty -F /dev/tty0 rows "$1" cols "$2"',
      '    fi',
      '    sleep 0.3',
      '  done',
      '}',
      '',
      'run() {',
      // No kernel message on the user's terminal, not even the last words at
      // power-off (dmesg -D would still let KERN_EMERG through).
      '  echo 0 > /proc/sys/kernel/printk',
      '  follow_winsize 2>/dev/null &',
      '  watcher=$!',
      `  cat ${f('banner')} > /dev/tty0`,
      `  cd ${q(o.cwd)} 2>/dev/null || cd /`,
      `  setsid -c ${intoClient} bash --rcfile ${f('bashrc')} -i < /dev/tty0 > /dev/tty0 2>&1`,
      '  status=$?',
      '  kill $watcher',
      '  return $status',
      '}',
      '',
    );
  } else {
    const waitForStdin = o.run.stdin === 'file'
      ? [`  while [ ! -e ${f('stdinDone')} ]; do sleep 0.1; done`]
      : [];
    const input = o.run.stdin === 'file' ? f('stdin') : '/dev/null';
    lines.push(
      'run() {',
      ...waitForStdin,
      `  cd ${q(o.cwd)} 2>/dev/null || cd /`,
      `  ${intoClient} ${o.run.argv.map(q).join(' ')} < ${input} > ${f('out')} 2> ${f('err')}`,
      '}',
      '',
    );
  }
  lines.push(
    `if setup > ${f('log')} 2>&1; then`,
    `  : > ${f('ready')}`,
    '  run',
    `  echo $? > "$T/rc.part" && mv "$T/rc.part" ${f('rc')}`,
    'fi',
    'sync',
    'poweroff -f > /dev/null 2>&1',
    '',
  );
  return lines.join('\n');
}

/** Writes the script and every file it uses into `dir`; returns the script's path. */
export function writeShellLabFiles(o: ShellLabOptions): string {
  const write = (name: string, text: string, mode = 0o644) => fs.writeFileSync(path.join(o.dir, name), text, { mode });
  write(SHELL_FILES.rules, labRules());
  write(SHELL_FILES.banner, labBanner());
  write(SHELL_FILES.bashrc, BASHRC);
  write(SHELL_FILES.hosts, LAB_HOSTS);
  // A refused DNS server fails at once instead of waiting for timeouts.
  write(SHELL_FILES.resolv, 'nameserver 127.0.0.1\n');
  write(SHELL_FILES.nsswitch, NSSWITCH_CONF);
  fs.mkdirSync(path.join(o.dir, SHELL_FILES.bin));
  for (const name of PROGRAMS) write(path.join(SHELL_FILES.bin, name), programWrapper(o.repo, name), 0o755);
  write(path.join(SHELL_FILES.bin, 'on'), onHelper(o.dir), 0o755);
  const script = SHELL_FILES.script;
  write(script, shellLabScript(o), 0o755);
  return path.join(o.dir, script);
}
