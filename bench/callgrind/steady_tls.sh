#!/usr/bin/env bash
# Instructions per keep-alive hello request over one TLS session, counted in the steady state only: the server runs
# under callgrind with instrumentation off, the client (Python's ssl) makes its TLS connection and WARM requests,
# callgrind_control turns instrumentation on for the next N requests and off again. Start-up, JIT, the handshake and
# shutdown are left out by construction, so one run per build gives the figure (run.sh's two-run difference gives
# the same steady state with more noise). The profile is kept, with the JIT's method names taken from the runtime's
# perf map (symmap.py), for callgrind_annotate.
#
#   bench/callgrind/steady_tls.sh DIR [DIR...]     # DIR: a folder with a NodeHttpBenchServer build
#   WARM=2000 N=2000 OUT=/tmp/steady bench/callgrind/steady_tls.sh /tmp/base /tmp/new
# On a loaded machine callgrind_control can take longer than the server's keep-alive timeout (5 s); the server then
# closes the idle connection and the client stops with "connection closed": run it again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
WARM="${WARM:-2000}"
N="${N:-2000}"
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "$OUT/key.pem" -out "$OUT/cert.pem" 2> /dev/null
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; true' EXIT
printf '| build | instructions per request | profile |\n|---|---:|---|\n'
for dir in "$@"; do
  name="$(basename "$dir")"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  DOTNET_PerfMapEnabled=1 DOTNET_TieredCompilation=0 NODEHTTP_LOOP_POLL_US=0 valgrind --tool=callgrind --instr-atstart=no \
    --callgrind-out-file="$OUT/$name.cg" "$dir/NodeHttpBenchServer" "$port" --tls "$OUT/cert.pem" "$OUT/key.pem" > "$OUT/$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    curl -s --cacert "$OUT/cert.pem" -o /dev/null --max-time 2 "https://127.0.0.1:$port/" && break
    kill -0 "$pid" 2> /dev/null || { echo "$name exited:" >&2; tail "$OUT/$name.log" >&2; exit 1; }
    sleep 0.25
  done
  python3 - "$port" "$WARM" "$N" "$pid" "$OUT/cert.pem" <<'PY'
import socket, ssl, subprocess, sys
port, warm, n, pid = map(int, sys.argv[1:5])
context = ssl.create_default_context(cafile=sys.argv[5])
sock = context.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="127.0.0.1")
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
def run(count):
    for _ in range(count):
        sock.sendall(request)
        got = b""
        while not got.endswith(b"Hello, World!"):
            chunk = sock.recv(65536)
            if not chunk:
                sys.exit("connection closed")
            got += chunk
run(warm)
subprocess.run(["callgrind_control", "-i", "on", str(pid)], check=True, stdout=subprocess.DEVNULL)
run(n)
subprocess.run(["callgrind_control", "-i", "off", str(pid)], check=True, stdout=subprocess.DEVNULL)
sock.close()
PY
  kill -TERM "$pid"
  wait "$pid" 2> /dev/null || true
  [ -f "/tmp/perf-$pid.map" ] && python3 "$here/symmap.py" "$OUT/$name.cg" "/tmp/perf-$pid.map" > "$OUT/$name.sym.cg" && rm -f "/tmp/perf-$pid.map"
  pid=""
  total="$(awk '/^(summary|totals):/ { t = $2 } END { print t }' "$OUT/$name.cg")"
  printf '| %s | %s | %s |\n' "$name" "$(awk -v t="$total" -v n="$N" 'BEGIN { printf "%.0f", t / n }')" "$OUT/$name.sym.cg"
done
