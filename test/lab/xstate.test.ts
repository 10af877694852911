// Unit tests of the xstate preload's host side: building, environment, the
// report it writes, and what the lab recognises in a dead guest. The overlay
// itself runs in every UML guest; scripts/test.js's fpu self-test proves it.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FpuWork, fpuWorkload } from '../../scripts/lab/fpu-check';
import { report } from '../../scripts/lab/index';
import type { LabRunOutcome } from '../../scripts/lab/outcome';
import { EMPTY_SUMMARY } from '../../scripts/lab/results';
import {
  cacheDirectory, describeXstateReport, diagnoseGuestDeath, parseXstateReport, preloadEnvironment, xstateMode,
  xstatePreload,
} from '../../scripts/lab/xstate';

const repo = path.resolve(__dirname, '..', '..');
const made: string[] = [];
function tmpdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xstate-unit-'));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

// The console of a guest killed on an AMX host without the preload (trimmed).
const AMX_PANIC_CONSOLE = [
  'Linux version 6.1.0-um (Debian 6.1um4)',
  'Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b',
  'CPU: 0 PID: 1 Comm: lab.sh Not tainted 6.1.0',
  ' [<6002d0ed>] do_signal+0x24/0x12d',
  ' [<6002e653>] fatal_sigsegv+0x39/0x45',
  ' [<6004b1ca>] ? put_fp_registers+0x10/0x12',
  ' [<60048839>] userspace+0xab/0x570',
].join('\n');

describe('xstate mode', () => {
  test('auto by default, always on request, anything else refused', () => {
    expect(xstateMode({})).toBe('auto');
    expect(xstateMode({ IPVS_LAB_XSTATE: '' })).toBe('auto');
    expect(xstateMode({ IPVS_LAB_XSTATE: 'auto' })).toBe('auto');
    expect(xstateMode({ IPVS_LAB_XSTATE: 'always' })).toBe('always');
    expect(() => xstateMode({ IPVS_LAB_XSTATE: 'yes' })).toThrow("IPVS_LAB_XSTATE must be auto or always, got 'yes'");
  });
});

describe('building the preload', () => {
  test('the cache lives outside the repository: XDG_CACHE_HOME, else ~/.cache', () => {
    expect(cacheDirectory({ XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe('/c/ipvsadm-ts-lab');
    expect(cacheDirectory({ HOME: '/h' })).toBe('/h/.cache/ipvsadm-ts-lab');
    expect(cacheDirectory({}).startsWith(os.tmpdir())).toBe(true);
  });

  test('compiles once into the cache, then reuses the file', () => {
    const cache = tmpdir();
    const first = xstatePreload(repo, { XDG_CACHE_HOME: cache });
    if (!('library' in first)) throw new Error(first.error);
    expect(first.library.startsWith(path.join(cache, 'ipvsadm-ts-lab', 'xstate-preload-'))).toBe(true);
    const stamp = fs.statSync(first.library).mtimeMs;
    expect(xstatePreload(repo, { XDG_CACHE_HOME: cache })).toEqual(first);
    expect(fs.statSync(first.library).mtimeMs).toBe(stamp);
    // No half-written file is left beside it.
    expect(fs.readdirSync(path.dirname(first.library)).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  test('a missing compiler is an error value naming it, not an exception', () => {
    const r = xstatePreload(repo, { XDG_CACHE_HOME: tmpdir(), CC: '/nonexistent/cc' });
    expect(r).toEqual({ error: expect.stringContaining('/nonexistent/cc') });
  });

  test('loaded into an ordinary program, it changes nothing and writes its report', () => {
    const built = xstatePreload(repo, { XDG_CACHE_HOME: tmpdir() });
    if (!('library' in built)) throw new Error(built.error);
    const reportFile = path.join(tmpdir(), 'xstate');
    const env = preloadEnvironment(built.library, 'always', reportFile, { PATH: process.env.PATH });
    const r = spawnSync('sh', ['-c', 'echo hello'], { env, encoding: 'utf8' });
    expect(r.stdout).toBe('hello\n');
    expect(r.stderr).toBe('');
    expect(parseXstateReport(fs.readFileSync(reportFile, 'utf8'))).toEqual({
      mode: 'always', umlBytes: 0, hostBytes: 0, refused: 0, overlays: 0, overlayFailures: 0, passedThrough: 0,
    });
  });

  test('environment: the preload goes first in LD_PRELOAD, beside the mode and the report file', () => {
    expect(preloadEnvironment('/c/x.so', 'auto', '/t/xstate', { A: '1' })).toEqual({
      A: '1', LD_PRELOAD: '/c/x.so', IPVS_LAB_XSTATE: 'auto', IPVS_LAB_XSTATE_REPORT: '/t/xstate',
    });
    expect(preloadEnvironment('/c/x.so', 'always', '/t/xstate', { LD_PRELOAD: '/other.so' }).LD_PRELOAD).toBe('/c/x.so:/other.so');
  });
});

describe('the report', () => {
  const line = 'mode=auto uml_bytes=2696 host_bytes=11008 refused=1 overlays=149618 overlay_failures=0 passed_through=0\n';

  test('parses the line the preload writes, and nothing else', () => {
    expect(parseXstateReport(line)).toEqual({
      mode: 'auto', umlBytes: 2696, hostBytes: 11008, refused: 1, overlays: 149618, overlayFailures: 0, passedThrough: 0,
    });
    expect(parseXstateReport('')).toBeUndefined();
    expect(parseXstateReport('mode=sometimes uml_bytes=1 host_bytes=1 refused=0 overlays=0 overlay_failures=0 passed_through=0')).toBeUndefined();
    // A line of the older format (without passed_through) is not taken.
    expect(parseXstateReport('mode=auto uml_bytes=1 host_bytes=1 refused=0 overlays=0 overlay_failures=0')).toBeUndefined();
  });

  test('describes what the preload did in one line', () => {
    expect(describeXstateReport(parseXstateReport(line)!)).toBe(
      'xstate preload (auto): 149618 FPU state write(s) overlaid after the host refused a short write (UML 2696 bytes, host XSAVE 11008)',
    );
    expect(describeXstateReport({ mode: 'auto', umlBytes: 2696, hostBytes: 0, refused: 0, overlays: 0, overlayFailures: 0, passedThrough: 0 })).toBe(
      'xstate preload (auto): not needed, every FPU state write was accepted',
    );
    expect(describeXstateReport({ mode: 'always', umlBytes: 2696, hostBytes: 2440, refused: 0, overlays: 0, overlayFailures: 0, passedThrough: 9 })).toBe(
      "xstate preload (always): nothing to overlay on this host, its XSAVE area (2440 bytes) is no larger than UML's (2696); 9 write(s) left to it",
    );
  });
});

describe('a guest that died before running a test', () => {
  test('an AMX host: the panic at init, the sizes, and the CPU, in one line', () => {
    const text = diagnoseGuestDeath({
      console: AMX_PANIC_CONSOLE,
      report: { mode: 'auto', umlBytes: 2696, hostBytes: 11008, refused: 1, overlays: 0, overlayFailures: 3, passedThrough: 0 },
      cpuFlags: ['fpu', 'avx512f', 'amx_tile'],
    });
    expect(text).toBe(
      'recognised: the guest kernel panicked at init (Attempted to kill init! exitcode=0x0000000b); ' +
        "in a fatal SIGSEGV while writing a process's FPU registers; " +
        "UML writes 2696 bytes of XSAVE state where the host's area is 11008; " +
        "the xstate preload's overlay failed 3 time(s); " +
        'the host CPU has AMX (amx_tile), whose XSAVE area is larger than UML 6.1 expects',
    );
    expect(text).not.toContain('\n');
  });

  test('without the preload, says why it was not set', () => {
    const text = diagnoseGuestDeath({ console: AMX_PANIC_CONSOLE, cpuFlags: ['amx_tile'], preloadError: 'cannot run the C compiler cc: ENOENT' });
    expect(text).toContain('the xstate preload was not set (cannot run the C compiler cc: ENOENT)');
  });

  test('an unrelated death on a host without AMX: only the panic', () => {
    expect(diagnoseGuestDeath({ console: 'Kernel panic - not syncing: VFS: Unable to mount root fs', cpuFlags: ['avx2'] })).toBe(
      'recognised: the guest kernel panicked while booting (VFS: Unable to mount root fs)',
    );
    expect(diagnoseGuestDeath({ console: 'just some boot lines', cpuFlags: ['avx2'] })).toBeUndefined();
  });
});

describe('the fpu self-test', () => {
  const work: FpuWork = { seed: 7, rounds: 20 };

  test('the workload is deterministic and depends on its seed and length', () => {
    const a = fpuWorkload(work);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{32}$/);
    expect(fpuWorkload(work)).toBe(a);
    expect(fpuWorkload({ ...work, seed: 8 })).not.toBe(a);
    expect(fpuWorkload({ ...work, rounds: 21 })).not.toBe(a);
  });

  const clean: LabRunOutcome = {
    label: 'fpu self-test', jestStatus: 0, durationMs: 1,
    xstate: { mode: 'always', umlBytes: 2696, hostBytes: 11008, refused: 0, overlays: 5, overlayFailures: 0, passedThrough: 0 },
  };
  const guest: LabRunOutcome = { label: 'guest 1/1', jestStatus: 0, durationMs: 1, version: '1.2.1', summary: { ...EMPTY_SUMMARY, executed: 3, passed: 3 } };

  test('passes only when the check passed and the overlay was really taken without failures, or the host had nothing to overlay', () => {
    expect(report('uml', [guest], clean).problems).toEqual([]);
    const problems = (o: Partial<LabRunOutcome>) => report('uml', [guest], { ...clean, ...o }).problems;
    expect(problems({ jestStatus: 1 })).toEqual(['fpu self-test: fpu-check exited with status 1']);
    expect(problems({ xstate: undefined })).toEqual(['fpu self-test: the xstate preload wrote no report: it was not loaded']);
    expect(problems({ xstate: { ...clean.xstate!, overlays: 0 } })).toEqual(['fpu self-test: the xstate preload never overlaid a write']);
    // A host whose XSAVE area is no larger than UML's (2,440 bytes, AMD EPYC without AVX-512) has nothing to overlay.
    const smallHost = { ...clean.xstate!, hostBytes: 2440, overlays: 0, passedThrough: 40 };
    expect(problems({ xstate: smallHost })).toEqual([]);
    expect(problems({ xstate: { ...smallHost, passedThrough: 0 } })).toEqual(['fpu self-test: the xstate preload never overlaid a write']);
    expect(problems({ xstate: { ...smallHost, hostBytes: 11008 } })).toEqual(['fpu self-test: the xstate preload never overlaid a write']);
    expect(problems({ xstate: { ...clean.xstate!, overlayFailures: 2 } })).toEqual(['fpu self-test: 2 overlaid write(s) failed']);
    expect(problems({ problem: 'timed out after 300 s and was killed' })).toEqual(['fpu self-test: timed out after 300 s and was killed']);
  });
});
