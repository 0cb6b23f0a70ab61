#!/usr/bin/env bash
# `make run`: a working database, the demo organisations, a development secret, then the server.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bin=${1:-$(scripts/target-dir.sh)/debug/samhandling}
[ -x "$bin" ] || { echo "run.sh: server binary '$bin' not found or not executable (build it first: make build)" >&2; exit 1; }

DATABASE_URL=$(scripts/pg.sh database samhandling)
export DATABASE_URL

# A development secret, generated once and kept under the ignored .local/ folder.
mkdir -p .local
if [ -z "${JWT_SECRET:-}" ]; then
    if [ ! -s .local/jwt-secret ]; then
        head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > .local/jwt-secret
        chmod 600 .local/jwt-secret
    fi
    JWT_SECRET=$(cat .local/jwt-secret)
    export JWT_SECRET
fi

operator=$("$bin" demo-data | awk -F '\t' 'NR == 1 { print $1 }')
bind=${BIND_ADDR:-127.0.0.1:8080}

cat <<MSG

  Samhandling is starting on http://$bind
  Swagger UI:   http://$bind/swagger-ui/
  Admin token:  JWT_SECRET=\$(cat .local/jwt-secret) $bin token --org $operator --role admin
  (the demo organisations and their ids: $bin demo-data, with DATABASE_URL=$DATABASE_URL)

MSG
exec "$bin" serve
