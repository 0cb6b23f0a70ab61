#!/usr/bin/env bash
# Contract lint: Spectral with the OWASP API Security ruleset over the committed contract.
#
#   scripts/lint-contract.sh [OPENAPI_DOCUMENT]   (default: openapi/openapi.json)
#
# The ruleset is tests/spectral/spectral.yaml: Spectral's own OpenAPI rules (spectral:oas) and
# @stoplight/spectral-owasp-ruleset, with every rule it switches off or narrows explained there.
# Spectral and the OWASP ruleset are pinned in tests/spectral/package-lock.json and installed with
# `npm ci` when node_modules is missing or older than the lock file (the way scripts/clients.sh
# installs openapi-typescript). Any error fails the run; warnings are printed and do not.
#
# The committed document is the served one (tests/api/openapi.rs checks), so no server is needed.
# The ruleset's overrides name ../../openapi/openapi.json (Spectral takes them relative to the
# ruleset), so another document given as OPENAPI_DOCUMENT is linted without those exceptions.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
LOG_NAME=lint-contract
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

OPENAPI=${1:-$ROOT/openapi/openapi.json}
TOOL_DIR="$ROOT/tests/spectral"

[[ -f $OPENAPI ]] || die "OpenAPI document '$OPENAPI' not found"
OPENAPI=$(cd "$(dirname "$OPENAPI")" && pwd)/$(basename "$OPENAPI")
for tool in node npm; do
    command -v "$tool" >/dev/null || die "'$tool' is required (Debian: apt-get install nodejs npm)"
done

# npm ci writes node_modules/.package-lock.json; a lock file newer than it means a stale install.
if [[ ! -f $TOOL_DIR/node_modules/.package-lock.json
      || $TOOL_DIR/package-lock.json -nt $TOOL_DIR/node_modules/.package-lock.json ]]; then
    log "installing Spectral and the OWASP ruleset (npm ci in tests/spectral)"
    (cd "$TOOL_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

owasp_version=$(node -p "require(\"$TOOL_DIR/node_modules/@stoplight/spectral-owasp-ruleset/package.json\").version")
log "linting ${OPENAPI#"$ROOT"/}: spectral $(cd "$TOOL_DIR" && npx --no-install spectral --version), @stoplight/spectral-owasp-ruleset $owasp_version"
# The ruleset extends the OWASP package by name, which Spectral resolves next to the ruleset file,
# so it lives beside tests/spectral/node_modules. --fail-severity=error: warnings are shown, not fatal.
(cd "$TOOL_DIR" && npx --no-install spectral lint --ruleset spectral.yaml --fail-severity=error "$OPENAPI")
