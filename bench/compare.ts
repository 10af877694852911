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

/**
 * A save (`ipvsadm -S -n`, or a rules file in that form) in a canonical
 * order: services sorted, each followed by its own real servers, sorted. The
 * kernel lists services in hash-table order and a service's servers newest
 * first, so two tables that hold the same rules can save in different orders
 * depending on how they were built; this makes them compare equal. A server
 * line before any service line is kept first, as it stands.
 */
export function canonicalSave(text: string): string {
  const blocks: { head: string; servers: string[] }[] = [];
  let current: { head: string; servers: string[] } = { head: '', servers: [] };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('-A ')) {
      blocks.push(current);
      current = { head: line, servers: [] };
    } else {
      current.servers.push(line);
    }
  }
  blocks.push(current);
  const orphans = blocks.shift()!;
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  blocks.sort((a, b) => cmp(a.head, b.head));
  const out: string[] = [...orphans.servers];
  for (const b of blocks) out.push(b.head, ...b.servers.sort(cmp));
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
