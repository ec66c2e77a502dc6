#!/usr/bin/env bash
# Side-by-side HTTP benchmark: NodeHttp (one event loop; the JIT build and the NativeAOT build of the same server),
# Node's http module and a minimal Kestrel app, measured with wrk in one run. First each server's time to first
# response (process start until a GET / is answered, STARTS fresh processes); then, on one process per server,
# hello-world keep-alive at 16/64/256 connections, pipelined (64 connections x 16 requests per write), 1 KiB POST
# echo, and a 1 GiB chunked stream to curl and (plaintext) to bench/http/sink.c, a reader that decodes only the chunk
# framing; then that process's peak RSS (VmHWM) over the whole sequence.
#
# Usage: bench/http/run.sh
#   DURATION=10   seconds per wrk point          WARMUP=10  seconds of hello c64 before measuring each server
#   POINT_WARMUP=2  seconds of each scenario itself before it is measured, and one untimed stream before the timed
#                 one (the JIT compiles a path when it first runs: without this a scenario's own code is compiled
#                 inside its measurement); 0: none
#   PIN=1         server on core 0, wrk/curl on core 1 (wrk -t1); PIN=0: nothing pinned, wrk -t2
#   STARTS=5      fresh starts timed per server for the time to first response
#   STREAM_RUNS=3 1 GiB streams per reader and server (the table gives the medians: one stream varies by a third)
#   SERVERS="NodeHttp NodeHttp-AOT node Kestrel"  OUT=bench/results/http-<date>.md
#   HTTPS=1       the same servers over TLS (Node's https, Kestrel HTTPS, Https.CreateServer) with a P-256
#                 self-signed certificate made by openssl for the run: hello c64 keep-alive, full handshakes per
#                 second (wrk -c16 -H "Connection: close"), the 1 GiB stream; default SERVERS="NodeHttp node Kestrel"
#   BASE=/path    another build of NodeHttpBenchServer (e.g. the previous commit's, to see what a change costs:
#                 git worktree add /tmp/wt REV && dotnet build /tmp/wt/bench/http/NodeHttpBenchServer -c Release -o /path),
#                 measured as server "NodeHttp@base" in the same run, with a new/base ratio column
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-10}"
POINT_WARMUP="${POINT_WARMUP:-2}"
PIN="${PIN:-1}"
STARTS="${STARTS:-5}"
STREAM_RUNS="${STREAM_RUNS:-3}"
HTTPS="${HTTPS:-0}"
if [ "$HTTPS" = 1 ]; then
  SERVERS="${SERVERS:-NodeHttp node Kestrel}"
else
  SERVERS="${SERVERS:-NodeHttp NodeHttp-AOT node Kestrel}"
fi
BASE="${BASE:-}"
if [ -n "$BASE" ]; then
  [ -x "$BASE/NodeHttpBenchServer" ] || { echo "BASE=$BASE has no NodeHttpBenchServer" >&2; exit 1; }
  SERVERS="$SERVERS NodeHttp@base"
fi
stamp="$(date +%Y-%m-%d-%H%M)"
if [ "$HTTPS" = 1 ]; then
  OUT="${OUT:-$root/bench/results/https-$stamp.md}"
else
  OUT="${OUT:-$root/bench/results/http-$stamp.md}"
fi
STREAM_BYTES=1073741824

command -v wrk > /dev/null || { echo "installing wrk" >&2; sudo -n apt-get install -y wrk > /dev/null 2>&1 || apt-get install -y wrk > /dev/null; }
for tool in wrk curl node dotnet python3 cc $([ "$HTTPS" = 1 ] && echo openssl); do
  command -v "$tool" > /dev/null || { echo "missing $tool" >&2; exit 1; }
done

if [ "$PIN" = 1 ]; then
  cores="$(nproc)"
  [ "$cores" -ge 2 ] || { echo "PIN=1 needs 2 cores" >&2; exit 1; }
  srv_pin=(taskset -c 0); cli_pin=(taskset -c 1); wrk_threads=1
  placement="server pinned to core 0, wrk -t1 and curl pinned to core 1 (taskset)"
else
  srv_pin=(); cli_pin=(); wrk_threads=2
  placement="nothing pinned, wrk -t2 (server and wrk share all $(nproc) cores)"
fi

# ---- build once -------------------------------------------------------------------------------------------------
bin="$here/bin"
echo "building Release..." >&2
for project in NodeHttpBenchServer KestrelBenchServer; do
  case "$project" in NodeHttpBenchServer) needed=NodeHttp ;; *) needed=Kestrel ;; esac
  [[ " $SERVERS " == *" $needed "* ]] || continue
  dotnet build "$here/$project/$project.csproj" -c Release -o "$bin/$project" -v q -nologo > "$bin.build.log" 2>&1 \
    || { cat "$bin.build.log" >&2; exit 1; }
done
if [[ " $SERVERS " == *" NodeHttp-AOT "* ]]; then
  # The same server compiled ahead of time (needs clang or gcc and zlib1g-dev); its own artifacts folder keeps the
  # JIT build's obj/ as it is.
  rid="linux-$(uname -m | sed 's/^x86_64$/x64/; s/^aarch64$/arm64/')"
  dotnet publish "$here/NodeHttpBenchServer/NodeHttpBenchServer.csproj" -c Release -r "$rid" -p:PublishAot=true \
    --artifacts-path "$bin/aot-artifacts" -o "$bin/NodeHttpBenchServer-aot" -v q -nologo > "$bin.build.log" 2>&1 \
    || { cat "$bin.build.log" >&2; exit 1; }
fi
rm -f "$bin.build.log"
# The lean stream reader: curl spends more CPU per byte than the servers do, so its figure is the client's.
cc -O2 -o "$bin/sink" "$here/sink.c" || { echo "cc could not build bench/http/sink.c" >&2; exit 1; }

# ---- process handling -------------------------------------------------------------------------------------------
server_pid=""
workdir="$(mktemp -d)"
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# HTTPS=1: one certificate for every server (P-256, as the handshake figures in the README assume), trusted by curl
# through --cacert; wrk does not verify.
scheme=http; curl_tls=(); tls_note=""
if [ "$HTTPS" = 1 ]; then
  scheme=https
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "$workdir/key.pem" -out "$workdir/cert.pem" 2> /dev/null \
    || { echo "openssl could not make the certificate" >&2; exit 1; }
  curl_tls=(--cacert "$workdir/cert.pem")
  tls_note=" TLS: self-signed P-256 certificate, each server's default protocol and cipher choice."
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

tls_args=(); kestrel_tls=()
if [ "$HTTPS" = 1 ]; then
  tls_args=(--tls "$workdir/cert.pem" "$workdir/key.pem")
  kestrel_tls=(--Kestrel:Certificates:Default:Path="$workdir/cert.pem" --Kestrel:Certificates:Default:KeyPath="$workdir/key.pem")
fi

server_cmd() { # $1 = name, $2 = port: sets cmd to the server's command line, pinned as the placement says
  case "$1" in
    NodeHttp)     cmd=("$bin/NodeHttpBenchServer/NodeHttpBenchServer" "$2" "${tls_args[@]}") ;;
    NodeHttp-AOT) cmd=("$bin/NodeHttpBenchServer-aot/NodeHttpBenchServer" "$2" "${tls_args[@]}") ;;
    NodeHttp@base) cmd=("$BASE/NodeHttpBenchServer" "$2" "${tls_args[@]}") ;;
    node)         cmd=(node "$here/node-server.js" "$2" "${tls_args[@]}") ;;
    Kestrel)      cmd=("$bin/KestrelBenchServer/KestrelBenchServer" --urls "$scheme://127.0.0.1:$2" "${kestrel_tls[@]}") ;;
    *) echo "unknown server $1" >&2; exit 1 ;;
  esac
  cmd=("${srv_pin[@]}" "${cmd[@]}")
}

start_server() { # $1 = name, $2 = port
  local name="$1" port="$2" log="$workdir/$1.log" cmd
  server_cmd "$name" "$port"
  "${cmd[@]}" > "$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "$name exited during start-up:" >&2; cat "$log" >&2; exit 1
    fi
    curl -s "${curl_tls[@]}" -o /dev/null --max-time 1 "$scheme://127.0.0.1:$port/" && return 0
    sleep 0.1
  done
  echo "$name did not answer on 127.0.0.1:$port within 30 s:" >&2; cat "$log" >&2; exit 1
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

check_server() { # $1 = name, $2 = port: the responses are what the scenarios expect
  local name="$1" port="$2" body headers payload echoed
  headers="$(curl -s "${curl_tls[@]}" -D - -o "$workdir/body" "$scheme://127.0.0.1:$port/")"
  body="$(cat "$workdir/body")"
  [ "$body" = "Hello, World!" ] || { echo "$name: GET / answered '$body'" >&2; exit 1; }
  grep -qi '^content-type: text/plain' <<< "$headers" || { echo "$name: no Content-Type: text/plain" >&2; exit 1; }
  grep -qi '^content-length: 13' <<< "$headers" || { echo "$name: no Content-Length: 13" >&2; exit 1; }
  payload="$(head -c 1024 /dev/urandom | base64 -w0 | head -c 1024)"
  echoed="$(curl -s "${curl_tls[@]}" --data-binary "$payload" -H 'Content-Type: application/octet-stream' "$scheme://127.0.0.1:$port/echo")"
  [ "$echoed" = "$payload" ] || { echo "$name: POST /echo did not echo the body" >&2; exit 1; }
}

# wrk output -> "req/s p99ms errors"
parse_wrk() {
  awk '
    /Requests\/sec:/ { rps = $2 }
    $1 == "99%" { v = $2; u = v; gsub(/[0-9.]/, "", u); gsub(/[a-z]/, "", v);
                  if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000; p99 = v }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/ { for (i = 3; i <= NF; i++) { gsub(/,/, "", $i); if ($i ~ /^[0-9]+$/) err += $i } }
    END { printf "%s %s %d\n", rps, p99, err }'
}

# CPU time the process has run (all its threads), in clock ticks.
clk_tck="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2> /dev/null || echo 0; }

run_wrk() { # $1 = connections, rest = extra wrk args; prints "req/s p99ms errors"
  local c="$1"; shift
  local t="$wrk_threads"; [ "$c" -lt "$t" ] && t="$c"
  "${cli_pin[@]}" wrk -t"$t" -c"$c" -d"${DURATION}s" --latency "$@" > "$workdir/wrk.out" 2>&1 || { cat "$workdir/wrk.out" >&2; exit 1; }
  parse_wrk < "$workdir/wrk.out"
}

run_point() { # $1 = scenario; prints "req/s p99ms errors"
  case "$1" in
    "hello c16")        run_wrk 16 "$url" ;;
    "hello c64")        run_wrk 64 "$url" ;;
    "hello c256")       run_wrk 256 "$url" ;;
    "pipelined c64x16") run_wrk 64 -s "$here/pipeline.lua" "$url" -- 16 ;;
    "echo 1KiB c64")    run_wrk 64 -s "$here/post.lua" "${url}echo" ;;
    # Every request on a new connection with a full handshake (wrk does not resume sessions): handshakes/s.
    "handshakes c16")   run_wrk 16 -H "Connection: close" "$url" ;;
  esac
}

# Time to first response: from just before the process is spawned until a GET / on a new connection is answered
# with 200 and the hello body. The client retries a refused connect every 0.5 ms. Prints milliseconds of wall-clock
# time, then the CPU time the server's threads ran until then (schedstat): on a busy machine the wall time grows with
# the wait for a core, the CPU time does not.
cat > "$workdir/first_response.py" <<'PY'
import glob, os, socket, ssl, subprocess, sys, time
port, argv = int(sys.argv[1]), sys.argv[2:]
tls = None
if os.environ.get("FIRST_RESPONSE_CA"):
    tls = ssl.create_default_context(cafile=os.environ["FIRST_RESPONSE_CA"])
request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
start = time.perf_counter()
proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    while time.perf_counter() - start < 30:
        if proc.poll() is not None:
            sys.exit("the server exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
                s = tls.wrap_socket(raw, server_hostname="localhost") if tls else raw
                s.sendall(request)
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            if data.startswith(b"HTTP/1.1 200") and b"Hello, World!" in data:
                wall = (time.perf_counter() - start) * 1000
                cpu = 0
                for stat in glob.glob("/proc/%d/task/*/schedstat" % proc.pid):
                    try:
                        cpu += int(open(stat).read().split()[0])
                    except (OSError, ValueError, IndexError):
                        pass
                print("%.1f %.1f" % (wall, cpu / 1e6))
                sys.exit(0)
        except OSError:
            pass
        time.sleep(0.0005)
    sys.exit("no answer within 30 s")
finally:
    proc.terminate()
    proc.wait()
PY

# awk's median(array, count) (sorts the array in place), for the figures taken more than once.
awk_median='function median(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
                                  return a[int((n + 1) / 2)] }'

first_response() { # $1 = name: "wall-median wall-min wall-max cpu-median" over STARTS fresh starts, in ms
  local name="$1" port cmd times=()
  for _ in $(seq 1 "$STARTS"); do
    port="$(free_port)"
    server_cmd "$name" "$port"
    times+=("$(FIRST_RESPONSE_CA="$([ "$HTTPS" = 1 ] && echo "$workdir/cert.pem")" "${cli_pin[@]}" python3 "$workdir/first_response.py" "$port" "${cmd[@]}")") \
      || { echo "$name: no first response" >&2; exit 1; }
  done
  printf '%s\n' "${times[@]}" | awk "$awk_median"'{ w[NR] = $1; c[NR] = $2 }
    END { m = median(w, NR); printf "%.0f %.0f %.0f %.0f\n", m, w[1], w[NR], median(c, NR) }'
}

declare -A rps p99 errs mbps rss died ttfr ttfr_range ttfr_cpu cpu stream_cpu curl_cpu sink_mbps sink_cpu sink_client_cpu

# One 1 GiB stream from the server on $port to reader $1 (curl or sink): prints "<bytes> <seconds> <reader CPU seconds>".
# curl runs under a wrapper that reports the CPU it used (getrusage of the child): when curl is near 100% of its core,
# the MB/s figure is the client's limit, and the server's CPU per GiB is what tells the servers apart. sink (plaintext
# only) decodes nothing but the chunk framing and leaves the server as the side that limits the transfer.
stream_once() {
  case "$1" in
    curl) "${cli_pin[@]}" python3 -c '
import resource, subprocess, sys
out = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, check=False).stdout.decode().strip()
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(out, "%.3f" % (r.ru_utime + r.ru_stime))' curl -s "${curl_tls[@]}" -o /dev/null --max-time 600 -w '%{size_download} %{time_total}' "${url}stream" ;;
    sink) "${cli_pin[@]}" "$bin/sink" "$port" /stream ;;
  esac
}

# STREAM_RUNS streams to reader $1; prints the medians of "<MB/s> <server CPU ms per GiB> <reader CPU %>".
stream_point() {
  local i ticks size secs reader_s
  for i in $(seq 1 "$STREAM_RUNS"); do
    ticks="$(cpu_ticks "$server_pid")"
    read -r size secs reader_s <<< "$(stream_once "$1")"
    [ "$size" = "$STREAM_BYTES" ] || { echo "$name: /stream to $1 got $size bytes, expected $STREAM_BYTES" >&2; exit 1; }
    awk -v b="$size" -v t="$secs" -v a="$ticks" -v z="$(cpu_ticks "$server_pid")" -v hz="$clk_tck" -v c="$reader_s" \
      'BEGIN { printf "%.1f %.0f %.0f\n", b / 1048576 / t, (z - a) * 1000 / hz / (b / 1073741824), c * 100 / t }'
  done | awk "$awk_median"'
    { m[NR] = $1; c[NR] = $2; r[NR] = $3 }
    END { printf "%s %s %s\n", median(m, NR), median(c, NR), median(r, NR) }'
}
if [ "$HTTPS" = 1 ]; then
  scenarios=("hello c64" "handshakes c16")
else
  scenarios=("hello c16" "hello c64" "hello c256" "pipelined c64x16" "echo 1KiB c64")
fi

for name in $SERVERS; do
  read -r ttfr["$name"] lo hi ttfr_cpu["$name"] <<< "$(first_response "$name")"
  ttfr_range["$name"]="$lo-$hi"
  echo "== $name: first response ${ttfr[$name]} ms after start (median of $STARTS, $lo-$hi), ${ttfr_cpu[$name]} ms CPU" >&2
  port="$(free_port)"
  echo "== $name on 127.0.0.1:$port" >&2
  start_server "$name" "$port"
  check_server "$name" "$port"
  url="$scheme://127.0.0.1:$port/"
  [ "$WARMUP" -gt 0 ] && DURATION="$WARMUP" run_wrk 64 "$url" > /dev/null
  for s in "${scenarios[@]}"; do
    [ "$POINT_WARMUP" -gt 0 ] && DURATION="$POINT_WARMUP" run_point "$s" > /dev/null
    ticks="$(cpu_ticks "$server_pid")"
    r="$(run_point "$s")"
    read -r rps["$name|$s"] p99["$name|$s"] errs["$name|$s"] <<< "$r"
    # The server's CPU over the point, in % of one core: near 100 (pinned) means the server is the bottleneck.
    cpu["$name|$s"]="$(awk -v a="$ticks" -v b="$(cpu_ticks "$server_pid")" -v hz="$clk_tck" -v d="$DURATION" 'BEGIN { printf "%.0f", (b - a) * 100 / hz / d }')"
    echo "   $s: ${rps[$name|$s]} req/s, p99 ${p99[$name|$s]} ms, errors ${errs[$name|$s]}, server CPU ${cpu[$name|$s]}%" >&2
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "   $name EXITED during '$s':" >&2; tail -20 "$workdir/$name.log" | sed 's/^/     /' >&2
      died["$name"]="$s"; server_pid=""; break
    fi
  done
  if [ -n "${died[$name]:-}" ]; then continue; fi
  # The 1 GiB stream, STREAM_RUNS times to each reader (medians): curl, and for plaintext the lean sink.
  [ "$POINT_WARMUP" -gt 0 ] && stream_once curl > /dev/null
  # (Each point is assigned before it is read, so that a failed stream ends the run: set -e sees the assignment.)
  r="$(stream_point curl)"
  read -r mbps["$name"] stream_cpu["$name"] curl_cpu["$name"] <<< "$r"
  echo "   stream 1GiB: ${mbps[$name]} MB/s, server CPU ${stream_cpu[$name]} ms per GiB, curl CPU ${curl_cpu[$name]}%" >&2
  if [ "$HTTPS" != 1 ]; then
    r="$(stream_point sink)"
    read -r sink_mbps["$name"] sink_cpu["$name"] sink_client_cpu["$name"] <<< "$r"
    echo "   stream 1GiB to sink: ${sink_mbps[$name]} MB/s, server CPU ${sink_cpu[$name]} ms per GiB, sink CPU ${sink_client_cpu[$name]}%" >&2
  fi
  rss["$name"]="$(awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$server_pid/status")"
  echo "   peak RSS: ${rss[$name]} MiB" >&2
  stop_server
done

# ---- table ------------------------------------------------------------------------------------------------------
fmt_k() { awk -v v="$1" 'BEGIN { if (v == "") print "-"; else printf "%.0f", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
has() { [[ " $SERVERS " == *" $1 "* ]]; }
# One row of per-server figures: $1 = label, $2 = the array, $3 = an array for the second column (empty: none),
# $4 = "none" for no ratio cells.
figure_row() {
  local -n values="$2"
  local line="| $1 |" n
  for n in $SERVERS; do
    if [ -n "${3:-}" ]; then local -n second="$3"; line+=" ${values[$n]:--} | ${second[$n]:-} |"; else line+=" ${values[$n]:--} | |"; fi
  done
  if [ "${4:-}" = none ]; then line+="$(ratio_cells)"; else line+="$(ratio_cells "$2")"; fi
  echo "$line"
}
# The ratio cells of one row, in the header's order: AOT/JIT, new/base, NodeHttp/Node, NodeHttp/Kestrel (those whose
# servers ran). $1 = the name of the array holding the figures, $2 = the key's suffix ("|scenario" or empty); with
# no array, empty cells.
ratio_cells() {
  local out=""
  if [ -z "${1:-}" ]; then
    for other in NodeHttp-AOT NodeHttp@base node Kestrel; do has NodeHttp && has "$other" && out+=" |"; done
    printf '%s' "$out"; return 0
  fi
  local -n figures="$1"
  local k="${2:-}"
  has NodeHttp && has NodeHttp-AOT && out+=" $(ratio "${figures[NodeHttp-AOT$k]:-}" "${figures[NodeHttp$k]:-}") |"
  for other in NodeHttp@base node Kestrel; do
    has NodeHttp && has "$other" && out+=" $(ratio "${figures[NodeHttp$k]:-}" "${figures[$other$k]:-}") |"
  done
  printf '%s' "$out"
}

{
  echo "$([ "$HTTPS" = 1 ] && echo HTTPS || echo HTTP) benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
  echo
  echo "Placement: $placement. wrk -d${DURATION}s --latency, ${WARMUP}s hello c64 warm-up per server, ${POINT_WARMUP}s of each scenario (and one untimed stream) before it is measured.$tls_note"
  echo "Versions: $(dotnet --version | sed 's/^/.NET SDK /'), node $(node --version), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)."
  echo "Command: $([ "$HTTPS" = 1 ] && echo "HTTPS=1 ")DURATION=$DURATION WARMUP=$WARMUP POINT_WARMUP=$POINT_WARMUP PIN=$PIN STARTS=$STARTS STREAM_RUNS=$STREAM_RUNS SERVERS=\"$SERVERS\"${BASE:+ BASE=$BASE} bench/http/run.sh"
  echo
  header="| scenario |"; sep="|---|"
  for n in $SERVERS; do header+=" $n req/s | $n p99 ms |"; sep+="---:|---:|"; done
  has NodeHttp && has NodeHttp-AOT && { header+=" AOT/JIT |"; sep+="---:|"; }
  has NodeHttp && has NodeHttp@base && { header+=" new/base |"; sep+="---:|"; }
  has NodeHttp && has node && { header+=" NodeHttp/Node |"; sep+="---:|"; }
  has NodeHttp && has Kestrel && { header+=" NodeHttp/Kestrel |"; sep+="---:|"; }
  echo "$header"; echo "$sep"
  for s in "${scenarios[@]}"; do
    line="| $s |"
    for n in $SERVERS; do
      e="${errs[$n|$s]:-0}"; note=""; [ "$e" != 0 ] && note=" ($e errors)"
      line+=" $(fmt_k "${rps[$n|$s]:-}")$note | ${p99[$n|$s]:--} |"
    done
    line+="$(ratio_cells rps "|$s")"
    echo "$line"
  done
  figure_row "stream 1GiB chunked (MB/s)" mbps
  figure_row "stream: server CPU per GiB (ms; lower is better)" stream_cpu
  figure_row "stream: curl CPU (% of its core)" curl_cpu "" none
  if [ "$HTTPS" != 1 ]; then
    figure_row "stream 1GiB chunked to sink (MB/s)" sink_mbps
    figure_row "stream to sink: server CPU per GiB (ms; lower is better)" sink_cpu
    figure_row "stream to sink: sink CPU (% of its core)" sink_client_cpu "" none
  fi
  figure_row "peak RSS (MiB, VmHWM)" rss
  figure_row "time to first response (ms, median of $STARTS)" ttfr ttfr_range
  figure_row "CPU time until the first response (ms, median)" ttfr_cpu
  echo
  echo "Server CPU during each wrk point, in % of one core (near 100 with PIN=1: the server is the bottleneck, and the"
  echo "req/s ratios compare servers; well below: the client or the network path is):"
  echo
  header="| scenario |"; sep="|---|"
  for n in $SERVERS; do header+=" $n |"; sep+="---:|"; done
  echo "$header"; echo "$sep"
  for s in "${scenarios[@]}"; do
    line="| $s |"
    for n in $SERVERS; do line+=" ${cpu[$n|$s]:--} |"; done
    echo "$line"
  done
  echo
  for n in $SERVERS; do
    [ -n "${died[$n]:-}" ] && echo "**$n exited during '${died[$n]}'** (its later rows are empty; see the run's stderr)." && echo
  done
  echo "p99 of the pipelined row is per batch of 16 requests (wrk times each write). Ratios are NodeHttp divided by the other server, AOT/JIT the NativeAOT build divided by the JIT build (for RSS and time to first response, lower is better). Peak RSS is over the whole sequence above, warm-up included; time to first response is from spawning a fresh process until a GET / on a new connection is answered (median of $STARTS starts, min-max in the p99 column), and the CPU time row is what the server's threads ran until then (on a busy machine the wall time includes the wait for a core)."
} > "$workdir/table.md"

mkdir -p "$(dirname "$OUT")"
cp "$workdir/table.md" "$OUT"
cat "$workdir/table.md"
echo >&2; echo "written to ${OUT#$root/}" >&2
