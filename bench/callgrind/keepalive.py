"""Sends N GET / requests on one HTTP/1.1 keep-alive connection and reads each response whole.

Usage: keepalive.py PORT N [DEPTH] [CAFILE]. With DEPTH > 1 the requests go DEPTH at a time in one send (pipelined) and
the DEPTH responses are read before the next batch. With CAFILE the connection is TLS, the server's certificate
verified against CAFILE (for 127.0.0.1), and the session stays up for all N requests, so a server's count per request
is its steady-state record cost. Exits non-zero if a response is not a 200 with a Content-Length body.
"""
import socket
import ssl
import sys

port, count = int(sys.argv[1]), int(sys.argv[2])
depth = int(sys.argv[3]) if len(sys.argv) > 3 else 1
cafile = sys.argv[4] if len(sys.argv) > 4 else None
request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
sock = socket.create_connection(("127.0.0.1", port))
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
if cafile:
    sock = ssl.create_default_context(cafile=cafile).wrap_socket(sock, server_hostname="127.0.0.1")
buffered = b""
sent = 0
while sent < count:
    batch = min(depth, count - sent)
    sock.sendall(request * batch)
    sent += batch
    for _ in range(batch):
        while b"\r\n\r\n" not in buffered:
            chunk = sock.recv(65536)
            if not chunk:
                sys.exit("connection closed")
            buffered += chunk
        head, _, rest = buffered.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            sys.exit("unexpected response: " + head.decode("latin1"))
        length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                sys.exit("connection closed in a body")
            rest += chunk
        buffered = rest[length:]
sock.close()
