/** Sync daemons on d0 against the real kernel: start, list, stop (stopping takes seconds). */
import type { IpvsClient } from '../../src/netlink/client';
import { KernelError } from '../../src/netlink/errors';
import { openLabClient } from './client-lab';
import { applyOne } from '../../src/netlink/api';

jest.setTimeout(60_000);

let client: IpvsClient;
beforeAll(async () => {
  client = await openLabClient();
  for (const d of await client.daemons()) await applyOne(client, { kind: 'stop-daemon', daemon: { state: d.state } });
});
afterAll(async () => {
  if (client) {
    for (const d of await client.daemons().catch(() => [])) await applyOne(client, { kind: 'stop-daemon', daemon: { state: d.state } }).catch(() => undefined);
    await applyOne(client, { kind: 'flush' });
    client.close();
  }
});

test('master with every option and backup with defaults: start, list, stop', async () => {
  await applyOne(client, { kind: 'start-daemon', daemon: { state: 1, mcastIfn: 'd0', syncId: 3, mcastGroup: '239.1.1.1', mcastPort: 9000, mcastTtl: 2, syncMaxlen: 1000 } });
  await applyOne(client, { kind: 'start-daemon', daemon: { state: 2, mcastIfn: 'd0', syncId: 4 } });
  const list = await client.daemons();
  expect(list).toHaveLength(2);
  expect(list.find((d) => d.state === 1)).toEqual({
    state: 1,
    mcastIfn: 'd0',
    syncId: 3,
    syncMaxlen: 1000,
    mcastGroup: '239.1.1.1',
    mcastPort: 9000,
    mcastTtl: 2,
  });
  // Kernel defaults for the backup: group 224.0.0.81, port 8848, ttl 1.
  expect(list.find((d) => d.state === 2)).toMatchObject({ state: 2, mcastIfn: 'd0', syncId: 4, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 });

  const again = await applyOne(client, { kind: 'start-daemon', daemon: { state: 1, mcastIfn: 'd0', syncId: 3 } }).catch((e: unknown) => e);
  expect(again).toBeInstanceOf(KernelError);
  expect(again).toMatchObject({ code: 'EEXIST', op: 'NEW_DAEMON' });

  await applyOne(client, { kind: 'stop-daemon', daemon: { state: 1 } });
  expect((await client.daemons()).map((d) => d.state)).toEqual([2]);
  await applyOne(client, { kind: 'stop-daemon', daemon: { state: 2, mcastIfn: '', syncId: 0 } });
  expect(await client.daemons()).toEqual([]);
  await expect(applyOne(client, { kind: 'stop-daemon', daemon: { state: 1 } })).rejects.toMatchObject({ code: 'ESRCH', op: 'DEL_DAEMON' });
});

// Stopping a daemon right after starting it: Linux 6.1 never answers a stop
// of a sync thread that has not run yet; the client leaves it time to run.
test('an IPv6 multicast group goes as MCAST_GROUP6 and comes back', async () => {
  await applyOne(client, { kind: 'start-daemon', daemon: { state: 1, mcastIfn: 'd0', syncId: 7, mcastGroup: 'ff02::1:5', mcastPort: 8000 } });
  expect(await client.daemons()).toEqual([expect.objectContaining({ state: 1, syncId: 7, mcastGroup: 'ff02::1:5', mcastPort: 8000 })]);
  await applyOne(client, { kind: 'stop-daemon', daemon: { state: 1 } });
  expect(await client.daemons()).toEqual([]);
});

test('EINVAL for a state other than master/backup; ENODEV-like failure for a missing interface', async () => {
  await expect(applyOne(client, { kind: 'start-daemon', daemon: { state: 3, mcastIfn: 'd0', syncId: 0 } })).rejects.toMatchObject({ code: 'EINVAL' });
  const e = await applyOne(client, { kind: 'start-daemon', daemon: { state: 1, mcastIfn: 'nosuch0', syncId: 0 } }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(KernelError);
  expect(await client.daemons()).toEqual([]);
});

// The sequence that left a stop unanswered on 6.1 before the client waited
// for new sync threads to run (about every other round, lab, 2026-11-21).
test('start master and backup, list, stop both: ten rounds, every stop answered', async () => {
  for (let round = 0; round < 10; round++) {
    await applyOne(client, { kind: 'start-daemon', daemon: { state: 1, mcastIfn: 'd0', syncId: 3, mcastGroup: '239.1.1.1', mcastPort: 9000 } });
    await applyOne(client, { kind: 'start-daemon', daemon: { state: 2, mcastIfn: 'd0', syncId: 4 } });
    expect((await client.daemons()).map((d) => d.state).sort()).toEqual([1, 2]);
    await expect(applyOne(client, { kind: 'start-daemon', daemon: { state: 1, mcastIfn: 'd0', syncId: 3 } })).rejects.toMatchObject({ code: 'EEXIST' });
    await applyOne(client, { kind: 'stop-daemon', daemon: { state: 1 } });
    await applyOne(client, { kind: 'stop-daemon', daemon: { state: 2 } });
    expect(await client.daemons()).toEqual([]);
  }
}, 60_000);
