/**
 * One run of ipvsadm-realserver: read the host, plan, change what differs
 * (or print it, for --dry-run), keep the record that --undo reverts. Talks
 * to the host only through RealServerSystem; writes only through `io`.
 */
import * as path from 'path';
import { KernelError, TransportError } from '../netlink/errors';
import { strerror } from '../messages/strerror';
import { FOU_ENCAP_GUE } from '../netlink/fou-codec';
import { commandText } from './commands';
import { missingModules, planSetup, planUndo, recordedSysctls } from './plan';
import { decodeRecord, encodeRecord, RecordError, STATE_FILE, StateRecord } from './record';
import type { RealServerSystem } from './system';
import { Change, HostState, Invocation, isRecorded, SetupInvocation } from './types';
import { requiredSysctls } from './vips';
import { helpText, PROGRAM, UsageError, versionText } from './parse';

export const EXIT_OK = 0;
/** A change failed, a module would not load, the state file is unusable or absent (--undo). */
export const EXIT_FAILED = 1;
/** A bad command line. */
export const EXIT_USAGE = 2;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** A failure reported as one line, `ipvsadm-realserver: <message>`. */
export class RunError extends Error {
  override name = 'RunError';
}

const EPERM = 1;
const EACCES = 13;

/** Why a change failed, in the C library's words, with a hint when it is a matter of privilege. */
export function reason(error: unknown): string {
  const errno = error instanceof KernelError || error instanceof TransportError ? error.errno
    : typeof (error as NodeJS.ErrnoException)?.errno === 'number' ? Math.abs((error as NodeJS.ErrnoException).errno!) : undefined;
  if (errno === undefined) return error instanceof Error ? error.message : String(error);
  const extack = error instanceof KernelError && error.extack ? ` (${error.extack})` : '';
  const hint = errno === EPERM || errno === EACCES ? ' (run as root, or with CAP_NET_ADMIN)' : '';
  return `${strerror(errno)}${extack}${hint}`;
}

async function readHost(sys: RealServerSystem, sysctls: readonly string[], fou: boolean): Promise<HostState> {
  const [links, addresses, fouPorts] = await Promise.all([sys.links(), sys.addresses(), fou ? sys.fouPorts() : undefined]);
  const values = new Map<string, string | undefined>();
  for (const name of sysctls) values.set(name, await sys.readSysctl(name));
  return { links, addresses, sysctls: values, fouPorts };
}

async function apply(sys: RealServerSystem, state: HostState, c: Change): Promise<void> {
  const linkIndex = (device: string): number => {
    const link = state.links.find((l) => l.name === device);
    if (!link) throw new Error(`no device ${device}`);
    return link.index;
  };
  switch (c.kind) {
    case 'load-module':
      return sys.loadModule(c.module);
    case 'link-up':
    case 'link-down':
      return sys.setLinkUp(linkIndex(c.device), c.kind === 'link-up');
    case 'add-address':
      return sys.addAddress({ index: linkIndex(c.device), family: c.family, address: c.address, prefixLength: c.prefixLength, noDad: true });
    case 'delete-address':
      return sys.deleteAddress({ index: linkIndex(c.device), family: c.family, address: c.address, prefixLength: c.prefixLength });
    case 'sysctl':
      return sys.writeSysctl(c.name, c.to);
    case 'add-fou':
      return sys.addFouPort({ port: c.port, family: c.family, encap: FOU_ENCAP_GUE });
    case 'delete-fou':
      return sys.deleteFouPort({ port: c.port, family: c.family });
  }
}

async function applyOne(sys: RealServerSystem, state: HostState, c: Change): Promise<void> {
  try {
    await apply(sys, state, c);
  } catch (error) {
    throw new RunError(`${commandText(c)}: ${reason(error)}`);
  }
}

async function loadRecord(sys: RealServerSystem, file: string): Promise<StateRecord | undefined> {
  let text: string | undefined;
  try {
    text = await sys.readState(file);
  } catch (error) {
    throw new RunError(`cannot read ${file}: ${reason(error)}`);
  }
  if (text === undefined) return undefined;
  try {
    return decodeRecord(text);
  } catch (error) {
    throw new RunError(`${file}: ${error instanceof RecordError ? error.message : String(error)}`);
  }
}

/** Writes the record, or removes the file when it records nothing (unless `keepEmpty`). */
async function saveRecord(sys: RealServerSystem, file: string, record: StateRecord, keepEmpty = false): Promise<void> {
  try {
    if (record.changes.length || keepEmpty) await sys.writeState(file, encodeRecord(record));
    else await sys.removeState(file);
  } catch (error) {
    throw new RunError(`cannot write ${file}: ${reason(error)}`);
  }
}

function checkNamespace(file: string, record: StateRecord | undefined, netns: string | undefined): void {
  if (record?.netns !== undefined && netns !== undefined && record.netns !== netns) {
    throw new RunError(`${file} records changes made in another network namespace (${record.netns}, this is ${netns}): give each namespace its own --state-dir`);
  }
}

async function setup(inv: SetupInvocation, sys: RealServerSystem, io: Io): Promise<number> {
  const file = path.join(inv.stateDir, STATE_FILE);
  const fou = inv.mode === 'tun' && inv.tunnel === 'gue';
  const sysctls = requiredSysctls(inv).map(([name]) => name);
  let state = await readHost(sys, sysctls, fou);
  const netns = await sys.netns();
  const existing = await loadRecord(sys, file);
  checkNamespace(file, existing, netns);

  const modules = missingModules(inv, state);
  if (inv.dryRun) {
    for (const module of modules) io.out(`${commandText({ kind: 'load-module', module })}\n`);
    for (const c of planSetup(inv, state)) io.out(`${commandText(c)}\n`);
    return EXIT_OK;
  }
  for (const module of modules) {
    await applyOne(sys, state, { kind: 'load-module', module });
    io.out(`modprobe ${module}\n`);
  }
  if (modules.length) {
    state = await readHost(sys, sysctls, fou);
    const still = missingModules(inv, state);
    if (still.length) throw new RunError(`modprobe ${still.join(', ')} succeeded, but what it provides is still missing`);
  }

  const changes = planSetup(inv, state);
  if (changes.length === 0) return EXIT_OK;
  const record: StateRecord = existing ?? { netns, changes: [] };
  // The state directory must take the record before anything changes.
  await saveRecord(sys, file, { ...record, changes: [...record.changes] }, true);
  try {
    for (const c of changes) {
      await applyOne(sys, state, c);
      if (isRecorded(c)) record.changes.push(c);
      io.out(`${commandText(c)}\n`);
    }
  } finally {
    await saveRecord(sys, file, record);
  }
  return EXIT_OK;
}

async function undo(inv: Extract<Invocation, { kind: 'undo' }>, sys: RealServerSystem, io: Io): Promise<number> {
  const file = path.join(inv.stateDir, STATE_FILE);
  const record = await loadRecord(sys, file);
  if (!record) throw new RunError(`nothing to undo: no ${file}`);
  checkNamespace(file, record, await sys.netns());
  const state = await readHost(sys, recordedSysctls(record.changes), record.changes.some((c) => c.kind === 'add-fou'));
  const steps = planUndo(record.changes, state);
  if (inv.dryRun) {
    for (const s of steps) io.out(`${commandText(s.change)}\n`);
    return EXIT_OK;
  }
  let done = 0;
  try {
    for (const s of steps) {
      await applyOne(sys, state, s.change);
      io.out(`${commandText(s.change)}\n`);
      done++;
    }
  } finally {
    // What is left to revert: the entries of the steps not taken (those without a step are reverted already).
    const left = new Set(steps.slice(done).map((s) => s.entry));
    await saveRecord(sys, file, { ...record, changes: record.changes.filter((_, i) => left.has(i)) });
  }
  return EXIT_OK;
}

/** Runs one invocation (or the usage error of its command line); returns the exit status. */
export async function run(argvOrInvocation: Invocation | UsageError, sys: () => RealServerSystem, io: Io): Promise<number> {
  if (argvOrInvocation instanceof UsageError) {
    io.err(`${PROGRAM}: ${argvOrInvocation.message}\nTry '${PROGRAM} --help' for more information.\n`);
    return EXIT_USAGE;
  }
  const inv = argvOrInvocation;
  if (inv.kind === 'help') {
    io.out(helpText());
    return EXIT_OK;
  }
  if (inv.kind === 'version') {
    io.out(versionText());
    return EXIT_OK;
  }
  const system = sys();
  try {
    return inv.kind === 'undo' ? await undo(inv, system, io) : await setup(inv, system, io);
  } catch (error) {
    io.err(`${PROGRAM}: ${error instanceof RunError ? error.message : `cannot read the network configuration: ${reason(error)}`}\n`);
    return EXIT_FAILED;
  } finally {
    system.close();
  }
}
