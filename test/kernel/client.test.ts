/** The netlink client against the real kernel: errors, timeouts, zero, flush, odd shapes. */
import type { IpvsClient } from '../../src/netlink/client';
import { KernelError } from '../../src/netlink/errors';
import type { ServiceKey } from '../../src/ipvs/types';
import { serviceKey } from '../../src/ipvs/types';
import { asReturned, destAsReturned, destination, openLabClient, service, UDP } from './client-lab';
import { applyOne } from '../../src/netlink/api';

let client: IpvsClient;
beforeAll(async () => {
  client = await openLabClient();
});
beforeEach(async () => {
  await applyOne(client, { kind: 'flush' });
});
afterAll(async () => {
  if (client) {
    await applyOne(client, { kind: 'flush' });
    await applyOne(client, { kind: 'set-timeout', timeouts: { tcp: 900, tcpFin: 120, udp: 300 } });
    client.close();
  }
});

const svc = service({});
const key: ServiceKey = serviceKey(svc);

async function errnoOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(KernelError);
  return (e as KernelError).code;
}

test('info: version 1.2.1 and a connection table size', async () => {
  const info = await client.info();
  expect(info.version).toBe(0x010201);
  expect(info.connTabSize).toBeGreaterThan(0);
});

describe('errno from the kernel', () => {
  test('EEXIST: a service or destination added twice', async () => {
    await applyOne(client, { kind: 'add-service', service: svc });
    expect(await errnoOf(applyOne(client, { kind: 'add-service', service: svc }))).toBe('EEXIST');
    await applyOne(client, { kind: 'add-server', service: key, destination: destination({}) });
    expect(await errnoOf(applyOne(client, { kind: 'add-server', service: key, destination: destination({}) }))).toBe('EEXIST');
  });

  test('ESRCH: a missing service (edit, delete, get, zero, add destination)', async () => {
    expect(await errnoOf(applyOne(client, { kind: 'edit-service', service: svc }))).toBe('ESRCH');
    expect(await errnoOf(applyOne(client, { kind: 'delete-service', service: key }))).toBe('ESRCH');
    expect(await errnoOf(client.service(key))).toBe('ESRCH');
    expect(await errnoOf(applyOne(client, { kind: 'zero', service: key }))).toBe('ESRCH');
    expect(await errnoOf(applyOne(client, { kind: 'add-server', service: key, destination: destination({}) }))).toBe('ESRCH');
  });

  test('a missing service has an empty destination dump, not an error', async () => {
    expect(await client.destinations(key)).toEqual([]);
  });

  test('ENOENT: a missing destination; an unknown scheduler or persistence engine', async () => {
    await applyOne(client, { kind: 'add-service', service: svc });
    expect(await errnoOf(applyOne(client, { kind: 'edit-server', service: key, destination: destination({}) }))).toBe('ENOENT');
    expect(await errnoOf(applyOne(client, { kind: 'delete-server', service: key, destination: destination({}) }))).toBe('ENOENT');
    expect(await errnoOf(applyOne(client, { kind: 'add-service', service: service({ port: 81, scheduler: 'nosuch' }) }))).toBe('ENOENT');
    expect(await errnoOf(applyOne(client, { kind: 'add-service', service: service({ port: 82, peName: 'nosuch' }) }))).toBe('ENOENT');
  });

  test('ERANGE: negative weight, lower threshold above upper', async () => {
    await applyOne(client, { kind: 'add-service', service: svc });
    expect(await errnoOf(applyOne(client, { kind: 'add-server', service: key, destination: destination({ weight: -1 }) }))).toBe('ERANGE');
    expect(await errnoOf(applyOne(client, { kind: 'add-server', service: key, destination: destination({ upperThreshold: 5, lowerThreshold: 10 }) }))).toBe('ERANGE');
  });

  test('EINVAL: IPv6 netmask out of range, mixed family without tunnel, GUE without port, multicast real server', async () => {
    expect(await errnoOf(applyOne(client, { kind: 'add-service', service: service({ family: 10, address: '2001:db8::1', netmask: 129 }) }))).toBe('EINVAL');
    await applyOne(client, { kind: 'add-service', service: svc });
    expect(await errnoOf(applyOne(client, { kind: 'add-server', service: key, destination: destination({ family: 10, address: '2001:db8::11' }) }))).toBe('EINVAL');
    expect(await errnoOf(applyOne(client, { kind: 'add-server', service: key, destination: destination({ fwdMethod: 2, tunnelType: 1, tunnelPort: 0 }) }))).toBe('EINVAL');
    expect(await errnoOf(applyOne(client, { kind: 'add-server', service: key, destination: destination({ address: '224.0.0.1' }) }))).toBe('EINVAL');
  });

  test('KernelError.op names the kernel command', async () => {
    await expect(applyOne(client, { kind: 'edit-service', service: svc })).rejects.toMatchObject({ op: 'SET_SERVICE', errno: 3 });
  });
});

describe('shapes', () => {
  test('mixed-family tunnel destinations: IPv4 service with an IPv6 IPIP real server and vice versa (GUE)', async () => {
    await applyOne(client, { kind: 'add-service', service: svc });
    const d6 = destination({ family: 10, address: '2001:db8::12', port: 80, fwdMethod: 2 });
    await applyOne(client, { kind: 'add-server', service: key, destination: d6 });
    expect(await client.destinations(key)).toEqual([destAsReturned(d6)]);

    const s6 = service({ family: 10, address: '2001:db8::2', protocol: UDP, netmask: 128 });
    await applyOne(client, { kind: 'add-service', service: s6 });
    const d4 = destination({ address: '10.0.0.13', port: 80, fwdMethod: 2, tunnelType: 1, tunnelPort: 6080, tunnelFlags: 1 });
    await applyOne(client, { kind: 'add-server', service: serviceKey(s6), destination: d4 });
    expect(await client.destinations(serviceKey(s6))).toEqual([destAsReturned(d4)]);
  });

  test('persistence with IPv4 netmask, one-packet, PE sip and scheduler flags read back exactly', async () => {
    const s = service({ protocol: UDP, port: 5060, scheduler: 'sh', peName: 'sip', flags: 0x1 | 0x4 | 0x8 | 0x10, timeout: 3600, netmask: 0xffff0000 });
    await applyOne(client, { kind: 'add-service', service: s });
    expect(await client.service(serviceKey(s))).toEqual(asReturned(s));
    expect(await client.services()).toEqual([asReturned(s)]);
  });

  test('the largest values: fwmark 0xffffffff, weight 2^31-1, thresholds 2^32-1', async () => {
    const s = service({ protocol: 0, address: '', port: 0, fwmark: 0xffffffff });
    await applyOne(client, { kind: 'add-service', service: s });
    const d = destination({ port: 0, weight: 0x7fffffff, upperThreshold: 0xffffffff, lowerThreshold: 0xfffffffe });
    await applyOne(client, { kind: 'add-server', service: serviceKey(s), destination: d });
    expect((await client.table())[0]).toEqual({ service: asReturned(s), destinations: [destAsReturned(d)] });
  });

  test('unknown attributes we send are ignored by the kernel (a newer client talking to an older kernel)', async () => {
    const s = service({ unknown: [{ type: 60, flags: 0, data: Buffer.from([1, 2, 3, 4]) }] });
    await applyOne(client, { kind: 'add-service', service: s });
    const d = destination({ unknown: [{ type: 61, flags: 0, data: Buffer.from([9]) }] });
    await applyOne(client, { kind: 'add-server', service: key, destination: d });
    const [t] = await client.table();
    expect(t.service).toEqual(asReturned(s));
    expect(t.service.unknown).toBeUndefined();
    expect(t.destinations).toEqual([destAsReturned(d)]);
  });

  test('stats come from STATS64 on this kernel', async () => {
    await applyOne(client, { kind: 'add-service', service: svc });
    const s = await client.service(key);
    expect(s.statsWidth).toBe(64);
    expect(s.stats).toEqual({ conns: 0n, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 0n, inpps: 0n, outpps: 0n, inbps: 0n, outbps: 0n });
  });
});

describe('table-wide commands', () => {
  test('zero one service, zero all', async () => {
    await applyOne(client, { kind: 'add-service', service: svc });
    await applyOne(client, { kind: 'zero', service: key });
    await applyOne(client, { kind: 'zero' });
    expect((await client.service(key)).stats?.conns).toBe(0n);
  });

  test('flush empties the table, destinations included', async () => {
    for (let i = 0; i < 5; i++) {
      await applyOne(client, { kind: 'add-service', service: service({ port: 100 + i }) });
      await applyOne(client, { kind: 'add-server', service: serviceKey(service({ port: 100 + i })), destination: destination({}) });
    }
    expect(await client.services()).toHaveLength(5);
    await applyOne(client, { kind: 'flush' });
    expect(await client.table()).toEqual([]);
  });

  test('timeouts: set all, set a subset, read back; defaults restored after', async () => {
    await applyOne(client, { kind: 'set-timeout', timeouts: { tcp: 10, tcpFin: 20, udp: 30 } });
    expect(await client.timeouts()).toEqual({ tcp: 10, tcpFin: 20, udp: 30 });
    await applyOne(client, { kind: 'set-timeout', timeouts: { udp: 45 } });
    expect(await client.timeouts()).toEqual({ tcp: 10, tcpFin: 20, udp: 45 });
    await applyOne(client, { kind: 'set-timeout', timeouts: { tcp: 900, tcpFin: 120, udp: 300 } });
    expect(await client.timeouts()).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
  });

  test('apply: results line up with changes, failures in place', async () => {
    const results = await client.apply([
      { kind: 'add-service', service: svc },
      { kind: 'add-service', service: svc },
      { kind: 'add-server', service: key, destination: destination({}) },
      { kind: 'delete-service', service: serviceKey(service({ port: 9 })) },
      { kind: 'edit-service', service: { ...svc, scheduler: 'rr' } },
    ]);
    expect(results.map((r) => (r instanceof KernelError ? r.code : r))).toEqual([undefined, 'EEXIST', undefined, 'ESRCH', undefined]);
    expect((await client.service(key)).scheduler).toBe('rr');
  });
});
