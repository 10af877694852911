/**
 * `ipvsadm top` as a program. On a terminal: the alternate screen, redrawn
 * every interval and on a key or a resize, until `q` (or Ctrl-C, SIGINT,
 * SIGTERM); the terminal is left as it was found. When IPVS cannot be read
 * (the module unloaded, a reply that never comes), the last view stays with
 * the reason on its status line, and IPVS is opened afresh at every refresh
 * until it answers again (a reloaded module has a new family id). Not on a
 * terminal: one plain snapshot, then exit.
 */
import { TOP_SORTS, type TopInvocation } from '../cli/extensions';
import type { CommandContext } from '../commands/context';
import { topView, type TopView } from '../render/top-view';
import { formatIpvsVersion } from '../ipvs/vocabulary';
import { failureText } from '../messages';
import { EXIT_OK, EXIT_QUERY_FAILED } from '../messages/exit-status';
import { renderTop, type TopColours } from '../render/top';
import type { ProgramDeps } from './ipvsadm';

/** What top needs of a terminal; `undefined` from ProgramDeps.terminal() when stdout is not one. */
export interface TerminalIo {
  size(): { columns: number; rows: number };
  /** Unbuffered: each frame is seen whole at once. */
  write(text: string): void;
  /** Raw keys until the returned function is called. */
  keys(onKey: (key: string) => void): () => void;
  onResize(listener: () => void): () => void;
  colours(): TopColours | undefined;
}

const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const HOME_AND_CLEAR = '\x1b[H\x1b[2J';

const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 8);

/** ipvsadm's message for a failed read of the table, or the error's own text for anything else. */
function reason(error: unknown): string {
  try {
    return failureText('get-services', error);
  } catch {
    return error instanceof Error ? error.message : String(error);
  }
}

type Read = { view: TopView; version: string } | { problem: string };

export async function runTopProgram(
  inv: TopInvocation,
  deps: ProgramDeps,
  openFor: (deps: ProgramDeps) => Promise<CommandContext | number>,
): Promise<number> {
  // The first open fails as every command's does (message, status); later ones are retried.
  const first = await openFor(deps);
  if (typeof first === 'number') return first;
  let ctx: CommandContext | undefined = first;
  let previous: TopView | undefined;
  let sort = inv.sort;

  const read = async (): Promise<Read> => {
    if (ctx === undefined) {
      const opened = await openFor({ ...deps, err: () => undefined });
      if (typeof opened === 'number') return { problem: 'IPVS is not there (no ip_vs module, or no permission); retrying' };
      ctx = opened;
    }
    try {
      const table = await ctx.api.table();
      const view = topView(table, sort, previous);
      previous = view;
      return { view, version: formatIpvsVersion(ctx.info.version) };
    } catch (error) {
      ctx.api.close();
      ctx = undefined;
      return { problem: `IPVS stopped answering: ${reason(error)}; retrying` };
    }
  };

  const terminal = deps.terminal();
  try {
    return terminal === undefined ? await snapshot(first) : await interactive(terminal);
  } finally {
    ctx?.api.close();
  }

  /** One plain view, for a pipe or a file. */
  async function snapshot(opened: CommandContext): Promise<number> {
    try {
      const table = await opened.api.table();
      deps.out(renderTop(topView(table, sort), {
        version: formatIpvsVersion(opened.info.version), sort, intervalSeconds: inv.intervalSeconds,
        time: clock(deps.clock.now()), width: Infinity, height: Infinity,
      }));
      return EXIT_OK;
    } catch (error) {
      deps.err(`${reason(error)}\n`);
      return EXIT_QUERY_FAILED;
    }
  }

  async function interactive(t: TerminalIo): Promise<number> {
    const signals = deps.watchSignals();
    let wake: (() => void) | undefined;
    let quit = false;
    // A key or a resize while a refresh is being read counts for the wait after it.
    let pending = false;
    const nudge = () => {
      if (wake) wake();
      else pending = true;
    };
    const stopKeys = t.keys((key) => {
      if (key === 'q' || key === 'Q' || key === '\x03') quit = true;
      else if (key === 's') sort = TOP_SORTS[(TOP_SORTS.indexOf(sort) + 1) % TOP_SORTS.length];
      // Any other key refreshes at once, as a resize does.
      nudge();
    });
    const stopResize = t.onResize(nudge);
    // SIGINT or SIGTERM ends the wait too, so top leaves at once, not after the interval.
    signals.caught.addEventListener('abort', nudge, { once: true });
    const colours = t.colours();
    t.write(ENTER);
    try {
      // Every refresh reads the table; a key or a resize refreshes at once.
      while (!quit && signals.received() === undefined) {
        draw(t, await read(), colours);
        if (pending) {
          pending = false;
          continue;
        }
        // A key ends the wait; its timer goes too, or a long --interval would hold the process after q.
        const waited = new AbortController();
        await new Promise<void>((resolve) => {
          wake = resolve;
          void deps.clock.sleep(inv.intervalSeconds * 1000, waited.signal).then(resolve);
        });
        waited.abort();
        wake = undefined;
      }
    } finally {
      t.write(LEAVE);
      stopKeys();
      stopResize();
      signals.stop();
    }
    return EXIT_OK;
  }

  function draw(t: TerminalIo, r: Read, colours: TopColours | undefined): void {
    const { columns, rows } = t.size();
    const screen = {
      sort, intervalSeconds: inv.intervalSeconds, time: clock(deps.clock.now()), width: columns, height: rows,
      version: 'version' in r ? r.version : undefined,
      problem: 'problem' in r ? r.problem : undefined,
    };
    const view = 'view' in r ? r.view : previous;
    const text = view ? renderTop(view, screen, colours) : `${screen.problem ?? ''}\n`;
    // Raw mode: the terminal does not turn a newline into a carriage return and a newline.
    t.write(HOME_AND_CLEAR + text.replace(/\n/g, '\r\n'));
  }
}
