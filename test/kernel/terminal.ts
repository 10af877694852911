/**
 * A terminal for the tests that look at what a person sees: tmux runs a
 * command in a pane of a detached session, and the pane is read back as text
 * (capture-pane), with or without its colours. Each Terminal has its own tmux
 * server (its own socket), so tests never share one.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const TMUX = 'tmux';
const COMMAND_TIMEOUT_MS = 10_000;

export interface TerminalOptions {
  width?: number;
  height?: number;
  /** Environment of the commands run in the pane (TERM is set to xterm-256color unless given). */
  env?: NodeJS.ProcessEnv;
}

export interface Screen {
  /** The pane's text, one string per row, trailing blanks removed by tmux. */
  rows: string[];
  /** The same rows with their colours, as SGR escape sequences. */
  coloured: string[];
}

const SGR = /\x1b\[[0-9;]*m/g;

export function withoutColours(row: string): string {
  return row.replace(SGR, '');
}

/** The parameters of every SGR sequence in a row, in order (e.g. ['32', '39']). */
export function colourCodes(row: string): string[] {
  return [...row.matchAll(SGR)].map((m) => m[0].slice(2, -1));
}

/**
 * The foreground colour (an SGR code such as '32', or undefined for the
 * default) at the first character of each row. tmux writes a colour only
 * where it changes, so a row that goes on in the colour of the row above has
 * no sequence of its own.
 */
export function rowColours(coloured: readonly string[]): (string | undefined)[] {
  let current: string | undefined;
  const follow = (text: string) => {
    for (const code of colourCodes(text).flatMap((c) => c.split(';'))) {
      if (code === '' || code === '0' || code === '39') current = undefined;
      else if (/^3[0-7]$/.test(code)) current = code;
    }
  };
  return coloured.map((row) => {
    const lead = /^(?:\x1b\[[0-9;]*m)*/.exec(row)![0];
    follow(lead);
    const atStart = current;
    follow(row.slice(lead.length));
    return atStart;
  });
}

/** Quotes a word for the shell tmux runs a pane's command with. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The environment for a command in a terminal: the test's, named as an
 * operator runs it (IPVSADM_ARGV0), with NO_COLOR and FORCE_COLOR removed
 * unless `extra` sets them.
 */
export function terminalEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, IPVSADM_ARGV0: 'ipvsadm', ...extra };
  for (const name of ['NO_COLOR', 'FORCE_COLOR']) if (!(name in extra)) delete env[name];
  return env;
}

export function tmuxInstalled(): boolean {
  return spawnSync(TMUX, ['-V'], { encoding: 'utf8' }).status === 0;
}

export class Terminal {
  private readonly socket: string;
  private readonly env: NodeJS.ProcessEnv;
  private alive = false;

  /** A directory on a local file system for the socket (/run is a tmpfs in the lab). */
  constructor(socketDir: string, private readonly o: TerminalOptions = {}) {
    this.socket = path.join(socketDir, `tmux-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    this.env = { TERM: 'xterm-256color', ...(o.env ?? process.env) };
  }

  private tmux(args: readonly string[]): string {
    const r = spawnSync(TMUX, ['-S', this.socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8', env: this.env, timeout: COMMAND_TIMEOUT_MS,
    });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: status ${r.status}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  private get statusFile(): string {
    return `${this.socket}.status`;
  }

  /**
   * Starts the command (words, quoted for the pane's shell) in a fresh pane,
   * without waiting for it. When it ends, the pane idles, so its screen stays
   * as the command left it (tmux's remain-on-exit would add a notice line).
   */
  start(words: readonly string[]): void {
    fs.rmSync(this.statusFile, { force: true });
    const command = `${words.map(shellWord).join(' ')}; echo $? > ${shellWord(this.statusFile)}; exec sleep 600`;
    if (this.alive) {
      this.tmux(['respawn-pane', '-k', '-t', 'test', command]);
    } else {
      this.tmux(['new-session', '-d', '-s', 'test', '-x', String(this.o.width ?? 200), '-y', String(this.o.height ?? 50), command]);
      this.alive = true;
    }
  }

  /** The command's exit status once it has ended, else undefined. */
  status(): number | undefined {
    if (!fs.existsSync(this.statusFile)) return undefined;
    const text = fs.readFileSync(this.statusFile, 'utf8');
    return text.endsWith('\n') ? Number(text) : undefined;
  }

  /** Waits for the command started last to end; returns its exit status. */
  async waitForExit(timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = this.status();
      if (status !== undefined) return status;
      if (Date.now() > deadline) throw new Error(`still running after ${timeoutMs} ms in the terminal`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Runs the command and waits for it to end; returns its exit status. */
  async run(words: readonly string[], timeoutMs = 60_000): Promise<number> {
    this.start(words);
    return this.waitForExit(timeoutMs);
  }

  /** Types keys as tmux names them (`q`, `C-c`, `Enter`). */
  sendKeys(...keys: string[]): void {
    this.tmux(['send-keys', '-t', 'test', ...keys]);
  }

  /** Resizes the window, as a person dragging the terminal's corner. */
  resize(width: number, height: number): void {
    this.tmux(['resize-window', '-t', 'test', '-x', String(width), '-y', String(height)]);
  }

  /** Polls the screen until `check` accepts it; the screen it accepted. */
  async waitForScreen(check: (screen: Screen) => boolean, what: string, timeoutMs = 30_000): Promise<Screen> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (check(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`no ${what} on the screen within ${timeoutMs} ms; it shows:\n${screen.rows.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** What the pane shows (with what scrolled off), without the empty rows below the output. */
  screen(): Screen {
    const rows = (text: string) => {
      const r = text.split('\n');
      while (r.length > 0 && withoutColours(r[r.length - 1]) === '') r.pop();
      return r;
    };
    return {
      rows: rows(this.tmux(['capture-pane', '-p', '-S', '-', '-t', 'test'])),
      coloured: rows(this.tmux(['capture-pane', '-p', '-e', '-S', '-', '-t', 'test'])),
    };
  }

  close(): void {
    if (this.alive) {
      try {
        this.tmux(['kill-server']);
      } catch {
        // Already gone.
      }
      this.alive = false;
    }
    fs.rmSync(this.socket, { force: true });
    fs.rmSync(this.statusFile, { force: true });
  }
}
