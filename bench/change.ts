// A changed copy of a benchmark table (bench/tablefile.ts): about a given
// share of its lines differ, in a mix a real reload would bring (weights
// changed, a few real servers added and removed, a scheduler or two changed,
// a couple of services added and removed). Deterministic for a seed.
import {
  ModelService, RIP_SECOND_OCTET, SCHEDULERS, VIP_SECOND_OCTET, hostAddress, renderTable,
} from './tablefile';

export interface ChangeCounts {
  servicesAdded: number;
  servicesRemoved: number;
  schedulers: number;
  serversAdded: number;
  serversRemoved: number;
  weights: number;
}

export interface ChangedTable {
  services: ModelService[];
  text: string;
  counts: ChangeCounts;
  /** Lines of the original file. */
  lines: number;
  /** Lines added, removed or edited: counted as a line diff would (an edit is one line). */
  changedLines: number;
  /** The fewest changes that turn the original table into this one (a removed service is one -D). */
  steps: number;
}

/** mulberry32: a small seeded generator, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const linesOf = (s: ModelService) => 1 + s.dests.length;

/**
 * Changes about `percent` % of the lines of `table` (not modified): 2
 * services removed and 2 added (when the table has 20 or more and the
 * change is large enough for them, else 1 or none), 1 % of the
 * changed lines are scheduler changes (at least 1), 5 % real servers added
 * and 5 % removed, the rest weight changes. The new services take the next
 * virtual addresses after the table's and, like the new real servers, real
 * server addresses after the highest one in use.
 */
export function changeTable(table: readonly ModelService[], o: { percent: number; seed: number }): ChangedTable {
  if (!(o.percent > 0 && o.percent <= 100)) throw new Error(`bad change percentage ${o.percent}`);
  const lines = table.reduce((n, s) => n + linesOf(s), 0);
  const target = Math.max(1, Math.round((lines * o.percent) / 100));
  const random = seededRandom(o.seed);
  const pick = (n: number) => Math.floor(random() * n);

  // Services in a random order; the first ones are removed, the next ones
  // get a new scheduler, and real server changes come from the rest.
  const order = table.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const perNew = table.length === 0 ? 0 : Math.floor(table.reduce((n, s) => n + s.dests.length, 0) / table.length);
  const counts: ChangeCounts = {
    servicesAdded: 0,
    servicesRemoved: 0,
    schedulers: Math.max(1, Math.round(target / 100)),
    serversAdded: Math.round(target / 20),
    serversRemoved: Math.round(target / 20),
    weights: 0,
  };
  // Two services added and two removed, or fewer when the change is too small for them.
  let serviceChanges = table.length >= 20 ? 2 : 0;
  for (;; serviceChanges--) {
    const fixed = order.slice(0, serviceChanges).reduce((n, i) => n + linesOf(table[i]), 0) + serviceChanges * (1 + perNew)
      + counts.schedulers + counts.serversAdded + counts.serversRemoved;
    counts.weights = target - fixed;
    if (counts.weights >= 0 || serviceChanges === 0) break;
  }
  counts.servicesAdded = serviceChanges;
  counts.servicesRemoved = serviceChanges;
  const removed = new Set(order.slice(0, serviceChanges));
  const rest = order.slice(serviceChanges + counts.schedulers);
  const destsLeft = rest.reduce((n, i) => n + table[i].dests.length, 0);
  if (counts.weights < 0 || rest.length === 0 || counts.weights + counts.serversRemoved > destsLeft) {
    throw new Error(`a ${o.percent} % change does not fit a table of ${table.length} services (${lines} lines)`);
  }

  const copy: ModelService[] = table.map((s) => ({ ...s, dests: s.dests.map((d) => ({ ...d })) }));
  for (const i of order.slice(serviceChanges, serviceChanges + counts.schedulers)) {
    copy[i].scheduler = SCHEDULERS[(SCHEDULERS.indexOf(copy[i].scheduler as (typeof SCHEDULERS)[number]) + 1) % SCHEDULERS.length];
  }
  // Real servers of the remaining services, each touched at most once.
  const touched = new Set<string>();
  const someDest = (): [number, number] => {
    for (;;) {
      const i = rest[pick(rest.length)];
      if (copy[i].dests.length === 0) continue;
      const j = pick(copy[i].dests.length);
      const key = `${i}/${j}`;
      if (touched.has(key)) continue;
      touched.add(key);
      return [i, j];
    }
  };
  for (let k = 0; k < counts.weights; k++) {
    const [i, j] = someDest();
    copy[i].dests[j].weight = 1 + (copy[i].dests[j].weight % 5);
  }
  const gone = new Map<number, Set<number>>();
  for (let k = 0; k < counts.serversRemoved; k++) {
    const [i, j] = someDest();
    gone.set(i, (gone.get(i) ?? new Set()).add(j));
  }
  for (const [i, js] of gone) copy[i].dests = copy[i].dests.filter((_, j) => !js.has(j));
  const ripIndex = (rip: string) => {
    const [second, third, fourth] = rip.split(':')[0].split('.').slice(1).map(Number);
    return (second - RIP_SECOND_OCTET) * 256 * 250 + third * 250 + fourth - 1;
  };
  let nextRip = 0;
  for (const s of table) for (const d of s.dests) nextRip = Math.max(nextRip, ripIndex(d.rip) + 1);
  for (let k = 0; k < counts.serversAdded; k++) {
    const s = copy[rest[pick(rest.length)]];
    s.dests.push({ rip: `${hostAddress(RIP_SECOND_OCTET, nextRip++)}:${s.ripPort}`, weight: 1 + pick(5) });
  }

  const services = copy.filter((_, i) => !removed.has(i));
  for (let k = 0; k < serviceChanges; k++) {
    const i = table.length + k;
    const https = i % 4 === 3;
    const ripPort = https ? 8443 : 8080;
    const dests = [];
    for (let j = 0; j < perNew; j++) dests.push({ rip: `${hostAddress(RIP_SECOND_OCTET, nextRip++)}:${ripPort}`, weight: 1 + pick(5) });
    services.push({
      id: `-t ${hostAddress(VIP_SECOND_OCTET, i)}:${https ? 443 : 80}`,
      scheduler: SCHEDULERS[pick(SCHEDULERS.length)], persistent: https ? 300 : 0, ripPort, dests,
    });
  }
  const steps = counts.servicesAdded * (1 + perNew) + counts.servicesRemoved + counts.schedulers
    + counts.serversAdded + counts.serversRemoved + counts.weights;
  return { services, text: renderTable(services), counts, lines, changedLines: target, steps };
}
