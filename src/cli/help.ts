/**
 * Our own -h and -v texts (not ipvsadm's words). The option lists are built
 * from the registry so that help, parser and man pages cannot drift apart.
 */
import { formatIpvsVersion } from '../ipvs/vocabulary';
import { IP_VS_VERSION_CODE } from '../netlink/constants';
import { OPTIONS, OptionGroup, OptionSpec } from './options';

/** Kept equal to package.json's version (checked by a test). */
export const VERSION = '0.1.0';

export function versionText(): string {
  return `ipvsadm-ts ${VERSION} (ipvsadm 1.31 compatible, IPVS ${formatIpvsVersion(IP_VS_VERSION_CODE)} netlink interface)\n`;
}

const SECTIONS: ReadonlyArray<[OptionGroup, string]> = [
  ['command', 'Commands (exactly one, given first):'],
  ['service', 'Virtual service (<service> above):'],
  ['service-option', 'Virtual service options (-A, -E):'],
  ['server-option', 'Real server options (-a, -e; -d takes only -r):'],
  ['list-option', 'Listing options (-L; -S takes only -n):'],
  ['daemon-option', 'Sync daemon options (--start-daemon; --stop-daemon takes only --syncid):'],
];

/** "-L, -l, --list", "-p, --persistent [timeout]", "--set tcp tcpfin udp". */
export function optionSynopsis(spec: OptionSpec): string {
  const shorts = spec.short.filter((s) => !spec.hiddenShort?.includes(s)).map((s) => `-${s}`);
  const names = [...shorts, `--${spec.long}`].join(', ');
  if (spec.argument === undefined) return names;
  return spec.argKind === 'optional' ? `${names} [${spec.argument}]` : `${names} ${spec.argument}`;
}

function usageLines(argv0: string): string[] {
  return [
    `${argv0} -A|-E <service> [-s scheduler] [-p [timeout]] [-M netmask] [--pe engine] [-b flags] [-o]`,
    `${argv0} -D <service>`,
    `${argv0} -C`,
    `${argv0} -R`,
    `${argv0} -S [-n]`,
    `${argv0} -a|-e <service> -r server-address [-g|-i|-m] [-w weight] [-x upper] [-y lower] [tunnel options]`,
    `${argv0} -d <service> -r server-address`,
    `${argv0} -L|-l [<service>] [listing options]`,
    `${argv0} -Z [<service>]`,
    `${argv0} --set tcp tcpfin udp`,
    `${argv0} --start-daemon master|backup [sync daemon options]`,
    `${argv0} --stop-daemon master|backup [--syncid id]`,
    `${argv0} -h|-v`,
  ];
}

export function helpText(argv0: string): string {
  const out: string[] = [versionText().trimEnd(), '', 'Usage:', ...usageLines(argv0).map((l) => `  ${l}`), ''];
  out.push(
    '<service> is -t, -u or --sctp-service with host[:port] (an IPv6 host with a port',
    'goes in brackets: [2001:db8::1]:80), or -f with a firewall mark (add -6 for IPv6).',
    'Hosts and ports may be names; without a port, the port is 0.',
    '',
  );
  const width = Math.max(...OPTIONS.map((spec) => optionSynopsis(spec).length));
  for (const [group, title] of SECTIONS) {
    out.push(title);
    for (const spec of OPTIONS.filter((o) => o.group === group)) {
      out.push(`  ${optionSynopsis(spec).padEnd(width)}  ${spec.description}`);
    }
    out.push('');
  }
  out.push('Options may be given in short or long form; short ones can be grouped (-Ln).');
  return `${out.join('\n')}\n`;
}
