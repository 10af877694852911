// Follows a file that another machine (the UML guest, through hostfs) appends
// to; polling because inotify does not see writes made by the guest kernel.
// FileFollower hands over the new bytes as they are; LogTail complete lines.
import * as fs from 'fs';
import { StringDecoder } from 'string_decoder';

export class FileFollower {
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly onBytes: (chunk: Buffer) => void,
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
      for (;;) {
        const chunk = Buffer.alloc(64 * 1024);
        const n = fs.readSync(fd, chunk, 0, chunk.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        this.onBytes(chunk.subarray(0, n));
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Final read. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.poll();
  }
}

export class LogTail {
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly follower: FileFollower;

  constructor(
    file: string,
    private readonly onLine: (line: string) => void,
  ) {
    this.follower = new FileFollower(file, (chunk) => this.take(chunk));
  }

  start(intervalMs = 250): void {
    this.follower.start(intervalMs);
  }

  /** Reads whatever is new; safe to call before the file exists. */
  poll(): void {
    this.follower.poll();
  }

  private take(chunk: Buffer): void {
    this.partial += this.decoder.write(chunk);
    const lines = this.partial.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  /** Final read; an unterminated last line is handed over too. */
  stop(): void {
    this.follower.stop();
    if (this.partial !== '') this.onLine(this.partial);
    this.partial = '';
  }
}
