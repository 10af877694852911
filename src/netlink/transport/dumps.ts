/**
 * Dumps: every NLM_F_MULTI reply up to NLMSG_DONE, each dump on a socket of
 * its own from the pool. A dump that lost messages (ENOBUFS) or saw the table
 * change under it (NLM_F_DUMP_INTR) starts again from the beginning.
 */
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST } from '../constants';
import { TransportError } from '../errors';
import { DumpRestart, ReplyReader, Request } from './exchange';
import type { ChannelPool } from './pool';

/**
 * Runs `req` as a dump of family `type`, restarting it at most `retries`
 * times; each reply is what `read` makes of it (a restart reads afresh).
 */
export async function dumpWithRestarts<T>(pool: ChannelPool, type: number, req: Request, retries: number, read: ReplyReader<T>): Promise<T[]> {
  let attempt = 0;
  for (;;) {
    const channel = await pool.acquireForDump(req.op, req.large);
    let bytes = 0;
    const counted: ReplyReader<T> = (data, start, end) => {
      bytes += end - start;
      return read(data, start, end);
    };
    try {
      return (await channel.transact('dump', type, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, req, counted)) as T[];
    } catch (error) {
      if (!(error instanceof DumpRestart)) throw error;
      if (attempt >= retries) {
        throw new TransportError(`${req.op}: dump incomplete after ${attempt + 1} attempts (${error.message})`, error.errno);
      }
      attempt++;
    } finally {
      pool.releaseFromDump(channel, req.op, bytes);
    }
  }
}
