// A lab runs as a detached child in its own process group: a deadline or an
// interrupt kills the whole group, so no guest helper outlives the run.
import type { ChildProcess } from 'child_process';
import type { ProcessEnd } from './outcome';

export interface Supervised {
  /** Settles once the child is gone (exit or failure to start), noting a deadline that killed it. */
  ended: Promise<ProcessEnd>;
  /** Kills the child's whole process group. */
  kill(): void;
}

export function superviseGroup(child: ChildProcess, timeoutMs: number, onStartError: (error: Error) => void): Supervised {
  const kill = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  const ended = new Promise<ProcessEnd>((resolve) => {
    let finished = false;
    const finish = (end: ProcessEnd) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      resolve(timedOut ? { ...end, timedOutAfterMs: timeoutMs } : end);
    };
    child.once('error', (error) => {
      onStartError(error);
      finish({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => finish({ code, signal }));
  });
  return { ended, kill };
}
