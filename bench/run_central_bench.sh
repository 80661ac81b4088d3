#!/usr/bin/env bash
# Whole-process load test of sendguard-central: 50 agents posting batches of 100 events
# for 10 s, against central on embedded SQLite and then on PostgreSQL (a private cluster
# from tests/central/pg_server.sh, default durability settings). Each backend is run
# twice: agents posting back to back (the most it takes), then offering 5,000 events/s
# (the latency at that load).
#
#   bench/run_central_bench.sh BUILD_DIR [AGENTS] [BATCH] [SECONDS] [RATE]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${1:?usage: run_central_bench.sh BUILD_DIR [AGENTS] [BATCH] [SECONDS] [RATE]}"
agents=${2:-50}; batch=${3:-100}; seconds=${4:-10}; rate=${5:-5000}
central="$build/central/sendguard-central"
load="$build/bench/central_load"
work=$(mktemp -d)
pgdir=/tmp/sendguard_central_bench_pg_$$  # not under $work: the postgres user must reach it
pg_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  "$here/tests/central/pg_server.sh" stop "$pgdir" "$pg_port" >/dev/null 2>&1 || true
  rm -rf "$work" "$pgdir"
}
trap cleanup EXIT

run() {  # run NAME DB
  local name=$1 db=$2 port
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  : > "$work/tokens"
  for i in $(seq 1 "$agents"); do
    "$central" agent enroll --db "$db" --name "bench-$i" >> "$work/tokens"
  done
  "$central" serve --listen "127.0.0.1:$port" --db "$db" --state-dir "$work/state-$name" > /dev/null &
  local pid=$!
  for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
    sleep 0.05
  done
  printf '%-10s ' "$name:"
  "$load" --port "$port" --tokens "$work/tokens" --agents "$agents" --batch "$batch" --seconds "$seconds"
  printf '%-10s ' "$name:"
  "$load" --port "$port" --tokens "$work/tokens" --agents "$agents" --batch "$batch" --seconds "$seconds" --rate "$rate"
  echo "           central RSS after: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
  kill -TERM "$pid"; wait "$pid" || true
}

run sqlite "sqlite:$work/central.db"
"$here/tests/central/pg_server.sh" start "$pgdir" "$pg_port"
run postgresql "postgresql://sendguard@127.0.0.1:$pg_port/sendguard"
