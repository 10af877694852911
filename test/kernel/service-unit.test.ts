// The shipped unit's commands (systemd/ipvsadm.service) on a real IPVS: start
// applies the rules file, reload applies a changed one without a flush, stop
// saves or clears on request. Run with /bin/sh as systemd would, with our
// bin/ipvsadm; the real ipvsadm checks the table.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { unitScript, type ExecKind } from '../support/service-unit';
import { requireLab } from './client-lab';

requireLab();

const OURS = path.join(repoRoot(__dirname), 'bin', 'ipvsadm');
const REAL = '/usr/sbin/ipvsadm';

function real(...args: string[]): string {
  const r = spawnSync(REAL, args, { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout;
}

let dir: string;
let rules: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unit-lab-'));
  rules = path.join(dir, 'ipvsadm.rules');
  real('-C');
});
afterAll(() => {
  real('-C');
  fs.rmSync(dir, { recursive: true, force: true });
});

function runUnit(kind: ExecKind, env: Record<string, string> = {}) {
  const r = spawnSync('/bin/sh', ['-c', unitScript(kind)], {
    env: { PATH: process.env.PATH, IPVSADM: OURS, IPVSADM_RULES: rules, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const FIRST = '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m -w 1\n-A -u 10.0.0.1:53 -s wlc\n';
const SECOND = '-A -t 10.0.0.1:80 -s wrr\n-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m -w 3\n-a -t 10.0.0.1:80 -r 10.0.0.12:80 -m -w 1\n';

/** What `ipvsadm diff` of the rules file says an apply would do now. */
function pending(): string {
  const r = spawnSync(process.execPath, [OURS, 'diff', rules], { encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  return r.stdout;
}

test('start applies the rules file; reload applies the changed file in place; both log what they changed', () => {
  fs.writeFileSync(rules, FIRST);
  const toStart = pending();
  expect(toStart).not.toBe('');
  expect(runUnit('ExecStart')).toEqual({ status: 0, stdout: toStart, stderr: '' });
  expect(real('-S', '-n')).toBe(FIRST);
  fs.writeFileSync(rules, SECOND);
  const toReload = pending();
  expect(toReload.split('\n').map((l) => l.slice(0, 2)).sort().join(' ')).toBe(' -D -E -a -e');
  expect(runUnit('ExecReload')).toEqual({ status: 0, stdout: toReload, stderr: '' });
  expect(real('-S', '-n')).toBe(SECOND);
  expect(runUnit('ExecReload')).toEqual({ status: 0, stdout: '', stderr: '' });
});

test('stop keeps the table by default, saves it with IPVSADM_SAVE_ON_STOP=yes, clears it with IPVSADM_CLEAR_ON_STOP=yes', () => {
  real('-C');
  spawnSync(REAL, ['-R'], { input: SECOND });
  fs.writeFileSync(rules, '');
  expect(runUnit('ExecStop').status).toBe(0);
  expect(real('-S', '-n')).toBe(SECOND);
  expect(runUnit('ExecStop', { IPVSADM_SAVE_ON_STOP: 'yes' }).status).toBe(0);
  expect(fs.readFileSync(rules, 'utf8')).toBe(SECOND);
  expect(runUnit('ExecStop', { IPVSADM_CLEAR_ON_STOP: 'yes' }).status).toBe(0);
  expect(real('-S', '-n')).toBe('');
});
