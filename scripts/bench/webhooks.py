"""The webhook delivery scenario of `make bench`: 50 receivers of which 5 hang.

One municipality (the seed's org-26) subscribes 50 times, each subscription to its own receiver
on 127.0.0.1 (a ThreadingHTTPServer per receiver, in this process, keep-alive). 45 receivers
answer 200 at once; 5 read the request and hang for 5 s, longer than the server's
WEBHOOK_TIMEOUT (2 s here), so every attempt to them times out. Every move of one of the
municipality's referrals (to the seed's centre org-1, moved to `received` by the centre's
coordinator) fans out to all 50 subscriptions. The server runs with the product's defaults
otherwise: WEBHOOK_CONCURRENCY 16, WEBHOOK_RETRY_BASE 10 s, WEBHOOK_POLL_INTERVAL 1 s (set them
in the environment to vary them).

  warm-up   BENCH_WEBHOOK_WARMUP (20) moves, delivered; then VACUUM (ANALYZE) of the webhook
            tables and a CHECKPOINT, so the outbox has a history its statistics have seen, as a
            long-running database's has, and the hanging subscriptions are already backing off
  burst     BENCH_WEBHOOK_EVENTS (200) moves at once from 8 client threads (10,000 deliveries),
            timed until the prompt receivers have had all 9,000 (at most BENCH_WEBHOOK_LIMIT,
            60 s): the throughput, and how long a backlog takes to drain
  steady    BENCH_WEBHOOK_RATE (2) moves a second for BENCH_WEBHOOK_STEADY_SECONDS (10), below
            capacity: the delay an event sees when there is no backlog

For each phase: deliveries/s the prompt receivers acknowledged (unique, from the first move to the
last arrival, and per second of the phase), the delay from a move (its transition call returning,
client-side) to its event's arrival at each prompt receiver (p50, p99, max), and the attempts the
hanging receivers got. Every arrival's Standard Webhooks signature is checked against its
subscription's secret; missing deliveries, duplicates (at-least-once redeliveries) and bad
signatures count as errors. The machine's CPU is sampled each second and split into the server,
its PostgreSQL, this bench and everything else (other builds or tests: contention), and the
database's own record of deliveries and timed-out attempts is reported beside the receivers'.
"""

import base64
import collections
import concurrent.futures
import hashlib
import hmac
import json
import os
import threading
import time
import uuid
from datetime import datetime

from harness import WebhookReceiver, request

RECEIVERS = 50
HANGING = 5
EVENTS = int(os.environ.get("BENCH_WEBHOOK_EVENTS", "200"))
WARMUP = int(os.environ.get("BENCH_WEBHOOK_WARMUP", "20"))
PACED_RATE = float(os.environ.get("BENCH_WEBHOOK_RATE", "2"))
PACED_SECONDS = float(os.environ.get("BENCH_WEBHOOK_STEADY_SECONDS", "10"))
PACED_DRAIN = 10.0
LIMIT = float(os.environ.get("BENCH_WEBHOOK_LIMIT", "60"))
TIMEOUT = "2s"  # WEBHOOK_TIMEOUT; the hanging receivers outlast it
HANG_SECONDS = 5.0
CLIENTS = 8

# The server's settings for the scenario: http to 127.0.0.1 allowed, a short receiver timeout;
# concurrency, retry base and poll interval are the product's defaults unless set here.
SERVER_ENV = {
    "WEBHOOK_ALLOW_HTTP": "1",
    "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
    "WEBHOOK_TIMEOUT": TIMEOUT,
    **{name: os.environ[name] for name in ("WEBHOOK_CONCURRENCY", "WEBHOOK_RETRY_BASE", "WEBHOOK_POLL_INTERVAL") if name in os.environ},
}


class Receiver:
    """One webhook receiver on a port of 127.0.0.1 that records every request it gets; one that
    `hangs` answers only after HANG_SECONDS, longer than the server's WEBHOOK_TIMEOUT."""

    def __init__(self, hangs):
        self.hangs = hangs
        self.arrivals = []  # (time.time() at arrival, headers, body)
        self.lock = threading.Lock()
        self.secret = None
        self.server = None

    def arrive(self, _path, headers, body):
        arrived = time.time()
        with self.lock:
            self.arrivals.append((arrived, headers, body))

    def start(self):
        delay = HANG_SECONDS if self.hangs else 0.0
        self.server = WebhookReceiver(self.arrive, delay, keep_alive=True)
        self.url = f"{self.server.base}/hook"
        return self

    def stop(self):
        self.server.close()

    def count(self):
        with self.lock:
            return len(self.arrivals)


TICKS = os.sysconf("SC_CLK_TCK")


def machine_cpu():
    """(busy, total) CPU seconds of the whole machine so far, over all cores."""
    with open("/proc/stat") as stat:
        fields = [int(n) for n in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    total = sum(fields[:8])  # up to steal; guest time is counted inside user
    return (total - idle) / TICKS, total / TICKS


def process_cpu(pid):
    """CPU seconds `pid` has used so far (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


class CpuSampler:
    """Once a second, how busy the machine was and who was busy: the server, the PostgreSQL
    processes serving its database (and the cluster's own background processes), this bench
    process, and everything else: other builds and tests on the machine."""

    def __init__(self, server_pid, postgres_pids):
        self.parts = {"server": lambda: [server_pid], "postgres": postgres_pids, "bench": lambda: [os.getpid()]}
        self.samples = []  # per second: {"machine": cores busy, "server": cores, ...}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _cpu_of(self):
        return {name: {pid: process_cpu(pid) for pid in pids()} for name, pids in self.parts.items()}

    def _run(self):
        busy, total = machine_cpu()
        seen = self._cpu_of()
        while not self.stopping.wait(1.0):
            now_busy, now_total = machine_cpu()
            now = self._cpu_of()
            cores = os.cpu_count() or 1
            wall = (now_total - total) / cores
            sample = {"machine": (now_busy - busy) / wall}
            for name, pids in now.items():
                # A process new in this second counts from zero; one that ended is left out.
                sample[name] = sum(cpu - seen[name].get(pid, 0.0) for pid, cpu in pids.items() if cpu) / wall
            sample["others"] = max(0.0, sample["machine"] - sample["server"] - sample["postgres"] - sample["bench"])
            self.samples.append(sample)
            busy, total, seen = now_busy, now_total, now

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.thread.join()

    def mean(self, name):
        return sum(s[name] for s in self.samples) / max(1, len(self.samples))


def signature_ok(secret, headers, body):
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers.get('webhook-id')}.{headers.get('webhook-timestamp')}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [part.split(",", 1)[1] for part in headers.get("webhook-signature", "").split() if part.startswith("v1,")]
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)


def percentile(values, q):
    return values[min(len(values) - 1, int(len(values) * q))]


def call(method, url, token, body=None, key=None, if_match=None):
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    if if_match:
        headers["If-Match"] = if_match
    reply = request(method, url, headers=headers, body=body, timeout=30)
    if reply.status >= 300:
        raise RuntimeError(f"{method} {url}: {reply.status} {reply.body[:300]!r}")
    return reply


def referral_body(centre):
    return {
        "target_centre_id": centre,
        "offer": "self_help_group",
        "person": {"given_name": "Kari", "family_name": "Nordmann", "phone": "+4791234567",
                   "preferred_language": "nb", "municipality_number": "5035"},
        "target_groups": ["work_assessment_allowance"],
        "wishes": "Ønsker en gruppe på dagtid.",
        "preferred_format": "digital",
        # Consent to feedback, so the referrer sees (and is told of) the move to `received`.
        "consent": {"contact": True, "feedback_to_referrer": True, "obtained_via": "in_person",
                    "obtained_at": "2026-11-20T10:15:00Z"},
    }


class Phase:
    """One measured stretch: the moves it made (referral → when the call returned) and the machine's
    CPU meanwhile."""

    def __init__(self, name, server_pid, postgres_pids):
        self.name = name
        self.moved_at = {}
        self.sampler = CpuSampler(server_pid, postgres_pids)
        self.started = self.enqueued = self.finished = None

    def begin(self):
        self.sampler.start()
        self.started = time.time()

    def end(self):
        self.finished = time.time()
        self.sampler.stop()


def analyse(phase, prompt, hanging):
    """The figures of `phase` from what the receivers recorded."""
    delays, event_delays, bad_signatures, duplicates = [], [], 0, 0
    last_arrival = phase.started
    per_second = collections.Counter()
    for receiver in prompt:
        seen = set()
        with receiver.lock:
            arrivals = list(receiver.arrivals)
        for arrived, headers, body in arrivals:
            payload = json.loads(body)
            referral = payload["data"]["referral"]["id"]
            if referral not in phase.moved_at:
                continue  # another phase's event
            if not signature_ok(receiver.secret, headers, body):
                bad_signatures += 1
            if headers.get("webhook-id") in seen:
                duplicates += 1
                continue
            seen.add(headers.get("webhook-id"))
            delays.append((arrived - phase.moved_at[referral]) * 1000.0)
            event_delays.append((arrived - datetime.fromisoformat(payload["timestamp"]).timestamp()) * 1000.0)
            last_arrival = max(last_arrival, arrived)
            per_second[int(arrived - phase.started)] += 1
    delays.sort()
    event_delays.sort()
    expected = len(phase.moved_at) * len(prompt)
    span = max(last_arrival - phase.started, 1e-9)
    timeline = [per_second.get(second, 0) for second in range(int(span) + 1)]
    full = timeline[:-1] or timeline  # the last second is partial
    nan = float("nan")
    return {
        "name": phase.name,
        "events": len(phase.moved_at),
        "expected": expected,
        "delivered": len(delays),
        "missing": expected - len(delays),
        "duplicates": duplicates,
        "bad_signatures": bad_signatures,
        "enqueue_s": phase.enqueued - phase.started,
        "span_s": span,
        "waited_s": phase.finished - phase.started,
        "rps": len(delays) / span,
        "rps_min": min(full),
        "rps_median": sorted(full)[len(full) // 2],
        "rps_max": max(full),
        "timeline": timeline,
        "p50": percentile(delays, 0.50) if delays else nan,
        "p99": percentile(delays, 0.99) if delays else nan,
        "max": delays[-1] if delays else nan,
        "event_p99": percentile(event_delays, 0.99) if event_delays else nan,
        "hanging_attempts": sum(1 for r in hanging for arrived, _, _ in r.arrivals if phase.started <= arrived <= phase.finished),
        "cpu": {name: phase.sampler.mean(name) for name in ("machine", "server", "postgres", "bench", "others")},
        "cpu_timeline": [(round(s["machine"], 2), round(s["others"], 2)) for s in phase.sampler.samples],
    }


def run(server, centre, municipality, psql_at, settle, log):
    """Runs the scenario against `server` (started with SERVER_ENV on a seeded database) and
    returns its figures. `psql_at(sql)` returns the database's answer as unaligned text;
    `settle()` checkpoints, so the measured burst pays for no earlier writes."""
    database = psql_at("SELECT current_database()")

    def postgres_pids():
        listed = psql_at(f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}' OR datname IS NULL")
        return [int(pid) for pid in listed.split()]

    referrer = server.token(municipality, "referrer")
    coordinator = server.token(centre, "centre_coordinator")
    api = f"{server.base}/api/v1"
    paced_events = round(PACED_RATE * PACED_SECONDS)

    # Without a collaboration agreement the referrer is told nothing: agree on detailed feedback.
    proposed = call("POST", f"{api}/collaboration-agreements", coordinator, {
        "partner_organisation_id": municipality, "refers": "Alle", "feedback": "detailed",
        "centre_contact_role": "Koordinator", "partner_contact_role": "Saksbehandler",
        "valid_from": "2026-01-01"}, key=f"bench-agreement-{uuid.uuid4()}").json()
    call("POST", f"{api}/collaboration-agreements/{proposed['id']}/transitions", referrer, {"to": "in_force"},
         if_match="*")

    log(f"webhooks: creating {WARMUP + EVENTS + paced_events} referrals")
    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        created = list(pool.map(
            lambda n: call("POST", f"{api}/referrals", referrer, referral_body(centre), key=f"bench-webhook-{uuid.uuid4()}").json()["id"],
            range(WARMUP + EVENTS + paced_events),
        ))
    warmup_ids, burst_ids, paced_ids = created[:WARMUP], created[WARMUP:WARMUP + EVENTS], created[WARMUP + EVENTS:]

    # Hanging receivers spread through the list (the 1st, 11th, … subscription), so the worker
    # meets one early in every round.
    receivers = [Receiver(hangs=i % (RECEIVERS // HANGING) == 0).start() for i in range(RECEIVERS)]
    prompt = [r for r in receivers if not r.hangs]
    hanging = [r for r in receivers if r.hangs]

    def move(phase, referral):
        call("POST", f"{api}/referrals/{referral}/transitions", coordinator, {"to": "received"})
        phase.moved_at[referral] = time.time()

    def burst(phase, ids):
        """Moves `ids` to `received` as fast as CLIENTS threads can."""
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(lambda referral: move(phase, referral), ids))

    def paced(phase, ids, rate):
        """Moves `ids` one by one, `rate` a second."""
        for n, referral in enumerate(ids):
            time.sleep(max(0.0, phase.started + n / rate - time.time()))
            move(phase, referral)

    def wait_for(expected, deadline):
        while time.time() < deadline and sum(r.count() for r in prompt) < expected:
            time.sleep(0.05)

    phases = []
    try:
        for receiver in receivers:
            reply = call("POST", f"{api}/webhook-subscriptions", referrer,
                         {"url": receiver.url, "event_types": ["referral_status_changed"]}, key=f"bench-sub-{uuid.uuid4()}")
            receiver.secret = reply.json()["secret"]

        # Warm-up: a small burst delivered first, so connections are open, the hanging
        # subscriptions are already backing off, and the outbox has a history that VACUUM
        # (ANALYZE) has seen, as a long-running database's autovacuum would have.
        log(f"webhooks: warm-up, {WARMUP} events")
        warm = Phase("warm-up", server.process.pid, postgres_pids)
        warm.begin()
        burst(warm, warmup_ids)
        wait_for(WARMUP * len(prompt), time.time() + LIMIT)
        warm.end()
        psql_at("VACUUM (ANALYZE) webhook_subscriptions, webhook_deliveries, webhook_attempts")
        settle()
        before = sum(r.count() for r in prompt)

        log(f"webhooks: burst, {EVENTS} moves at once ({EVENTS * RECEIVERS:,} deliveries, {EVENTS * len(prompt):,} to prompt receivers)")
        phase = Phase("burst", server.process.pid, postgres_pids)
        phase.begin()
        burst(phase, burst_ids)
        phase.enqueued = time.time()
        wait_for(before + EVENTS * len(prompt), phase.started + LIMIT)
        phase.end()
        phases.append(phase)

        log(f"webhooks: steady, {PACED_RATE:g} moves a second for {PACED_SECONDS:g} s")
        before = sum(r.count() for r in prompt)
        phase = Phase("steady", server.process.pid, postgres_pids)
        phase.begin()
        paced(phase, paced_ids, PACED_RATE)
        phase.enqueued = time.time()
        wait_for(before + paced_events * len(prompt), phase.enqueued + PACED_DRAIN)
        phase.end()
        phases.append(phase)
        memory = server.peak_memory_mib()
    finally:
        for receiver in receivers:
            receiver.stop()

    results = [analyse(phase, prompt, hanging) for phase in phases]
    hanging_urls = ",".join(f"'{r.url}'" for r in hanging)
    db_delivered, db_timeouts, db_pending = psql_at(
        "SELECT count(*) FILTER (WHERE d.delivered_at IS NOT NULL), "
        f"(SELECT count(*) FROM webhook_attempts a JOIN webhook_deliveries x ON x.id = a.delivery_id "
        f"  JOIN webhook_subscriptions t ON t.id = x.subscription_id "
        f"  WHERE t.url IN ({hanging_urls}) AND a.outcome = 'timeout'), "
        "count(*) FILTER (WHERE d.delivered_at IS NULL AND d.abandoned_at IS NULL) "
        "FROM webhook_deliveries d"
    ).split("|")
    return {
        "phases": results,
        "warmup": WARMUP,
        "prompt_arrivals": sum(r.count() for r in prompt),
        "hanging_arrivals": sum(r.count() for r in hanging),
        "db_delivered": int(db_delivered),
        "db_timeouts": int(db_timeouts),
        "db_pending": int(db_pending),
        "seconds": phases[-1].finished - phases[0].started,
        "memory": memory,
        "settings": {"WEBHOOK_TIMEOUT": TIMEOUT, "hang": f"{HANG_SECONDS:g}s",
                     **{k: v for k, v in SERVER_ENV.items() if k not in ("WEBHOOK_ALLOW_HTTP", "WEBHOOK_ALLOW_PRIVATE_TARGETS", "WEBHOOK_TIMEOUT")}},
    }


def report(result):
    """The scenario's lines of the report."""
    burst, steady = result["phases"]
    settings = ", ".join(f"{k}={v}" for k, v in result["settings"].items())
    labels = {
        "burst": f"burst: {burst['events']} moves at once × {RECEIVERS - HANGING} prompt receivers ({burst['expected']:,} deliveries)",
        "steady": f"steady: {PACED_RATE:g} moves/s for {PACED_SECONDS:g} s × {RECEIVERS - HANGING} ({steady['expected']:,} deliveries)",
    }
    lines = [
        "",
        f"## Webhook delivery: {RECEIVERS} receivers, {HANGING} of them hanging ({settings}; other WEBHOOK_ settings default)",
        "",
        "| scenario | deliveries/s | per second min / median / max | p50 ms | p99 ms | max ms | hanging attempts | errors | cores busy (others) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in (burst, steady):
        errors = r["missing"] + r["duplicates"] + r["bad_signatures"]
        lines.append(
            f"| {labels[r['name']]} | {r['rps']:.0f} | {r['rps_min']} / {r['rps_median']} / {r['rps_max']} "
            f"| {r['p50']:.0f} | {r['p99']:.0f} | {r['max']:.0f} | {r['hanging_attempts']} | {errors} "
            f"| {r['cpu']['machine']:.2f} ({r['cpu']['others']:.2f}) |"
        )
    lines += [
        "",
        "deliveries/s: unique deliveries the 45 prompt receivers acknowledged, from the phase's first move to its last"
        " arrival. Delay: from a move's transition call returning to its event's arrival at a prompt receiver;"
        " in the burst a backlog drains in order, so it grows with an event's place in the burst. Errors: missing"
        " deliveries, duplicates and bad Standard Webhooks signatures. Cores busy: the machine's average over the"
        " phase, of which (others) neither the server, its PostgreSQL nor this bench: other builds or tests, i.e."
        " contention.",
        "",
    ]
    for r in (burst, steady):
        lines += [
            f"- {r['name']}: {r['delivered']:,} of {r['expected']:,} prompt deliveries in {r['span_s']:.1f} s"
            f" (moves made in {r['enqueue_s']:.1f} s); missing {r['missing']}, duplicates {r['duplicates']},"
            f" bad signatures {r['bad_signatures']}; p99 from the event's own timestamp {r['event_p99']:.0f} ms;"
            f" CPU server {r['cpu']['server']:.2f}, PostgreSQL {r['cpu']['postgres']:.2f}, bench {r['cpu']['bench']:.2f},"
            f" others {r['cpu']['others']:.2f} cores.",
            f"  Deliveries per second: {r['timeline']}",
            f"  Cores busy per second (machine, others): {r['cpu_timeline']}",
        ]
    lines += [
        f"- Over the whole run (a warm-up of {result['warmup']} moves, then the phases, {result['seconds']:.0f} s) the receivers"
        f" got {result['prompt_arrivals']:,} prompt deliveries and {result['hanging_arrivals']} attempts at the hanging ones; the"
        f" database recorded {result['db_delivered']:,} delivered and {result['db_timeouts']} timed out (an attempt is"
        f" recorded when it ends, so one still in flight is not yet counted); {result['db_pending']:,} are still pending,"
        " the hanging receivers' backlog. Hanging attempts per phase count arrivals within it: one made just before a"
        " phase holds its slot for up to WEBHOOK_TIMEOUT into it.",
        f"- Server peak memory (VmHWM): {result['memory']:.0f} MiB.",
    ]
    return lines
