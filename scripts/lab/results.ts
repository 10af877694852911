// Reading jest's --json output and adding up several runs (one per guest).

export interface JestSummary {
  /** Tests that actually ran (passed + failed); skipped and todo do not count. */
  executed: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Suites that could not run at all (syntax error, missing module, failing hook...). */
  brokenSuites: string[];
  /** Full names of failed tests, for the end-of-run summary. */
  failedTests: string[];
}

export const EMPTY_SUMMARY: JestSummary = {
  executed: 0, passed: 0, failed: 0, skipped: 0, brokenSuites: [], failedTests: [],
};

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}

/** Tolerant reader: a malformed file gives an error, never a crash of the launcher. */
export function summarizeJestJson(text: string): JestSummary {
  const data: unknown = JSON.parse(text);
  if (typeof data !== 'object' || data === null) throw new Error('jest result is not an object');
  const r = data as Record<string, unknown>;
  const passed = count(r.numPassedTests);
  const failed = count(r.numFailedTests);
  const skipped = count(r.numPendingTests) + count(r.numTodoTests);
  const brokenSuites: string[] = [];
  const failedTests: string[] = [];
  for (const suite of Array.isArray(r.testResults) ? r.testResults : []) {
    const s = suite as Record<string, unknown>;
    const assertions = Array.isArray(s.assertionResults) ? s.assertionResults : [];
    for (const a of assertions) {
      const t = a as Record<string, unknown>;
      if (t.status === 'failed') failedTests.push(String(t.fullName ?? t.title ?? '?'));
    }
    const anyFailedAssertion = assertions.some((a) => (a as Record<string, unknown>).status === 'failed');
    if (s.status === 'failed' && !anyFailedAssertion) {
      const firstLine = String(s.message ?? '').split('\n').find((l) => l.trim() !== '') ?? '';
      brokenSuites.push(`${String(s.name ?? '?')}: ${firstLine.trim()}`);
    }
  }
  return { executed: passed + failed, passed, failed, skipped, brokenSuites, failedTests };
}

export function addSummaries(a: JestSummary, b: JestSummary): JestSummary {
  return {
    executed: a.executed + b.executed,
    passed: a.passed + b.passed,
    failed: a.failed + b.failed,
    skipped: a.skipped + b.skipped,
    brokenSuites: [...a.brokenSuites, ...b.brokenSuites],
    failedTests: [...a.failedTests, ...b.failedTests],
  };
}

/** "IP Virtual Server version 1.2.1 (size=4096)" -> "1.2.1". */
export function ipvsVersion(firstLine: string): string | undefined {
  return /IP Virtual Server version (\d+\.\d+\.\d+)/.exec(firstLine)?.[1];
}
