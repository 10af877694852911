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

  test('the cache holds every function, and a fresh node takes it', () => {
    const c = checkout();
    made.push(c.dir);
    const bundle = path.join(c.dir, 'dist', 'ipvsadm.js');
    // Functions the top level never calls: a lazy cache would leave them out.
    const uncalled = Array.from({ length: 50 }, (_, i) => `function f${i}(a) { return [a, ${i}].map((x) => x * 2).join(',') + String(a * ${i}); }`).join('\n');
    fs.appendFileSync(bundle, `${uncalled}\nexports.f = [${Array.from({ length: 50 }, (_, i) => `f${i}`).join(', ')}];\n`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const start = require(path.join(c.dir, 'bin', 'start.js')) as { loadBundle(make: boolean): { cache: Buffer }; CACHE: string };
    const { cache } = start.loadBundle(true);
    fs.writeFileSync(start.CACHE, cache);
    const check = [
      "const fs = require('fs'), vm = require('vm'), { wrap } = require('module');",
      `const s = new vm.Script(wrap(fs.readFileSync(${JSON.stringify(bundle)}, 'utf8')), { filename: ${JSON.stringify(bundle)}, cachedData: fs.readFileSync(${JSON.stringify(start.CACHE)}) });`,
      'const lazy = new vm.Script(wrap(fs.readFileSync(' + JSON.stringify(bundle) + ", 'utf8')), { filename: 'other.js' }).createCachedData().length;",
      'process.stdout.write(JSON.stringify({ rejected: s.cachedDataRejected, eagerBytes: fs.statSync(' + JSON.stringify(start.CACHE) + ').size, lazy }));',
    ].join('\n');
    const r = spawnSync(process.execPath, ['-e', check], { encoding: 'utf8' });
    const { rejected, eagerBytes, lazy } = JSON.parse(r.stdout) as { rejected: boolean; eagerBytes: number; lazy: number };
    expect(rejected).toBe(false);
    expect(eagerBytes).toBeGreaterThan(2 * lazy);
    expect(c.run()).toMatchObject({ status: 0, stdout: 'cli ipvsadm ipvsadm.js function\n', stderr: '' });
  });

  test('a cache that does not fit the bundle is ignored', () => {
    const c = checkout();
    made.push(c.dir);
    for (const file of ['ipvsadm.cache', 'ipvsadm.plain.cache']) fs.writeFileSync(path.join(c.dir, 'dist', file), Buffer.from('not a code cache'));
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

  test('ipvsadm-realserver has a bundle and a cache of its own; without it, one line and status 2', () => {
    const c = checkout();
    made.push(c.dir);
    const own = path.join(c.dir, 'dist', 'ipvsadm-realserver.js');
    const runRealServer = () => spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(c.dir, 'bin', 'start.js'))})('ipvsadm-realserver', 'ipvsadm-realserver')`], { encoding: 'utf8' });
    const missing = runRealServer();
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`ipvsadm-realserver: ${own} is missing: run npm run build\n`);
    fs.copyFileSync(path.join(c.dir, 'dist', 'ipvsadm.js'), own);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const start = require(path.join(c.dir, 'bin', 'start.js')) as {
      loadBundle(make: boolean, name: string): { cache: Buffer }; bundlePaths(name: string): { cache: string }; BUNDLES: string[];
    };
    expect(start.BUNDLES).toEqual(['ipvsadm', 'ipvsadm-realserver']);
    fs.writeFileSync(start.bundlePaths('ipvsadm-realserver').cache, start.loadBundle(true, 'ipvsadm-realserver').cache);
    expect(start.bundlePaths('ipvsadm-realserver').cache).toBe(path.join(c.dir, 'dist', 'ipvsadm-realserver.plain.cache'));
    expect(runRealServer()).toMatchObject({ status: 0, stdout: 'cli ipvsadm-realserver ipvsadm-realserver.js function\n', stderr: '' });
  });

  test('every program starts node with NODE_FLAGS, the flags its code cache is made with', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const start = require(path.join(REPO, 'bin', 'start.js')) as { NODE_FLAGS: string[] };
    expect(start.NODE_FLAGS.length).toBeGreaterThan(0);
    for (const program of ['ipvsadm', 'ipvsadm-save', 'ipvsadm-restore', 'ipvsadm-realserver']) {
      const first = fs.readFileSync(path.join(REPO, 'bin', program), 'utf8').split('\n')[0];
      expect(`${program}: ${first}`).toBe(`${program}: #!/usr/bin/env -S node ${start.NODE_FLAGS.join(' ')}`);
    }
  });

  test('a node started with NODE_FLAGS takes <bundle>.cache, one started without them <bundle>.plain.cache', () => {
    const c = checkout();
    made.push(c.dir);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { NODE_FLAGS } = require(path.join(c.dir, 'bin', 'start.js')) as { NODE_FLAGS: string[] };
    const startJs = JSON.stringify(path.join(c.dir, 'bin', 'start.js'));
    const bundle = path.join(c.dir, 'dist', 'ipvsadm.js');
    // Made, then tried, by a node started one way or the other; each says which file it used and whether V8 took it.
    const tryCache = (flags: string[]) => {
      const script = [
        `const start = require(${startJs});`,
        "const fs = require('fs'), vm = require('vm'), { wrap } = require('module');",
        'const file = start.bundlePaths().cache;',
        'fs.writeFileSync(file, start.loadBundle(true).cache);',
        `const s = new vm.Script(wrap(fs.readFileSync(${JSON.stringify(bundle)}, 'utf8')), { filename: ${JSON.stringify(bundle)}, cachedData: fs.readFileSync(file) });`,
        "process.stdout.write(require('path').basename(file) + ' ' + s.cachedDataRejected);",
      ].join('\n');
      return spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' }).stdout;
    };
    expect(tryCache(NODE_FLAGS)).toBe('ipvsadm.cache false');
    expect(tryCache([])).toBe('ipvsadm.plain.cache false');
    // Each is V8's for its own flags only: the other way, it is rejected.
    const crossed = [
      `const start = require(${startJs});`,
      "const fs = require('fs'), vm = require('vm'), { wrap } = require('module');",
      `const s = new vm.Script(wrap(fs.readFileSync(${JSON.stringify(bundle)}, 'utf8')), { filename: ${JSON.stringify(bundle)}, cachedData: fs.readFileSync(start.bundlePaths('ipvsadm', true).cache) });`,
      'process.stdout.write(String(s.cachedDataRejected));',
    ].join('\n');
    expect(spawnSync(process.execPath, ['-e', crossed], { encoding: 'utf8' }).stdout).toBe('true');
  });

  test('bin/ipvsadm-realserver starts its own bundle', () => {
    expect(fs.readFileSync(path.join(REPO, 'bin', 'ipvsadm-realserver'), 'utf8')).toContain("require('./start.js')('ipvsadm-realserver', 'ipvsadm-realserver');");
  });

  test('the classic bundle holds none of ipvsadm-realserver, and its bundle none of ipvsadm', () => {
    const classic = path.join(REPO, 'dist', 'ipvsadm.js');
    const realserver = path.join(REPO, 'dist', 'ipvsadm-realserver.js');
    if (!fs.existsSync(classic) || !fs.existsSync(realserver)) return; // not built: the build test below says so
    expect(fs.readFileSync(classic, 'utf8')).not.toMatch(/src\/realserver\/|RouteTransport/);
    expect(fs.readFileSync(realserver, 'utf8')).not.toMatch(/src\/(cli|commands|render|restore)\//);
  });

  test('the build writes both caches beside the bundle', () => {
    for (const name of ['ipvsadm', 'ipvsadm-realserver']) {
      if (!fs.existsSync(path.join(REPO, 'dist', `${name}.js`))) continue;
      expect(fs.existsSync(path.join(REPO, 'dist', `${name}.cache`))).toBe(true);
      expect(fs.existsSync(path.join(REPO, 'dist', `${name}.plain.cache`))).toBe(true);
    }
  });
});
