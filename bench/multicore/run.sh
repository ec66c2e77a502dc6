#!/usr/bin/env bash
# Multi-core HTTP benchmark: hello-world keep-alive through wrk at 64 and 256 connections, every server using both
# cores with nothing pinned, side by side in one run:
#   NodeHttp-group2   one NodeHttp process, an EventLoopGroup of 2 loops (examples/DrainServer --loops 2)
#   NodeHttp-reuse2   two NodeHttp processes on one port with SO_REUSEPORT (examples/DrainServer --reuse-port)
#   node-cluster2     Node's cluster module, 2 workers (node-cluster.js)
#   Kestrel           the minimal Kestrel app of bench/http (Kestrel uses every core on its own)
#   nginx2            nginx, 2 worker processes, `return 200 "Hello, World!"` (the ceiling)
# Every server answers GET / with 200, Content-Type: text/plain and the 13-byte body. wrk runs on the same machine
# (-t2), so servers and client share the cores: figures compare servers with each other, not with the hardware.
#
# Usage: bench/multicore/run.sh
#   DURATION=10  seconds per wrk point     WARMUP=5  seconds of hello c64 before measuring each server
#   SERVERS="NodeHttp-group2 NodeHttp-reuse2 node-cluster2 Kestrel nginx2"   OUT=bench/results/multicore-<date>.md
#   A NodeHttp name with "@nopoll" appended (NodeHttp-group2@nopoll) runs that server with NODEHTTP_LOOP_POLL_US=0.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-5}"
SERVERS="${SERVERS:-NodeHttp-group2 NodeHttp-reuse2 node-cluster2 Kestrel nginx2}"
stamp="$(date +%Y-%m-%d-%H%M)"
OUT="${OUT:-$root/bench/results/multicore-$stamp.md}"

install_pkg() { # $1 = command, $2 = Debian package
  command -v "$1" > /dev/null 2>&1 && return 0
  [ -x "/usr/sbin/$1" ] && return 0
  echo "installing $2" >&2
  (sudo -n apt-get install -y "$2" || apt-get install -y "$2") > /dev/null 2>&1
}
install_pkg wrk wrk
[[ " $SERVERS " == *" nginx2 "* ]] && install_pkg nginx nginx
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
for tool in wrk curl node dotnet python3; do
  command -v "$tool" > /dev/null || { echo "missing $tool" >&2; exit 1; }
done

work="$(mktemp -d)"
bin="$work/bin"
echo "building Release..." >&2
dotnet build "$root/examples/DrainServer/DrainServer.csproj" -c Release -o "$bin/DrainServer" -v q -nologo > "$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }
if [[ " $SERVERS " == *" Kestrel "* ]]; then
  dotnet build "$root/bench/http/KestrelBenchServer/KestrelBenchServer.csproj" -c Release -o "$bin/Kestrel" -v q -nologo > "$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; exit 1; }
fi

server_pids=()
cleanup() {
  for p in "${server_pids[@]}"; do kill "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

write_nginx_conf() { # $1 = port
  mkdir -p "$work/nginx"
  local user_line=""
  [ "$(id -u)" = 0 ] && user_line="user root;"
  cat > "$work/nginx/nginx.conf" <<CONF
$user_line
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/client_body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$1;
    location / { default_type text/plain; return 200 "Hello, World!"; }
  }
}
CONF
}

start_server() { # $1 = name, $2 = port
  local name="$1" port="$2" dll="$bin/DrainServer/DrainServer.dll"
  # NAME@nopoll: the same NodeHttp server with the loop's poll-before-block window off (NODEHTTP_LOOP_POLL_US=0).
  local poll=()
  [[ "$name" == *@nopoll ]] && poll=(NODEHTTP_LOOP_POLL_US=0)
  case "${name%@nopoll}" in
    NodeHttp-group2)
      env "${poll[@]}" dotnet "$dll" --port "$port" --loops 2 > "$work/$name.log" 2>&1 & server_pids+=($!) ;;
    NodeHttp-reuse2)
      env "${poll[@]}" dotnet "$dll" --port "$port" --reuse-port > "$work/$name.log" 2>&1 & server_pids+=($!)
      env "${poll[@]}" dotnet "$dll" --port "$port" --reuse-port > "$work/$name.2.log" 2>&1 & server_pids+=($!) ;;
    node-cluster2)
      node "$here/node-cluster.js" "$port" 2 > "$work/$name.log" 2>&1 & server_pids+=($!) ;;
    Kestrel)
      "$bin/Kestrel/KestrelBenchServer" --urls "http://127.0.0.1:$port" > "$work/$name.log" 2>&1 & server_pids+=($!) ;;
    nginx2)
      write_nginx_conf "$port"
      "$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" > "$work/$name.log" 2>&1 & server_pids+=($!) ;;
    *) echo "unknown server $name" >&2; exit 1 ;;
  esac
  for _ in $(seq 1 300); do
    if [ "${name%@nopoll}" = NodeHttp-reuse2 ]; then
      # both processes must be up before measuring
      [ "$(cat "$work/$name.log" "$work/$name.2.log" | grep -c '^listening on ')" = 2 ] && return 0
    elif curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
      return 0
    fi
    sleep 0.1
  done
  echo "$name did not answer on 127.0.0.1:$port within 30 s:" >&2; cat "$work/$name"*.log >&2; exit 1
}

stop_server() {
  for p in "${server_pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${server_pids[@]}"; do wait "$p" 2> /dev/null || true; done
  server_pids=()
}

check_server() { # $1 = name, $2 = port
  local headers body
  headers="$(curl -s -D - -o "$work/body" "http://127.0.0.1:$2/")"
  body="$(cat "$work/body")"
  [ "$body" = "Hello, World!" ] || { echo "$1: GET / answered '$body'" >&2; exit 1; }
  grep -qi '^content-type: text/plain' <<< "$headers" || { echo "$1: no Content-Type: text/plain" >&2; exit 1; }
  grep -qi '^content-length: 13' <<< "$headers" || { echo "$1: no Content-Length: 13" >&2; exit 1; }
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

run_wrk() { # $1 = connections, $2 = url, $3 = seconds
  wrk -t2 -c"$1" -d"$3s" --latency "$2" > "$work/wrk.out" 2>&1 || { cat "$work/wrk.out" >&2; exit 1; }
  parse_wrk < "$work/wrk.out"
}

declare -A rps p99 errs
scenarios=("hello c64" "hello c256")
for name in $SERVERS; do
  port="$(free_port)"
  echo "== $name on 127.0.0.1:$port" >&2
  start_server "$name" "$port"
  check_server "$name" "$port"
  url="http://127.0.0.1:$port/"
  [ "$WARMUP" -gt 0 ] && run_wrk 64 "$url" "$WARMUP" > /dev/null
  for s in "${scenarios[@]}"; do
    c="${s#hello c}"
    read -r rps["$name|$s"] p99["$name|$s"] errs["$name|$s"] <<< "$(run_wrk "$c" "$url" "$DURATION")"
    echo "   $s: ${rps[$name|$s]} req/s, p99 ${p99[$name|$s]} ms, errors ${errs[$name|$s]}" >&2
  done
  stop_server
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
has() { [[ " $SERVERS " == *" $1 "* ]]; }
{
  echo "Multi-core HTTP benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
  echo
  echo "Nothing pinned; wrk -t2 on the same machine; wrk -d${DURATION}s --latency after a ${WARMUP}s hello c64 warm-up per server."
  echo "Versions: $(dotnet --version | sed 's/^/.NET SDK /'), node $(node --version), $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)."
  echo "Command: DURATION=$DURATION WARMUP=$WARMUP SERVERS=\"$SERVERS\" bench/multicore/run.sh"
  echo
  header="| scenario |"; sep="|---|"
  for n in $SERVERS; do header+=" $n req/s | p99 ms |"; sep+="---:|---:|"; done
  for best in NodeHttp-group2 NodeHttp-reuse2; do
    has "$best" || continue
    has Kestrel && { header+=" $best/Kestrel |"; sep+="---:|"; }
    has node-cluster2 && { header+=" $best/node-cluster2 |"; sep+="---:|"; }
    has nginx2 && { header+=" $best/nginx2 |"; sep+="---:|"; }
  done
  echo "$header"; echo "$sep"
  for s in "${scenarios[@]}"; do
    line="| $s |"
    for n in $SERVERS; do
      e="${errs[$n|$s]:-0}"; note=""; [ "$e" != 0 ] && note=" ($e errors)"
      line+=" $(awk -v v="${rps[$n|$s]:-}" 'BEGIN { if (v == "") print "-"; else printf "%.0f", v }')$note | ${p99[$n|$s]:--} |"
    done
    for best in NodeHttp-group2 NodeHttp-reuse2; do
      has "$best" || continue
      has Kestrel && line+=" $(ratio "${rps[$best|$s]:-}" "${rps[Kestrel|$s]:-}") |"
      has node-cluster2 && line+=" $(ratio "${rps[$best|$s]:-}" "${rps[node-cluster2|$s]:-}") |"
      has nginx2 && line+=" $(ratio "${rps[$best|$s]:-}" "${rps[nginx2|$s]:-}") |"
    done
    echo "$line"
  done
} > "$work/table.md"
mkdir -p "$(dirname "$OUT")"
cp "$work/table.md" "$OUT"
cat "$work/table.md"
echo >&2; echo "written to ${OUT#$root/}" >&2
