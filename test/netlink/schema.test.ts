import { existsSync, readFileSync } from 'fs';
import { AttributeWriter } from '../../src/netlink/attributes';
import { DecodeError } from '../../src/netlink/errors';
import { COMMAND_SET, DAEMON_SET, DEST_SET, INFO_SET, SERVICE_SET, STATS64_SET, STATS_SET } from '../../src/netlink/schema';
import { decodeSet, encodeAttributes, encodeSet } from '../../src/netlink/set-codec';
import { buf, hex, knest, le16, le32, le64, nla } from './naive';

const HEADER = '/usr/include/linux/ip_vs.h';

/** enum { PREFIX_UNSPEC = 0, PREFIX_A, ... } -> name -> value, from the installed header. */
function headerEnum(prefix: string): Map<string, number> {
  const text = readFileSync(HEADER, 'utf8');
  const body = text.split('enum {').find((b) => b.includes(`${prefix}UNSPEC`));
  if (!body) throw new Error(`no enum ${prefix}* in ${HEADER}`);
  const out = new Map<string, number>();
  let next = 0;
  for (const line of body.split('}')[0].split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*(?:=\s*(\d+))?\s*,/.exec(line);
    if (!m) continue;
    next = m[2] !== undefined ? Number(m[2]) : next;
    out.set(m[1], next++);
  }
  return out;
}

describe('the tables agree with <linux/ip_vs.h>', () => {
  const sets = [
    [SERVICE_SET, 'IPVS_SVC_ATTR_'],
    [DEST_SET, 'IPVS_DEST_ATTR_'],
    [DAEMON_SET, 'IPVS_DAEMON_ATTR_'],
    [STATS_SET, 'IPVS_STATS_ATTR_'],
    [STATS64_SET, 'IPVS_STATS_ATTR_'],
    [COMMAND_SET, 'IPVS_CMD_ATTR_'],
    [INFO_SET, 'IPVS_INFO_ATTR_'],
  ] as const;
  test.each(sets.map(([s, p]) => [s.name, s, p] as const))('%s', (_name, set, prefix) => {
    expect(existsSync(HEADER)).toBe(true);
    const kernel = headerEnum(prefix);
    for (const spec of set.specs) expect([spec.constant, kernel.get(spec.constant)]).toEqual([spec.constant, spec.id]);
    // Every kernel attribute is in the table (none forgotten).
    const ours = new Set(set.specs.map((s) => s.constant));
    for (const [name] of kernel) if (!name.endsWith('_UNSPEC') && !name.startsWith('__')) expect(ours).toContain(name);
  });
});

describe('generic table-driven codec', () => {
  test('integer types are length-checked: a 2-byte TIMEOUT is a DecodeError', () => {
    expect(() => decodeSet(SERVICE_SET, buf(nla(8, le16(1))))).toThrow(DecodeError);
  });

  test('a fixed-size binary of the wrong size is a DecodeError (FLAGS needs 8)', () => {
    expect(() => decodeSet(SERVICE_SET, buf(nla(7, le32(1))))).toThrow(/IPVS_SVC_ATTR_FLAGS needs 8 bytes/);
  });

  test('ADDR longer than 16 bytes is a DecodeError', () => {
    expect(() => decodeSet(SERVICE_SET, buf(nla(3, new Array(20).fill(1))))).toThrow(DecodeError);
  });

  test('unknown ids are kept in order with their flag bits, and re-encode verbatim', () => {
    const bytes = buf([...nla(1, le16(2)), ...nla(40, hex('01020304')), ...nla(41 | 0x8000, nla(1, [9])), ...nla(8, le32(3))]);
    const d = decodeSet(SERVICE_SET, bytes);
    expect(d.unknown.map((u) => [u.type, u.flags, Buffer.from(u.data).toString('hex')])).toEqual([
      [40, 0, '01020304'],
      [41, 0x8000, '0500010009000000'],
    ]);
    const again = encodeAttributes(SERVICE_SET, { entries: [['AF', 2], ['TIMEOUT', 3]], unknown: d.unknown });
    expect(decodeSet(SERVICE_SET, again).unknown).toEqual(d.unknown);
  });

  test('PAD inside stats is skipped, not kept as unknown', () => {
    const d = decodeSet(STATS64_SET, buf([...nla(11, []), ...nla(1, le64(5n))]));
    expect(d.unknown).toEqual([]);
    expect(d.big('CONNS')).toBe(5n);
  });

  test('nested sets decode without NLA_F_NESTED (kernel replies) and with it', () => {
    for (const t of [1, 1 | 0x8000]) {
      const d = decodeSet(COMMAND_SET, buf(nla(t, nla(1, le16(10)))));
      expect(d.nest('SERVICE')?.num('AF')).toBe(10);
    }
    expect(decodeSet(COMMAND_SET, buf(knest(3, nla(1, le32(2))))).nest('DAEMON')?.num('STATE')).toBe(2);
  });

  test('a later duplicate wins, as in nla_parse', () => {
    expect(decodeSet(SERVICE_SET, buf([...nla(8, le32(1)), ...nla(8, le32(2))])).num('TIMEOUT')).toBe(2);
  });

  test('encoder refuses names and values that do not fit the table', () => {
    const w = new AttributeWriter();
    expect(() => encodeSet(w, SERVICE_SET, { entries: [['NOPE', 1]] })).toThrow(RangeError);
    expect(() => encodeSet(w, SERVICE_SET, { entries: [['AF', 70000]] })).toThrow(RangeError);
    expect(() => encodeSet(w, SERVICE_SET, { entries: [['AF', 'x']] })).toThrow(TypeError);
    expect(() => encodeSet(w, SERVICE_SET, { entries: [['FLAGS', Buffer.alloc(4)]] })).toThrow(RangeError);
  });

  test('need() names the missing kernel constant', () => {
    const d = decodeSet(SERVICE_SET, Buffer.alloc(0));
    expect(() => d.need('SCHED_NAME', d.str)).toThrow(/IPVS_SVC_ATTR_SCHED_NAME/);
  });
});
