// Issue 9: `ipvsadm top` as a person sees it, in tmux on a real IPVS: the
// table, a refresh after the table changes underneath (a new server green, a
// changed weight yellow, a deleted one named), `s` to sort, `q` to quit with
// the terminal given back; and the one plain snapshot when piped.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { requireLab } from './client-lab';
import { build, flush, realOk } from './apply-lab';
import { Terminal, colourCodes, terminalEnv, rowColours, tmuxInstalled, withoutColours } from './terminal';

requireLab();

const OURS = path.join(repoRoot(__dirname), 'bin', 'ipvsadm');
const SLOW = 120_000;

const TABLE = [
  '-A -t 10.0.0.1:80 -s wlc',
  '-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 1',
  '-a -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 1',
  '-A -u 10.0.0.2:53 -s rr',
  '-a -u 10.0.0.2:53 -r 10.1.0.3:53 -m -w 2',
  '',
].join('\n');

let socketDir = '';
let terminal: Terminal | undefined;

beforeAll(() => {
  expect(tmuxInstalled()).toBe(true);
  socketDir = fs.mkdtempSync(path.join(fs.existsSync('/run') ? '/run' : os.tmpdir(), 'top-terminal-'));
});

afterEach(() => {
  terminal?.close();
  terminal = undefined;
});

afterAll(() => {
  if (socketDir) fs.rmSync(socketDir, { recursive: true, force: true });
  flush();
});


/** The table's rows on a screen: the cells of each line that starts with a box rule, trimmed. */
function tableRows(rows: readonly string[]): string[][] {
  return rows.filter((r) => r.startsWith('│')).map((r) => r.split('│').slice(1, -1).map((c) => c.trim()));
}

const row = (rows: readonly string[], label: string) => rows.findIndex((r) => r.includes(`${label} `));

describe('ipvsadm top in a terminal', () => {
  test('the table; a refresh shows what changed underneath; s sorts; q gives the terminal back', async () => {
    build(TABLE);
    terminal = new Terminal(socketDir, { width: 160, height: 30, env: terminalEnv() });
    // A refresh on a key only: one between the changes below would show some of them.
    terminal.start([process.execPath, OURS, 'top', '--interval', '3600', '--sort', 'name']);
    const first = await terminal.waitForScreen((s) => tableRows(s.rows).length === 6, 'table of 2 services and 3 servers');
    expect(first.rows[0]).toMatch(/^ipvsadm top: 2 services, 3 real servers, IPVS \d+\.\d+\.\d+; every 3600 s, by name; \d\d:\d\d:\d\d$/);
    expect(tableRows(first.rows).map((r) => r.slice(0, 3))).toEqual([
      ['Service / real server*', 'Sched/Fwd', 'Weight'],
      ['TCP 10.0.0.1:80', 'wlc', ''],
      ['-> 10.1.0.1:80', 'Masq', '1'],
      ['-> 10.1.0.2:80', 'Masq', '1'],
      ['UDP 10.0.0.2:53', 'rr', ''],
      ['-> 10.1.0.3:53', 'Masq', '2'],
    ]);
    // Nothing has changed yet, so nothing is marked.
    expect(first.coloured.flatMap(colourCodes).filter((c) => /3[123]/.test(c))).toEqual([]);

    // The table changes underneath: a weight, a new server, a server gone.
    realOk(['-e', '-t', '10.0.0.1:80', '-r', '10.1.0.1:80', '-m', '-w', '7']);
    realOk(['-a', '-t', '10.0.0.1:80', '-r', '10.1.0.4:80', '-m', '-w', '1']);
    realOk(['-d', '-u', '10.0.0.2:53', '-r', '10.1.0.3:53']);
    terminal.sendKeys('r');
    const changed = await terminal.waitForScreen((s) => s.rows.some((r) => r.includes('10.1.0.4')), 'new server 10.1.0.4');
    expect(changed.rows[1]).toBe('gone: 10.1.0.3:53 of UDP 10.0.0.2:53');
    expect(rowColours([changed.coloured[1]])[0]).toBe('31');
    const lines = changed.coloured.map(withoutColours);
    // The new server's row is green from its first cell; the changed weight is yellow.
    const added = changed.coloured[row(lines, '-> 10.1.0.4:80')];
    expect(colourCodes(added).some((c) => c.split(';').includes('32'))).toBe(true);
    const edited = changed.coloured[row(lines, '-> 10.1.0.1:80')];
    expect(edited).toMatch(/\x1b\[[0-9;]*33[0-9;]*m7\b/);
    expect(tableRows(changed.rows).find((r) => r[0] === '-> 10.1.0.1:80')![2]).toBe('7');

    // s: the next column (active connections), at once.
    terminal.sendKeys('s');
    await terminal.waitForScreen((s) => s.rows[0].includes('by active'), 'sort by active');

    terminal.sendKeys('q');
    expect(await terminal.waitForExit(10_000)).toBe(0);
    // The alternate screen is gone: the terminal shows what it showed before top (nothing).
    expect(terminal.screen().rows).toEqual([]);
  }, SLOW);

  test('piped: one plain snapshot, the same rows, status 0', async () => {
    build(TABLE);
    terminal = new Terminal(socketDir, { width: 160, height: 30, env: terminalEnv({ FORCE_COLOR: '1' }) });
    const out = path.join(socketDir, 'snapshot.txt');
    expect(await terminal.run(['sh', '-c', `${process.execPath} ${OURS} top --sort name > ${out}`])).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).not.toContain('\x1b');
    expect(tableRows(text.split('\n')).map((r) => r[0])).toEqual([
      'Service / real server*', 'TCP 10.0.0.1:80', '-> 10.1.0.1:80', '-> 10.1.0.2:80', 'UDP 10.0.0.2:53', '-> 10.1.0.3:53',
    ]);
  }, SLOW);
});
