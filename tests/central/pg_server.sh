#!/bin/sh
# A private PostgreSQL cluster for the central tests and benchmark.
#   pg_server.sh start DIR PORT   initdb in DIR/data (trust auth, superuser "sendguard"),
#                                 listen on 127.0.0.1:PORT, create database "sendguard"
#   pg_server.sh stop DIR PORT    stop it (the files stay; remove DIR yourself)
# PG_SERVER_OPTIONS adds server options (e.g. "-c fsync=off" for fast throw-away tests).
# PG_INITDB_LOCALE replaces initdb's --no-locale (e.g. "--locale=C.UTF-8", as a cluster made
# by Debian's pg_createcluster on a machine in that locale).
# Runs the server as "postgres" when started as root (PostgreSQL refuses to run as root),
# as the current user otherwise. Fails with a clear message when PostgreSQL is missing.
set -eu
cmd=${1:?usage: pg_server.sh start|stop DIR PORT}
dir=${2:?usage: pg_server.sh start|stop DIR PORT}
port=${3:?usage: pg_server.sh start|stop DIR PORT}

bin=
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && bin=$candidate
done
if [ -z "$bin" ]; then
  echo "pg_server.sh: PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb);" \
       "install them: apt-get install -y postgresql" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
  start)
    if [ "$(id -u)" = 0 ]; then install -d -o postgres "$dir"; else mkdir -p "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -A trust -U sendguard -E UTF8 ${PG_INITDB_LOCALE:---no-locale} \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 ${PG_SERVER_OPTIONS:-}" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    "$bin/psql" -h 127.0.0.1 -p "$port" -U sendguard -d postgres -qtA \
      -c "SELECT 1 FROM pg_database WHERE datname = 'sendguard'" | grep -q 1 ||
      "$bin/createdb" -h 127.0.0.1 -p "$port" -U sendguard sendguard
    ;;
  stop)
    [ -f "$dir/data/postmaster.pid" ] || exit 0
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  *)
    echo "usage: pg_server.sh start|stop DIR PORT" >&2
    exit 2
    ;;
esac
