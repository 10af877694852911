/** The netlink client against the real kernel: errors, timeouts, zero, flush, odd shapes. */
import type { IpvsClient } from '../../src/netlink/client';
import { KernelError } from '../../src/netlink/errors';
import type { ServiceKey } from '../../src/netlink/types';
import { serviceKey } from '../../src/netlink/types';
import { asReturned, destAsReturned, destination, openLabClient, service, UDP } from './client-lab';

let client: IpvsClient;
beforeAll(async () => {
  client = await openLabClient();
});
beforeEach(async () => {
  await client.flush();
});
afterAll(async () => {
  if (client) {
    await client.flush();
    await client.setTimeouts({ tcp: 900, tcpFin: 120, udp: 300 });
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
    await client.addService(svc);
    expect(await errnoOf(client.addService(svc))).toBe('EEXIST');
    await client.addDestination(key, destination({}));
    expect(await errnoOf(client.addDestination(key, destination({})))).toBe('EEXIST');
  });

  test('ESRCH: a missing service (edit, delete, get, zero, add destination)', async () => {
    expect(await errnoOf(client.editService(svc))).toBe('ESRCH');
    expect(await errnoOf(client.deleteService(key))).toBe('ESRCH');
    expect(await errnoOf(client.service(key))).toBe('ESRCH');
    expect(await errnoOf(client.zero(key))).toBe('ESRCH');
    expect(await errnoOf(client.addDestination(key, destination({})))).toBe('ESRCH');
  });

  test('a missing service has an empty destination dump, not an error', async () => {
    expect(await client.destinations(key)).toEqual([]);
  });

  test('ENOENT: a missing destination; an unknown scheduler or persistence engine', async () => {
    await client.addService(svc);
    expect(await errnoOf(client.editDestination(key, destination({})))).toBe('ENOENT');
    expect(await errnoOf(client.deleteDestination(key, destination({})))).toBe('ENOENT');
    expect(await errnoOf(client.addService(service({ port: 81, scheduler: 'nosuch' })))).toBe('ENOENT');
    expect(await errnoOf(client.addService(service({ port: 82, peName: 'nosuch' })))).toBe('ENOENT');
  });

  test('ERANGE: negative weight, lower threshold above upper', async () => {
    await client.addService(svc);
    expect(await errnoOf(client.addDestination(key, destination({ weight: -1 })))).toBe('ERANGE');
    expect(await errnoOf(client.addDestination(key, destination({ upperThreshold: 5, lowerThreshold: 10 })))).toBe('ERANGE');
  });

  test('EINVAL: IPv6 netmask out of range, mixed family without tunnel, GUE without port, multicast real server', async () => {
    expect(await errnoOf(client.addService(service({ family: 10, address: '2001:db8::1', netmask: 129 })))).toBe('EINVAL');
    await client.addService(svc);
    expect(await errnoOf(client.addDestination(key, destination({ family: 10, address: '2001:db8::11' })))).toBe('EINVAL');
    expect(await errnoOf(client.addDestination(key, destination({ fwdMethod: 2, tunnelType: 1, tunnelPort: 0 })))).toBe('EINVAL');
    expect(await errnoOf(client.addDestination(key, destination({ address: '224.0.0.1' })))).toBe('EINVAL');
  });

  test('KernelError.op names the kernel command', async () => {
    await expect(client.editService(svc)).rejects.toMatchObject({ op: 'SET_SERVICE', errno: 3 });
  });
});

describe('shapes', () => {
  test('mixed-family tunnel destinations: IPv4 service with an IPv6 IPIP real server and vice versa (GUE)', async () => {
    await client.addService(svc);
    const d6 = destination({ family: 10, address: '2001:db8::12', port: 80, fwdMethod: 2 });
    await client.addDestination(key, d6);
    expect(await client.destinations(key)).toEqual([destAsReturned(d6)]);

    const s6 = service({ family: 10, address: '2001:db8::2', protocol: UDP, netmask: 128 });
    await client.addService(s6);
    const d4 = destination({ address: '10.0.0.13', port: 80, fwdMethod: 2, tunnelType: 1, tunnelPort: 6080, tunnelFlags: 1 });
    await client.addDestination(serviceKey(s6), d4);
    expect(await client.destinations(serviceKey(s6))).toEqual([destAsReturned(d4)]);
  });

  test('persistence with IPv4 netmask, one-packet, PE sip and scheduler flags read back exactly', async () => {
    const s = service({ protocol: UDP, port: 5060, scheduler: 'sh', peName: 'sip', flags: 0x1 | 0x4 | 0x8 | 0x10, timeout: 3600, netmask: 0xffff0000 });
    await client.addService(s);
    expect(await client.service(serviceKey(s))).toEqual(asReturned(s));
    expect(await client.services()).toEqual([asReturned(s)]);
  });

  test('the largest values: fwmark 0xffffffff, weight 2^31-1, thresholds 2^32-1', async () => {
    const s = service({ protocol: 0, address: '', port: 0, fwmark: 0xffffffff });
    await client.addService(s);
    const d = destination({ port: 0, weight: 0x7fffffff, upperThreshold: 0xffffffff, lowerThreshold: 0xfffffffe });
    await client.addDestination(serviceKey(s), d);
    expect((await client.table())[0]).toEqual({ service: asReturned(s), destinations: [destAsReturned(d)] });
  });

  test('unknown attributes we send are ignored by the kernel (a newer client talking to an older kernel)', async () => {
    const s = service({ unknown: [{ type: 60, flags: 0, data: Buffer.from([1, 2, 3, 4]) }] });
    await client.addService(s);
    const d = destination({ unknown: [{ type: 61, flags: 0, data: Buffer.from([9]) }] });
    await client.addDestination(key, d);
    const [t] = await client.table();
    expect(t.service).toEqual(asReturned(s));
    expect(t.service.unknown).toBeUndefined();
    expect(t.destinations).toEqual([destAsReturned(d)]);
  });

  test('stats come from STATS64 on this kernel', async () => {
    await client.addService(svc);
    const s = await client.service(key);
    expect(s.statsWidth).toBe(64);
    expect(s.stats).toEqual({ conns: 0n, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 0n, inpps: 0n, outpps: 0n, inbps: 0n, outbps: 0n });
  });
});

describe('table-wide commands', () => {
  test('zero one service, zero all', async () => {
    await client.addService(svc);
    await client.zero(key);
    await client.zero();
    expect((await client.service(key)).stats?.conns).toBe(0n);
  });

  test('flush empties the table, destinations included', async () => {
    for (let i = 0; i < 5; i++) {
      await client.addService(service({ port: 100 + i }));
      await client.addDestination(serviceKey(service({ port: 100 + i })), destination({}));
    }
    expect(await client.services()).toHaveLength(5);
    await client.flush();
    expect(await client.table()).toEqual([]);
  });

  test('timeouts: set all, set a subset, read back; defaults restored after', async () => {
    await client.setTimeouts({ tcp: 10, tcpFin: 20, udp: 30 });
    expect(await client.timeouts()).toEqual({ tcp: 10, tcpFin: 20, udp: 30 });
    await client.setTimeouts({ udp: 45 });
    expect(await client.timeouts()).toEqual({ tcp: 10, tcpFin: 20, udp: 45 });
    await client.setTimeouts({ tcp: 900, tcpFin: 120, udp: 300 });
    expect(await client.timeouts()).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
  });

  test('apply: results line up with changes, failures in place', async () => {
    const results = await client.apply([
      { op: 'addService', service: svc },
      { op: 'addService', service: svc },
      { op: 'addDestination', key, destination: destination({}) },
      { op: 'deleteService', key: serviceKey(service({ port: 9 })) },
      { op: 'editService', service: { ...svc, scheduler: 'rr' } },
    ]);
    expect(results.map((r) => (r instanceof KernelError ? r.code : r))).toEqual([undefined, 'EEXIST', undefined, 'ESRCH', undefined]);
    expect((await client.service(key)).scheduler).toBe('rr');
  });
});
