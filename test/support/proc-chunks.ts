import { readServersFile, type ServersFile } from '../../src/commands/servers-file';

/**
 * A /proc file as the programs read it (commands/context.ts
 * readServersFile): chunks of `size` bytes, each written over the one before
 * in a single buffer, so a reader that keeps a chunk past the next one sees
 * it change, as it would with the real reader.
 */
export function* procChunks(text: string, size = 97): Generator<Uint8Array> {
  const bytes = Buffer.from(text, 'latin1');
  // A Buffer, as the programs read into: its slice() is a view, not a copy.
  const buffer = Buffer.alloc(size);
  for (let from = 0; from < bytes.length; from += size) {
    const n = Math.min(size, bytes.length - from);
    buffer.set(bytes.subarray(from, from + n));
    yield buffer.subarray(0, n);
  }
  buffer.fill(0x7e);
}

/** readServersFile of the whole text (as read with the latin1 encoding) in one chunk. */
export function parseServersFile(text: string): ServersFile | undefined {
  return readServersFile([Buffer.from(text, 'latin1')]);
}
