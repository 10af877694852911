// -L -n rows printed as bytes from the servers file (render/plain-numeric.ts)
// against the string renderer's rows from the dumps: byte for byte the same
// over random tables, sorted and not, whatever the values and the order.
import { serviceKey } from '../../src/ipvs/types';
import { formatIPv4 } from '../../src/netlink/inet';
import { listedDest, listedSvc, persistent, row } from '../support/builders';
import { FakeIpvs, keyText } from '../support/fake-ipvs';
import { prng } from '../netlink/prng';
import { run } from '../programs/harness';

const METHODS = ['masq', 'local', 'tunnel', 'route'];

/** A table of `seed`: IPv4 servers over the whole address range (so 1.31's wrapping compare matters), repeated addresses, every column at its limits. */
function randomTable(seed: number): FakeIpvs {
  const r = prng(seed);
  const ipvs = new FakeIpvs();
  const u32 = (): number => [0, 1, 9, 10, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, r.int(2 ** 32)][r.int(8)];
  const services = 1 + r.int(12);
  for (let s = 0; s < services; s++) {
    const spec = r.int(6) === 0 ? `fwm ${1 + r.int(2 ** 32 - 1)}` : `${r.pick(['tcp', 'udp', 'sctp'])} ${formatIPv4(r.bytes(4))}:${r.int(65536)}`;
    const service = listedSvc(spec, r.int(3) === 0 ? persistent(1 + r.int(3600)) : { scheduler: r.pick(['wlc', 'rr', 'sh', 'mh']) });
    const addresses = Array.from({ length: 1 + r.int(4) }, () => formatIPv4(r.bytes(4)));
    const servers = Array.from({ length: r.int(14) }, () => {
      const where = r.int(8) === 0 ? `[2001:db8::${r.int(65536).toString(16)}]:${r.int(65536)}` : `${r.pick(addresses)}:${r.int(65536)}`;
      return listedDest(where, r.pick(METHODS), { weight: u32() | 0, activeConns: u32(), inactiveConns: u32() });
    });
    // One server per address and port, as the kernel keeps them.
    const unique = [...new Map(servers.map((d) => [`${d.address} ${d.port}`, d])).values()];
    const entry = row(service, ...unique);
    ipvs.entries.set(keyText(serviceKey(service)), entry);
  }
  return ipvs;
}

test.each([[['-L', '-n']], [['-L', '-n', '--nosort']]])('ipvsadm %j: from the file as bytes, as from the dumps as strings, over 300 random tables', async (argv) => {
  let servers = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const fromFile = await run(argv, { kernel: randomTable(seed) });
    const fromDumps = await run(argv, { kernel: randomTable(seed), serversFile: 'none' });
    expect({ seed, ...fromFile }).toEqual({ seed, ...fromDumps });
    servers += fromFile.stdout.split('\n').filter((line) => line.startsWith('  -> ')).length - 1;
  }
  // The tables were not empty.
  expect(servers).toBeGreaterThan(1000);
});

test('written as bytes or as text: the same output over 100 random tables', async () => {
  for (let seed = 1; seed <= 100; seed++) {
    const argv = seed % 2 === 0 ? ['-L', '-n'] : ['-L', '-n', '--nosort'];
    const bytes = await run(argv, { kernel: randomTable(seed) });
    expect({ seed, ...bytes }).toEqual({ seed, ...(await run(argv, { kernel: randomTable(seed), textOnly: true })) });
  }
});

test('a scheduler name that is not ASCII is printed as the string renderer prints it', async () => {
  const ipvs = (): FakeIpvs => {
    const k = new FakeIpvs();
    const r = row(listedSvc('tcp 10.1.0.1:80', { scheduler: 'wlc\u00e9' }), listedDest('10.64.0.2:8080'), listedDest('10.64.0.1:8080'));
    k.entries.set(keyText(serviceKey(r.service)), r);
    return k;
  };
  const fromFile = await run(['-L', '-n'], { kernel: ipvs() });
  expect(fromFile).toEqual(await run(['-L', '-n'], { kernel: ipvs(), serversFile: 'none' }));
  expect(fromFile.stdout).toContain('TCP  10.1.0.1:80 wlc\u00e9\n  -> 10.64.0.1:8080');
});
