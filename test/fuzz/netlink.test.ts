// Issue 12: netlink replies fuzzed on their way from the fake kernel to the
// client, through the whole transport: random datagrams mangled (bytes
// flipped, lengths and words set to edge values, cut short, grown, repeated,
// dropped, sequence numbers and message types changed, an error put in the
// middle of a dump). Whatever arrives, every call ends within its deadline,
// and only the client's typed errors (IpvsError) escape.
//
//   FUZZ_SEED=N FUZZ_NETLINK=COUNT npx jest test/fuzz/netlink --selectProjects unit
import { openIpvs, type IpvsClient } from '../../src/netlink/client';
import { IpvsError } from '../../src/netlink/errors';
import { applyOne } from '../../src/netlink/api';
import { dest, svc } from '../support/builders';
import { FakeKernel } from '../netlink/fake-kernel';
import { prng } from '../netlink/prng';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env.FUZZ_NETLINK ?? 400);
/** The client's deadline per reply, short so that silence costs little. */
const TIMEOUT_MS = 25;
/** A call that has not ended by then waits without a deadline. */
const BOUND_MS = 3000;

type Rng = ReturnType<typeof prng>;

const EDGE_16 = [0, 1, 3, 4, 0x7fff, 0x8000, 0xffff];
const EDGE_32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff];

/** One datagram as the fuzzer lets it through: unchanged, changed, repeated or lost. */
function mangled(r: Rng, d: Buffer): Buffer[] {
  if (r.int(3) !== 0) return [d];
  const b = Buffer.from(d);
  const at = (size: number) => (b.length > size ? r.int(b.length - size + 1) : -1);
  switch (r.int(10)) {
    case 0: {
      for (let k = 1 + r.int(4); k > 0 && b.length; k--) b[r.int(b.length)] = r.int(256);
      return [b];
    }
    case 1: {
      const i = at(2);
      if (i >= 0) b.writeUInt16LE(r.pick(EDGE_16), i);
      return [b];
    }
    case 2: {
      const i = at(4);
      if (i >= 0) b.writeUInt32LE(r.pick(EDGE_32), i);
      return [b];
    }
    case 3: // the first message's length
      if (b.length >= 4) b.writeUInt32LE(r.pick([0, 4, 15, 16, 17, b.length - 1, b.length + 1, 0xffffffff]), 0);
      return [b];
    case 4: // its type: error, done, noop, overrun, or unknown
      if (b.length >= 6) b.writeUInt16LE(r.pick([1, 2, 3, 4, 15, 0x30, 0xffff]), 4);
      return [b];
    case 5: // its sequence number
      if (b.length >= 12) b.writeUInt32LE(r.pick(EDGE_32), 8);
      return [b];
    case 6:
      return [b.subarray(0, r.int(b.length + 1))];
    case 7:
      return [Buffer.concat([b, r.bytes(1 + r.int(64))])];
    case 8:
      return [b, Buffer.from(b)];
    default:
      return [];
  }
}

/** A table to read, set up before the replies are mangled. */
async function filled(client: IpvsClient): Promise<void> {
  await applyOne(client, { kind: 'add-service', service: svc() });
  await applyOne(client, { kind: 'add-server', service: svc(), destination: dest() });
  await applyOne(client, { kind: 'add-server', service: svc(), destination: dest({ address: '10.0.0.3' }) });
  await applyOne(client, { kind: 'add-service', service: svc({ protocol: 17, port: 53 }) });
}

const CALLS: ((c: IpvsClient) => Promise<unknown>)[] = [
  (c) => c.info(),
  (c) => c.services(),
  (c) => c.destinations({ family: 2, protocol: 6, address: '10.0.0.1', port: 80, fwmark: 0 }),
  (c) => c.table(),
  (c) => c.timeouts(),
  (c) => c.daemons(),
  (c) => c.apply([{ kind: 'add-service', service: svc({ port: 81 }) }, { kind: 'delete-service', service: svc({ port: 53, protocol: 17 }) }]),
  (c) => c.service({ family: 2, protocol: 6, address: '10.0.0.1', port: 80, fwmark: 0 }),
];

/** What went wrong with one call over mangled replies, or undefined. */
async function problem(seed: number, n: number, counted: { datagrams: number; changed: number }): Promise<string | undefined> {
  const r = prng((seed ^ Math.imul(n + 1, 0xc2b2ae35)) >>> 0);
  const kernel = new FakeKernel();
  const client = openIpvs({ socketFactory: kernel.socketFactory, timeoutMs: TIMEOUT_MS });
  let timer: NodeJS.Timeout | undefined;
  try {
    await filled(client);
    kernel.mangle = (d) => {
      const out = mangled(r, d);
      counted.datagrams++;
      if (out.length !== 1 || out[0] !== d) counted.changed++;
      return out;
    };
    const call = r.pick(CALLS);
    const outcome = await Promise.race([
      call(client).then(
        () => 'resolved',
        (e: unknown) => (e instanceof IpvsError ? 'typed error' : `untyped error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`),
      ),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`no end within ${BOUND_MS} ms`), BOUND_MS);
      }),
    ]);
    return outcome === 'resolved' || outcome === 'typed error' ? undefined : `call ${CALLS.indexOf(call)}: ${outcome}`;
  } finally {
    clearTimeout(timer);
    client.close();
  }
}

test('the mangler changes replies, and a change reaches the client as a typed error', async () => {
  const counted = { datagrams: 0, changed: 0 };
  let typed = 0;
  for (let n = 0; n < 50; n++) {
    expect(await problem(7, n, counted)).toBeUndefined();
  }
  expect(counted.changed).toBeGreaterThan(10);
  // A reply cut to its header is a DecodeError, not a value.
  const kernel = new FakeKernel();
  const client = openIpvs({ socketFactory: kernel.socketFactory, timeoutMs: TIMEOUT_MS });
  kernel.mangle = (d) => [d.subarray(0, 20)];
  await client.info().catch((e: unknown) => {
    if (e instanceof IpvsError) typed++;
  });
  client.close();
  expect(typed).toBe(1);
});

test(`fuzzed netlink replies (seed ${SEED}, ${COUNT} calls): every call ends in time with a value or a typed error`, async () => {
  const counted = { datagrams: 0, changed: 0 };
  for (let n = 0; n < COUNT; n++) {
    const found = await problem(SEED, n, counted);
    if (found !== undefined) throw new Error(`seed ${SEED}, case ${n}: ${found}`);
  }
  console.log(`netlink fuzzer: seed ${SEED}, ${COUNT} calls, ${counted.datagrams} reply datagrams, ${counted.changed} of them mangled`);
}, 600_000);
