// The listing's readers (src/netlink/listing-replies.ts) against the generic
// decoder: whatever the bytes, the same service or destination, or the same
// error; and the fast path really taken for what the kernel sends.
import { decodeDestinationReply, decodeServiceReply } from '../../src/netlink/ipvs-codec';
import { fastDestination, fastService, readDestinationReply, readServiceReply, readServiceReplyWithoutCounters } from '../../src/netlink/listing-replies';
import { COMMAND_SET } from '../../src/netlink/schema';
import { encodeAttributes } from '../../src/netlink/set-codec';
import type { Destination, Service } from '../../src/ipvs/types';
import { destinationReplyEntries, serviceReplyEntries } from '../support/ipvs-replies';
import { randomIpvs } from '../support/random-ipvs';

const { r, randomService, randomDestination } = randomIpvs(0x5eed);

const serviceBytes = (s: Service): Buffer => encodeAttributes(COMMAND_SET, { entries: [['SERVICE', serviceReplyEntries(s)]] });
const destinationBytes = (d: Destination, withFamily = true): Buffer =>
  encodeAttributes(COMMAND_SET, { entries: [['DEST', destinationReplyEntries(d, withFamily)]] });

/** `bytes` inside a larger buffer, as a reply lies in its datagram: [data, start, end]. */
function inDatagram(bytes: Buffer): [Buffer, number, number] {
  const before = 4 * (1 + r.int(8));
  const data = Buffer.concat([Buffer.alloc(before, 0xee), bytes, Buffer.alloc(4 * r.int(4), 0xee)]);
  return [data, before, before + bytes.length];
}

type Outcome = { value: unknown } | { error: string };
function outcome(f: () => unknown): Outcome {
  try {
    const value = f();
    // Read the stats too: they are part of the value, and decoded lazily.
    const o = value as { stats?: unknown };
    return { value: { ...o, stats: o.stats } };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

const plain = <T extends { unknown?: unknown }>(o: T): T => {
  const { unknown: _u, ...rest } = o;
  return rest as T;
};

describe('the common case takes the fast path and reads what the generic decoder reads', () => {
  test('destinations, with and without ADDR_FAMILY, stats of either width or none (500 objects)', () => {
    for (let i = 0; i < 500; i++) {
      const d = plain(randomDestination());
      for (const withFamily of [true, false]) {
        const [data, start, end] = inDatagram(destinationBytes(d, withFamily));
        const family = withFamily ? (d.family === 2 ? 10 : 2) : d.family;
        const fast = fastDestination(data, start, end, family);
        expect(fast).toBeDefined();
        expect(fast).toEqual(d);
        expect(fast).toEqual(decodeDestinationReply(data.subarray(start, end), family));
        expect(fast!.stats).toEqual(d.stats);
        expect(fast!.statsWidth).toBe(d.statsWidth);
      }
    }
  });

  test('services, address or fwmark, stats of either width or none (500 objects)', () => {
    for (let i = 0; i < 500; i++) {
      const s = plain(randomService());
      const [data, start, end] = inDatagram(serviceBytes(s));
      const fast = fastService(data, start, end);
      expect(fast).toBeDefined();
      expect(fast).toEqual(s);
      expect(fast).toEqual(decodeServiceReply(data.subarray(start, end)));
      expect(fast!.stats).toEqual(s.stats);
      const bare = readServiceReplyWithoutCounters(data, start, end);
      expect(Object.keys(bare)).not.toContain('stats');
      expect(Object.keys(bare)).not.toContain('statsWidth');
      expect({ ...bare, stats: s.stats, statsWidth: s.statsWidth }).toEqual(s);
    }
  });
});

describe('anything else goes to the generic decoder', () => {
  test('unknown attributes are kept (the fast path declines)', () => {
    const d: Destination = { ...plain(randomDestination()), unknown: [{ type: 40, flags: 0, data: Buffer.from([1, 2, 3]) }] };
    const [data, start, end] = inDatagram(destinationBytes(d));
    expect(fastDestination(data, start, end, d.family)).toBeUndefined();
    expect(readDestinationReply(data, start, end, d.family)).toEqual(d);
    const s: Service = { ...plain(randomService()), unknown: [{ type: 30, flags: 0x8000, data: Buffer.alloc(0) }] };
    const [sdata, sstart, send] = inDatagram(serviceBytes(s));
    expect(fastService(sdata, sstart, send)).toBeUndefined();
    expect(readServiceReply(sdata, sstart, send)).toEqual(s);
    const bare = readServiceReplyWithoutCounters(sdata, sstart, send);
    expect(Object.keys(bare)).not.toContain('stats');
    expect({ ...bare, stats: s.stats, statsWidth: s.statsWidth }).toEqual(s);
  });

  test('damaged replies: the same value or the same error as the generic decoder (3,000 mutations each)', () => {
    let fastTaken = 0;
    for (let i = 0; i < 3000; i++) {
      const d = randomDestination();
      const bytes = mutate(destinationBytes(d, r.int(2) === 0));
      const [data, start, end] = inDatagram(bytes);
      const family = r.pick([2, 10, 7]);
      if (fastDestination(data, start, end, family) !== undefined) fastTaken++;
      expect(outcome(() => readDestinationReply(data, start, end, family))).toEqual(outcome(() => decodeDestinationReply(bytes, family)));

      const s = randomService();
      const sbytes = mutate(serviceBytes(s));
      const [sdata, sstart, send] = inDatagram(sbytes);
      if (fastService(sdata, sstart, send) !== undefined) fastTaken++;
      const full = outcome(() => readServiceReply(sdata, sstart, send));
      expect(full).toEqual(outcome(() => decodeServiceReply(sbytes)));
      expect(outcome(() => readServiceReplyWithoutCounters(sdata, sstart, send))).toEqual(withoutStats(full));
    }
    // Some mutations leave a reply the fast path still takes (a changed value).
    expect(fastTaken).toBeGreaterThan(100);
  });
});

/** What readServiceReplyWithoutCounters makes of what readServiceReply made: the same service without stats, or the same error. */
function withoutStats(o: Outcome): Outcome {
  if (!('value' in o)) return o;
  const { stats: _stats, statsWidth: _width, ...rest } = o.value as Service;
  return { value: { ...rest, stats: undefined } };
}

/** One damage: a changed byte (often a length or a type), a cut, or a spliced attribute. */
function mutate(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  switch (r.int(4)) {
    case 0:
      // A header byte: lengths and types sit at offsets 0-3 of each attribute.
      for (let k = 0; k < 1 + r.int(3); k++) out[4 * r.int(out.length >> 2) + r.int(4)] = r.int(256);
      return out;
    case 1:
      out[r.int(out.length)] = r.int(256);
      return out;
    case 2:
      return out.subarray(0, r.int(out.length + 1));
    default: {
      // An extra attribute inside the block, of a random type and size.
      const size = r.int(12);
      const extra = Buffer.alloc(4 + ((size + 3) & ~3));
      extra.writeUInt16LE(4 + size, 0);
      extra.writeUInt16LE(1 + r.int(20), 2);
      const grown = Buffer.concat([out, extra]);
      grown.writeUInt16LE(grown.readUInt16LE(0) + extra.length, 0);
      return grown;
    }
  }
}
