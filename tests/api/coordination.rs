//! Coordination: the needs a governor records in a dialogue meeting's findings reach the partner
//! they name, a municipality asks partners for help itself, the partner answers, and each party
//! sees what it may: the addressee and the municipality the whole need, the county's governor a
//! request to another partner as its state only, everyone else a 404.

use actix_web::test::TestRequest;
use samhandling_domain::organisation::{Organisation, OrganisationKind};
use samhandling_domain::Role;
use samhandling_tests::dialogue::{meeting_uri, need_uri};
use samhandling_tests::{
    assert_not_found, created, fetched, get, ids, moved, post, send_if_match, texts, App, Reply,
    TestApp,
};
use serde_json::{json, Value};

/// Trøndelag's governor, Levanger and Verdal, KoRus Midt, NAPHA and Mental Helse, Vestland's
/// governor; a token for each party's answering role.
struct Field {
    governor: String,
    levanger: Organisation,
    verdal: Organisation,
    levanger_contact: String,
    verdal_contact: String,
    korus: Organisation,
    korus_adviser: String,
    napha: Organisation,
    napha_adviser: String,
    mental_helse: Organisation,
    mental_helse_facilitator: String,
    vestland: Organisation,
    vestland_adviser: String,
    trondelag: Organisation,
}

fn field(t: &TestApp) -> Field {
    let trondelag = t.county_governor("Statsforvalteren i Trøndelag", "50");
    let vestland = t.county_governor("Statsforvalteren i Vestland", "46");
    let levanger = t.municipality("Levanger kommune", "5037");
    let verdal = t.municipality("Verdal kommune", "5038");
    let korus = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Midt", None);
    let napha = t.organisation(OrganisationKind::CompetenceCentre, "NAPHA", None);
    let mental_helse = t.organisation(OrganisationKind::UserOrganisation, "Mental Helse", None);
    Field {
        governor: t.token(trondelag.id, &[Role::GovernorAdviser]),
        levanger_contact: t.token(levanger.id, &[Role::MunicipalContact]),
        verdal_contact: t.token(verdal.id, &[Role::MunicipalContact]),
        korus_adviser: t.token(korus.id, &[Role::CompetenceAdviser]),
        napha_adviser: t.token(napha.id, &[Role::CompetenceAdviser]),
        mental_helse_facilitator: t.token(mental_helse.id, &[Role::Facilitator]),
        vestland_adviser: t.token(vestland.id, &[Role::GovernorAdviser]),
        levanger,
        verdal,
        korus,
        napha,
        mental_helse,
        vestland,
        trondelag,
    }
}

/// A held meeting of Trøndelag's governor with Levanger and Verdal, KoRus Midt and Mental Helse
/// as partners; returns its id.
async fn held_meeting(app: &impl App, f: &Field) -> String {
    let meeting = created(app, "/api/v1/dialogue-meetings", &f.governor, &json!({
        "title": "Dialogmøte Innherred", "held_on": "2026-10-14", "place": "Levanger rådhus",
        "focus_areas": ["mental_health"], "programme": ["Behov for bistand"],
        "municipalities": [f.levanger.id, f.verdal.id], "partners": [f.korus.id, f.mental_helse.id]})).await;
    let id = meeting.id();
    moved(app, &meeting_uri(&id), &f.governor, "held").await;
    id
}

/// Records a finding for `municipality` with `needs`; returns the finding as the governor sees it.
async fn finding(
    app: &impl App,
    f: &Field,
    meeting: &str,
    municipality: &Organisation,
    needs: Value,
) -> Reply {
    created(
        app,
        &format!("/api/v1/dialogue-meetings/{meeting}/findings"),
        &f.governor,
        &json!({
        "municipality_id": municipality.id,
        "challenges": format!("Utfordring i {}", municipality.name),
        "collaboration_needs": needs,
        "risk": {"level": "high", "rationale": "Sårbar bemanning"}}),
    )
    .await
}

/// `to` with `body`, as `token`, on the need `id`, with `If-Match` from a fresh read.
async fn answer(app: &impl App, id: &str, token: &str, body: Value) -> Reply {
    let uri = need_uri(id);
    let read = fetched(app, &uri, token).await;
    let etag = read.header("ETag").map(str::to_owned);
    send_if_match(
        app,
        TestRequest::post().uri(&format!("{uri}/transitions")),
        token,
        etag.as_deref(),
        &body,
    )
    .await
}

#[actix_web::test]
async fn a_need_addressed_to_korus_midt_reaches_korus_midt_and_not_napha() {
    let (_t, app, f) = TestApp::started(field).await;
    let meeting = held_meeting(&app, &f).await;
    let recorded = finding(
        &app,
        &f,
        &meeting,
        &f.levanger,
        json!([
        {"partner_organisation_id": f.korus.id, "description": "Opplæring i BrukerPlan"},
        {"partner_kind": "user_organisation", "description": "Erfaringskonsulent"}]),
    )
    .await;
    let needs = recorded.body["collaboration_needs"].as_array().unwrap();
    assert_eq!(needs.len(), 2);
    assert_eq!(needs[0]["status"], "open");
    assert_eq!(needs[0]["partner_organisation_id"], f.korus.id.to_string());
    assert_eq!(needs[1]["partner_kind"], "user_organisation");
    let need = needs[0]["id"].as_str().unwrap();

    // KoRus Midt sees the need: the municipality, the need and the meeting, never the risk.
    let seen = get(&app, "/api/v1/collaboration-needs", &f.korus_adviser).await;
    assert_eq!(ids(&seen.body), [need]);
    let item = &seen.body["items"][0];
    assert_eq!(item["municipality_id"], f.levanger.id.to_string());
    assert_eq!(item["meeting_id"], meeting);
    assert_eq!(item["description"], "Opplæring i BrukerPlan");
    assert_eq!(
        item["allowed_transitions"],
        json!(["accepted", "declined", "done"])
    );
    seen.assert_hides(
        "KoRus Midt",
        &["risk", "Sårbar", "Utfordring", "Erfaringskonsulent"],
    );
    // NAPHA sees nothing of it; its id is 404. The need named by kind only reaches no partner.
    let napha = get(&app, "/api/v1/collaboration-needs", &f.napha_adviser).await;
    assert_eq!(napha.body["items"], json!([]));
    get(&app, &need_uri(need), &f.napha_adviser)
        .await
        .assert_problem(404);
    let mental_helse = get(
        &app,
        "/api/v1/collaboration-needs",
        &f.mental_helse_facilitator,
    )
    .await;
    assert_eq!(mental_helse.body["items"], json!([]));
    // Nor can NAPHA answer it.
    let refused = send_if_match(
        &app,
        TestRequest::post().uri(&format!("/api/v1/collaboration-needs/{need}/transitions")),
        &f.napha_adviser,
        Some("*"),
        &json!({"to": "accepted"}),
    )
    .await;
    refused.assert_problem(404);
    // The governor follows both of the finding's needs.
    let governor = get(&app, "/api/v1/collaboration-needs", &f.governor).await;
    assert_eq!(governor.body["items"].as_array().unwrap().len(), 2);
    assert!(governor.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|item| item["detail"] == "full"));
}

#[actix_web::test]
async fn verdal_sees_the_answer_to_its_need_and_levanger_does_not_see_verdals_need() {
    let (_t, app, f) = TestApp::started(field).await;
    let meeting = held_meeting(&app, &f).await;
    let recorded = finding(
        &app,
        &f,
        &meeting,
        &f.verdal,
        json!([
        {"partner_organisation_id": f.korus.id, "description": "Veiledning i BTI-modellen"}]),
    )
    .await;
    let need = recorded.body["collaboration_needs"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let course = created(&app, "/api/v1/courses", &f.korus_adviser, &json!({
        "title": "Nettverksmøter i praksis", "place": "Levanger", "dates": ["2027-02-09"], "capacity": 12})).await;
    let napha_course = created(
        &app,
        "/api/v1/courses",
        &f.napha_adviser,
        &json!({
        "title": "NAPHAs kurs", "place": "Trondheim", "dates": ["2027-03-09"], "capacity": 12}),
    )
    .await;

    // An offer of another centre's course is refused, naming the field, and changes nothing.
    let foreign = answer(
        &app,
        &need,
        &f.korus_adviser,
        json!({"to": "accepted",
        "offer": {"kind": "course", "course_id": napha_course.id()}}),
    )
    .await;
    assert_eq!(
        foreign.assert_problem(422)["errors"][0]["field"],
        "offer.course_id"
    );
    // A decline without a reason, and a reason on an acceptance, are refused together with a
    // malformed offer.
    let incomplete = answer(
        &app,
        &need,
        &f.korus_adviser,
        json!({"to": "declined",
        "offer": {"kind": "visit"}}),
    )
    .await;
    let fields = texts(&incomplete.assert_problem(422)["errors"], "field");
    assert_eq!(fields, ["reason", "offer"]);
    let unchanged = get(&app, &need_uri(&need), &f.korus_adviser).await;
    assert_eq!(unchanged.body["status"], "open");
    assert_eq!(unchanged.body["version"], 1);

    let accepted = answer(&app, &need, &f.korus_adviser, json!({"to": "accepted",
        "offer": {"kind": "course", "course_id": course.id(), "text": "To plasser til rustjenesten"}})).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    assert_eq!(accepted.header("ETag"), Some("\"2\""));
    assert_eq!(
        accepted.body["allowed_transitions"],
        json!(["declined", "done"])
    );

    // Verdal sees the answer, and the governor follows it.
    let verdal = fetched(&app, &need_uri(&need), &f.verdal_contact).await;
    assert_eq!(verdal.body["status"], "accepted");
    assert_eq!(verdal.body["offer"]["course_id"], course.id());
    assert!(verdal.body["answered_at"].is_string());
    assert_eq!(verdal.body["allowed_transitions"], json!([]));
    let meeting_view = get(&app, &meeting_uri(&meeting), &f.verdal_contact).await;
    assert_eq!(
        meeting_view.body["findings"][0]["collaboration_needs"][0]["status"],
        "accepted"
    );
    let governor = get(&app, &need_uri(&need), &f.governor).await;
    assert_eq!(governor.body["status"], "accepted");
    assert_eq!(governor.body["allowed_transitions"], json!(["withdrawn"]));

    // Levanger does not see Verdal's need, in the list or by id; Vestland's governor neither.
    let levanger = get(&app, "/api/v1/collaboration-needs", &f.levanger_contact).await;
    assert_eq!(levanger.body["items"], json!([]));
    let uri = need_uri(&need);
    assert_not_found(&app, &[uri], &[&f.levanger_contact, &f.vestland_adviser]).await;

    // Done is final: KoRus Midt's further move is refused with what it may do instead.
    let done = answer(&app, &need, &f.korus_adviser, json!({"to": "done"})).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(
        done.body["offer"]["course_id"],
        course.id(),
        "the offer stays"
    );
    let again = answer(
        &app,
        &need,
        &f.korus_adviser,
        json!({"to": "declined", "reason": "Likevel ikke"}),
    )
    .await;
    assert_eq!(again.assert_problem(409)["allowed_transitions"], json!([]));
}

#[actix_web::test]
async fn a_municipalitys_request_is_answered_by_its_partner_and_followed_by_its_governor_as_a_state(
) {
    let (t, app, f) = TestApp::started(field).await;
    let body = json!({"partner_organisation_id": f.napha.id, "topic": "Ettervern for unge voksne",
        "description": "Hvordan organiserer andre kommuner ettervern?"});
    let request = TestRequest::post()
        .uri("/api/v1/collaboration-needs")
        .insert_header(("Idempotency-Key", "verdal-napha-1"));
    let first = send_if_match(&app, request, &f.verdal_contact, None, &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let need = first.id();
    assert_eq!(first.header("Location"), Some(need_uri(&need).as_str()));
    assert_eq!(first.body["origin"], "request");
    assert_eq!(first.body["partner_kind"], "competence_centre");
    assert_eq!(first.body["allowed_transitions"], json!(["withdrawn"]));
    // A retry is answered with the first answer, and stores nothing twice.
    let request = TestRequest::post()
        .uri("/api/v1/collaboration-needs")
        .insert_header(("Idempotency-Key", "verdal-napha-1"));
    let retry = send_if_match(&app, request, &f.verdal_contact, None, &body).await;
    assert_eq!(retry.status, 201);
    assert_eq!(retry.id(), need);
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM collaboration_needs"),
        1
    );

    // The governor sees that Verdal asked NAPHA and where it stands, not what it says.
    let governor = get(&app, "/api/v1/collaboration-needs", &f.governor).await;
    let item = &governor.body["items"][0];
    assert_eq!(item["detail"], "states_only");
    assert_eq!(item["status"], "open");
    assert_eq!(item["partner_organisation_id"], f.napha.id.to_string());
    governor.assert_hides(
        "the governor",
        &["Ettervern", "organiserer", "topic", "description"],
    );

    // NAPHA declines with a reason; Verdal sees it and can no longer withdraw.
    let declined = answer(
        &app,
        &need,
        &f.napha_adviser,
        json!({"to": "declined", "reason": "Ta kontakt med KoRus Midt."}),
    )
    .await;
    assert_eq!(declined.status, 200, "{}", declined.text);
    let verdal = get(&app, &need_uri(&need), &f.verdal_contact).await;
    assert_eq!(verdal.body["decline_reason"], "Ta kontakt med KoRus Midt.");
    let withdrawn = answer(&app, &need, &f.verdal_contact, json!({"to": "withdrawn"})).await;
    withdrawn.assert_problem(409);
    let governor = get(&app, &need_uri(&need), &f.governor).await;
    assert_eq!(governor.body["status"], "declined");
    assert!(!governor.text.contains("KoRus"), "{}", governor.text);

    // A request to the governor itself it reads whole, and answers.
    let own = created(&app, "/api/v1/collaboration-needs", &f.verdal_contact, &json!({
        "partner_organisation_id": f.trondelag.id, "topic": "Kompetansemidler", "description": "Dialog om midler"})).await;
    let seen = get(&app, &need_uri(own.id()), &f.governor).await;
    assert_eq!(seen.body["detail"], "full");
    assert_eq!(seen.body["description"], "Dialog om midler");
    let accepted = answer(&app, &own.id(), &f.governor, json!({"to": "accepted"})).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text);
}

#[actix_web::test]
async fn a_request_goes_to_a_partner_or_the_own_governor_and_a_change_needs_the_version_read() {
    let (t, app, f) = TestApp::started(field).await;
    // Not to another municipality, another county's governor, or nobody; each refused by name.
    for (partner, code) in [
        (f.levanger.id, "not_a_partner"),
        (f.vestland.id, "other_county"),
        (uuid::Uuid::now_v7(), "not_found"),
    ] {
        let refused = post(
            &app,
            "/api/v1/collaboration-needs",
            &f.verdal_contact,
            &json!({
            "partner_organisation_id": partner, "topic": "Hjelp", "description": "Noe"}),
        )
        .await;
        refused.assert_invalid("partner_organisation_id", code);
    }
    // Only a municipality's contact asks: KoRus Midt's adviser is forbidden.
    post(
        &app,
        "/api/v1/collaboration-needs",
        &f.korus_adviser,
        &json!({
        "partner_organisation_id": f.napha.id, "topic": "Hjelp", "description": "Noe"}),
    )
    .await
    .assert_problem(403);
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM collaboration_needs"),
        0
    );

    let need = created(&app, "/api/v1/collaboration-needs", &f.verdal_contact, &json!({
        "partner_organisation_id": f.mental_helse.id, "topic": "Selvhjelp", "description": "Selvhjelpsgrupper"})).await;
    let uri = format!("/api/v1/collaboration-needs/{}/transitions", need.id());
    let body = json!({"to": "accepted", "offer": {"kind": "visit", "text": "Vi kommer på besøk"}});
    let answer = |etag: Option<&'static str>| {
        let request = TestRequest::post().uri(&uri);
        send_if_match(&app, request, &f.mental_helse_facilitator, etag, &body)
    };
    answer(None).await.assert_problem(428);
    answer(Some("\"7\"")).await.assert_problem(412);
    let fresh = answer(Some("\"1\"")).await;
    assert_eq!(fresh.status, 200, "{}", fresh.text);
    assert_eq!(fresh.body["offer"]["text"], "Vi kommer på besøk");
}

/// Withholds the finding at `uri` (`…/sharing`) from the meeting's partners as `token`, with
/// `If-Match: etag` when given.
async fn withhold(app: &impl App, uri: &str, token: &str, etag: Option<&str>) -> Reply {
    let request = TestRequest::put().uri(uri);
    let body = json!({"shared_with_partners": false});
    send_if_match(app, request, token, etag, &body).await
}

#[actix_web::test]
async fn a_finding_shared_with_partners_shows_no_risk_and_a_withheld_one_does_not_appear() {
    let (_t, app, f) = TestApp::started(field).await;
    let meeting = held_meeting(&app, &f).await;
    finding(&app, &f, &meeting, &f.levanger, json!([])).await;
    let withheld = created(&app, &format!("/api/v1/dialogue-meetings/{meeting}/findings"), &f.governor, &json!({
        "municipality_id": f.verdal.id, "challenges": "Hemmelig utfordring", "shared_with_partners": false,
        "risk": {"level": "low", "rationale": "Stabil"}})).await;
    assert_eq!(withheld.body["shared_with_partners"], false);
    for partner in [&f.korus_adviser, &f.mental_helse_facilitator] {
        let seen = get(&app, &meeting_uri(&meeting), partner).await;
        assert_eq!(seen.body["view"], "partner");
        let findings = seen.body["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{}", seen.text);
        assert_eq!(findings[0]["challenges"], "Utfordring i Levanger kommune");
        assert!(findings[0].get("risk").is_none());
        seen.assert_hides(
            "a partner",
            &["risk", "Sårbar", "high", "Hemmelig", "Stabil"],
        );
    }
    // The governor withholds the shared finding after all, as of the version it read: the
    // partners no longer see it. Another county's governor reaches neither the meeting nor it.
    let governor = get(&app, &meeting_uri(&meeting), &f.governor).await;
    let levanger = governor.body["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["municipality_id"] == f.levanger.id.to_string())
        .unwrap()
        .clone();
    let uri = format!(
        "/api/v1/dialogue-meetings/{meeting}/findings/{}/sharing",
        levanger["id"].as_str().unwrap()
    );
    withhold(&app, &uri, &f.governor, None)
        .await
        .assert_problem(428);
    withhold(&app, &uri, &f.vestland_adviser, Some("*"))
        .await
        .assert_problem(404);
    let version = format!("\"{}\"", levanger["version"]);
    let withheld = withhold(&app, &uri, &f.governor, Some(&version)).await;
    assert_eq!(withheld.status, 200, "{}", withheld.text);
    assert_eq!(withheld.body["shared_with_partners"], false);
    withhold(&app, &uri, &f.governor, Some(&version))
        .await
        .assert_problem(412);
    let seen = get(&app, &meeting_uri(&meeting), &f.korus_adviser).await;
    assert_eq!(seen.body["findings"], json!([]), "{}", seen.text);
    // NAPHA took no part in the meeting: 404.
    get(&app, &meeting_uri(&meeting), &f.napha_adviser)
        .await
        .assert_problem(404);
}
