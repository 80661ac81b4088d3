#!/usr/bin/env bash
# The console at scale (issue 11): loads N synthetic events (default 1,000,000) into SQLite
# and into a private PostgreSQL (tests/central/pg_server.sh), then times event searches and
# the dashboard through the real HTTP API as an all-section user (監査責任者) and as a
# section head (管理者 of 課07). Figures go to docs/PERFORMANCE.md with this command.
#
#   bench/run_console_bench.sh BUILD_DIR [EVENTS] [REPEATS] [BACKENDS]
#   BACKENDS: "sqlite postgresql" (default) or one of them
# SENDGUARD_BENCH_KEEP=DIR keeps the loaded databases in DIR (SQLite file, PostgreSQL
# cluster) and reuses them when run again with the same EVENTS: loading a million events
# takes a quarter of an hour, a change to the queries can then be timed in a minute.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${1:?usage: run_console_bench.sh BUILD_DIR [EVENTS] [REPEATS] [BACKENDS]}"
events=${2:-1000000}; repeats=${3:-20}; backends=${4:-sqlite postgresql}
central="$build/central/sendguard-central"
load="$build/bench/console_load"
work=$(mktemp -d)
keep=${SENDGUARD_BENCH_KEEP:-}
pgdir=/tmp/sendguard_console_bench_pg_$$
if [ -n "$keep" ]; then
  mkdir -p "$keep"
  keep=$(cd "$keep" && pwd)
  pgdir=$keep/pg
fi
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_port=$(free_port)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  "$here/tests/central/pg_server.sh" stop "$pgdir" "$pg_port" >/dev/null 2>&1 || true
  rm -rf "$work"
  [ -n "$keep" ] || rm -rf "$pgdir"
}
trap cleanup EXIT

run() {  # run NAME DB
  local name=$1 db=$2 port pid
  echo "== $name, $events events"
  local marker=${keep:+$keep/$name.loaded}
  if [ -n "$marker" ] && [ "$(cat "$marker" 2>/dev/null)" = "$events" ]; then
    echo "  load: reusing $keep ($events events)"
  else
    /usr/bin/time -f "  load: %e s wall, %M KB max RSS" "$load" --db "$db" --events "$events"
    echo "bench-password" | "$central" user add --db "$db" --login kansa --name "監査 太郎" \
      --section 課01 --role kansa > /dev/null
    echo "bench-password" | "$central" user add --db "$db" --login kanri07 --name "管理 花子" \
      --section 課07 --role kanri > /dev/null
    [ -z "$marker" ] || echo "$events" > "$marker"
  fi
  port=$(free_port)
  "$central" serve --listen "127.0.0.1:$port" --db "$db" --state-dir "$work/state-$name" \
    > "$work/serve-$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
    sleep 0.1
  done
  echo " as 監査責任者 (all sections):"
  /usr/bin/python3 "$here/bench/console_bench.py" "$port" kansa bench-password "$repeats"
  echo " as 管理者 of 課07 (one section of 20):"
  /usr/bin/python3 "$here/bench/console_bench.py" "$port" kanri07 bench-password "$repeats"
  kill -TERM "$pid"; wait "$pid" || true
}

for b in $backends; do
  case $b in
    sqlite) run sqlite "sqlite:${keep:-$work}/central.db" ;;
    postgresql)
      "$here/tests/central/pg_server.sh" start "$pgdir" "$pg_port" > /dev/null
      run postgresql "postgresql://sendguard@127.0.0.1:$pg_port/sendguard" ;;
  esac
done
