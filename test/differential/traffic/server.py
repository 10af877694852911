#!/usr/bin/env python3
"""Real server of the traffic scenarios (runs inside a real-server namespace).

usage: server.py NAME READY_FILE LIFETIME_S SPEC...
SPEC: tcp:PORT  HTTP/1.0 server answering every request with NAME
      udp:PORT  echo server answering every datagram with "NAME <datagram>"
      sink:PORT UDP port that swallows datagrams without answering

Each port is one IPv6 socket with IPV6_V6ONLY off, so IPv4 and IPv6 clients
reach the same socket. READY_FILE is created once every port is bound. The
server exits by itself after LIFETIME_S seconds, so nothing outlives a
scenario that was cut short.
"""
import os
import socket
import sys
import threading
import time


def bound(kind, port):
    s = socket.socket(socket.AF_INET6, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(('::', port))
    return s


def answer_http(conn, name):
    with conn:
        # Long enough for a client that holds a connection open on purpose
        # (client.py hold); the server's lifetime bounds it anyway.
        conn.settimeout(150)
        request = b''
        try:
            while b'\r\n\r\n' not in request and len(request) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                request += chunk
            body = name.encode() + b'\n'
            conn.sendall(b'HTTP/1.0 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n' % len(body) + body)
        except OSError:
            pass


def serve_tcp(sock, name):
    sock.listen(64)
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=answer_http, args=(conn, name), daemon=True).start()


def serve_udp(sock, name, echo):
    while True:
        data, peer = sock.recvfrom(65535)
        if echo:
            sock.sendto(name.encode() + b' ' + data[:200], peer)


def main():
    name, ready, lifetime, specs = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
    workers = []
    for spec in specs:
        kind, port = spec.split(':')
        if kind == 'tcp':
            workers.append((serve_tcp, (bound(socket.SOCK_STREAM, int(port)), name)))
        else:
            workers.append((serve_udp, (bound(socket.SOCK_DGRAM, int(port)), name, kind == 'udp')))
    for target, args in workers:
        threading.Thread(target=target, args=args, daemon=True).start()
    with open(ready, 'w') as f:
        f.write(f'{os.getpid()}\n')
    time.sleep(lifetime)


if __name__ == '__main__':
    main()
