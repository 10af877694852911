// examples/keepalived/ipvsadm-notify, keepalived's VRRP notify FIFO reader,
// driven as keepalived drives it: started with the FIFO as its last argument,
// fed `INSTANCE "LVS" STATE PRIORITY` lines. A stand-in ipvsadm keeps the
// sync daemons in a file and makes `apply` slow, so changes written close
// together are all waiting while the first is applied (the case where
// keepalived's per-change notify scripts run side by side and may finish in
// any order). test/kernel/cluster-failover.test.ts runs it under keepalived.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { notifyScript, statesLogged } from '../support/keepalived-example';

let dir: string;
let reader: string;
let fifo: string;

const STAND_IN = `#!/bin/sh
# A stand-in ipvsadm: the sync daemons running are the lines of $DAEMONS.
DAEMONS="$(dirname "$0")/daemons"
touch "$DAEMONS"
case $1 in
apply)
  echo "apply $2" >>"$(dirname "$0")/calls"
  sleep 0.2
  [ -e "$(dirname "$0")/apply-fails" ] && { echo "apply: the stand-in fails" >&2; exit 1; }
  exit 0 ;;
--start-daemon) echo "$2" >>"$DAEMONS" ;;
--stop-daemon)
  [ -e "$(dirname "$0")/stop-slowly" ] && [ "$2" = backup ] && sleep 0.6
  grep -qx "$2" "$DAEMONS" || { echo "No daemon is running" >&2; exit 255; }
  grep -vx "$2" "$DAEMONS" >"$DAEMONS.new"; mv "$DAEMONS.new" "$DAEMONS" ;;
-L) sed 's/$/ sync daemon (stand-in)/' "$DAEMONS" ;;
esac
`;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-'));
  fs.writeFileSync(path.join(dir, 'ipvsadm'), STAND_IN, { mode: 0o755 });
  reader = path.join(dir, 'ipvsadm-notify');
  fs.writeFileSync(reader, notifyScript({
    ipvsadm: path.join(dir, 'ipvsadm'), rules: path.join(dir, 'rules'), lock: path.join(dir, 'lock'), log: path.join(dir, 'log'),
  }), { mode: 0o755 });
  fifo = path.join(dir, 'vrrp.fifo');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const read = (name: string): string => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : '');
/** The states the reader logged, in order. */
const applied = (): string[] => statesLogged(read('log'));

/** Starts the reader as keepalived does (the FIFO last) and opens the FIFO's writing end. */
function start(): { child: ChildProcess; exited: Promise<number | null>; fd: number } {
  const child = spawn('/bin/sh', [reader, 'vrrp', fifo], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Blocks until the reader has opened its end.
  const fd = fs.openSync(fifo, 'w');
  return { child, exited, fd };
}

/** Whether the daemon stops a STOP left running in a session of their own are still running. */
const stopsRunning = (): boolean => spawnSync('pgrep', ['-f', `ipvsadm-notify-stop ${path.join(dir, 'ipvsadm')}`]).status === 0;

async function until(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 10_000) throw new Error(`${what}: not within 10 s\nlog:\n${read('log')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('changes written together are applied one at a time, in the order written; other instances and non-role lines are skipped', async () => {
  const { exited, fd } = start();
  fs.writeSync(fd, [
    'INSTANCE "LVS" BACKUP 100',
    'INSTANCE "OTHER" MASTER 200',
    'GROUP "LVS" MASTER 100',
    'INSTANCE "LVS" MASTER 100',
    'INSTANCE "LVS" MASTER_RX_LOWER_PRI 100',
    'INSTANCE "LVS" BACKUP 100',
  ].map((l) => `${l}\n`).join(''));
  fs.closeSync(fd);
  expect(await exited).toBe(0);
  expect(applied()).toEqual(['BACKUP', 'MASTER', 'BACKUP']);
  expect(read('calls')).toBe(`apply ${path.join(dir, 'rules')}\n`.repeat(3));
  // The role last given is the one left running, alone.
  expect(read('daemons')).toBe('backup\n');
  expect(read('log')).toMatch(/MASTER\nmaster sync daemon \(stand-in\)\n/);
});

test('after SIGTERM it reads on: the STOP lines keepalived writes then stop both daemons', async () => {
  const { child, exited, fd } = start();
  fs.writeSync(fd, 'INSTANCE "LVS" MASTER 150\n');
  await until(() => read('daemons') === 'master\n', 'the master daemon started');
  child.kill('SIGTERM');
  fs.writeSync(fd, 'INSTANCE "LVS" STOP 150\n');
  fs.closeSync(fd);
  expect(await exited).toBe(0);
  // The stop runs in a session of its own, which may outlive the reader.
  await until(() => read('daemons') === '' && read('log').endsWith('STOP\n'), 'both daemons stopped');
  expect(applied()).toEqual(['MASTER', 'STOP']);
});

test('a keepalived started again right after a STOP waits for its daemon stops: the new role stays', async () => {
  fs.writeFileSync(path.join(dir, 'stop-slowly'), '');
  const first = start();
  fs.writeSync(first.fd, 'INSTANCE "LVS" MASTER 150\nINSTANCE "LVS" STOP 150\n');
  fs.closeSync(first.fd);
  expect(await first.exited).toBe(0);
  // The stops are under way, in their own session, when the next keepalived's reader gets BACKUP.
  const second = start();
  fs.writeSync(second.fd, 'INSTANCE "LVS" BACKUP 150\n');
  fs.closeSync(second.fd);
  expect(await second.exited).toBe(0);
  await until(() => !stopsRunning(), 'the stops done');
  expect(applied()).toEqual(['MASTER', 'STOP', 'BACKUP']);
  expect(read('daemons')).toBe('backup\n');
});

test('a failed apply is logged and the daemon still takes its role', async () => {
  fs.writeFileSync(path.join(dir, 'apply-fails'), '');
  const { exited, fd } = start();
  fs.writeSync(fd, 'INSTANCE "LVS" MASTER 150\n');
  fs.closeSync(fd);
  expect(await exited).toBe(0);
  expect(read('log')).toContain(`apply: the stand-in fails\nipvsadm apply ${path.join(dir, 'rules')} failed; the table stays as it was\n`);
  expect(read('log')).toContain('MASTER: not fully applied\n');
  expect(read('daemons')).toBe('master\n');
});

test('without a FIFO it says how it is run, and exits 2', () => {
  const r = spawnSync('/bin/sh', [reader, 'master'], { encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toBe("usage: ipvsadm-notify FIFO (keepalived's vrrp_notify_fifo_script)\n");
  expect(read('log')).toBe('');
});
