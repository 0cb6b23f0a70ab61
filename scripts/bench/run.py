#!/usr/bin/env python3
"""`make bench`: the API against the physical limit of the database, on this machine, in one run.

Seeds a database with BENCH_ROWS referrals over 50 organisations (set-based SQL), starts the
release server, and measures with wrk (32 connections, warm-up first) side by side with pgbench
doing the same SQL work straight against PostgreSQL, in its default simple protocol and prepared:

  scripts/bench/run.py [RELEASE_BINARY]     (default: release/samhandling under cargo's target directory)

  create     POST /api/v1/referrals with an Idempotency-Key   vs  a single-row insert
  get        GET /api/v1/referrals/{id} as the centre (audited) vs a primary-key select
  list       GET /api/v1/referrals?status=…&limit=50 by cursor vs a 51-row keyset page
  list@10k   the same list, and its twin, on a BENCH_SMALL_ROWS database
  suggested  GET /api/v1/intakes/{id}/suggested-groups as the centre, random waiting intakes of
             it  vs  matching.rs's ranking SQL (SUGGESTED_GROUPS written out) for the same ones
  statistics GET /api/v1/statistics/groups for the whole country's bench year (the last whole
             calendar one): members_placed by municipality x quarter and groups_running by
             theme x quarter, served from the kept result  vs  the statements
             group_statistics.rs runs for that (the versions and the kept result); the first
             request of each, which computes and keeps the result, timed on its own; and
             members_placed one request at a time, API and twin, to tell its cost from the queue
  overview   GET /api/v1/counties/{county}/overview for the last whole year, as the county's
             governor, over a county of 40 municipalities with ten years of dialogue, needs,
             referrals and courses (county-seed.sql)  vs  the statements picture.rs runs for it
             (pgbench-overview.sql), its read event included
  newer      over county-seed.sql's county with newer-seed.sql's evaluations, 2,000 facilitators
             of 350 municipalities and 300,000 network-meeting logs over the same ten years: a
             municipality's dialogue timeline (pages of 20, as its county's governor), a centre's
             list of its facilitators' logs (pages of 50 by cursor, as a competence adviser), the
             network-meeting statistics and the dialogue statistics  vs  the statements each runs
             (pgbench-timeline.sql, pgbench-network-logs.sql, pgbench-network-statistics.sql,
             pgbench-dialogue-statistics.sql), each row with its p99 goal and whether it was met
  webhooks   webhook delivery to 50 receivers of which 5 hang (scripts/bench/webhooks.py), one
             municipality subscribed 50 times: a burst of 200 moves (10,000 deliveries) and a
             steady 2 moves/s, each with the deliveries/s the 45 prompt receivers acknowledged,
             the p50/p99/max delay from a move to its arrival there and the attempts the hanging
             ones got; on its own BENCH_SMALL_ROWS database, about a minute in all

BENCH_ONLY picks scenarios by group, comma-separated: `wrk` (create, get, list, list@10k and their
pgbench twins, after seeding BENCH_ROWS referrals, the long part), `groups` (suggested and
statistics and their twins: groups-seed.sql adds BENCH_ROWS / 200 groups, at least 250, and
BENCH_ROWS / 5 places, with their intakes and sessions, to the BENCH_ROWS database `wrk` seeded,
or seeds that database itself when `wrk` does not run; about 6 minutes at 1M rows on its own) and
`webhooks` (a second of seeding, under a minute of measuring; needs no wrk), `coordination` (the
county overview and its twins on a database of its own, about a minute) and `newer` (the four
rows above on a database of their own, about 20 s of seeding and 6 minutes of measuring). Unset,
all five run.
Just the webhook figure, or just the groups':

  BENCH_ONLY=webhooks scripts/bench/run.py          (the release binary built already)
  make bench BENCH_ONLY=webhooks                    (builds it first)
  BENCH_ONLY=groups scripts/bench/run.py

Prints a table per group (also written to target/bench/report.md): for wrk, groups, coordination and
newer, requests/s, p50, p99, max, errors, the server's peak memory and each API figure as a ratio to
its pgbench twins, then each row's goal and whether this run met it; for
webhooks, the figures above with the machine's CPU split into ours and other processes', so
contention from other builds shows. Nothing here is asserted: speed goals live in this report,
never in timed tests.
"""

import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from harness import ROOT, Server, cargo_binary, pg_tool, psql  # noqa: E402

import webhooks  # noqa: E402  (scripts/bench/webhooks.py, beside this file)

BIN = pathlib.Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else cargo_binary("release")
OUT = ROOT / "target" / "bench"
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
SMALL_ROWS = int(os.environ.get("BENCH_SMALL_ROWS", "10000"))
DURATION = int(os.environ.get("BENCH_DURATION", "20"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "5"))
CONNECTIONS = 32
# The server's connections for requests: as README's "Sizing the pool" advises for a PostgreSQL
# on the same cores, two per core. With the default of 10 on two cores, ten backends and their
# ten blocking threads took turns on the CPU with the server's own workers, and the tail of every
# read grew (docs in README, "What the profiles showed").
POOL = os.environ.get("BENCH_DB_POOL_SIZE", str(2 * (os.cpu_count() or 1)))
GROUPS = ("wrk", "groups", "webhooks", "coordination", "newer")
COUNTY = 99  # the bench county: its municipalities are 9901 to 9940
FACILITATORS = 2000  # newer-seed.sql's network-meeting facilitators, of 350 municipalities
LOGS = 300000  # and their logs over the county's ten years
LARGE = "samhandling_bench"  # the BENCH_ROWS database, which `groups` reuses when `wrk` seeded it
# The self-help groups over the BENCH_ROWS referrals: 5,000 groups and 200,000 places at 1M rows.
GROUP_COUNT = max(250, ROWS // 200)
PLACES = ROWS // 5
YEAR = time.gmtime().tm_year - 1  # the bench year of the groups: a whole past one
ONLY = [name.strip() for name in os.environ.get("BENCH_ONLY", ",".join(GROUPS)).split(",") if name.strip()]


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def server_url():
    return subprocess.check_output([str(ROOT / "scripts" / "pg.sh"), "server"], text=True).strip()


def fresh_database(base, name, rows):
    psql(f"{base}/postgres", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f"{base}/postgres", "-c", f'CREATE DATABASE "{name}"')
    url = f"{base}/{name}"
    subprocess.run([str(BIN), "migrate"], check=True, env={**os.environ, "DATABASE_URL": url, "RUST_LOG": "warn"})
    started = time.time()
    psql(url, "-v", f"rows={rows}", "-f", str(ROOT / "scripts" / "bench" / "seed.sql"))
    log(f"seeded {rows:,} referrals into {name} in {time.time() - started:.0f} s")
    return url


def settle(url):
    """Writes out what earlier work left dirty, so no measurement pays for another's checkpoint."""
    psql(url, "-c", "CHECKPOINT")


def start_server(database_url, extra=None):
    env = {"RUST_LOG": os.environ.get("BENCH_RUST_LOG", "info"), "RETENTION_SWEEP_INTERVAL": "24h", **(extra or {})}
    env["DB_POOL_SIZE"] = POOL
    return Server(BIN, database_url, OUT, env=env).start()


def milliseconds(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(server, script, env, name=None, connections=CONNECTIONS):
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", "--latency", "--timeout", "5s", "-s", str(ROOT / "scripts" / "bench" / script)]
    environment = {**os.environ, **env}
    subprocess.run([*command, f"-d{WARMUP}s", server.base], check=True, env=environment, capture_output=True)
    settle(server.database_url)
    output = subprocess.run([*command, f"-d{DURATION}s", server.base], check=True, env=environment, capture_output=True, text=True).stdout
    (OUT / f"wrk-{name or script}.txt").write_text(output)
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|timeout):? (\d+)", output))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99": milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "max": milliseconds(re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", output).group(1)),
        "errors": errors,
    }


def pgbench(url, script, rows, protocol, defines=None, connections=CONNECTIONS):
    """pgbench with `script` in `protocol`: `simple` (its default, a query string per call) or
    `prepared` (parsed and planned once per connection, as the API's statements are); `defines`
    are more of its variables (-D) beside `rows`."""
    with tempfile.TemporaryDirectory() as logs:
        variables = [f"-D{name}={value}" for name, value in {"rows": rows, **(defines or {})}.items()]
        command = [
            pg_tool("pgbench"), "-n", "-M", protocol, "-c", str(connections), "-j", str(min(2, connections)), *variables,
            "-f", str(ROOT / "scripts" / "bench" / script), "-l", "--log-prefix", f"{logs}/tx", url,
        ]
        subprocess.run([*command, "-T", str(WARMUP)], check=True, capture_output=True)
        settle(url)
        for stale in pathlib.Path(logs).iterdir():
            stale.unlink()
        output = subprocess.run([*command, "-T", str(DURATION)], check=True, capture_output=True, text=True).stdout
        latencies = sorted(
            int(line.split()[2]) / 1000.0
            for file in pathlib.Path(logs).iterdir()
            for line in file.read_text().splitlines()
        )
    failed = re.search(r"number of failed transactions: (\d+)", output)
    return {
        "rps": float(re.search(r"tps = ([\d.]+)", output).group(1)),
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99)],
        "max": latencies[-1],
        "errors": int(failed.group(1)) if failed else 0,
    }


def centre_ids(url, centre, limit=20000):
    output = psql(url, "-At", "-c", f"SELECT id FROM referrals WHERE target_centre_id = '{centre}' LIMIT {limit}").stdout
    path = OUT / "ids.txt"
    path.write_text(output)
    return path


def rate(per_second):
    """Requests or transactions per second as the report shows them: whole ones, but two decimals
    below 10, so that a read taking seconds does not show as 0."""
    return f"{per_second:.2f}" if per_second < 10 else f"{per_second:.0f}"


def table(heading, rows, results, twins):
    """A table of the report under `heading`: a line per (label, name) of `rows`, the API's figures
    in `results` beside its pgbench twins' in `twins` (by name and protocol)."""
    lines = [
        f"## {heading}: {CONNECTIONS} connections, {DURATION} s each",
        "",
        "| scenario | req/s | p50 ms | p99 ms | max ms | errors | twin req/s | twin p99 ms | ratio | prepared twin req/s | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, name in rows:
        api, simple, prepared = results[name], twins[name, "simple"], twins[name, "prepared"]
        lines.append(
            f"| {label} | {rate(api['rps'])} | {api['p50']:.1f} | {api['p99']:.1f} | {api['max']:.0f} | {api['errors']} "
            f"| {rate(simple['rps'])} | {simple['p99']:.1f} | {api['rps'] / simple['rps']:.2f} "
            f"| {rate(prepared['rps'])} | {api['rps'] / prepared['rps']:.2f} |"
        )
    return lines


def goals(rows):
    """The report's lines that say, per row of a group, its goal and whether this run met it:
    `rows` are (label, goal as text, whether met)."""
    return [
        "",
        "| scenario | goal | met |",
        "|---|---|---|",
        *(f"| {label} | {goal} | {'yes' if met else 'no'} |" for label, goal, met in rows),
    ]


def ratio_goal(api, twin, least, p99):
    """A row's goal of at least `least` of its twin's rate with a p99 within `p99` ms, no request
    over 1 s and no errors: (the goal as text, whether `api` met it)."""
    met = api["rps"] / twin["rps"] >= least and api["p99"] <= p99 and api["max"] <= 1000 and api["errors"] == 0
    return f">= {least} of its twin, p99 <= {p99} ms, none over 1 s, no errors", met


def wrk_scenarios(base, centre, municipality):
    """create, get, list and list@10k with wrk, and their pgbench twins; the report's lines."""
    large = fresh_database(base, LARGE, ROWS)
    small = fresh_database(base, "samhandling_bench_small", SMALL_ROWS)
    results = {}

    server = start_server(large)
    env = {
        "BENCH_CENTRE_ID": centre,
        "BENCH_CENTRE_TOKEN": server.token(centre, "centre_coordinator"),
        "BENCH_REFERRER_TOKEN": server.token(municipality, "referrer"),
        "BENCH_IDS_FILE": str(centre_ids(large, centre)),
    }
    log("get by id (audited read)")
    results["get"] = wrk(server, "get.lua", env)
    log(f"list page at {ROWS:,} rows")
    results["list"] = wrk(server, "list.lua", env)
    log("create with Idempotency-Key")
    results["create"] = wrk(server, "create.lua", env)
    memory = server.peak_memory_mib()
    server.stop()

    server = start_server(small)
    env["BENCH_CENTRE_TOKEN"] = server.token(centre, "centre_coordinator")
    log(f"list page at {SMALL_ROWS:,} rows")
    results["list_small"] = wrk(server, "list.lua", env)
    memory = max(memory, server.peak_memory_mib())
    server.stop()

    twins = {}
    for protocol in ("simple", "prepared"):
        for name, script, url, rows in [
            ("get", "pgbench-select.sql", large, ROWS),
            ("list", "pgbench-page.sql", large, ROWS),
            ("list_small", "pgbench-page.sql", small, SMALL_ROWS),
            ("create", "pgbench-insert.sql", large, ROWS),
        ]:
            log(f"pgbench twin of {name} ({protocol} protocol)")
            twins[name, protocol] = pgbench(url, script, rows, protocol)

    rows = [
        ("POST /referrals (create)", "create"),
        ("GET /referrals/{id} (audited)", "get"),
        (f"GET /referrals page @ {ROWS:,}", "list"),
        (f"GET /referrals page @ {SMALL_ROWS:,}", "list_small"),
    ]
    lines = table("API and database", rows, results, twins)
    slowdown = results["list_small"]["rps"] / results["list"]["rps"]
    twin_slowdown = twins["list_small", "simple"]["rps"] / twins["list", "simple"]["rps"]
    lines += [
        "",
        "Twins: the same SQL work straight against PostgreSQL with pgbench (a single-row insert, a",
        "primary-key select, a 51-row keyset page), in pgbench's default simple protocol and, as the",
        "API's own statements run, prepared.",
        "",
        f"Server peak memory (VmHWM): {memory:.0f} MiB",
        f"List page at {ROWS:,} rows vs {SMALL_ROWS:,} rows: {slowdown:.2f}x slower (goal <= 1.3);"
        f" the pgbench page itself: {twin_slowdown:.2f}x",
        "Goals: create >= 0.5 of insert, get >= 0.5 of select, list >= 0.45 of page, p99 <= 50 ms,"
        " no request over 1 s, memory < 150 MiB, zero errors.",
        *goals([
            (label, *ratio_goal(results[name], twins[name, "simple"], least, 50))
            for (label, name), least in zip(rows, (0.5, 0.5, 0.45, 0.45))
        ] + [
            (f"list page @ {ROWS:,} vs @ {SMALL_ROWS:,}", "<= 1.3x slower", slowdown <= 1.3),
            ("server peak memory", "< 150 MiB", memory < 150),
        ]),
    ]
    return lines


def intake_ids(url, centre):
    """The ids of `centre`'s intakes whose person waits for a group, for suggested.lua."""
    output = psql(url, "-At", "-c", f"SELECT i.id FROM intakes i JOIN referrals r ON r.id = i.referral_id "
                  f"WHERE i.centre_id = '{centre}' AND r.status = 'waiting_for_group'").stdout
    path = OUT / "intake-ids.txt"
    path.write_text(output)
    return path


# The statistics asked for, a whole country's bench year each: (name, query string, twin script).
STATISTICS = [
    ("statistics", f"measure=members_placed&rows=municipality&columns=quarter&year={YEAR}", "pgbench-statistics.sql"),
    ("statistics_running", f"measure=groups_running&rows=theme&columns=quarter&year={YEAR}",
     "pgbench-statistics-running.sql"),
]


def timed_get(server, token, path):
    """Milliseconds of one GET of `path` as `token`."""
    request = urllib.request.Request(f"{server.base}{path}", headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def first_request(server, token, query):
    """Milliseconds of one GET of the group statistics `query` with no result kept: what the first
    reader after a change of an ended quarter's counts waits, while the result is computed."""
    measure = re.search(r"measure=(\w+)", query).group(1)
    psql(server.database_url, "-c", f"DELETE FROM published_group_statistics WHERE measure = '{measure}'")
    request = urllib.request.Request(f"{server.base}/api/v1/statistics/groups?{query}",
                                     headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def groups_scenarios(base, centre, municipality, seeded):
    """suggested and statistics with wrk, and their pgbench twins, over the self-help groups of
    groups-seed.sql on the BENCH_ROWS database (the one `wrk` seeded, if `seeded`); the report's
    lines."""
    url = f"{base}/{LARGE}" if seeded else fresh_database(base, LARGE, ROWS)
    started = time.time()
    psql(url, "-v", f"year={YEAR}", "-v", f"groups={GROUP_COUNT}", "-v", f"places={PLACES}",
         "-f", str(ROOT / "scripts" / "bench" / "groups-seed.sql"))
    counts = psql(url, "-At", "-F", " ", "-c", "SELECT (SELECT count(*) FROM groups), (SELECT count(*) FROM intakes), "
                  "(SELECT count(*) FROM memberships), (SELECT count(*) FROM group_sessions)").stdout.split()
    log(f"seeded {int(counts[0]):,} groups, {int(counts[1]):,} intakes, {int(counts[2]):,} places and"
        f" {int(counts[3]):,} sessions in {time.time() - started:.0f} s")
    results = {}

    server = start_server(url)
    env = {
        "BENCH_CENTRE_TOKEN": server.token(centre, "centre_coordinator"),
        "BENCH_REFERRER_TOKEN": server.token(municipality, "referrer"),
        "BENCH_INTAKE_IDS_FILE": str(intake_ids(url, centre)),
    }
    log("suggested groups for an intake")
    results["suggested"] = wrk(server, "suggested.lua", env)
    first = {}
    for name, query, _ in STATISTICS:
        log(f"group statistics: {query}")
        first[name] = first_request(server, env["BENCH_REFERRER_TOKEN"], query)
        results[name] = wrk(server, "statistics.lua", {**env, "BENCH_STATISTICS_QUERY": query}, name=name)
    # One request at a time: what a statistics request costs by itself, without the queue that 32
    # connections on the machine's cores build.
    alone_name, alone_query, alone_script = STATISTICS[0]
    log(f"group statistics, one connection: {alone_query}")
    alone = wrk(server, "statistics.lua", {**env, "BENCH_STATISTICS_QUERY": alone_query}, name=f"{alone_name}-alone",
                connections=1)
    memory = server.peak_memory_mib()
    server.stop()

    bounds = {"year": YEAR}  # the twins' quarters, make_date(:year, 1, 1) up to the next year's
    twins = {}
    for protocol in ("simple", "prepared"):
        for name, script, defines in [
            ("suggested", "pgbench-suggested.sql", None),
            *[(name, script, bounds) for name, _, script in STATISTICS],
        ]:
            log(f"pgbench twin of {name} ({protocol} protocol)")
            twins[name, protocol] = pgbench(url, script, ROWS, protocol, defines)
    log("pgbench twin of statistics, one connection (prepared protocol)")
    twin_alone = pgbench(url, alone_script, ROWS, "prepared", bounds, connections=1)
    load = os.getloadavg()  # this group's own load included: its share of the 2 cores is plain

    lines = table("Self-help groups", [
        ("GET /intakes/{id}/suggested-groups", "suggested"),
        (f"GET /statistics/groups members_placed, municipality x quarter, {YEAR}", "statistics"),
        (f"GET /statistics/groups groups_running, theme x quarter, {YEAR}", "statistics_running"),
    ], results, twins)
    lines += [
        "",
        f"Over {int(counts[0]):,} groups, {int(counts[1]):,} intakes, {int(counts[2]):,} places and"
        f" {int(counts[3]):,} sessions of {YEAR} (groups-seed.sql), beside the {ROWS:,} referrals.",
        "Twins: matching.rs's ranking SQL for a random waiting intake of the same centre, and the",
        "statements group_statistics.rs runs to serve a kept result, straight against PostgreSQL",
        "with pgbench.",
        "First request, computing every breakdown's audit and keeping the result: "
        + ", ".join(f"{name} {ms:.0f} ms" for name, ms in first.items()),
        "",
        f"Server peak memory (VmHWM): {memory:.0f} MiB; load average at the end {load[0]:.1f} (1 min),"
        f" {load[2]:.1f} (15 min) on {os.cpu_count()} cores",
        f"members_placed one request at a time: {alone['rps']:.1f} req/s, p50 {alone['p50']:.1f} ms, p99"
        f" {alone['p99']:.1f} ms; its prepared twin {twin_alone['rps']:.1f}/s, p50 {twin_alone['p50']:.1f} ms,"
        f" p99 {twin_alone['p99']:.1f} ms",
        "Goals: suggested >= 0.45 of its twin with p99 <= 50 ms; statistics p99 <= 200 ms; zero errors.",
        *goals([
            ("GET /intakes/{id}/suggested-groups", *ratio_goal(results["suggested"], twins["suggested", "prepared"],
                                                              0.45, 50)),
            *[(f"GET /statistics/groups {measure}", "p99 <= 200 ms, no errors",
               results[name]["p99"] <= 200 and results[name]["errors"] == 0)
              for name, query, _ in STATISTICS for measure in re.findall(r"measure=(\w+)", query)],
        ]),
    ]
    return lines


def coordination_scenario(base):
    """The county overview with wrk and its pgbench twins, over county-seed.sql's county; the
    report's lines."""
    url = fresh_database(base, "samhandling_bench_county", 0)
    started = time.time()
    psql(url, "-v", f"county={COUNTY}", "-v", f"first_year={YEAR - 9}",
         "-f", str(ROOT / "scripts" / "bench" / "county-seed.sql"))
    log(f"seeded county {COUNTY} ({YEAR - 9} to {YEAR}) in {time.time() - started:.0f} s")
    governor = psql(url, "-At", "-c", "SELECT md5('county-governor')::uuid").stdout.strip()
    server = start_server(url)
    env = {
        "BENCH_GOVERNOR_TOKEN": server.token(governor, "governor_adviser"),
        "BENCH_OVERVIEW_PATH": f"/api/v1/counties/{COUNTY}/overview?year={YEAR}",
    }
    log(f"county overview {COUNTY}, {YEAR}")
    first = timed_get(server, env["BENCH_GOVERNOR_TOKEN"], env["BENCH_OVERVIEW_PATH"])
    results = {"overview": wrk(server, "overview.lua", env)}
    memory = server.peak_memory_mib()
    server.stop()
    twins = {}
    for protocol in ("simple", "prepared"):
        log(f"pgbench twin of overview ({protocol} protocol)")
        twins["overview", protocol] = pgbench(url, "pgbench-overview.sql", 0, protocol, {"county": COUNTY, "year": YEAR})
    counts = psql(url, "-At", "-F", " ", "-c", "SELECT (SELECT count(*) FROM dialogue_findings), "
                  "(SELECT count(*) FROM collaboration_needs), (SELECT count(*) FROM follow_up_actions), "
                  "(SELECT count(*) FROM referrals), (SELECT count(*) FROM enrolments)").stdout.split()
    lines = table("Coordination", [(f"GET /counties/{COUNTY}/overview, {YEAR}", "overview")], results, twins)
    lines += [
        "",
        f"A county of 40 municipalities over ten years ({YEAR - 9} to {YEAR}, county-seed.sql): {int(counts[0]):,}"
        f" findings with their risk, {int(counts[1]):,} needs, {int(counts[2]):,} follow-up actions,"
        f" {int(counts[3]):,} referrals and {int(counts[4]):,} completed enrolments.",
        "Twin: the statements picture.rs runs for the overview while the county's counts are kept",
        "(pgbench-overview.sql), with its read event.",
        f"First request, computing and auditing the county's counts about people: {first:.0f} ms",
        f"Server peak memory (VmHWM): {memory:.0f} MiB",
        "Goal: p99 <= 100 ms; zero errors.",
        *goals([(f"GET /counties/{COUNTY}/overview, {YEAR}", "p99 <= 100 ms, no errors",
                 results["overview"]["p99"] <= 100 and results["overview"]["errors"] == 0)]),
    ]
    return lines


# The `newer` reads: (name, label, who reads, path, twin script, p99 goal in ms, why that goal).
# A p99 goal of no more than the simple twin's own p99 in the same run, for a read whose twin
# alone cannot meet a fixed goal on this machine.
TWIN_TAIL = "twin"
NEWER = [
    ("timeline", f"GET /municipalities/{COUNTY}01/dialogue, pages of 20", "governor",
     f"/api/v1/municipalities/{COUNTY}01/dialogue?limit=20", "pgbench-timeline.sql", 50,
     "a page a person waits for, as the referral list's"),
    ("network_logs", f"GET /network-meetings, pages of 50 @ {LOGS:,} logs", "adviser",
     "/api/v1/network-meetings?limit=50", "pgbench-network-logs.sql", TWIN_TAIL,
     "every record of the page is audited, its 50 read events committed with a flush before the"
     " page leaves; the database alone needs about 100 to 220 ms at p99 for that at 32 connections"
     " on two cores, so the server is held to adding no tail of its own"),
    ("dialogue_statistics", "GET /statistics/dialogue", "governor",
     "/api/v1/statistics/dialogue", "pgbench-dialogue-statistics.sql", 200,
     "a published table, as the group statistics'"),
    ("network_statistics", f"GET /statistics/network-meetings @ {LOGS:,} logs", "governor",
     "/api/v1/statistics/network-meetings", "pgbench-network-statistics.sql", 200,
     "a published table, as the group statistics'"),
]
def tail_goal(goal, twin):
    """A newer read's p99 limit in ms and how the report states it: `goal` itself, or for
    TWIN_TAIL the p99 of its simple `twin`."""
    if goal == TWIN_TAIL:
        return twin["p99"], f"its simple twin's p99 ({twin['p99']:.1f} ms)"
    return goal, f"{goal} ms"


def newer_scenarios(base):
    """The newer reads with wrk and their pgbench twins, over county-seed.sql's county and
    newer-seed.sql's facilitators and logs; the report's lines."""
    url = fresh_database(base, "samhandling_bench_newer", 0)
    started = time.time()
    psql(url, "-v", f"county={COUNTY}", "-v", f"first_year={YEAR - 9}",
         "-f", str(ROOT / "scripts" / "bench" / "county-seed.sql"))
    psql(url, "-v", f"county={COUNTY}", "-v", f"first_year={YEAR - 9}", "-v", f"facilitators={FACILITATORS}",
         "-v", f"logs={LOGS}", "-f", str(ROOT / "scripts" / "bench" / "newer-seed.sql"))
    log(f"seeded county {COUNTY} ({YEAR - 9} to {YEAR}) with {LOGS:,} network-meeting logs in"
        f" {time.time() - started:.0f} s")
    governor = psql(url, "-At", "-c", "SELECT md5('county-governor')::uuid").stdout.strip()
    adviser = psql(url, "-At", "-c", "SELECT md5('county-competence-1')::uuid").stdout.strip()
    server = start_server(url)
    tokens = {"governor": server.token(governor, "governor_adviser"), "adviser": server.token(adviser, "competence_adviser")}
    results, first = {}, {}
    for name, label, who, path, _, _, _ in NEWER:
        log(label)
        # The first request computes what later ones may be served from (the network-meeting
        # statistics keep their result), so it is timed on its own before wrk's warm-up.
        first[name] = timed_get(server, tokens[who], path)
        results[name] = wrk(server, "read.lua", {"BENCH_READ_PATH": path, "BENCH_READ_TOKEN": tokens[who]},
                            name=name)
    memory = server.peak_memory_mib()
    server.stop()
    defines = {"county": COUNTY, "first_year": YEAR - 9, "logs": LOGS, "facilitators": FACILITATORS}
    twins = {}
    for protocol in ("simple", "prepared"):
        for name, _, _, _, script, _, _ in NEWER:
            log(f"pgbench twin of {name} ({protocol} protocol)")
            twins[name, protocol] = pgbench(url, script, 0, protocol, defines)
    load = os.getloadavg()
    counts = psql(url, "-At", "-F", " ", "-c", "SELECT (SELECT count(*) FROM dialogue_meetings), "
                  "(SELECT count(*) FROM dialogue_evaluations), (SELECT count(*) FROM facilitators), "
                  "(SELECT count(*) FROM network_meetings), (SELECT count(*) FROM network_meetings WHERE EXISTS "
                  f"(SELECT 1 FROM facilitators f WHERE f.competence_centre_id = '{adviser}' "
                  "AND f.facilitator = network_meetings.facilitator))").stdout.split()
    lines = table("Newer reads", [(label, name) for name, label, *_ in NEWER], results, twins)
    lines += [
        "",
        f"County {COUNTY}'s ten years ({YEAR - 9} to {YEAR}, county-seed.sql) with newer-seed.sql: {int(counts[0]):,}"
        f" dialogue meetings and {int(counts[1]):,} evaluations (a municipality's timeline holds 50 entries),"
        f" {int(counts[2]):,} facilitator links and {int(counts[3]):,} network-meeting logs, {int(counts[4]):,} of"
        " them followed by the listing centre.",
        "Twins: the statements each read runs, straight against PostgreSQL with pgbench (the log list's with its"
        " read events).",
        "First request of each: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in first.items()),
        "Every row at 32 connections; the network-meeting statistics served from the result kept by the first"
        " request, their twin the statements that serve it.",
        f"Server peak memory (VmHWM): {memory:.0f} MiB; load average at the end {load[0]:.1f} (1 min),"
        f" {load[2]:.1f} (15 min) on {os.cpu_count()} cores",
        *goals([(f"{label} (p99 {results[name]['p99']:.1f} ms)", f"p99 <= {limit_text}, no errors: {why}",
                 results[name]["p99"] <= limit and results[name]["errors"] == 0)
                for name, label, _, _, _, goal, why in NEWER
                for limit, limit_text in [tail_goal(goal, twins[name, "simple"])]]),
    ]
    return lines


def webhook_scenario(base, centre, municipality):
    """The webhook delivery scenario (webhooks.py) on its own small database; the report's lines."""
    url = fresh_database(base, "samhandling_bench_webhooks", SMALL_ROWS)
    server = start_server(url, webhooks.SERVER_ENV)
    try:
        result = webhooks.run(
            server, centre, municipality, lambda sql: psql(url, "-At", "-c", sql).stdout.strip(), lambda: settle(url), log
        )
    finally:
        server.stop()
    return webhooks.report(result)


def main():
    unknown = [name for name in ONLY if name not in GROUPS]
    if unknown or not ONLY:
        sys.exit(f"bench: BENCH_ONLY names {', '.join(unknown) or 'nothing'}; choose from {', '.join(GROUPS)}")
    if not BIN.exists():
        sys.exit(f"bench: {BIN} not found: build the release binary first (make bench does)")
    OUT.mkdir(parents=True, exist_ok=True)
    base = server_url()
    centre = psql(f"{base}/postgres", "-At", "-c", "SELECT md5('org-1')::uuid").stdout.strip()
    municipality = psql(f"{base}/postgres", "-At", "-c", "SELECT md5('org-26')::uuid").stdout.strip()

    lines = [f"# make bench: {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores ({', '.join(ONLY)}),"
             f" DB_POOL_SIZE={POOL}"]
    if "wrk" in ONLY:
        lines += ["", *wrk_scenarios(base, centre, municipality)]
    if "groups" in ONLY:
        lines += ["", *groups_scenarios(base, centre, municipality, seeded="wrk" in ONLY)]
    if "webhooks" in ONLY:
        lines += webhook_scenario(base, centre, municipality)
    if "coordination" in ONLY:
        lines += ["", *coordination_scenario(base)]
    if "newer" in ONLY:
        lines += ["", *newer_scenarios(base)]
    report = "\n".join(lines) + "\n"
    (OUT / "report.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
