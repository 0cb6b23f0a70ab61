"""Schemathesis hooks for `make contract`.

Two request parts are server state that no schema can describe, so a generator cannot invent a
valid one:

- `cursor` is an opaque, signed position that only a previous page's `next_cursor` provides (a
  made-up one is rightly 400). Positive cases keep a cursor only if the server issued it; the
  stateful phase follows the `next_page` links with real ones.
- `Idempotency-Key`: a key reused with another body is rightly 422. Positive cases get a fresh key,
  as a well-behaved client would for a new request.
- `target_centre_id` must name an existing self-help centre (a random id is rightly 404). Positive
  cases address the demo centre the caller acts for (`CONTRACT_CENTRE_ID`), so that referrals are
  really created and the stateful phase can read, move and erase them.

- The token request's `client_id` and `client_secret` must name a registered client (invented
  ones are rightly 401). Positive cases send the client contract.sh registered
  (`CONTRACT_CLIENT_ID`, `CONTRACT_CLIENT_SECRET`), with a scope it holds.

- An approval must name a client of the approving centre (another id is rightly 404): positive
  cases approve the pending client contract.sh registered (`CONTRACT_PENDING_CLIENT_ID`).

Which party calls which operation is set in schemathesis.toml, not here.

Negative cases are left untouched: invented values are still sent there and must be rejected.
"""

import os
import uuid

import schemathesis

_ISSUED_CURSORS = set()


def _is_positive(case):
    return case.meta is not None and case.meta.generation.mode.is_positive


@schemathesis.hook
def after_call(context, case, response):
    try:
        body = response.json()
    except Exception:
        return
    if isinstance(body, dict) and isinstance(body.get("next_cursor"), str):
        _ISSUED_CURSORS.add(body["next_cursor"])


@schemathesis.hook
def before_call(context, case, kwargs):
    if not _is_positive(case):
        return
    if case.query and "cursor" in case.query and case.query["cursor"] not in _ISSUED_CURSORS:
        del case.query["cursor"]
    if case.headers:
        for name in list(case.headers):
            if name.lower() == "idempotency-key":
                case.headers[name] = str(uuid.uuid4())
    client = os.environ.get("CONTRACT_CLIENT_ID")
    if client and case.operation.path == "/api/v1/oauth/token" and isinstance(case.body, dict):
        case.body["client_id"] = client
        case.body["client_secret"] = os.environ.get("CONTRACT_CLIENT_SECRET", "")
        if "scope" in case.body:
            case.body["scope"] = "referrer"
    pending = os.environ.get("CONTRACT_PENDING_CLIENT_ID")
    if pending and case.operation.path == "/api/v1/api-clients/{id}/approval" and case.path_parameters:
        case.path_parameters["id"] = pending
    centre = os.environ.get("CONTRACT_CENTRE_ID")
    if centre and isinstance(case.body, dict) and "target_centre_id" in case.body:
        case.body["target_centre_id"] = centre
