/** A big table through batching and the dump pool: 5,000 services x 10 destinations. */
import type { Change } from '../../src/ipvs/change';
import type { IpvsClient } from '../../src/netlink/client';
import { serviceKey } from '../../src/ipvs/types';
import { destination, openLabClient, service } from './client-lab';
import { applyOne } from '../../src/netlink/api';

jest.setTimeout(600_000);

const SERVICES = 5000;
const DESTS = 10;

let client: IpvsClient;
beforeAll(async () => {
  client = await openLabClient();
});
afterAll(async () => {
  if (client) {
    await applyOne(client, { kind: 'flush' });
    expect(await client.services()).toEqual([]);
    client.close();
  }
});

test(`${SERVICES} services with ${DESTS} destinations each: created by apply(), read back complete by table()`, async () => {
  const changes: Change[] = [];
  for (let i = 0; i < SERVICES; i++) {
    const s = service({ address: `10.2.${i >> 8}.${i & 0xff}`, port: 80, scheduler: 'rr' });
    changes.push({ kind: 'add-service', service: s });
    for (let j = 0; j < DESTS; j++) {
      changes.push({ kind: 'add-server', service: serviceKey(s), destination: destination({ address: `10.3.${j}.${1 + (i % 250)}`, port: 1000 + j, weight: j }) });
    }
  }
  const results = await client.apply(changes);
  const failures = results.filter((r) => r !== undefined);
  expect(failures.slice(0, 3)).toEqual([]);
  expect(failures).toHaveLength(0);

  const table = await client.table();
  expect(table).toHaveLength(SERVICES);
  const seen = new Set(table.map((t) => t.service.address));
  expect(seen.size).toBe(SERVICES);
  for (const t of table) {
    expect(t.destinations).toHaveLength(DESTS);
    const i = (Number(t.service.address.split('.')[2]) << 8) | Number(t.service.address.split('.')[3]);
    expect(t.destinations.map((d) => d.port).sort((a, b) => a - b)).toEqual(Array.from({ length: DESTS }, (_, j) => 1000 + j));
    expect(new Set(t.destinations.map((d) => d.address))).toEqual(new Set(Array.from({ length: DESTS }, (_, j) => `10.3.${j}.${1 + (i % 250)}`)));
  }
});
