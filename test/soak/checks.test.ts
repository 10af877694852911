// The soak's own checks (test/soak), on the host against the fake IPVS:
// random tables of the soak's generators, loaded with our -R and with apply
// of the soak's rules files (text and JSON), read back by our -S -n and
// -L -n --json, equal the model's lines; the listings pass its line checks;
// the checks do catch a difference and a malformed listing; and the traffic
// verdict excuses exactly the failures a change explains.
import { Rng } from '../kernel/apply-lab';
import { run } from '../programs/harness';
import { FakeIpvs } from '../support/fake-ipvs';
import { makeUniverse, randomApply, rulesJson, rulesText } from './changes';
import { listingProblem } from './listings';
import { TableModel, lineDifferences, linesOfJsonListing, modelLines } from './model';
import type { StepRecord } from './soak';
import { judgeTraffic } from './traffic';
import type { StreamEvent, StreamReport } from '../kernel/reload-lab';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

function randomTable(seed: number): TableModel {
  const rng = new Rng(seed);
  const universe = makeUniverse(rng);
  const empty: TableModel = { services: new Map(), timeouts: { tcp: 900, tcpFin: 120, udp: 300 } };
  // A whole table: the desired table of an apply on an empty one, without scopes.
  let desired = randomApply(rng, empty, universe).desired;
  for (let tries = 0; desired.length < 4 && tries < 20; tries++) desired = randomApply(rng, empty, universe).desired;
  return { services: new Map(desired.map((s) => [s.id, s])), timeouts: empty.timeouts };
}

async function readBack(kernel: FakeIpvs, model: TableModel): Promise<void> {
  const save = await run(['-S', '-n'], { kernel });
  expect(save.stderr).toBe('');
  expect(lineDifferences(save.stdout.split('\n'), modelLines(model.services.values(), false))).toEqual([]);
  expect(listingProblem('save', save.stdout)).toBeUndefined();
  const json = await run(['-L', '-n', '--json'], { kernel });
  expect(lineDifferences(linesOfJsonListing(json.stdout), modelLines(model.services.values(), true))).toEqual([]);
  for (const [kind, args] of [['plain', ['-L', '-n']], ['stats', ['-L', '-n', '--stats']]] as const) {
    const r = await run([...args], { kernel });
    expect(r.status).toBe(0);
    expect(listingProblem(kind, r.stdout)).toBeUndefined();
  }
}

describe.each(SEEDS)('a random table of the soak (seed %i)', (seed) => {
  const model = randomTable(seed);

  test('restored with -R from the model\'s lines, reads back as the model', async () => {
    expect(model.services.size).toBeGreaterThanOrEqual(4);
    const kernel = new FakeIpvs();
    const r = await run(['-R'], { kernel, stdin: `${modelLines(model.services.values(), true).join('\n')}\n` });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    await readBack(kernel, model);
  });

  test.each(['text', 'json'] as const)('applied from a %s rules file, reads back as the model', async (format) => {
    const kernel = new FakeIpvs();
    const text = format === 'json' ? rulesJson([...model.services.values()]) : rulesText(new Rng(seed), [...model.services.values()]);
    const r = await run(['apply', 'rules'], { kernel, files: { rules: text } });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    await readBack(kernel, model);
  });
});

describe('the checks catch what they are for', () => {
  const model = randomTable(1);

  test('a weight the kernel has and the model has not', () => {
    const lines = modelLines(model.services.values(), false);
    const server = lines.findIndex((l) => l.startsWith('-a '));
    const changed = [...lines];
    changed[server] = changed[server].replace(/-w \d+/, '-w 99');
    expect(lineDifferences(changed, lines)).toEqual([`missing: ${lines[server]}`, `extra:   ${changed[server]}`]);
  });

  test('listings cut short, out of order or without titles', async () => {
    const kernel = new FakeIpvs();
    await run(['-R'], { kernel, stdin: `${modelLines(model.services.values(), true).join('\n')}\n` });
    const plain = (await run(['-L', '-n'], { kernel })).stdout;
    const lines = plain.split('\n');
    const firstServer = lines.findIndex((l) => l.startsWith('  -> ') && !l.includes('RemoteAddress'));
    expect(listingProblem('plain', plain)).toBeUndefined();
    expect(listingProblem('plain', plain.slice(0, -1))).toMatch(/newline/);
    expect(listingProblem('plain', `${lines.slice(0, firstServer).join('\n')}\n${lines[firstServer].slice(0, 12)}\n`)).toMatch(/malformed/);
    expect(listingProblem('plain', [...lines.slice(0, 3), lines[firstServer], ''].join('\n'))).toMatch(/before any service/);
    expect(listingProblem('stats', plain)).toMatch(/titles/);
    const save = (await run(['-S', '-n'], { kernel })).stdout.split('\n');
    const a = save.findIndex((l) => l.startsWith('-a '));
    expect(listingProblem('save', `${[save[a], ...save.filter((_, i) => i !== a)].join('\n')}`)).toMatch(/server of a service not just listed|newline/);
    expect(listingProblem('save', `${[save[a], ...save.filter((_, i) => i !== a && save[i] !== '')].join('\n')}\n`)).toMatch(/server of a service not just listed/);
  });
});

describe('the traffic verdict', () => {
  const three = { '10.2.0.11:80': 1, '10.2.0.12:80': 1, '10.2.0.13:80': 1 };
  const two = { '10.2.0.11:80': 1, '10.2.0.12:80': 1 };
  // Step 1 (1000-1100 ms) removes s3; step 2 (3000-3100 ms) sets every weight to 0; step 3 (5000-5100 ms) puts s3 back.
  const timeline: StepRecord[] = [
    { step: 1, startMs: 1000, endMs: 1100, states: [two] },
    { step: 2, startMs: 3000, endMs: 3100, states: [{ '10.2.0.11:80': 0, '10.2.0.12:80': 0 }] },
    { step: 3, startMs: 5000, endMs: 5100, states: [three] },
  ];
  const report = (events: StreamEvent[]): StreamReport => ({
    sent: events.length,
    answered: events.filter((e) => !e[3].startsWith('!')).length,
    failed: events.filter((e) => e[3].startsWith('!')).length,
    failures: {}, targets: [], workers: 1, ports_reused: false, all_workers_stopped: true, events,
  });

  test('a failure that met the removal of a server, or a time without a usable server, is excused; others are not', () => {
    const v = judgeTraffic(report([
      [900, 1500, 0, '!timeout', 10000], // in flight across step 1
      [3050, 3200, 0, '!refused@connect', 10001], // every weight 0
      [3500, 3600, 0, '!refused@connect', 10002], // still none usable
      [2000, 2100, 0, '!timeout', 10003], // nothing happened then
      [6000, 6100, 0, '!reset', 10004], // nor then
    ]), three, timeline);
    expect({ excused: v.excused, unexcused: v.unexcusedCount }).toEqual({ excused: 3, unexcused: 2 });
    expect(v.unexcused[0]).toMatch(/^request 2000-2100 ms failed \(timeout\)/);
  });

  test('an answer from a server the service did not have at the time is misrouted', () => {
    const v = judgeTraffic(report([
      [200, 300, 0, 's3', 10000], // s3 was there
      [1050, 1080, 0, 's3', 10001], // during its removal: either table
      [2000, 2100, 0, 's3', 10002], // gone
      [2000, 2100, 0, 's1', 10003],
    ]), three, timeline);
    expect({ misrouted: v.misroutedCount, answered: v.answered }).toEqual({ misrouted: 1, answered: 4 });
    expect(v.misrouted[0]).toMatch(/^request 2000-2100 ms answered by s3/);
  });
});
