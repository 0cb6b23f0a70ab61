#!/usr/bin/env python3
"""`make bench`: the API against the physical limit of the database, on this machine, in one run.

Seeds a database with BENCH_ROWS referrals over 50 organisations (set-based SQL), starts the
release server, and measures with wrk (32 connections, warm-up first) side by side with pgbench
doing the same SQL work straight against PostgreSQL:

  create     POST /api/v1/referrals with an Idempotency-Key   vs  a single-row insert
  get        GET /api/v1/referrals/{id} as the centre (audited) vs a primary-key select
  list       GET /api/v1/referrals?status=…&limit=50 by cursor vs a 51-row keyset page
  list@10k   the same list on a BENCH_SMALL_ROWS database

Prints one table (also written to target/bench/report.md) with requests/s, p50, p99, max,
errors, the server's peak memory and each API figure as a ratio to its pgbench twin. Nothing
here is asserted: speed goals live in this report, never in timed tests.
"""

import os
import pathlib
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = ROOT / "target" / "release" / "samhandling"
OUT = ROOT / "target" / "bench"
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
SMALL_ROWS = int(os.environ.get("BENCH_SMALL_ROWS", "10000"))
DURATION = int(os.environ.get("BENCH_DURATION", "20"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "5"))
CONNECTIONS = 32
POOL = os.environ.get("BENCH_DB_POOL_SIZE", "")


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def pg_tool(name):
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(pathlib.Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        sys.exit(f"bench: {name} not found; install postgresql (it ships pgbench)")
    return str(candidates[-1])


def server_url():
    return subprocess.check_output([str(ROOT / "scripts" / "pg.sh"), "server"], text=True).strip()


def psql(url, *args, **kwargs):
    return subprocess.run([pg_tool("psql"), "-q", "-X", url, *args], check=True, text=True, capture_output=True, **kwargs)


def fresh_database(base, name, rows):
    psql(f"{base}/postgres", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f"{base}/postgres", "-c", f'CREATE DATABASE "{name}"')
    url = f"{base}/{name}"
    subprocess.run([str(BIN), "migrate"], check=True, env={**os.environ, "DATABASE_URL": url, "RUST_LOG": "warn"})
    started = time.time()
    psql(url, "-v", f"rows={rows}", "-f", str(ROOT / "scripts" / "bench" / "seed.sql"))
    log(f"seeded {rows:,} referrals into {name} in {time.time() - started:.0f} s")
    return url


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, database_url):
        self.secret = secrets.token_urlsafe(48)
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "BIND_ADDR": f"127.0.0.1:{self.port}",
            "JWT_SECRET": self.secret,
            "RUST_LOG": os.environ.get("BENCH_RUST_LOG", "info"),
            "RETENTION_SWEEP_INTERVAL": "24h",
        }
        if POOL:
            env["DB_POOL_SIZE"] = POOL
        self.log = open(OUT / f"server-{self.port}.log", "w")
        self.process = subprocess.Popen([str(BIN), "serve"], env=env, stdout=self.log, stderr=self.log)
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{self.base}/health/ready", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        sys.exit("bench: the server did not become ready")

    def token(self, organisation, role):
        return subprocess.check_output(
            [str(BIN), "token", "--org", organisation, "--role", role, "--ttl", "2h"],
            env={**os.environ, "JWT_SECRET": self.secret},
            text=True,
        ).strip()

    def peak_memory_mib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=40)
        self.log.close()


def milliseconds(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(server, script, env):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", "--latency", "--timeout", "5s", "-s", str(ROOT / "scripts" / "bench" / script)]
    environment = {**os.environ, **env}
    subprocess.run([*command, f"-d{WARMUP}s", server.base], check=True, env=environment, capture_output=True)
    output = subprocess.run([*command, f"-d{DURATION}s", server.base], check=True, env=environment, capture_output=True, text=True).stdout
    (OUT / f"wrk-{script}.txt").write_text(output)
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|timeout):? (\d+)", output))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99": milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "max": milliseconds(re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", output).group(1)),
        "errors": errors,
    }


def pgbench(url, script, rows):
    with tempfile.TemporaryDirectory() as logs:
        command = [
            pg_tool("pgbench"), "-n", "-c", str(CONNECTIONS), "-j", "2", "-D", f"rows={rows}",
            "-f", str(ROOT / "scripts" / "bench" / script), "-l", "--log-prefix", f"{logs}/tx", url,
        ]
        subprocess.run([*command, "-T", str(WARMUP)], check=True, capture_output=True)
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


def main():
    if not BIN.exists():
        sys.exit("bench: build the release binary first (make bench does)")
    OUT.mkdir(parents=True, exist_ok=True)
    base = server_url()
    centre = psql(f"{base}/postgres", "-At", "-c", "SELECT md5('org-1')::uuid").stdout.strip()
    municipality = psql(f"{base}/postgres", "-At", "-c", "SELECT md5('org-26')::uuid").stdout.strip()

    large = fresh_database(base, "samhandling_bench", ROWS)
    small = fresh_database(base, "samhandling_bench_small", SMALL_ROWS)
    results = {}

    server = Server(large)
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

    server = Server(small)
    env["BENCH_CENTRE_TOKEN"] = server.token(centre, "centre_coordinator")
    log(f"list page at {SMALL_ROWS:,} rows")
    results["list_small"] = wrk(server, "list.lua", env)
    memory = max(memory, server.peak_memory_mib())
    server.stop()

    twins = {}
    for name, script in [("get", "pgbench-select.sql"), ("list", "pgbench-page.sql"), ("create", "pgbench-insert.sql")]:
        log(f"pgbench twin of {name}")
        twins[name] = pgbench(large, script, ROWS)

    rows = [
        ("POST /referrals (create)", results["create"], twins["create"]),
        ("GET /referrals/{id} (audited)", results["get"], twins["get"]),
        (f"GET /referrals page @ {ROWS:,}", results["list"], twins["list"]),
        (f"GET /referrals page @ {SMALL_ROWS:,}", results["list_small"], None),
    ]
    lines = [
        f"# make bench: {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores, {CONNECTIONS} connections, {DURATION} s each",
        "",
        "| scenario | req/s | p50 ms | p99 ms | max ms | errors | pgbench twin req/s | twin p99 ms | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, api, twin in rows:
        ratio = f"{api['rps'] / twin['rps']:.2f}" if twin else "-"
        twin_rps = f"{twin['rps']:.0f}" if twin else "-"
        twin_p99 = f"{twin['p99']:.1f}" if twin else "-"
        lines.append(
            f"| {label} | {api['rps']:.0f} | {api['p50']:.1f} | {api['p99']:.1f} | {api['max']:.0f} | {api['errors']} | {twin_rps} | {twin_p99} | {ratio} |"
        )
    slowdown = results["list_small"]["rps"] / results["list"]["rps"]
    lines += [
        "",
        f"Server peak memory (VmHWM): {memory:.0f} MiB",
        f"List page at {ROWS:,} rows vs {SMALL_ROWS:,} rows: {slowdown:.2f}x slower (goal <= 1.3)",
        "Goals: create >= 0.5 of insert, get >= 0.5 of select, list >= 0.45 of page, p99 <= 50 ms,"
        " no request over 1 s, memory < 150 MiB, zero errors.",
    ]
    report = "\n".join(lines) + "\n"
    (OUT / "report.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
