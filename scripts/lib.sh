# shellcheck shell=bash
# Pieces shared by scripts/contract.sh, scripts/browser.sh and scripts/clients.sh, which all run the
# server on a free loopback port against a throw-away database. Sourced, not run. The caller sets
# ROOT (the repository) and LOG_NAME (the prefix of its messages) before sourcing it.

log() { printf '%s: %s\n' "$LOG_NAME" "$*" >&2; }
die() { log "error: $*"; exit 2; }

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A random token secret of 48 bytes (64 characters), well over the server's 32-byte minimum.
random_secret() {
    python3 -c 'import secrets; print(secrets.token_urlsafe(48))'
}

# demo_org_id DEMO NAME: the id of organisation NAME in the output of `samhandling demo-data`
# (one "id<TAB>kind<TAB>name" line per organisation); empty if it is not there.
demo_org_id() {
    printf '%s\n' "$1" | awk -F'\t' -v name="$2" '$3 == name { print $1 }'
}

# wait_ready BASE PID LOG: waits until BASE/health/ready answers 200, 60 s at most. Dies with the
# end of the server's LOG if the process PID exits first or the time runs out.
wait_ready() {
    local base=$1 pid=$2 server_log=$3 ready=""
    for _ in $(seq 120); do  # 60 s at most
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$server_log" >&2; die "server exited before becoming ready"; }
        if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/health/ready" || true) == 200 ]]; then
            ready=1
            break
        fi
        sleep 0.5
    done
    [[ -n $ready ]] || { tail -n 20 "$server_log" >&2; die "server not ready at $base/health/ready after 60 s"; }
    log "server ready"
}

# stop_server PID LOG: SIGTERM, up to 10 s for a graceful stop, then SIGKILL. PID must be a child
# of the calling shell. If the server had already exited, says how, as that is a finding in itself.
stop_server() {
    local pid=$1 server_log=$2
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    else
        local status=0
        wait "$pid" 2>/dev/null || status=$?
        log "warning: the server had already exited with status $status$( ((status > 128)) && echo " (signal $((status - 128)))"); see ${server_log#"$ROOT"/}"
    fi
}

# drop_database ADMIN_URL NAME: drops database NAME (disconnecting its sessions); warns on failure.
drop_database() {
    psql "$1" -q -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS \"$2\" WITH (FORCE)" >/dev/null 2>&1 \
        || log "warning: could not drop database $2"
}

# cleanup_on_exit: from now on, however the script ends (exit, INT, TERM), stop the server
# SERVER_PID (its log SERVER_LOG) once it is set and drop DB_NAME at PG_ADMIN_URL once DB_CREATED
# is set, keeping the script's exit status.
cleanup_on_exit() {
    SERVER_PID=""
    DB_CREATED=""
    trap _cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

_cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [[ -n $SERVER_PID ]] && stop_server "$SERVER_PID" "$SERVER_LOG"
    [[ -n $DB_CREATED ]] && drop_database "$PG_ADMIN_URL" "$DB_NAME"
    exit "$rc"
}

# load_demo_data BIN: loads the demo organisations into DATABASE_URL. Sets DEMO (its listing) and
# OPERATOR_ORG (the operator organisation, which admin tokens act for).
load_demo_data() {
    local bin=$1
    DEMO=$(DATABASE_URL=$DATABASE_URL RUST_LOG=warn "$bin" demo-data) || die "'$bin demo-data' failed"
    OPERATOR_ORG=$(demo_org_id "$DEMO" "Samhandling forvaltning")
    [[ -n $OPERATOR_ORG ]] || die "'$bin demo-data' printed no Samhandling forvaltning"
    log "demo data loaded: $(printf '%s\n' "$DEMO" | wc -l) organisations, operator $OPERATOR_ORG"
}

# serve BIN [NAME=VALUE ...]: starts BIN on a free loopback port against DATABASE_URL with a fresh
# token secret and the extra environment given, its log in SERVER_LOG, and waits until it is
# ready. Sets PORT, JWT_SECRET, BASE and SERVER_PID.
serve() {
    local bin=$1
    shift
    PORT=$(free_port)
    JWT_SECRET=$(random_secret)
    BASE="http://127.0.0.1:$PORT"
    env DATABASE_URL="$DATABASE_URL" BIND_ADDR="127.0.0.1:$PORT" JWT_SECRET="$JWT_SECRET" \
        RUST_LOG=warn "$@" "$bin" serve >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    log "server pid $SERVER_PID on $BASE (log: ${SERVER_LOG#"$ROOT"/})"
    wait_ready "$BASE" "$SERVER_PID" "$SERVER_LOG"
}

# fresh_database BIN: recreates DB_NAME on the server scripts/pg.sh finds, migrated by BIN, and has
# cleanup_on_exit drop it. Sets PG_ADMIN_URL and DATABASE_URL.
fresh_database() {
    local bin=$1 server
    server=$("$ROOT/scripts/pg.sh" server)
    PG_ADMIN_URL="$server/postgres"
    DATABASE_URL="$server/$DB_NAME"
    psql "$PG_ADMIN_URL" -q -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" \
        -c "CREATE DATABASE \"$DB_NAME\"" >/dev/null 2>&1 \
        || die "could not recreate database $DB_NAME via $PG_ADMIN_URL"
    DB_CREATED=1
    log "database $DB_NAME created"
    DATABASE_URL=$DATABASE_URL RUST_LOG=warn "$bin" migrate || die "'$bin migrate' failed"
}

# demo_parties: the demo organisations the scripts act for, from DEMO (see load_demo_data): sets
# CENTRE_ORG (LINK Trondheim) and MUNICIPALITY_ORG (Stjørdal kommune).
demo_parties() {
    CENTRE_ORG=$(demo_org_id "$DEMO" "LINK Trondheim")
    MUNICIPALITY_ORG=$(demo_org_id "$DEMO" "Stjørdal kommune")
    [[ -n $CENTRE_ORG && -n $MUNICIPALITY_ORG ]] \
        || die "'samhandling demo-data' printed no LINK Trondheim or Stjørdal kommune"
}

# mint_token BIN TTL ARGS...: a token from BIN's `token` command, signed with JWT_SECRET.
mint_token() {
    local bin=$1 ttl=$2
    shift 2
    JWT_SECRET=$JWT_SECRET "$bin" token --ttl "$ttl" "$@" || die "could not mint a token"
}
