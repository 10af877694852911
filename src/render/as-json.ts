/**
 * Output and exit status of a result under `--json`: a listing, save,
 * connection table, timeouts or daemons as one JSON document on stdout (see
 * json.ts), and any failure as one JSON object on stderr, `{"error":
 * {"message": ..., "status": ...}}`, with the message 1.31 would print and
 * the same status. Nothing else changes: what the classic writer decides
 * (statuses, messages) is asked of it, not decided again here.
 */
import { CONN_UNEXPECTED_INPUT } from './connections';
import type { OutputSink } from '../commands/context';
import type { CommandResult, QueryError } from '../commands/results';
import { collect } from '../commands/table';
import { failureText } from '../messages';
import { EXIT_OK, EXIT_QUERY_FAILED } from '../messages/exit-status';
import { writeJson, type JsonValue } from '../json/write';
import { writeClassic } from './classic';
import { connectionsJson, daemonsJson, errorJson, listingJson, saveJson, timeoutsJson } from './json';
import { orderTable } from './sort';

function document(out: OutputSink, doc: JsonValue): number {
  out.out(`${writeJson(doc)}\n`);
  return EXIT_OK;
}

function error(out: OutputSink, message: string, status: number): number {
  out.err(`${writeJson(errorJson(message, status))}\n`);
  return status;
}

/**
 * A result with no document of its own: the classic writer's output as it
 * is when it succeeds (help, for one), or its message as the error object.
 */
async function classicAsJson(result: CommandResult, out: OutputSink): Promise<number> {
  let stdout = '';
  let stderr = '';
  const status = await writeClassic(result, { out: (t) => { stdout += t; }, err: (t) => { stderr += t; } });
  if (status === EXIT_OK) {
    if (stdout !== '') out.out(stdout);
    if (stderr !== '') out.err(stderr);
    return status;
  }
  return error(out, stderr !== '' ? stderr : stdout, status);
}

export async function writeAsJson(result: CommandResult, out: OutputSink): Promise<number> {
  switch (result.kind) {
    case 'listing':
    case 'save': {
      let rows;
      try {
        rows = await collect(result.table);
      } catch (e) {
        return classicAsJson({ kind: 'query-failed', error: e as QueryError }, out);
      }
      if (result.kind === 'save') return document(out, saveJson(orderTable(rows, false)));
      return document(out, listingJson(orderTable(rows, result.view.nosort), result.banner));
    }
    case 'connections': {
      const table = result.connections;
      if (table.state !== 'read') return classicAsJson(result, out);
      document(out, connectionsJson(table.entries));
      // 1.31 stops at a line it cannot read with status 1 and no message.
      return table.stopped ? error(out, CONN_UNEXPECTED_INPUT, EXIT_QUERY_FAILED) : EXIT_OK;
    }
    case 'timeouts':
      return document(out, timeoutsJson(result.timeouts));
    case 'daemons':
      return document(out, daemonsJson(result.daemons));
    case 'silent-failure':
      return error(out, failureText(result.error.operation, result.error.cause), EXIT_QUERY_FAILED);
    default:
      return classicAsJson(result, out);
  }
}
