import { spawn } from 'child_process';
import { superviseGroup } from '../../scripts/lab/supervise';

test('the deadline kills the whole process group and is noted in the end', async () => {
  // The shell's own child must die with it: the group is killed, not just the leader.
  const child = spawn('/bin/sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore', detached: true });
  const { ended } = superviseGroup(child, 150, () => undefined);
  const end = await ended;
  expect(end).toEqual({ code: null, signal: 'SIGKILL', timedOutAfterMs: 150 });
});

test('a normal exit is reported as it is', async () => {
  const child = spawn('/bin/sh', ['-c', 'exit 3'], { stdio: 'ignore', detached: true });
  expect(await superviseGroup(child, 10_000, () => undefined).ended).toEqual({ code: 3, signal: null });
});

test('a program that cannot start is reported once, as an end without status', async () => {
  const errors: string[] = [];
  const child = spawn('/nonexistent/program', [], { stdio: 'ignore', detached: true });
  const end = await superviseGroup(child, 10_000, (e) => errors.push(e.message)).ended;
  expect(end).toEqual({ code: null, signal: null });
  expect(errors).toHaveLength(1);
});
