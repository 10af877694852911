// Issue 12, fault injection through the fake kernel (the real one cannot be
// made to refuse on demand): for random pairs of tables, `apply` from one to
// the other, with the kernel refusing the change at every position of the
// plan in turn, then with an interrupt at every point where apply looks for
// one. Every time the table must end exactly as it was, and apply must say
// so; and when the next change is refused too (in the rollback, when the
// refused change was the last), apply must not claim the table is as it was
// unless it is.
//
//   FUZZ_SEED=N FUZZ_APPLY=PAIRS npx jest test/fuzz/apply-faults --selectProjects unit
import { KernelError } from '../../src/netlink/errors';
import type { Change, ChangeResult } from '../../src/ipvs/change';
import { run } from '../programs/harness';
import { FakeIpvs } from '../support/fake-ipvs';
import { prng } from '../netlink/prng';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const PAIRS = Number(process.env.FUZZ_APPLY ?? 12);
const EBUSY = 16;
const FILE = 'rules';
const RESTORED = 'the table is as it was';

/** A kernel that refuses the changes whose running numbers are in `refuse` (counted over every apply call). */
class RefusingIpvs extends FakeIpvs {
  seen = 0;
  constructor(readonly refuse: ReadonlySet<number>) {
    super();
  }

  override async apply(changes: readonly Change[]): Promise<ChangeResult[]> {
    const results: ChangeResult[] = [];
    for (const change of changes) {
      if (this.refuse.has(this.seen++)) results.push(new KernelError(EBUSY, 'SET_SERVICE'));
      else results.push(...(await super.apply([change])));
    }
    return results;
  }
}

/** A random table as rules: up to 4 services, each with up to 3 servers. */
function randomRules(r: ReturnType<typeof prng>): string {
  const lines: string[] = [];
  for (const [proto, vip] of [['-t', '10.0.0.1:80'], ['-t', '10.0.0.2:443'], ['-u', '10.0.0.1:53'], ['-t', '[2001:db8::1]:80']]) {
    if (r.int(3) === 0) continue;
    lines.push(`-A ${proto} ${vip} -s ${r.pick(['rr', 'wrr', 'wlc', 'sh'])}${r.int(3) === 0 ? ` -p ${60 * (1 + r.int(5))}` : ''}`);
    const v6 = vip.startsWith('[');
    for (const n of [11, 12, 13]) {
      if (r.int(2) === 0) continue;
      const server = v6 ? `[2001:db8::${n}]` : `10.0.0.${n}`;
      lines.push(`-a ${proto} ${vip} -r ${server}:${vip.split(':').pop()} ${r.pick(['-m', '-g', '-i'])} -w ${r.int(5)}`);
    }
  }
  return lines.join('\n') + '\n';
}

async function kernelWith(rules: string, refuse: ReadonlySet<number> = new Set()): Promise<RefusingIpvs> {
  const kernel = new RefusingIpvs(new Set());
  const r = await run(['-R'], { kernel, stdin: rules });
  if (r.status !== 0) throw new Error(`restoring the starting table failed: ${r.stderr}`);
  const refusing = new RefusingIpvs(refuse);
  for (const [k, v] of kernel.entries) refusing.entries.set(k, v);
  return refusing;
}

const saved = async (kernel: FakeIpvs): Promise<string> => (await run(['-S', '-n'], { kernel })).stdout;
const clock = () => {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
};

/** How many changes the apply from `from` to `to` sends when nothing goes wrong (graceful removal included). */
async function changesOf(from: string, to: string): Promise<number> {
  const kernel = await kernelWith(from);
  const r = await run(['apply', '--grace', '0', FILE], { kernel, files: { [FILE]: to }, connections: '', clock: clock() });
  if (r.status !== 0) throw new Error(`apply failed: ${r.stderr}`);
  return kernel.seen;
}

test(`apply with a refusal at every position, and an interrupt at every point (seed ${SEED}, ${PAIRS} pairs of tables): the table as it was`, async () => {
  const r = prng(SEED);
  let refusals = 0;
  let interrupts = 0;
  let doubleFaults = 0;
  let wholeAfterRefusedRollback = 0;
  for (let pair = 0; pair < PAIRS; pair++) {
    const from = randomRules(r);
    const to = randomRules(r);
    const total = await changesOf(from, to);
    for (let at = 0; at < total; at++) {
      const kernel = await kernelWith(from, new Set([at]));
      const before = await saved(kernel);
      const run1 = await run(['apply', '--grace', '0', FILE], { kernel, files: { [FILE]: to }, connections: '', clock: clock() });
      const where = `pair ${pair}, change ${at} of ${total} refused\nfrom:\n${from}to:\n${to}${run1.stderr}`;
      expect([where, run1.status, await saved(kernel), run1.stderr.includes(RESTORED)]).toEqual([where, 1, before, true]);
      refusals++;
      // The change after the refused one is the first of the rollback (or of a later batch): refuse it too.
      const twice = await kernelWith(from, new Set([at, at + 1]));
      const run2 = await run(['apply', '--grace', '0', FILE], { kernel: twice, files: { [FILE]: to }, connections: '', clock: clock() });
      const restored = (await saved(twice)) === before;
      // Never a success that did not happen, nor a failure: apply says the table is as it was exactly when it is.
      expect([where + run2.stderr, 'claims the table is as it was', run2.stderr.includes(RESTORED)]).toEqual([where + run2.stderr, 'claims the table is as it was', restored]);
      if (restored) wholeAfterRefusedRollback++;
      expect(run2.status).not.toBe(0);
      doubleFaults++;
    }
    for (let k = 0; k <= total + 2; k++) {
      const kernel = await kernelWith(from);
      const before = await saved(kernel);
      const r2 = await run(['apply', '--grace', '0', FILE], {
        kernel, files: { [FILE]: to }, connections: '', clock: clock(), signal: 'SIGINT', signalAfter: k,
      });
      if (r2.status === 0) continue; // the signal came after the last point apply looks at
      expect([`pair ${pair}, SIGINT after ${k} looks`, r2.status, await saved(kernel)]).toEqual([`pair ${pair}, SIGINT after ${k} looks`, 130, before]);
      expect(r2.stderr).toContain(RESTORED);
      interrupts++;
    }
  }
  console.log(
    `apply faults: seed ${SEED}: ${refusals} refusals, ${doubleFaults} with the next change refused too ` +
      `(${wholeAfterRefusedRollback} left the table whole), ${interrupts} interrupts`,
  );
  expect(refusals).toBeGreaterThan(0);
  expect(interrupts).toBeGreaterThan(0);
}, 300_000);
