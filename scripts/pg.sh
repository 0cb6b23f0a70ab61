#!/usr/bin/env bash
# Finds or starts a PostgreSQL server for development and tests, and prints its base URL
# (postgres://user@host:port, no database) on stdout. Messages go to stderr.
#
#   scripts/pg.sh server          the base URL of a server that answers
#   scripts/pg.sh database NAME   creates database NAME if missing and prints its URL
#
# Order: DATABASE_URL's server if set; else the server on 127.0.0.1:5432 if one answers; else a
# project-local cluster under .local/postgres, created with the system's initdb/pg_ctl.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
local_dir="$root/.local/postgres"
local_port=${SAMHANDLING_LOCAL_PG_PORT:-54329}
say() { printf 'pg.sh: %s\n' "$*" >&2; }

pg_bin() {
    if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$found" ] && echo "$found"
}

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start_local_cluster() {
    local initdb pg_ctl
    initdb=$(pg_bin initdb || true)
    pg_ctl=$(pg_bin pg_ctl || true)
    if [ -z "$initdb" ] || [ -z "$pg_ctl" ]; then
        say "no PostgreSQL server answers and PostgreSQL is not installed."
        say "Install it (Debian/Ubuntu: sudo apt-get install postgresql) or set DATABASE_URL."
        exit 1
    fi
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        say "initdb refuses to run as root and there is no 'postgres' user: create one or set DATABASE_URL."
        exit 1
    fi
    mkdir -p "$local_dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$local_dir"
    if [ ! -f "$local_dir/data/PG_VERSION" ]; then
        say "creating a project-local PostgreSQL cluster in $local_dir/data"
        as_postgres "$initdb" -D "$local_dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_postgres "$pg_ctl" -D "$local_dir/data" status >/dev/null 2>&1; then
        say "starting the project-local cluster on 127.0.0.1:$local_port"
        as_postgres "$pg_ctl" -D "$local_dir/data" -l "$local_dir/server.log" -w \
            -o "-p $local_port -k $local_dir -c listen_addresses=127.0.0.1" start >/dev/null
    fi
}

answers() { pg_isready -q -d "$1" >/dev/null 2>&1 || psql -Atqc 'SELECT 1' "$1" >/dev/null 2>&1; }

server_url() {
    if [ -n "${DATABASE_URL:-}" ]; then
        echo "${DATABASE_URL%/*}"
        return
    fi
    local user=${PGUSER:-postgres}
    if answers "postgres://$user@127.0.0.1:5432/postgres"; then
        echo "postgres://$user@127.0.0.1:5432"
        return
    fi
    start_local_cluster
    echo "postgres://postgres@127.0.0.1:$local_port"
}

case "${1:-server}" in
    server)
        server_url
        ;;
    database)
        name=${2:?usage: scripts/pg.sh database NAME}
        if [ -n "${DATABASE_URL:-}" ]; then
            echo "$DATABASE_URL"
            exit 0
        fi
        base=$(server_url)
        if [ "$(psql -Atqc "SELECT 1 FROM pg_database WHERE datname = '$name'" "$base/postgres")" != "1" ]; then
            say "creating database $name"
            psql -qc "CREATE DATABASE \"$name\"" "$base/postgres" >/dev/null
        fi
        echo "$base/$name"
        ;;
    *)
        say "usage: scripts/pg.sh server | database NAME"
        exit 2
        ;;
esac
