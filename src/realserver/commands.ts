/**
 * Each change as the command line that makes the same change (`ip`,
 * `sysctl`, `modprobe`): what --dry-run prints, what a run reports, and what
 * an error names.
 */
import { AF_INET6 } from '../ipvs/types';
import type { Change } from './types';

export function commandText(c: Change): string {
  switch (c.kind) {
    case 'load-module':
      return `modprobe ${c.module}`;
    case 'link-up':
      return `ip link set dev ${c.device} up`;
    case 'link-down':
      return `ip link set dev ${c.device} down`;
    case 'add-address':
    case 'delete-address': {
      const v6 = c.family === AF_INET6;
      const verb = c.kind === 'add-address' ? 'add' : 'del';
      // The program adds IPv6 VIPs without duplicate address detection (see route-codec's noDad).
      const nodad = v6 && c.kind === 'add-address' ? ' nodad' : '';
      return `ip${v6 ? ' -6' : ''} addr ${verb} ${c.address}/${c.prefixLength} dev ${c.device}${nodad}`;
    }
    case 'sysctl':
      return `sysctl -w ${c.name}=${c.to}`;
    case 'add-fou':
      return `ip${c.family === AF_INET6 ? ' -6' : ''} fou add port ${c.port} gue`;
    case 'delete-fou':
      return `ip${c.family === AF_INET6 ? ' -6' : ''} fou del port ${c.port}`;
  }
}
