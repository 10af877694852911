// bin/start.js: the bundle compiled with the code cache the build wrote, or
// without one, or with one that no longer fits; and the one line a checkout
// that was never built gets.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..');

/** A checkout of bin/start.js beside a small bundle whose cli() prints what it was given. */
function checkout(): { dir: string; run(): ReturnType<typeof spawnSync> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipvsadm-start-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'dist'));
  fs.copyFileSync(path.join(REPO, 'bin', 'start.js'), path.join(dir, 'bin', 'start.js'));
  fs.writeFileSync(
    path.join(dir, 'dist', 'ipvsadm.js'),
    "'use strict';\nconst path = require('path');\nexports.cli = (p) => process.stdout.write(`cli ${p} ${path.basename(__filename)} ${typeof module.exports.cli}\\n`);\n",
  );
  const run = () => spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(dir, 'bin', 'start.js'))})('ipvsadm')`], { encoding: 'utf8' });
  return { dir, run };
}

describe('bin/start.js', () => {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test('runs the bundle as a CommonJS module, without a cache and with the one loadBundle makes', () => {
    const c = checkout();
    made.push(c.dir);
    expect(c.run().stdout).toBe('cli ipvsadm ipvsadm.js function\n');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const start = require(path.join(c.dir, 'bin', 'start.js')) as { loadBundle(make: boolean): { cache: Buffer }; CACHE: string };
    const { cache } = start.loadBundle(true);
    expect(cache.length).toBeGreaterThan(0);
    fs.writeFileSync(start.CACHE, cache);
    expect(c.run()).toMatchObject({ status: 0, stdout: 'cli ipvsadm ipvsadm.js function\n', stderr: '' });
  });

  test('a cache that does not fit the bundle is ignored', () => {
    const c = checkout();
    made.push(c.dir);
    fs.writeFileSync(path.join(c.dir, 'dist', 'ipvsadm.cache'), Buffer.from('not a code cache'));
    expect(c.run()).toMatchObject({ status: 0, stdout: 'cli ipvsadm ipvsadm.js function\n', stderr: '' });
  });

  test('no bundle: one line and status 2', () => {
    const c = checkout();
    made.push(c.dir);
    fs.rmSync(path.join(c.dir, 'dist', 'ipvsadm.js'));
    const r = c.run();
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`ipvsadm: ${path.join(c.dir, 'dist', 'ipvsadm.js')} is missing: run npm run build\n`);
  });

  test('the build writes the cache beside the bundle', () => {
    expect(fs.existsSync(path.join(REPO, 'dist', 'ipvsadm.cache')) || !fs.existsSync(path.join(REPO, 'dist', 'ipvsadm.js'))).toBe(true);
  });
});
