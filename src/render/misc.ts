/** The small listings: `-L --timeout` and `-L --daemon`. */
import type { Daemon, Timeouts } from '../ipvs/types';
import { IP_VS_STATE_BACKUP, IP_VS_STATE_MASTER } from '../ipvs/types';

/** `Timeout (tcp tcpfin udp): a b c`, newline-terminated. */
export function renderTimeouts(timeouts: Required<Timeouts>): string {
  return `Timeout (tcp tcpfin udp): ${timeouts.tcp | 0} ${timeouts.tcpFin | 0} ${timeouts.udp | 0}\n`;
}

function daemonLine(kind: string, d: Daemon): string {
  let line = `${kind} sync daemon (mcast=${d.mcastIfn}, syncid=${d.syncId | 0}`;
  // Old kernels send none of these; the kernel's zero means "not set" too.
  if (d.syncMaxlen) line += `, maxlen=${d.syncMaxlen >>> 0}`;
  if (d.mcastGroup) line += `, group=${d.mcastGroup}`;
  if (d.mcastPort) line += `, port=${d.mcastPort}`;
  if (d.mcastTtl) line += `, ttl=${d.mcastTtl}`;
  return line + ')\n';
}

/** One line per running daemon, in the given (kernel) order; '' when none runs. */
export function renderDaemons(daemons: readonly Daemon[]): string {
  const out: string[] = [];
  for (const d of daemons) {
    if (d.state & IP_VS_STATE_MASTER) out.push(daemonLine('master', d));
    if (d.state & IP_VS_STATE_BACKUP) out.push(daemonLine('backup', d));
  }
  return out.join('');
}
