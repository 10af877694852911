// The npm package: what `npm pack` ships, and that the tarball, installed the
// way an operator does (`npm install -g`, here into a fresh prefix), gives the
// four programs and their man pages and pulls in nothing but the runtime
// dependencies the bundle loads (netlink; yargs, chalk and cli-table3 for the
// extension commands) and what they need. The installed ipvsadm runs here, on a real IPVS, because -v
// asks the kernel like 1.31 does. The lab has no network: npm installs from a
// loopback registry fed by the host's npm cache (see lock-registry.ts).
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import { isBuiltin } from 'module';
import * as os from 'os';
import * as path from 'path';
import { versionText } from '../../src/cli/help';
import { repoRoot } from '../differential/catalog';
import { currentLab } from '../../scripts/lab/environment';
import { LockRegistry, missingFromCache, runtimePackages, startLockRegistry } from './lock-registry';

currentLab(); // outside the lab this whole file fails, loudly

const repo = repoRoot(__dirname);
const ci = process.env.CI === 'true' || process.env.CI === '1';
const cache = process.env.IPVS_LAB_NPM_CACHE;
if (!cache) throw new Error("IPVS_LAB_NPM_CACHE is not set: the lab launcher (scripts/lab/index.ts) passes the host's npm cache");
const pinned = runtimePackages(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8'));
const missing = missingFromCache(cache, pinned);
const cacheProblem = missing.length === 0 ? undefined
  : `the npm cache ${cache} lacks ${missing.map((p) => `${p.name}@${p.version}`).join(', ')} ` +
    'that package-lock.json pins for users (run npm ci on the host)';

const SHIPPED = [
  'README.md', 'bin/ipvsadm', 'bin/ipvsadm-realserver', 'bin/ipvsadm-restore', 'bin/ipvsadm-save', 'bin/start.js',
  'dist/ipvsadm-realserver.cache', 'dist/ipvsadm-realserver.js', 'dist/ipvsadm-realserver.plain.cache', 'dist/ipvsadm.cache', 'dist/ipvsadm.js', 'dist/ipvsadm.plain.cache',
  'man/ipvsadm-apply.8', 'man/ipvsadm-drain.8', 'man/ipvsadm-realserver.8', 'man/ipvsadm-restore.8', 'man/ipvsadm-save.8', 'man/ipvsadm-top.8',
  'man/ipvsadm.8',
  'package.json',
  'systemd/ipvsadm.service',
];
const PROGRAMS = ['ipvsadm', 'ipvsadm-save', 'ipvsadm-restore', 'ipvsadm-realserver'];
const MAN_PAGES = ['ipvsadm.8', 'ipvsadm-save.8', 'ipvsadm-restore.8', 'ipvsadm-apply.8', 'ipvsadm-drain.8', 'ipvsadm-top.8', 'ipvsadm-realserver.8'];
const progress = process.env.IPVS_LAB_PROGRESS === '1';
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** spawnSync that leaves the event loop free: the registry answering npm lives in this process. */
function runAsync(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${e.message}`));
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

function describeRun(what: string, r: Ran): string {
  return `${what}: status ${r.status}${r.signal ? ` (${r.signal})` : ''}\n--- stdout:\n${r.stdout}--- stderr:\n${r.stderr}`;
}

/** npm sees only what we give it: no npm_* or proxy variables of the caller, an empty npmrc, a private cache. */
function npm(dir: string, args: readonly string[], cwd: string): Promise<Ran> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_|_proxy$/i.test(k)) env[k] = v;
  env.HOME = path.join(dir, 'home');
  fs.mkdirSync(env.HOME, { recursive: true });
  const [userrc, globalrc] = ['user-npmrc', 'global-npmrc'].map((f) => path.join(dir, f));
  for (const rc of [userrc, globalrc]) fs.writeFileSync(rc, '');
  const config = [
    '--userconfig', userrc, '--globalconfig', globalrc, '--cache', path.join(dir, 'npm-cache'),
    '--logs-dir', path.join(dir, 'npm-logs'), '--no-audit', '--no-fund', '--no-update-notifier', '--fetch-retries=0',
  ];
  return runAsync('npm', [...args, ...config], cwd, env, 240_000);
}

// Without the pinned packages in the cache only the pack is checked; under
// CI=true that is a failure instead.
const needsInstall = cacheProblem !== undefined && !ci ? test.skip : test;
if (cacheProblem !== undefined && !ci) console.warn(`npm package: install not checked: ${cacheProblem}`);

describe('npm package', () => {
  let dir = '';
  let packedFiles: string[] = [];
  let tarball = '';
  let registry: LockRegistry | undefined;
  let install: Ran | undefined;
  const prefix = () => path.join(dir, 'prefix');
  const installedPackage = () => path.join(prefix(), 'lib', 'node_modules', 'ipvsadm-ts');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-package-'));
    if (!fs.existsSync(path.join(repo, 'dist', 'ipvsadm.js'))) throw new Error('dist/ipvsadm.js is missing: npm run build first');
    // --ignore-scripts: prepack would rebuild dist/ in the repository other
    // lab guests are running from; the lab runs after npm run build anyway.
    const started = Date.now();
    const pack = await npm(dir, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], repo);
    if (pack.status !== 0) throw new Error(describeRun('npm pack', pack));
    const [result] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    packedFiles = result.files.map((f) => f.path).sort();
    tarball = path.join(dir, result.filename);
    const packed = Date.now();

    if (cacheProblem !== undefined) return;
    registry = await startLockRegistry(pinned, cache);
    install = await npm(dir, ['install', '--global', '--prefix', prefix(), '--registry', registry.url, tarball], dir);
    if (progress) {
      process.stderr.write(`npm package: pack ${seconds(packed - started)}, install ${seconds(Date.now() - packed)}\n`);
    }
  }, 300_000);

  afterAll(async () => {
    await registry?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function requireInstalled(): void {
    if (cacheProblem !== undefined) throw new Error(`CI=true: ${cacheProblem}`);
    if (install === undefined) throw new Error('npm install -g did not run');
    if (install.status !== 0) {
      throw new Error(`${describeRun('npm install -g', install)}--- registry requests:\n${registry?.requests.join('\n') ?? ''}`);
    }
  }

  test('npm pack ships the four programs, the bundles, the man pages and the unit, nothing else', () => {
    expect(packedFiles).toEqual(SHIPPED);
  });

  test('the runtime dependencies are exactly the packages the bundles load', () => {
    const bundle = ['ipvsadm.js', 'ipvsadm-realserver.js'].map((f) => fs.readFileSync(path.join(repo, 'dist', f), 'utf8')).join('\n');
    const loaded = new Set([...bundle.matchAll(/\brequire\("([^".][^"]*)"\)/g)]
      .map((m) => m[1])
      .filter((id) => !isBuiltin(id))
      .map((id) => id.split('/').slice(0, id.startsWith('@') ? 2 : 1).join('/')));
    const { dependencies } = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { dependencies?: object };
    expect(Object.keys(dependencies ?? {}).sort()).toEqual([...loaded].sort());
  });

  needsInstall('npm install -g installs the tarball offline, with only what package-lock.json pins for users', () => {
    requireInstalled();
    const found: string[] = [];
    const walk = (modules: string) => {
      if (!fs.existsSync(modules)) return;
      for (const entry of fs.readdirSync(modules)) {
        if (entry.startsWith('.')) continue;
        const dirs = entry.startsWith('@') ? fs.readdirSync(path.join(modules, entry)).map((e) => path.join(entry, e)) : [entry];
        for (const d of dirs) {
          const { name, version } = JSON.parse(fs.readFileSync(path.join(modules, d, 'package.json'), 'utf8')) as { name: string; version: string };
          found.push(`${name}@${version}`);
          walk(path.join(modules, d, 'node_modules'));
        }
      }
    };
    walk(path.join(installedPackage(), 'node_modules'));
    expect(found.sort()).toEqual(pinned.map((p) => `${p.name}@${p.version}`).sort());
  });

  needsInstall('the programs are in <prefix>/bin and run through #!/usr/bin/env -S node with their flags', () => {
    requireInstalled();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { NODE_FLAGS } = require(path.join(repo, 'bin', 'start.js')) as { NODE_FLAGS: string[] };
    for (const program of PROGRAMS) {
      const file = path.join(prefix(), 'bin', program);
      fs.accessSync(file, fs.constants.X_OK);
      expect(`${program}: ${fs.readFileSync(file, 'utf8').split('\n')[0]}`).toBe(`${program}: #!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
    }
    const bin = (program: string, args: string[]) => {
      const r = spawnSync(path.join(prefix(), 'bin', program), args, { encoding: 'utf8', input: '', timeout: 30_000 });
      return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? `(${r.error.message})` : ''}` };
    };
    const { version } = JSON.parse(fs.readFileSync(path.join(installedPackage(), 'package.json'), 'utf8')) as { version: string };

    const v = bin('ipvsadm', ['-v']);
    expect(v).toEqual({ status: 0, signal: null, stdout: versionText(), stderr: '' });
    expect(v.stdout.startsWith(`ipvsadm-ts ${version} `)).toBe(true);
    const list = bin('ipvsadm', ['-L', '-n']);
    expect({ ...list, stdout: list.stdout.split('\n')[0] }).toEqual({
      status: 0, signal: null, stdout: expect.stringMatching(/^IP Virtual Server version \d+\.\d+\.\d+ \(size=\d+\)$/), stderr: '',
    });
    expect(bin('ipvsadm-save', ['-n'])).toMatchObject({ status: 0, signal: null, stderr: '' });
    expect(bin('ipvsadm-restore', [])).toEqual({ status: 0, signal: null, stdout: '', stderr: '' });
    expect(bin('ipvsadm-realserver', ['--version'])).toEqual({ status: 0, signal: null, stdout: `ipvsadm-realserver ${version} (ipvsadm-ts)\n`, stderr: '' });
  }, 60_000);

  needsInstall('the man pages are in <prefix>/share/man/man8', () => {
    requireInstalled();
    for (const page of MAN_PAGES) {
      const installed = path.join(prefix(), 'share', 'man', 'man8', page);
      expect(`${page}: ${fs.existsSync(installed)}`).toBe(`${page}: true`);
      expect(fs.readFileSync(installed, 'utf8')).toBe(fs.readFileSync(path.join(repo, 'man', page), 'utf8'));
    }
  });
});
