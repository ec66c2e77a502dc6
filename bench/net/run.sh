#!/usr/bin/env bash
# Pipes 1 GiB (or $BYTES) through an echo server on loopback, once with NodeHttp's Socket and once with
# Node's net module, using the same raw-socket client for both; prints MB/s and the servers' peak RSS.
# Usage: bench/net/run.sh            (BYTES=1073741824 by default)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
BYTES="${BYTES:-1073741824}"
ROUNDS="${ROUNDS:-1}"
out="$here/bin"
dotnet build "$here/NetBench/NetBench.csproj" -c Release -o "$out" -v q -nologo > /dev/null
bench="$out/NetBench"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_listening() { # $1 = log file
  for _ in $(seq 1 100); do grep -q listening "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "server did not start" >&2; return 1
}

run_one() { # $1 = name, rest = server command
  local name="$1"; shift
  local port log pid result hwm
  port="$(free_port)"
  log="$(mktemp)"
  "$@" "$port" > "$log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  wait_listening "$log"
  for r in $(seq 1 "$ROUNDS"); do
    result="$("$bench" client "$port" "$BYTES")"
    hwm="$(awk '/VmHWM/ {print $2}' /proc/$pid/status)"
    printf '%-10s %12s %10s %12s %14s\n' "$name" "$BYTES" "$(echo "$result" | cut -d' ' -f2)" "$(echo "$result" | cut -d' ' -f3)" "$((hwm / 1024)) MiB"
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  trap - EXIT
  rm -f "$log"
}

printf '%-10s %12s %10s %12s %14s\n' server bytes seconds "MB/s" "peak RSS"
run_one NodeHttp "$bench" server
run_one node node "$here/echo.js"
