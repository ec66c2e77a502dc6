#!/usr/bin/env bash
# HTTP client benchmark: NodeHttp's client vs Node's http.request (keep-alive agent) vs .NET HttpClient
# (SocketsHttpHandler), all against one private nginx instance started for the run.
#   SEQ=20000   sequential GETs (one in flight, one pooled connection)
#   CONC=50000  GETs with INFLIGHT=32 in flight (pool of 32 connections)
#   WARMUP=100000 warm-up requests before each measurement, on the same pool (see bench/README.md)
#   ROUNDS=1    measurements per client and mode (each is a row of the table)
#   HTTPS=1     the same over TLS: nginx serves https with a P-256 certificate made by openssl for the run, and each
#               client verifies it against that certificate (BENCH_CA): NodeHttp's Https.Get through a keep-alive
#               HttpsAgent, HttpClient, Node's https.request through a keep-alive https.Agent
# Usage: bench/client/run.sh          (SEQ=2000 CONC=5000 bench/client/run.sh for a quick run)
# Prints a table and writes it to bench/results/client-<date>.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
SEQ="${SEQ:-20000}"
CONC="${CONC:-50000}"
INFLIGHT="${INFLIGHT:-32}"
ROUNDS="${ROUNDS:-1}"
WARMUP="${WARMUP:-100000}"
HTTPS="${HTTPS:-0}"

tmp="$(mktemp -d)"
nginx_pid=""
cleanup() {
  if [[ -n "$nginx_pid" ]]; then
    kill "$nginx_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build ---------------------------------------------------------------------------------------------------
out="$here/bin"
echo "building (Release)..." >&2
dotnet build "$here/NodeHttpClientBench/NodeHttpClientBench.csproj" -c Release -o "$out" -v q -nologo > "$tmp/build.log" 2>&1 \
  || { cat "$tmp/build.log" >&2; exit 1; }
dotnet build "$here/HttpClientBench/HttpClientBench.csproj" -c Release -o "$out" -v q -nologo > "$tmp/build.log" 2>&1 \
  || { cat "$tmp/build.log" >&2; exit 1; }

# --- nginx -----------------------------------------------------------------------------------------------------
NGINX="$(command -v nginx || true)"
[[ -z "$NGINX" && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
if [[ -z "$NGINX" ]]; then
  echo "nginx not found; installing it (apt-get install -y nginx)..." >&2
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y nginx > "$tmp/apt.log" 2>&1; then
    apt-get update > /dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y nginx > "$tmp/apt.log" 2>&1 \
      || { cat "$tmp/apt.log" >&2; echo "error: could not install nginx" >&2; exit 1; }
  fi
  NGINX=/usr/sbin/nginx
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
mkdir -p "$tmp/nginx/body" "$tmp/nginx/logs"
scheme=http; listen_tls=""; nginx_tls=""; curl_tls=()
if [[ "$HTTPS" == 1 ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2> /dev/null \
    || { echo "error: openssl could not make the certificate" >&2; exit 1; }
  scheme=https; listen_tls=" ssl"; curl_tls=(--cacert "$tmp/cert.pem")
  nginx_tls="ssl_certificate $tmp/cert.pem; ssl_certificate_key $tmp/key.pem;"
  export BENCH_CA="$tmp/cert.pem"
fi
cat > "$tmp/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/body;
  fastcgi_temp_path $tmp/nginx/body;
  uwsgi_temp_path $tmp/nginx/body;
  scgi_temp_path $tmp/nginx/body;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  default_type text/plain;
  server {
    listen 127.0.0.1:$port$listen_tls;
    $nginx_tls
    location / { return 200 "Hello, World!"; }
  }
}
EOF
"$NGINX" -e "$tmp/nginx/logs/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" > "$tmp/nginx/logs/stdout.log" 2>&1 &
nginx_pid=$!
up=""
for _ in $(seq 1 100); do
  if ! kill -0 "$nginx_pid" 2>/dev/null; then break; fi
  if curl -fsS "${curl_tls[@]}" -o /dev/null "$scheme://127.0.0.1:$port/" 2>/dev/null; then up=1; break; fi
  sleep 0.1
done
if [[ -z "$up" ]]; then
  echo "error: nginx did not start on 127.0.0.1:$port" >&2
  cat "$tmp/nginx/logs/stdout.log" "$tmp/nginx/logs/error.log" >&2 2>/dev/null || true
  exit 1
fi
echo "nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') on $scheme://127.0.0.1:$port (pid $nginx_pid)" >&2

# --- clients ---------------------------------------------------------------------------------------------------
declare -A rps alloc
run_client() { # $1 = client, $2 = mode, $3 = requests, $4 = in flight, $5 = round
  local client="$1" mode="$2" n="$3" inflight="$4" r="$5" line
  local -a cmd
  case "$client" in
    NodeHttp)   cmd=("$out/NodeHttpClientBench") ;;
    HttpClient) cmd=("$out/HttpClientBench") ;;
    node)       cmd=(node "$here/node-client.js") ;;
  esac
  echo "  $client $mode ($n requests, $inflight in flight) round $r..." >&2
  line="$(timeout 600 "${cmd[@]}" "$port" "$n" "$inflight" $WARMUP)" \
    || { echo "error: $client $mode failed" >&2; exit 1; }
  # line: <requests> <seconds> <req/s> <bytes/request>
  rps["$client,$mode,$r"]="$(echo "$line" | cut -d' ' -f3)"
  alloc["$client,$mode,$r"]="$(echo "$line" | cut -d' ' -f4)"
}

# Rounds interleave the clients, so each round's ratios compare runs made close together in time.
modes=(sequential concurrent)
clients=(NodeHttp HttpClient node)
for mode in "${modes[@]}"; do
  for r in $(seq 1 "$ROUNDS"); do
    for client in "${clients[@]}"; do
      if [[ "$mode" == sequential ]]; then run_client "$client" "$mode" "$SEQ" 1 "$r"
      else run_client "$client" "$mode" "$CONC" "$INFLIGHT" "$r"; fi
    done
  done
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (v[1] == "n/a") print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for mode in "${modes[@]}"; do
  for client in "${clients[@]}"; do
    vals=(); avals=()
    for r in $(seq 1 "$ROUNDS"); do vals+=("${rps[$client,$mode,$r]}"); avals+=("${alloc[$client,$mode,$r]}"); done
    rps["$client,$mode,median"]="$(median "${vals[@]}")"
    alloc["$client,$mode,median"]="$(median "${avals[@]}")"
  done
done

# --- table -----------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "n/a" }'; }
table="$tmp/table.md"
{
  echo "| client | mode | requests | req/s | allocated B/request | NodeHttp / HttpClient | NodeHttp / node |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for mode in "${modes[@]}"; do
    if [[ "$mode" == sequential ]]; then n="$SEQ"; desc="sequential"; else n="$CONC"; desc="$INFLIGHT in flight"; fi
    rounds=($(seq 1 "$ROUNDS"))
    [[ "$ROUNDS" -gt 1 ]] && rounds+=(median)
    for r in "${rounds[@]}"; do
      for client in "${clients[@]}"; do
        ratios="| | |"
        if [[ "$client" == NodeHttp ]]; then
          ratios="| $(ratio "${rps[NodeHttp,$mode,$r]}" "${rps[HttpClient,$mode,$r]}") | $(ratio "${rps[NodeHttp,$mode,$r]}" "${rps[node,$mode,$r]}") |"
        fi
        label="$client"; [[ "$r" == median ]] && label="**$client, median of $ROUNDS**"
        echo "| $label | $desc | $n | ${rps[$client,$mode,$r]} | ${alloc[$client,$mode,$r]} $ratios"
      done
    done
  done
} > "$table"

mkdir -p "$root/bench/results"
result="$root/bench/results/client-$([[ "$HTTPS" == 1 ]] && echo "https-")$(date +%Y-%m-%d).md"
{
  echo "# HTTP$([[ "$HTTPS" == 1 ]] && echo S) client benchmark, $(date '+%Y-%m-%d %H:%M')"
  echo
  echo "Command: \`$([[ "$HTTPS" == 1 ]] && echo "HTTPS=1 ")SEQ=$SEQ CONC=$CONC INFLIGHT=$INFLIGHT ROUNDS=$ROUNDS${WARMUP:+ WARMUP=$WARMUP} bench/client/run.sh\`"
  echo
  echo "Server: nginx $("$NGINX" -v 2>&1 | sed 's/.*\///'), one worker, \`return 200 \"Hello, World!\"\`, on 127.0.0.1$([[ "$HTTPS" == 1 ]] && echo " over TLS (self-signed P-256 certificate, nginx's default protocols and ciphers; every client verifies it)")."
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); .NET $(dotnet --version), node $(node --version)."
  echo
  cat "$table"
} > "$result"
echo
cat "$table"
echo
echo "written to ${result#"$root"/}" >&2
