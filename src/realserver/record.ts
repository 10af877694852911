/**
 * The state file: what this program changed, so that --undo can revert
 * exactly that. One JSON file per state directory, `state.json`:
 *
 *   { "version": 1, "netns": "net:[4026531840]",
 *     "changes": [ { "kind": "sysctl", "name": "...", "from": "0", "to": "1" },
 *                  { "kind": "add-address", "device": "lo", ... }, ... ] }
 *
 * Changes are appended in the order they were made, run after run; the
 * network namespace they were made in is kept, because a state directory
 * under /run is shared by every namespace of the host.
 */
import { AF_INET, AF_INET6 } from '../ipvs/types';
import type { RecordedChange } from './types';

export const STATE_FILE = 'state.json';
const FORMAT_VERSION = 1;

export interface StateRecord {
  /** The network namespace the changes were made in (readlink /proc/self/ns/net), when known. */
  netns?: string;
  changes: RecordedChange[];
}

export class RecordError extends Error {
  override name = 'RecordError';
}

export function encodeRecord(r: StateRecord): string {
  return `${JSON.stringify({ version: FORMAT_VERSION, netns: r.netns, changes: r.changes }, null, 2)}\n`;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isFamily = (v: unknown): v is number => v === AF_INET || v === AF_INET6;
const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536;

function decodeChange(v: unknown, i: number): RecordedChange {
  const c = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const bad = () => new RecordError(`change ${i + 1} is not one this program records: ${JSON.stringify(v)}`);
  switch (c.kind) {
    case 'link-up':
      if (!isString(c.device)) throw bad();
      return { kind: 'link-up', device: c.device };
    case 'add-address':
      if (!isString(c.device) || !isFamily(c.family) || !isString(c.address) || !Number.isInteger(c.prefixLength)) throw bad();
      return { kind: 'add-address', device: c.device, family: c.family, address: c.address, prefixLength: c.prefixLength as number };
    case 'sysctl':
      if (!isString(c.name) || !isString(c.to) || !(c.from === undefined || isString(c.from))) throw bad();
      return { kind: 'sysctl', name: c.name, from: c.from, to: c.to };
    case 'add-fou':
      if (!isPort(c.port) || !isFamily(c.family)) throw bad();
      return { kind: 'add-fou', port: c.port, family: c.family };
    default:
      throw bad();
  }
}

export function decodeRecord(text: string): StateRecord {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new RecordError(`not JSON (${(e as Error).message})`);
  }
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  if (d.version !== FORMAT_VERSION) throw new RecordError(`format version ${JSON.stringify(d.version)}, expected ${FORMAT_VERSION}`);
  if (!Array.isArray(d.changes)) throw new RecordError('no list of changes');
  if (d.netns !== undefined && !isString(d.netns)) throw new RecordError('netns is not a string');
  return { netns: d.netns, changes: d.changes.map(decodeChange) };
}
