// Issue 8: the plan of `ipvsadm diff` and `ipvsadm apply --dry-run` as a
// person sees it on a terminal (tmux): coloured by what each line does (adds
// green, edits yellow, deletes red), the same text as when piped, plain when
// NO_COLOR or FORCE_COLOR=0 says so; and classic listings never coloured.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../differential/catalog';
import { requireLab } from './client-lab';
import { REAL_IPVSADM, build, flush, ours, snapshot } from './apply-lab';
import { Terminal, colourCodes, terminalEnv, rowColours, tmuxInstalled, withoutColours } from './terminal';

requireLab();

const OURS = path.join(repoRoot(__dirname), 'bin', 'ipvsadm');
const SLOW = 120_000;

const TABLE_A = [
  '-A -t 10.0.0.1:80 -s rr',
  '-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 1',
  '-a -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 1',
  '-A -u 10.0.0.2:53 -s rr',
  '-a -u 10.0.0.2:53 -r 10.1.0.3:53 -m -w 1',
  '',
].join('\n');

// Every kind of step: a service edited (scheduler), a server edited (weight),
// one added and one deleted, a service added with its server, one deleted.
const TABLE_B = [
  '-A -t 10.0.0.1:80 -s wlc',
  '-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 3',
  '-a -t 10.0.0.1:80 -r 10.1.0.4:80 -m -w 1',
  '-A -t 10.0.0.3:443 -s rr',
  '-a -t 10.0.0.3:443 -r 10.1.0.5:443 -m -w 1',
  '',
].join('\n');

/** The colour a plan line must have on a terminal, by its option (chalk's basic colours). */
function expectedColour(line: string): string {
  if (/^-[Aa] /.test(line)) return '32';
  if (/^-[Ee] /.test(line)) return '33';
  if (/^-[Dd] /.test(line)) return '31';
  throw new Error(`not a plan line: ${line}`);
}

let scratch = '';
let socketDir = '';
let fileB = '';
const terminals: Terminal[] = [];


function terminal(env: NodeJS.ProcessEnv = {}): Terminal {
  const t = new Terminal(socketDir, { env: terminalEnv(env) });
  terminals.push(t);
  return t;
}

beforeAll(() => {
  expect(tmuxInstalled()).toBe(true); // tmux is a lab package: its absence is a failure, not a skip
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-terminal-'));
  // The tmux sockets on a local file system (the lab's /run is a tmpfs).
  socketDir = fs.mkdtempSync(path.join(fs.existsSync('/run') ? '/run' : os.tmpdir(), 'plan-terminal-'));
  fileB = path.join(scratch, 'b.rules');
  fs.writeFileSync(fileB, TABLE_B);
});

afterEach(() => {
  for (const t of terminals.splice(0)) t.close();
});

afterAll(() => {
  for (const dir of [scratch, socketDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  flush();
});

describe('the plan on a terminal', () => {
  for (const command of [['diff'], ['apply', '--dry-run']]) {
    test(`${command.join(' ')}: each line coloured by its kind, the text the same as piped, the table untouched`, async () => {
      const before = build(TABLE_A);
      const piped = ours([...command, fileB]);
      expect(piped.stderr).toBe('');
      expect(piped.status).toBe(command[0] === 'diff' ? 1 : 0);
      const planLines = piped.stdout.split('\n').slice(0, -1);
      // Not a trivial plan: all three kinds are in it, and nothing piped is coloured.
      expect(new Set(planLines.map(expectedColour))).toEqual(new Set(['31', '32', '33']));
      expect(piped.stdout).not.toContain('\x1b[');

      const t = terminal();
      expect(await t.run([process.execPath, OURS, ...command, fileB])).toBe(piped.status);
      const screen = t.screen();
      expect(screen.rows).toEqual(planLines);
      expect(screen.coloured.map(withoutColours)).toEqual(planLines);
      expect(rowColours(screen.coloured)).toEqual(planLines.map(expectedColour));
      expect(snapshot()).toEqual(before);
    }, SLOW);
  }

  for (const setting of [{ NO_COLOR: '1' }, { FORCE_COLOR: '0' }]) {
    const name = Object.entries(setting).map(([k, v]) => `${k}=${v}`).join(' ');
    test(`${name}: the plan on a terminal is plain`, async () => {
      build(TABLE_A);
      const piped = ours(['diff', fileB]);
      const t = terminal(setting);
      expect(await t.run([process.execPath, OURS, 'diff', fileB])).toBe(1);
      const screen = t.screen();
      expect(screen.rows).toEqual(piped.stdout.split('\n').slice(0, -1));
      expect(screen.coloured.flatMap(colourCodes)).toEqual([]);
    }, SLOW);
  }

  test('FORCE_COLOR=1 colours the plan in a pipe too', () => {
    build(TABLE_A);
    const plain = ours(['diff', fileB]).stdout.split('\n').slice(0, -1);
    const r = ours(['diff', fileB], { env: terminalEnv({ FORCE_COLOR: '1' }) });
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n').slice(0, -1);
    expect(lines.map(withoutColours)).toEqual(plain);
    lines.forEach((line, i) => expect(colourCodes(line)).toEqual([expectedColour(plain[i]), '39']));
  }, SLOW);

  test('apply on a terminal says nothing, exits 0 and leaves the table the real -R of the file gives', async () => {
    const wanted = build(TABLE_B);
    build(TABLE_A);
    const t = terminal();
    expect(await t.run([process.execPath, OURS, 'apply', fileB])).toBe(0);
    expect(t.screen().rows).toEqual([]);
    expect(snapshot()).toEqual(wanted);
  }, SLOW);
});

describe('classic listings on a terminal', () => {
  for (const args of [['-L', '-n'], ['-S', '-n'], ['-L', '-n', '--stats']]) {
    test(`${args.join(' ')}: no colour, and the screen is the real ipvsadm's`, async () => {
      build(TABLE_A);
      const mine = terminal();
      const theirs = terminal();
      expect(await mine.run([process.execPath, OURS, ...args])).toBe(0);
      expect(await theirs.run([REAL_IPVSADM, ...args])).toBe(0);
      const [a, b] = [mine.screen(), theirs.screen()];
      expect(a.rows.length).toBeGreaterThan(2);
      expect(a.coloured.flatMap(colourCodes)).toEqual([]);
      expect(a).toEqual(b);
    }, SLOW);
  }
});
