#!/usr/bin/env bash
# NodeHttp vs Node's http vs Kestrel, side by side in one run, driven by wrk (apt-get install -y wrk) and curl.
# Per server: hello-world keep-alive at 16/64/256 connections, pipelined (16 per write, 64 connections),
# a 1 KiB POST echo (64 connections), and a 1 GiB chunked stream to curl. Prints req/s, p99 and the
# server's peak RSS (VmHWM). Usage: bench/http/run.sh   (DURATION=5s, THREADS=2 by default)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
DURATION="${DURATION:-5s}"
THREADS="${THREADS:-2}"
STREAM_BYTES="${STREAM_BYTES:-1073741824}"
out="$here/bin"
dotnet build "$here/HttpBench/HttpBench.csproj" -c Release -o "$out/nodehttp" -v q -nologo > /dev/null
dotnet build "$here/KestrelBench/KestrelBench.csproj" -c Release -o "$out/kestrel" -v q -nologo > /dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_listening() { # $1 = log file
  for _ in $(seq 1 100); do grep -q listening "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "server did not start: $(cat "$1")" >&2; return 1
}

wrk_run() { # $1 = name, $2 = label, $3 = port, rest = wrk args; prints one row
  local name="$1" label="$2" port="$3"; shift 3
  local res rps p99
  res="$(wrk -t"$THREADS" -d"$DURATION" --latency "$@" "http://127.0.0.1:$port/" 2>&1)"
  rps="$(echo "$res" | awk '/Requests\/sec/ {print $2}')"
  p99="$(echo "$res" | awk '$1 == "99%" {print $2}')"
  printf '%-9s %-22s %12s %10s\n' "$name" "$label" "$rps" "$p99"
}

run_server() { # $1 = name, rest = command taking the port as last argument
  local name="$1"; shift
  local port log pid
  port="$(free_port)"
  log="$(mktemp)"
  if [ "$name" = kestrel ]; then "$@" --urls "http://127.0.0.1:$port" > "$log" 2>&1 & else "$@" "$port" > "$log" 2>&1 & fi
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  wait_listening "$log"
  wrk -t"$THREADS" -c64 -d2s "http://127.0.0.1:$port/" > /dev/null 2>&1   # warm-up (JIT, pools)
  for c in 16 64 256; do wrk_run "$name" "hello c=$c" "$port" -c"$c"; done
  wrk_run "$name" "pipelined x16 c=64" "$port" -c64 -s "$here/pipeline.lua"
  wrk_run "$name" "POST 1KiB echo c=64" "$port" -c64 -s "$here/post1k.lua"
  local speed
  speed="$(curl -s -o /dev/null -w '%{speed_download}' "http://127.0.0.1:$port/stream?bytes=$STREAM_BYTES")"
  printf '%-9s %-22s %12s %10s\n' "$name" "1GiB stream (MB/s)" "$(awk -v s="$speed" 'BEGIN {printf "%.0f", s / 1e6}')" "-"
  printf '%-9s %-22s %12s\n' "$name" "peak RSS (MiB)" "$(( $(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024 ))"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  trap - EXIT
  rm -f "$log"
}

printf '%-9s %-22s %12s %10s\n' server test "req/s" p99
run_server nodehttp "$out/nodehttp/HttpBench"
run_server node node "$here/server.js"
run_server kestrel "$out/kestrel/KestrelBench"
