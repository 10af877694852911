/**
 * Where each kind of real server puts its VIPs, which module makes that
 * device, and the sysctls it needs, as the LVS guides describe them.
 */
import { AF_INET, AF_INET6 } from '../ipvs/types';
import type { SetupInvocation, TunnelType, Vip } from './types';

/** A device that carries VIPs, and the module that creates it when it is missing. */
export interface Target {
  device: string;
  /** undefined: always there (lo). */
  module?: string;
  vips: Vip[];
}

/** The fallback device of each tunnel type, per family (the kernel creates it when the module loads). */
const TUNNEL_DEVICES: Record<TunnelType, { v4: { device: string; module: string }; v6?: { device: string; module: string } }> = {
  ipip: { v4: { device: 'tunl0', module: 'ipip' }, v6: { device: 'ip6tnl0', module: 'ip6_tunnel' } },
  // GUE packets are decapsulated by fou and handed to the IPIP handler: tunl0 receives them.
  gue: { v4: { device: 'tunl0', module: 'ipip' } },
  gre: { v4: { device: 'gre0', module: 'ip_gre' } },
};

export const FOU_MODULE = 'fou';

/** Tunnel types that take IPv6 VIPs. */
export function tunnelTakesIPv6(type: TunnelType): boolean {
  return TUNNEL_DEVICES[type].v6 !== undefined;
}

export function targets(inv: SetupInvocation): Target[] {
  const v4 = inv.vips.filter((v) => v.family === AF_INET);
  const v6 = inv.vips.filter((v) => v.family === AF_INET6);
  if (inv.mode === 'dr') return [{ device: 'lo', vips: [...v4, ...v6] }];
  const devices = TUNNEL_DEVICES[inv.tunnel];
  const out: Target[] = [];
  if (v4.length) out.push({ ...devices.v4, vips: v4 });
  if (v6.length) {
    if (!devices.v6) throw new RangeError(`tun --type ${inv.tunnel} takes no IPv6 VIPs`);
    out.push({ ...devices.v6, vips: v6 });
  }
  return out;
}

export const hostPrefixLength = (family: number): number => (family === AF_INET6 ? 128 : 32);

export function sysctlName(device: string, key: string): string {
  return `net.ipv4.conf.${device}.${key}`;
}

/**
 * The sysctls and their values, in the order they are set. IPv4 VIPs only:
 * neighbour discovery answers only for addresses of the interface asked, and
 * IPv6 has no reverse-path filter sysctl.
 *  - arp_ignore=1, arp_announce=2 on `all` and on the VIP's device: the real
 *    server neither answers ARP for the VIP nor uses it as an ARP source (the
 *    kernel takes the larger of `all` and the device's value).
 *  - TUN: rp_filter=0 on `all` and on the tunnel: decapsulated packets come
 *    in on the tunnel from clients routed elsewhere (the kernel takes the
 *    larger of the two values, so both must be 0).
 */
export function requiredSysctls(inv: SetupInvocation): Array<[name: string, value: string]> {
  const out: Array<[string, string]> = [];
  for (const t of targets(inv)) {
    if (!t.vips.some((v) => v.family === AF_INET)) continue;
    for (const device of ['all', t.device]) {
      out.push([sysctlName(device, 'arp_ignore'), '1'], [sysctlName(device, 'arp_announce'), '2']);
    }
    if (inv.mode === 'tun') out.push([sysctlName('all', 'rp_filter'), '0'], [sysctlName(t.device, 'rp_filter'), '0']);
  }
  const seen = new Set<string>();
  return out.filter(([name]) => !seen.has(name) && seen.add(name));
}
