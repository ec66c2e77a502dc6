#!/usr/bin/env bash
# Side-by-side HTTP benchmark: NodeHttp (one event loop), Node's http module and a minimal Kestrel app, measured with
# wrk in one run. Scenarios: hello-world keep-alive at 16/64/256 connections, pipelined (64 connections x 16 requests
# per write), 1 KiB POST echo, and a 1 GiB chunked stream to curl; then each server's peak RSS (VmHWM).
#
# Usage: bench/http/run.sh
#   DURATION=10   seconds per wrk point          WARMUP=10  seconds of hello c64 before measuring each server
#   PIN=1         server on core 0, wrk/curl on core 1 (wrk -t1); PIN=0: nothing pinned, wrk -t2
#   SERVERS="NodeHttp node Kestrel"               OUT=bench/results/http-<date>.md
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-10}"
PIN="${PIN:-1}"
SERVERS="${SERVERS:-NodeHttp node Kestrel}"
stamp="$(date +%Y-%m-%d-%H%M)"
OUT="${OUT:-$root/bench/results/http-$stamp.md}"
STREAM_BYTES=1073741824

command -v wrk > /dev/null || { echo "installing wrk" >&2; sudo -n apt-get install -y wrk > /dev/null 2>&1 || apt-get install -y wrk > /dev/null; }
for tool in wrk curl node dotnet python3; do
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
rm -f "$bin.build.log"

# ---- process handling -------------------------------------------------------------------------------------------
server_pid=""
workdir="$(mktemp -d)"
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

start_server() { # $1 = name, $2 = port
  local name="$1" port="$2" log="$workdir/$1.log"
  case "$name" in
    NodeHttp) "${srv_pin[@]}" "$bin/NodeHttpBenchServer/NodeHttpBenchServer" "$port" > "$log" 2>&1 & ;;
    node)     "${srv_pin[@]}" node "$here/node-server.js" "$port" > "$log" 2>&1 & ;;
    Kestrel)  "${srv_pin[@]}" "$bin/KestrelBenchServer/KestrelBenchServer" --urls "http://127.0.0.1:$port" > "$log" 2>&1 & ;;
    *) echo "unknown server $name" >&2; exit 1 ;;
  esac
  server_pid=$!
  for _ in $(seq 1 300); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "$name exited during start-up:" >&2; cat "$log" >&2; exit 1
    fi
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && return 0
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
  headers="$(curl -s -D - -o "$workdir/body" "http://127.0.0.1:$port/")"
  body="$(cat "$workdir/body")"
  [ "$body" = "Hello, World!" ] || { echo "$name: GET / answered '$body'" >&2; exit 1; }
  grep -qi '^content-type: text/plain' <<< "$headers" || { echo "$name: no Content-Type: text/plain" >&2; exit 1; }
  grep -qi '^content-length: 13' <<< "$headers" || { echo "$name: no Content-Length: 13" >&2; exit 1; }
  payload="$(head -c 1024 /dev/urandom | base64 -w0 | head -c 1024)"
  echoed="$(curl -s --data-binary "$payload" -H 'Content-Type: application/octet-stream' "http://127.0.0.1:$port/echo")"
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

run_wrk() { # $1 = connections, rest = extra wrk args; prints "req/s p99ms errors"
  local c="$1"; shift
  local t="$wrk_threads"; [ "$c" -lt "$t" ] && t="$c"
  "${cli_pin[@]}" wrk -t"$t" -c"$c" -d"${DURATION}s" --latency "$@" > "$workdir/wrk.out" 2>&1 || { cat "$workdir/wrk.out" >&2; exit 1; }
  parse_wrk < "$workdir/wrk.out"
}

declare -A rps p99 errs mbps rss died
scenarios=("hello c16" "hello c64" "hello c256" "pipelined c64x16" "echo 1KiB c64")

for name in $SERVERS; do
  port="$(free_port)"
  echo "== $name on 127.0.0.1:$port" >&2
  start_server "$name" "$port"
  check_server "$name" "$port"
  url="http://127.0.0.1:$port/"
  [ "$WARMUP" -gt 0 ] && DURATION="$WARMUP" run_wrk 64 "$url" > /dev/null
  for s in "${scenarios[@]}"; do
    case "$s" in
      "hello c16")        r="$(run_wrk 16 "$url")" ;;
      "hello c64")        r="$(run_wrk 64 "$url")" ;;
      "hello c256")       r="$(run_wrk 256 "$url")" ;;
      "pipelined c64x16") r="$(run_wrk 64 -s "$here/pipeline.lua" "$url" -- 16)" ;;
      "echo 1KiB c64")    r="$(run_wrk 64 -s "$here/post.lua" "${url}echo")" ;;
    esac
    read -r rps["$name|$s"] p99["$name|$s"] errs["$name|$s"] <<< "$r"
    echo "   $s: ${rps[$name|$s]} req/s, p99 ${p99[$name|$s]} ms, errors ${errs[$name|$s]}" >&2
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "   $name EXITED during '$s':" >&2; tail -20 "$workdir/$name.log" | sed 's/^/     /' >&2
      died["$name"]="$s"; server_pid=""; break
    fi
  done
  if [ -n "${died[$name]:-}" ]; then continue; fi
  read -r size secs <<< "$("${cli_pin[@]}" curl -s -o /dev/null --max-time 600 -w '%{size_download} %{time_total}' "${url}stream")"
  [ "$size" = "$STREAM_BYTES" ] || { echo "$name: /stream sent $size bytes, expected $STREAM_BYTES" >&2; exit 1; }
  mbps["$name"]="$(awk -v b="$size" -v t="$secs" 'BEGIN { printf "%.1f", b / 1048576 / t }')"
  echo "   stream 1GiB: ${mbps[$name]} MB/s" >&2
  rss["$name"]="$(awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$server_pid/status")"
  echo "   peak RSS: ${rss[$name]} MiB" >&2
  stop_server
done

# ---- table ------------------------------------------------------------------------------------------------------
fmt_k() { awk -v v="$1" 'BEGIN { if (v == "") print "-"; else printf "%.0f", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
has() { [[ " $SERVERS " == *" $1 "* ]]; }

{
  echo "HTTP benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
  echo
  echo "Placement: $placement. wrk -d${DURATION}s --latency, ${WARMUP}s hello c64 warm-up per server."
  echo "Versions: $(dotnet --version | sed 's/^/.NET SDK /'), node $(node --version), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)."
  echo "Command: DURATION=$DURATION PIN=$PIN bench/http/run.sh"
  echo
  header="| scenario |"; sep="|---|"
  for n in $SERVERS; do header+=" $n req/s | $n p99 ms |"; sep+="---:|---:|"; done
  has NodeHttp && has node && { header+=" NodeHttp/Node |"; sep+="---:|"; }
  has NodeHttp && has Kestrel && { header+=" NodeHttp/Kestrel |"; sep+="---:|"; }
  echo "$header"; echo "$sep"
  for s in "${scenarios[@]}"; do
    line="| $s |"
    for n in $SERVERS; do
      e="${errs[$n|$s]:-0}"; note=""; [ "$e" != 0 ] && note=" ($e errors)"
      line+=" $(fmt_k "${rps[$n|$s]:-}")$note | ${p99[$n|$s]:--} |"
    done
    has NodeHttp && has node && line+=" $(ratio "${rps[NodeHttp|$s]:-}" "${rps[node|$s]:-}") |"
    has NodeHttp && has Kestrel && line+=" $(ratio "${rps[NodeHttp|$s]:-}" "${rps[Kestrel|$s]:-}") |"
    echo "$line"
  done
  line="| stream 1GiB chunked (MB/s) |"
  for n in $SERVERS; do line+=" ${mbps[$n]:--} | |"; done
  has NodeHttp && has node && line+=" $(ratio "${mbps[NodeHttp]:-}" "${mbps[node]:-}") |"
  has NodeHttp && has Kestrel && line+=" $(ratio "${mbps[NodeHttp]:-}" "${mbps[Kestrel]:-}") |"
  echo "$line"
  line="| peak RSS (MiB, VmHWM) |"
  for n in $SERVERS; do line+=" ${rss[$n]:--} | |"; done
  has NodeHttp && has node && line+=" $(ratio "${rss[NodeHttp]:-}" "${rss[node]:-}") |"
  has NodeHttp && has Kestrel && line+=" $(ratio "${rss[NodeHttp]:-}" "${rss[Kestrel]:-}") |"
  echo "$line"
  echo
  for n in $SERVERS; do
    [ -n "${died[$n]:-}" ] && echo "**$n exited during '${died[$n]}'** (its later rows are empty; see the run's stderr)." && echo
  done
  echo "p99 of the pipelined row is per batch of 16 requests (wrk times each write). Ratios are NodeHttp divided by the other server (for RSS, lower is better)."
} > "$workdir/table.md"

mkdir -p "$(dirname "$OUT")"
cp "$workdir/table.md" "$OUT"
cat "$workdir/table.md"
echo >&2; echo "written to ${OUT#$root/}" >&2
