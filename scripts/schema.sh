#!/usr/bin/env bash
# Regenerates crates/persistence/src/schema.rs with `diesel print-schema` from a scratch database
# migrated by the binary, or with --check fails when the committed file differs.
#
#   scripts/schema.sh [--check] [SERVER_BINARY]   (default: debug/samhandling under cargo's target directory)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
check=""
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
bin=${1:-$(scripts/target-dir.sh)/debug/samhandling}

if ! command -v diesel >/dev/null 2>&1; then
    echo "schema.sh: installing diesel_cli (PostgreSQL only)" >&2
    cargo install diesel_cli --version 2.3.14 --no-default-features --features postgres --locked --quiet
fi

server=$(scripts/pg.sh server)
name="samhandling_schema_$$"
psql -qc "CREATE DATABASE \"$name\"" "$server/postgres" >/dev/null
trap 'psql -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" "$server/postgres" >/dev/null' EXIT
DATABASE_URL="$server/$name" RUST_LOG=warn "$bin" migrate
generated=$(mktemp)
DATABASE_URL="$server/$name" diesel print-schema --config-file diesel.toml > "$generated"
if [ -n "$check" ]; then
    if ! diff -u crates/persistence/src/schema.rs "$generated"; then
        echo "schema.sh: schema.rs differs from diesel print-schema: run make schema and commit" >&2
        exit 1
    fi
    echo "schema.sh: schema.rs matches the migrations"
else
    mv "$generated" crates/persistence/src/schema.rs
fi
