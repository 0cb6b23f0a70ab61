"""What a Python integrator does with the client openapi-python-client generates from
openapi/openapi.json, against the running server. scripts/clients.sh generates the package
samhandling_client into target/clients/python/ (not committed), starts the server on a fresh
database with the demo data and runs this with it on PYTHONPATH and:

  SAMHANDLING_BASE_URL        the server, e.g. http://127.0.0.1:41234
  SAMHANDLING_ADMIN_TOKEN     an admin token of the operator organisation
  SAMHANDLING_REFERRER_TOKEN  a referrer token of Stjørdal kommune
  SAMHANDLING_CENTRE_TOKEN    a centre coordinator token of LINK Trondheim

Every answer must come back parsed into the generated models (attrs classes), never as a raw dict
or None: the organisation list page by page, a problem document for a refused token and an unknown
id, and a referral in both of its views, told apart by `view`. Prints one line per check and
`N passed, N failed`; exits non-zero on any failure.
"""

import datetime
import sys
import uuid

import attrs
from samhandling_client import AuthenticatedClient
from samhandling_client.api.organisations import list_organisations
from samhandling_client.api.referrals import create_referral, get_referral, list_referrals
from samhandling_client.models import Organisation, OrganisationKind, PaginatedOrganisation, Problem
from samhandling_client.types import Unset

from common import BASE, Checks, client, kari_referral




def is_model(value):
    """An instance of a generated model: an attrs class, not a dict, a string or None."""
    return attrs.has(type(value))


def describe(value):
    return f"{type(value).__module__}.{type(value).__qualname__}"


def organisations(checks):
    """Every organisation, two per page so that next_cursor is followed; returns them by name."""
    found = {}
    pages = 0
    cursor = None
    with client("SAMHANDLING_ADMIN_TOKEN") as admin:
        while True:
            response = list_organisations.sync_detailed(client=admin, limit=2, **({"cursor": cursor} if cursor else {}))
            page = response.parsed
            pages += 1
            if not checks.check(
                f"list_organisations page {pages}: 200 parsed into PaginatedOrganisation",
                response.status_code == 200 and isinstance(page, PaginatedOrganisation),
                f"{response.status_code}, {describe(page)}",
            ):
                return found
            stray = [describe(item) for item in page.items if not isinstance(item, Organisation)]
            if stray:
                # An envelope that inlines its item schema gives a model of its own per list.
                checks.check(
                    f"list_organisations page {pages}: the items are the Organisation model",
                    False,
                    f"items parsed as {sorted(set(stray))}",
                )
                return found
            for organisation in page.items:
                found[organisation.name] = organisation
            if isinstance(page.next_cursor, Unset) or page.next_cursor is None:
                break
            cursor = page.next_cursor
    checks.check(
        "list_organisations: every page's items are Organisation models", True, f"{len(found)} on {pages} pages"
    )
    link = found.get("LINK Trondheim")
    checks.check(
        "list_organisations: LINK Trondheim is listed, a self-help centre with a UUID and a datetime",
        link is not None
        and link.kind is OrganisationKind.SELF_HELP_CENTRE
        and isinstance(link.id, uuid.UUID)
        and isinstance(link.created_at, datetime.datetime),
        f"names: {sorted(found)}" if link is None else f"kind {link.kind!r}, id {link.id!r}",
    )
    return found


def problems(checks):
    with AuthenticatedClient(base_url=BASE, token="not-a-token", timeout=10.0) as stranger:
        response = list_organisations.sync_detailed(client=stranger)
    checks.check(
        "a refused token: 401 parsed into Problem",
        response.status_code == 401 and isinstance(response.parsed, Problem) and response.parsed.status == 401,
        f"{response.status_code}, {describe(response.parsed)}",
    )
    with client("SAMHANDLING_CENTRE_TOKEN") as centre:
        response = get_referral.sync_detailed(uuid.uuid4(), client=centre)
    checks.check(
        "an unknown referral: 404 parsed into Problem",
        response.status_code == 404 and isinstance(response.parsed, Problem) and response.parsed.status == 404,
        f"{response.status_code}, {describe(response.parsed)}",
    )


def referrals(checks, centre_id):
    """Stjørdal kommune refers Kari to LINK Trondheim: the referrer sees its view, the centre its own."""
    reference = f"CLIENTS-{uuid.uuid4().hex[:12]}"
    body = kari_referral(centre_id, reference, {"municipality_number": "5035"}, wishes="Ønsker en gruppe på dagtid.")
    with client("SAMHANDLING_REFERRER_TOKEN") as referrer:
        response = create_referral.sync_detailed(client=referrer, body=body, idempotency_key=reference)
        created = response.parsed
        if not checks.check(
            "create_referral as referrer: 201 parsed into the referrer's view",
            response.status_code == 201
            and is_model(created)
            and getattr(created, "view", None) == "referrer"
            and not hasattr(created, "person"),
            f"{response.status_code}, {describe(created)}, view {getattr(created, 'view', None)!r}",
        ):
            return
        response = get_referral.sync_detailed(created.id, client=referrer)
        checks.check(
            "get_referral as referrer: the referrer's view, with the detailed status (feedback consent)",
            response.status_code == 200
            and is_model(response.parsed)
            and response.parsed.view == "referrer"
            and response.parsed.status == "submitted",
            f"{response.status_code}, {describe(response.parsed)}",
        )
    with client("SAMHANDLING_CENTRE_TOKEN") as centre:
        response = get_referral.sync_detailed(created.id, client=centre)
        read = response.parsed
        checks.check(
            "get_referral as centre: the centre's view, with the person",
            response.status_code == 200
            and is_model(read)
            and read.view == "centre"
            and is_model(read.person)
            and read.person.given_name == "Kari",
            f"{response.status_code}, {describe(read)}",
        )
        response = list_referrals.sync_detailed(client=centre, limit=200)
        page = response.parsed
        items = [item for item in getattr(page, "items", None) or [] if getattr(item, "id", None) == created.id]
        checks.check(
            "list_referrals as centre: the page holds the referral in the centre's view",
            response.status_code == 200
            and is_model(page)
            and len(items) == 1
            and is_model(items[0])
            and items[0].view == "centre",
            f"{response.status_code}, {describe(page)}, items {[describe(item) for item in items]}",
        )


def main():
    checks = Checks()
    found = organisations(checks)
    problems(checks)
    if "LINK Trondheim" in found:
        referrals(checks, found["LINK Trondheim"].id)
    else:
        print("SKIP the referral checks: they need LINK Trondheim from the organisation list", flush=True)
    print(f"{checks.passed} passed, {checks.failed} failed", flush=True)
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()
