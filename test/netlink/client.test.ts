import type { Change } from '../../src/ipvs/change';
import { IpvsClient, openIpvs } from '../../src/netlink/client';
import { DecodeError, FamilyNotFoundError, KernelError, TimeoutError, TransportError } from '../../src/netlink/errors';
import { E, FakeKernel } from './fake-kernel';
import { buf, genlmsg, le32, nla, nlmsg } from './naive';
import { dest, key1, svc } from '../support/builders';
import { applyOne } from '../../src/netlink/api';


let kernel: FakeKernel;
let client: IpvsClient;
function make(opts: ConstructorParameters<typeof IpvsClient>[0] = {}): IpvsClient {
  client = openIpvs({ socketFactory: kernel.socketFactory, timeoutMs: 300, ...opts });
  return client;
}
beforeEach(() => {
  kernel = new FakeKernel();
});
afterEach(() => client?.close());

describe('family resolution', () => {
  test('the controller is asked once for IPVS; its id is used on every request and every pooled socket', async () => {
    kernel.familyId = 0x2a;
    make();
    await client.info();
    await applyOne(client, { kind: 'add-service', service: svc() });
    await applyOne(client, { kind: 'add-service', service: svc({ port: 81 }) });
    await client.table();
    expect(kernel.controllerQueries).toBe(1);
    expect(kernel.requests.every((r) => r.msg.type === 0x2a)).toBe(true);
  });

  test('ENOENT from the controller is a FamilyNotFoundError; a later call asks again', async () => {
    kernel.familyRegistered = false;
    make();
    await expect(client.info()).rejects.toBeInstanceOf(FamilyNotFoundError);
    kernel.familyRegistered = true;
    await expect(client.info()).resolves.toEqual({ version: 0x010201, connTabSize: 4096 });
    expect(kernel.controllerQueries).toBe(2);
  });

  test('EPERM from the controller is a KernelError naming the controller command', async () => {
    kernel.controllerErrno = E.EPERM;
    make();
    await expect(client.info()).rejects.toMatchObject({ name: 'KernelError', errno: E.EPERM, code: 'EPERM', op: 'CTRL_CMD_GETFAMILY' });
  });
});

describe('commands against the fake table', () => {
  test('add, get, list, edit, delete a service with destinations', async () => {
    make();
    await applyOne(client, { kind: 'add-service', service: svc({ scheduler: 'rr', flags: 1, timeout: 300, netmask: 0xffffff00, peName: 'sip' }) });
    await applyOne(client, { kind: 'add-server', service: key1, destination: dest() });
    await applyOne(client, { kind: 'add-server', service: key1, destination: dest({ family: 10, address: '2001:db8::9', fwdMethod: 2, tunnelType: 1, tunnelPort: 6080, tunnelFlags: 2 }) });
    const one = await client.service(key1);
    expect(one).toMatchObject({ scheduler: 'rr', flags: 1 | 2, timeout: 300, netmask: 0xffffff00, peName: 'sip', statsWidth: 64 });
    const dests = await client.destinations(key1);
    expect(dests.map((d) => [d.family, d.address, d.tunnelPort, d.tunnelFlags])).toEqual([
      [2, '10.0.0.11', 0, 0],
      [10, '2001:db8::9', 6080, 2],
    ]);
    await applyOne(client, { kind: 'edit-service', service: svc({ scheduler: 'wrr' }) });
    await applyOne(client, { kind: 'edit-server', service: key1, destination: dest({ weight: 7 }) });
    expect((await client.service(key1)).scheduler).toBe('wrr');
    expect((await client.destinations(key1))[0].weight).toBe(7);
    await applyOne(client, { kind: 'delete-server', service: key1, destination: { family: 2, address: '10.0.0.11', port: 8080 } });
    expect(await client.destinations(key1)).toHaveLength(1);
    await applyOne(client, { kind: 'delete-service', service: key1 });
    expect(await client.services()).toEqual([]);
  });

  test('fwmark services and zero/flush', async () => {
    make();
    await applyOne(client, { kind: 'add-service', service: svc({ family: 10, protocol: 0, address: '', port: 0, fwmark: 7, netmask: 64 }) });
    const [s] = await client.services();
    expect(s).toMatchObject({ family: 10, fwmark: 7, protocol: 0, address: '', port: 0, netmask: 64 });
    await applyOne(client, { kind: 'zero', service: { family: 10, fwmark: 7 } });
    await applyOne(client, { kind: 'zero' });
    await expect(applyOne(client, { kind: 'zero', service: { family: 10, fwmark: 8 } })).rejects.toMatchObject({ errno: E.ESRCH, op: 'ZERO' });
    await applyOne(client, { kind: 'flush' });
    expect(await client.services()).toEqual([]);
  });

  test('table() keeps kernel order and pairs each service with its own destinations', async () => {
    make({ poolSize: 3 });
    for (let i = 0; i < 20; i++) {
      await applyOne(client, { kind: 'add-service', service: svc({ port: 1000 + i }) });
      for (let j = 0; j <= i % 4; j++) await applyOne(client, { kind: 'add-server', service: { ...key1, port: 1000 + i }, destination: dest({ port: i * 10 + j }) });
    }
    const t = await client.table();
    expect(t.map((x) => x.service.port)).toEqual(Array.from({ length: 20 }, (_, i) => 1000 + i));
    t.forEach((x, i) => expect(x.destinations.map((d) => d.port)).toEqual(Array.from({ length: (i % 4) + 1 }, (_, j) => i * 10 + j)));
    expect(kernel.maxConcurrentDumps).toBeGreaterThan(1);
    expect(kernel.maxConcurrentDumps).toBeLessThanOrEqual(3);
    // Three open at most; the service dump's bulk socket gave its place to a destination dump.
    expect(kernel.sockets.filter((s) => !s.closed).length).toBeLessThanOrEqual(3);
    expect(kernel.sockets.map((s) => s.use)).toEqual(['requests', 'bulk-dumps', 'dumps', 'dumps']);
  });

  test('timeouts get and set (any subset)', async () => {
    make();
    expect(await client.timeouts()).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
    await applyOne(client, { kind: 'set-timeout', timeouts: { tcpFin: 5 } });
    expect(await client.timeouts()).toEqual({ tcp: 900, tcpFin: 5, udp: 300 });
  });

  test('daemons start, list (a dump), stop', async () => {
    make();
    await applyOne(client, { kind: 'start-daemon', daemon: { state: 1, mcastIfn: 'd0', syncId: 3, mcastGroup: '239.1.1.1', mcastPort: 9000, mcastTtl: 2, syncMaxlen: 1000 } });
    await applyOne(client, { kind: 'start-daemon', daemon: { state: 2, mcastIfn: 'd0', syncId: 4 } });
    expect(await client.daemons()).toEqual([
      { state: 1, mcastIfn: 'd0', syncId: 3, syncMaxlen: 1000, mcastGroup: '239.1.1.1', mcastPort: 9000, mcastTtl: 2 },
      { state: 2, mcastIfn: 'd0', syncId: 4, syncMaxlen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 },
    ]);
    expect(kernel.requests.filter((r) => r.cmd === 11).every((r) => r.dump)).toBe(true);
    await applyOne(client, { kind: 'stop-daemon', daemon: { state: 1 } });
    await expect(applyOne(client, { kind: 'stop-daemon', daemon: { state: 1 } })).rejects.toMatchObject({ errno: E.ESRCH, op: 'DEL_DAEMON' });
  });

  test('a daemon is not stopped sooner than daemonSettleMs after this client started it', async () => {
    make({ daemonSettleMs: 120 });
    const started = Date.now();
    await applyOne(client, { kind: 'start-daemon', daemon: { state: 2, mcastIfn: 'd0', syncId: 4 } });
    await applyOne(client, { kind: 'stop-daemon', daemon: { state: 2 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });

  test('a daemon this client did not start is stopped without waiting', async () => {
    // With a settle time far beyond jest's 5 s limit, any wait would fail the test.
    make({ daemonSettleMs: 60_000 });
    await expect(applyOne(client, { kind: 'stop-daemon', daemon: { state: 1 } })).rejects.toMatchObject({ errno: E.ESRCH, op: 'DEL_DAEMON' });
  });

  test('apply() keeps order around daemon changes and sends the other changes as batches', async () => {
    make({ daemonSettleMs: 30 });
    const changes: Change[] = [
      { kind: 'add-service', service: svc() },
      { kind: 'add-service', service: svc({ port: 81 }) },
      { kind: 'start-daemon', daemon: { state: 2, mcastIfn: 'd0', syncId: 4 } },
      { kind: 'stop-daemon', daemon: { state: 2 } },
      { kind: 'stop-daemon', daemon: { state: 2 } },
      { kind: 'add-service', service: svc() },
    ];
    const results = await client.apply(changes);
    expect(results.map((r) => (r === undefined ? 'ok' : (r as KernelError).code))).toEqual(['ok', 'ok', 'ok', 'ok', 'ESRCH', 'EEXIST']);
    expect(kernel.requests.map((r) => r.cmd)).toEqual([1, 1, 9, 10, 10, 1]);
  });

  test('unknown attributes from a newer kernel survive services() -> editService()', async () => {
    kernel.extraServiceAttrs = [nla(40, [1, 2, 3, 4])];
    make();
    await applyOne(client, { kind: 'add-service', service: svc() });
    const [s] = await client.services();
    expect(s.unknown).toEqual([{ type: 40, flags: 0, data: Buffer.from([1, 2, 3, 4]) }]);
    await applyOne(client, { kind: 'edit-service', service: s });
    const sent = kernel.requests.filter((r) => r.cmd === 2).pop()!;
    expect(sent.attrs.get(1)!.includes(Buffer.from([8, 0, 40, 0, 1, 2, 3, 4]))).toBe(true);
  });

  test('an old kernel (no ADDR_FAMILY, no TUN_*, no STATS64) is read with fallbacks', async () => {
    kernel.oldKernel = true;
    make();
    await applyOne(client, { kind: 'add-service', service: svc({ family: 10, address: '2001:db8::1' }) });
    await applyOne(client, { kind: 'add-server', service: { family: 10, protocol: 6, address: '2001:db8::1', port: 80 }, destination: dest({ family: 10, address: '2001:db8::2' }) });
    const [d] = await client.destinations({ family: 10, protocol: 6, address: '2001:db8::1', port: 80 });
    expect(d).toMatchObject({ family: 10, address: '2001:db8::2', tunnelType: 0, statsWidth: 32 });
  });
});

describe('errors', () => {
  test.each([
    ['adding an existing service', E.EEXIST, 'NEW_SERVICE', (c: IpvsClient) => applyOne(c, { kind: 'add-service', service: svc() }).then(() => applyOne(c, { kind: 'add-service', service: svc() }))],
    ['editing a missing service', E.ESRCH, 'SET_SERVICE', (c: IpvsClient) => applyOne(c, { kind: 'edit-service', service: svc() })],
    ['getting a missing service', E.ESRCH, 'GET_SERVICE', (c: IpvsClient) => c.service(key1)],
    ['deleting a missing destination', E.ENOENT, 'DEL_DEST', (c: IpvsClient) => applyOne(c, { kind: 'add-service', service: svc() }).then(() => applyOne(c, { kind: 'delete-server', service: key1, destination: dest() }))],
    ['a negative weight', E.ERANGE, 'NEW_DEST', (c: IpvsClient) => applyOne(c, { kind: 'add-service', service: svc() }).then(() => applyOne(c, { kind: 'add-server', service: key1, destination: dest({ weight: -1 }) }))],
  ])('%s: KernelError %d from %s', async (_what, errno, op, run) => {
    make();
    const e = await run(client).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(KernelError);
    expect(e).toMatchObject({ errno, op });
  });

  test('ext-ack text and offset reach the KernelError (uncapped and capped)', async () => {
    make();
    kernel.react(1, { errno: E.EINVAL, extack: 'bad scheduler', extackOffset: 48 });
    await expect(applyOne(client, { kind: 'add-service', service: svc() })).rejects.toMatchObject({ errno: E.EINVAL, extack: 'bad scheduler', extackOffset: 48, op: 'NEW_SERVICE' });
    kernel.react(1, { errno: E.EINVAL, extack: 'capped', capped: true });
    await expect(applyOne(client, { kind: 'add-service', service: svc() })).rejects.toMatchObject({ extack: 'capped', message: 'NEW_SERVICE: EINVAL (capped)' });
  });

  test('a dump ending in NLMSG_DONE with a negative status is a KernelError', async () => {
    make();
    kernel.react(4, { doneErrno: E.EBUSY });
    await expect(client.services()).rejects.toMatchObject({ errno: E.EBUSY, op: 'GET_SERVICE' });
  });

  test('a malformed encoding is refused without reaching the kernel', async () => {
    make();
    await expect(applyOne(client, { kind: 'add-service', service: svc({ address: 'nope' }) })).rejects.toBeInstanceOf(RangeError);
    expect(kernel.requests).toHaveLength(0);
  });
});

describe('sequence numbers and deadlines', () => {
  test('replies with foreign or stale sequence numbers are ignored', async () => {
    make();
    await client.info();
    const port = kernel.sockets[0].port;
    const foreign = [
      buf(nlmsg(2, 0, 999999, port, [...le32(-E.EPERM), ...new Array(16).fill(0)])),
      buf(genlmsg(kernel.familyId, 0, 123456, port, 14, nla(1, le32(1)), nla(2, le32(1)))),
    ];
    kernel.react(15, { before: foreign });
    await expect(client.info()).resolves.toEqual({ version: 0x010201, connTabSize: 4096 });
  });

  test('silence is a TimeoutError naming the command; the late reply is then ignored', async () => {
    make({ timeoutMs: 50 });
    kernel.react(13, { silence: true });
    const started = Date.now();
    const e = await client.timeouts().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e).toMatchObject({ op: 'GET_CONFIG', ms: 50 });
    expect(Date.now() - started).toBeLessThan(1000);
    kernel.react(13, { delayMs: 100 });
    await expect(client.timeouts()).rejects.toBeInstanceOf(TimeoutError);
    await new Promise((r) => setTimeout(r, 120)); // the late reply arrives and is dropped
    await expect(client.timeouts()).resolves.toMatchObject({ tcp: 900 });
  });

  test('stopping a daemon gets the longer deadline', async () => {
    make({ timeoutMs: 40, slowTimeoutMs: 2000 });
    await applyOne(client, { kind: 'start-daemon', daemon: { state: 1, mcastIfn: 'd0', syncId: 0 } });
    kernel.react(10, { delayMs: 150 });
    await expect(applyOne(client, { kind: 'stop-daemon', daemon: { state: 1 } })).resolves.toBeUndefined();
  });

  test('a silent dump times out and its socket is retired (the kernel may still be dumping)', async () => {
    make({ timeoutMs: 50 });
    await applyOne(client, { kind: 'add-service', service: svc() });
    kernel.react(4, { silence: true });
    await expect(client.services()).rejects.toBeInstanceOf(TimeoutError);
    const silent = kernel.requests.find((r) => r.cmd === 4)!.socket;
    expect(silent.closed).toBe(true);
    await expect(client.services()).resolves.toHaveLength(1);
    expect(kernel.requests.filter((r) => r.cmd === 4)[1].socket).not.toBe(silent);
  });

  test('the deadline is for silence, not for the whole dump: a slow dump that keeps coming completes', async () => {
    make({ timeoutMs: 80 });
    for (let i = 0; i < 12; i++) await applyOne(client, { kind: 'add-service', service: svc({ port: 100 + i }) });
    kernel.dumpBatch = 1;
    kernel.react(4, { pieceDelayMs: 30 });
    const started = Date.now();
    await expect(client.services()).resolves.toHaveLength(12);
    expect(Date.now() - started).toBeGreaterThan(200); // 13 datagrams, each 30 ms apart: well past one deadline
    kernel.react(4, { pieceDelayMs: 250 });
    await expect(client.services()).rejects.toBeInstanceOf(TimeoutError);
  });

  test('a truncated datagram is a DecodeError for its request', async () => {
    make();
    kernel.react(15, { truncateTo: 30 });
    await expect(client.info()).rejects.toBeInstanceOf(DecodeError);
    await expect(client.info()).resolves.toMatchObject({ connTabSize: 4096 });
  });

  test('a failed send is a TransportError with the errno', async () => {
    make();
    await client.info();
    kernel.sendErrno = 1;
    await expect(applyOne(client, { kind: 'flush' })).rejects.toMatchObject({ name: 'TransportError', errno: 1 });
  });
});

describe('batching (apply)', () => {
  function changes(n: number): Change[] {
    const out: Change[] = [];
    for (let i = 0; i < n; i++) {
      const s = svc({ port: 1 + i });
      out.push({ kind: 'add-service', service: s });
      out.push({ kind: 'add-server', service: { ...key1, port: 1 + i }, destination: dest() });
    }
    return out;
  }

  test('many changes travel in few writes and every ack is matched to its change', async () => {
    make({ maxInFlight: 64, maxDatagramBytes: 8192 });
    await client.info();
    const list = changes(500);
    // Two deliberate failures at known positions.
    list.splice(10, 0, { kind: 'add-service', service: svc({ port: 1 }) }); // duplicate -> EEXIST
    list.splice(600, 0, { kind: 'delete-service', service: { ...key1, port: 60000 } }); // missing -> ESRCH
    const before = kernel.datagrams.length;
    const results = await client.apply(list);
    expect(results).toHaveLength(1002);
    expect(results[10]).toMatchObject({ errno: E.EEXIST, op: 'NEW_SERVICE' });
    expect(results[600]).toMatchObject({ errno: E.ESRCH, op: 'DEL_SERVICE' });
    expect(results.filter((r) => r !== undefined)).toHaveLength(2);
    const writes = kernel.datagrams.length - before;
    expect(writes).toBeLessThan(1002 / 20);
    expect(Math.max(...kernel.datagrams.slice(before))).toBeLessThanOrEqual(8192);
    expect(kernel.services).toHaveLength(500);
    expect(kernel.services.every((s) => s.dests.length === 1)).toBe(true);
  });

  test('the in-flight bound keeps acks inside the receive buffer', async () => {
    kernel.rcvCapacity = 36 * 40; // room for 40 acks
    make({ maxInFlight: 32 });
    const results = await client.apply(changes(300));
    expect(results.every((r) => r === undefined)).toBe(true);
    expect(kernel.dropped).toEqual([]);
  });

  test('acks lost to ENOBUFS fail their changes with TransportError; the others keep their result', async () => {
    kernel.rcvCapacity = 36 * 40;
    make({ maxInFlight: 200, maxDatagramBytes: 1 << 20 });
    await client.info();
    const list = changes(150);
    const results = await client.apply(list);
    expect(kernel.dropped.length).toBeGreaterThan(0);
    const lost = results.filter((r) => r instanceof TransportError);
    // Dropped acks of our requests (barrier acks may be dropped too, and are resent).
    const ours = new Set(kernel.requests.map((q) => q.msg.seq));
    expect(lost.length).toBe(kernel.dropped.filter((seq) => ours.has(seq)).length);
    for (const e of lost) expect(e).toMatchObject({ errno: E.ENOBUFS, code: 'ENOBUFS' });
    expect(results.filter((r) => r === undefined).length).toBe(list.length - lost.length);
    // Applied anyway: the kernel did the work, only the acks were lost.
    expect(kernel.services).toHaveLength(150);
  });

  test('a change that cannot be encoded fails alone', async () => {
    make();
    const results = await client.apply([
      { kind: 'add-service', service: svc() },
      { kind: 'add-service', service: svc({ address: 'bad' }) },
      { kind: 'set-timeout', timeouts: { udp: 10 } },
      { kind: 'zero' },
      { kind: 'flush' },
    ]);
    expect(results[0]).toBeUndefined();
    expect(results[1]).toBeInstanceOf(RangeError);
    expect(results.slice(2)).toEqual([undefined, undefined, undefined]);
    expect(kernel.timeouts.udp).toBe(10);
  });

  test('a silent kernel fails the outstanding changes with TimeoutError', async () => {
    make({ timeoutMs: 60 });
    kernel.react(() => true, { silence: true }, 3);
    const results = await client.apply(changes(3));
    // The first three were never executed, so the second service's destination has no service.
    expect(results.slice(0, 3).every((r) => r instanceof TimeoutError)).toBe(true);
    expect(results[3]).toMatchObject({ errno: E.ESRCH });
    expect(results.slice(4)).toEqual([undefined, undefined]);
  });

  test('the batch deadline still fires, and not before timeoutMs of silence', async () => {
    make({ timeoutMs: 80 });
    await client.info();
    kernel.react(() => true, { silence: true }, 2);
    const started = Date.now();
    const results = await client.apply(changes(1));
    const elapsed = Date.now() - started;
    expect(results.every((r) => r instanceof TimeoutError)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(80 - 5); // timers may fire a little early
    expect(elapsed).toBeLessThan(2000);
  });

  test('the batch deadline is for silence, not for the whole batch: a slow but steady batch completes', async () => {
    make({ timeoutMs: 100, maxInFlight: 1 });
    await client.info();
    // Six acks, each 40 ms late, one at a time: 240 ms in all, never 100 ms of silence.
    kernel.react(() => true, { delayMs: 40 }, 6);
    const results = await client.apply(changes(3));
    expect(results).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  test('a batch larger than the stack could spread (150,000 changes) completes', async () => {
    make({ timeoutMs: 10_000 });
    const zeros: Change[] = Array.from({ length: 150_000 }, (): Change => ({ kind: 'zero' }));
    const results = await client.apply(zeros);
    expect(results).toHaveLength(150_000);
    expect(results.every((r) => r === undefined)).toBe(true);
  }, 60_000);

  test('an empty batch sends nothing', async () => {
    make();
    expect(await client.apply([])).toEqual([]);
    expect(kernel.sockets).toHaveLength(0);
  });
});

describe('dumps under pressure', () => {
  test('ENOBUFS in the middle of a dump restarts it on a fresh socket; the result is complete', async () => {
    make();
    for (let i = 0; i < 10; i++) await applyOne(client, { kind: 'add-service', service: svc({ port: 100 + i }) });
    kernel.react(4, { enobufsAfter: 4 });
    const list = await client.services();
    expect(list.map((s) => s.port)).toEqual(Array.from({ length: 10 }, (_, i) => 100 + i));
    const dumps = kernel.requests.filter((r) => r.cmd === 4);
    expect(dumps).toHaveLength(2);
    expect(dumps[0].socket.closed).toBe(true);
    expect(dumps[1].socket).not.toBe(dumps[0].socket);
  });

  test('NLM_F_DUMP_INTR restarts the dump; too many restarts is a TransportError', async () => {
    make({ dumpRetries: 2 });
    await applyOne(client, { kind: 'add-service', service: svc() });
    kernel.react(4, { dumpIntr: true }, 2);
    await expect(client.services()).resolves.toHaveLength(1);
    kernel.react(4, { dumpIntr: true }, 3);
    await expect(client.services()).rejects.toBeInstanceOf(TransportError);
  });
});

describe('how dump sockets read', () => {
  test('requests on a socket that reads exactly; dumps on others; the service dump and large dumps on sockets that read in bulk', async () => {
    make({ poolSize: 3 });
    kernel.dumpBatch = 50;
    await client.info();
    // Small dumps: one server each.
    for (let i = 0; i < 4; i++) {
      await applyOne(client, { kind: 'add-service', service: svc({ port: 100 + i }) });
      await applyOne(client, { kind: 'add-server', service: { ...key1, port: 100 + i }, destination: dest({ port: 1 }) });
    }
    await client.table();
    const uses = (): string[] => kernel.sockets.filter((s) => !s.closed).map((s) => s.use);
    expect(kernel.requests.filter((r) => r.cmd === 8).every((r) => r.socket.use === 'dumps')).toBe(true);
    expect(kernel.requests.filter((r) => r.cmd !== 8 && r.cmd !== 4).every((r) => r.socket.use === 'requests')).toBe(true);
    // The service dump, large whenever the table is, reads in bulk from the start.
    expect(kernel.requests.filter((r) => r.cmd === 4).map((r) => r.socket.use)).toEqual(['bulk-dumps']);
    // Idle once the services are in, it gave its place to the destination dumps.
    expect(uses()).toEqual(['requests', 'dumps', 'dumps']);
    // One service with enough servers for a dump of more than BULK_DUMP_BYTES.
    const big = { ...key1, port: 999 };
    await applyOne(client, { kind: 'add-service', service: svc({ port: 999 }) });
    await client.apply(Array.from({ length: 200 }, (_, j) => ({ kind: 'add-server' as const, service: big, destination: dest({ port: 1000 + j }) })));
    expect(await client.destinations(big)).toHaveLength(200);
    await client.table();
    const after = kernel.requests.filter((r) => r.cmd === 8).slice(-5);
    expect(after.every((r) => r.socket.use === 'bulk-dumps')).toBe(true);
    expect(kernel.requests.filter((r) => r.cmd === 4).pop()!.socket.use).toBe('bulk-dumps');
    expect(kernel.sockets.filter((s) => !s.closed)).toHaveLength(3);
  });
});

describe('socket life cycle', () => {
  test('no socket until the first request; unref while idle; closed by close()', async () => {
    make();
    expect(kernel.sockets).toHaveLength(0);
    const p = client.info();
    expect(kernel.sockets).toHaveLength(1);
    expect(kernel.sockets[0].referenced).toBe(true);
    await p;
    expect(kernel.sockets[0].referenced).toBe(false);
    client.close();
    expect(kernel.sockets[0].closed).toBe(true);
    await expect(client.info()).rejects.toBeInstanceOf(TransportError);
  });

  test('close() fails requests in flight', async () => {
    make();
    await client.info();
    kernel.react(15, { silence: true });
    const p = client.info();
    await new Promise((r) => setImmediate(r));
    client.close();
    await expect(p).rejects.toBeInstanceOf(TransportError);
  });
});

