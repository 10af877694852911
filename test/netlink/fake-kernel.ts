/**
 * An in-memory stand-in for the kernel's generic netlink + IPVS, speaking
 * bytes through PacketSocket. It answers the controller's "which id is
 * IPVS?", keeps a table of raw attributes, and can be told to misbehave:
 * any errno with ext-ack, silence, truncated datagrams, ENOBUFS, DUMP_INTR.
 * It parses with the naive helpers only, never with src/netlink code.
 */
import type { PacketSocket } from '../../src/netlink/transport';
import type { SocketUse } from '../../src/netlink/transport/socket';
import { attrMap, be16, Bytes, cstr, genlmsg, knest, le16, le32, le64, naiveAttrs, naiveMessages, NaiveMsg, nla, nlmsg } from './naive';

export const E = { EPERM: 1, ENOENT: 2, ESRCH: 3, ENOBUFS: 105, EEXIST: 17, EINVAL: 22, ERANGE: 34, EOPNOTSUPP: 95, EBUSY: 16 };

const NLMSG_NOOP = 1;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const F_MULTI = 2;
const F_ACK = 4;
const F_DUMP_INTR = 0x10;
const F_DUMP = 0x300;
const F_CAPPED = 0x100;
const F_ACK_TLVS = 0x200;

export interface FakeRequest {
  socket: FakeSocket;
  msg: NaiveMsg;
  cmd: number;
  dump: boolean;
  /** Top-level attributes by type. */
  attrs: Map<number, Buffer>;
}

export type Reaction =
  | { errno: number; extack?: string; extackOffset?: number; capped?: boolean }
  | { silence: true }
  /** Reply normally, but only after this many ms. */
  | { delayMs: number }
  /** Reply normally, then cut the reply datagram to this many bytes. */
  | { truncateTo: number }
  /** Send these datagrams first (e.g. replies with foreign sequence numbers), then reply normally. */
  | { before: Buffer[] }
  /** Dumps: mark messages NLM_F_DUMP_INTR. */
  | { dumpIntr: true }
  /** Dumps: end with NLMSG_DONE carrying -errno. */
  | { doneErrno: number }
  /** Dumps: deliver this many messages, then ENOBUFS, then nothing. */
  | { enobufsAfter: number }
  /** Dumps: wait this many ms before each datagram of the dump (a kernel busy with a large table). */
  | { pieceDelayMs: number };

interface Svc {
  key: string;
  family: number;
  attrs: Map<number, Buffer>;
  dests: Array<{ key: string; attrs: Map<number, Buffer> }>;
}

export class FakeSocket implements PacketSocket {
  static nextPort = 1000;
  readonly port = FakeSocket.nextPort++;
  referenced = true;
  closed = false;
  /** Bytes of undelivered replies; beyond kernel.rcvCapacity non-dump replies are dropped (ENOBUFS). */
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private overrun = false;
  private flushing = false;
  private onDatagram: (d: Buffer) => void = () => {};
  private onError: (e: Error & { errno?: number }) => void = () => {};
  datagramsReceived = 0;
  activeDumps = 0;

  constructor(
    private readonly kernel: FakeKernel,
    /** What the transport opened it for. */
    readonly use: SocketUse = 'requests',
  ) {}

  send(datagram: Buffer, done: (error?: Error & { errno?: number }) => void): void {
    if (this.closed) throw new Error('fake: send on a closed socket');
    if (this.kernel.sendErrno) {
      const errno = this.kernel.sendErrno;
      setImmediate(() => done(Object.assign(new Error(`send failed (${errno})`), { errno })));
      return;
    }
    this.datagramsReceived++;
    this.kernel.datagrams.push(datagram.length);
    this.kernel.receive(this, Buffer.from(datagram));
    setImmediate(() => done());
  }

  listen(onDatagram: (d: Buffer) => void, onError: (e: Error & { errno?: number }) => void): void {
    this.onDatagram = onDatagram;
    this.onError = onError;
  }

  ref(): void {
    this.referenced = true;
  }
  unref(): void {
    this.referenced = false;
  }
  close(): void {
    this.closed = true;
    this.queued = [];
  }
  recvBufferSize(): number {
    return this.kernel.reportedRecvBuffer;
  }

  /** Queues one reply datagram (as kernel.mangle makes it, if set); `flowControlled` replies (dumps) are never dropped. */
  deliver(d: Buffer, flowControlled = false): void {
    if (this.kernel.mangle === undefined) this.queue(d, flowControlled);
    else for (const m of this.kernel.mangle(d)) this.queue(m, flowControlled);
  }

  private queue(d: Buffer, flowControlled: boolean): void {
    if (this.closed) return;
    if (!flowControlled && this.queuedBytes + d.length > this.kernel.rcvCapacity) {
      // As netlink_overrun does: the error wakes the reader even if nothing else comes.
      this.kernel.dropped.push(...naiveMessages(d).map((m) => m.seq));
      this.raiseOverrun();
      return;
    }
    this.queued.push(d);
    this.queuedBytes += d.length;
    this.kernel.maxQueuedBytes = Math.max(this.kernel.maxQueuedBytes, this.queuedBytes);
    this.scheduleFlush();
  }

  raiseOverrun(): void {
    this.overrun = true;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      if (this.closed) return;
      // As in the kernel, a pending error is reported before queued data.
      if (this.overrun) {
        this.overrun = false;
        this.onError(Object.assign(new Error('recvmsg: No buffer space available'), { errno: E.ENOBUFS, code: 'ENOBUFS' }));
      }
      const batch = this.queued;
      this.queued = [];
      this.queuedBytes = 0;
      for (const d of batch) {
        if (this.closed) return;
        this.onDatagram(d);
      }
    });
  }
}

export class FakeKernel {
  familyId = 0x1c;
  familyRegistered = true;
  controllerErrno = 0;
  sendErrno = 0;
  rcvCapacity = Infinity;
  reportedRecvBuffer = 425984;
  /** Messages per dump datagram. */
  dumpBatch = 3;
  /** Extra raw attributes appended to every SERVICE / DEST reply (unknown-attribute tests). */
  extraServiceAttrs: Bytes[] = [];
  extraDestAttrs: Bytes[] = [];
  /** Omit DEST ADDR_FAMILY and TUN_* (an old kernel). */
  oldKernel = false;
  /** What becomes of each reply datagram on its way (the fuzzers' hook): none, one or several datagrams. */
  mangle?: (datagram: Buffer) => Buffer[];

  readonly sockets: FakeSocket[] = [];
  readonly services: Svc[] = [];
  timeouts = { tcp: 900, tcpFin: 120, udp: 300 };
  daemons: Array<Map<number, Buffer>> = [];

  /** Log of every IPVS request. */
  readonly requests: FakeRequest[] = [];
  controllerQueries = 0;
  datagrams: number[] = [];
  dropped: number[] = [];
  maxQueuedBytes = 0;
  maxConcurrentDumps = 0;
  private reactions: Array<{ match: (r: FakeRequest) => boolean; reaction: Reaction; times: number }> = [];

  /** The factory to hand to the transport. */
  readonly socketFactory = (use: SocketUse): PacketSocket => {
    const s = new FakeSocket(this, use);
    this.sockets.push(s);
    return s;
  };

  /** Misbehave for the next `times` requests matching `match` (a command number or a predicate). */
  react(match: number | ((r: FakeRequest) => boolean), reaction: Reaction, times = 1): void {
    const m = typeof match === 'number' ? (r: FakeRequest) => r.cmd === match : match;
    this.reactions.push({ match: m, reaction, times });
  }

  private takeReaction(r: FakeRequest): Reaction | undefined {
    const i = this.reactions.findIndex((x) => x.match(r));
    if (i < 0) return undefined;
    const x = this.reactions[i];
    if (--x.times <= 0) this.reactions.splice(i, 1);
    return x.reaction;
  }

  receive(socket: FakeSocket, datagram: Buffer): void {
    for (const msg of naiveMessages(datagram)) this.handle(socket, msg);
  }

  private handle(socket: FakeSocket, msg: NaiveMsg): void {
    if (msg.type === NLMSG_NOOP) {
      if (msg.flags & F_ACK) socket.deliver(this.ack(socket, msg, 0));
      return;
    }
    if (msg.type === 16) return this.controller(socket, msg);
    if (msg.type !== this.familyId || !this.familyRegistered) {
      socket.deliver(this.ack(socket, msg, E.ENOENT));
      return;
    }
    const req: FakeRequest = {
      socket,
      msg,
      cmd: msg.body[0],
      dump: (msg.flags & F_DUMP) === F_DUMP,
      attrs: attrMap(msg.body.subarray(4)),
    };
    this.requests.push(req);
    const reaction = this.takeReaction(req);
    if (reaction && 'silence' in reaction) return;
    if (reaction && 'errno' in reaction) {
      socket.deliver(this.ack(socket, msg, reaction.errno, reaction));
      return;
    }
    if (reaction && 'before' in reaction) for (const d of reaction.before) socket.deliver(d);
    if (reaction && 'delayMs' in reaction) {
      // Evaluate later, as a slow kernel would.
      setTimeout(() => this.answer(socket, req, undefined), reaction.delayMs);
      return;
    }
    this.answer(socket, req, reaction);
  }

  private answer(socket: FakeSocket, req: FakeRequest, reaction: Reaction | undefined): void {
    if (socket.closed) return;
    const { msg } = req;
    let replies: Bytes[];
    try {
      replies = this.execute(req);
    } catch (e) {
      const errno = (e as { errno?: number }).errno;
      if (errno === undefined) throw e;
      socket.deliver(this.ack(socket, msg, errno));
      return;
    }
    if (req.dump) return this.sendDump(socket, msg, replies, reaction);
    const parts: Buffer[] = replies.map((p) => Buffer.from(nlmsg(this.familyId, 0, msg.seq, socket.port, p)));
    if (msg.flags & F_ACK) parts.push(Buffer.from(this.ack(socket, msg, 0)));
    let d = Buffer.concat(parts);
    if (reaction && 'truncateTo' in reaction) d = d.subarray(0, reaction.truncateTo);
    socket.deliver(d);
  }

  private sendDump(socket: FakeSocket, msg: NaiveMsg, payloads: Bytes[], reaction: Reaction | undefined): void {
    socket.activeDumps++;
    const live = this.sockets.reduce((n, s) => n + s.activeDumps, 0);
    this.maxConcurrentDumps = Math.max(this.maxConcurrentDumps, live);
    if (socket.activeDumps > 1) throw new Error('fake: two dumps on one socket');
    const flags = F_MULTI | (reaction && 'dumpIntr' in reaction ? F_DUMP_INTR : 0);
    const msgs = payloads.map((p) => Buffer.from(nlmsg(this.familyId, flags, msg.seq, socket.port, p)));
    const doneErrno = reaction && 'doneErrno' in reaction ? reaction.doneErrno : 0;
    msgs.push(Buffer.from(nlmsg(NLMSG_DONE, F_MULTI, msg.seq, socket.port, le32(-doneErrno))));
    const cut = reaction && 'enobufsAfter' in reaction ? reaction.enobufsAfter : Infinity;
    const pieceDelayMs = reaction && 'pieceDelayMs' in reaction ? reaction.pieceDelayMs : 0;
    // Deliver in several turns, as recvmsg-driven dumps do.
    const step = (from: number): void => {
      if (socket.closed) {
        socket.activeDumps--;
        return;
      }
      if (from >= cut) {
        socket.raiseOverrun();
        socket.activeDumps--; // the rest is lost; the socket is abandoned by the client
        return;
      }
      const to = Math.min(from + this.dumpBatch, msgs.length, cut);
      socket.deliver(Buffer.concat(msgs.slice(from, to)), true);
      if (to >= msgs.length) {
        socket.activeDumps--;
        return;
      }
      if (pieceDelayMs > 0) setTimeout(() => step(to), pieceDelayMs);
      else setImmediate(() => step(to));
    };
    if (pieceDelayMs > 0) setTimeout(() => step(0), pieceDelayMs);
    else step(0);
  }

  /** NLMSG_ERROR: success acks capped; errors echo the request unless capped; ext-ack TLVs when given. */
  ack(socket: FakeSocket, msg: NaiveMsg, errno: number, opts: { extack?: string; extackOffset?: number; capped?: boolean } = {}): Buffer {
    const capped = errno === 0 || opts.capped === true;
    let flags = capped ? F_CAPPED : 0;
    const echo = capped ? [...msg.raw.subarray(0, 16)] : [...msg.raw];
    const tlvs: Bytes = [];
    if (opts.extack !== undefined) tlvs.push(...nla(1, cstr(opts.extack)));
    if (opts.extackOffset !== undefined) tlvs.push(...nla(2, le32(opts.extackOffset)));
    if (tlvs.length) flags |= F_ACK_TLVS;
    while (echo.length % 4) echo.push(0);
    return Buffer.from(nlmsg(NLMSG_ERROR, flags, msg.seq, socket.port, [...le32(-errno), ...echo, ...tlvs]));
  }

  private controller(socket: FakeSocket, msg: NaiveMsg): void {
    this.controllerQueries++;
    const name = attrMap(msg.body.subarray(4)).get(2);
    const wanted = name ? name.subarray(0, name.indexOf(0)).toString() : '';
    if (this.controllerErrno) return socket.deliver(this.ack(socket, msg, this.controllerErrno));
    if (wanted !== 'IPVS' || !this.familyRegistered) return socket.deliver(this.ack(socket, msg, E.ENOENT));
    const reply = genlmsg(16, 0, msg.seq, socket.port, 1, nla(2, cstr('IPVS')), nla(1, le16(this.familyId)), nla(3, le32(1)));
    socket.deliver(Buffer.concat([Buffer.from(reply), this.ack(socket, msg, 0)]));
  }

  // ----------------------------------------------------------- IPVS logic

  private execute(req: FakeRequest): Bytes[] {
    const fail = (errno: number): never => {
      throw Object.assign(new Error(`errno ${errno}`), { errno });
    };
    const svcAttrs = req.attrs.has(1) ? attrMap(req.attrs.get(1)!) : undefined;
    const destAttrs = req.attrs.has(2) ? attrMap(req.attrs.get(2)!) : undefined;
    const find = (): Svc | undefined => {
      if (!svcAttrs) return fail(E.EINVAL);
      const key = serviceKeyOf(svcAttrs);
      if (key === undefined) return fail(E.EINVAL);
      return this.services.find((s) => s.key === key);
    };
    const reply = (cmd: number, ...attrs: Bytes[]): Bytes => [cmd, 1, 0, 0, ...attrs.flat()];
    switch (req.cmd) {
      case 1: {
        // NEW_SERVICE
        if (!svcAttrs) return fail(E.EINVAL);
        for (const t of [6, 7, 8, 9]) if (!svcAttrs.has(t)) fail(E.EINVAL);
        if (find()) fail(E.EEXIST);
        this.services.push({ key: serviceKeyOf(svcAttrs)!, family: svcAttrs.get(1)!.readUInt16LE(0), attrs: svcAttrs, dests: [] });
        return [];
      }
      case 2: {
        const s = find() ?? fail(E.ESRCH);
        for (const t of [6, 7, 8, 9]) if (!svcAttrs!.has(t)) fail(E.EINVAL);
        s.attrs = svcAttrs!;
        return [];
      }
      case 3: {
        const s = find() ?? fail(E.ESRCH);
        this.services.splice(this.services.indexOf(s), 1);
        return [];
      }
      case 4: {
        if (req.dump) return this.services.map((s) => reply(1, this.serviceReply(s)));
        const s = find() ?? fail(E.ESRCH);
        return [reply(1, this.serviceReply(s))];
      }
      case 5:
      case 6:
      case 7: {
        const s = find() ?? fail(E.ESRCH);
        if (!destAttrs || !destAttrs.has(1) || !destAttrs.has(2)) return fail(E.EINVAL);
        const key = destAttrs.get(1)!.toString('hex') + destAttrs.get(2)!.toString('hex');
        const existing = s.dests.find((d) => d.key === key);
        if (req.cmd === 7) {
          if (!existing) fail(E.ENOENT);
          s.dests.splice(s.dests.indexOf(existing!), 1);
          return [];
        }
        for (const t of [3, 4, 5, 6]) if (!destAttrs.has(t)) fail(E.EINVAL);
        if (destAttrs.get(4)!.readInt32LE(0) < 0) fail(E.ERANGE);
        const u = destAttrs.get(5)!.readUInt32LE(0);
        const l = destAttrs.get(6)!.readUInt32LE(0);
        if (u !== 0 && l > u) fail(E.ERANGE);
        if (req.cmd === 5) {
          if (existing) fail(E.EEXIST);
          s.dests.push({ key, attrs: destAttrs });
        } else {
          if (!existing) fail(E.ENOENT);
          existing!.attrs = destAttrs;
        }
        return [];
      }
      case 8: {
        if (!req.dump) return fail(E.EOPNOTSUPP);
        const s = find();
        return s ? s.dests.map((d) => reply(5, this.destReply(s, d.attrs))) : [];
      }
      case 9: {
        const d = req.attrs.get(3);
        if (!d) return fail(E.EINVAL);
        const m = attrMap(d);
        if (!m.has(2) || !m.has(1)) return fail(E.EINVAL);
        const state = m.get(1)!.readUInt32LE(0);
        if (state !== 1 && state !== 2) fail(E.EINVAL);
        if (this.daemons.some((x) => x.get(1)!.readUInt32LE(0) === state)) fail(E.EEXIST);
        this.daemons.push(m);
        return [];
      }
      case 10: {
        const d = req.attrs.get(3);
        if (!d) return fail(E.EINVAL);
        const state = attrMap(d).get(1)!.readUInt32LE(0);
        const i = this.daemons.findIndex((x) => x.get(1)!.readUInt32LE(0) === state);
        if (i < 0) fail(E.ESRCH);
        this.daemons.splice(i, 1);
        return [];
      }
      case 11: {
        if (!req.dump) return fail(E.EOPNOTSUPP);
        return this.daemons.map((m) => {
          const inner: Bytes[] = [];
          for (const t of [1, 2, 3]) inner.push(nla(t, [...m.get(t)!]));
          inner.push(nla(4, le16(m.has(4) ? m.get(4)!.readUInt16LE(0) : 1472)));
          inner.push(nla(7, le16(m.has(7) ? m.get(7)!.readUInt16LE(0) : 8848)));
          inner.push(nla(8, [m.has(8) ? m.get(8)![0] : 1]));
          inner.push(m.has(6) ? nla(6, [...m.get(6)!]) : nla(5, m.has(5) ? [...m.get(5)!] : [224, 0, 0, 81]));
          return reply(9, knest(3, ...inner));
        });
      }
      case 12: {
        if (req.attrs.has(4)) this.timeouts.tcp = req.attrs.get(4)!.readUInt32LE(0);
        if (req.attrs.has(5)) this.timeouts.tcpFin = req.attrs.get(5)!.readUInt32LE(0);
        if (req.attrs.has(6)) this.timeouts.udp = req.attrs.get(6)!.readUInt32LE(0);
        return [];
      }
      case 13:
        return [reply(12, nla(4, le32(this.timeouts.tcp)), nla(5, le32(this.timeouts.tcpFin)), nla(6, le32(this.timeouts.udp)))];
      case 15:
        return [reply(14, nla(1, le32(0x010201)), nla(2, le32(4096)))];
      case 16:
        if (svcAttrs) find() ?? fail(E.ESRCH);
        return [];
      case 17:
        this.services.length = 0;
        return [];
      default:
        return fail(E.EOPNOTSUPP);
    }
  }

  /** Kernel order: identity, SCHED_NAME, PE_NAME, FLAGS (| hashed), TIMEOUT, NETMASK, STATS, STATS64. */
  private serviceReply(s: Svc): Bytes {
    const a = s.attrs;
    const inner: Bytes[] = [nla(1, [...a.get(1)!])];
    if (a.has(5)) inner.push(nla(5, [...a.get(5)!]));
    else {
      const addr = Buffer.alloc(16);
      a.get(3)!.copy(addr);
      inner.push(nla(2, [...a.get(2)!]), nla(3, [...addr]), nla(4, [...a.get(4)!]));
    }
    inner.push(nla(6, [...a.get(6)!]));
    if (a.has(11) && a.get(11)!.length > 1) inner.push(nla(11, [...a.get(11)!]));
    const flags = a.get(7)!.readUInt32LE(0) | 0x2;
    inner.push(nla(7, [...le32(flags), ...le32(0xffffffff)]), nla(8, [...a.get(8)!]), nla(9, [...a.get(9)!]));
    inner.push(stats32(), stats64());
    return [...knest(1, ...inner, ...this.extraServiceAttrs)];
  }

  /** Kernel order: ADDR, PORT, FWD, WEIGHT, TUN_*, thresholds, conns, ADDR_FAMILY, STATS, STATS64. */
  private destReply(s: Svc, a: Map<number, Buffer>): Bytes {
    const addr = Buffer.alloc(16);
    a.get(1)!.copy(addr);
    const inner: Bytes[] = [nla(1, [...addr]), nla(2, [...a.get(2)!]), nla(3, [...a.get(3)!]), nla(4, [...a.get(4)!])];
    if (!this.oldKernel) {
      inner.push(nla(13, [a.has(13) ? a.get(13)![0] : 0]));
      inner.push(nla(14, a.has(14) ? [...a.get(14)!] : be16(0)));
      inner.push(nla(15, a.has(15) ? [...a.get(15)!] : le16(0)));
    }
    inner.push(nla(5, [...a.get(5)!]), nla(6, [...a.get(6)!]), nla(7, le32(0)), nla(8, le32(0)), nla(9, le32(0)));
    if (!this.oldKernel) inner.push(nla(11, a.has(11) ? [...a.get(11)!] : le16(s.family)));
    inner.push(stats32());
    if (!this.oldKernel) inner.push(stats64());
    return [...knest(2, ...inner, ...this.extraDestAttrs)];
  }
}

function serviceKeyOf(a: Map<number, Buffer>): string | undefined {
  if (!a.has(1)) return undefined;
  const af = a.get(1)!.readUInt16LE(0);
  if (a.has(5)) return `${af}/fwm/${a.get(5)!.readUInt32LE(0)}`;
  if (!a.has(2) || !a.has(3) || !a.has(4)) return undefined;
  const addr = Buffer.alloc(16);
  a.get(3)!.copy(addr);
  return `${af}/${a.get(2)!.readUInt16LE(0)}/${addr.toString('hex')}/${a.get(4)!.toString('hex')}`;
}

/** Zero 32-bit stats with the kernel's PAD attributes before the u64 byte counters. */
export function stats32(values: number[] = new Array(10).fill(0)): Bytes {
  const parts: Bytes[] = [];
  values.forEach((v, i) => {
    const id = i + 1;
    if (id === 4 || id === 5) parts.push(nla(11, []), nla(id, le64(BigInt(v))));
    else parts.push(nla(id, le32(v)));
  });
  return knest(10, ...parts);
}

export function stats64(values: bigint[] = new Array(10).fill(0n)): Bytes {
  const parts: Bytes[] = [];
  values.forEach((v, i) => parts.push(nla(11, []), nla(i + 1, le64(v))));
  return knest(12, ...parts);
}

export { naiveAttrs };
