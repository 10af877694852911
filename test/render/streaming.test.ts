// Listings print as they read (issue 10): the table is read a few dumps
// ahead of the output, rows are written chunk by chunk, and a failure part
// way leaves what 1.31 would have left on stdout.
import { constants } from 'os';
import { liveTable, READ_AHEAD } from '../../src/commands/table';
import { QueryError } from '../../src/commands/results';
import { KernelError } from '../../src/netlink/errors';
import type { Destination, Service, ServiceKey } from '../../src/ipvs/types';
import { serviceKey } from '../../src/ipvs/types';
import { writeClassic } from '../../src/render/classic';
import { renderListing, writeListing } from '../../src/render/list';
import { CHUNK_ENTRIES } from '../../src/render/ordered-rows';
import { renderSave, writeSave } from '../../src/render/save';
import { listedDest, listedSvc, row } from '../support/builders';
import { FakeIpvs, keyText } from '../support/fake-ipvs';
import { fakeResolver } from '../support/fake-resolver';
import { recordingStdio } from '../programs/harness';

const E = constants.errno;

/** A FakeIpvs whose destination dumps wait until released, and which logs what was asked and when. */
class SlowIpvs extends FakeIpvs {
  readonly log: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failFor?: number;
  private dumps = 0;

  override async destinations(key: ServiceKey): Promise<Destination[]> {
    const n = this.dumps++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight--;
    this.log.push(`dump ${n}`);
    if (n === this.failFor) throw new KernelError(E.ENOMEM, 'GET_DEST');
    return super.destinations(key);
  }
}

function tableOf(services: number, dests: number, fwd: (i: number, j: number) => string | number = () => 'masq'): SlowIpvs {
  const ipvs = new SlowIpvs();
  for (let i = 0; i < services; i++) {
    // Kernel order is the reverse of listing order, so sorting is seen to happen.
    const s = listedSvc(`tcp 10.1.${(services - i) >> 8}.${(services - i) & 255}:80`);
    const ds = Array.from({ length: dests }, (_, j) => listedDest(`10.64.${i & 255}.${dests - j}:8080`, fwd(i, j)));
    ipvs.entries.set(keyText(serviceKey(s)), row(s, ...ds));
  }
  return ipvs;
}

const VIEW = { format: 'plain' as const, numeric: true, exact: false, nosort: false, resolver: fakeResolver() };

describe('liveTable', () => {
  test('rows come in the order asked for, with at most READ_AHEAD dumps asked ahead', async () => {
    const ipvs = tableOf(100, 2);
    const table = liveTable(ipvs);
    const services = (await table.services()).slice().reverse();
    const seen: Service[] = [];
    for await (const batch of table.rows(services)) seen.push(...batch.map((r) => r.service));
    expect(seen).toEqual(services);
    expect(ipvs.maxInFlight).toBeGreaterThan(1);
    expect(ipvs.maxInFlight).toBeLessThanOrEqual(READ_AHEAD);
  });

  test('a failed dump is a QueryError of get-dests; the rows before it were handed on', async () => {
    const ipvs = tableOf(40, 1);
    ipvs.failFor = 30;
    const table = liveTable(ipvs);
    const got: Service[] = [];
    const failure = await (async () => {
      for await (const batch of table.rows(await table.services())) got.push(...batch.map((r) => r.service));
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(QueryError);
    expect((failure as QueryError).operation).toBe('get-dests');
    expect(got).toHaveLength(30);
  });

  test('a consumer that stops early leaves no unhandled rejection behind', async () => {
    const ipvs = tableOf(40, 1);
    ipvs.failFor = 5;
    const table = liveTable(ipvs);
    for await (const _r of table.rows(await table.services())) break;
    // Give the dumps asked ahead time to fail; jest fails the test on an unhandled rejection.
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
});

describe('writeListing and writeSave print as they read', () => {
  test('the first rows are written before the last dump is asked for; the text is the same as all at once', async () => {
    const services = 4 * CHUNK_ENTRIES;
    const ipvs = tableOf(services, 1);
    const pieces: string[] = [];
    await writeListing(liveTable(ipvs), VIEW, (text) => {
      ipvs.log.push('write');
      pieces.push(text);
    });
    const firstWrite = ipvs.log.indexOf('write', 1);
    expect(firstWrite).toBeGreaterThan(0);
    expect(firstWrite).toBeLessThan(ipvs.log.indexOf(`dump ${services - 1}`));
    expect(pieces.length).toBeGreaterThan(2);
    const all = await renderListing(await ipvs.table(), VIEW);
    expect(pieces.join('')).toBe(all);
    // Listing order: the kernel gave the services in reverse.
    expect(pieces.join('').split('\n')[2]).toBe('TCP  10.1.0.1:80 wlc');
  });

  test('save: same text streamed as rendered at once', async () => {
    const ipvs = tableOf(300, 3);
    let text = '';
    await writeSave(liveTable(ipvs), { numeric: true, resolver: fakeResolver() }, (t) => (text += t));
    expect(text).toBe(await renderSave(await ipvs.table(), { numeric: true, resolver: fakeResolver() }));
    expect(text.split('\n')).toHaveLength(300 * 4 + 1);
  });
});

/** Standard output through createStdio (1.31's buffering, 4096-byte blocks), recorded write by write. */
function stdio(): { sink: ReturnType<typeof recordingStdio>; stdout: () => string; stderr: () => string } {
  const written = { stdout: [] as string[], stderr: [] as string[] };
  return { sink: recordingStdio(written), stdout: () => written.stdout.join(''), stderr: () => written.stderr.join('') };
}

describe('a save that meets a server 1.31 cannot save', () => {
  const saveOf = (ipvs: FakeIpvs) => ({ kind: 'save' as const, table: liveTable(ipvs), numeric: true, resolver: fakeResolver() });

  test('in a small table: nothing on stdout (1.31 crashes before its buffer is written)', async () => {
    const ipvs = tableOf(5, 2, (i, j) => (i === 3 && j === 1 ? 5 : 'masq'));
    const out = stdio();
    expect(await writeClassic(saveOf(ipvs), out.sink)).toBe(1);
    out.sink.flush();
    expect(out.stdout()).toBe('');
    expect(out.stderr()).toMatch(/^ipvsadm: cannot save destination .* unknown forwarding method 5\n$/);
  });

  test('late in a large table: the whole blocks written before it, and nothing after', async () => {
    const ipvs = tableOf(400, 2, (i, j) => (i === 300 && j === 0 ? 6 : 'masq'));
    const out = stdio();
    expect(await writeClassic(saveOf(ipvs), out.sink)).toBe(1);
    out.sink.flush();
    const full = await renderSave(
      [...(await ipvs.table())].map((r) => ({ ...r, destinations: r.destinations.map((d) => ({ ...d, fwdMethod: 0 })) })),
      { numeric: true, resolver: fakeResolver() },
    );
    const printed = out.stdout();
    expect(printed.length).toBeGreaterThan(0);
    expect(printed.length % 4096).toBe(0);
    expect(full.startsWith(printed)).toBe(true);
    // The bad server's service sorts 100th (kernel order is reversed): its lines are not all printed.
    expect(printed.length).toBeLessThan(full.indexOf('-A -t 10.1.0.100:80'));
  });
});

describe('a listing whose dump fails part way', () => {
  test('prints the rows before it, then 1.31 message, status 1', async () => {
    const ipvs = tableOf(3 * CHUNK_ENTRIES, 1);
    ipvs.failFor = 2 * CHUNK_ENTRIES;
    const out = stdio();
    const status = await writeClassic({ kind: 'listing', table: liveTable(ipvs), view: VIEW }, out.sink);
    out.sink.flush();
    expect(status).toBe(1);
    expect(out.stderr()).toBe('Memory allocation problem\n');
    expect(out.stdout().split('\n').length).toBeGreaterThan(CHUNK_ENTRIES);
  });
});
