#!/usr/bin/env bash
# Rolling restart under load, behind nginx: two NodeHttp processes (examples/DrainServer) serve as one nginx
# upstream with keep-alive connections to them; wrk drives GET / through nginx while each process in turn is
# replaced: a fresh process starts on the same port (SO_REUSEPORT lets it bind while the old one still listens),
# then the old one gets SIGTERM and drains (stops accepting, closes idle keep-alive connections, answers what is in
# progress with Connection: close, exits). Passes when wrk saw no socket error and no non-2xx answer.
#
# Also checks, through nginx, what docs/deploy.md's upstream block promises: X-Forwarded-For reaches the app, and
# nginx reuses its upstream connections (two requests in a row arrive from the same nginx port).
#
# nginx runs in the foreground (daemon off) with its own configuration, pid and logs in a temporary directory, on
# loopback ports; the system's nginx configuration is not read. It is installed with apt-get if missing.
#
# Usage: scripts/rolling-restart.sh
#   DURATION=24      seconds of wrk load        RESTARTS=4   replacements, alternating between the two slots
#   CONNECTIONS=64   wrk connections             DRAIN_MS=10000  each process's drain deadline
#   NGINX_WORKERS=1
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
DURATION="${DURATION:-24}"
RESTARTS="${RESTARTS:-4}"
CONNECTIONS="${CONNECTIONS:-64}"
DRAIN_MS="${DRAIN_MS:-10000}"
NGINX_WORKERS="${NGINX_WORKERS:-1}"

install_pkg() { # $1 = command, $2 = Debian package
  command -v "$1" > /dev/null 2>&1 && return 0
  [ -x "/usr/sbin/$1" ] && return 0
  echo "installing $2" >&2
  (sudo -n apt-get install -y "$2" || apt-get install -y "$2") > /dev/null 2>&1 \
    || { (sudo -n apt-get update || apt-get update) > /dev/null 2>&1; (sudo -n apt-get install -y "$2" || apt-get install -y "$2") > /dev/null; }
}
install_pkg nginx nginx
install_pkg wrk wrk
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
for tool in curl dotnet python3; do
  command -v "$tool" > /dev/null || { echo "missing $tool" >&2; exit 1; }
done

work="$(mktemp -d)"
app_dir="$work/app"
echo "building examples/DrainServer (Release)..." >&2
dotnet build "$root/examples/DrainServer/DrainServer.csproj" -c Release -o "$app_dir" -v q -nologo > "$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }

pids=()
nginx_pid=""
cleanup() {
  for p in "${pids[@]}" $nginx_pid; do kill "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
rss_mib() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2> /dev/null || echo "-"; }

# Starts a DrainServer on port $1 (log $work/app-<pid>.log); sets $started to its pid once it listens.
start_app() {
  local port="$1" log="$work/app-start-$RANDOM.log"
  dotnet "$app_dir/DrainServer.dll" --port "$port" --reuse-port --drain-ms "$DRAIN_MS" > "$log" 2>&1 &
  started=$!
  pids+=("$started")
  for _ in $(seq 1 300); do
    grep -q '^listening on ' "$log" && { mv "$log" "$work/app-$started.log"; return 0; }
    kill -0 "$started" 2> /dev/null || { echo "DrainServer on $port exited during start-up:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "DrainServer on $port did not listen within 30 s" >&2; cat "$log" >&2; exit 1
}

port_a="$(free_port)"
port_b="$(free_port)"
port_nginx="$(free_port)"
declare -A slot_port=([0]="$port_a" [1]="$port_b")
declare -A slot_pid
start_app "$port_a"; slot_pid[0]="$started"
start_app "$port_b"; slot_pid[1]="$started"
first_pids="${slot_pid[0]} ${slot_pid[1]}"

mkdir -p "$work/nginx"
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
cat > "$work/nginx/nginx.conf" <<EOF
$user_line
worker_processes $NGINX_WORKERS;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/client_body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;

  # docs/deploy.md's upstream block, on this run's ports.
  upstream nodehttp {
    server 127.0.0.1:$port_a max_fails=0;
    server 127.0.0.1:$port_b max_fails=0;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$port_nginx;
    location / {
      proxy_pass http://nodehttp;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_next_upstream error timeout;
    }
  }
}
EOF
"$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" > "$work/nginx/stdout.log" 2>&1 &
nginx_pid=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port_nginx/" && break
  kill -0 "$nginx_pid" 2> /dev/null || { echo "nginx exited:" >&2; cat "$work/nginx/stdout.log" "$work/nginx/error.log" >&2; exit 1; }
  sleep 0.1
done
url="http://127.0.0.1:$port_nginx/"
[ "$(curl -s "$url")" = "Hello, World!" ] || { echo "no hello through nginx" >&2; exit 1; }

# The upstream block at work: X-Forwarded-For carries the client, and a second request reuses nginx's connection.
peer1="$(curl -s "${url}peer")"; peer2="$(curl -s "${url}peer")"
echo "through nginx: $peer1 | $peer2"
[[ "$peer1" == *"xff 127.0.0.1" ]] || { echo "X-Forwarded-For did not reach the app: $peer1" >&2; exit 1; }
# Round robin alternates the two processes; the same process and the same nginx port twice means one upstream
# connection served both requests.
peers="$(for _ in $(seq 1 8); do curl -s "${url}peer" | sed 's/ xff.*//'; echo; done)"
a="$(sort <<< "$peers" | uniq -d | head -1)"
[ -n "$a" ] || { echo "nginx did not reuse an upstream connection (keepalive):" >&2; echo "$peers" >&2; exit 1; }
echo "upstream keep-alive: 8 requests arrived on $(sort -u <<< "$peers" | wc -l) upstream connections ($a: $(grep -c -x "$a" <<< "$peers") requests)"

echo "processes: slot 0 pid ${slot_pid[0]} on $port_a (RSS $(rss_mib "${slot_pid[0]}") MiB), slot 1 pid ${slot_pid[1]} on $port_b (RSS $(rss_mib "${slot_pid[1]}") MiB)"
echo "wrk -t2 -c$CONNECTIONS -d${DURATION}s through nginx on $port_nginx, $RESTARTS replacements"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" > "$work/wrk.out" 2>&1 &
wrk_pid=$!

gap="$(awk -v d="$DURATION" -v n="$RESTARTS" 'BEGIN { printf "%.2f", d / (n + 1) }')"
drain_log="$work/drains.log"
: > "$drain_log"
for i in $(seq 1 "$RESTARTS"); do
  sleep "$gap"
  slot=$(( (i - 1) % 2 ))
  old="${slot_pid[$slot]}"
  old_rss="$(rss_mib "$old")"
  start_app "${slot_port[$slot]}"
  new="$started"
  t0="$(date +%s.%N)"
  kill -TERM "$old"
  # Waited for in the background: the next replacement does not wait for this drain.
  ( wait_start="$t0"
    while kill -0 "$old" 2> /dev/null; do sleep 0.05; done
    echo "slot $slot: pid $old (RSS $old_rss MiB before SIGTERM) drained and exited in $(awk -v a="$wait_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s" >> "$drain_log" ) &
  slot_pid[$slot]="$new"
  echo "t+$(awk -v g="$gap" -v i="$i" 'BEGIN { printf "%.1f", g * i }')s: slot $slot on ${slot_port[$slot]}: new pid $new listening, SIGTERM to pid $old"
done
wait "$wrk_pid"
# Drains still under way finish within DRAIN_MS.
for _ in $(seq 1 $(( DRAIN_MS / 100 + 50 ))); do
  [ "$(wc -l < "$drain_log")" -ge "$RESTARTS" ] && break
  sleep 0.1
done
cat "$drain_log"
exit_codes=""
for p in "${pids[@]}"; do
  if [ "$p" != "${slot_pid[0]}" ] && [ "$p" != "${slot_pid[1]}" ]; then
    code=0; wait "$p" 2> /dev/null || code=$?
    exit_codes+=" $p:$code"
  fi
done
echo "exit codes of the replaced processes:$exit_codes"

cat "$work/wrk.out"
requests="$(awk '/requests in/ { print $1 }' "$work/wrk.out")"
non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$work/wrk.out")"; non2xx="${non2xx:-0}"
socket_errors="$(awk '/Socket errors:/ { n = 0; for (i = 3; i <= NF; i++) { gsub(/,/, "", $i); if ($i ~ /^[0-9]+$/) n += $i } print n }' "$work/wrk.out")"
socket_errors="${socket_errors:-0}"
served_by_new="$(for _ in $(seq 1 20); do curl -s "${url}pid"; echo; done | sort -u | tr '\n' ' ')"
echo "after: slot 0 pid ${slot_pid[0]} (RSS $(rss_mib "${slot_pid[0]}") MiB), slot 1 pid ${slot_pid[1]} (RSS $(rss_mib "${slot_pid[1]}") MiB); first processes were $first_pids; answering now: $served_by_new"
# Upstream errors nginx retried on the other process (proxy_next_upstream): a request sent on a kept-alive
# connection the app closed at the same moment, or a connection queued on a listener that then closed. The client
# never sees them; they are counted to show the retries did the work.
if [ -s "$work/nginx/error.log" ]; then
  echo "nginx error.log (retried upstream errors), by kind:"
  sed -E 's/^.*\[(error|warn)\] [0-9#]+: \*[0-9]+ //; s/, client:.*//' "$work/nginx/error.log" | sort | uniq -c | sed 's/^/  /'
fi
echo "result: $requests requests, $socket_errors socket errors, $non2xx non-2xx"
bad_exit=0
for e in $exit_codes; do [ "${e#*:}" = 0 ] || bad_exit=1; done
if [ "$socket_errors" = 0 ] && [ "$non2xx" = 0 ] && [ "$bad_exit" = 0 ] && [ -n "$requests" ]; then
  echo "PASS"
else
  echo "FAIL"; exit 1
fi
