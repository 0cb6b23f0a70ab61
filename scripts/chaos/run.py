#!/usr/bin/env python3
"""`make chaos`: the referral pattern under faults, with its invariants checked in the database and
at a webhook receiver. Every scenario runs on 127.0.0.1 only, against a PostgreSQL cluster of its
own (created under target/chaos/ with the system's initdb, so it can be stopped and started
without touching any other server), is bounded in time and traffic, and stops by itself.

  database restart   clients create referrals with Idempotency-Keys and retry every failure while
                     PostgreSQL stops and starts again: the API answers 503 problem+json within its
                     checkout timeout, /health/ready says not ready, service returns within
                     seconds, and every acknowledged create exists exactly once.
  server SIGKILL     the same load plus status changes with a subscribed receiver; the server is
                     killed with SIGKILL and started again: nothing acknowledged is lost, the
                     outbox delivers everything pending, and a delivery the receiver acknowledged
                     is repeated only if the kill fell between its acknowledgement and its record.
  two instances      two servers on one database: the same create sent to both at once gives one
                     referral and one id; every webhook delivery reaches the receiver once.

Prints one line per check and a closing `N passed, N failed`; exits non-zero on any failure.
"""

import hashlib
import hmac
import pathlib
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from harness import ROOT, LocalCluster, Server, psql, request  # noqa: E402

OUT = ROOT / "target" / "chaos"
# How long a client waits for any answer before it gives up on the attempt and retries.
CLIENT_TIMEOUT = 10.0
# The server's DB_CHECKOUT_TIMEOUT: the longest a request may wait for a database connection.
CHECKOUT_TIMEOUT = 2.0
SERVER_ENV = {
    "DB_CHECKOUT_TIMEOUT": f"{CHECKOUT_TIMEOUT:g}s",
    "WEBHOOK_ALLOW_HTTP": "1",
    "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
    "WEBHOOK_POLL_INTERVAL": "200ms",
    "WEBHOOK_TIMEOUT": "2s",
    "RETENTION_SWEEP_INTERVAL": "24h",
}
CREATORS = 4
# Every instance signs and checks tokens with the same secret, as instances behind one balancer do.
SECRET = "chaos-secret-that-is-more-than-32-bytes-long"


def log(message):
    print(f"chaos: {message}", file=sys.stderr, flush=True)


class Checks:
    """The invariants of all scenarios, each reported on a line of its own."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, scenario, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        suffix = f" ({detail})" if detail else ""
        print(f"{'PASS' if ok else 'FAIL'} {scenario}: {name}{suffix}", flush=True)


class Receiver:
    """A webhook receiver on 127.0.0.1 that acknowledges every delivery and remembers it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.deliveries = []  # (delivery id, signature valid)
        self.secret = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                valid = receiver.verify(self.headers.get("Samhandling-Signature", ""), body)
                with receiver.lock:
                    receiver.deliveries.append((self.headers.get("Samhandling-Delivery"), valid))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/samhandling"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verify(self, header, body):
        fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
        if self.secret is None or "t" not in fields or "v1" not in fields:
            return False
        expected = hmac.new(self.secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, fields["v1"])

    def received(self):
        with self.lock:
            return list(self.deliveries)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Attempt:
    """One request as the client saw it."""

    def __init__(self, started, seconds, status=None, content_type="", retry_after=None, error=None):
        self.started = started
        self.seconds = seconds
        self.status = status
        self.content_type = content_type
        self.retry_after = retry_after
        self.error = error


class Ledger:
    """What the clients were told: acknowledged creates and moves, and every attempt."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged = {}  # Idempotency-Key -> referral id
        self.acknowledged_at = []  # monotonic times of acknowledgements
        self.moved = set()  # referral ids acknowledged as moved to `received`
        self.attempts = []
        self.conflicting_ids = []  # keys answered with two different ids

    def record(self, attempt):
        with self.lock:
            self.attempts.append(attempt)

    def acknowledge(self, key, referral_id):
        with self.lock:
            known = self.acknowledged.setdefault(key, referral_id)
            if known != referral_id:
                self.conflicting_ids.append(key)
            self.acknowledged_at.append(time.monotonic())

    def ids(self):
        with self.lock:
            return list(self.acknowledged.values())


def attempt(ledger, method, url, token, body=None, key=None):
    """Sends one request and records it; returns the reply, or None when it failed in transport."""
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    started = time.monotonic()
    try:
        reply = request(method, url, headers=headers, body=body, timeout=CLIENT_TIMEOUT)
    except OSError as error:
        ledger.record(Attempt(started, time.monotonic() - started, error=type(error).__name__))
        return None
    ledger.record(Attempt(started, reply.seconds, reply.status, reply.headers.get("content-type", ""), reply.headers.get("retry-after")))
    return reply


def referral_body(centre, key):
    # The key goes into `wishes`, which no unique constraint covers: a duplicate would be stored.
    return {
        "target_centre_id": centre,
        "offer": "self_help_group",
        "person": {"given_name": "Kari", "family_name": "Nordmann", "phone": "+4791234567", "preferred_language": "nb"},
        "target_groups": ["work_assessment_allowance"],
        "preferred_format": "digital",
        "wishes": f"chaos {key}",
        "consent": {"contact": True, "feedback_to_referrer": True, "obtained_via": "in_person", "obtained_at": "2026-11-20T10:15:00Z"},
    }


class Workload:
    """Creators that refer people and retry every failure with the same key and body, and a mover
    that has the centre receive what was referred (each move a webhook event for the referrer).
    `stop` ends the starting of new work; work begun is retried until `deadline`."""

    def __init__(self, name, bases, world, ledger, creators=CREATORS, racing=False):
        self.name = name
        self.bases = bases
        self.world = world
        self.ledger = ledger
        self.racing = racing
        self.stop = threading.Event()
        self.deadline = None
        self.threads = [threading.Thread(target=self.create_loop, args=(n,)) for n in range(creators)]
        self.threads.append(threading.Thread(target=self.move_loop))

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def finish(self, within=45.0):
        self.deadline = time.monotonic() + within
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def retrying(self):
        return self.deadline is None or time.monotonic() < self.deadline

    def create_until_acknowledged(self, key, base_index):
        body = referral_body(self.world["centre"], key)
        tries = 0
        while self.retrying():
            base = self.bases[(base_index + tries) % len(self.bases)]
            reply = attempt(self.ledger, "POST", f"{base}/api/v1/referrals", self.world["referrer_token"], body, key)
            if reply is not None and reply.status == 201:
                self.ledger.acknowledge(key, reply.json()["id"])
                return
            tries += 1
            time.sleep(0.1)

    def create_loop(self, number):
        sequence = 0
        while not self.stop.is_set():
            key = f"{self.name}-{number}-{sequence}"
            if self.racing:
                # The same request to every instance at once, as a client whose first attempt
                # timed out might retry against another instance while the first still works.
                racers = [threading.Thread(target=self.create_until_acknowledged, args=(key, i)) for i in range(len(self.bases))]
                for racer in racers:
                    racer.start()
                for racer in racers:
                    racer.join()
            else:
                self.create_until_acknowledged(key, number)
            sequence += 1

    def move_until_acknowledged(self, referral_id):
        tries = 0
        while self.retrying():
            base = self.bases[tries % len(self.bases)]
            url = f"{base}/api/v1/referrals/{referral_id}"
            reply = attempt(self.ledger, "POST", f"{url}/transitions", self.world["centre_token"], {"to": "received"})
            if reply is not None and reply.status == 200:
                break
            if reply is not None and reply.status == 409 and tries > 0:
                # An earlier attempt may have moved it before its answer was lost.
                current = attempt(self.ledger, "GET", url, self.world["centre_token"])
                if current is not None and current.status == 200 and current.json()["status"] == "received":
                    break
            tries += 1
            time.sleep(0.1)
        else:
            return
        with self.ledger.lock:
            self.ledger.moved.add(referral_id)

    def move_loop(self):
        moved = set()
        while not self.stop.is_set():
            pending = [referral_id for referral_id in self.ledger.ids() if referral_id not in moved]
            for referral_id in pending[:20]:
                self.move_until_acknowledged(referral_id)
                moved.add(referral_id)
            time.sleep(0.05)


def stage(binary, cluster, database, instances=1):
    """A fresh database with the demo organisations, `instances` servers on it, and the world the
    clients act in: LINK Trondheim's coordinator and Stjørdal kommune as referrer."""
    url = cluster.create_database(database)
    env = {"DATABASE_URL": url, "JWT_SECRET": SECRET, "RUST_LOG": "warn"}
    subprocess.run([binary, "migrate"], check=True, env=env, capture_output=True)
    listing = subprocess.run([binary, "demo-data"], check=True, env=env, capture_output=True, text=True).stdout
    ids = {line.split("\t")[2]: line.split("\t")[0] for line in listing.splitlines() if line.count("\t") == 2}
    servers = [Server(binary, url, OUT, secret=SECRET, env=SERVER_ENV).start() for _ in range(instances)]
    centre, municipality = ids["LINK Trondheim"], ids["Stjørdal kommune"]
    world = {
        "centre": centre,
        "centre_token": servers[0].token(centre, "centre_coordinator"),
        "referrer_token": servers[0].token(municipality, "referrer"),
    }
    return url, servers, world


def subscribe(server, world, receiver):
    reply = request(
        "POST",
        f"{server.base}/api/v1/webhook-subscriptions",
        headers={"Authorization": f"Bearer {world['referrer_token']}"},
        body={"url": receiver.url, "event_types": ["referral_status_changed"]},
    )
    if reply.status != 201:
        sys.exit(f"chaos: subscribing failed with {reply.status}: {reply.body!r}")
    receiver.secret = reply.json()["secret"]


def stored_referrals(url, name):
    """Referral ids per Idempotency-Key, as stored, for the keys of scenario `name`."""
    rows = psql(url, "-At", "-F", "\t", "-c",
                "SELECT p.wishes, r.id, r.status FROM referrals r JOIN referral_people p ON p.referral_id = r.id "
                f"WHERE p.wishes LIKE 'chaos {name}-%'").stdout
    stored = {}
    statuses = {}
    for line in rows.splitlines():
        wishes, referral_id, status = line.split("\t")
        stored.setdefault(wishes.removeprefix("chaos "), []).append(referral_id)
        statuses[referral_id] = status
    return stored, statuses


def check_exactly_once(checks, scenario, url, name, ledger):
    stored, statuses = stored_referrals(url, name)
    acknowledged = dict(ledger.acknowledged)
    missing = [key for key, referral_id in acknowledged.items() if stored.get(key) != [referral_id]]
    duplicated = [key for key, ids in stored.items() if len(ids) > 1]
    unacknowledged = len(set(stored) - set(acknowledged))
    checks.check(scenario, "every acknowledged create exists exactly once, with the id the client was given",
                 bool(acknowledged) and not missing,
                 f"{len(acknowledged)} acknowledged, {len(missing)} missing or different, e.g. {missing[:3]}")
    checks.check(scenario, "no retried create made a duplicate", not duplicated,
                 f"{len(stored)} keys stored, {len(duplicated)} more than once; {unacknowledged} stored but never acknowledged")
    checks.check(scenario, "every retry of a key was answered with the same id", not ledger.conflicting_ids,
                 f"{len(ledger.conflicting_ids)} keys with two ids")
    lost_moves = [referral_id for referral_id in ledger.moved if statuses.get(referral_id) != "received"]
    checks.check(scenario, "every acknowledged status change is stored", bool(ledger.moved) and not lost_moves,
                 f"{len(ledger.moved)} acknowledged, {len(lost_moves)} lost")


def wait_for_outbox(url, within):
    """Waits until every delivery in the outbox is delivered; returns how many are still pending."""
    deadline = time.monotonic() + within
    while True:
        pending = int(psql(url, "-At", "-c",
                           "SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NULL AND abandoned_at IS NULL").stdout)
        if pending == 0 or time.monotonic() > deadline:
            return pending
        time.sleep(0.5)


def check_deliveries(checks, scenario, url, receiver, ledger, allowed_repeats):
    pending = wait_for_outbox(url, within=60)
    checks.check(scenario, "the outbox delivered everything pending", pending == 0, f"{pending} still pending after 60 s")
    outbox = set(psql(url, "-At", "-c", "SELECT id FROM webhook_deliveries").stdout.split())
    received = receiver.received()
    counts = {}
    for delivery_id, _ in received:
        counts[delivery_id] = counts.get(delivery_id, 0) + 1
    moved_without_event = int(psql(url, "-At", "-c",
        "SELECT count(*) FROM referrals r WHERE r.status = 'received' AND NOT EXISTS "
        "(SELECT 1 FROM webhook_deliveries d WHERE d.payload -> 'referral' ->> 'id' = r.id::text)").stdout)
    checks.check(scenario, "every status change has its webhook delivery in the outbox",
                 len(outbox) >= len(ledger.moved) and moved_without_event == 0,
                 f"{len(outbox)} deliveries for {len(ledger.moved)} acknowledged changes; {moved_without_event} changes without one")
    checks.check(scenario, "the receiver got every delivery in the outbox", outbox and outbox == set(counts),
                 f"{len(outbox)} in the outbox, {len(counts)} received, {len(outbox - set(counts))} never received")
    repeated = sum(count - 1 for count in counts.values())
    checks.check(scenario, f"acknowledged deliveries were not sent again (at most {allowed_repeats} in flight at a kill)",
                 repeated <= allowed_repeats, f"{repeated} repeated")
    checks.check(scenario, "every delivery was signed with the subscription's secret",
                 all(valid for _, valid in received), f"{sum(1 for _, valid in received if not valid)} bad signatures")


def database_restart(checks, binary, cluster):
    scenario = "database restart"
    url, (server,), world = stage(binary, cluster, "chaos_restart")
    ledger = Ledger()
    workload = Workload("restart", [server.base], world, ledger).start()
    try:
        time.sleep(3)
        log("stopping PostgreSQL")
        down = time.monotonic()
        cluster.stop("fast")
        ready = []
        while time.monotonic() < down + 5:
            reply = request("GET", f"{server.base}/health/ready", timeout=CLIENT_TIMEOUT)
            ready.append((reply.status, reply.headers.get("content-type", "")))
            time.sleep(0.25)
        log("starting PostgreSQL")
        cluster.start()
        up = time.monotonic()
        ready_again = None
        while ready_again is None and time.monotonic() < up + 30:
            if request("GET", f"{server.base}/health/ready", timeout=CLIENT_TIMEOUT).status == 200:
                ready_again = time.monotonic() - up
            else:
                time.sleep(0.1)
        while time.monotonic() < up + 30 and not any(t > up for t in ledger.acknowledged_at):
            time.sleep(0.1)
        created_again = next((t - up for t in sorted(ledger.acknowledged_at) if t > up), None)
        # Reads outside a transaction reuse whatever connections the pool kept: one that lost its
        # server and was kept would fail them long after the database is back.
        reads_after = [
            request("GET", f"{server.base}{path}", headers={"Authorization": f"Bearer {world['centre_token']}"}, timeout=CLIENT_TIMEOUT).status
            for _ in range(15)
            for path in ("/health/ready", "/api/v1/referrals?limit=5")
        ]
        time.sleep(2)
    finally:
        workload.finish()
        server.stop()

    during = [a for a in ledger.attempts if a.started > down + 0.5 and a.started + a.seconds < up]
    wrong = [a for a in during if a.status != 503 or not a.content_type.startswith("application/problem+json") or not a.retry_after]
    checks.check(scenario, "requests during the outage were answered 503 problem+json with Retry-After",
                 bool(during) and not wrong,
                 f"{len(during)} answered in the outage, {len(wrong)} otherwise, e.g. {[(a.status, a.error) for a in wrong[:3]]}")
    slowest = max((a.seconds for a in during), default=0.0)
    checks.check(scenario, f"no request in the outage waited past the {CHECKOUT_TIMEOUT:g} s checkout timeout (+1 s)",
                 slowest <= CHECKOUT_TIMEOUT + 1.0, f"slowest {slowest:.2f} s")
    checks.check(scenario, "no request anywhere hung until the client gave up",
                 not [a for a in ledger.attempts if a.error], f"{sum(1 for a in ledger.attempts if a.error)} transport failures")
    not_ready = [status for status, _ in ready[1:]]
    checks.check(scenario, "/health/ready reported not ready (503) while PostgreSQL was down",
                 bool(not_ready) and all(status == 503 for status in not_ready), f"statuses {sorted(set(not_ready))}")
    checks.check(scenario, "ready again within 10 s of PostgreSQL's return",
                 ready_again is not None and ready_again <= 10, f"after {ready_again if ready_again is None else round(ready_again, 2)} s")
    checks.check(scenario, "creating again within 10 s of PostgreSQL's return",
                 created_again is not None and created_again <= 10, f"after {created_again if created_again is None else round(created_again, 2)} s")
    checks.check(scenario, "every read after the return succeeded (no stale connection kept)",
                 all(status == 200 for status in reads_after), f"statuses {sorted(set(reads_after))} over {len(reads_after)} reads")
    check_exactly_once(checks, scenario, url, "restart", ledger)


def server_kill(checks, binary, cluster):
    scenario = "server SIGKILL"
    url, (server,), world = stage(binary, cluster, "chaos_kill")
    receiver = Receiver()
    subscribe(server, world, receiver)
    ledger = Ledger()
    workload = Workload("kill", [server.base], world, ledger).start()
    try:
        time.sleep(4)
        log("killing the server with SIGKILL")
        server.kill()
        received_before = len(receiver.received())
        time.sleep(1)
        log("starting it again")
        server.start()
        time.sleep(4)
    finally:
        workload.finish()
    try:
        checks.check(scenario, "load reached the server before the kill", received_before > 0 and len(ledger.acknowledged) > 0,
                     f"{len(ledger.acknowledged)} creates acknowledged, {received_before} deliveries before the kill")
        check_exactly_once(checks, scenario, url, "kill", ledger)
        check_deliveries(checks, scenario, url, receiver, ledger, allowed_repeats=1)
    finally:
        server.stop()
        receiver.close()


def two_instances(checks, binary, cluster):
    scenario = "two instances"
    url, (first, second), world = stage(binary, cluster, "chaos_two", instances=2)
    receiver = Receiver()
    subscribe(first, world, receiver)
    ledger = Ledger()
    workload = Workload("two", [first.base, second.base], world, ledger, creators=3, racing=True).start()
    try:
        time.sleep(8)
    finally:
        workload.finish()
    try:
        check_exactly_once(checks, scenario, url, "two", ledger)
        check_deliveries(checks, scenario, url, receiver, ledger, allowed_repeats=0)
    finally:
        first.stop()
        second.stop()
        receiver.close()


def main():
    scenarios = {scenario.__name__: scenario for scenario in (database_restart, server_kill, two_instances)}
    if len(sys.argv) < 2 or not set(sys.argv[2:]) <= set(scenarios):
        sys.exit(f"usage: scripts/chaos/run.py path/to/samhandling [{' | '.join(scenarios)} ...]")
    binary = sys.argv[1]
    chosen = [scenarios[name] for name in sys.argv[2:]] or list(scenarios.values())
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    cluster = LocalCluster(OUT / "postgres").create()
    log(f"PostgreSQL of our own on 127.0.0.1:{cluster.port}")
    checks = Checks()
    try:
        for scenario in chosen:
            log(f"scenario: {scenario.__name__.replace('_', ' ')}")
            scenario(checks, binary, cluster)
    finally:
        cluster.destroy()
    log(f"done in {time.monotonic() - started:.0f} s; server logs in {OUT}")
    print(f"{checks.passed} passed, {checks.failed} failed")
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()
