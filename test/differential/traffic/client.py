#!/usr/bin/env python3
"""Client of the traffic scenarios: bounded requests, one summary line each.

usage: client.py OP... where OP is one of (words in sequence)
  http ADDR PORT N          N HTTP/1.0 GETs, one TCP connection each
  udp ADDR PORT N           N datagrams, each from a new socket (new source port), each answered
  sip ADDR PORT CALLID N    N SIP INVITEs with the same Call-ID, each from a new socket
  bulk ADDR PORT N SIZE     N datagrams of SIZE bytes from one socket, no answers expected
  mark MARK ADDR PORT N     like udp, with SO_MARK=MARK on each socket (fwmark services)
  hold ADDR PORT SECONDS    open a TCP connection, send half a request and keep it open
                            (an ESTABLISHED, active connection) from a background child
  from ADDR                 the operations after it send from source address ADDR (one of
                            the client's), and their summaries start with "from ADDR "

The summary says how many requests were answered and by which real server
(servers answer with their name). The output must not depend on the run
(ports, timing), only on the IPVS scheduling: it is compared between sides.
Anything short of success is reported with the side's name, so that a broken
setup can never look the same on both sides.
"""
import os
import socket
import sys
import time

from http_answer import read_answer

TIMEOUT_S = 3.0
SO_MARK = getattr(socket, 'SO_MARK', 36)
# Set by the operation `from`: the local address requests are sent from.
source = None


def bound_to_source(s):
    if source is not None:
        s.bind((source, 0))
    return s


def family(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


def shown(addr, port):
    return f'[{addr}]:{port}' if ':' in addr else f'{addr}:{port}'


def http_get(addr, port):
    src = None if source is None else (source, 0)
    with socket.create_connection((addr, port), timeout=TIMEOUT_S, source_address=src) as s:
        s.sendall(f'GET / HTTP/1.0\r\nHost: {shown(addr, port)}\r\n\r\n'.encode())
        body = read_answer(s)
    if body is None:
        raise OSError('bad HTTP answer')
    return body.decode().strip()


def udp_ask(addr, port, payload, mark=None):
    with bound_to_source(socket.socket(family(addr), socket.SOCK_DGRAM)) as s:
        if mark is not None:
            s.setsockopt(socket.SOL_SOCKET, SO_MARK, mark)
        s.settimeout(TIMEOUT_S)
        s.sendto(payload, (addr, port))
        data, _ = s.recvfrom(65535)
    return data.split(b' ', 1)[0].decode()


def hold(addr, port, seconds):
    src = None if source is None else (source, 0)
    s = socket.create_connection((addr, port), timeout=TIMEOUT_S, source_address=src)
    s.sendall(b'GET / HTTP/1.0\r\n')
    if os.fork() == 0:
        # The child keeps the connection; it must not keep the step's output open.
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        time.sleep(seconds)
        os._exit(0)
    s.close()
    return True


def sip_invite(addr, port, call_id):
    vip = shown(addr, port)
    return (
        f'INVITE sip:bob@{vip} SIP/2.0\r\n'
        f'Via: SIP/2.0/UDP client.invalid;branch=z9hG4bK-traffic\r\n'
        f'From: <sip:alice@client.invalid>;tag=traffic\r\n'
        f'To: <sip:bob@{vip}>\r\n'
        f'Call-ID: {call_id}\r\n'
        f'CSeq: 1 INVITE\r\n'
        f'Content-Length: 0\r\n'
        f'\r\n'
    ).encode()


def summary(what, n, answers):
    by = {}
    for a in answers:
        if a is not None:
            by[a] = by.get(a, 0) + 1
    answered = sum(by.values())
    servers = ', '.join(f'{k} {by[k]}' for k in sorted(by))
    line = f'{what} x{n}: {answered} answered ({servers})'
    if source is not None:
        line = f'from {source} {line}'
    if answered != n:
        line += f' FAILED on side {os.environ.get("IPVS_DIFF_SIDE", "?")}'
    print(line, flush=True)


def attempt(fn, *args):
    try:
        return fn(*args)
    except OSError:
        return None


def main(words):
    global source
    while words:
        op = words.pop(0)
        if op == 'from':
            source = words.pop(0)
        elif op == 'http':
            addr, port, n = words.pop(0), int(words.pop(0)), int(words.pop(0))
            summary(f'http {shown(addr, port)}', n, [attempt(http_get, addr, port) for _ in range(n)])
        elif op == 'udp':
            addr, port, n = words.pop(0), int(words.pop(0)), int(words.pop(0))
            summary(f'udp {shown(addr, port)}', n, [attempt(udp_ask, addr, port, b'query %d' % i) for i in range(n)])
        elif op == 'sip':
            addr, port, call_id, n = words.pop(0), int(words.pop(0)), words.pop(0), int(words.pop(0))
            invite = sip_invite(addr, port, call_id)
            summary(f'sip {shown(addr, port)} Call-ID {call_id}', n, [attempt(udp_ask, addr, port, invite) for _ in range(n)])
        elif op == 'mark':
            mark, addr, port, n = int(words.pop(0)), words.pop(0), int(words.pop(0)), int(words.pop(0))
            summary(f'mark {mark} udp {shown(addr, port)}', n,
                    [attempt(udp_ask, addr, port, b'marked %d' % i, mark) for i in range(n)])
        elif op == 'hold':
            addr, port, seconds = words.pop(0), int(words.pop(0)), float(words.pop(0))
            held = attempt(hold, addr, port, seconds)
            line = f'hold {shown(addr, port)}: {"open" if held else "not open"}'
            if not held:
                line += f' FAILED on side {os.environ.get("IPVS_DIFF_SIDE", "?")}'
            print(line, flush=True)
        elif op == 'bulk':
            addr, port, n, size = words.pop(0), int(words.pop(0)), int(words.pop(0)), int(words.pop(0))
            sent = 0
            with socket.socket(family(addr), socket.SOCK_DGRAM) as s:
                for _ in range(n):
                    try:
                        s.sendto(b'x' * size, (addr, port))
                        sent += 1
                    except OSError:
                        pass
            line = f'bulk {shown(addr, port)} x{n} of {size} bytes: {sent} sent'
            if sent != n:
                line += f' FAILED on side {os.environ.get("IPVS_DIFF_SIDE", "?")}'
            print(line, flush=True)
        else:
            sys.exit(f'client.py: unknown operation {op}')


if __name__ == '__main__':
    main(sys.argv[1:])
