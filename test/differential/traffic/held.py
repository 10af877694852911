#!/usr/bin/env python3
"""A connection held open, then finished: for draining a real server.

usage: held.py ADDR PORT SECONDS OUTFILE

Opens a TCP connection to ADDR:PORT and sends the first line of an HTTP
request (the server waits for the rest: the connection is ESTABLISHED, an
active one in IPVS), writes "open" to OUTFILE, waits SECONDS, sends the end
of the request, reads the whole answer, and writes the name of the server
that answered (or "FAILED: reason") to OUTFILE. It then closes with a reset
(SO_LINGER 0), so IPVS keeps the entry only for its short CLOSE timeout,
not the two minutes of TIME_WAIT. Run it in the background.
"""
import os
import socket
import struct
import sys
import time

from http_answer import read_answer


def main(addr, port, seconds, outfile):
    def note(text):
        with open(outfile + '.part', 'w') as f:
            f.write(text + '\n')
        # Whole or nothing for a reader that polls the file.
        os.replace(outfile + '.part', outfile)

    family = socket.AF_INET6 if ':' in addr else socket.AF_INET
    try:
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(seconds + 30)
        s.connect((addr, port))
        s.sendall(b'GET / HTTP/1.0\r\n')
        note('open')
        time.sleep(seconds)
        s.sendall(b'Host: held\r\n\r\n')
        body = read_answer(s)
        if body is None:
            raise OSError('bad HTTP answer')
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        s.close()
        note(body.decode().strip())
    except OSError as e:
        note(f'FAILED: {e}')


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
