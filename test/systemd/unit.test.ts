// The shipped unit (systemd/ipvsadm.service): systemd accepts it, and its
// commands call ipvsadm as documented. A stand-in ipvsadm records its calls
// here; test/kernel/service-unit.test.ts runs the same commands on IPVS.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SERVICE_UNIT, unitScript, type ExecKind } from '../support/service-unit';

let dir: string;
let fake: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unit-'));
  fake = path.join(dir, 'ipvsadm');
  // Records its arguments; prints a table for -S.
  fs.writeFileSync(fake, `#!/bin/sh\necho "$*" >> "${dir}/calls"\n[ "$1" = -S ] && echo '-A -t 10.0.0.1:80 -s rr'\nexit 0\n`, { mode: 0o755 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function runUnit(kind: ExecKind, env: Record<string, string>) {
  fs.rmSync(path.join(dir, 'calls'), { force: true });
  const r = spawnSync('/bin/sh', ['-c', unitScript(kind)], { env: { PATH: '/usr/bin:/bin', IPVSADM: fake, ...env }, encoding: 'utf8' });
  const calls = fs.existsSync(path.join(dir, 'calls')) ? fs.readFileSync(path.join(dir, 'calls'), 'utf8') : '';
  return { status: r.status, stderr: r.stderr, calls };
}

test('systemd-analyze verify accepts the unit', () => {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', SERVICE_UNIT], { encoding: 'utf8' });
  expect(r.error).toBeUndefined();
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test('start and reload apply the rules file, never anything that flushes', () => {
  const rules = path.join(dir, 'rules');
  for (const kind of ['ExecStart', 'ExecReload'] as const) {
    expect(runUnit(kind, { IPVSADM_RULES: rules })).toEqual({ status: 0, stderr: '', calls: `apply --verbose ${rules}\n` });
  }
});

test('without IPVSADM_RULES the distribution decides: /etc/sysconfig/ipvsadm where it exists, else /etc/ipvsadm.rules', () => {
  const expected = fs.existsSync('/etc/sysconfig/ipvsadm') ? '/etc/sysconfig/ipvsadm' : '/etc/ipvsadm.rules';
  expect(runUnit('ExecStart', {}).calls).toBe(`apply --verbose ${expected}\n`);
});

test('stop leaves the table by default, saves it on request (atomically), clears it on request', () => {
  const rules = path.join(dir, 'saved');
  expect(runUnit('ExecStop', { IPVSADM_RULES: rules })).toEqual({ status: 0, stderr: '', calls: '' });
  expect(runUnit('ExecStop', { IPVSADM_RULES: rules, IPVSADM_SAVE_ON_STOP: 'yes' })).toEqual({ status: 0, stderr: '', calls: '-S -n\n' });
  expect(fs.readFileSync(rules, 'utf8')).toBe('-A -t 10.0.0.1:80 -s rr\n');
  expect(fs.existsSync(`${rules}.new`)).toBe(false);
  expect(runUnit('ExecStop', { IPVSADM_RULES: rules, IPVSADM_CLEAR_ON_STOP: 'yes' }).calls).toBe('-C\n');
});
