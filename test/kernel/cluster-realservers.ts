/**
 * Real servers of the cluster prepared for VS/DR and VS/TUN by this
 * project's ipvsadm-realserver, and put back with its --undo (each server
 * keeps its state in a directory of the cluster's).
 */
import * as path from 'path';
import { Cluster, REALSERVER, SERVERS, VIP, type Role } from './cluster-lab';
import { shellQuote } from './reload-lab';

export type RealServerMode = 'dr' | 'tun-ipip' | 'tun-gue' | 'tun-gre';

const WORDS: Record<RealServerMode, string> = {
  dr: 'dr',
  'tun-ipip': 'tun --type ipip',
  'tun-gue': 'tun --type gue --port 6080',
  'tun-gre': 'tun --type gre',
};

function realserver(c: Cluster, n: number, words: string): string {
  const state = shellQuote(path.join(c.dir, `realserver-s${n}`));
  return c.sh(`s${n}` as Role, `${shellQuote(REALSERVER)} --state-dir ${state} ${words}`);
}

/** The VIP on each real server's device for `mode`, with the ARP and reverse-path settings the LVS guides give. */
export function prepareRealServers(c: Cluster, mode: RealServerMode): void {
  for (const n of SERVERS) realserver(c, n, `${WORDS[mode]} ${VIP}`);
}

/** Each real server as it was before prepareRealServers. */
export function undoRealServers(c: Cluster): void {
  for (const n of SERVERS) realserver(c, n, '--undo');
}
