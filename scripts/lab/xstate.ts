// The xstate preload (xstate-preload.c beside this file): built on first use
// with the system C compiler into a cache outside the repository, and set
// for every UML guest, so the lab boots on hosts whose XSAVE area is larger
// than the one Debian's linux.uml was built for (CPUs with AMX).
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** IPVS_LAB_XSTATE: `auto` overlays only after the host refused a write; `always` on every write. */
export type XstateMode = 'auto' | 'always';

export const XSTATE_SOURCE = path.join('scripts', 'lab', 'xstate-preload.c');

export type PreloadBuild = { library: string } | { error: string };

export function xstateMode(env: NodeJS.ProcessEnv): XstateMode {
  const raw = env.IPVS_LAB_XSTATE;
  if (raw === undefined || raw === '' || raw === 'auto') return 'auto';
  if (raw === 'always') return 'always';
  throw new Error(`IPVS_LAB_XSTATE must be auto or always, got '${raw}'`);
}

/** $XDG_CACHE_HOME/ipvsadm-ts-lab, else ~/.cache/ipvsadm-ts-lab, else one under the temporary directory. */
export function cacheDirectory(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME || (env.HOME ? path.join(env.HOME, '.cache') : os.tmpdir());
  return path.join(base, 'ipvsadm-ts-lab');
}

const built = new Map<string, PreloadBuild>();

/**
 * The compiled library for this source, compiler and architecture: reused
 * from the cache when there, else compiled once (per process) and moved into
 * place atomically, so guests started together never see half a file.
 */
export function xstatePreload(repo: string, env: NodeJS.ProcessEnv = process.env): PreloadBuild {
  const source = path.join(repo, XSTATE_SOURCE);
  const compiler = env.CC || 'cc';
  let text: Buffer;
  try {
    text = fs.readFileSync(source);
  } catch (e) {
    return { error: `cannot read ${source}: ${(e as Error).message}` };
  }
  const key = createHash('sha256').update(text).update(`\0${compiler}\0${process.arch}`).digest('hex').slice(0, 16);
  const library = path.join(cacheDirectory(env), `xstate-preload-${key}.so`);
  const known = built.get(library);
  if (known) return known;
  const result = fs.existsSync(library) ? { library } : compile(compiler, source, library);
  built.set(library, result);
  return result;
}

function compile(compiler: string, source: string, library: string): PreloadBuild {
  const partial = `${library}.${process.pid}.part`;
  try {
    fs.mkdirSync(path.dirname(library), { recursive: true });
    const r = spawnSync(compiler, ['-shared', '-fPIC', '-O2', '-Wall', '-o', partial, source, '-ldl'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (r.error) return { error: `cannot run the C compiler ${compiler}: ${r.error.message}` };
    if (r.status !== 0) {
      const first = (r.stderr || r.stdout).split('\n').find((l) => l.trim() !== '') ?? '';
      return { error: `${compiler} failed on ${source} (status ${String(r.status)}): ${first.trim()}` };
    }
    fs.renameSync(partial, library);
    return { library };
  } catch (e) {
    return { error: `cannot build the xstate preload into ${path.dirname(library)}: ${(e as Error).message}` };
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

/** Variables for the linux.uml process: the preload first in LD_PRELOAD, its mode and its report file. */
export function preloadEnvironment(
  library: string,
  mode: XstateMode,
  reportFile: string,
  env: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  const preload = env.LD_PRELOAD ? `${library}:${env.LD_PRELOAD}` : library;
  return { ...env, LD_PRELOAD: preload, IPVS_LAB_XSTATE: mode, IPVS_LAB_XSTATE_REPORT: reportFile };
}

/** The counts the preload writes (see write_report in xstate-preload.c). */
export interface XstateReport {
  mode: XstateMode;
  /** Bytes of XSAVE state UML wrote; 0 when it wrote none yet. */
  umlBytes: number;
  /** The host's full XSAVE size, as read by the overlay; 0 when it never read one. */
  hostBytes: number;
  refused: number;
  overlays: number;
  overlayFailures: number;
  /** Writes left to the host as UML made them: its whole area is no larger than UML's buffer. */
  passedThrough: number;
}

export function parseXstateReport(text: string): XstateReport | undefined {
  const m = /^mode=(auto|always) uml_bytes=(\d+) host_bytes=(\d+) refused=(\d+) overlays=(\d+) overlay_failures=(\d+) passed_through=(\d+)$/.exec(
    text.trim(),
  );
  if (!m) return undefined;
  return {
    mode: m[1] as XstateMode,
    umlBytes: Number(m[2]),
    hostBytes: Number(m[3]),
    refused: Number(m[4]),
    overlays: Number(m[5]),
    overlayFailures: Number(m[6]),
    passedThrough: Number(m[7]),
  };
}

/** One line for the lab's summary: what the preload did in a guest. */
export function describeXstateReport(r: XstateReport): string {
  if (r.overlays === 0 && r.overlayFailures === 0 && r.passedThrough > 0) {
    return `xstate preload (${r.mode}): nothing to overlay on this host, its XSAVE area (${r.hostBytes} bytes) is no larger than UML's (${r.umlBytes}); ${r.passedThrough} write(s) left to it`;
  }
  if (r.overlays === 0 && r.refused === 0 && r.overlayFailures === 0) {
    return `xstate preload (${r.mode}): not needed, every FPU state write was accepted`;
  }
  const sizes = r.hostBytes > 0 ? ` (UML ${r.umlBytes} bytes, host XSAVE ${r.hostBytes})` : '';
  const failures = r.overlayFailures > 0 ? `, ${r.overlayFailures} failed` : '';
  const why = r.mode === 'always' ? 'on every write (IPVS_LAB_XSTATE=always)' : 'after the host refused a short write';
  return `xstate preload (${r.mode}): ${r.overlays} FPU state write(s) overlaid ${why}${sizes}${failures}`;
}

export interface DeathClues {
  /** The whole guest console. */
  console: string;
  report?: XstateReport;
  /** Why the preload was not set, when it was not. */
  preloadError?: string;
  /** The host's /proc/cpuinfo flags. */
  cpuFlags: readonly string[];
}

export function hostCpuFlags(): string[] {
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    return line ? line.slice(line.indexOf(':') + 1).trim().split(/\s+/) : [];
  } catch {
    return [];
  }
}

/**
 * One line saying what is recognised in the death of a guest that ran no
 * test: a panic at init, and whether the FPU state size mismatch explains it.
 * Undefined when nothing is recognised.
 */
export function diagnoseGuestDeath(c: DeathClues): string | undefined {
  const panic = /Kernel panic - not syncing: ([^\n]*)/.exec(c.console);
  const fpuTrace = /fatal_sigsegv/.test(c.console) && /(put|get)_fp_registers/.test(c.console);
  const amx = c.cpuFlags.includes('amx_tile');
  const r = c.report;
  const parts: string[] = [];
  if (panic) {
    const atInit = /kill init/.test(panic[1]) ? 'at init' : 'while booting';
    parts.push(`the guest kernel panicked ${atInit} (${panic[1].trim()})`);
  }
  if (fpuTrace) parts.push('in a fatal SIGSEGV while writing a process\'s FPU registers');
  if (r && r.umlBytes > 0 && r.hostBytes > 0 && r.umlBytes !== r.hostBytes) {
    parts.push(`UML writes ${r.umlBytes} bytes of XSAVE state where the host's area is ${r.hostBytes}`);
  }
  if (r && r.overlayFailures > 0) parts.push(`the xstate preload's overlay failed ${r.overlayFailures} time(s)`);
  if (c.preloadError !== undefined && (amx || fpuTrace)) {
    parts.push(`the xstate preload was not set (${c.preloadError})`);
  } else if (!r && (amx || fpuTrace) && c.preloadError === undefined) {
    parts.push('the xstate preload wrote no report (was it loaded?)');
  }
  if (amx && (fpuTrace || panic)) parts.push('the host CPU has AMX (amx_tile), whose XSAVE area is larger than UML 6.1 expects');
  return parts.length > 0 ? `recognised: ${parts.join('; ')}` : undefined;
}
