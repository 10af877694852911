/**
 * Real servers of the cluster prepared for VS/DR and VS/TUN, and put back.
 */
import { Cluster, SERVERS, VIP } from './cluster-lab';

export type RealServerMode = 'dr' | 'tun-ipip' | 'tun-gue' | 'tun-gre';

const DEVICE: Record<RealServerMode, string> = { dr: 'lo', 'tun-ipip': 'tunl0', 'tun-gue': 'tunl0', 'tun-gre': 'gre0' };

/** The VIP on each real server's device for `mode`, ARP and reverse-path settings as the LVS guides give them. */
export function prepareRealServers(c: Cluster, mode: RealServerMode): void {
  const dev = DEVICE[mode];
  for (const n of SERVERS) {
    const lines = [
      'sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2',
      `ip link set ${dev} up`,
      `ip addr add ${VIP}/32 dev ${dev}`,
    ];
    if (mode !== 'dr') lines.push(`sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.${dev}.rp_filter=0`);
    if (mode === 'tun-gue') lines.push('ip fou add port 6080 gue');
    c.sh(`s${n}`, lines.join(' && '));
  }
}

export function undoRealServers(c: Cluster, mode: RealServerMode): void {
  const dev = DEVICE[mode];
  for (const n of SERVERS) {
    const lines = [`ip addr del ${VIP}/32 dev ${dev}`, 'sysctl -qw net.ipv4.conf.all.arp_ignore=0 net.ipv4.conf.all.arp_announce=0'];
    if (mode === 'tun-gue') lines.push('ip fou del port 6080');
    c.sh(`s${n}`, lines.join(' && '));
  }
}
