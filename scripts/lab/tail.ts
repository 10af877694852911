// Follows a file that another machine (the UML guest, through hostfs) appends
// to, handing over complete lines; polling because inotify does not see
// writes made by the guest kernel.
import * as fs from 'fs';
import { StringDecoder } from 'string_decoder';

export class LogTail {
  private offset = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly onLine: (line: string) => void,
  ) {}

  start(intervalMs = 250): void {
    this.timer = setInterval(() => this.poll(), intervalMs);
  }

  /** Reads whatever is new; safe to call before the file exists. */
  poll(): void {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return;
    }
    try {
      const chunk = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = fs.readSync(fd, chunk, 0, chunk.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        this.partial += this.decoder.write(chunk.subarray(0, n));
      }
    } finally {
      fs.closeSync(fd);
    }
    const lines = this.partial.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  /** Final read; an unterminated last line is handed over too. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.poll();
    if (this.partial !== '') this.onLine(this.partial);
    this.partial = '';
  }
}
