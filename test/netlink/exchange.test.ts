// How an exchange takes its replies: a dump's are kept as they come and read
// only once NLMSG_DONE is in, so nothing slow runs between two pieces of a
// dump (IPVS resumes a dump by position: see commands/apply/live.ts).
import { NLM_F_DUMP_INTR, NLMSG_DONE, NLMSG_HDRLEN } from '../../src/netlink/constants';
import { absorb, absorbAt, DumpRestart, newExchange, type ReplyReader } from '../../src/netlink/transport/exchange';

const HEADER = 4; // generic netlink's header, not given to the reader
const SEQ = 7;
const NLM_F_MULTI = 0x2;

/** One reply message in a datagram of its own: the header, the family header, then `body`. */
function reply(body: string): Buffer {
  const payload = Buffer.concat([Buffer.alloc(HEADER), Buffer.from(body)]);
  const datagram = Buffer.alloc(NLMSG_HDRLEN + payload.length);
  datagram.writeUInt32LE(datagram.length, 0);
  payload.copy(datagram, NLMSG_HDRLEN);
  return datagram;
}

const done = { length: NLMSG_HDRLEN + 4, type: NLMSG_DONE, flags: NLM_F_MULTI, seq: SEQ, pid: 0, payload: Buffer.alloc(4) };

function exchange(kind: 'do' | 'dump') {
  const reads: string[] = [];
  const read: ReplyReader<string> = (data, start, end) => {
    const text = data.toString('latin1', start, end);
    reads.push(text);
    return text.toUpperCase();
  };
  const x = newExchange(SEQ, kind, 'GET_SERVICE', () => undefined, read as ReplyReader<unknown>, HEADER);
  const take = (body: string, flags = NLM_F_MULTI) => {
    const d = reply(body);
    return absorbAt(x, d, 0, d.length, 0x20, flags, SEQ);
  };
  return { x, reads, take };
}

test('a dump reads no reply until NLMSG_DONE, then all of them in order', () => {
  const { x, reads, take } = exchange('dump');
  expect(take('one')).toBeUndefined();
  expect(take('two')).toBeUndefined();
  expect(reads).toEqual([]);
  expect(absorb(x, done)).toEqual({});
  expect(reads).toEqual(['one', 'two']);
  expect(x.replies).toEqual(['ONE', 'TWO']);
  expect(x.held).toEqual([]);
});

test('a dump the kernel marked interrupted restarts without reading a reply', () => {
  const { x, reads, take } = exchange('dump');
  take('one', NLM_F_MULTI | NLM_F_DUMP_INTR);
  const ending = absorb(x, done);
  expect(ending?.error).toBeInstanceOf(DumpRestart);
  expect(reads).toEqual([]);
});

test('a reply to a plain request is read as it comes', () => {
  const { x, reads, take } = exchange('do');
  take('one', 0);
  expect(reads).toEqual(['one']);
  expect(x.replies).toEqual(['ONE']);
});
