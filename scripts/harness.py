"""What `make bench` and `make chaos` share: the PostgreSQL tools, a throwaway cluster, the server
binary as a process, a plain HTTP client and a webhook receiver. Standard library only, so a fresh machine needs
nothing installed for it.
"""

import http.client
import http.server
import json
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[1]


def pg_tool(name):
    """The path of a PostgreSQL program, from PATH or the Debian layout."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(pathlib.Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        sys.exit(f"{name} not found; install postgresql")
    return str(candidates[-1])


def psql(url, *args):
    """Runs psql quietly against `url`; raises on failure, returns the completed process."""
    return subprocess.run(
        [pg_tool("psql"), "-q", "-X", "-v", "ON_ERROR_STOP=1", url, *args],
        check=True,
        text=True,
        capture_output=True,
    )


def cargo_binary(profile):
    """The server binary of `profile` (debug, release) under cargo's target directory, which
    scripts/target-dir.sh asks of cargo (CARGO_TARGET_DIR, build.target-dir, else target/)."""
    target = subprocess.run([str(ROOT / "scripts" / "target-dir.sh")], check=True, text=True, capture_output=True)
    return pathlib.Path(target.stdout.strip()) / profile / "samhandling"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalCluster:
    """A PostgreSQL cluster of our own, in a directory under target/, on a free port: one a test may
    stop, restart and crash without touching the machine's server."""

    def __init__(self, directory):
        self.directory = pathlib.Path(directory)
        self.data = self.directory / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *command):
        if self.as_root:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, check=True, capture_output=True, text=True)

    def create(self):
        if self.directory.exists():
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True)
        if self.as_root:
            shutil.chown(self.directory, "postgres")
        self._run(pg_tool("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")
        self.start()
        return self

    def start(self):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c max_connections=60"
        self._run(pg_tool("pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "server.log"), "-w", "-o", options, "start")

    def stop(self, mode="fast"):
        self._run(pg_tool("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self):
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, database="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name):
        psql(self.url(), "-c", f'CREATE DATABASE "{name}"')
        return self.url(name)


class Server:
    """The samhandling binary serving on a port of 127.0.0.1, its log in `log_dir`."""

    def __init__(self, binary, database_url, log_dir, secret=None, port=None, env=None):
        self.binary = str(binary)
        self.database_url = database_url
        self.secret = secret or secrets.token_urlsafe(48)
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_dir = pathlib.Path(log_dir)
        self.extra_env = env or {}
        self.process = None
        self.log = None
        self.starts = 0

    def environment(self):
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "BIND_ADDR": f"127.0.0.1:{self.port}",
            "JWT_SECRET": self.secret,
            "RUST_LOG": "info",
            **self.extra_env,
        }

    def start(self, ready_within=60):
        self.starts += 1
        self.log = open(self.log_dir / f"server-{self.port}-{self.starts}.log", "w")
        self.process = subprocess.Popen([self.binary, "serve"], env=self.environment(), stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"the server on port {self.port} exited with {self.process.returncode}; see {self.log.name}")
            try:
                if request("GET", f"{self.base}/health/ready", timeout=2).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        sys.exit(f"the server on port {self.port} did not become ready; see {self.log.name}")

    def token(self, organisation, role, ttl="2h"):
        return subprocess.check_output(
            [self.binary, "token", "--org", organisation, "--role", role, "--ttl", ttl],
            env={**os.environ, "JWT_SECRET": self.secret},
            text=True,
        ).strip()

    def peak_memory_mib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def kill(self):
        """SIGKILL: no drain, no shutdown hook, as when the machine or the OOM killer takes it."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.kill()
                return
        if self.log:
            self.log.close()


class Reply:
    """A response read whole: status, headers (lower-case names), body, and how long it took."""

    def __init__(self, status, headers, body, seconds):
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds

    def json(self):
        return json.loads(self.body) if self.body else None


def request(method, url, headers=None, body=None, timeout=10):
    """One HTTP request on a fresh connection; raises OSError (timeouts and broken responses
    included) when it fails."""
    parts = urllib.parse.urlsplit(url)
    payload = json.dumps(body).encode() if body is not None else None
    all_headers = {"Content-Type": "application/json"} if payload is not None else {}
    all_headers.update(headers or {})
    started = time.monotonic()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=payload, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Reply(response.status, headers, data, time.monotonic() - started)
    except http.client.HTTPException as error:
        raise ConnectionError(f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()


class WebhookReceiver:
    """A webhook receiver on 127.0.0.1: every POST goes to `on_delivery(path, headers, body)`
    (headers with lower-case names), then is answered 200 after `delay` seconds. A threading
    server, so a receiver that hangs (a delay longer than the server's WEBHOOK_TIMEOUT) holds up
    none of its other requests; `keep_alive` answers in HTTP/1.1, as a production receiver would."""

    def __init__(self, on_delivery, delay=0.0, keep_alive=False):
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                on_delivery(self.path, {name.lower(): value for name, value in self.headers.items()}, body)
                if delay:
                    self.close_connection = True
                    time.sleep(delay)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the server gave up waiting and closed the connection

            def log_message(self, *args):
                pass

        class Quiet(http.server.ThreadingHTTPServer):
            daemon_threads = True
            # Room for every worker's connection at once: beyond the listen backlog a connection
            # waits for a SYN retransmission (1 s) and the server times out before we see it.
            request_queue_size = 128

            def handle_error(self, request, client_address):
                pass  # a connection the server closed while the handler slept

        self.server = Quiet(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
