"""What usage.py and webhooks.py share: the server's address, an authenticated generated client
for one of the tokens clients.sh mints, the referral of Kari both send, and the checks they print
(`PASS`/`FAIL` lines, counted for the closing `N passed, N failed`)."""

import datetime
import os

from samhandling_client import AuthenticatedClient
from samhandling_client.models import CreateReferral

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


def kari_referral(centre_id, reference, person=None, **fields):
    """Stjørdal kommune's referral of Kari to the centre `centre_id`, consented to in person an hour
    ago, as the generated model: `person` adds to her details, `fields` to the referral's."""
    return CreateReferral.from_dict(
        {
            "target_centre_id": str(centre_id),
            "offer": "self_help_group",
            "person": {
                "given_name": "Kari",
                "family_name": "Nordmann",
                "phone": "+4791234567",
                "preferred_language": "nb",
                **(person or {}),
            },
            "target_groups": ["work_assessment_allowance"],
            "preferred_format": "digital",
            "external_reference": reference,
            "consent": {
                "contact": True,
                "feedback_to_referrer": True,
                "obtained_via": "in_person",
                "obtained_at": (datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)).isoformat(),
            },
            **fields,
        }
    )
