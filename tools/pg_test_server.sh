#!/bin/sh
# A PostgreSQL server of its own for the tests and benchmarks: never one it did not start.
#   tools/pg_test_server.sh start DIR   initdb into DIR (a new directory), start on a free loopback
#                                       port; prints the storage URL (user nastui, password in it)
#   tools/pg_test_server.sh stop DIR    stops it (fast shutdown) and removes DIR
#   tools/pg_test_server.sh restart DIR a fast restart on the same port (committed data kept)
#   tools/pg_test_server.sh down DIR    stops it, keeps DIR;  up DIR: starts it again
#   tools/pg_test_server.sh psql DIR SQL runs SQL as the superuser
# Exit 3 when PostgreSQL's binaries are missing (PG_BIN, default /usr/lib/postgresql/15/bin):
# install Debian's postgresql (make deps). initdb refuses root: as root the server runs as the
# postgres user (DIR is chowned to it). Extra server settings: PG_OPTIONS="-c fsync=off".
set -eu
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|restart|down|up|psql DIR [SQL]" >&2; exit 2; }
[ -x "$BIN/initdb" ] && [ -x "$BIN/pg_ctl" ] || { echo "PostgreSQL binaries missing in $BIN (install Debian's postgresql: make deps)" >&2; exit 3; }
# (From /: the postgres user may not enter the caller's directory, a private clone say, and
# psql then prints a warning that the tests read as a failure.)
as() {
    if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
pgctl() { as "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 "$@" >/dev/null; }
case $cmd in
start)
    mkdir "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "$port" > "$dir/port"
    echo "s3cret-pw" > "$dir/password"
    mkdir "$dir/sock"
    [ "$(id -u)" -eq 0 ] && chown -R postgres "$dir"
    as "$BIN/initdb" -D "$dir/data" -U nastui --pwfile="$dir/password" --auth-host=scram-sha-256 --auth-local=trust \
        -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >> "$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/sock'
max_connections = 60
CONF
    pgctl -o "${PG_OPTIONS:-}" start || { cat "$dir/server.log" >&2; exit 1; }
    as "$BIN/psql" -h "$dir/sock" -p "$port" -U nastui -d postgres -qAt -c "CREATE DATABASE nastui" >/dev/null
    echo "postgresql://nastui:s3cret-pw@127.0.0.1:$port/nastui"
    ;;
stop)
    [ -d "$dir/data" ] && pgctl -m fast stop || true
    rm -rf "$dir"
    ;;
restart) pgctl -m fast -o "${PG_OPTIONS:-}" restart ;;
down) pgctl -m fast stop ;;
up) pgctl -o "${PG_OPTIONS:-}" start ;;
psql) as "$BIN/psql" -h "$dir/sock" -p "$(cat "$dir/port")" -U nastui -d "${PGDATABASE:-nastui}" -qAt -c "$3" ;;
*) echo "unknown command $cmd; accepted: start stop restart down up psql" >&2; exit 2 ;;
esac
