#!/usr/bin/env bash
# User-space instructions per keep-alive hello request, counted by valgrind's callgrind: a count, not a time, so it
# repeats for the same binary and inputs whatever else the machine is doing. Each server runs under callgrind twice,
# answering N1 and then N2 sequential requests on one HTTP/1.1 keep-alive connection (keepalive.py; ab -k would
# speak HTTP/1.0, which these servers answer with a close, and count a connection per request); the difference of
# the two totals divided by N2 - N1 leaves out start-up, JIT warm-up and shutdown. .NET servers run with DOTNET_TieredCompilation=0 so the JIT
# compiles each method once, fully optimised, instead of at a tier that the count would catch halfway, and with
# NODEHTTP_LOOP_POLL_US=0: the loop's poll before it blocks spins for as long as the client takes to send the next
# request, which a count would charge to the server (and that time is longer under valgrind).
#
#   bench/callgrind/run.sh                          # NodeHttp, node, Kestrel
#   SERVERS="NodeHttp" BASE=/tmp/base bench/callgrind/run.sh
#       BASE: a folder with another build of NodeHttpBenchServer (e.g. the previous commit's:
#       git worktree add /tmp/wt REV && dotnet build /tmp/wt/bench/http/NodeHttpBenchServer -c Release -o /tmp/base),
#       measured as "NodeHttp@base" in the same run.
#   PIPELINE=16 SERVERS="NodeHttp" BASE=/tmp/base bench/callgrind/run.sh
#       PIPELINE: requests sent per write (keepalive.py's DEPTH; default 1, one request at a time); with 16, the
#       instructions per pipelined request, the 16 responses of a read answered together.
#   SKIP_BUILD=1: measure the builds already in bench/http/bin (no dotnet build first).
#   SERVERS="NodeHttp NodeHttp+telemetry" bench/callgrind/run.sh
#       NodeHttp+telemetry: the same server with NODEHTTP_BENCH_TELEMETRY=1, a MeterListener on every NodeHttp
#       instrument and an ActivityListener sampling every NodeHttp span (AllData): what observing a request costs.
#   HTTPS=1 bench/callgrind/run.sh                  # the same servers over TLS: a P-256 certificate made by openssl
#       for the run, each server given it as bench/http/run.sh does, and keepalive.py over Python's ssl as the
#       client; the handshake is in both totals, so the difference is the steady state of one TLS session.
#   KEEP=/path: the callgrind profiles are kept there (<server>-<requests>.out*) for callgrind_annotate.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
N1="${N1:-10000}"
N2="${N2:-30000}"
SERVERS="${SERVERS:-NodeHttp node Kestrel}"
BASE="${BASE:-}"
PIPELINE="${PIPELINE:-1}"
HTTPS="${HTTPS:-0}"
KEEP="${KEEP:-}"

for tool in valgrind curl python3 dotnet node; do
  command -v "$tool" > /dev/null || {
    echo "installing $tool" >&2
    apt-get install -y -qq "$tool" > /dev/null 2>&1 || sudo -n apt-get install -y -qq "$tool" > /dev/null
  }
done

bin="$root/bench/http/bin"
if [ -z "${SKIP_BUILD:-}" ]; then
  for project in NodeHttpBenchServer KestrelBenchServer; do
    case " $SERVERS " in *" ${project%BenchServer} "*) ;; *) continue ;; esac
    dotnet build "$root/bench/http/$project/$project.csproj" -c Release -o "$bin/$project" -v q -nologo > /dev/null
  done
fi

workdir="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT

# HTTPS=1: one throwaway certificate for every server, trusted by curl and the client through the CA file.
scheme=http; curl_tls=(); tls_args=(); kestrel_tls=()
if [ "$HTTPS" = 1 ]; then
  scheme=https
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "$workdir/key.pem" -out "$workdir/cert.pem" 2> /dev/null \
    || { echo "openssl could not make the certificate" >&2; exit 1; }
  curl_tls=(--cacert "$workdir/cert.pem")
  tls_args=(--tls "$workdir/cert.pem" "$workdir/key.pem")
  kestrel_tls=(--Kestrel:Certificates:Default:Path="$workdir/cert.pem" --Kestrel:Certificates:Default:KeyPath="$workdir/key.pem")
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# Total instructions (Ir) of one run of server $1 answering $2 requests.
count() {
  local name="$1" requests="$2" port out
  port="$(free_port)"
  out="$workdir/$name-$requests.out"
  local -a cmd
  case "$name" in
    NodeHttp) cmd=("$bin/NodeHttpBenchServer/NodeHttpBenchServer" "$port" "${tls_args[@]}") ;;
    NodeHttp@base) cmd=("$BASE/NodeHttpBenchServer" "$port" "${tls_args[@]}") ;;
    NodeHttp+telemetry) cmd=("$bin/NodeHttpBenchServer/NodeHttpBenchServer" "$port" "${tls_args[@]}"); local -x NODEHTTP_BENCH_TELEMETRY=1 ;;
    node) cmd=(node "$root/bench/http/node-server.js" "$port" "${tls_args[@]}") ;;
    Kestrel) cmd=("$bin/KestrelBenchServer/KestrelBenchServer" --urls "$scheme://127.0.0.1:$port" "${kestrel_tls[@]}") ;;
    *) echo "unknown server $name" >&2; exit 1 ;;
  esac
  DOTNET_TieredCompilation=0 NODEHTTP_LOOP_POLL_US=0 valgrind --tool=callgrind --callgrind-out-file="$out" "${cmd[@]}" > "$workdir/$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    curl -s "${curl_tls[@]}" -o /dev/null --max-time 2 "$scheme://127.0.0.1:$port/" && break
    kill -0 "$pid" 2>/dev/null || { echo "$name exited:" >&2; tail "$workdir/$name.log" >&2; exit 1; }
    sleep 0.25
  done
  python3 "$here/keepalive.py" "$port" "$requests" "$PIPELINE" $([ "$HTTPS" = 1 ] && echo "$workdir/cert.pem") ||
    { echo "$name: the client failed" >&2; exit 1; }
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  [ -n "$KEEP" ] && mkdir -p "$KEEP" && cp "$out"* "$KEEP/"
  # The last "summary:" or "totals:" line of the profile carries the total Ir.
  awk '/^(summary|totals):/ { total = $2 } END { print total }' "$out"*
}

list="$SERVERS"
[ -n "$BASE" ] && list="$list NodeHttp@base"
printf '| server (%d per write) | Ir at %d | Ir at %d | instructions per request |\n|---|---:|---:|---:|\n' "$PIPELINE" "$N1" "$N2"
for name in $list; do
  a="$(count "$name" "$N1")"
  b="$(count "$name" "$N2")"
  per="$(awk -v a="$a" -v b="$b" -v n1="$N1" -v n2="$N2" 'BEGIN { printf "%.0f", (b - a) / (n2 - n1) }')"
  printf '| %s | %s | %s | %s |\n' "$name" "$a" "$b" "$per"
done
