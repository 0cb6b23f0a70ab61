# Samhandling: the two commands a newcomer needs are `make run` and `make test`.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
# The server binary, under cargo's target directory (CARGO_TARGET_DIR, build.target-dir, else target/),
# asked of cargo when a target needs it. Logs, reports and screenshots stay in the repository's target/.
TARGET_DIR = $(or $(shell CARGO='$(CARGO)' scripts/target-dir.sh),$(error cannot find cargo's target directory))
BIN = $(TARGET_DIR)/debug/samhandling

.PHONY: build run test lint fmt openapi lint-contract schema schema-check contract browser clients chaos bench clean-db

build:
	$(CARGO) build --bin samhandling

## Build, bring up a database (DATABASE_URL, else 127.0.0.1:5432, else a project-local cluster),
## load the demo organisations and serve on 127.0.0.1:8080 with Swagger UI.
run: build
	scripts/run.sh "$(BIN)"

## Every test, against a real PostgreSQL; each test gets its own database.
test:
	@server=$$(scripts/pg.sh server); \
	export TEST_DATABASE_URL="$${TEST_DATABASE_URL:-$$server/postgres}"; \
	if $(CARGO) nextest --version >/dev/null 2>&1; then \
		$(CARGO) nextest run --workspace --no-fail-fast; \
	else \
		$(CARGO) test --workspace --no-fail-fast; \
	fi

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## Rewrite the committed contract from the code.
openapi: build
	"$(BIN)" openapi > openapi/openapi.json

## Spectral with the OWASP API Security ruleset over the committed contract, failing on any error;
## the ruleset (tests/spectral/spectral.yaml) gives the reason for every rule it switches off.
## Spectral is pinned in tests/spectral/package-lock.json and installed with npm ci when that changes.
lint-contract:
	scripts/lint-contract.sh

## Regenerate crates/persistence/src/schema.rs with `diesel print-schema`; schema-check compares.
schema: build
	scripts/schema.sh "$(BIN)"

schema-check: build
	scripts/schema.sh --check "$(BIN)"

## Schemathesis against the served spec, on a fresh database.
contract: build
	@server=$$(scripts/pg.sh server); PG_ADMIN_URL="$$server/postgres" scripts/contract.sh "$(BIN)"

## Swagger UI in headless Chromium against the server on a fresh database; screenshot in target/browser/.
browser: build
	scripts/browser.sh "$(BIN)"

## Clients generated from openapi/openapi.json, failing on any generator warning: TypeScript types
## (openapi-typescript) type-checked with tsc --strict, and a Python client (openapi-python-client)
## that calls the server on a fresh database. Generated code in target/clients/.
clients: build
	scripts/clients.sh "$(BIN)"

## Faults under load, on a PostgreSQL cluster of its own: PostgreSQL restarted, the server killed
## with SIGKILL, two instances on one database, hanging webhook receivers and a token flood. Every
## invariant is checked, every delivery verified with the standardwebhooks package (pinned in
## scripts/chaos/requirements.txt, installed into the virtualenv target/chaos/venv when it changes);
## logs in target/chaos/.
CHAOS_VENV = target/chaos/venv
chaos: build
	@[ -x $(CHAOS_VENV)/bin/python ] || python3 -m venv $(CHAOS_VENV)
	@cmp -s scripts/chaos/requirements.txt $(CHAOS_VENV)/requirements.installed.txt || { \
		echo "chaos: installing scripts/chaos/requirements.txt into $(CHAOS_VENV)"; \
		$(CHAOS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r scripts/chaos/requirements.txt && \
		cp scripts/chaos/requirements.txt $(CHAOS_VENV)/requirements.installed.txt; }
	$(CHAOS_VENV)/bin/python scripts/chaos/run.py "$(BIN)"

## The API against the database's own limit (wrk vs pgbench) and webhook delivery; the report lands in
## target/bench/. BENCH_ONLY picks groups, comma-separated: wrk (referrals), groups (suggested groups
## and statistics over 5,000 groups and 200,000 places), webhooks (no wrk, no long seeding),
## coordination (the county overview over a county of 40 municipalities and ten years).
bench:
	@[ "$(BENCH_ONLY)" = webhooks ] || command -v wrk >/dev/null || { [ "$$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null; } || \
		{ echo "make bench needs wrk: apt-get install wrk"; exit 1; }
	$(CARGO) build --release --bin samhandling
	python3 scripts/bench/run.py "$(TARGET_DIR)/release/samhandling"

## Drop test databases left behind by interrupted test runs.
clean-db:
	@server=$$(scripts/pg.sh server); \
	for db in $$(psql -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'samhandling_test_%' OR datname LIKE 'samhandling_template_%'" "$$server/postgres"); do \
		psql -qc "DROP DATABASE IF EXISTS \"$$db\" WITH (FORCE)" "$$server/postgres"; \
	done
