/**
 * The shipped systemd unit, read as systemd reads it, so tests can run its
 * commands without systemd: each Exec line's `/bin/sh -c '...'` script with
 * systemd's `$$` escapes undone.
 */
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';

/** Found from the sources or from dist/ alike. */
export const SERVICE_UNIT = path.join(repoRoot(__dirname), 'systemd', 'ipvsadm.service');

export type ExecKind = 'ExecStart' | 'ExecReload' | 'ExecStop';

/** The shell script of the unit's `kind` line. */
export function unitScript(kind: ExecKind): string {
  const line = fs.readFileSync(SERVICE_UNIT, 'utf8').split('\n').find((l) => l.startsWith(`${kind}=`));
  if (!line) throw new Error(`${SERVICE_UNIT} has no ${kind}=`);
  const m = /^\/bin\/sh -c '(.*)'$/.exec(line.slice(kind.length + 1));
  if (!m) throw new Error(`${kind} is not a /bin/sh -c '...' line`);
  return m[1].replace(/\$\$/g, '$');
}
