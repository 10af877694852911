// Where the scenario files are and how they are named in test output.
import * as fs from 'fs';
import * as path from 'path';

/** The repository root, found from any file inside it (source or dist). */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'test', 'differential'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no repository root above ${from}`);
    dir = up;
  }
}

export function scenarioDir(repo: string = repoRoot()): string {
  return path.join(repo, 'test', 'differential', 'scenarios');
}

/** All *.scenario files below `dir`, as paths relative to it, in a stable order. */
export function listScenarios(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.scenario')) found.push(r);
    }
  };
  if (fs.existsSync(dir)) walk('');
  return found.sort();
}
