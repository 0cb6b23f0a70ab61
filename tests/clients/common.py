"""What usage.py and webhooks.py share: the server's address, an authenticated generated client
for one of the tokens clients.sh mints, and the checks they print (`PASS`/`FAIL` lines, counted
for the closing `N passed, N failed`)."""

import os

from samhandling_client import AuthenticatedClient

BASE = os.environ["SAMHANDLING_BASE_URL"]


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        suffix = f" ({detail})" if detail else ""
        print(f"{'PASS' if ok else 'FAIL'} {name}{suffix}", flush=True)
        return ok


def client(token_variable):
    """The generated client, authenticated with the token in environment variable `token_variable`."""
    return AuthenticatedClient(base_url=BASE, token=os.environ[token_variable], timeout=10.0)
