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
                     referral and one id; every webhook delivery reaches the receiver once. A
                     municipality's requests for help and its grants, a centre's collaboration
                     agreements and a competence centre's outreach meetings are created and then
                     moved (accepted, paid, withdrawn, cancelled) through both at once: one
                     record per create, one move per record (the other 412), each audited once.
  hanging receivers  one municipality subscribes ten times to a receiver that answers only after
                     WEBHOOK_TIMEOUT, another once to a prompt one, under creates and reads flat
                     out and moves (webhook events) ten a second: no request fails or hangs, read
                     and create p99 stay near a baseline measured before, the prompt receiver gets
                     every move within the poll interval plus 2 s, and the hanging subscriptions
                     show as paused after timeouts. Then 48 parallel clients ask for tokens with
                     unknown client ids while the load goes on: 401 up to the hourly allowance,
                     429 after it, and the reads' p99 near the baseline still.

  self-help groups   in the database restart, the SIGKILL and the two instances alike (see
                     Places): people go from referral to a booked intake, its recorded outcome and
                     a place, each into two groups of four seats at once, while a leaver frees a
                     seat in every full group; every creating POST carries an Idempotency-Key and
                     is retried through the fault (with two instances, sent to both at once). No
                     request is answered 500; member_count equals the active memberships and never
                     exceeds max_members; no person is placed twice; every acknowledged create
                     exists with its id, and sent again is replayed with that id; every booking,
                     completion and placement is there whole (with its referral's steps and its
                     audit events) or not at all.

Every receiver verifies every delivery with the `standardwebhooks` package (Standard Webhooks
1.0), and once per scenario the verifier is shown to refuse a tampered body and a correctly
signed but 10 minutes old timestamp. `make chaos` runs this with the interpreter of the
virtualenv target/chaos/venv, into which it installs scripts/chaos/requirements.txt.

Prints one line per check and a closing `N passed, N failed`; exits non-zero on any failure.
"""

import datetime
import http.client
import json
import math
import multiprocessing
import pathlib
import random
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

try:
    from standardwebhooks import Webhook, WebhookVerificationError
except ImportError:
    sys.exit("chaos: the standardwebhooks package is missing; run `make chaos`, which installs "
             "scripts/chaos/requirements.txt into target/chaos/venv and runs this with it")

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from harness import ROOT, LocalCluster, Server, WebhookReceiver, psql, request  # noqa: E402

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
# The server's WEBHOOK_POLL_INTERVAL, in seconds.
POLL_INTERVAL = 0.2
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
    """A webhook receiver on 127.0.0.1 that verifies every delivery with the `standardwebhooks`
    package, under the secret of the subscription whose URL (path) it came to, remembers it and
    acknowledges it, after `delay` seconds (a receiver that hangs, when that is longer than the
    server's WEBHOOK_TIMEOUT: the threading server keeps one sleeper from holding up another)."""

    def __init__(self, delay=0.0):
        self.lock = threading.Lock()
        self.deliveries = []  # (webhook-id, verified)
        self.records = []  # every delivery: path, webhook-id, verified, monotonic time, body, headers
        self.secrets = {}  # path -> the subscription's secret
        self.delay = delay
        self.server = WebhookReceiver(
            lambda path, headers, body: self.record(path, body, headers, time.monotonic()), delay
        )
        self.base = self.server.base
        self.url = self.url_for("samhandling")

    def url_for(self, name):
        return f"{self.base}/hooks/{name}"

    def register(self, url, secret):
        with self.lock:
            self.secrets[urllib.parse.urlsplit(url).path] = secret

    def record(self, path, body, headers, arrived):
        with self.lock:
            secret = self.secrets.get(path)
        verified = False
        if secret is not None:
            try:
                Webhook(secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                pass
        with self.lock:
            self.deliveries.append((headers.get("webhook-id"), verified))
            self.records.append({"path": path, "id": headers.get("webhook-id"), "verified": verified,
                                 "arrived": arrived, "body": body, "headers": headers, "secret": secret})

    def received(self):
        with self.lock:
            return list(self.deliveries)

    def all_records(self):
        with self.lock:
            return list(self.records)

    def close(self):
        self.server.close()


def refused(webhook, body, headers):
    try:
        webhook.verify(body, headers)
    except WebhookVerificationError:
        return True
    return False


def check_verifier(checks, scenario, receiver):
    """The verifier is not vacuous: on a delivery it accepted, a body changed to name another
    referral, and the same body correctly signed under a webhook-timestamp 10 minutes old, are
    each refused with WebhookVerificationError, while the same body signed now is accepted."""
    sample = next((record for record in receiver.all_records() if record["verified"]), None)
    name = "the verifier refuses a tampered body and a correctly signed 10 minutes old webhook-timestamp"
    if sample is None:
        checks.check(scenario, name, False, "no verified delivery to try it on")
        return
    webhook = Webhook(sample["secret"])
    body, headers = sample["body"], sample["headers"]
    referral_id = json.loads(body)["data"]["referral"]["id"]
    tampered = body.replace(referral_id.encode(), str(uuid.uuid4()).encode())

    def signed_at(seconds):
        at = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
        return {**headers, "webhook-timestamp": str(seconds),
                "webhook-signature": webhook.sign(headers["webhook-id"], at, body.decode())}

    now = int(time.time())
    outcomes = {
        "as received accepted": not refused(webhook, body, headers),
        "tampered body refused": tampered != body and refused(webhook, tampered, headers),
        "signed 10 min ago refused": refused(webhook, body, signed_at(now - 600)),
        "signed now accepted": not refused(webhook, body, signed_at(now)),
    }
    checks.check(scenario, name, all(outcomes.values()), ", ".join(f"{k}: {v}" for k, v in outcomes.items()))


class Attempt:
    """One request as the client saw it."""

    def __init__(self, started, seconds, status=None, content_type="", retry_after=None, error=None, kind=None):
        self.kind = kind
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


def attempt(ledger, method, url, token, body=None, key=None, kind=None, if_match=None):
    """Sends one request and records it; returns the reply, or None when it failed in transport."""
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    if if_match:
        headers["If-Match"] = if_match
    started = time.monotonic()
    try:
        reply = request(method, url, headers=headers, body=body, timeout=CLIENT_TIMEOUT)
    except OSError as error:
        ledger.record(Attempt(started, time.monotonic() - started, error=type(error).__name__, kind=kind))
        return None
    ledger.record(Attempt(started, reply.seconds, reply.status, reply.headers.get("content-type", ""),
                          reply.headers.get("retry-after"), kind=kind))
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


# Every server started, so that none outlives the run however a scenario ends.
STARTED = []


def stage(binary, cluster, database, instances=1, server_env=None, referrers=("Stjørdal kommune",)):
    """A fresh database with the demo organisations, `instances` servers on it (with `server_env`,
    else SERVER_ENV), and the world the clients act in: LINK Trondheim's coordinator and `referrers`
    (municipalities) as referrers, the first of them as `referrer_token`."""
    url = cluster.create_database(database)
    env = {"DATABASE_URL": url, "JWT_SECRET": SECRET, "RUST_LOG": "warn"}
    subprocess.run([binary, "migrate"], check=True, env=env, capture_output=True)
    # The organisations only: every group, referral and intake in the database is the scenario's own.
    listing = subprocess.run([binary, "demo-data", "--organisations-only"], check=True, env=env, capture_output=True,
                             text=True).stdout
    ids = {line.split("\t")[2]: line.split("\t")[0] for line in listing.splitlines() if line.count("\t") == 2}
    servers = []
    for _ in range(instances):
        servers.append(Server(binary, url, OUT, secret=SECRET, env=server_env or SERVER_ENV))
        STARTED.append(servers[-1])
        servers[-1].start()
    centre = ids["LINK Trondheim"]
    tokens = {name: servers[0].token(ids[name], "referrer") for name in referrers}
    world = {
        "centre": centre,
        "centre_token": servers[0].token(centre, "centre_coordinator"),
        "adviser_token": servers[0].token(ids[COURSE_CENTRE], "competence_adviser"),
        "employer": ids[COURSE_EMPLOYER],
        "facilitator_token": servers[0].token(ids[COURSE_EMPLOYER], "facilitator"),
        "referrers": tokens,
        "referrer_token": tokens[referrers[0]],
        "contact_token": servers[0].token(ids[COURSE_EMPLOYER], "municipal_contact"),
        "partner": ids[COURSE_CENTRE],
    }
    for name in referrers:
        agree(servers[0], world["centre_token"], ids[name], tokens[name])
    return url, servers, world


def agree(server, centre_token, municipality, referrer_token):
    """LINK Trondheim proposes a collaboration agreement for detailed feedback to `municipality`,
    whose referrer accepts it: without one, a referrer is told nothing of its referrals, and these
    scenarios count the status changes it is told of."""
    proposed = request(
        "POST",
        f"{server.base}/api/v1/collaboration-agreements",
        headers={"Authorization": f"Bearer {centre_token}"},
        body={"partner_organisation_id": municipality, "refers": "Alle som ønsker en selvhjelpsgruppe",
              "feedback": "detailed", "centre_contact_role": "Koordinator",
              "partner_contact_role": "Saksbehandler", "valid_from": "2026-01-01"},
    )
    if proposed.status != 201:
        raise RuntimeError(f"proposing an agreement failed with {proposed.status}: {proposed.body!r}")
    accepted = request(
        "POST",
        f"{server.base}/api/v1/collaboration-agreements/{proposed.json()['id']}/transitions",
        headers={"Authorization": f"Bearer {referrer_token}", "If-Match": "*"},
        body={"to": "in_force"},
    )
    if accepted.status != 200:
        raise RuntimeError(f"accepting an agreement failed with {accepted.status}: {accepted.body!r}")


def subscribe(server, token, receiver, url=None, event_type="referral_status_changed"):
    """Subscribes the organisation of `token` to `event_type` at `url` (the receiver's default URL
    unless given) and tells the receiver the secret; returns the subscription's id."""
    url = url or receiver.url
    reply = request(
        "POST",
        f"{server.base}/api/v1/webhook-subscriptions",
        headers={"Authorization": f"Bearer {token}"},
        body={"url": url, "event_types": [event_type]},
    )
    if reply.status != 201:
        raise RuntimeError(f"subscribing failed with {reply.status}: {reply.body!r}")
    receiver.register(url, reply.json()["secret"])
    return reply.json()["id"]


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
    # The workload's referrals only: the demo data has referrals of its own, made before any
    # subscription, and the self-help group flows' referrals come from a municipality without one.
    moved_without_event = int(psql(url, "-At", "-c",
        "SELECT count(*) FROM referrals r JOIN referral_people p ON p.referral_id = r.id "
        "WHERE r.status = 'received' AND p.wishes LIKE 'chaos %' AND NOT EXISTS "
        "(SELECT 1 FROM webhook_deliveries d WHERE d.referral_id = r.id)").stdout)
    checks.check(scenario, "every status change has its webhook delivery in the outbox",
                 len(outbox) >= len(ledger.moved) and moved_without_event == 0,
                 f"{len(outbox)} deliveries for {len(ledger.moved)} acknowledged changes; {moved_without_event} changes without one")
    checks.check(scenario, "the receiver got every delivery in the outbox", outbox and outbox == set(counts),
                 f"{len(outbox)} in the outbox, {len(counts)} received, {len(outbox - set(counts))} never received")
    repeated = sum(count - 1 for count in counts.values())
    checks.check(scenario, f"acknowledged deliveries were not sent again (at most {allowed_repeats} in flight at a kill)",
                 repeated <= allowed_repeats, f"{repeated} repeated")
    checks.check(scenario, "every delivery was signed with the subscription's secret (standardwebhooks verify)",
                 bool(received) and all(valid for _, valid in received),
                 f"{len(received)} received, {sum(1 for _, valid in received if not valid)} refused")
    check_verifier(checks, scenario, receiver)


def database_restart(checks, binary, cluster):
    scenario = "database restart"
    url, (server,), world = stage(binary, cluster, "chaos_restart", referrers=("Stjørdal kommune", PLACES_REFERRER))
    ledger = Ledger()
    places = Places("restart", url, [server.base], world).prepare()
    courses = Enrolments("restart", url, [server.base], world).prepare()
    workload = Workload("restart", [server.base], world, ledger).start()
    places.start()
    courses.start()
    try:
        time.sleep(3)
        log("stopping PostgreSQL")
        down = time.monotonic()
        cluster.stop("fast")
        # pg_ctl (through runuser) can take seconds to stop the server on a busy machine: the
        # outage's checks count from when it has, and /health/ready is asked at least three times.
        stopped = time.monotonic()
        log(f"PostgreSQL stopped {stopped - down:.2f} s after the stop began")
        ready = []
        while time.monotonic() < down + 5 or len(ready) < 3:
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
        finish(workload, places, courses)
        server.stop()

    during = [a for a in ledger.attempts if a.started > max(down + 0.5, stopped) and a.started + a.seconds < up]
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
    check_places(checks, scenario, url, places, fault=(down, up), unavailable_allowed=True)
    check_enrolments(checks, scenario, url, courses, unavailable_allowed=True)


def server_kill(checks, binary, cluster):
    scenario = "server SIGKILL"
    url, (server,), world = stage(binary, cluster, "chaos_kill", referrers=("Stjørdal kommune", PLACES_REFERRER))
    receiver = Receiver()
    subscribe(server, world["referrer_token"], receiver)
    ledger = Ledger()
    places = Places("kill", url, [server.base], world).prepare()
    courses = Enrolments("kill", url, [server.base], world).prepare()
    workload = Workload("kill", [server.base], world, ledger).start()
    places.start()
    courses.start()
    try:
        time.sleep(4)
        log("killing the server with SIGKILL")
        killed = time.monotonic()
        server.kill()
        received_before = len(receiver.received())
        time.sleep(1)
        log("starting it again")
        server.start()
        back = time.monotonic()
        time.sleep(4)
    finally:
        finish(workload, places, courses)
    try:
        checks.check(scenario, "load reached the server before the kill", received_before > 0 and len(ledger.acknowledged) > 0,
                     f"{len(ledger.acknowledged)} creates acknowledged, {received_before} deliveries before the kill")
        check_exactly_once(checks, scenario, url, "kill", ledger)
        check_deliveries(checks, scenario, url, receiver, ledger, allowed_repeats=1)
        check_places(checks, scenario, url, places, fault=(killed, back), unavailable_allowed=True)
        check_enrolments(checks, scenario, url, courses, unavailable_allowed=True)
    finally:
        server.stop()
        receiver.close()


def two_instances(checks, binary, cluster):
    scenario = "two instances"
    url, (first, second), world = stage(binary, cluster, "chaos_two", instances=2,
                                        referrers=("Stjørdal kommune", PLACES_REFERRER))
    receiver = Receiver()
    subscribe(first, world["referrer_token"], receiver)
    ledger = Ledger()
    subscribe(first, world["contact_token"], receiver, receiver.url_for("answers"), "collaboration_need_answered")
    places = Places("two", url, [first.base, second.base], world, racing=True).prepare()
    courses = Enrolments("two", url, [first.base, second.base], world, racing=True).prepare()
    needs = Needs("two", url, [first.base, second.base], world, racing=True)
    grants = Grants("two", url, [first.base, second.base], world, racing=True)
    agreements = Agreements("two", url, [first.base, second.base], world, racing=True)
    outreach = OutreachMeetings("two", url, [first.base, second.base], world, racing=True)
    workload = Workload("two", [first.base, second.base], world, ledger, creators=3, racing=True).start()
    places.start()
    courses.start()
    needs.start()
    grants.start()
    agreements.start()
    outreach.start()
    try:
        time.sleep(8)
    finally:
        finish(workload, places, courses, needs, grants, agreements, outreach)
    try:
        check_exactly_once(checks, scenario, url, "two", ledger)
        check_deliveries(checks, scenario, url, receiver, ledger, allowed_repeats=0)
        check_places(checks, scenario, url, places)
        check_enrolments(checks, scenario, url, courses)
        check_needs(checks, scenario, url, needs)
        check_grants(checks, scenario, url, grants)
        check_agreements(checks, scenario, url, agreements)
        check_outreach(checks, scenario, url, outreach)
    finally:
        first.stop()
        second.stop()
        receiver.close()


# --- self-help groups under the same faults ------------------------------------------------------

# Groups of this few seats (min_members = max_members), so that placements keep meeting the last
# seat and a full group; PLACES_FLOWS people at a time go from referral to a place.
PLACES_GROUPS = 2
PLACES_SEATS = 4
PLACES_FLOWS = 3
# Refers the people who are placed: a municipality without a webhook subscription, so that their
# referrals' steps add nothing to the outbox the referral scenarios check.
PLACES_REFERRER = "Levanger kommune"
# A final answer is one below 500; these are the ones each step expects (a 409 for a completion or
# a departure only on a retry, whose first attempt did it before its answer was lost).
PLACES_EXPECTED = {"group": {201}, "open": {200, 409}, "refer": {201}, "book": {201}, "complete": {200, 409},
                   "place": {201, 409}, "depart": {200, 409}}
# The steps without a key, whose retry is 409 when the attempt before it did the work.
PLACES_DONE_BEFORE = {"open", "complete", "depart"}


class Writes:
    """Creating and changing writes under a fault, each retried with the same key and body until it
    has a final answer (below 500); with `racing`, every attempt goes to every instance at once.
    A subclass names the final answers each kind of step expects (`EXPECTED`) and the steps without
    a key, whose retry is 409 when the attempt before it did the work (`DONE_BEFORE`). `stop` ends
    the starting of new work; work begun is carried on until `deadline`."""

    EXPECTED = {}
    DONE_BEFORE = set()

    def __init__(self, name, url, bases, racing=False):
        self.name = name
        self.url = url
        self.bases = bases
        self.racing = racing
        self.ledger = Ledger()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.deadline = None
        self.answers = {}  # (kind, status) -> count of final answers
        self.unexpected = []  # (kind, status, body) of final answers the step does not expect
        self.replayed = 0  # answers with Idempotent-Replayed: true
        self.repeats = []  # (kind, status, replayed, same id) of each acknowledged create sent again
        self.acknowledged_at = {}  # kind -> monotonic times of acknowledgements
        self.threads = []

    def retrying(self):
        return self.deadline is None or time.monotonic() < self.deadline

    def final(self, kind, method, path, token, body=None, key=None, first=0, if_match=None):
        """The first final answer (status below 500) to the request, retried with the same key,
        body and `If-Match` on every other outcome; None when the deadline came first."""
        tries = 0
        while self.retrying():
            base = self.bases[(first + tries) % len(self.bases)]
            reply = attempt(self.ledger, method, f"{base}{path}", token, body, key, kind=kind, if_match=if_match)
            if reply is not None and reply.status < 500:
                return self.note(kind, reply, key, tries)
            tries += 1
            time.sleep(0.1)
        return None

    def note(self, kind, reply, key, tries):
        expected = reply.status in self.EXPECTED[kind]
        if reply.status == 409 and kind in self.DONE_BEFORE:
            expected = tries > 0
        with self.lock:
            self.answers[(kind, reply.status)] = self.answers.get((kind, reply.status), 0) + 1
            if not expected:
                self.unexpected.append((kind, reply.status, reply.body[:200]))
            if reply.headers.get("idempotent-replayed") == "true":
                self.replayed += 1
            if reply.status in (200, 201):
                self.acknowledged_at.setdefault(kind, []).append(time.monotonic())
        if key and reply.status == 201:
            self.ledger.acknowledge(key, reply.json()["id"])
        return reply

    def repeat(self, kind, path, token, body, key, created_id):
        """Sends an acknowledged create once more with its key and body, as a client that never saw
        the answer would: it must be replayed, with the id first given."""
        reply = self.final(kind, "POST", path, token, body, key)
        if reply is not None:
            same = reply.status == 201 and reply.json()["id"] == created_id
            with self.lock:
                self.repeats.append((kind, reply.status, reply.headers.get("idempotent-replayed") == "true", same))

    def final_everywhere(self, kind, method, path, token, body, key, if_match=None):
        """As `final`; with `racing`, sent to every instance at once, the answers all returned."""
        if not self.racing:
            return [self.final(kind, method, path, token, body, key, if_match=if_match)]
        replies = [None] * len(self.bases)

        def race(index):
            replies[index] = self.final(kind, method, path, token, body, key, first=index, if_match=if_match)

        racers = [threading.Thread(target=race, args=(index,)) for index in range(len(self.bases))]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join()
        return replies

    def start(self):
        for thread in self.threads:
            thread.start()
        return self


class Places(Writes):
    """The self-help group writes under the faults. `prepare` creates PLACES_GROUPS recruiting
    groups of PLACES_SEATS seats as LINK Trondheim's coordinator. Then PLACES_FLOWS flows each
    take one person after another from PLACES_REFERRER's referral through the booked intake and
    its recorded outcome (a general group) to a place: the same person into two groups at once,
    with two keys, of which at most one may succeed. A leaver records a departure from a group as
    soon as it is full, so that seats keep freeing and filling, and a watcher looks at the groups'
    counts in the database five times a second. Every creating POST carries an
    Idempotency-Key; every write is retried as `Writes` says."""

    EXPECTED = PLACES_EXPECTED
    DONE_BEFORE = PLACES_DONE_BEFORE

    def __init__(self, name, url, bases, world, racing=False):
        super().__init__(name, url, bases, racing)
        self.world = world
        self.centre_token = world["centre_token"]
        self.referrer_token = world["referrers"][PLACES_REFERRER]
        self.groups = []
        self.members = {}  # group id -> acknowledged membership ids not yet departed, oldest first
        self.placed = {}  # person (referral id) -> membership ids acknowledged for it, any group
        self.samples = []  # (member_count, active memberships, max_members) of a group, as the watcher saw it
        self.threads = [threading.Thread(target=self.flow, args=(n,)) for n in range(PLACES_FLOWS)]
        self.threads += [threading.Thread(target=self.leave_loop), threading.Thread(target=self.watch)]

    def prepare(self):
        for number in range(PLACES_GROUPS):
            body = {"title": f"Chaos {self.name} {number}", "theme": "general", "languages": ["nb"],
                    "format": "digital", "municipality_number": "5001",
                    "schedule": {"weekday": "tuesday", "start_time": "18:00"},
                    "min_members": PLACES_SEATS, "max_members": PLACES_SEATS}
            reply = self.final("group", "POST", "/api/v1/groups", self.centre_token, body, f"group-{self.name}-{number}")
            if reply is None or reply.status != 201:
                raise RuntimeError(f"creating a group failed: {reply and reply.status}")
            group_id = reply.json()["id"]
            reply = self.final("open", "POST", f"/api/v1/groups/{group_id}/transitions", self.centre_token, {"to": "recruiting"})
            if reply is not None and reply.status == 409:  # a retry, after an attempt that opened it
                reply = request("GET", f"{self.bases[0]}/api/v1/groups/{group_id}",
                                headers={"Authorization": f"Bearer {self.centre_token}"})
            if reply is None or reply.status != 200 or reply.json()["status"] != "recruiting":
                raise RuntimeError(f"opening a group failed: {reply and reply.status}")
            self.groups.append(group_id)
            self.members[group_id] = []
        return self

    def flow(self, number):
        chooser = random.Random(number)
        sequence = 0
        while not self.stop.is_set():
            self.person(f"{self.name}-{number}-{sequence}", chooser)
            sequence += 1

    def person(self, person, chooser):
        body = referral_body(self.world["centre"], person)
        body["wishes"] = f"places {person}"
        reply = self.final("refer", "POST", "/api/v1/referrals", self.referrer_token, body, f"refer-{person}")
        if reply is None or reply.status != 201:
            return
        referral_id = reply.json()["id"]
        booking = {"referral_id": referral_id, "scheduled_at": "2026-12-03T10:00:00Z", "format": "phone",
                   "preferences": {"themes": ["general"], "languages": ["nb"]}}
        booked = [r for r in self.final_everywhere("book", "POST", "/api/v1/intakes", self.centre_token, booking, f"book-{person}")
                  if r is not None and r.status == 201]
        if not booked:
            return
        intake_id = booked[0].json()["id"]
        self.repeat("book", "/api/v1/intakes", self.centre_token, booking, f"book-{person}", intake_id)
        outcome = {"held_at": datetime.datetime.now(datetime.timezone.utc).isoformat(), "outcome": "general_group", "pseudonym": f"Deltaker {person}"}
        reply = self.final("complete", "POST", f"/api/v1/intakes/{intake_id}/completion", self.centre_token, outcome)
        if reply is None or reply.status not in (200, 409):
            return
        # The same person to two groups at once, each with a key of its own.
        first = chooser.randrange(len(self.groups))
        targets = [self.groups[first], self.groups[(first + 1) % len(self.groups)]]
        placements = [threading.Thread(target=self.place, args=(person, referral_id, intake_id, group_id))
                      for group_id in targets]
        for placement in placements:
            placement.start()
        for placement in placements:
            placement.join()

    def place(self, person, referral_id, intake_id, group_id):
        path, body, key = f"/api/v1/groups/{group_id}/members", {"intake_id": intake_id}, f"place-{person}-{group_id}"
        replies = self.final_everywhere("place", "POST", path, self.centre_token, body, key)
        for reply in replies:
            if reply is not None and reply.status == 201:
                membership_id = reply.json()["id"]
                with self.lock:
                    if membership_id not in self.placed.setdefault(referral_id, []):
                        self.placed[referral_id].append(membership_id)
                        self.members[group_id].append(membership_id)
        placed = next((reply for reply in replies if reply is not None and reply.status == 201), None)
        if placed is not None:
            self.repeat("place", path, self.centre_token, body, key, placed.json()["id"])

    def watch(self):
        """Looks at the groups in the database every 0.2 s, each look one snapshot, while the
        flows run (and the database is up)."""
        ours = ", ".join(f"'{group_id}'" for group_id in self.groups)
        query = ("SELECT g.member_count, g.max_members, (SELECT count(*) FROM memberships m "
                 f"WHERE m.group_id = g.id AND m.left_at IS NULL) FROM groups g WHERE g.id IN ({ours})")
        while not self.stop.is_set():
            try:
                rows = psql(self.url, "-At", "-F", "\t", "-c", query).stdout.splitlines()
            except subprocess.CalledProcessError:
                rows = []  # PostgreSQL is down
            with self.lock:
                for row in rows:
                    member_count, maximum, active = map(int, row.split("\t"))
                    self.samples.append((member_count, active, maximum))
            self.stop.wait(0.2)

    def leave_loop(self):
        while not self.stop.is_set():
            with self.lock:
                full = [(group_id, ids[0]) for group_id, ids in self.members.items() if len(ids) >= PLACES_SEATS]
            for group_id, membership_id in full:
                reply = self.final("depart", "POST", f"/api/v1/memberships/{membership_id}/departure",
                                   self.centre_token, {"reason": "completed"})
                if reply is not None and reply.status in (200, 409):
                    with self.lock:
                        self.members[group_id].remove(membership_id)
            time.sleep(0.02)


# --- network-meeting courses and logs under the same faults --------------------------------------

# A course of this few seats, so that enrolments keep meeting a full course and the waiting list;
# ENROLMENT_FLOWS professionals at a time enrol, and about half of them cancel again.
COURSE_SEATS = 3
ENROLMENT_FLOWS = 2
COURSE_CENTRE = "KoRus Midt (Kompetansesenter rus – Midt-Norge)"
# The employer of the professionals who enrol, and of the facilitator who logs meetings.
COURSE_EMPLOYER = "Trondheim kommune"
# A cancellation has no key: its retry is 409 when the attempt before it cancelled.
ENROLMENT_EXPECTED = {"course": {201}, "enrol": {201}, "cancel": {200, 409}, "log": {201}}


class Enrolments(Writes):
    """The meeting-log writes under the faults. `prepare` creates a course of COURSE_SEATS seats as
    KoRus Midt's adviser. Then ENROLMENT_FLOWS flows each enrol one professional after another
    (each enrolment sent again once, which must be replayed), cancel about half of them (freeing a
    seat for the first who waits), and log a network meeting as a facilitator; a watcher looks at
    the course's seats and waiting list in the database five times a second."""

    EXPECTED = ENROLMENT_EXPECTED
    DONE_BEFORE = {"cancel"}

    def __init__(self, name, url, bases, world, racing=False):
        super().__init__(name, url, bases, racing)
        self.world = world
        self.adviser_token = world["adviser_token"]
        self.facilitator_token = world["facilitator_token"]
        self.course = None
        self.cancelled = []  # enrolment ids whose cancellation was acknowledged
        self.samples = []  # (seats held, waiting, capacity), as the watcher saw them
        self.threads = [threading.Thread(target=self.flow, args=(n,)) for n in range(ENROLMENT_FLOWS)]
        self.threads.append(threading.Thread(target=self.watch))

    def prepare(self):
        body = {"title": f"Nettverksmøter, chaos {self.name}", "digital": True, "dates": ["2027-01-12", "2027-01-13"],
                "capacity": COURSE_SEATS}
        reply = self.final("course", "POST", "/api/v1/courses", self.adviser_token, body, f"course-{self.name}")
        if reply is None or reply.status != 201:
            raise RuntimeError(f"creating a course failed: {reply and reply.status}")
        self.course = reply.json()["id"]
        return self

    def flow(self, number):
        chooser = random.Random(1000 + number)
        sequence = 0
        while not self.stop.is_set():
            self.professional(f"{self.name}-{number}-{sequence}", chooser)
            sequence += 1

    def professional(self, who, chooser):
        path = f"/api/v1/courses/{self.course}/enrolments"
        body = {"name": f"Fagperson {who}", "work_email": f"{who}@chaos.example", "employer_organisation_id":
                self.world["employer"], "service": "Oppfølgingstjenesten psykisk helse og rus"}
        replies = self.final_everywhere("enrol", "POST", path, self.adviser_token, body, f"enrol-{who}")
        enrolled = next((reply for reply in replies if reply is not None and reply.status == 201), None)
        if enrolled is None:
            return
        enrolment_id = enrolled.json()["id"]
        self.repeat("enrol", path, self.adviser_token, body, f"enrol-{who}", enrolment_id)
        if chooser.random() < 0.5:
            reply = self.final("cancel", "POST", f"{path}/{enrolment_id}/transitions", self.adviser_token, {"to": "cancelled"})
            if reply is not None and reply.status in (200, 409):
                with self.lock:
                    self.cancelled.append(enrolment_id)
        log_body = {"held_on": "2026-12-01", "municipality_number": "5001", "service": "Oppfølgingstjenesten",
                    "suggested_by": "professional", "series_id": f"chaos {who}",
                    "main_person": {"age_group": "30_49", "chose_participants": True},
                    "participants": {"family": 2, "friend": 1},
                    "next_meeting": {"planned": False}, "supervision": {"wanted": False}}
        self.final_everywhere("log", "POST", "/api/v1/network-meetings", self.facilitator_token, log_body, f"log-{who}")

    def watch(self):
        query = ("SELECT count(*) FILTER (WHERE e.status IN ('enrolled', 'completed')), "
                 "count(*) FILTER (WHERE e.status = 'waiting'), c.capacity "
                 f"FROM courses c LEFT JOIN enrolments e ON e.course_id = c.id WHERE c.id = '{self.course}' GROUP BY c.capacity")
        while not self.stop.is_set():
            try:
                rows = psql(self.url, "-At", "-F", "\t", "-c", query).stdout.splitlines()
            except subprocess.CalledProcessError:
                rows = []  # PostgreSQL is down
            with self.lock:
                self.samples.extend(tuple(map(int, row.split("\t"))) for row in rows)
            self.stop.wait(0.2)


def check_enrolments(checks, scenario, url, load, unavailable_allowed=False):
    """The invariants of the course and meeting-log writes, in the database and as the clients saw
    them."""
    attempts = list(load.ledger.attempts)
    server_errors = [a for a in attempts if a.status is not None and a.status >= 500 and a.status != 503]
    unavailable = [a for a in attempts if a.status == 503 or a.error]
    checks.check(scenario, "courses: no request was answered 500 or any 5xx but the fault's 503" if unavailable_allowed
                 else "courses: no request was answered 5xx (503 included) or failed",
                 bool(attempts) and not server_errors and (unavailable_allowed or not unavailable),
                 f"{len(attempts)} requests, {len(server_errors)} 5xx, {len(unavailable)} unavailable")
    with load.lock:
        unexpected = list(load.unexpected)
        samples = list(load.samples)
        repeats = list(load.repeats)
        cancelled = list(load.cancelled)
    checks.check(scenario, "courses: every final answer was one its step expects (a 409 only for a retried cancellation)",
                 not unexpected, f"{len(unexpected)} otherwise, e.g. {unexpected[:2]}")
    final = psql(url, "-At", "-F", "\t", "-c",
                 "SELECT count(*) FILTER (WHERE e.status IN ('enrolled', 'completed')), "
                 "count(*) FILTER (WHERE e.status = 'waiting'), c.capacity FROM courses c "
                 f"LEFT JOIN enrolments e ON e.course_id = c.id WHERE c.id = '{load.course}' GROUP BY c.capacity").stdout
    samples += [tuple(map(int, row.split("\t"))) for row in final.splitlines()]
    wrong = [sample for sample in samples if sample[0] > sample[2] or (sample[1] > 0 and sample[0] < sample[2])]
    checks.check(scenario, f"courses: seats held never exceed the capacity ({COURSE_SEATS}), and nobody waits while a seat is free, "
                           "in every look at the database during the run and after it",
                 len(samples) > 1 and not wrong,
                 f"{len(samples)} looks, {sum(1 for sample in samples if sample[1] > 0)} with a waiting list, "
                 f"{len(wrong)} wrong, e.g. {wrong[:3]}")
    rows = psql(url, "-At", "-F", "\t", "-c",
                "SELECT e.id, e.status, (SELECT count(*) FROM audit_events a WHERE a.resource_type = 'enrolment' "
                "AND a.action = 'created' AND a.resource_id = e.id) FROM enrolments e "
                f"WHERE e.course_id = '{load.course}'").stdout.splitlines()
    stored = {line.split("\t")[0]: (line.split("\t")[1], int(line.split("\t")[2])) for line in rows}
    logs = set(psql(url, "-At", "-c", "SELECT id FROM network_meetings").stdout.split())
    acknowledged = dict(load.ledger.acknowledged)
    missing = [key for key, created_id in acknowledged.items()
               if created_id not in (logs if key.startswith("log-") else stored) and not key.startswith("course-")]
    unaudited = [enrolment for enrolment, (_, created) in stored.items() if created != 1]
    checks.check(scenario, "courses: every acknowledged enrolment and meeting log exists with the id the client was given, "
                           "each enrolment with exactly one `created` audit event",
                 bool(acknowledged) and not missing and not unaudited,
                 f"{len(acknowledged)} acknowledged, {len(missing)} missing, e.g. {missing[:3]}; {len(unaudited)} not audited once")
    twice = psql(url, "-At", "-c", "SELECT count(*) FROM (SELECT 1 FROM enrolments WHERE status <> 'cancelled' "
                 f"AND course_id = '{load.course}' GROUP BY lower(work_email) HAVING count(*) > 1) d").stdout.strip()
    series = psql(url, "-At", "-c", "SELECT count(*) FROM (SELECT 1 FROM network_meetings WHERE series_id LIKE "
                  f"'chaos {load.name}-%' GROUP BY series_id HAVING count(*) > 1) d").stdout.strip()
    checks.check(scenario, "courses: no professional enrolled twice and no meeting logged twice by retries",
                 twice == "0" and series == "0", f"{twice} e-mails with two live enrolments, {series} logs stored twice")
    not_cancelled = [enrolment for enrolment in cancelled if stored.get(enrolment, ("",))[0] != "cancelled"]
    not_replayed = [r for r in repeats if not (r[1] == 201 and r[2] and r[3])]
    checks.check(scenario, "courses: every acknowledged cancellation is stored, and every enrolment sent again was replayed",
                 bool(cancelled) and not not_cancelled and bool(repeats) and not not_replayed
                 and not load.ledger.conflicting_ids,
                 f"{len(cancelled)} cancelled, {len(not_cancelled)} lost; {len(repeats)} sent again, {len(not_replayed)} "
                 f"not replayed; {len(load.ledger.conflicting_ids)} keys with two ids")


# --- coordination and funding: records created, then moved once, under the same faults ----------

# FLOWS_PER_KIND records of a kind at a time. A move names the version it read: a second move, by a
# retry whose first attempt was taken or by the other instance's racer, is 412.
FLOWS_PER_KIND = 2
MOVES_EXPECTED = {"create": {201}, "move": {200, 412}}


class CreateThenMove(Writes):
    """Records of one kind under the faults: FLOWS_PER_KIND flows each create one record after
    another (each create sent again once, which must be replayed), and another party (or the
    same) moves each with `If-Match: "1"`, through every instance at once when racing: one move is
    taken, every other is 412. A subclass names the path, the two tokens, a body for a label and
    the move's body; `check_moved` checks the database."""

    EXPECTED = MOVES_EXPECTED
    PATH = ""
    MOVE = {}

    def __init__(self, name, url, bases, create_token, move_token, racing=False):
        super().__init__(name, url, bases, racing)
        self.create_token = create_token
        self.move_token = move_token
        self.moved = []  # ids whose move was acknowledged
        self.threads = [threading.Thread(target=self.flow, args=(n,)) for n in range(FLOWS_PER_KIND)]

    def body(self, label):
        raise NotImplementedError

    def flow(self, number):
        sequence = 0
        while not self.stop.is_set():
            self.create_and_move(f"{self.name}-{number}-{sequence}")
            sequence += 1

    def create_and_move(self, label):
        body = self.body(label)
        key = f"{self.PATH.rsplit('/', 1)[-1]}-{label}"
        replies = self.final_everywhere("create", "POST", self.PATH, self.create_token, body, key)
        made = next((reply for reply in replies if reply is not None and reply.status == 201), None)
        if made is None:
            return
        record_id = made.json()["id"]
        self.repeat("create", self.PATH, self.create_token, body, key, record_id)
        replies = self.final_everywhere("move", "POST", f"{self.PATH}/{record_id}/transitions", self.move_token,
                                        self.MOVE, None, if_match='"1"')
        if any(reply is not None and reply.status == 200 for reply in replies):
            with self.lock:
                self.moved.append(record_id)


class Needs(CreateThenMove):
    """Requests for help from COURSE_EMPLOYER's contact to COURSE_CENTRE, accepted by the centre's
    adviser; the municipality is told of each acceptance once."""

    PATH = "/api/v1/collaboration-needs"
    MOVE = {"to": "accepted"}

    def __init__(self, name, url, bases, world, racing=False):
        super().__init__(name, url, bases, world["contact_token"], world["adviser_token"], racing)
        self.partner = world["partner"]

    def body(self, label):
        return {"partner_organisation_id": self.partner, "topic": f"Chaos {label}",
                "description": "Råd om ettervern for unge voksne."}


class Grants(CreateThenMove):
    """Grants COURSE_EMPLOYER (through its municipal contact) records to COURSE_CENTRE for a
    project, then pays: each starts granted and is paid once."""

    PATH = "/api/v1/grants"
    MOVE = {"to": "paid"}

    def __init__(self, name, url, bases, world, racing=False):
        super().__init__(name, url, bases, world["contact_token"], world["contact_token"], racing)
        self.funder = world["employer"]
        self.recipient = world["partner"]

    def body(self, label):
        return {"funder_organisation_id": self.funder, "recipient_organisation_id": self.recipient,
                "amount_nok": 100000, "valid_from": "2026-01-01", "valid_until": "2026-12-31",
                "purpose": f"Chaos {label}", "activities": [{"project": "Nettverksmøtekurs"}]}


class Agreements(CreateThenMove):
    """Collaboration agreements LINK Trondheim proposes to COURSE_EMPLOYER, then withdraws: each
    starts proposed and is withdrawn once (an acceptance would leave one in force per pair)."""

    PATH = "/api/v1/collaboration-agreements"
    MOVE = {"to": "withdrawn"}

    def __init__(self, name, url, bases, world, racing=False):
        super().__init__(name, url, bases, world["centre_token"], world["centre_token"], racing)
        self.partner = world["employer"]

    def body(self, label):
        return {"partner_organisation_id": self.partner, "refers": f"Chaos {label}", "feedback": "coarse",
                "centre_contact_role": "Koordinator", "partner_contact_role": "Saksbehandler",
                "valid_from": "2026-01-01"}


class OutreachMeetings(CreateThenMove):
    """Kommunemøter COURSE_CENTRE plans with COURSE_EMPLOYER invited, then cancels: each starts
    planned and is cancelled once."""

    PATH = "/api/v1/outreach-meetings"
    MOVE = {"to": "cancelled"}

    def __init__(self, name, url, bases, world, racing=False):
        super().__init__(name, url, bases, world["adviser_token"], world["adviser_token"], racing)
        self.invited = world["employer"]

    def body(self, label):
        held_on = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
        return {"kind": "municipal_meeting", "title": f"Chaos {label}", "held_on": held_on, "digital": True,
                "programme": [], "invited": [self.invited]}


def check_moved(checks, scenario, url, load, what, table, label_column, statuses, told=None):
    """Each record of `load` created once and moved exactly once, in the database and as the
    clients saw it: `statuses` is (created, moved); `told`, an SQL count of the webhook deliveries
    of a record `r`, must be 1 for a moved one and 0 for another."""
    attempts = list(load.ledger.attempts)
    server_errors = [a for a in attempts if a.status is not None and a.status >= 500]
    checks.check(scenario, f"{what}: no request was answered 5xx or failed",
                 bool(attempts) and not server_errors and not any(a.error for a in attempts),
                 f"{len(attempts)} requests, {len(server_errors)} 5xx")
    with load.lock:
        unexpected, repeats, moved = list(load.unexpected), list(load.repeats), list(load.moved)
    checks.check(scenario, f"{what}: every final answer was one its step expects (a move 412 only when another was taken)",
                 not unexpected, f"{len(unexpected)} otherwise, e.g. {unexpected[:2]}")
    rows = psql(url, "-At", "-F", "\t", "-c",
                "SELECT r.id, r.status, r.version, "
                "(SELECT count(*) FROM audit_events a WHERE a.resource_id = r.id AND a.action = 'created'), "
                "(SELECT count(*) FROM audit_events a WHERE a.resource_id = r.id AND a.action = 'transitioned'), "
                f"{told or '0'} "
                f"FROM {table} r WHERE r.{label_column} LIKE 'Chaos %'").stdout.splitlines()
    stored = {fields[0]: (fields[1], int(fields[2]), int(fields[3]), int(fields[4]), int(fields[5]))
              for fields in (row.split("\t") for row in rows)}
    acknowledged = dict(load.ledger.acknowledged)
    missing = [record for record in acknowledged.values() if record not in stored]
    once = 1 if told else 0
    created, moved_to = statuses
    wrong = {record: row for record, row in stored.items()
             if row[2] != 1 or row[0] not in statuses
             or (row[0] == moved_to) != (row[1] == 2 and row[3] == 1 and row[4] == once)
             or (row[0] == created and (row[1], row[3], row[4]) != (1, 0, 0))}
    checks.check(scenario, f"{what}: every acknowledged create exists once with its id; each moved record moved, was "
                           "audited (and told) exactly once, and an unmoved one not at all",
                 bool(acknowledged) and not missing and not wrong and len(stored) == len(acknowledged),
                 f"{len(acknowledged)} acknowledged, {len(stored)} stored, {len(missing)} missing, "
                 f"{len(wrong)} wrong, e.g. {list(wrong.items())[:2]}")
    lost = [record for record in moved if stored.get(record, ("",))[0] != moved_to]
    not_replayed = [r for r in repeats if not (r[1] == 201 and r[2] and r[3])]
    checks.check(scenario, f"{what}: every acknowledged move is stored, and every create sent again was replayed",
                 bool(moved) and not lost and bool(repeats) and not not_replayed,
                 f"{len(moved)} moved, {len(lost)} lost; {len(repeats)} sent again, {len(not_replayed)} not replayed")


def check_needs(checks, scenario, url, load):
    """Each need answered exactly once, and its municipality told once."""
    check_moved(checks, scenario, url, load, "needs", "collaboration_needs", "topic", ("open", "accepted"),
                told="(SELECT count(*) FROM webhook_deliveries d WHERE d.collaboration_need_id = r.id "
                     "AND d.event_type = 'collaboration_need_answered')")


def check_grants(checks, scenario, url, load):
    """Each grant recorded once and paid once."""
    check_moved(checks, scenario, url, load, "grants", "grants", "purpose", ("granted", "paid"))


def check_agreements(checks, scenario, url, load):
    """Each agreement proposed once and withdrawn once."""
    check_moved(checks, scenario, url, load, "agreements", "collaboration_agreements", "refers",
                ("proposed", "withdrawn"))


def check_outreach(checks, scenario, url, load):
    """Each outreach meeting planned once and cancelled once."""
    check_moved(checks, scenario, url, load, "outreach meetings", "outreach_meetings", "title",
                ("planned", "cancelled"))


def finish(*loads, within=45.0):
    """Ends the starting of new work in every load at once, then waits for the work begun, retried
    until `within` seconds from now."""
    deadline = time.monotonic() + within
    for load in loads:
        load.deadline = deadline
        load.stop.set()
    for load in loads:
        for thread in load.threads:
            thread.join()


# What a person's referral must show, by how far the flow got: (status, the steps of its history).
PLACES_STEPS = {
    "referred": ("submitted", ["submitted"]),
    "booked": ("intake_scheduled", ["submitted", "received", "contacted", "intake_scheduled"]),
    "completed": ("waiting_for_group", ["submitted", "received", "contacted", "intake_scheduled", "intake_completed",
                                        "waiting_for_group"]),
    "placed": ("placed", ["submitted", "received", "contacted", "intake_scheduled", "intake_completed",
                          "waiting_for_group", "placed"]),
}


def check_places(checks, scenario, url, places, fault=None, unavailable_allowed=False):
    """The invariants of the self-help group writes, in the database and as the clients saw them.
    `fault` is the (start, end) of the fault in monotonic time; `unavailable_allowed` lets a 503
    or a failed connection count as the fault's (a restart, a kill) rather than a finding."""
    attempts = list(places.ledger.attempts)
    server_errors = [a for a in attempts if a.status is not None and a.status >= 500 and a.status != 503]
    unavailable = [a for a in attempts if a.status == 503 or a.error]
    statuses = {}
    for a in attempts:
        statuses[a.status or a.error] = statuses.get(a.status or a.error, 0) + 1
    in_fault = [a for a in attempts if fault and fault[0] <= a.started <= fault[1]]
    checks.check(scenario, "groups: no request was answered 500 or any 5xx but the fault's 503" if unavailable_allowed
                 else "groups: no request was answered 5xx (503 included) or failed",
                 bool(attempts) and not server_errors and (unavailable_allowed or not unavailable),
                 f"{len(attempts)} requests, {len(in_fault)} started in the fault; statuses {dict(sorted(statuses.items(), key=str))}")
    with places.lock:
        unexpected = list(places.unexpected)
        answers = dict(places.answers)
    checks.check(scenario, "groups: every final answer was one its step expects (a 409 only for a full group, a "
                           "person placed already, or a retry of a completion or departure that was done)",
                 not unexpected, f"{len(unexpected)} otherwise, e.g. {unexpected[:2]}")

    # The scenario's own groups (the demo data has groups of its own).
    ours = "ARRAY[" + ", ".join(f"'{group_id}'::uuid" for group_id in places.groups) + "]"
    rows = psql(url, "-At", "-F", "\t", "-c",
                "SELECT g.id, g.member_count, g.max_members, "
                "(SELECT count(*) FROM memberships m WHERE m.group_id = g.id AND m.left_at IS NULL), "
                "(SELECT count(*) FROM memberships m WHERE m.group_id = g.id) "
                f"FROM groups g WHERE g.id = ANY({ours})").stdout.splitlines()
    groups = [line.split("\t") for line in rows]
    with places.lock:
        samples = list(places.samples)
    samples += [(int(g[1]), int(g[3]), int(g[2])) for g in groups]
    wrong = [sample for sample in samples if sample[0] != sample[1] or sample[1] > sample[2]]
    checks.check(scenario, f"groups: member_count equals the active memberships and never exceeds max_members ({PLACES_SEATS}), "
                           "in every look at the database during the run and after it",
                 len(groups) == PLACES_GROUPS and len(samples) > len(groups) and not wrong,
                 f"{len(samples)} looks, {sum(1 for sample in samples if sample[1] == sample[2])} at a full group, "
                 f"{len(wrong)} wrong, e.g. {wrong[:3]}; at the end (member_count, active, places ever) per group: "
                 f"{[(int(g[1]), int(g[3]), int(g[4])) for g in groups]}")

    twice = psql(url, "-At", "-F", "\t", "-c",
                 f"WITH ours AS (SELECT * FROM memberships WHERE group_id = ANY({ours})) "
                 "SELECT (SELECT count(*) FROM (SELECT 1 FROM ours GROUP BY referral_id HAVING count(*) > 1) r), "
                 "(SELECT count(*) FROM (SELECT 1 FROM ours GROUP BY intake_id HAVING count(*) > 1) i), "
                 "(SELECT count(*) FROM ours)").stdout.split()
    with places.lock:
        told_twice = [person for person, ids in places.placed.items() if len(ids) > 1]
    checks.check(scenario, "groups: no person was placed twice (one membership per referral and intake, one 201 per person)",
                 twice[0] == "0" and twice[1] == "0" and not told_twice,
                 f"{twice[2]} memberships; {twice[0]} referrals and {twice[1]} intakes with more than one; "
                 f"{len(told_twice)} people told 201 for two places")

    stored = set(psql(url, "-At", "-c", "SELECT id FROM intakes UNION ALL SELECT id FROM memberships "
                      "UNION ALL SELECT id FROM referrals UNION ALL SELECT id FROM groups").stdout.split())
    acknowledged = dict(places.ledger.acknowledged)
    missing = [key for key, created_id in acknowledged.items() if created_id not in stored]
    by_kind = {}
    for key in acknowledged:
        by_kind[key.split("-")[0]] = by_kind.get(key.split("-")[0], 0) + 1
    checks.check(scenario, "groups: every acknowledged create (group, referral, intake, place) exists with the id the client was given",
                 bool(acknowledged) and not missing,
                 f"{len(acknowledged)} acknowledged {dict(sorted(by_kind.items()))}, {len(missing)} missing, e.g. {missing[:3]}")
    with places.lock:
        repeats = list(places.repeats)
    not_replayed = [r for r in repeats if not (r[1] == 201 and r[2] and r[3])]
    checks.check(scenario, "groups: every retry with a key was answered with the first answer's id, and every "
                           "acknowledged booking and placement sent again was replayed (201, Idempotent-Replayed, same id)",
                 not places.ledger.conflicting_ids and bool(repeats) and not not_replayed,
                 f"{len(repeats)} sent again, {len(not_replayed)} not replayed, e.g. {not_replayed[:3]}; "
                 f"{places.replayed} replays in all; {len(places.ledger.conflicting_ids)} keys with two ids")

    # Every person's referral shows exactly the steps of how far the flow got, each step audited:
    # a booking, a completion and a placement each commit whole (with their referral's steps) or not at all.
    rows = psql(url, "-At", "-F", "\t", "-c",
                "SELECT r.id, r.status, i.id IS NOT NULL, coalesce(i.held_at IS NOT NULL, false), "
                "(SELECT count(*) FROM memberships m WHERE m.referral_id = r.id), "
                "(SELECT coalesce(string_agg(t.to_status, ',' ORDER BY t.to_status), '') FROM referral_transitions t "
                " WHERE t.referral_id = r.id), "
                "(SELECT count(*) FROM audit_events a WHERE a.resource_type = 'referral' AND a.action = 'transitioned' "
                " AND a.resource_id = r.id), "
                "(SELECT count(*) FROM audit_events a WHERE a.resource_type = 'intake' AND a.action = 'created' "
                " AND a.resource_id = i.id), "
                "(SELECT count(*) FROM audit_events a WHERE a.resource_type = 'intake' AND a.action = 'completed' "
                " AND a.resource_id = i.id), "
                "(SELECT count(*) FROM audit_events a JOIN memberships m ON m.id = a.resource_id "
                " WHERE a.resource_type = 'membership' AND a.action = 'created' AND m.referral_id = r.id) "
                "FROM referrals r JOIN referral_people p ON p.referral_id = r.id LEFT JOIN intakes i ON i.referral_id = r.id "
                f"WHERE p.wishes LIKE 'places {places.name}-%'").stdout.splitlines()
    reached = {stage: 0 for stage in PLACES_STEPS}
    torn = {"book": [], "complete": [], "place": []}
    for line in rows:
        (referral_id, status, has_intake, held, memberships, steps, transitioned,
         intake_created, intake_completed, membership_created) = line.split("\t")
        steps = steps.split(",") if steps else []
        done = {"book": has_intake == "t", "complete": held == "t", "place": memberships != "0"}
        # Each write's part of the history and its audit events are there once if it was done, else not at all.
        parts = {
            "book": (["received", "contacted", "intake_scheduled"], int(intake_created)),
            "complete": (["intake_completed", "waiting_for_group"], int(intake_completed)),
            "place": (["placed"], int(membership_created)),
        }
        stage = "placed" if done["place"] else "completed" if done["complete"] else "booked" if done["book"] else "referred"
        reached[stage] += 1
        expected_status, expected_steps = PLACES_STEPS[stage]
        whole_history = (status == expected_status and sorted(steps) == sorted(expected_steps)
                         and int(transitioned) == len(steps) - 1 and int(memberships) <= 1)
        last = None
        for write, (write_steps, audited) in parts.items():
            once = int(done[write])
            if any(steps.count(step) != once for step in write_steps) or audited != once:
                torn[write].append((referral_id[-12:], status, steps, audited))
            elif done[write]:
                last = write
        if not whole_history and not any(referral_id[-12:] == t[0] for ts in torn.values() for t in ts):
            torn[last or "book"].append((referral_id[-12:], status, steps, int(transitioned)))
    people = sum(reached.values())
    detail = f"{people} people: {reached}"
    checks.check(scenario, "groups: every intake booking committed whole (intake, referral received → contacted → "
                           "intake_scheduled, audit events) or not at all",
                 reached["booked"] + reached["completed"] + reached["placed"] > 0 and not torn["book"],
                 f"{detail}; {len(torn['book'])} torn, e.g. {torn['book'][:2]}")
    checks.check(scenario, "groups: every intake completion and placement committed whole (intake_completed → "
                           "waiting_for_group, placed, audit events) or not at all",
                 reached["placed"] > 0 and not torn["complete"] and not torn["place"],
                 f"{len(torn['complete'])} completions and {len(torn['place'])} placements torn, e.g. "
                 f"{(torn['complete'] + torn['place'])[:2]}; answers to placements: "
                 f"{ {status: count for (kind, status), count in sorted(answers.items()) if kind == 'place'} }, "
                 f"departures {answers.get(('depart', 200), 0)}")
    if fault:
        after = [t for kind in ("book", "place") for t in places.acknowledged_at.get(kind, []) if t > fault[1]]
        checks.check(scenario, "groups: bookings and placements were under way in the fault and acknowledged after it",
                     bool(in_fault) and bool(after),
                     f"{len(in_fault)} requests started in the fault, {len(after)} bookings and placements acknowledged after it")


# --- hanging receivers and a token flood ---------------------------------------------------------

# The hanging-receivers server gives a receiver one second, and retries a failing subscription
# after 1, 2, 4 … s, so the hanging subscriptions keep taking attempts (and worker slots) all along.
HANG_TIMEOUT = 1.0
# Token requests allowed per address (and per client id) an hour. Every request within the
# allowance costs an Argon2 verification, one at a time on two cores, of 0.5 s and more in a debug
# build under this load (20-30 ms in release), and a request waits at most 5 s for its turn: at
# the default of 60 most of the 48 parallel first requests would be answered 503, not 401.
TOKEN_RATE_LIMIT = 3
HANG_ENV = {**SERVER_ENV, "WEBHOOK_TIMEOUT": f"{HANG_TIMEOUT:g}s", "WEBHOOK_RETRY_BASE": "1s",
            "TOKEN_RATE_LIMIT": str(TOKEN_RATE_LIMIT)}
# How long the hanging receiver sleeps before it answers: well past the server's timeout.
HANG_SLEEP = 3.0
HANGING_SUBSCRIPTIONS = 10
# Of a second municipality, subscribed once to a receiver that answers at once.
PROMPT_MUNICIPALITY = "Levanger kommune"
HANGING_MUNICIPALITY = "Stjørdal kommune"
# Seconds of each phase, after a warm-up the measurements leave out.
WARM_UP = 3.0
BASELINE = 5.0
HANGING = 12.0
FLOOD = 4.0
FLOOD_THREADS = 48
# Each flood thread's pause between its requests: 48 clients at up to 4 requests a second each,
# nearly 200 a second from one address in all. Unpaced, the 48 threads would take the 2-core
# machine's CPU from the server and the readers, as a flood of /health/live does just as well.
FLOOD_PAUSE = 0.25
READERS = 4
# Moves a second, all municipalities together (each a webhook event for its referrer). Creates
# and reads run flat out; moves are paced because one subscription's deliveries go one at a time,
# and a worker's claim skips a subscription while any transaction that enqueued an event for it
# is still open (its foreign key holds a KEY SHARE lock on the subscription's row, which FOR
# UPDATE SKIP LOCKED will not wait for), after which it waits a poll interval. At dozens of
# moves a second for one municipality that backlog grows by itself, hanging receivers or not.
MOVES_PER_SECOND = 10.0
# A move reaches a prompt receiver within the poll interval plus this.
PROMPT_SLACK = 2.0
SCENARIO_BOUND = 45.0


def percentile(values, fraction):
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def near(p99, baseline):
    """The bound a phase's p99 must stay within: twice the baseline's, or 50 ms above it."""
    return p99 <= max(2 * baseline, baseline + 0.050)


class MixedLoad:
    """Every referrer's creator (with Idempotency-Keys, retrying a failure with the same key and
    body) and READERS readers that read random referrals as the centre, flat out, and a mover
    that has the centre receive the oldest referrals not yet received, MOVES_PER_SECOND of them a
    second (each move an event for its referrer's subscriptions). Every request is recorded with
    its kind in the ledger."""

    def __init__(self, name, base, world, ledger, readers=READERS):
        self.name = name
        self.base = base
        self.world = world
        self.ledger = ledger
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.deadline = None
        self.ids = []  # referral ids, as acknowledged
        self.origin = {}  # referral id -> referring municipality
        self.moves = {}  # referral id -> (municipality, started, acknowledged)
        referrers = list(world["referrers"].items())
        self.threads = [threading.Thread(target=self.create_loop, args=(n, org, token))
                        for n, (org, token) in enumerate(referrers)]
        self.threads += [threading.Thread(target=self.read_loop, args=(n,)) for n in range(readers)]
        self.threads.append(threading.Thread(target=self.move_loop))

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def finish(self, within=10.0):
        self.deadline = time.monotonic() + within
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def create_loop(self, number, org, token):
        sequence = 0
        while not self.stop.is_set():
            key = f"{self.name}-{number}-{sequence}"
            body = referral_body(self.world["centre"], key)
            while self.deadline is None or time.monotonic() < self.deadline:
                reply = attempt(self.ledger, "POST", f"{self.base}/api/v1/referrals", token, body, key, kind="create")
                if reply is not None and reply.status == 201:
                    referral_id = reply.json()["id"]
                    self.ledger.acknowledge(key, referral_id)
                    with self.lock:
                        self.ids.append(referral_id)
                        self.origin[referral_id] = org
                    break
                time.sleep(0.1)
            sequence += 1

    def read_loop(self, number):
        chooser = random.Random(number)
        while not self.stop.is_set():
            with self.lock:
                referral_id = chooser.choice(self.ids) if self.ids else None
            if referral_id is None:
                time.sleep(0.02)
                continue
            attempt(self.ledger, "GET", f"{self.base}/api/v1/referrals/{referral_id}", self.world["centre_token"], kind="read")

    def move_loop(self):
        tried = set()
        next_move = time.monotonic()
        while not self.stop.is_set():
            with self.lock:
                pending = [referral_id for referral_id in self.ids if referral_id not in tried]
            if not pending:
                time.sleep(0.02)
                continue
            for referral_id in pending[:20]:
                self.stop.wait(max(0.0, next_move - time.monotonic()))
                if self.stop.is_set():
                    break
                next_move = max(next_move + 1 / MOVES_PER_SECOND, time.monotonic() - 1.0)
                tried.add(referral_id)
                started = time.monotonic()
                reply = attempt(self.ledger, "POST", f"{self.base}/api/v1/referrals/{referral_id}/transitions",
                                self.world["centre_token"], {"to": "received"}, kind="move")
                if reply is not None and reply.status == 200:
                    with self.lock:
                        self.moves[referral_id] = (self.origin[referral_id], started, time.monotonic())
                    with self.ledger.lock:
                        self.ledger.moved.add(referral_id)


def flood(base, seconds, threads, pause, results):
    """In a process of its own (its threads must not slow the measuring process's): `threads`
    threads that each ask for a token for a fresh unknown client id, one request after another
    `pause` seconds apart, for `seconds`. Sends back (started, seconds, status, retry-after,
    content type, error) of each request."""
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    lock = threading.Lock()
    answers = []
    until = time.monotonic() + seconds

    def loop():
        while time.monotonic() < until:
            form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": str(uuid.uuid4()),
                                           "client_secret": "not-the-secret"})
            started = time.monotonic()
            connection = http.client.HTTPConnection(host, port, timeout=CLIENT_TIMEOUT)
            try:
                connection.request("POST", "/api/v1/oauth/token", body=form,
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
                response = connection.getresponse()
                response.read()
                answer = (started, time.monotonic() - started, response.status, response.getheader("retry-after"),
                          response.getheader("content-type", ""), None)
            except (OSError, http.client.HTTPException) as error:
                answer = (started, time.monotonic() - started, None, None, "", type(error).__name__)
            finally:
                connection.close()
            with lock:
                answers.append(answer)
            time.sleep(pause)

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.send(answers)
    results.close()


def run_flood(base, seconds, threads, pause):
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=flood, args=(base, seconds, threads, pause, sending), daemon=True)
    process.start()
    sending.close()
    answers = receiving.recv() if receiving.poll(seconds + 2 * CLIENT_TIMEOUT + 10) else None
    process.join(timeout=10)
    if process.is_alive():
        process.kill()
    return answers


def paused_after_timeout(health):
    state, last_outcome, consecutive_failures = health
    return state == "paused" and last_outcome == "timeout" and consecutive_failures > 0


def watch_health(server, token, subscription_ids, within=3.0):
    """The healths, as (state, last outcome, consecutive failures), each subscription showed in
    GET /api/v1/webhook-subscriptions, looked at every 0.1 s until each has shown itself paused
    after a timeout or `within` seconds have passed. A subscription reads `active` between the end
    of its back-off and the outcome of its next attempt, so one look is not enough."""
    seen = {subscription_id: set() for subscription_id in subscription_ids}
    deadline = time.monotonic() + within
    while True:
        reply = request("GET", f"{server.base}/api/v1/webhook-subscriptions?limit=50",
                        headers={"Authorization": f"Bearer {token}"})
        for item in (reply.json() or {}).get("items", []) if reply.status == 200 else []:
            if item["id"] in seen:
                health = item["health"]
                seen[item["id"]].add((health["state"], health["last_outcome"], health["consecutive_failures"]))
        if all(any(map(paused_after_timeout, states)) for states in seen.values()) or time.monotonic() > deadline:
            return seen
        time.sleep(0.1)


def hanging_receivers(checks, binary, cluster):
    scenario = "hanging receivers"
    began = time.monotonic()
    url, (server,), world = stage(binary, cluster, "chaos_hanging", server_env=HANG_ENV,
                                  referrers=(HANGING_MUNICIPALITY, PROMPT_MUNICIPALITY))
    prompt = Receiver()
    hanging = Receiver(delay=HANG_SLEEP)
    tokens = world["referrers"]
    prompt_subscription = subscribe(server, tokens[PROMPT_MUNICIPALITY], prompt)
    ledger = Ledger()
    load = MixedLoad("hang", server.base, world, ledger).start()
    answers = None
    try:
        time.sleep(WARM_UP)
        baseline = (time.monotonic(), time.monotonic() + BASELINE)
        time.sleep(BASELINE)
        log(f"subscribing {HANGING_MUNICIPALITY} {HANGING_SUBSCRIPTIONS} times to a receiver that sleeps {HANG_SLEEP:g} s")
        hanging_ids = [subscribe(server, tokens[HANGING_MUNICIPALITY], hanging, hanging.url_for(f"hanging-{n}"))
                       for n in range(HANGING_SUBSCRIPTIONS)]
        during = (time.monotonic(), time.monotonic() + HANGING)
        time.sleep(HANGING)
        seen = watch_health(server, tokens[HANGING_MUNICIPALITY], hanging_ids)
        log(f"{FLOOD_THREADS} parallel token requests with unknown client ids for {FLOOD:g} s "
            f"(each thread {FLOOD_PAUSE:g} s between requests)")
        flooding_from = time.monotonic()
        answers = run_flood(server.base, FLOOD, FLOOD_THREADS, FLOOD_PAUSE)
        flooding = (flooding_from, time.monotonic())
    finally:
        load.finish()
    try:
        # Every move's delivery has had the poll interval and the slack since the last move.
        last_move = max((acknowledged for _, _, acknowledged in load.moves.values()), default=time.monotonic())
        time.sleep(max(0.0, last_move + POLL_INTERVAL + PROMPT_SLACK + 0.5 - time.monotonic()))
        prompt_state = request("GET", f"{server.base}/api/v1/webhook-subscriptions/{prompt_subscription}",
                               headers={"Authorization": f"Bearer {tokens[PROMPT_MUNICIPALITY]}"}).json()
        # Every attempt, for a look afterwards at what the worker did when.
        psql(url, "-c", "\\copy (SELECT d.subscription_id, d.created_at, a.attempted_at, a.duration_ms, a.outcome "
             "FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id ORDER BY a.attempted_at) "
             f"TO '{OUT / 'hanging-attempts.csv'}' WITH (FORMAT csv, HEADER)")
        timeouts = psql(url, "-At", "-F", "\t", "-c",
                        "SELECT count(*), coalesce(max(duration_ms), 0) FROM webhook_attempts WHERE outcome = 'timeout'").stdout.split()
    finally:
        server.stop()
        prompt.close()
        hanging.close()

    attempts = list(ledger.attempts)

    def within(window, kinds):
        return [a for a in attempts if a.kind in kinds and window[0] <= a.started < window[1]]

    phases = {"baseline": baseline, "hanging": during}
    if answers is not None:
        phases["flood"] = flooding
        # While the requests within the allowance were being verified (Argon2, one at a time).
        hashed_until = max((a[0] + a[1] for a in answers if a[2] == 401), default=flooding[0])
        hashing = (flooding[0], hashed_until)
    failed = [a for a in attempts if a.error or (a.status or 0) >= 500]
    counts = {status: sum(1 for a in attempts if a.status == status) for status in sorted({a.status for a in attempts if a.status})}
    checks.check(scenario, "no request was answered 5xx (503 included) or hung, in any phase",
                 bool(attempts) and not failed,
                 f"{len(attempts)} requests, statuses {counts}, "
                 f"{sum(1 for a in attempts if a.status == 503)} answered 503, {sum(1 for a in attempts if a.error)} hung")
    for kind in ("read", "create"):
        figures = {name: [a.seconds for a in within(window, {kind}) if a.status and a.status < 500]
                   for name, window in phases.items()}
        base_p99 = percentile(figures["baseline"], 0.99)
        # The flood is about reads; creates are held to the bound in the hanging phase.
        for name in ("hanging", "flood") if kind == "read" else ("hanging",):
            if name not in figures:
                continue
            p99 = percentile(figures[name], 0.99)
            detail = ""
            if name == "flood":
                split = [[a.seconds for a in within(window, {kind})] for window in (hashing, (hashing[1], flooding[1]))]
                detail = (f"; p99 {percentile(split[0], 0.99) * 1000:.0f} ms over {len(split[0])} in the "
                          f"{hashing[1] - hashing[0]:.1f} s of Argon2 for the allowance, "
                          f"{percentile(split[1], 0.99) * 1000:.0f} ms over {len(split[1])} after")
            checks.check(scenario, f"{kind} p99 in the {name} phase stays near the baseline (≤ max(2 × baseline, baseline + 50 ms))",
                         len(figures["baseline"]) >= 50 and len(figures[name]) >= 50 and near(p99, base_p99),
                         f"baseline p99 {base_p99 * 1000:.0f} ms over {len(figures['baseline'])}, "
                         f"{name} p99 {p99 * 1000:.0f} ms over {len(figures[name])}, "
                         f"max {max(figures[name], default=0) * 1000:.0f} ms{detail}")

    # Every move of the prompt municipality's referrals reached its receiver in time.
    arrivals = {}
    for record in prompt.all_records():
        referral_id = json.loads(record["body"])["data"]["referral"]["id"]
        arrivals.setdefault(referral_id, record["arrived"])
    delays = {name: [] for name in phases}
    late = []
    missing = []
    for referral_id, (org, started, _) in load.moves.items():
        if org != PROMPT_MUNICIPALITY:
            continue
        if referral_id not in arrivals:
            missing.append(referral_id)
            continue
        delay = arrivals[referral_id] - started
        if delay > POLL_INTERVAL + PROMPT_SLACK:
            late.append(delay)
        for name, window in phases.items():
            if window[0] <= started < window[1]:
                delays[name].append(delay)
    moved = sum(1 for org, _, _ in load.moves.values() if org == PROMPT_MUNICIPALITY)
    checks.check(scenario, f"every move of {PROMPT_MUNICIPALITY}'s referrals reached its prompt receiver within "
                           f"{POLL_INTERVAL + PROMPT_SLACK:g} s of the move",
                 moved > 0 and not missing and not late,
                 f"{moved} moves, {len(missing)} never delivered, {len(late)} late; "
                 + "; ".join(f"{name}: {len(values)} moves, p99 {percentile(values, 0.99) * 1000:.0f} ms, "
                             f"max {max(values, default=0) * 1000:.0f} ms" for name, values in delays.items()))
    received = prompt.received() + hanging.received()
    checks.check(scenario, "every delivery to either receiver verified (standardwebhooks)",
                 bool(prompt.received()) and bool(hanging.received()) and all(valid for _, valid in received),
                 f"{len(prompt.received())} prompt, {len(hanging.received())} hanging, "
                 f"{sum(1 for _, valid in received if not valid)} refused")
    check_verifier(checks, scenario, prompt)

    tried = {record["path"] for record in hanging.all_records()}
    shown = [any(map(paused_after_timeout, states)) for states in seen.values()]
    checks.check(scenario, "every hanging subscription was tried and shows health paused, last outcome timeout",
                 len(tried) == HANGING_SUBSCRIPTIONS and len(shown) == HANGING_SUBSCRIPTIONS and all(shown),
                 f"{len(tried)} of {HANGING_SUBSCRIPTIONS} tried; {sum(shown)} seen paused after a timeout; (state, last "
                 f"outcome, consecutive failures) seen: {sorted({h for states in seen.values() for h in states}, key=str)}")
    checks.check(scenario, "the prompt subscription stayed active, its last outcome delivered",
                 prompt_state["health"]["state"] == "active" and prompt_state["health"]["last_outcome"] == "delivered",
                 f"health {prompt_state['health']}")
    timeout_count, slowest_ms = int(timeouts[0]), int(timeouts[1])
    checks.check(scenario, f"the server gave up on the hanging receiver at WEBHOOK_TIMEOUT ({HANG_TIMEOUT:g} s, +0.5 s)",
                 timeout_count > 0 and slowest_ms <= (HANG_TIMEOUT + 0.5) * 1000,
                 f"{timeout_count} attempts timed out, the longest after {slowest_ms} ms")

    if answers is None:
        checks.check(scenario, "the token flood finished", False, "its process sent nothing back")
    else:
        statuses = {}
        for answer in answers:
            statuses[answer[2]] = statuses.get(answer[2], 0) + 1
        by_start = sorted(answers, key=lambda answer: answer[0])
        first_429 = next((i for i, answer in enumerate(by_start) if answer[2] == 429), len(by_start))
        unauthorized = sum(1 for answer in answers if answer[2] == 401)
        wrong_429 = [answer for answer in answers if answer[2] == 429
                     and (not answer[3] or not answer[4].startswith("application/problem+json"))]
        others = {status: count for status, count in statuses.items() if status not in (401, 429)}
        checks.check(scenario, f"the token flood was answered 401 up to the allowance ({TOKEN_RATE_LIMIT} an hour), then 429 problem+json with Retry-After",
                     unauthorized == TOKEN_RATE_LIMIT and statuses.get(429, 0) > 0 and not others and not wrong_429,
                     f"{len(answers)} requests from {FLOOD_THREADS} threads: statuses {dict(sorted(statuses.items(), key=str))}; "
                     f"{sum(1 for answer in by_start[first_429:] if answer[2] == 401)} 401s started after the first 429; "
                     f"401 p99 {percentile([a[1] for a in answers if a[2] == 401], 0.99) * 1000:.0f} ms, "
                     f"429 p99 {percentile([a[1] for a in answers if a[2] == 429], 0.99) * 1000:.0f} ms")

    check_exactly_once(checks, scenario, url, "hang", ledger)
    took = time.monotonic() - began
    checks.check(scenario, f"the scenario stayed within {SCENARIO_BOUND:g} s", took <= SCENARIO_BOUND, f"{took:.1f} s")


def main():
    scenarios = {scenario.__name__: scenario for scenario in (database_restart, server_kill, two_instances, hanging_receivers)}
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
            scenario_started = time.monotonic()
            scenario(checks, binary, cluster)
            log(f"scenario {scenario.__name__.replace('_', ' ')} took {time.monotonic() - scenario_started:.1f} s")
    finally:
        for server in STARTED:
            server.stop()
        cluster.destroy()
    log(f"done in {time.monotonic() - started:.0f} s; server logs in {OUT}")
    print(f"{checks.passed} passed, {checks.failed} failed")
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()
