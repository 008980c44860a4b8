#!/usr/bin/env bash
# The demo server against nginx on /hello, measured the same way (issue 5):
#   1. server pinned to core 0, load to core 1 (taskset);
#   2. a fixed rate (h2load --h1 --rps) for DURATION seconds: server CPU microseconds per request,
#      from /proc/PID/stat utime+stime before and after (all of the server's processes);
#   3. pipelined 16 deep (wrk + pipeline.lua): requests per second.
# Needs: a built server/target/rawloop-server.jar, a JDK 25, nginx, h2load (nghttp2-client), wrk.
# Usage: server/bench/vs-nginx.sh [RATE] [DURATION]   (defaults 50000 and 30)
set -euo pipefail
cd "$(dirname "$0")"
RATE=${1:-50000}
DURATION=${2:-30}
CLIENTS=50
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)
JAR=../target/rawloop-server.jar
TICK_US=$((1000000 / $(getconf CLK_TCK)))
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done; echo $t; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }

measure() {   # name port pid...
  local name=$1 port=$2; shift 2
  local url=http://127.0.0.1:$port/hello
  taskset -c 1 h2load --h1 -c $CLIENTS -D 5 --rps $((RATE / CLIENTS)) "$url" >/dev/null          # warm-up
  local before; before=$(ticks "$@")
  local out; out=$(taskset -c 1 h2load --h1 -c $CLIENTS -D "$DURATION" --rps $((RATE / CLIENTS)) "$url")
  local after; after=$(ticks "$@")
  local done_; done_=$(echo "$out" | awk '/^requests:/ {print $8}')
  local failed; failed=$(echo "$out" | awk '/^requests:/ {print $10}')
  local rps; rps=$(echo "$out" | awk '/^finished in/ {print $4}')
  local cpu_us=$(( (after - before) * TICK_US ))
  local piped; piped=$(taskset -c 1 wrk -t1 -c $CLIENTS -d "${DURATION}s" -s pipeline.lua "$url" | awk '/^Requests\/sec/ {print $2}')
  printf '%-8s fixed rate: %s req/s achieved, %s requests, %s failed, server CPU %.2f us/request | pipelined x16: %s req/s\n' \
    "$name" "$rps" "$done_" "$failed" "$(echo "$cpu_us / $done_" | bc -l)" "$piped"
}

# rawloop: one loop, pinned to core 0.
PORT=$(free_port)
taskset -c 0 "$JAVA" -jar "$JAR" --port "$PORT" --loops 1 >"$WORK/rawloop.log" 2>&1 &
RAWLOOP=$!
wait_port "$PORT"
measure rawloop "$PORT" "$RAWLOOP"
kill -TERM "$RAWLOOP"; wait "$RAWLOOP" || true

# nginx: one worker, pinned to core 0, the same answer.
NPORT=$(free_port)
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
worker_cpu_affinity 1;
pid $WORK/nginx.pid;
error_log $WORK/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NPORT;
    location /hello { default_type text/plain; return 200 "Hello, World!"; }
  }
}
CONF
taskset -c 0 nginx -c "$WORK/nginx.conf" -p "$WORK"
wait_port "$NPORT"
MASTER=$(cat "$WORK/nginx.pid")
NGINX_PIDS="$MASTER $(pgrep -P "$MASTER" | tr '\n' ' ')"   # the master and its worker
# shellcheck disable=SC2086
measure nginx "$NPORT" $NGINX_PIDS
nginx -c "$WORK/nginx.conf" -p "$WORK" -s stop
