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

- The parties that are systems act with API clients' tokens (contract.sh), which a revocation
  would end mid-run. A revocation that names one of them (`CONTRACT_PARTY_CLIENT_IDS`, reached
  through the links from listing or reading clients) revokes a client registered to be revoked
  instead (`CONTRACT_REVOCABLE_CLIENT_ID`), in every case, so revocation is still tested to 200.

- An approval must name a client of the approving centre (another id is rightly 404): positive
  cases approve the pending client contract.sh registered (`CONTRACT_PENDING_CLIENT_ID`).

- Groups, intakes, places and follow-ups are the demo centre's state: a random id is rightly 404,
  and a referral or intake named in a body must be in the right step of its lifecycle. Positive
  cases get ids the server issued: a group, an intake, a place and a follow-up prepared once
  (`_prepared`), a group of their own for lifecycle moves (so that a fuzzed `ended` leaves the
  other operations something to work on), and a fresh referral, a fresh booked intake or a fresh
  waiting intake wherever the operation consumes one (booking, completing, placing).

- Dialogue meetings are the county governor's, with municipalities of its county: a random id is
  rightly 404, a municipality elsewhere rightly 422. Positive cases name the demo Trøndelag
  municipalities (`CONTRACT_DIALOGUE_MUNICIPALITIES`, the first of which has the contact token),
  and a held meeting with them, an action of it, and a meeting of their own for moves, prepared
  once; the questionnaire of the basis's year is loaded first.

- Courses, facilitators, meeting logs, supervision and learning networks are the demo competence
  centre's (KoRus Midt, `CONTRACT_ADVISER_TOKEN`) and its facilitator's (a professional of
  Trondheim kommune, `CONTRACT_FACILITATOR_TOKEN`, subject `CONTRACT_FACILITATOR_SUBJECT`):
  random ids are rightly 404, and a body naming an employer, a facilitator, a supervision request
  or a member organisation must name one that exists and fits (422 otherwise). Positive cases get
  a course with an enrolment (a fresh one wherever a case moves it), the completed enrolment that
  makes the facilitator KoRus Midt's, the facilitator's log asking for supervision, a supervision
  session, and a learning network with Levanger kommune as member (whose contact holds
  `CONTRACT_MUNICIPAL_CONTACT_TOKEN`) and a gathering, prepared once.

Which party calls which operation is set in schemathesis.toml, not here.

Negative cases are left untouched: invented values are still sent there and must be rejected.
"""

import datetime
import os
import uuid

import requests
import schemathesis

_ISSUED_CURSORS = set()


def _now():
    """The current time: a held intake is dated after its referral and not in the future."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def _today():
    """Today's date (UTC): a group's follow-up is asked for no earlier than the group was created
    (today, by these hooks) and not in the future."""
    return datetime.datetime.now(datetime.timezone.utc).date().isoformat()


def _is_positive(case):
    return case.meta is not None and case.meta.generation.mode.is_positive


@schemathesis.hook
def after_call(context, case, response):
    if (case.operation.path == "/api/v1/facilitator-links/{id}/withdrawal" and response.status_code == 204
            and os.environ.get("CONTRACT_BASE_URL")):
        _relinked()
    try:
        body = response.json()
    except Exception:
        return
    if isinstance(body, dict) and isinstance(body.get("next_cursor"), str):
        _ISSUED_CURSORS.add(body["next_cursor"])


@schemathesis.hook
def before_call(context, case, kwargs):
    _spare_party_clients(case)
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
    if os.environ.get("CONTRACT_BASE_URL"):
        _centre_state(case)
        _dialogue_state(case)
        _meeting_logs_state(case)


def _spare_party_clients(case):
    parties = set(filter(None, os.environ.get("CONTRACT_PARTY_CLIENT_IDS", "").split(",")))
    revocable = os.environ.get("CONTRACT_REVOCABLE_CLIENT_ID")
    if (revocable and case.operation.path == "/api/v1/api-clients/{id}/revoke"
            and case.path_parameters and str(case.path_parameters.get("id")) in parties):
        case.path_parameters["id"] = revocable


def _api(method, path, token_variable, body=None):
    """Calls the API as the party whose token is in `token_variable`; the JSON answer."""
    response = requests.request(
        method,
        os.environ["CONTRACT_BASE_URL"] + path,
        json=body,
        headers={
            "Authorization": "Bearer " + os.environ[token_variable],
            "Idempotency-Key": str(uuid.uuid4()),
        },
        timeout=10,
    )
    response.raise_for_status()
    return response.json()


def _centre(method, path, body=None):
    return _api(method, path, "CONTRACT_CENTRE_TOKEN", body)


def _fresh_referral():
    """A new referral from the demo municipality to the demo centre, received by the centre."""
    referral = _api("POST", "/api/v1/referrals", "CONTRACT_REFERRER_TOKEN", {
        "target_centre_id": os.environ["CONTRACT_CENTRE_ID"],
        "offer": "self_help_group",
        "person": {"given_name": "Kontrakt", "family_name": "Test", "phone": "+4791234567",
                   "preferred_language": "nb", "municipality_number": "5035"},
        "consent": {"contact": True, "feedback_to_referrer": True, "obtained_via": "in_person",
                    "obtained_at": "2026-11-20T10:15:00Z"},
    })
    return referral["id"]


def _fresh_booked_intake():
    intake = _centre("POST", "/api/v1/intakes", {
        "referral_id": _fresh_referral(),
        "scheduled_at": "2026-12-03T10:00:00Z",
        "format": "in_person",
    })
    return intake["id"]


def _fresh_waiting_intake():
    intake = _fresh_booked_intake()
    _centre("POST", f"/api/v1/intakes/{intake}/completion", {
        "held_at": _now(), "outcome": "general_group", "pseudonym": "Kontrakt",
    })
    return intake


def _recruiting_group(title):
    group = _centre("POST", "/api/v1/groups", {
        "title": title, "theme": "general", "languages": ["nb"], "format": "digital",
        "municipality_number": "5035", "min_members": 4,
        "schedule": {"weekday": "tuesday", "start_time": "18:00"},
    })["id"]
    _centre("POST", f"/api/v1/groups/{group}/transitions", {"to": "recruiting"})
    return group


_PREPARED = {}


def _prepared():
    """A group with a member and a follow-up request, and a group for lifecycle moves."""
    if not _PREPARED:
        group = _recruiting_group("Kontraktgruppe")
        intake = _fresh_waiting_intake()
        membership = _centre("POST", f"/api/v1/groups/{group}/members", {"intake_id": intake})
        follow_up = _centre("POST", f"/api/v1/groups/{group}/follow-ups",
                            {"requested_on": _today()})
        _PREPARED.update(group=group, intake=intake, membership=membership["id"],
                         follow_up=follow_up["id"], moving=_recruiting_group("Kontrakt i bevegelse"))
    return _PREPARED


def _centre_state(case):
    path = case.operation.path
    method = case.operation.method.upper()
    if not path.startswith(("/api/v1/groups", "/api/v1/intakes", "/api/v1/memberships",
                            "/api/v1/follow-ups")):
        return
    if isinstance(case.body, dict):
        if method == "POST" and path == "/api/v1/intakes" and "referral_id" in case.body:
            case.body["referral_id"] = _fresh_referral()
        if method == "POST" and path == "/api/v1/groups/{id}/members" and "intake_id" in case.body:
            case.body["intake_id"] = _fresh_waiting_intake()
    if not case.path_parameters or "id" not in case.path_parameters:
        return
    prepared = _prepared()
    if path == "/api/v1/groups/{id}/transitions":
        case.path_parameters["id"] = prepared["moving"]
    elif path.startswith("/api/v1/groups/"):
        case.path_parameters["id"] = prepared["group"]
    elif path == "/api/v1/intakes/{id}/completion":
        case.path_parameters["id"] = _fresh_booked_intake()
    elif path.startswith("/api/v1/intakes/"):
        case.path_parameters["id"] = prepared["intake"]
    elif path.startswith("/api/v1/memberships/"):
        case.path_parameters["id"] = prepared["membership"]
    elif path.startswith("/api/v1/follow-ups/"):
        case.path_parameters["id"] = prepared["follow_up"]


def _governor(method, path, body=None):
    return _api(method, path, "CONTRACT_GOVERNOR_TOKEN", body)


def _dialogue_municipalities():
    return os.environ["CONTRACT_DIALOGUE_MUNICIPALITIES"].split(",")


def _meeting(title):
    return _governor("POST", "/api/v1/dialogue-meetings", {
        "title": title, "held_on": "2026-10-14", "digital": True,
        "focus_areas": ["substance_abuse", "mental_health"],
        "municipalities": _dialogue_municipalities(),
    })["id"]


_DIALOGUE = {}


def _dialogue_prepared():
    """A held meeting with the demo municipalities and an action, a meeting for lifecycle moves,
    and the questionnaire of 2026."""
    if not _DIALOGUE:
        meeting = _meeting("Kontraktmøte")
        _governor("POST", f"/api/v1/dialogue-meetings/{meeting}/transitions", {"to": "held"})
        action = _governor("POST", f"/api/v1/dialogue-meetings/{meeting}/actions", {
            "owner_organisation_id": _dialogue_municipalities()[0],
            "description": "Plan for brukermedvirkning", "due_on": "2026-11-01",
        })
        requests.put(
            os.environ["CONTRACT_BASE_URL"] + "/api/v1/is24-questionnaires/2026",
            json={"variables": {"arsverk_rus": {"label": "Årsverk i rusarbeid", "unit": "årsverk"}}},
            headers={"Authorization": "Bearer " + os.environ["CONTRACT_ADMIN_TOKEN"]},
            timeout=10,
        ).raise_for_status()
        _DIALOGUE.update(meeting=meeting, action=action["id"], moving=_meeting("Kontraktmøte i bevegelse"))
    return _DIALOGUE


def _dialogue_state(case):
    path = case.operation.path
    if not path.startswith(("/api/v1/dialogue-meetings", "/api/v1/follow-up-actions",
                            "/api/v1/municipalities")):
        return
    municipalities = _dialogue_municipalities()
    if isinstance(case.body, dict):
        if path == "/api/v1/dialogue-meetings" and "municipalities" in case.body:
            case.body["municipalities"] = municipalities
            case.body["partners"] = []
        for field in ("municipality_id", "owner_organisation_id"):
            if field in case.body:
                case.body[field] = municipalities[0]
        if path == "/api/v1/dialogue-meetings/{id}/basis":
            case.body["report_year"] = 2026
            case.body["figures"] = {"arsverk_rus": 4.5}
    if not case.path_parameters:
        return
    if "municipality_number" in case.path_parameters:
        case.path_parameters["municipality_number"] = "5037"
    if "id" not in case.path_parameters:
        return
    prepared = _dialogue_prepared()
    if path == "/api/v1/dialogue-meetings/{id}/transitions":
        case.path_parameters["id"] = prepared["moving"]
    elif path.startswith("/api/v1/dialogue-meetings/"):
        case.path_parameters["id"] = prepared["meeting"]
    elif path.startswith("/api/v1/follow-up-actions/"):
        case.path_parameters["id"] = prepared["action"]


def _adviser(method, path, body=None):
    return _api(method, path, "CONTRACT_ADVISER_TOKEN", body)


def _facilitator_employer():
    return os.environ["CONTRACT_FACILITATOR_EMPLOYER"]


def _fresh_enrolment(course):
    return _adviser("POST", f"/api/v1/courses/{course}/enrolments", {
        "name": "Kontrakt Fagperson", "work_email": f"kontrakt-{uuid.uuid4()}@trondheim.kommune.example",
        "employer_organisation_id": _facilitator_employer(), "service": "Oppfølgingstjenesten",
    })["id"]


_MEETING_LOGS = {}


def _confirmed_link():
    """Confirms, as the contract facilitator, KoRus Midt's pending link to it; its id."""
    links = _api("GET", "/api/v1/facilitator-links", "CONTRACT_FACILITATOR_TOKEN")["items"]
    pending = next(link for link in links if link["confirmed_at"] is None)
    _api("POST", f"/api/v1/facilitator-links/{pending['id']}/confirmation", "CONTRACT_FACILITATOR_TOKEN")
    return pending["id"]


def _relinked():
    """After a case ended the facilitator's link: KoRus Midt affiliates it again and it confirms,
    so that the cases after it still find a facilitator the centre follows up."""
    _adviser("POST", "/api/v1/facilitators", {
        "subject": os.environ["CONTRACT_FACILITATOR_SUBJECT"], "name": "Kontrakt Fasilitator",
        "employer_organisation_id": _facilitator_employer(),
    })
    _MEETING_LOGS["link"] = _confirmed_link()


def _meeting_logs_prepared():
    """A course with an enrolment, the completed enrolment that makes the contract facilitator
    KoRus Midt's, its log asking for supervision, a supervision session, and a learning network
    with Levanger kommune as member and a gathering."""
    if not _MEETING_LOGS:
        course = _adviser("POST", "/api/v1/courses", {
            "title": "Kontraktkurs i nettverksmøter", "digital": True, "dates": ["2027-01-12"], "capacity": 500,
        })["id"]
        trained = _adviser("POST", f"/api/v1/courses/{course}/enrolments", {
            "name": "Kontrakt Fasilitator", "work_email": "kontrakt.fasilitator@trondheim.kommune.example",
            "employer_organisation_id": _facilitator_employer(), "service": "Oppfølgingstjenesten",
            "subject": os.environ["CONTRACT_FACILITATOR_SUBJECT"],
        })["id"]
        _adviser("POST", f"/api/v1/courses/{course}/enrolments/{trained}/transitions", {"to": "completed"})
        link = _confirmed_link()
        log = _api("POST", "/api/v1/network-meetings", "CONTRACT_FACILITATOR_TOKEN", {
            "held_on": "2026-11-20", "municipality_number": "5001", "service": "Oppfølgingstjenesten",
            "suggested_by": "professional", "main_person": {"age_group": "30_49", "chose_participants": True},
            "participants": {"family": 2, "friend": 1}, "next_meeting": {"planned": False},
            "supervision": {"wanted": True, "topic": "Når nettverket er uenig"},
        })["id"]
        facilitator = {"employer_organisation_id": _facilitator_employer(),
                       "subject": os.environ["CONTRACT_FACILITATOR_SUBJECT"]}
        session = _adviser("POST", "/api/v1/supervision-sessions", {
            "held_on": "2026-12-01", "topics": ["Kontraktveiledning"], "facilitators": [facilitator], "answers": [],
        })["id"]
        levanger = _dialogue_municipalities()[0]
        network = _adviser("POST", "/api/v1/learning-networks", {
            "name": "Kontraktnettverk", "target_group": "Tjenester til barn og unge", "starts_on": "2026-09-01",
            "members": [{"organisation_id": levanger, "service": "Helsestasjon"}],
        })
        gathering = _adviser("POST", f"/api/v1/learning-networks/{network['id']}/gatherings", {
            "held_on": "2026-10-08", "digital": True,
        })["id"]
        _MEETING_LOGS.update(course=course, enrolment=_fresh_enrolment(course), link=link, log=log, session=session,
                             facilitator=facilitator, network=network["id"], member=network["members"][0]["id"],
                             gathering=gathering, levanger=levanger)
    return _MEETING_LOGS


_MEETING_LOG_PATHS = ("/api/v1/courses", "/api/v1/facilitator", "/api/v1/network-meetings",
                      "/api/v1/supervision-", "/api/v1/learning-networks")


def _meeting_logs_state(case):
    path = case.operation.path
    method = case.operation.method.upper()
    if not path.startswith(_MEETING_LOG_PATHS):
        return
    prepared = _meeting_logs_prepared()
    if isinstance(case.body, dict):
        if "co_organisers" in case.body:
            case.body["co_organisers"] = []
        if "employer_organisation_id" in case.body:
            case.body["employer_organisation_id"] = _facilitator_employer()
        if path == "/api/v1/supervision-sessions" and method == "POST":
            case.body["facilitators"] = [prepared["facilitator"]]
            case.body["answers"] = []
        if path == "/api/v1/learning-networks" and method == "POST" and "members" in case.body:
            case.body["members"] = [{"organisation_id": prepared["levanger"], "service": f"Tjeneste {uuid.uuid4()}"}]
        if path == "/api/v1/learning-networks/{id}/members" and "organisation_id" in case.body:
            case.body["organisation_id"] = prepared["levanger"]
            case.body["service"] = f"Tjeneste {uuid.uuid4()}"
    if not case.path_parameters:
        return
    parameters = case.path_parameters
    if path.startswith("/api/v1/courses/"):
        parameters["id"] = prepared["course"]
        if "enrolment_id" in parameters:
            parameters["enrolment_id"] = (_fresh_enrolment(prepared["course"]) if path.endswith("/transitions")
                                          else prepared["enrolment"])
    elif path.startswith("/api/v1/facilitator-links/"):
        parameters["id"] = prepared["link"]
    elif path.startswith("/api/v1/network-meetings/"):
        parameters["id"] = prepared["log"]
    elif path.startswith("/api/v1/supervision-sessions/"):
        parameters["id"] = prepared["session"]
    elif path.startswith("/api/v1/learning-networks/"):
        parameters["id"] = prepared["network"]
        if "gathering_id" in parameters:
            parameters["gathering_id"] = prepared["gathering"]
        if "member_id" in parameters:
            parameters["member_id"] = prepared["member"]
