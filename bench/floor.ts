// The floors of the benchmarks (issue 10): what no client can beat on this
// kernel, measured by bench/floor/floor.c, built here with the C compiler
// of the lab. A listing's floor is the same dumps read by a client that
// decodes nothing; a restore's floor is the same requests, encoded
// beforehand by our own encoder, written and acknowledged by a client that
// does nothing else.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fastRule } from '../src/commands/apply/fast-rules';
import type { Change } from '../src/ipvs/change';
import { serviceKey } from '../src/ipvs/types';
import { encodeChange } from '../src/netlink/changes';
import { IPVS_GENL_VERSION, NLM_F_ACK, NLM_F_REQUEST } from '../src/netlink/constants';
import { encodeGenlMessage } from '../src/netlink/message';
import { REPO } from './common';
import type { Command } from './measure';

const SOURCE = path.join(REPO, 'bench', 'floor', 'floor.c');

/** Compiles floor.c into `dir`; throws with the compiler's words when it fails. */
export function buildFloor(dir: string): string {
  const out = path.join(dir, 'floor');
  const r = spawnSync('cc', ['-O2', '-Wall', '-o', out, SOURCE], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`cc ${SOURCE} failed: ${r.error?.message ?? r.stderr.trim()}`);
  return out;
}

export const floorDump = (floor: string): Command => ({ label: 'floor dump', argv: [floor, 'dump'] });
export const floorSend = (floor: string, file: string): Command => ({ label: 'floor send', argv: [floor, 'send', file] });

/** What `floor dump` reports: the table it read and what that took. */
export interface DumpFloorReport {
  services: number;
  destinations: number;
  datagrams: number;
}

export function parseDumpReport(stdout: string): DumpFloorReport {
  const m = /^services (\d+) destinations (\d+) bytes \d+ datagrams (\d+) us \d+$/m.exec(stdout);
  if (!m) throw new Error(`floor dump printed ${JSON.stringify(stdout.slice(0, 200))}`);
  return { services: Number(m[1]), destinations: Number(m[2]), datagrams: Number(m[3]) };
}

/** What `floor send` reports. */
export interface SendFloorReport {
  messages: number;
  errors: number;
}

export function parseSendReport(stdout: string): SendFloorReport {
  const m = /^messages (\d+) errors (\d+) writes \d+ datagrams \d+ us \d+$/m.exec(stdout);
  if (!m) throw new Error(`floor send printed ${JSON.stringify(stdout.slice(0, 200))}`);
  return { messages: Number(m[1]), errors: Number(m[2]) };
}

/**
 * The requests of a restore file in the canonical form `-S -n` writes, as the
 * netlink messages our client sends for them (NLM_F_ACK; type 0 stands for
 * the IPVS family, which floor.c resolves), one after the other.
 */
export function preEncodedRestore(text: string): Buffer {
  const parts: Buffer[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const rule = fastRule(line);
    if (rule === undefined) throw new Error(`not a canonical restore line: ${line}`);
    const change: Change =
      rule.command === 'add-service'
        ? { kind: 'add-service', service: rule.service }
        : { kind: 'add-server', service: serviceKey(rule.service), destination: rule.destination };
    const req = encodeChange(change);
    parts.push(encodeGenlMessage({ type: 0, flags: NLM_F_REQUEST | NLM_F_ACK, seq: 0 }, req.cmd, IPVS_GENL_VERSION, req.attributes));
  }
  return Buffer.concat(parts);
}

/** Writes preEncodedRestore(text) to `file`. */
export function writePreEncoded(text: string, file: string): void {
  fs.writeFileSync(file, preEncodedRestore(text));
}
