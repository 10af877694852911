/**
 * What commands return. A command never prints: it returns one of these, and
 * a renderer turns it into output and an exit status (src/render/classic.ts
 * gives ipvsadm 1.31's bytes). Tables (table.ts) are read service by service
 * as a renderer consumes them; a query that fails meanwhile throws a
 * QueryError naming the operation, for ipvsadm's message.
 */
import type { NameResolver } from '../cli/names';
import type { ListFormat } from '../cli/parse';
import type { Change, QueryKind } from '../ipvs/change';
import type { Daemon, Destination, Info, Service, Timeouts } from '../ipvs/types';
import type { ApplyOutcome } from './apply/execute';
import type { PlanStep } from './apply/plan';
import type { RuleProblem } from './apply/rules';
import type { ConnectionTable } from './connections';
import type { Table } from './table';

/** A failed query; `cause` is the kernel's (or the transport's) error. */
export class QueryError extends Error {
  constructor(
    readonly operation: QueryKind,
    cause: unknown,
  ) {
    super(`${operation} failed`, { cause });
    this.name = 'QueryError';
  }
}

/** How a listing asked to be shown (the renderer's choices, not the data). */
export interface ListView {
  format: ListFormat;
  /** -n */
  numeric: boolean;
  /** --exact (stats and rate numbers) */
  exact: boolean;
  /** --nosort: kernel order */
  nosort: boolean;
  resolver: NameResolver;
}

export type CommandResult =
  | { kind: 'changed'; change: Change }
  | { kind: 'change-refused'; change: Change; error: unknown }
  | { kind: 'query-failed'; error: QueryError }
  /** A failure 1.31 reports by its status alone (a failed -L --timeout or --daemon). */
  | { kind: 'silent-failure'; error: QueryError }
  | { kind: 'help'; argv0: string }
  | { kind: 'version' }
  | { kind: 'timeouts'; timeouts: Required<Timeouts> }
  | { kind: 'daemons'; daemons: Daemon[] }
  /** `banner` for full listings (1.31 prints it before it asks for the services). */
  | { kind: 'listing'; banner?: Info; table: Table; view: ListView }
  | { kind: 'save'; table: Table; numeric: boolean; resolver: NameResolver }
  | { kind: 'connections'; connections: ConnectionTable; numeric: boolean; persistentConn: boolean; resolver: NameResolver }
  /** apply and diff: */
  | { kind: 'extension-usage'; command: string; message: string }
  | { kind: 'extension-help'; text: string }
  | { kind: 'rules-invalid'; file: string; problems: RuleProblem[] }
  /** `diff` true: the status says whether there is anything to do. */
  | { kind: 'plan'; steps: PlanStep[]; diff: boolean }
  /** `verbose`: the steps carried out are printed as a plan when all of them took effect. */
  | { kind: 'applied'; outcome: ApplyOutcome; steps: PlanStep[]; verbose: boolean }
  | { kind: 'locked'; waitedSeconds: number }
  /** The table changed under every read of it (apply/live.ts): nothing was planned or changed. */
  | { kind: 'unsettled'; command: 'apply' | 'diff'; reads: number }
  /** drain: */
  | { kind: 'drained'; service: Service; server: Destination; seconds: number; deleted: boolean }
  | {
      kind: 'drain-timeout'; service: Service; server: Destination; active: number; inactive: number; waitedSeconds: number;
      /** What the sysctls that are off mean for this drain. */
      notes: string[];
    }
  /** The weight was put back (unless restoreError says why it could not be). */
  | { kind: 'drain-interrupted'; service: Service; server: Destination; signal: string; restoreError?: Error };
