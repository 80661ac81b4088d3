#!/usr/bin/env bash
# Whole-process load test of sendguard-central: 50 agents posting batches of 100 events
# for 10 s, against central on embedded SQLite and then on PostgreSQL (a private cluster
# from tests/central/pg_server.sh, default durability settings). Each backend is run
# twice: agents posting back to back (the most it takes), then offering 5,000 events/s
# (the latency at that load). After each run it prints the CPU time central (and, for
# PostgreSQL, the server's backends) spent per 1,000 events stored: unlike events/s, that
# figure holds on a machine shared with other work.
#
#   bench/run_central_bench.sh BUILD_DIR [AGENTS] [BATCH] [SECONDS] [RATE]
#
# PG_STATS=1: the PostgreSQL server also loads pg_stat_statements, and after each run
# prints its own account of the run: the statements by total time (calls, rows, mean),
# transactions committed and WAL flushes (pg_stat_database, pg_stat_wal), and the
# checkpoints started during the run (pg_stat_bgwriter).
# PG_SERVER_OPTIONS: server settings for the private cluster (e.g. "-c max_wal_size=4GB").
# BACKENDS="sqlite postgresql": the backends to run (both by default).
# OFFERED="max RATE": the runs, in order (both by default); OFFERED=RATE measures the
# latency at that load on a fresh database, without the back-to-back run before it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${1:?usage: run_central_bench.sh BUILD_DIR [AGENTS] [BATCH] [SECONDS] [RATE]}"
agents=${2:-50}; batch=${3:-100}; seconds=${4:-10}; rate=${5:-5000}
backends=${BACKENDS:-sqlite postgresql}
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

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
psql_bench() { "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U sendguard -d sendguard -qtAX "$@"; }

# CPU clock ticks used so far by the processes given (utime + stime), summed.
cpu_ticks() {
  local total=0 pid f
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    f=$(sed 's/^.*) //' "/proc/$pid/stat")
    set -- $f
    total=$((total + ${12} + ${13}))
  done
  echo $total
}
# The PostgreSQL server's processes (postmaster and its children), if it runs.
pg_pids() {
  [ -f "$pgdir/data/postmaster.pid" ] || return 0
  local master
  master=$(head -1 "$pgdir/data/postmaster.pid")
  echo "$master" $(pgrep -P "$master" || true)
}

stats_reset() {
  [ "${PG_STATS:-0}" = 1 ] && [ "$1" = postgresql ] || return 0
  psql_bench -c "SELECT pg_stat_statements_reset(), pg_stat_reset(), pg_stat_reset_shared('wal'),
    pg_stat_reset_shared('bgwriter')" >/dev/null
}
stats_report() {
  [ "${PG_STATS:-0}" = 1 ] && [ "$1" = postgresql ] || return 0
  sleep 0.6  # the statistics collector flushes at most every 0.5 s
  echo "           pg_stat_statements (top 6 by total time): calls | rows | total ms | mean ms | query"
  psql_bench -F ' | ' -c "SELECT calls, rows, round(total_exec_time::numeric, 1),
      round(mean_exec_time::numeric, 3), left(regexp_replace(query, '\s+', ' ', 'g'), 90)
      FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 6" | sed 's/^/             /'
  psql_bench -F ' ' -c "SELECT 'commits', xact_commit, 'rollbacks', xact_rollback, 'rows inserted', tup_inserted
      FROM pg_stat_database WHERE datname = 'sendguard'" | sed 's/^/           /'
  psql_bench -F ' ' -c "SELECT 'WAL records', wal_records, 'WAL MB', round(wal_bytes / 1e6, 1), 'WAL flushes', wal_sync
      FROM pg_stat_wal" | sed 's/^/           /'
  # A checkpoint during the run (max_wal_size filled) writes full pages into the WAL and
  # competes for the disk and the cores: the first thing to look at when p99 jumps.
  psql_bench -F ' ' -c "SELECT 'checkpoints started: by time', checkpoints_timed, 'by WAL volume', checkpoints_req
      FROM pg_stat_bgwriter" | sed 's/^/           /'
}

run() {  # run NAME DB
  local name=$1 db=$2 port
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  : > "$work/tokens"
  for i in $(seq 1 "$agents"); do
    "$central" agent enroll --db "$db" --name "bench-$i" >> "$work/tokens"
  done
  # Every simulated agent connects from 127.0.0.1: allow them all (32 per address by default).
  "$central" serve --listen "127.0.0.1:$port" --db "$db" --state-dir "$work/state-$name" \
    --max-connections-per-address $((agents + 8)) > /dev/null &
  local pid=$!
  for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
    sleep 0.05
  done
  local offered hz
  hz=$(getconf CLK_TCK)
  for offered in ${OFFERED:-max $rate}; do
    local out central_before pg_before stored
    stats_reset "$name"
    central_before=$(cpu_ticks "$pid"); pg_before=$(cpu_ticks $(pg_pids))
    out=$("$load" --port "$port" --tokens "$work/tokens" --agents "$agents" --batch "$batch" \
      --seconds "$seconds" $([ "$offered" = max ] || echo --rate "$offered")) || true
    printf '%-10s %s\n' "$name:" "$out"
    stored=$(echo "$out" | sed -n 's/.*: \([0-9]*\) events stored.*/\1/p')
    awk -v c=$(( $(cpu_ticks "$pid") - central_before )) -v p=$(( $(cpu_ticks $(pg_pids)) - pg_before )) \
        -v n="${stored:-0}" -v hz="$hz" -v pg="$name" 'BEGIN {
      if (n == 0) n = 1
      printf "           CPU per 1,000 events: central %.0f ms", c * 1000 / hz * 1000 / n
      if (pg == "postgresql") printf ", PostgreSQL %.0f ms", p * 1000 / hz * 1000 / n
      printf "\n" }'
    stats_report "$name"
    # PostgreSQL writes the search terms after the commit (central/event_index.h): what
    # was still to be written when the run ended.
    if [ "$name" = postgresql ]; then
      local pending started pg_at
      pending=$(psql_bench -c "SELECT COUNT(*) FROM event_terms_pending")
      echo "           search terms still to be written: $pending events"
      if [ "$pending" -gt 0 ]; then  # how long, and how much of the server, catching up takes
        started=$(date +%s.%N); pg_at=$(cpu_ticks $(pg_pids))
        while [ "$(psql_bench -c "SELECT COUNT(*) FROM event_terms_pending")" -gt 0 ]; do sleep 0.1; done
        awk -v s="$started" -v e="$(date +%s.%N)" -v p=$(( $(cpu_ticks $(pg_pids)) - pg_at )) \
            -v n="$pending" -v hz="$hz" 'BEGIN {
          printf "           ... written %.1f s later, PostgreSQL CPU %.0f ms (%.0f ms per 1,000 events)\n",
                 e - s, p * 1000 / hz, p * 1000 / hz * 1000 / n }'
      fi
    fi
  done
  echo "           central RSS after: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
  kill -TERM "$pid"; wait "$pid" || true
}

for backend in $backends; do
  case $backend in
    sqlite) run sqlite "sqlite:$work/central.db" ;;
    postgresql)
      if [ "${PG_STATS:-0}" = 1 ]; then
        PG_SERVER_OPTIONS="${PG_SERVER_OPTIONS:-} -c shared_preload_libraries=pg_stat_statements -c track_io_timing=on" \
          "$here/tests/central/pg_server.sh" start "$pgdir" "$pg_port"
        psql_bench -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
      else
        "$here/tests/central/pg_server.sh" start "$pgdir" "$pg_port"
      fi
      run postgresql "postgresql://sendguard@127.0.0.1:$pg_port/sendguard" ;;
    *) echo "run_central_bench.sh: unknown backend $backend" >&2; exit 2 ;;
  esac
done
