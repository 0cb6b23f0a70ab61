#!/usr/bin/env bash
# Clients test: the clients integrators generate from openapi/openapi.json, generated and used
# (tests/clients/).
#
#   scripts/clients.sh [SERVER_BINARY]        (default: debug/samhandling under cargo's target directory,
#                                              see scripts/target-dir.sh)
#
# Environment:
#   CLIENTS_OPENAPI   the OpenAPI document to generate from (default: openapi/openapi.json)
#
# 1. TypeScript: openapi-typescript generates target/clients/ts/schema.d.ts and
#    `tsc --strict --noEmit` type-checks tests/clients/usage.ts against it. Both are pinned in
#    tests/clients/package-lock.json, installed with `npm ci` when node_modules is missing or older
#    than the lock file.
# 2. Python: openapi-python-client generates the package target/clients/python/samhandling_client.
#    It is pinned in tests/clients/requirements.txt, installed into the virtualenv
#    target/clients/venv when that differs from what was installed last.
#    Any warning of either generator fails the run, printed in full: anything either prints besides
#    its announcement of the file or directory it generates. Both generators run before the run
#    fails, so one run shows every warning.
# 3. The server on a free loopback port against a recreated database samhandling_clients with the
#    demo data, and tests/clients/usage.py calling it through the generated Python client with
#    minted tokens. Then tests/clients/webhooks.py subscribes a receiver of its own on 127.0.0.1
#    (the server runs with WEBHOOK_ALLOW_HTTP=1, WEBHOOK_ALLOW_PRIVATE_TARGETS=1 and
#    WEBHOOK_POLL_INTERVAL=200ms for it) and verifies the deliveries with the standardwebhooks
#    package (pinned in requirements.txt), across a secret rotation. The server is stopped and the
#    database dropped on exit; the script exits with the first failure's status.
#
# Outputs (under target/, which is ignored by git):
#   target/clients/ts/, target/clients/python/   the generated clients
#   target/clients/server.log                    the server's log
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
LOG_NAME=clients
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

BIN=${1:-$("$ROOT/scripts/target-dir.sh")/debug/samhandling}
OPENAPI=${CLIENTS_OPENAPI:-$ROOT/openapi/openapi.json}
TEST_DIR="$ROOT/tests/clients"
OUT="$ROOT/target/clients"
VENV="$OUT/venv"
PACKAGE=samhandling_client
SERVER_LOG="$OUT/server.log"
DB_NAME=samhandling_clients

[[ -x $BIN ]] || die "server binary '$BIN' not found or not executable (build it first)"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
[[ -f $OPENAPI ]] || die "OpenAPI document '$OPENAPI' not found"
OPENAPI=$(cd "$(dirname "$OPENAPI")" && pwd)/$(basename "$OPENAPI")
for tool in python3 psql curl node npm; do
    command -v "$tool" >/dev/null || die "'$tool' is required (Debian: apt-get install nodejs npm for node and npm)"
done
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "python3 is $(python3 -V 2>&1 | cut -d' ' -f2); the generated client needs 3.11 or newer"
mkdir -p "$OUT"

# generator_findings OUTPUT EXPECTED: the lines of a generator's OUTPUT, without colours, that are
# neither blank nor match the extended regular expression EXPECTED (its announcement of what it
# generates). Whatever is left is a warning.
generator_findings() {
    printf '%s\n' "$1" | sed 's/\x1b\[[0-9;]*m//g' | grep -Ev -e '^[[:space:]]*$' -e "$2" || true
}

failed=0

# --- TypeScript: openapi-typescript and tsc, pinned in package-lock.json -----------------------
# npm ci writes node_modules/.package-lock.json; a lock file newer than it means a stale install.
if [[ ! -f $TEST_DIR/node_modules/.package-lock.json
      || $TEST_DIR/package-lock.json -nt $TEST_DIR/node_modules/.package-lock.json ]]; then
    log "installing the TypeScript generator and compiler (npm ci)"
    (cd "$TEST_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi
rm -rf "$OUT/ts"
mkdir -p "$OUT/ts"
log "generating TypeScript types: openapi-typescript $(cd "$TEST_DIR" && npx --no-install openapi-typescript --version)"
set +e
ts_output=$(cd "$TEST_DIR" && FORCE_COLOR=0 npx --no-install openapi-typescript "$OPENAPI" -o "$OUT/ts/schema.d.ts" 2>&1)
rc=$?
set -e
ts_findings=$(generator_findings "$ts_output" '^✨ openapi-typescript [0-9.]+$|^🚀 .* → .*schema\.d\.ts \[[0-9.]+m?s\]$')
if ((rc != 0)) || [[ -n $ts_findings || ! -s $OUT/ts/schema.d.ts ]]; then
    log "openapi-typescript exited with $rc and warned:"
    printf '%s\n' "${ts_findings:-(nothing)}" >&2
    failed=1
else
    log "type-checking tests/clients/usage.ts: tsc $(cd "$TEST_DIR" && npx --no-install tsc --version | cut -d' ' -f2) --strict --noEmit"
    (cd "$TEST_DIR" && npx --no-install tsc --project tsconfig.json --strict --noEmit) || { log "tsc failed"; failed=1; }
fi

# --- Python: openapi-python-client, pinned in requirements.txt, in a virtualenv ----------------
if [[ ! -x $VENV/bin/python ]]; then
    log "creating virtualenv ${VENV#"$ROOT"/}"
    python3 -m venv "$VENV"
fi
# The requirements last installed are kept in the virtualenv; any change reinstalls.
if ! cmp -s "$TEST_DIR/requirements.txt" "$VENV/requirements.installed.txt"; then
    log "installing the Python generator (tests/clients/requirements.txt)"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$TEST_DIR/requirements.txt"
    cp "$TEST_DIR/requirements.txt" "$VENV/requirements.installed.txt"
fi
rm -rf "$OUT/python"
mkdir -p "$OUT/python"
log "generating the Python client: openapi-python-client $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("openapi-python-client"))')"
# The generator formats its output with ruff (a dependency) as a post hook, found on PATH.
set +e
py_output=$(cd "$OUT/python" && PATH="$VENV/bin:$PATH" NO_COLOR=1 COLUMNS=120 \
    "$VENV/bin/openapi-python-client" generate --path "$OPENAPI" --meta none \
    --output-path "$OUT/python/$PACKAGE" --overwrite --fail-on-warning 2>&1)
rc=$?
set -e
py_findings=$(generator_findings "$py_output" "^Generating $OUT/python/$PACKAGE\$")
if ((rc != 0)) || [[ -n $py_findings || ! -f $OUT/python/$PACKAGE/__init__.py ]]; then
    log "openapi-python-client exited with $rc and warned:"
    printf '%s\n' "${py_findings:-(nothing)}" >&2
    failed=1
fi

((failed == 0)) || die "the generated clients are incomplete or do not type-check; see above"
log "both clients generated without a warning; TypeScript type-checks"

# --- A fresh database with the demo data ------------------------------------------------------
cleanup_on_exit
fresh_database "$BIN"

load_demo_data "$BIN"

# --- Server on a free loopback port ---------------------------------------------------------
# Webhooks to a receiver on 127.0.0.1 over http, looked for every 200 ms (webhooks.py).
serve "$BIN" WEBHOOK_ALLOW_HTTP=1 WEBHOOK_ALLOW_PRIVATE_TARGETS=1 WEBHOOK_POLL_INTERVAL=200ms

demo_parties
ADMIN_TOKEN=$(mint_token "$BIN" 15m --org "$OPERATOR_ORG" --role admin)
REFERRER_TOKEN=$(mint_token "$BIN" 15m --org "$MUNICIPALITY_ORG" --role referrer)
CENTRE_TOKEN=$(mint_token "$BIN" 15m --org "$CENTRE_ORG" --role centre_coordinator)

# --- The generated Python client against the server -------------------------------------------
log "calling the server through the generated Python client (tests/clients/usage.py)"
set +e
PYTHONPATH="$OUT/python" SAMHANDLING_BASE_URL=$BASE SAMHANDLING_ADMIN_TOKEN=$ADMIN_TOKEN \
    SAMHANDLING_REFERRER_TOKEN=$REFERRER_TOKEN SAMHANDLING_CENTRE_TOKEN=$CENTRE_TOKEN \
    "$VENV/bin/python" "$TEST_DIR/usage.py"
rc=$?
set -e
log "usage.py exited with $rc"

log "receiving webhooks as an integrator: standardwebhooks $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("standardwebhooks"))') (tests/clients/webhooks.py)"
set +e
PYTHONPATH="$OUT/python" SAMHANDLING_BASE_URL=$BASE SAMHANDLING_REFERRER_TOKEN=$REFERRER_TOKEN \
    SAMHANDLING_CENTRE_TOKEN=$CENTRE_TOKEN SAMHANDLING_CENTRE_ID=$CENTRE_ORG \
    "$VENV/bin/python" "$TEST_DIR/webhooks.py"
webhooks_rc=$?
set -e
log "webhooks.py exited with $webhooks_rc"
((rc != 0)) || rc=$webhooks_rc
exit "$rc"
