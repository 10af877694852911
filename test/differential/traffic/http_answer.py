"""The HTTP side shared by the traffic clients (client.py, stream.py, held.py)."""


def read_answer(sock):
    """Reads an HTTP/1.0 answer to the end of the connection; its body, or None when it is not a 200."""
    reply = b''
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            break
        reply += chunk
    head, _, body = reply.partition(b'\r\n\r\n')
    return body if head.startswith(b'HTTP/1.0 200 ') else None
