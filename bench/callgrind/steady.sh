#!/usr/bin/env bash
# Instructions per keep-alive hello request, plain HTTP or over one TLS session, counted in the steady state only: the
# server runs under callgrind with instrumentation off, the client sends WARM requests on one keep-alive connection,
# callgrind_control turns instrumentation on for the next N requests and off again. Start-up, JIT, the handshake and
# shutdown are left out by construction, so one run per build gives the figure (run.sh's two-run difference gives the
# same steady state with more noise). The profile is kept with the JIT's method names (symmap.py) for
# callgrind_annotate.
#
#   bench/callgrind/steady.sh DIR [DIR...]          # DIR: a folder with a NodeHttpBenchServer build
#   WARM=3000 N=3000 DEPTH=16 OUT=/tmp/steady bench/callgrind/steady.sh /tmp/base /tmp/new
#       DEPTH: requests sent per write (16: pipelined, the responses of a read answered together).
#   TLS=1 ... bench/callgrind/steady.sh /tmp/base /tmp/new
#       the same over TLS (a P-256 certificate made by openssl for the run; Python's ssl as the client).
# The request around each callgrind_control call is sent in two halves, so the connection is not idle (and not closed
# by the server's keep-alive timeout) however long the control takes; the halves add a request's worth at most.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
WARM="${WARM:-3000}"
# The warm-up also lasts this long: the server's timers (the Date cache's second, the keep-alive timer's 5 s, the
# connection check's 30 s) run their paths once, so the JIT compiles them before the count starts, not inside it.
WARM_SECONDS="${WARM_SECONDS:-40}"
N="${N:-3000}"
DEPTH="${DEPTH:-1}"
TLS="${TLS:-0}"
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
scheme=http; server_tls=(); curl_tls=(); cafile=""
if [ "$TLS" = 1 ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "$OUT/key.pem" -out "$OUT/cert.pem" 2> /dev/null
  scheme=https; server_tls=(--tls "$OUT/cert.pem" "$OUT/key.pem"); curl_tls=(--cacert "$OUT/cert.pem"); cafile="$OUT/cert.pem"
fi
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; true' EXIT
printf '| build (%s, %d per write) | instructions per request | profile |\n|---|---:|---|\n' "$scheme" "$DEPTH"
for dir in "$@"; do
  name="$(basename "$dir")"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  DOTNET_PerfMapEnabled=1 DOTNET_TieredCompilation=0 NODEHTTP_LOOP_POLL_US=0 valgrind --tool=callgrind --instr-atstart=no \
    --callgrind-out-file="$OUT/$name.cg" "$dir/NodeHttpBenchServer" "$port" "${server_tls[@]}" > "$OUT/$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    curl -s "${curl_tls[@]}" -o /dev/null --max-time 2 "$scheme://127.0.0.1:$port/" && break
    kill -0 "$pid" 2> /dev/null || { echo "$name exited:" >&2; tail "$OUT/$name.log" >&2; exit 1; }
    sleep 0.25
  done
  python3 - "$port" "$WARM" "$N" "$pid" "$DEPTH" "$WARM_SECONDS" "$cafile" <<'PY'
import socket, ssl, subprocess, sys, time
port, warm, n, pid, depth, warm_seconds = map(int, sys.argv[1:7])
sock = socket.create_connection(("127.0.0.1", port))
if sys.argv[7]:
    sock = ssl.create_default_context(cafile=sys.argv[7]).wrap_socket(sock, server_hostname="127.0.0.1")
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
def run(count):
    for _ in range(count // depth):
        sock.sendall(request * depth)
        got = b""
        while got.count(b"Hello, World!") < depth:
            chunk = sock.recv(65536)
            if not chunk:
                sys.exit("connection closed")
            got += chunk
def control(state):
    # Half a request is sent first: while callgrind_control runs (seconds on a loaded machine) the connection is
    # reading a head, not idle, so the server's keep-alive timeout cannot close it meanwhile.
    sock.sendall(request[:16])
    time.sleep(0.2)
    subprocess.run(["callgrind_control", "-i", state, str(pid)], check=True, stdout=subprocess.DEVNULL)
    sock.sendall(request[16:])
    got = b""
    while b"Hello, World!" not in got:
        chunk = sock.recv(65536)
        if not chunk:
            sys.exit("connection closed")
        got += chunk
started = time.monotonic()
run(warm)
while time.monotonic() - started < warm_seconds:
    run(depth)
control("on")
run(n)
control("off")
sock.close()
PY
  kill -TERM "$pid"
  wait "$pid" 2> /dev/null || true
  [ -f "/tmp/perf-$pid.map" ] && python3 "$here/symmap.py" "$OUT/$name.cg" "/tmp/perf-$pid.map" > "$OUT/$name.sym.cg" && rm -f "/tmp/perf-$pid.map"
  pid=""
  total="$(awk '/^(summary|totals):/ { t = $2 } END { print t }' "$OUT/$name.cg")"
  printf '| %s | %s | %s |\n' "$name" "$(awk -v t="$total" -v n="$N" 'BEGIN { printf "%.0f", t / n }')" "$OUT/$name.sym.cg"
done
