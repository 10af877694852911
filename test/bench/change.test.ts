import { canonicalSave } from '../../bench/compare';
import { changeTable, seededRandom } from '../../bench/change';
import { renderTable, spreadDests, tableModel } from '../../bench/tablefile';

/** Line multiset difference: lines only in a, lines only in b. */
function lineDiff(a: string, b: string): { onlyA: string[]; onlyB: string[] } {
  const count = new Map<string, number>();
  for (const l of a.trimEnd().split('\n')) count.set(l, (count.get(l) ?? 0) + 1);
  const onlyB: string[] = [];
  for (const l of b.trimEnd().split('\n')) {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else onlyB.push(l);
  }
  const onlyA = [...count].flatMap(([l, n]) => new Array<string>(n).fill(l));
  return { onlyA, onlyB };
}

const serviceOf = (line: string) => line.split(' ').slice(1, 3).join(' ');
const serverOf = (line: string) => `${serviceOf(line)} ${line.split(' ')[4]}`;

describe('bench table changes', () => {
  test('the seeded generator is deterministic', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    expect(seededRandom(8)()).not.toBe(xs[0]);
  });

  test('1 % of a 10,000 x 3 table: the mix, the size, the same for a seed', () => {
    const table = tableModel(new Array<number>(10_000).fill(3));
    const before = renderTable(table);
    const c = changeTable(table, { percent: 1, seed: 1 });
    expect(c.lines).toBe(40_000);
    expect(c.changedLines).toBe(400);
    expect(c.counts).toEqual({ servicesAdded: 2, servicesRemoved: 2, schedulers: 4, serversAdded: 20, serversRemoved: 20, weights: 340 });
    expect(c.steps).toBe(2 * 4 + 2 + 4 + 20 + 20 + 340);
    expect(renderTable(table)).toBe(before); // the input is left alone
    expect(changeTable(table, { percent: 1, seed: 1 }).text).toBe(c.text);
    expect(changeTable(table, { percent: 1, seed: 2 }).text).not.toBe(c.text);

    // Seen as a line diff: every kind of change is there, in the counts given.
    const { onlyA, onlyB } = lineDiff(before, c.text);
    const removedServices = onlyA.filter((l) => l.startsWith('-A ') && !onlyB.some((m) => m.startsWith('-A ') && serviceOf(m) === serviceOf(l)));
    const addedServices = onlyB.filter((l) => l.startsWith('-A ') && !onlyA.some((m) => m.startsWith('-A ') && serviceOf(m) === serviceOf(l)));
    expect(removedServices).toHaveLength(2);
    expect(addedServices).toHaveLength(2);
    const schedulerEdits = onlyB.filter((l) => l.startsWith('-A ')).length - 2;
    expect(schedulerEdits).toBe(4);
    const gone = new Set(removedServices.map(serviceOf));
    const added = new Set(addedServices.map(serviceOf));
    const serversA = onlyA.filter((l) => l.startsWith('-a ') && !gone.has(serviceOf(l)));
    const serversB = onlyB.filter((l) => l.startsWith('-a ') && !added.has(serviceOf(l)));
    const idsA = new Set(serversA.map(serverOf));
    const idsB = new Set(serversB.map(serverOf));
    expect(serversA.filter((l) => !idsB.has(serverOf(l)))).toHaveLength(20); // removed
    expect(serversB.filter((l) => !idsA.has(serverOf(l)))).toHaveLength(20); // added
    expect(serversB.filter((l) => idsA.has(serverOf(l)))).toHaveLength(340); // weight edits
    // A line diff counts an edit once: 400 lines changed.
    expect(onlyA.length + onlyB.length - schedulerEdits - 340).toBe(400);
    // The new lines are well formed and unique.
    const lines = c.text.trimEnd().split('\n');
    expect(new Set(lines).size).toBe(lines.length);
    expect(new Set(lines.filter((l) => l.startsWith('-a ')).map(serverOf)).size).toBe(lines.filter((l) => l.startsWith('-a ')).length);
  });

  test('keepalived size: 37,298 servers over 2,284 services, exactly', () => {
    const counts = spreadDests(2284, 37_298);
    expect(counts).toHaveLength(2284);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(37_298);
    expect(new Set(counts)).toEqual(new Set([16, 17]));
    expect(counts.filter((n) => n === 17)).toHaveLength(37_298 - 2284 * 16);
    const table = tableModel(counts);
    const text = renderTable(table);
    expect(text.trimEnd().split('\n')).toHaveLength(2284 + 37_298);
    const c = changeTable(table, { percent: 1, seed: 1 });
    expect(c.changedLines).toBe(Math.round(39_582 / 100));
    expect(c.counts.weights).toBeGreaterThan(200);
    expect(changeTable(table, { percent: 1, seed: 1 }).text).toBe(c.text);
  });

  test('a change too small for two services added and removed has one of each', () => {
    const c = changeTable(tableModel(new Array<number>(300).fill(3)), { percent: 1, seed: 3 });
    expect(c.changedLines).toBe(12);
    expect(c.counts).toEqual({ servicesAdded: 1, servicesRemoved: 1, schedulers: 1, serversAdded: 1, serversRemoved: 1, weights: 1 });
    expect(c.text.trimEnd().split('\n')).toHaveLength(1200);
  });

  test('spreading and bad input', () => {
    expect(spreadDests(4, 10)).toEqual([2, 3, 2, 3]);
    expect(spreadDests(3, 0)).toEqual([0, 0, 0]);
    expect(spreadDests(0, 0)).toEqual([]);
    expect(() => spreadDests(0, 1)).toThrow(/at least one service/);
    expect(() => spreadDests(2, -1)).toThrow(/destination count/);
    expect(() => changeTable(tableModel([0, 0]), { percent: 100, seed: 1 })).toThrow(/does not fit/);
    expect(() => changeTable(tableModel([3]), { percent: 0, seed: 1 })).toThrow(/percentage/);
  });
});

describe('canonical save order', () => {
  test('services sorted, each with its own servers sorted', () => {
    const a = '-A -t 10.1.0.2:80 -s rr\n-a -t 10.1.0.2:80 -r 10.64.0.9:8080 -m -w 1\n-a -t 10.1.0.2:80 -r 10.64.0.3:8080 -m -w 1\n-A -t 10.1.0.1:80 -s wlc\n';
    const b = '-A -t 10.1.0.1:80 -s wlc\n-A -t 10.1.0.2:80 -s rr\n-a -t 10.1.0.2:80 -r 10.64.0.3:8080 -m -w 1\n-a -t 10.1.0.2:80 -r 10.64.0.9:8080 -m -w 1\n';
    expect(canonicalSave(a)).toBe(b);
    expect(canonicalSave(b)).toBe(b);
    expect(canonicalSave('')).toBe('');
    expect(canonicalSave('-a x\n-A y\n')).toBe('-a x\n-A y\n');
    // A server moved to another service is a different table.
    expect(canonicalSave('-A a\n-a 1\n-A b\n')).not.toBe(canonicalSave('-A a\n-A b\n-a 1\n'));
  });
});
