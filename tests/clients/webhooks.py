"""What a Python integrator does to receive Samhandling's webhooks: subscribe through the client
openapi-python-client generates from openapi/openapi.json, run a receiver, and verify every
delivery with the `standardwebhooks` package (Standard Webhooks 1.0), never with code of its own.
scripts/clients.sh runs this after usage.py, against the server started with WEBHOOK_ALLOW_HTTP=1,
WEBHOOK_ALLOW_PRIVATE_TARGETS=1 (so that a receiver on 127.0.0.1 may be named) and
WEBHOOK_POLL_INTERVAL=200ms, with the generated package on PYTHONPATH and:

  SAMHANDLING_BASE_URL        the server, e.g. http://127.0.0.1:41234
  SAMHANDLING_REFERRER_TOKEN  a referrer token of Stjørdal kommune
  SAMHANDLING_CENTRE_TOKEN    a centre coordinator token of LINK Trondheim
  SAMHANDLING_CENTRE_ID       LINK Trondheim's id

Stjørdal kommune subscribes a receiver on 127.0.0.1, refers Kari to LINK Trondheim and the centre
receives her: the delivery verifies under the subscription's secret and tells the move, and the
verifier refuses the same delivery with a tampered body, with a correctly signed timestamp 10
minutes old, and under another secret. Then the secret is rotated and the centre contacts Kari:
that delivery carries two signatures and verifies under the new secret and under the old one, as
a receiver that has not yet deployed the new secret needs. Prints one line per check and
`N passed, N failed`; exits non-zero on any failure.
"""

import base64
import datetime
import json
import os
import queue
import re
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from samhandling_client.api.referrals import create_referral, transition_referral
from samhandling_client.api.webhook_subscriptions import (
    create_webhook_subscription,
    get_webhook_subscription,
    rotate_webhook_secret,
)
from samhandling_client.models import (
    CreatedWebhookSubscription,
    CreateWebhookSubscription,
    RotatedSecret,
    TransitionRequest,
    WebhookSubscription,
)
from standardwebhooks import Webhook, WebhookVerificationError

from common import Checks, client, kari_referral

# How long a delivery may take to arrive: the server looks for due deliveries every 200 ms.
DELIVERY_WAIT = 10.0



class Receiver:
    """The integrator's endpoint on 127.0.0.1: keeps each delivery's raw body and headers, as a
    verifier needs them (the signature covers the bytes, not their parsed JSON), and answers 204."""

    def __init__(self):
        self.deliveries = queue.Queue()
        deliveries = self.deliveries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                deliveries.put((self.path, body, {name.lower(): value for name, value in self.headers.items()}))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/fagsystem"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self):
        """The next delivery as (path, body, headers); None if none came within DELIVERY_WAIT."""
        try:
            return self.deliveries.get(timeout=DELIVERY_WAIT)
        except queue.Empty:
            return None

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def answer(response):
    """A response for a failure's detail, with any secret in it blotted out: secrets stay out of logs."""
    text = response.content[:400].decode(errors="replace")
    return f"{response.status_code}: " + re.sub(r'"whsec_[^"]*"', '"whsec_…"', text)



def verified(secret, body, headers):
    """The payload if `standardwebhooks` accepts the delivery under `secret`, else None."""
    try:
        return Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return None


def refused(secret, body, headers):
    try:
        Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return True
    return False


def signed_at(secret, body, headers, seconds):
    """The delivery's headers with webhook-timestamp `seconds` and a correct signature for it."""
    at = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    return {
        **headers,
        "webhook-timestamp": str(seconds),
        "webhook-signature": Webhook(secret).sign(headers["webhook-id"], at, body.decode()),
    }


def a_secret_of_our_own():
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def move(checks, referral_id, to):
    with client("SAMHANDLING_CENTRE_TOKEN") as centre:
        response = transition_referral.sync_detailed(
            referral_id, client=centre, body=TransitionRequest.from_dict({"to": to})
        )
    return checks.check(
        f"transition_referral to {to} as centre: 200",
        response.status_code == 200,
        "" if response.status_code == 200 else answer(response),
    )


def check_delivery(checks, label, delivery, secret, referral_id, reference, status, coarse_status):
    """The delivery verifies under `secret` and tells this move; returns its payload."""
    if not checks.check(f"{label}: a delivery arrived within {DELIVERY_WAIT:g} s", delivery is not None):
        return None
    path, body, headers = delivery
    payload = verified(secret, body, headers)
    checks.check(
        f"{label}: Webhook(secret).verify accepts it (webhook-id, webhook-timestamp, webhook-signature)",
        payload is not None,
        f"headers {sorted(name for name in headers if name.startswith('webhook-'))}",
    )
    referral = (payload or {}).get("data", {}).get("referral", {})
    checks.check(
        f"{label}: the payload is a referral_status_changed event for this referral, {status}",
        payload is not None
        and payload.get("type") == "referral_status_changed"
        and referral.get("id") == str(referral_id)
        and referral.get("external_reference") == reference
        and referral.get("status") == status
        and referral.get("coarse_status") == coarse_status,
        f"{json.dumps(payload)[:300]}",
    )
    return payload


def main():
    checks = Checks()
    receiver = Receiver()
    try:
        run(checks, receiver)
    finally:
        receiver.close()
    print(f"{checks.passed} passed, {checks.failed} failed", flush=True)
    sys.exit(1 if checks.failed else 0)


def run(checks, receiver):
    centre_id = os.environ["SAMHANDLING_CENTRE_ID"]
    with client("SAMHANDLING_REFERRER_TOKEN") as referrer:
        response = create_webhook_subscription.sync_detailed(
            client=referrer,
            body=CreateWebhookSubscription.from_dict({"url": receiver.url, "event_types": ["referral_status_changed"]}),
            idempotency_key=str(uuid.uuid4()),
        )
        created = response.parsed
        if not checks.check(
            "create_webhook_subscription: 201 with a whsec_ secret, health active",
            response.status_code == 201
            and isinstance(created, CreatedWebhookSubscription)
            and isinstance(created.secret, str)
            and created.secret.startswith("whsec_")
            and created.health.state == "active",
            answer(response),
        ):
            return
        secret = created.secret
        reference = f"WEBHOOKS-{uuid.uuid4().hex[:12]}"
        response = create_referral.sync_detailed(
            client=referrer, body=kari_referral(centre_id, reference), idempotency_key=reference
        )
        if not checks.check("create_referral as referrer: 201", response.status_code == 201, f"{response.status_code}"):
            return
        referral_id = response.parsed.id

    if not move(checks, referral_id, "received"):
        return
    delivery = receiver.next()
    first = check_delivery(checks, "received", delivery, secret, referral_id, reference, "received", "received")
    first_id = delivery[2].get("webhook-id") if delivery else None
    if first is not None:
        _, body, headers = delivery
        referral_text = str(referral_id).encode()
        tampered = body.replace(referral_text, str(uuid.uuid4()).encode())
        now = int(datetime.datetime.now(datetime.UTC).timestamp())
        checks.check(
            "received: a tampered body (another referral's id) is refused with WebhookVerificationError",
            tampered != body and refused(secret, tampered, headers),
        )
        checks.check(
            "received: the same body correctly signed with a webhook-timestamp 10 minutes old is refused",
            refused(secret, body, signed_at(secret, body, headers, now - 600))
            and not refused(secret, body, signed_at(secret, body, headers, now)),
            "and accepted when signed now",
        )
        checks.check(
            "received: under a secret other than the subscription's it is refused",
            refused(a_secret_of_our_own(), body, headers),
        )

    with client("SAMHANDLING_REFERRER_TOKEN") as referrer:
        response = rotate_webhook_secret.sync_detailed(created.id, client=referrer, idempotency_key=str(uuid.uuid4()))
        rotated = response.parsed
        overlap_ok = (
            isinstance(rotated, RotatedSecret)
            and isinstance(rotated.previous_secret_valid_until, datetime.datetime)
            and datetime.timedelta(hours=23)
            < rotated.previous_secret_valid_until - datetime.datetime.now(datetime.UTC)
            <= datetime.timedelta(hours=24)
        )
        if not checks.check(
            "rotate_webhook_secret: 200 with a new whsec_ secret, the old one valid for 24 h more",
            response.status_code == 200
            and isinstance(rotated, RotatedSecret)
            and isinstance(rotated.secret, str)
            and rotated.secret.startswith("whsec_")
            and rotated.secret != secret
            and overlap_ok,
            answer(response),
        ):
            return
        new_secret = rotated.secret

    if not move(checks, referral_id, "contacted"):
        return
    delivery = receiver.next()
    second = check_delivery(
        checks,
        "contacted, after the rotation",
        delivery,
        new_secret,
        referral_id,
        reference,
        "contacted",
        "in_progress",
    )
    if second is not None:
        _, body, headers = delivery
        signatures = headers.get("webhook-signature", "").split(" ")
        checks.check(
            "contacted: webhook-signature holds two v1 signatures; the delivery verifies under the OLD secret too",
            len(signatures) == 2
            and all(signature.startswith("v1,") for signature in signatures)
            and verified(secret, body, headers) is not None,
            f"{len(signatures)} signatures",
        )
        checks.check(
            "contacted: a webhook-id of its own (one id per event; a retry would repeat it)",
            headers.get("webhook-id") not in (None, first_id),
            f"{first_id} then {headers.get('webhook-id')}",
        )
        checks.check(
            "contacted: a tampered body is refused under both secrets",
            refused(new_secret, body + b" ", headers) and refused(secret, body + b" ", headers),
        )

    with client("SAMHANDLING_REFERRER_TOKEN") as referrer:
        response = get_webhook_subscription.sync_detailed(created.id, client=referrer)
        shown = response.parsed
        checks.check(
            "get_webhook_subscription: health active, last outcome delivered, the rotation's overlap shown",
            response.status_code == 200
            and isinstance(shown, WebhookSubscription)
            and shown.health.state == "active"
            and shown.health.last_outcome == "delivered"
            and shown.previous_secret_valid_until == rotated.previous_secret_valid_until,
            answer(response),
        )


if __name__ == "__main__":
    main()
