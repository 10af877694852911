// Issue 11: docs/cluster.md is runnable documentation. Every `console`
// block of it is run, in order, on the cluster in a box: a line
// `NODE# COMMAND` (or `NODE$ COMMAND`) runs COMMAND with sh on that node
// (a network namespace of cluster/net.sh) with this project's bin/ first on
// PATH, and the lines after it, up to the next command, are its output
// (stdout and stderr together), compared exactly. Each node is a machine
// of its own: it gets a /run/ipvsadm-realserver of its own, where
// ipvsadm-realserver keeps its state.
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { requireLab } from './client-lab';
import { clusterForFile, type Role } from './cluster-lab';
import { shellQuote } from './reload-lab';

requireLab();

const REPO = repoRoot(__dirname);
const PAGE = path.join(REPO, 'docs', 'cluster.md');
const NODES = new Set(['c', 'r', 'd1', 's1', 's2', 's3']);

interface Step {
  section: string;
  line: number;
  node: Role;
  command: string;
  output: string;
}

/** The commands of the page's console blocks, each with the output the page shows. */
function steps(page: string): Step[] {
  const out: Step[] = [];
  let section = '';
  let inConsole = false;
  page.split('\n').forEach((text, i) => {
    if (!inConsole) {
      if (text.startsWith('## ')) section = text.slice(3);
      if (text === '```console') inConsole = true;
      return;
    }
    if (text === '```') {
      inConsole = false;
      return;
    }
    const m = /^([a-z0-9]+)[#$] (.*)$/.exec(text);
    if (m && NODES.has(m[1])) {
      out.push({ section, line: i + 1, node: m[1] as Role, command: m[2], output: '' });
    } else {
      if (out.length === 0) throw new Error(`${PAGE}:${i + 1}: output before any command`);
      out[out.length - 1].output += text + '\n';
    }
  });
  return out;
}

const cluster = clusterForFile('dc', 180_000);
const all = steps(fs.readFileSync(PAGE, 'utf8'));

test('the page has commands on every kind of node', () => {
  expect(new Set(all.map((s) => s.node))).toEqual(new Set(['c', 'd1', 's1', 's2', 's3']));
  expect(all.length).toBeGreaterThan(50);
});

describe.each([...new Set(all.map((s) => s.section))])('docs/cluster.md: %s', (section) => {
  test('every command prints what the page shows', () => {
    const c = cluster();
    for (const step of all.filter((s) => s.section === section)) {
      const state = path.join(c.dir, `run-${step.node}`);
      fs.mkdirSync(state, { recursive: true });
      const script = [
        `export PATH=${shellQuote(path.join(REPO, 'bin'))}:$PATH`,
        'mkdir -p /run/ipvsadm-realserver',
        `mount --bind ${shellQuote(state)} /run/ipvsadm-realserver`,
        `exec sh -c ${shellQuote(step.command)} 2>&1`,
      ].join(' && ');
      const r = c.run(step.node, `exec unshare -m sh -c ${shellQuote(script)}`);
      expect({ at: `docs/cluster.md:${step.line}: ${step.node}# ${step.command}`, status: r.status, output: r.stdout + r.stderr })
        .toEqual({ at: `docs/cluster.md:${step.line}: ${step.node}# ${step.command}`, status: 0, output: step.output });
    }
  }, 180_000);
});
