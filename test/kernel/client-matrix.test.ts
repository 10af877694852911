/**
 * scheduler x protocol x family x forwarding method against the real kernel:
 * create -> get -> edit -> get -> delete, comparing every field.
 */
import type { IpvsClient } from '../../src/netlink/client';
import type { Destination, Service, ServiceKey } from '../../src/ipvs/types';
import { serviceKey } from '../../src/ipvs/types';
import { asReturned, destAsReturned, destination, openLabClient, SCTP, service, TCP, UDP } from './client-lab';
import { applyOne } from '../../src/netlink/api';

const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'];
const PROTOCOLS = [
  ['tcp', TCP],
  ['udp', UDP],
  ['sctp', SCTP],
  ['fwmark', 0],
] as const;
const FAMILIES = [
  ['v4', 2],
  ['v6', 10],
] as const;
/** name, fwd method, tunnel type, tunnel flags (gue/gre: 1/2; csum 1, remcsum 2). */
const FORWARDING = [
  ['masq', 0, 0, 0],
  ['route', 3, 0, 0],
  ['ipip', 2, 0, 0],
  ['gue-nocsum', 2, 1, 0],
  ['gue-csum', 2, 1, 1],
  ['gue-remcsum', 2, 1, 2],
  ['gre-nocsum', 2, 2, 0],
  ['gre-csum', 2, 2, 1],
] as const;

type Case = [string, string, string, string, number];
const cases: Case[] = [];
let n = 0;
for (const sched of SCHEDULERS)
  for (const [proto] of PROTOCOLS) for (const [fam] of FAMILIES) for (const [fwd] of FORWARDING) cases.push([sched, proto, fam, fwd, n++]);

let client: IpvsClient;
beforeAll(async () => {
  client = await openLabClient();
});
afterAll(async () => {
  await (client && applyOne(client, { kind: 'flush' }));
  client?.close();
});

function build(sched: string, proto: string, fam: string, fwd: string, i: number): { svc: Service; dst: Destination } {
  const family = FAMILIES.find(([f]) => f === fam)![1];
  const protocol = PROTOCOLS.find(([p]) => p === proto)![1];
  const [, method, tunType, tunFlags] = FORWARDING.find(([f]) => f === fwd)!;
  const fwmark = protocol === 0 ? 1000 + i : 0;
  const svc = service({
    family,
    protocol,
    address: fwmark ? '' : family === 2 ? `10.1.${i >> 8}.${i & 0xff}` : `2001:db8::1:${i.toString(16)}`,
    port: fwmark ? 0 : 80,
    fwmark,
    scheduler: sched,
    flags: protocol === UDP ? 0x4 : 0, // one-packet on UDP
    netmask: family === 2 ? 0xffffffff : 128,
  });
  const dst = destination({
    family,
    address: family === 2 ? '10.0.0.11' : '2001:db8::11',
    // Direct routing and tunnels keep the service port (the kernel ignores theirs).
    port: method === 0 ? 8080 : svc.port,
    fwdMethod: method,
    weight: 2,
    tunnelType: tunType,
    tunnelPort: tunType === 1 ? 6080 : 0,
    tunnelFlags: tunFlags,
  });
  return { svc, dst };
}

test.each(cases)('%s %s %s %s', async (sched, proto, fam, fwd, i) => {
  const { svc, dst } = build(sched, proto, fam, fwd, i);
  const key: ServiceKey = serviceKey(svc);

  await applyOne(client, { kind: 'add-service', service: svc });
  await applyOne(client, { kind: 'add-server', service: key, destination: dst });
  expect(await client.service(key)).toEqual(asReturned(svc));
  expect(await client.destinations(key)).toEqual([destAsReturned(dst)]);

  // Edit everything editable: scheduler, persistence, netmask, sched flags, PE; weight, thresholds, tunnel port.
  const nextSched = SCHEDULERS[(SCHEDULERS.indexOf(sched) + 1) % SCHEDULERS.length];
  const edited: Service = {
    ...svc,
    scheduler: nextSched,
    flags: svc.flags | 0x1 | 0x8 | 0x10,
    timeout: 600,
    netmask: svc.family === 2 ? 0xffffff00 : 64,
    peName: svc.fwmark ? '' : 'sip',
  };
  const editedDst: Destination = {
    ...dst,
    weight: 7,
    upperThreshold: 100,
    lowerThreshold: 10,
    tunnelPort: dst.tunnelType === 1 ? 6081 : 0,
  };
  await applyOne(client, { kind: 'edit-service', service: edited });
  await applyOne(client, { kind: 'edit-server', service: key, destination: editedDst });
  expect(await client.service(key)).toEqual(asReturned(edited));
  expect(await client.destinations(key)).toEqual([destAsReturned(editedDst)]);

  await applyOne(client, { kind: 'delete-server', service: key, destination: editedDst });
  expect(await client.destinations(key)).toEqual([]);
  await applyOne(client, { kind: 'delete-service', service: key });
  await expect(client.service(key)).rejects.toMatchObject({ code: 'ESRCH', op: 'GET_SERVICE' });
});
