// What one lab run (a guest, or the netns) left behind in its directory.
import * as fs from 'fs';
import * as path from 'path';
import { JestSummary, ipvsVersion, summarizeJestJson } from './results';
import { LAB_FILES, SETUP_FAILED } from './script';
import type { XstateReport } from './xstate';

export interface LabRunOutcome {
  label: string;
  /** Exit status of the kernel jest run; undefined when it never finished. */
  jestStatus?: number;
  /** Why the run is not trustworthy (crash, timeout, broken lab); undefined when fine. */
  problem?: string;
  version?: string;
  summary?: JestSummary;
  durationMs: number;
  /** What the xstate preload did in a UML guest. */
  xstate?: XstateReport;
}

export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Last `n` non-empty lines of a file, for crash reports. */
export function tailOf(file: string, n: number): string {
  const text = readIfExists(file) ?? '';
  return text.split('\n').filter((l) => l.trim() !== '').slice(-n).join('\n');
}

export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOutAfterMs?: number;
}

/** `expectResult` false: the lab ran a plain command (no jest result file); jestStatus is its status. */
export function readOutcome(dir: string, label: string, end: ProcessEnd, durationMs: number, expectResult = true): LabRunOutcome {
  const file = (f: string) => path.join(dir, f);
  const outcome: LabRunOutcome = { label, durationMs };
  const versionLine = readIfExists(file(LAB_FILES.version));
  if (versionLine !== undefined) outcome.version = ipvsVersion(versionLine) ?? versionLine.trim();

  const rcText = readIfExists(file(LAB_FILES.rc))?.trim();
  const rc = rcText !== undefined && /^\d+$/.test(rcText) ? Number(rcText) : undefined;
  const howEnded = end.signal ? `signal ${end.signal}` : `exit status ${String(end.code)}`;

  if (end.timedOutAfterMs !== undefined) {
    outcome.problem = `timed out after ${Math.round(end.timedOutAfterMs / 1000)} s and was killed`;
  } else if (rc === undefined) {
    outcome.problem = `stopped before the tests finished (${howEnded}, no rc file)`;
  } else if (rc === SETUP_FAILED) {
    outcome.problem = 'the lab could not be built (see "lab:" lines in the log above)';
  }
  if (rc !== undefined && rc !== SETUP_FAILED) outcome.jestStatus = rc;

  const result = readIfExists(file(LAB_FILES.result));
  if (result !== undefined) {
    try {
      outcome.summary = summarizeJestJson(result);
    } catch (e) {
      outcome.problem ??= `unreadable jest result: ${(e as Error).message}`;
    }
  } else if (outcome.problem === undefined && expectResult) {
    outcome.problem = `jest wrote no result file (jest exit status ${String(rc)})`;
  }
  return outcome;
}
