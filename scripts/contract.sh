#!/usr/bin/env bash
# Contract test: fuzz the running API against its own OpenAPI document with Schemathesis.
#
#   scripts/contract.sh [SERVER_BINARY]        (default: debug/samhandling under cargo's target directory,
#                                              see scripts/target-dir.sh)
#
# Environment:
#   PG_ADMIN_URL          PostgreSQL URL with rights to create/drop databases
#                         (default: postgres://postgres@127.0.0.1:5432/postgres)
#   CONTRACT_MAX_EXAMPLES test cases per operation and phase (default: 100)
#   CONTRACT_WORKERS      concurrent Schemathesis workers (default: 1; hypothesis is not thread-safe everywhere)
#   CONTRACT_SEED         fix the random seed to replay a run (default: random)
#
# It creates a throw-away database, loads the demo data, starts the server on a free
# loopback port, mints an operator admin token, registers API clients for the parties that are
# systems and gets their tokens through the contract's oauth2 scheme (client credentials at the
# token endpoint), and runs every Schemathesis check against /api-docs/openapi.json. The server and the database are removed on exit, and the script
# exits with Schemathesis's exit code. Everything talks to 127.0.0.1 only.
#
# Outputs (all under target/, which is ignored by git):
#   target/contract-server.log   the server's log
#   target/schemathesis/         junit.xml, requests.har (secrets masked), the example database
#                                and cache/ (Schemathesis's own cache and recorded crashes, set in
#                                tests/contract/schemathesis.toml rather than .schemathesis/),
#                                which replay earlier failures first on the next run
set -Eeuo pipefail

readonly SCHEMATHESIS_VERSION=4.32.5

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
LOG_NAME=contract
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

BIN=${1:-$("$ROOT/scripts/target-dir.sh")/debug/samhandling}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
MAX_EXAMPLES=${CONTRACT_MAX_EXAMPLES:-100}
WORKERS=${CONTRACT_WORKERS:-1}
VENV="$ROOT/.venv"
OUT="$ROOT/target/schemathesis"
SERVER_LOG="$ROOT/target/contract-server.log"

[[ -x $BIN ]] || die "server binary '$BIN' not found or not executable (build it first)"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
for tool in python3 psql curl; do
    command -v "$tool" >/dev/null || die "'$tool' is required"
done

# --- Schemathesis, pinned, in a project-local virtualenv -------------------------------
installed_version() {
    "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null || true
}
if [[ ! -x $VENV/bin/python ]]; then
    log "creating virtualenv $VENV"
    python3 -m venv "$VENV"
fi
if [[ $(installed_version) != "$SCHEMATHESIS_VERSION" ]]; then
    log "installing schemathesis==$SCHEMATHESIS_VERSION"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
[[ $(installed_version) == "$SCHEMATHESIS_VERSION" ]] || die "schemathesis $SCHEMATHESIS_VERSION is not installed in $VENV"

# --- Database URLs: the admin URL's server, a fresh database name -----------------------
DB_NAME="samhandling_contract_$$"
DATABASE_URL=$(python3 - "$PG_ADMIN_URL" "$DB_NAME" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit
url, name = sys.argv[1], sys.argv[2]
parts = urlsplit(url)
if parts.scheme not in ("postgres", "postgresql"):
    sys.exit(f"PG_ADMIN_URL must be a postgres:// URL, got scheme {parts.scheme!r}")
if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
    sys.exit(f"PG_ADMIN_URL must point at the loopback interface, got host {parts.hostname!r}")
print(urlunsplit(parts._replace(path="/" + name)))
PY
) || die "bad PG_ADMIN_URL"

cleanup_on_exit

psql "$PG_ADMIN_URL" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$DB_NAME\"" >/dev/null \
    || die "could not create database $DB_NAME via $PG_ADMIN_URL"
DB_CREATED=1
log "database $DB_NAME created"

# --- Demo data ------------------------------------------------------------------------------
mkdir -p "$ROOT/target" "$OUT"
load_demo_data "$BIN"

# --- Server on a free loopback port ---------------------------------------------------------
# Schemathesis self-registers far more often than a person could.
serve "$BIN" SELF_REGISTRATION_RATE_LIMIT=100000 TOKEN_TTL=2h

# Each operation is called by the party it is for (tests/contract/schemathesis.toml picks the
# token): an administrator of the operator, a referrer of a municipality, a coordinator of the
# demo centre that created referrals are addressed to (so they can be read, moved and erased). A
# token may hold only roles its organisation's kind can hold, so no one token can do everything.
demo_parties
export CONTRACT_CENTRE_ID=$CENTRE_ORG CONTRACT_BASE_URL=$BASE
TOKEN=$(mint_token "$BIN" 2h --org "$OPERATOR_ORG" --role admin)
# register_client ORG NAME ROLE: registers an API client as the administrator; prints its JSON.
register_client() {
    curl -sf -X POST "$BASE/api/v1/api-clients" -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' \
        -d "{\"organisation_id\": \"$1\", \"name\": \"$2\", \"roles\": [\"$3\"]}" \
        || die "could not register the API client $2"
}
field_of() { python3 -c "import json, sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
# client_token ORG NAME ROLE: the token of a newly registered API client, obtained as the
# contract's oauth2 security scheme says (client credentials at its tokenUrl), as an integrator's
# system would; the parties below that are systems get their tokens this way.
# Their ids are kept (in PARTY_CLIENTS, a file, since the function runs in a subshell) so that the
# hooks can spare them from revocation.
PARTY_CLIENTS="$OUT/party-clients"
: >"$PARTY_CLIENTS"
client_token() {
    local client id secret
    client=$(register_client "$1" "$2" "$3")
    id=$(field_of id <<<"$client")
    secret=$(field_of client_secret <<<"$client")
    echo "$id" >>"$PARTY_CLIENTS"
    curl -sf -u "$id:$secret" -d grant_type=client_credentials -d "scope=$3" "$BASE/api/v1/oauth/token" \
        | field_of access_token || die "the token endpoint refused the API client $2"
}
CONTRACT_REFERRER_TOKEN=$(client_token "$MUNICIPALITY_ORG" "Stjørdal fagsystem" referrer)
CONTRACT_CENTRE_TOKEN=$(mint_token "$BIN" 2h --org "$CENTRE_ORG" --role centre_coordinator)
# The county governor of the demo data (county 50) and the contact of one of its municipalities,
# for the dialogue meetings; the hooks name those municipalities in positive cases.
GOVERNOR_ORG=$(demo_org_id "$DEMO" "Statsforvalteren i Trøndelag")
LEVANGER_ORG=$(demo_org_id "$DEMO" "Levanger kommune")
VERDAL_ORG=$(demo_org_id "$DEMO" "Verdal kommune")
[[ -n $GOVERNOR_ORG && -n $LEVANGER_ORG && -n $VERDAL_ORG ]] \
    || die "'samhandling demo-data' printed no Statsforvalteren i Trøndelag, Levanger or Verdal"
CONTRACT_GOVERNOR_TOKEN=$(client_token "$GOVERNOR_ORG" "Statsforvalterens saksbehandlingssystem" governor_adviser)
CONTRACT_MUNICIPAL_CONTACT_TOKEN=$(client_token "$LEVANGER_ORG" "Levanger kommunes sak" municipal_contact)
export CONTRACT_ADMIN_TOKEN=$TOKEN CONTRACT_REFERRER_TOKEN CONTRACT_CENTRE_TOKEN \
    CONTRACT_GOVERNOR_TOKEN CONTRACT_MUNICIPAL_CONTACT_TOKEN
export CONTRACT_DIALOGUE_MUNICIPALITIES="$LEVANGER_ORG,$VERDAL_ORG"
# KoRus Midt's adviser runs courses, supervision and a learning network (with Levanger as member);
# a professional of Trondheim kommune, trained on the hooks' course, logs network meetings.
KORUS_ORG=$(demo_org_id "$DEMO" "KoRus Midt (Kompetansesenter rus – Midt-Norge)")
TRONDHEIM_ORG=$(demo_org_id "$DEMO" "Trondheim kommune")
[[ -n $KORUS_ORG && -n $TRONDHEIM_ORG ]] || die "'samhandling demo-data' printed no KoRus Midt or Trondheim kommune"
CONTRACT_FACILITATOR_SUBJECT=contract.facilitator@trondheim.kommune.example
CONTRACT_ADVISER_TOKEN=$(client_token "$KORUS_ORG" "KoRus Midt kurssystem" competence_adviser)
CONTRACT_FACILITATOR_TOKEN=$(mint_token "$BIN" 2h --org "$TRONDHEIM_ORG" --role facilitator --sub "$CONTRACT_FACILITATOR_SUBJECT")
export CONTRACT_ADVISER_TOKEN CONTRACT_FACILITATOR_TOKEN CONTRACT_FACILITATOR_SUBJECT \
    CONTRACT_FACILITATOR_EMPLOYER=$TRONDHEIM_ORG
# A registered API client, so that positive token requests can succeed (the hooks send its
# credentials).
client=$(register_client "$MUNICIPALITY_ORG" "Contract client" referrer)
CONTRACT_CLIENT_ID=$(field_of id <<<"$client")
CONTRACT_CLIENT_SECRET=$(field_of client_secret <<<"$client")
export CONTRACT_CLIENT_ID CONTRACT_CLIENT_SECRET
# A client that reads the centre's personal data, so pending its approval: positive approval
# cases name it (an invented id is rightly 404).
CONTRACT_PENDING_CLIENT_ID=$(register_client "$CENTRE_ORG" "Contract intake system" centre_coordinator | field_of id)
export CONTRACT_PENDING_CLIENT_ID
# The party clients are spared from revocation, which goes to this one instead (see the hooks).
CONTRACT_REVOCABLE_CLIENT_ID=$(register_client "$MUNICIPALITY_ORG" "Contract client to revoke" referrer | field_of id)
CONTRACT_PARTY_CLIENT_IDS=$(paste -sd, "$PARTY_CLIENTS")
export CONTRACT_REVOCABLE_CLIENT_ID CONTRACT_PARTY_CLIENT_IDS

# --- Schemathesis ----------------------------------------------------------------------------
# Every check (`--checks all`), positive and negative data, all phases (examples, coverage,
# fuzzing, stateful). tests/contract/schemathesis.toml names the few statuses that RFCs make
# correct for one operation, and the hooks give positive cases the server-issued values (cursors,
# fresh idempotency keys) no schema can describe; each says why. `--continue-on-failure` keeps
# testing an operation after its first failure, so one failure cannot hide another.
st_global=(--config-file "$ROOT/tests/contract/schemathesis.toml")
st_args=(
    run "$BASE/api-docs/openapi.json"
    --checks all
    --mode all
    --max-examples "$MAX_EXAMPLES"
    --workers "$WORKERS"
    --header "Authorization: Bearer $TOKEN"
    --continue-on-failure
    --request-timeout 10
    --generation-database "$OUT/examples"
    --report junit,har
    --report-junit-path "$OUT/junit.xml"
    --report-har-path "$OUT/requests.har"
    --no-color
)
[[ -n ${CONTRACT_SEED:-} ]] && st_args+=(--seed "$CONTRACT_SEED")

log "running schemathesis $SCHEMATHESIS_VERSION: ${st_args[*]/#Authorization: Bearer */Authorization: Bearer ***}"
set +e
# Hypothesis, under Schemathesis, keeps its own files (charmaps, constants) in .hypothesis/ of the
# working directory unless told otherwise; they go under target/ with the rest.
HYPOTHESIS_STORAGE_DIRECTORY="$OUT/hypothesis" "$VENV/bin/schemathesis" "${st_global[@]}" "${st_args[@]}" \
    2>&1 | tee "$OUT/output.txt"
rc=${PIPESTATUS[0]}
set -e
# Schemathesis passes a run in which the token opened nothing, with only a warning: an operation
# that answered nothing but 401/403 was never really tested, so that fails the contract here.
if grep -q "Authentication failed" "$OUT/output.txt"; then
    log "some operations answered only 401/403: their token is wrong, so they were not tested"
    rc=1
fi
log "schemathesis exited with $rc (reports in ${OUT#"$ROOT"/})"
exit "$rc"
