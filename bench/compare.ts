// Comparing the outputs of ours and the real ipvsadm.

export interface Observed {
  status: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** Same exit status and byte-identical stdout and stderr. */
export function sameBehaviour(a: Observed, b: Observed): boolean {
  return a.status === b.status && a.stdout.equals(b.stdout) && a.stderr.equals(b.stderr);
}

/** "line N: 'x' vs 'y'" for the first line where the texts differ; undefined when equal. */
export function firstDifference(a: string, b: string): string | undefined {
  if (a === b) return undefined;
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) {
      const show = (s: string | undefined) => (s === undefined ? '<end of output>' : JSON.stringify(s));
      return `line ${i + 1}: ${show(la[i])} vs ${show(lb[i])}`;
    }
  }
  return 'same lines, different line endings';
}

/** What went wrong between two observations, in one line; undefined when they agree. */
export function describeDifference(ours: Observed, real: Observed): string | undefined {
  if (ours.status !== real.status) return `exit status ${String(ours.status)} vs ${String(real.status)}`;
  const out = firstDifference(ours.stdout.toString('latin1'), real.stdout.toString('latin1'));
  if (out !== undefined) return `stdout ${out}`;
  const err = firstDifference(ours.stderr.toString('latin1'), real.stderr.toString('latin1'));
  if (err !== undefined) return `stderr ${err}`;
  return undefined;
}
