// Generates the restore file of the listing and restore benchmarks: what
// `ipvsadm-save -n` prints for a realistic table of TCP virtual services on
// 10.x addresses, each with masqueraded real servers on 10.x addresses.

export interface TableShape {
  services: number;
  dests: number;
}

const HOSTS_PER_SUBNET = 250; // .1 to .250 of each /24: no .0 or .255 addresses
const HOSTS_PER_SECOND_OCTET = HOSTS_PER_SUBNET * 256;

/** Second octet where virtual addresses (10.1.0.1, ...) and real servers (10.64.0.1, ...) start. */
export const VIP_SECOND_OCTET = 1;
export const RIP_SECOND_OCTET = 64;

/** The index-th host address of 10.<secondOctet>.0.0 onward, skipping .0 and .251-.255. */
export function hostAddress(secondOctet: number, index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new Error(`bad host index ${index}`);
  const second = secondOctet + Math.floor(index / HOSTS_PER_SECOND_OCTET);
  const third = Math.floor(index / HOSTS_PER_SUBNET) % 256;
  const fourth = 1 + (index % HOSTS_PER_SUBNET);
  if (second > 255) throw new Error(`host index ${index} does not fit in 10.${secondOctet}.0.0 onward`);
  return `10.${second}.${third}.${fourth}`;
}

const SCHEDULERS = ['wlc', 'rr', 'wrr', 'lc'] as const;

/** The restore lines of service `i`: one -A and `dests` -a lines. */
export function serviceLines(i: number, dests: number): string[] {
  const vip = hostAddress(VIP_SECOND_OCTET, i);
  // Most services are plain web on :80; every fourth is :443 with persistence.
  const https = i % 4 === 3;
  const service = `-t ${vip}:${https ? 443 : 80}`;
  const scheduler = SCHEDULERS[i % SCHEDULERS.length];
  const lines = [`-A ${service} -s ${scheduler}${https ? ' -p 300' : ''}`];
  for (let j = 0; j < dests; j++) {
    const rip = hostAddress(RIP_SECOND_OCTET, i * dests + j);
    const weight = 1 + ((i + j) % 5);
    lines.push(`-a ${service} -r ${rip}:${https ? 8443 : 8080} -m -w ${weight}`);
  }
  return lines;
}

/** The whole file, newline-terminated; empty for zero services. */
export function restoreFile(shape: TableShape): string {
  if (!Number.isInteger(shape.services) || shape.services < 0) throw new Error(`bad service count ${shape.services}`);
  if (!Number.isInteger(shape.dests) || shape.dests < 0) throw new Error(`bad destination count ${shape.dests}`);
  const lines: string[] = [];
  for (let i = 0; i < shape.services; i++) lines.push(...serviceLines(i, shape.dests));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
