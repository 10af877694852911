/**
 * `ipvsadm drain`: take one real server out of service without breaking a
 * connection. Its weight goes to 0 (no new connections), then its active and
 * inactive connection counts are watched until both are 0 or the wait is
 * over; a drained server is deleted (or kept at weight 0 with --keep), one
 * that did not drain in time stays at weight 0. An interrupt puts the weight
 * back. The service and server are named as for `ipvsadm -e`, and the
 * classic parser checks them.
 */
import { constants as osConstants } from 'os';
import type { DrainInvocation } from '../cli/extensions';
import { isParseFailure, parseCommandLine } from '../cli/parse';
import type { Change } from '../ipvs/change';
import { IP_VS_SVC_F_PERSISTENT } from '../ipvs/kernel-values';
import { serviceKey, type Destination, type Service, type ServiceKey } from '../ipvs/types';
import { KernelError } from '../netlink/errors';
import type { CommandContext } from './context';
import { QueryError, type CommandResult } from './results';

/** How often the counts are read. */
export const DRAIN_POLL_MS = 1000;

/** The sysctls that decide what a drain can achieve, with what it means when one is 0. */
export const DRAIN_SYSCTLS = [
  {
    name: 'net.ipv4.vs.expire_quiescent_template',
    off: 'persistent clients keep being sent to a server at weight 0 until their persistence templates expire',
    persistentOnly: true,
  },
  {
    name: 'net.ipv4.vs.expire_nodest_conn',
    off: 'connections still open to a deleted server are not expired: their packets are dropped until they time out',
    persistentOnly: false,
  },
] as const;

export interface DrainProgress {
  active: number;
  inactive: number;
  secondsLeft: number;
}

/** What a drain needs from the process: the clock, signals, the sysctls and a place to show progress. */
export interface DrainSession {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** The signal that asked the program to stop, if any. */
  interrupted(): string | undefined;
  /** The server is at weight 0 now; `notes` say which sysctls that matter are off. */
  begin(service: Service, server: Destination, notes: readonly string[]): void;
  progress(p: DrainProgress): void;
  /** The value of a sysctl, or undefined when it cannot be read. */
  sysctl(name: string): Promise<string | undefined>;
}

/** What the operator is told about the sysctls that are off. */
export async function drainNotes(service: Service, session: DrainSession): Promise<string[]> {
  const notes: string[] = [];
  for (const s of DRAIN_SYSCTLS) {
    if (s.persistentOnly && !(service.flags & IP_VS_SVC_F_PERSISTENT)) continue;
    const value = await session.sysctl(s.name);
    if (value !== undefined && value.trim() === '0') notes.push(`${s.name} is 0: ${s.off}`);
  }
  return notes;
}

const sameServer = (a: Pick<Destination, 'address' | 'port'>, b: Pick<Destination, 'address' | 'port'>) =>
  a.address === b.address && a.port === b.port;

/** Why the service can no longer be read, or undefined while it is there. */
async function serviceGone(ctx: CommandContext, key: ServiceKey): Promise<QueryError | undefined> {
  try {
    await ctx.api.service(key);
    return undefined;
  } catch (error) {
    return new QueryError('get-service', error);
  }
}

export async function runDrain(inv: DrainInvocation, ctx: CommandContext, session: DrainSession): Promise<CommandResult> {
  // -m: with the default forwarding method (route), the classic parser gives the
  // server the service's port whatever -r says; the server is named as it is listed.
  const parsed = await parseCommandLine(['-e', ...inv.target, '-m'], ctx);
  if (isParseFailure(parsed)) {
    return { kind: 'extension-usage', command: 'drain', message: parsed.message.trim().split('\n').join('; ') };
  }
  const key = serviceKey(parsed.service!);
  const wanted = parsed.destination!;
  const edit = (destination: Destination, weight: number): Change => ({
    kind: 'edit-server', service: key, destination: { ...destination, weight },
  });
  let service: Service;
  try {
    service = await ctx.api.service(key);
  } catch (error) {
    // What `ipvsadm -e` says of a service that does not exist.
    return { kind: 'change-refused', change: edit(wanted, 0), error };
  }
  const read = async (): Promise<Destination | undefined | QueryError> => {
    try {
      return (await ctx.api.destinations(key)).find((d) => sameServer(d, wanted));
    } catch (error) {
      return new QueryError('get-dests', error);
    }
  };
  const first = await read();
  if (first instanceof QueryError) return { kind: 'query-failed', error: first };
  if (first === undefined) {
    // What `ipvsadm -e` says of a server the service does not have.
    return { kind: 'change-refused', change: edit(wanted, 0), error: new KernelError(osConstants.errno.ENOENT, 'SET_DEST') };
  }
  const target = { service, server: first };
  const quiesce = edit(first, 0);
  const [refused] = await ctx.api.apply([quiesce]);
  if (refused) return { kind: 'change-refused', change: quiesce, error: refused };

  const notes = await drainNotes(service, session);
  session.begin(service, first, notes);
  const started = session.now();
  const deadline = started + inv.waitSeconds * 1000;
  let current: Destination = first;
  for (;;) {
    const signal = session.interrupted();
    if (signal !== undefined) {
      const restore = edit(first, first.weight);
      const [failed] = await ctx.api.apply([restore]);
      return { kind: 'drain-interrupted', ...target, signal, restoreError: failed };
    }
    const now = await read();
    if (now instanceof QueryError) return { kind: 'query-failed', error: now };
    if (now === undefined) {
      // The kernel lists no servers for a service that is gone (a flush, the
      // module unloaded): then nothing is known of the connections.
      const gone = await serviceGone(ctx, key);
      if (gone) return { kind: 'query-failed', error: gone };
      // Someone else deleted the server: nothing is left to wait for or to delete.
      return { kind: 'drained', ...target, seconds: (session.now() - started) / 1000, deleted: false };
    }
    current = now;
    const active = current.activeConns ?? 0;
    const inactive = current.inactiveConns ?? 0;
    const left = deadline - session.now();
    session.progress({ active, inactive, secondsLeft: Math.max(0, Math.ceil(left / 1000)) });
    if (active === 0 && inactive === 0) break;
    if (left <= 0) {
      return {
        kind: 'drain-timeout', ...target, active, inactive, waitedSeconds: inv.waitSeconds, notes,
      };
    }
    await session.sleep(Math.min(DRAIN_POLL_MS, left));
  }
  const seconds = (session.now() - started) / 1000;
  if (inv.keep) return { kind: 'drained', ...target, seconds, deleted: false };
  const remove: Change = { kind: 'delete-server', service: key, destination: current };
  const [failed] = await ctx.api.apply([remove]);
  if (failed) return { kind: 'change-refused', change: remove, error: failed };
  return { kind: 'drained', ...target, seconds, deleted: true };
}
