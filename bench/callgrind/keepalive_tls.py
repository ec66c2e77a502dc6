"""keepalive.py over TLS: N GET / requests on one HTTP/1.1 keep-alive TLS connection, each response read whole.

Usage: keepalive_tls.py PORT N CAFILE. The handshake verifies the server's certificate against CAFILE (for 127.0.0.1)
and the session then stays up for all N requests, so a server's count per request is its steady-state record cost:
one request record in, the response's records out. Exits non-zero if a response is not a 200 with a
Content-Length body.
"""
import socket
import ssl
import sys

port, count, cafile = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
context = ssl.create_default_context(cafile=cafile)
raw = socket.create_connection(("127.0.0.1", port))
raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
sock = context.wrap_socket(raw, server_hostname="127.0.0.1")
request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
buffered = b""
for _ in range(count):
    sock.sendall(request)
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
