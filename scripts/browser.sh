#!/usr/bin/env bash
# Browser test: Swagger UI in headless Chromium against the real server (tests/browser/).
#
#   scripts/browser.sh [SERVER_BINARY]        (default: debug/samhandling under cargo's target directory,
#                                              see scripts/target-dir.sh)
#
# It finds PostgreSQL with scripts/pg.sh, recreates the database samhandling_browser, migrates it
# and loads the demo data, starts the server on a free loopback port, mints an operator admin token,
# a referrer token for Stjørdal kommune and a centre coordinator token for LINK Trondheim (the
# self-help group steps switch between them through Authorize), registers an API client for
# Stjørdal (its id and secret go through Authorize's client-credentials form), and runs
# tests/browser/swagger-ui.test.mjs with node's test runner. Chromium (Debian's package)
# is installed if missing, and the pinned npm packages with `npm ci` when node_modules is missing
# or older than package-lock.json. The server is stopped and the database dropped on exit; the
# script exits with the test runner's exit code.
#
# Outputs (under target/, which is ignored by git):
#   target/browser/swagger-ui.png   full-page screenshot after "Execute" of GET /api/v1/organisations
#   target/browser/server.log       the server's log
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
LOG_NAME=browser
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

BIN=${1:-$("$ROOT/scripts/target-dir.sh")/debug/samhandling}
TEST_DIR="$ROOT/tests/browser"
OUT="$ROOT/target/browser"
SERVER_LOG="$OUT/server.log"
DB_NAME=samhandling_browser

[[ -x $BIN ]] || die "server binary '$BIN' not found or not executable (build it first)"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
for tool in python3 psql curl node npm; do
    command -v "$tool" >/dev/null || die "'$tool' is required (Debian: apt-get install nodejs npm for node and npm)"
done

# --- Chromium (Debian's package; Playwright's own browser downloads are not used) ------------
if ! command -v chromium >/dev/null; then
    log "installing chromium"
    sudo=""; [[ $(id -u) -eq 0 ]] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
CHROMIUM=$(command -v chromium)

# --- playwright-core, pinned in package-lock.json ---------------------------------------------
# npm ci writes node_modules/.package-lock.json; a lock file newer than it means a stale install.
if [[ ! -f $TEST_DIR/node_modules/.package-lock.json
      || $TEST_DIR/package-lock.json -nt $TEST_DIR/node_modules/.package-lock.json ]]; then
    log "installing the test's npm packages (npm ci)"
    (cd "$TEST_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- A fresh database with the demo data ------------------------------------------------------
cleanup_on_exit
fresh_database "$BIN"

mkdir -p "$OUT"
rm -f "$OUT/swagger-ui.png"
load_demo_data "$BIN"

# --- Server on a free loopback port ---------------------------------------------------------
serve "$BIN"

TOKEN=$(mint_token "$BIN" 15m --org "$OPERATOR_ORG" --role admin)
demo_parties
REFERRER_TOKEN=$(mint_token "$BIN" 15m --org "$MUNICIPALITY_ORG" --role referrer)
CENTRE_TOKEN=$(mint_token "$BIN" 15m --org "$CENTRE_ORG" --role centre_coordinator)
# The county governor of the demo data (county 50) and the contact of one of its municipalities.
GOVERNOR_ID=$(demo_org_id "$DEMO" "Statsforvalteren i Trøndelag")
GOVERNOR_TOKEN=$(mint_token "$BIN" 15m --org "$GOVERNOR_ID" --role governor_adviser)
CONTACT_TOKEN=$(mint_token "$BIN" 15m --org "$(demo_org_id "$DEMO" "Verdal kommune")" --role municipal_contact)
# KoRus Midt's adviser, and a professional of Trondheim kommune it trains as a facilitator.
ADVISER_TOKEN=$(mint_token "$BIN" 15m --org "$(demo_org_id "$DEMO" "KoRus Midt (Kompetansesenter rus – Midt-Norge)")" --role competence_adviser)
TRONDHEIM_ID=$(demo_org_id "$DEMO" "Trondheim kommune")
FACILITATOR_SUBJECT=browser.fasilitator@trondheim.kommune.example
FACILITATOR_TOKEN=$(mint_token "$BIN" 15m --org "$TRONDHEIM_ID" --role facilitator --sub "$FACILITATOR_SUBJECT")

# Stjørdal's case system, registered as an API client: the test signs in with its id and secret
# through Authorize's OAuth 2.0 client-credentials form, as an integrator's tester would.
CLIENT_JSON=$(curl -sf -X POST "$BASE/api/v1/api-clients" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: browser-client-$$" \
    -d "{\"organisation_id\": \"$MUNICIPALITY_ORG\", \"name\": \"Stjørdal fagsystem\", \"roles\": [\"referrer\"]}") \
    || die "could not register the API client"
CLIENT_ID=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])' <<<"$CLIENT_JSON")
CLIENT_SECRET=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["client_secret"])' <<<"$CLIENT_JSON")

# --- The test -------------------------------------------------------------------------------
log "running the Swagger UI test with $CHROMIUM"
set +e
(cd "$TEST_DIR" && SAMHANDLING_BASE_URL=$BASE SAMHANDLING_TOKEN=$TOKEN CHROMIUM=$CHROMIUM \
    SAMHANDLING_REFERRER_TOKEN=$REFERRER_TOKEN SAMHANDLING_CENTRE_TOKEN=$CENTRE_TOKEN \
    SAMHANDLING_GOVERNOR_TOKEN=$GOVERNOR_TOKEN SAMHANDLING_GOVERNOR_ID=$GOVERNOR_ID \
    SAMHANDLING_CONTACT_TOKEN=$CONTACT_TOKEN \
    SAMHANDLING_CLIENT_ID=$CLIENT_ID SAMHANDLING_CLIENT_SECRET=$CLIENT_SECRET \
    SAMHANDLING_ADVISER_TOKEN=$ADVISER_TOKEN SAMHANDLING_FACILITATOR_TOKEN=$FACILITATOR_TOKEN \
    SAMHANDLING_FACILITATOR_SUBJECT=$FACILITATOR_SUBJECT SAMHANDLING_TRONDHEIM_ID=$TRONDHEIM_ID \
    BROWSER_SCREENSHOT="$OUT/swagger-ui.png" \
    node --test --test-reporter=tap swagger-ui.test.mjs)
rc=$?
set -e
if [[ -f $OUT/swagger-ui.png ]]; then
    log "screenshot: ${OUT#"$ROOT"/}/swagger-ui.png"
fi
log "node --test exited with $rc"
exit "$rc"
