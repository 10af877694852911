#!/usr/bin/env python3
"""A continuous stream of short requests through IPVS, for measuring reloads.

usage: stream.py --stop FILE --out FILE [--ready FILE] [--workers N] [--rate R]
                 [--timeout S] [--max-seconds S] [--ports LO-HI] KIND ADDR PORT [KIND ADDR PORT]...
KIND: http  one HTTP/1.0 GET per new TCP connection (server.py answers with its name)
      udp   one datagram per new (connected) UDP socket, answered by server.py's echo

N worker threads (default 16) send requests at R requests a second in all
(default 200): each worker starts one every N/R seconds, taking the targets
in turn, so that a request that hangs holds up one worker only, and the
stream stays dense while requests fail. A worker that falls behind skips
the slots it missed. The stream goes on until FILE exists, SIGTERM or SIGINT
arrives, or --max-seconds (default 120) have passed. Every request is a new flow: its
source port is bound explicitly, taken in turn from --ports (default
10000-60999, dealt out among the workers), so that no flow of the run reuses
an earlier one's connection entry in the IPVS table (a UDP datagram that hits
the entry of a server deleted since would be dropped, whatever the reload).

A request fails when it is refused (RST, or ICMP port unreachable), reset,
unanswered within --timeout seconds (default 2), or answered with something
else than a server's name; "@connect" is added to the kind when a TCP
connection could not be opened. --ready FILE is created once the workers run.

--out FILE gets one JSON object: the totals (sent, answered, failed), the
failures by kind, per target the answers by server, whether source ports
had to be reused, and every request as [start_ms, end_ms, target, outcome,
source_port] (wall-clock milliseconds; target is the index of the target
on the command line; outcome is the server's name or "!" and the failure's
kind), so that a test can tell which servers answered between two reloads,
and find a failed request's entry in the IPVS connection table.
The same object without the requests is printed on standard output.
"""
import argparse
import json
import os
import signal
import socket
import sys
import threading
import time

from http_answer import read_answer

KINDS = ('http', 'udp')


def family(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


def shown(addr, port):
    return f'[{addr}]:{port}' if ':' in addr else f'{addr}:{port}'


def local(addr, port):
    return ('::', port) if ':' in addr else ('0.0.0.0', port)


def http_get(addr, port, source_port, timeout):
    with socket.socket(family(addr), socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(timeout)
        s.bind(local(addr, source_port))
        try:
            s.connect((addr, port))
        except OSError as error:
            error.stage = 'connect'
            raise
        s.sendall(f'GET / HTTP/1.0\r\nHost: {shown(addr, port)}\r\n\r\n'.encode())
        body = read_answer(s)
    if body is None:
        raise ValueError('bad HTTP answer')
    return body.decode(errors='replace').strip()


def udp_ask(addr, port, source_port, timeout):
    with socket.socket(family(addr), socket.SOCK_DGRAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(timeout)
        s.bind(local(addr, source_port))
        # Connected, so that an ICMP port unreachable comes back as ECONNREFUSED.
        s.connect((addr, port))
        payload = b'stream %d' % source_port
        s.send(payload)
        data = s.recv(65535)
    name, _, echoed = data.partition(b' ')
    if echoed != payload:
        raise ValueError('bad UDP answer')
    return name.decode(errors='replace')


def failure_kind(error):
    """refused, reset, timeout, bad-answer or other; with '@connect' when a TCP connect failed."""
    if isinstance(error, ConnectionRefusedError):
        kind = 'refused'
    elif isinstance(error, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
        kind = 'reset'
    elif isinstance(error, (socket.timeout, TimeoutError)):
        kind = 'timeout'
    elif isinstance(error, ValueError):
        kind = 'bad-answer'
    else:
        kind = 'other'
    return kind + ('@connect' if getattr(error, 'stage', None) == 'connect' else '')


class Stream:
    def __init__(self, targets, workers, rate, timeout, ports):
        self.targets = targets
        self.workers = workers
        # Each worker starts a request every `period` seconds (a late one starts at once).
        self.period = workers / rate
        self.timeout = timeout
        self.ports = ports
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.events = []
        self.wrapped = False

    def source_ports(self, worker):
        lo, hi = self.ports
        port = lo + worker
        while True:
            yield port
            port += self.workers
            if port > hi:
                port = lo + worker
                self.wrapped = True

    def work(self, worker):
        ports = self.source_ports(worker)
        n = worker
        mine = []
        slot = time.monotonic() + self.period * worker / self.workers
        while not self.stop.is_set():
            wait = slot - time.monotonic()
            if wait > 0 and self.stop.wait(wait):
                break
            # Slots missed while a request hung are skipped, not made up for.
            slot = max(slot + self.period, time.monotonic())
            index = n % len(self.targets)
            n += 1
            kind, addr, port = self.targets[index]
            source_port = next(ports)
            started = time.time()
            try:
                outcome = (http_get if kind == 'http' else udp_ask)(addr, port, source_port, self.timeout)
            except (OSError, ValueError) as error:
                outcome = '!' + failure_kind(error)
            mine.append((round(started * 1000, 1), round(time.time() * 1000, 1), index, outcome, source_port))
        with self.lock:
            self.events.extend(mine)

    def run(self, stop_file, ready_file, max_seconds):
        threads = [threading.Thread(target=self.work, args=(w,), daemon=True) for w in range(self.workers)]
        for t in threads:
            t.start()
        if ready_file:
            with open(ready_file, 'w') as f:
                f.write(f'{os.getpid()}\n')
        end = time.monotonic() + max_seconds
        while not self.stop.is_set() and time.monotonic() < end and not os.path.exists(stop_file):
            time.sleep(0.02)
        self.stop.set()
        # A request in flight ends within the timeout (connect, send and each recv are bounded).
        for t in threads:
            t.join(4 * self.timeout + 1)
        return not any(t.is_alive() for t in threads)

    def report(self, all_stopped):
        events = sorted(self.events)
        failures = {}
        per_target = []
        for kind, addr, port in self.targets:
            per_target.append({'target': f'{kind} {shown(addr, port)}', 'sent': 0, 'answered': 0, 'failed': 0, 'servers': {}})
        for _, _, index, outcome, _ in events:
            t = per_target[index]
            t['sent'] += 1
            if outcome.startswith('!'):
                t['failed'] += 1
                kind = outcome[1:].split('@')[0]
                failures[kind] = failures.get(kind, 0) + 1
            else:
                t['answered'] += 1
                t['servers'][outcome] = t['servers'].get(outcome, 0) + 1
        summary = {
            'sent': len(events),
            'answered': sum(t['answered'] for t in per_target),
            'failed': sum(t['failed'] for t in per_target),
            'failures': failures,
            'targets': per_target,
            'workers': self.workers,
            'ports_reused': self.wrapped,
            'all_workers_stopped': all_stopped,
            'first_ms': events[0][0] if events else None,
            'last_ms': events[-1][1] if events else None,
        }
        return summary, events


def parse(argv):
    p = argparse.ArgumentParser(prog='stream.py', description='continuous short requests through IPVS')
    p.add_argument('--stop', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--ready')
    p.add_argument('--workers', type=int, default=16)
    p.add_argument('--rate', type=float, default=200.0)
    p.add_argument('--timeout', type=float, default=2.0)
    p.add_argument('--max-seconds', type=float, default=120.0)
    p.add_argument('--ports', default='10000-60999')
    p.add_argument('targets', nargs='+')
    o = p.parse_args(argv)
    words = o.targets
    if len(words) % 3 != 0:
        p.error('targets come as KIND ADDR PORT')
    targets = []
    for i in range(0, len(words), 3):
        kind, addr, port = words[i], words[i + 1], int(words[i + 2])
        if kind not in KINDS:
            p.error(f'unknown kind {kind}')
        targets.append((kind, addr, port))
    lo, _, hi = o.ports.partition('-')
    ports = (int(lo), int(hi))
    if not 0 < ports[0] <= ports[1] - o.workers < 65536 or ports[1] > 65535 or o.workers < 1 or o.rate <= 0:
        p.error('bad --ports, --workers or --rate')
    return o, targets, ports


def main(argv):
    o, targets, ports = parse(argv)
    stream = Stream(targets, o.workers, o.rate, o.timeout, ports)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stream.stop.set())
    all_stopped = stream.run(o.stop, o.ready, o.max_seconds)
    summary, events = stream.report(all_stopped)
    with open(o.out + '.part', 'w') as f:
        json.dump({**summary, 'events': events}, f, separators=(',', ':'))
    os.replace(o.out + '.part', o.out)
    print(json.dumps(summary), flush=True)
    return 0 if all_stopped else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
