// What every kernel lab looks like from inside, whichever way it was built
// (UML guest or a fresh network namespace). Kernel tests import these to
// know what to expect; the launcher uses them to build the lab.

export type LabMode = 'uml' | 'netns';

/** Name data of the behaviour sheet, section 13.0, so name output is deterministic. */
export const HOSTS_FILE = [
  '127.0.0.1 localhost',
  '10.0.0.1 vip1.example.com vip1',
  '10.0.0.10 rs10.example.com',
  '10.0.0.11 rs11',
  '2001:db8::1 vip6.example.com',
  '2001:db8::10 rs6-10',
  '10.0.0.77 a-very-long-hostname-for-testing-truncation.example.com',
  '10.0.0.78 medium-length-name.example',
  '2001:db8::77 a-very-long-ipv6-hostname-for-testing-truncation.example.com',
  '',
].join('\n');

// A refused DNS server fails at once instead of waiting for timeouts.
export const RESOLV_CONF = 'nameserver 127.0.0.1\n';

// `hosts: files` as in the sheet; the rest keeps the usual sources.
export const NSSWITCH_CONF = [
  'passwd: files',
  'group: files',
  'shadow: files',
  'hosts: files',
  'networks: files',
  'protocols: files',
  'services: files',
  'ethers: files',
  'rpc: files',
  '',
].join('\n');

export const LAB_INTERFACE = 'd0';
export const LAB_IPV4 = '10.0.0.254/8';
export const LAB_IPV6 = '2001:db8::fe/64';

/**
 * Loaded up front in the UML guest: its kernel cannot autoload from the
 * host's /lib/modules. After IPVS: what the cluster in a box (cluster/net.sh)
 * needs: a bridge, the tunnels of VS/TUN (ipip, GUE over fou, GRE, and ip6_tunnel
 * for IPv6; each makes its fallback device in every namespace, which
 * ipvsadm-realserver configures), and
 * iptables' mangle table to mark packets for fwmark services (the guest's
 * nf_tables has no ip or inet family, so the lab uses iptables-legacy).
 */
export const UML_MODULES = [
  'ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_lc', 'ip_vs_wlc', 'ip_vs_lblc', 'ip_vs_lblcr',
  'ip_vs_dh', 'ip_vs_sh', 'ip_vs_sed', 'ip_vs_nq', 'ip_vs_fo', 'ip_vs_ovf', 'ip_vs_mh',
  'ip_vs_pe_sip', 'dummy', 'veth',
  'bridge', 'ipip', 'fou', 'ip_gre', 'ip6_tunnel', 'ip_tables', 'iptable_mangle', 'xt_mark', 'xt_tcpudp',
];

/** Shell commands (run as root inside the lab's network namespace) that create lo and d0. */
export function interfaceSetupCommands(ipPrefix = 'ip'): string[] {
  return [
    `${ipPrefix} link set lo up`,
    `${ipPrefix} link add ${LAB_INTERFACE} type dummy`,
    `${ipPrefix} link set ${LAB_INTERFACE} up`,
    `${ipPrefix} addr add ${LAB_IPV4} dev ${LAB_INTERFACE}`,
    `${ipPrefix} -6 addr add ${LAB_IPV6} dev ${LAB_INTERFACE} nodad`,
  ];
}

/** The lab a kernel test runs in; throws when run outside one, so a misrouted run fails loudly. */
export function currentLab(env: NodeJS.ProcessEnv = process.env): LabMode {
  const mode = env.IPVS_LAB;
  if (mode === 'uml' || mode === 'netns') return mode;
  throw new Error(
    `IPVS_LAB is ${mode === undefined ? 'not set' : `'${mode}'`}: kernel tests only run inside the kernel lab (npm test / node scripts/test.js)`,
  );
}

/** This run's slice of self-sharding suites: IPVS_LAB_SHARD=i/N, 1-based; whole set when unset. */
export function labShard(env: NodeJS.ProcessEnv = process.env): { index: number; count: number } {
  const raw = env.IPVS_LAB_SHARD;
  if (raw === undefined || raw === '') return { index: 1, count: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  if (!m) throw new Error(`IPVS_LAB_SHARD must look like i/N, got '${raw}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new Error(`IPVS_LAB_SHARD out of range: '${raw}'`);
  return { index, count };
}

/** Items of `all` that belong to the shard (round robin over a stable order). */
export function pickShard<T>(all: readonly T[], shard: { index: number; count: number }): T[] {
  return all.filter((_, i) => i % shard.count === shard.index - 1);
}
