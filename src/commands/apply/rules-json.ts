/**
 * A rules file in JSON, as `ipvsadm -S --json` writes it (schema in
 * ipvsadm(8), JSON OUTPUT; `-L --json` is read too, its counters ignored).
 * Each service and each real server becomes the words of the `-A` or `-a`
 * line that says the same, with the line of its object, so the classic
 * parser checks every value exactly as it checks a text file and the
 * messages are the same. Only the JSON's own problems (syntax, types,
 * unknown or missing keys) are found here, with the key's path.
 */
import { readJson, JsonSyntaxError, type JsonNode } from '../../json/read';
import type { RuleLine, RuleProblem } from './rules';

type JsonObjectNode = Extract<JsonNode, { kind: 'object' }>;

/** Keys a live listing has and a rules file does not set: read and ignored. */
const LIVE_SERVICE_KEYS = new Set(['flags', 'stats', 'rate']);
const LIVE_SERVER_KEYS = new Set(['activeConns', 'inactiveConns', 'persistentConns', 'stats', 'rate']);
const SERVICE_KEYS = new Set([
  'family', 'protocol', 'address', 'port', 'fwmark', 'scheduler', 'schedulerFlags', 'onePacket', 'persistent', 'pe', 'realServers',
]);
const SERVER_KEYS = new Set(['family', 'address', 'port', 'forwarding', 'weight', 'upperThreshold', 'lowerThreshold', 'tunnel']);

const PROTOCOL_SWITCHES: Record<string, string> = { tcp: '-t', udp: '-u', sctp: '--sctp-service' };
const FORWARDING_SWITCHES: Record<string, string> = { masq: '-m', route: '-g', local: '-g', tunnel: '-i' };

/** A problem found in the JSON itself; thrown to end the object it is in. */
class Problem extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const describe = (n: JsonNode): string =>
  n.kind === 'string' ? `"${n.value}"` : n.kind === 'number' ? n.text : n.kind === 'boolean' ? String(n.value) : n.kind === 'null' ? 'null' : `an ${n.kind}`;

class Fields {
  constructor(
    private readonly node: JsonObjectNode,
    private readonly path: string,
    known: ReadonlySet<string>,
    ignored: ReadonlySet<string>,
  ) {
    for (const [key, value] of node.entries) {
      if (!known.has(key) && !ignored.has(key)) throw new Problem(value.line, `${path}: unknown key "${key}"`);
    }
  }

  private fail(n: JsonNode, key: string, want: string): never {
    throw new Problem(n.line, `${this.path}.${key}: expected ${want}, found ${describe(n)}`);
  }

  /** The value of a key, or undefined when it is absent or null. */
  get(key: string): JsonNode | undefined {
    const n = this.node.entries.get(key);
    return n === undefined || n.kind === 'null' ? undefined : n;
  }

  required(key: string): JsonNode {
    const n = this.get(key);
    if (n === undefined) throw new Problem(this.node.line, `${this.path}: "${key}" is missing`);
    return n;
  }

  string(key: string, n = this.get(key)): string | undefined {
    if (n === undefined) return undefined;
    if (n.kind !== 'string') this.fail(n, key, 'a string');
    return n.value;
  }

  /** An integer, as its text (the classic parser checks its range). */
  integer(key: string, n = this.get(key)): string | undefined {
    if (n === undefined) return undefined;
    if (n.kind !== 'number' || !/^-?[0-9]+$/.test(n.text)) this.fail(n, key, 'an integer');
    return n.text;
  }

  boolean(key: string): boolean {
    const n = this.get(key);
    if (n === undefined) return false;
    if (n.kind !== 'boolean') this.fail(n, key, 'true or false');
    return n.value;
  }

  object(key: string, known: ReadonlySet<string>): Fields | undefined {
    const n = this.get(key);
    if (n === undefined) return undefined;
    if (n.kind !== 'object') this.fail(n, key, 'an object');
    return new Fields(n, `${this.path}.${key}`, known, new Set());
  }

  array(key: string): JsonNode[] {
    const n = this.get(key);
    if (n === undefined) return [];
    if (n.kind !== 'array') this.fail(n, key, 'an array');
    return n.items;
  }

  word(key: string, words: Record<string, string>): string | undefined {
    const w = this.string(key);
    if (w !== undefined && !(w in words)) {
      throw new Problem(this.required(key).line, `${this.path}.${key}: "${w}" is not one of ${Object.keys(words).join(', ')}`);
    }
    return w === undefined ? undefined : words[w];
  }
}

function objectAt(n: JsonNode, path: string): JsonObjectNode {
  if (n.kind !== 'object') throw new Problem(n.line, `${path}: expected an object, found ${describe(n)}`);
  return n;
}

/** `-t 10.0.0.1:80`, `-f 7 -6` and the like: the service's identity as options. */
function serviceOptions(f: Fields, path: string, line: number): string[] {
  const fwmark = f.integer('fwmark');
  const family = f.word('family', { inet: 'inet', inet6: 'inet6' });
  if (fwmark !== undefined) {
    for (const key of ['protocol', 'address', 'port']) {
      if (f.get(key) !== undefined) throw new Problem(line, `${path}: a firewall-mark service has no ${key}`);
    }
    return ['-f', fwmark, ...(family === 'inet6' ? ['-6'] : [])];
  }
  f.required('protocol');
  const protocol = f.word('protocol', PROTOCOL_SWITCHES)!;
  const address = f.string('address', f.required('address'))!;
  const port = f.integer('port', f.required('port'))!;
  const v6 = address.includes(':');
  if (family !== undefined && (family === 'inet6') !== v6) throw new Problem(line, `${path}: the address is not ${family}`);
  return [protocol, v6 ? `[${address}]:${port}` : `${address}:${port}`];
}

function serviceWords(f: Fields, id: string[]): string[] {
  const words = ['-A', ...id];
  const scheduler = f.string('scheduler');
  if (scheduler !== undefined) words.push('-s', scheduler);
  const flags = f.array('schedulerFlags').map((n) => f.string('schedulerFlags', n)!);
  if (flags.length > 0) words.push('-b', flags.join(','));
  if (f.boolean('onePacket')) words.push('-o');
  const persistent = f.object('persistent', new Set(['timeout', 'netmask']));
  if (persistent !== undefined) {
    words.push('-p', persistent.integer('timeout', persistent.required('timeout'))!);
    const mask = persistent.get('netmask');
    if (mask !== undefined) words.push('-M', mask.kind === 'number' ? persistent.integer('netmask', mask)! : persistent.string('netmask', mask)!);
  }
  const pe = f.string('pe');
  if (pe !== undefined) words.push('--pe', pe);
  return words;
}

function serverWords(f: Fields, id: string[], path: string, line: number): string[] {
  const address = f.string('address', f.required('address'))!;
  const port = f.integer('port', f.required('port'))!;
  const family = f.word('family', { inet: 'inet', inet6: 'inet6' });
  const v6 = address.includes(':');
  if (family !== undefined && (family === 'inet6') !== v6) throw new Problem(line, `${path}: the address is not ${family}`);
  const words = ['-a', ...id, '-r', v6 ? `[${address}]:${port}` : `${address}:${port}`];
  const forwarding = f.word('forwarding', FORWARDING_SWITCHES);
  if (forwarding !== undefined) words.push(forwarding);
  const weight = f.integer('weight');
  if (weight !== undefined) words.push('-w', weight);
  const upper = f.integer('upperThreshold');
  if (upper !== undefined) words.push('-x', upper);
  const lower = f.integer('lowerThreshold');
  if (lower !== undefined) words.push('-y', lower);
  const tunnel = f.object('tunnel', new Set(['type', 'port', 'checksum']));
  if (tunnel !== undefined) {
    const type = tunnel.string('type', tunnel.required('type'))!;
    words.push('--tun-type', type);
    // A listing gives every tunnel a port and a checksum; only GUE has a port and ipip neither.
    const tunnelPort = tunnel.integer('port');
    if (tunnelPort !== undefined && (type === 'gue' || tunnelPort !== '0')) words.push('--tun-port', tunnelPort);
    const checksum = tunnel.string('checksum');
    if (checksum !== undefined && (type !== 'ipip' || checksum !== 'nocsum')) words.push(`--tun-${checksum}`);
  }
  return words;
}

/** The rule lines of a JSON rules file, or the problems that keep it from being read. */
export function jsonRuleLines(text: string): { rules: RuleLine[]; problems: RuleProblem[] } {
  let root: JsonNode;
  try {
    root = readJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { rules: [], problems: [{ line: error.line, message: `not valid JSON: ${error.message}` }] };
  }
  const rules: RuleLine[] = [];
  const problems: RuleProblem[] = [];
  const attempt = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      problems.push({ line: error.line, message: error.message });
    }
  };
  attempt(() => {
    const top = new Fields(objectAt(root, 'the document'), 'the document', new Set(['services']), new Set(['ipvs']));
    top.required('services');
    top.array('services').forEach((node, i) => {
      const path = `services[${i}]`;
      attempt(() => {
        const service = new Fields(objectAt(node, path), path, SERVICE_KEYS, LIVE_SERVICE_KEYS);
        const id = serviceOptions(service, path, node.line);
        rules.push({ words: serviceWords(service, id), line: node.line });
        service.array('realServers').forEach((serverNode, j) => {
          const serverPath = `${path}.realServers[${j}]`;
          attempt(() => {
            const server = new Fields(objectAt(serverNode, serverPath), serverPath, SERVER_KEYS, LIVE_SERVER_KEYS);
            rules.push({ words: serverWords(server, id, serverPath, serverNode.line), line: serverNode.line });
          });
        });
      });
    });
  });
  return { rules, problems };
}
