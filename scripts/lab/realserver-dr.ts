// Prepares a real server for VS/DR, as the LVS guides do: the VIP on lo, and
// the server neither answers ARP for it nor announces it.
//
// A stand-in: bin/ipvsadm-realserver (being written separately) does
// exactly this as `ipvsadm-realserver dr VIP`. Once it is merged, the body
// below becomes `${repo}/bin/ipvsadm-realserver dr ${vip}`; nothing else in
// the lab changes.

/** One shell command, run inside a real server's network namespace. */
export function drRealServerCommand(vip: string): string {
  return [
    'sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2',
    `ip addr add ${vip}/32 dev lo`,
  ].join(' && ');
}
