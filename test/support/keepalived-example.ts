/**
 * The shipped keepalived example (examples/keepalived), adapted to a test's
 * paths: the notify FIFO reader with its settings replaced, as an operator
 * edits them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';

/** Found from the sources or from dist/ alike. */
export const KEEPALIVED_EXAMPLE = path.join(repoRoot(__dirname), 'examples', 'keepalived');

export interface NotifySettings {
  ipvsadm: string;
  rules: string;
  lock: string;
  log: string;
}

/** The states ipvsadm-notify's log says it applied (its `DATE TIME STATE` lines), in order. */
export function statesLogged(log: string): string[] {
  return [...log.matchAll(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (\S+)$/gm)].map((m) => m[1]);
}

/** ipvsadm-notify with its settings lines set to `s`; throws if one of them is missing. */
export function notifyScript(s: NotifySettings): string {
  let script = fs.readFileSync(path.join(KEEPALIVED_EXAMPLE, 'ipvsadm-notify'), 'utf8');
  for (const [name, value] of [['IPVSADM', s.ipvsadm], ['RULES', s.rules], ['LOCK', s.lock], ['LOG', s.log]]) {
    const line = new RegExp(`^${name}=.*$`, 'm');
    if (!line.test(script)) throw new Error(`ipvsadm-notify has no ${name}= line`);
    script = script.replace(line, `${name}=${value}`);
  }
  return script;
}
