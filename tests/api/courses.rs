//! Network-meeting courses: KoRus Midt and NAPHA organise a course together, professionals from
//! Levanger enrol, the line moves up when a seat frees, and a completed course makes the
//! professional a facilitator of both centres and of nobody else. Another centre never sees any
//! of it, and every read leaves its audit event.

use actix_web::test::TestRequest;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::Role;
use samhandling_tests::{
    act, assert_not_found, authorized, created, fetched, get, moved, post, send, send_if_match,
    tables_containing, texts, try_move, App, Reply, TestApp,
};
use serde_json::{json, Value};
use uuid::Uuid;

/// Three competence centres, a municipality whose staff take the course, and a county governor
/// (whose staff cannot be facilitators), with the centres' advisers' tokens.
struct Centres {
    korus: String,
    korus_id: Uuid,
    napha: String,
    napha_id: Uuid,
    kbt: String,
    kbt_id: Uuid,
    levanger_id: Uuid,
    governor_id: Uuid,
    contact: String,
}

fn centres(t: &TestApp) -> Centres {
    let korus = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Midt", None);
    let napha = t.organisation(OrganisationKind::CompetenceCentre, "NAPHA", None);
    let kbt = t.organisation(OrganisationKind::CompetenceCentre, "KBT", None);
    let levanger = t.municipality("Levanger kommune", "5037");
    let governor = t.organisation(
        OrganisationKind::CountyGovernor,
        "Statsforvalteren i Trøndelag",
        None,
    );
    Centres {
        korus: t.token_as("adviser@korus", korus.id, &[Role::CompetenceAdviser]),
        korus_id: korus.id,
        napha: t.token_as("adviser@napha", napha.id, &[Role::CompetenceAdviser]),
        napha_id: napha.id,
        kbt: t.token_as("adviser@kbt", kbt.id, &[Role::CompetenceAdviser]),
        kbt_id: kbt.id,
        levanger_id: levanger.id,
        governor_id: governor.id,
        contact: t.token(levanger.id, &[Role::MunicipalContact]),
    }
}

fn course_body(capacity: i32, co_organisers: &[Uuid]) -> Value {
    json!({
        "title": "Nettverksmøter i praksis, vår 2027",
        "co_organisers": co_organisers,
        "place": "Scandic Nidelven, Trondheim",
        "dates": ["2027-03-16", "2027-02-09", "2027-02-10"],
        "capacity": capacity,
    })
}

fn enrolment_body(name: &str, email: &str, employer: Uuid) -> Value {
    json!({
        "name": name,
        "work_email": email,
        "employer_organisation_id": employer,
        "service": "oppfølgingstjenesten psykisk helse og rus",
    })
}

/// Creates a course as `token`; returns its id.
async fn course(app: &impl App, token: &str, body: &Value) -> String {
    created(app, "/api/v1/courses", token, body).await.id()
}

/// Enrols the three Levanger professionals Kari, Ola and Siri on `course` as `token`.
async fn three_enrolments(app: &impl App, token: &str, course: &str, employer: Uuid) -> Vec<Reply> {
    let mut replies = Vec::new();
    for (name, email) in [
        ("Kari Nordmann", "Kari.Nordmann@levanger.kommune.no"),
        ("Ola Hansen", "ola.hansen@levanger.kommune.no"),
        ("Siri Berg", "siri.berg@levanger.kommune.no"),
    ] {
        replies.push(
            created(
                app,
                &format!("/api/v1/courses/{course}/enrolments"),
                token,
                &enrolment_body(name, email, employer),
            )
            .await,
        );
    }
    replies
}

/// The URI of the course `id`.
fn course_uri(id: &str) -> String {
    format!("/api/v1/courses/{id}")
}

/// The URI of `enrolment` on `course`.
fn enrolment(course: &str, enrolment: &str) -> String {
    format!("/api/v1/courses/{course}/enrolments/{enrolment}")
}

#[actix_web::test]
async fn a_full_course_puts_the_third_in_line_and_moves_it_up_when_one_cancels() {
    let (t, app, c) = TestApp::started(centres).await;
    let created = created(&app, "/api/v1/courses", &c.korus, &course_body(2, &[])).await;
    let id = created.id();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/courses/{id}").as_str())
    );
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert_eq!(created.body["organisers"], json!([c.korus_id]));
    assert_eq!(
        created.body["dates"],
        json!(["2027-02-09", "2027-02-10", "2027-03-16"]),
        "stored in order"
    );

    let replies = three_enrolments(&app, &c.korus, &id, c.levanger_id).await;
    let statuses: Vec<&Value> = replies.iter().map(|r| &r.body["status"]).collect();
    assert_eq!(
        statuses,
        [&json!("enrolled"), &json!("enrolled"), &json!("waiting")]
    );
    assert_eq!(replies[2].body["waiting_position"], 1);
    assert_eq!(replies[0].body["waiting_position"], Value::Null);
    assert_eq!(
        replies[0].body["subject"], "kari.nordmann@levanger.kommune.no",
        "the subject defaults to the lower-cased work e-mail"
    );
    let read = get(&app, &course_uri(&id), &c.korus).await;
    assert_eq!(
        (
            read.body["seats_taken"].clone(),
            read.body["waiting"].clone()
        ),
        (json!(2), json!(1))
    );

    let kari = replies[0].id();
    let siri = replies[2].id();
    let cancelled = moved(&app, &enrolment(&id, &kari), &c.korus, "cancelled").await;
    assert_eq!(cancelled.body["status"], "cancelled");

    let moved = fetched(&app, &enrolment(&id, &siri), &c.korus).await;
    assert_eq!(moved.body["status"], "enrolled");
    assert_eq!(moved.body["waiting_position"], Value::Null);
    assert_eq!(moved.header("etag"), Some("\"2\""));
    assert_eq!(
        t.database.events("transitioned", &siri),
        1,
        "the move up is audited"
    );
    assert_eq!(t.database.events("transitioned", &kari), 1);

    let listed = fetched(&app, &format!("/api/v1/courses/{id}/enrolments"), &c.korus).await;
    let statuses = texts(&listed.body["items"], "status");
    assert_eq!(
        statuses,
        ["cancelled", "enrolled", "enrolled"],
        "in the order enrolled"
    );

    let again = post(
        &app,
        &format!("/api/v1/courses/{id}/enrolments"),
        &c.korus,
        &enrolment_body(
            "Ola Hansen",
            "OLA.HANSEN@levanger.kommune.no",
            c.levanger_id,
        ),
    )
    .await;
    assert!(again.assert_problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("already enrolled"));
    let back = post(
        &app,
        &format!("/api/v1/courses/{id}/enrolments"),
        &c.korus,
        &enrolment_body(
            "Kari Nordmann",
            "kari.nordmann@levanger.kommune.no",
            c.levanger_id,
        ),
    )
    .await;
    assert_eq!(
        back.status, 201,
        "a cancelled enrolment does not block a new one: {}",
        back.text
    );
    assert_eq!(back.body["status"], "waiting");
}

#[actix_web::test]
async fn completing_makes_the_professional_a_facilitator_of_both_organisers_and_nobody_else() {
    let (t, app, c) = TestApp::started(centres).await;
    let id = course(&app, &c.korus, &course_body(20, &[c.napha_id])).await;

    let co = get(&app, &course_uri(&id), &c.napha).await;
    assert_eq!(
        co.status, 200,
        "the co-organiser reaches the course: {}",
        co.text
    );
    let mut organisers = vec![c.korus_id, c.napha_id];
    organisers.sort();
    let mut shown: Vec<Uuid> = serde_json::from_value(co.body["organisers"].clone()).unwrap();
    shown.sort();
    assert_eq!(shown, organisers);
    let napha_courses = get(&app, "/api/v1/courses", &c.napha).await;
    assert_eq!(napha_courses.body["items"][0]["id"], id.as_str());
    assert_eq!(
        get(&app, "/api/v1/courses", &c.kbt).await.body["items"],
        json!([])
    );

    let enrolled = created(
        &app,
        &format!("/api/v1/courses/{id}/enrolments"),
        &c.napha,
        &json!({
            "name": "Kari Nordmann",
            "work_email": "kari.nordmann@levanger.kommune.no",
            "employer_organisation_id": c.levanger_id,
            "service": "barnevernstjenesten",
            "subject": "levanger-idp|kari",
        }),
    )
    .await;
    let kari = enrolled.id();
    let completed = moved(&app, &enrolment(&id, &kari), &c.korus, "completed").await;
    assert_eq!(completed.body["status"], "completed");
    assert_eq!(completed.body["allowed_transitions"], json!([]));

    for token in [&c.korus, &c.napha] {
        let listed = fetched(&app, "/api/v1/facilitators", token).await;
        let items = listed.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{}", listed.text);
        assert_eq!(items[0]["subject"], "levanger-idp|kari");
        assert_eq!(items[0]["name"], "Kari Nordmann");
        assert_eq!(items[0]["employer_organisation_id"], json!(c.levanger_id));
        assert_eq!(items[0]["trained_on_course"], id.as_str());
        assert!(items[0]["since"].is_string());
    }
    let elsewhere = fetched(&app, "/api/v1/facilitators", &c.kbt).await;
    assert_eq!(elsewhere.body["items"], json!([]));
    assert_eq!(
        t.database.count("SELECT count(*) AS count FROM audit_events WHERE resource_type = 'facilitator' AND action = 'created'"),
        2
    );

    // KBT follows up the same facilitator by affiliation; a second affiliation is 409.
    let affiliation = json!({
        "subject": "levanger-idp|kari",
        "name": "Kari Nordmann",
        "employer_organisation_id": c.levanger_id,
    });
    let affiliated = created(&app, "/api/v1/facilitators", &c.kbt, &affiliation).await;
    assert_eq!(affiliated.body["trained_on_course"], Value::Null);
    let link = affiliated.id();
    assert_eq!(
        get(&app, &format!("/api/v1/facilitators/{link}"), &c.kbt)
            .await
            .status,
        200
    );
    get(&app, &format!("/api/v1/facilitators/{link}"), &c.korus)
        .await
        .assert_problem(404);
    post(&app, "/api/v1/facilitators", &c.kbt, &affiliation)
        .await
        .assert_problem(409);
    post(&app, "/api/v1/facilitators", &c.korus, &affiliation)
        .await
        .assert_problem(409);
    let governed = post(
        &app,
        "/api/v1/facilitators",
        &c.kbt,
        &json!({"subject": "someone", "name": "Per", "employer_organisation_id": c.governor_id}),
    )
    .await;
    assert_eq!(
        governed.assert_problem(422)["errors"][0]["field"],
        "employer_organisation_id"
    );
}

#[actix_web::test]
async fn another_centre_gets_404_on_the_course_its_enrolments_and_their_transitions() {
    let (t, app, c) = TestApp::started(centres).await;
    let id = course(&app, &c.korus, &course_body(2, &[])).await;
    let replies = three_enrolments(&app, &c.korus, &id, c.levanger_id).await;
    let kari = replies[0].id();

    let uris = [
        course_uri(&id),
        format!("{}/enrolments", course_uri(&id)),
        enrolment(&id, &kari),
    ];
    assert_not_found(&app, &uris, &[&c.kbt]).await;
    try_move(&app, &enrolment(&id, &kari), &c.kbt, "cancelled")
        .await
        .assert_problem(404);
    post(
        &app,
        &format!("/api/v1/courses/{id}/enrolments"),
        &c.kbt,
        &enrolment_body("Per Lie", "per.lie@levanger.kommune.no", c.levanger_id),
    )
    .await
    .assert_problem(404);
    let patched = send_if_match(
        &app,
        TestRequest::patch().uri(&course_uri(&id)),
        &c.kbt,
        Some("\"1\""),
        &json!({"capacity": 100}),
    )
    .await;
    patched.assert_problem(404);
    // An enrolment reached through another course's path is 404 as well.
    let other = course(&app, &c.korus, &course_body(2, &[])).await;
    get(&app, &enrolment(&other, &kari), &c.korus)
        .await
        .assert_problem(404);

    assert!(t.database.events("access_denied", &id) >= 1);
    assert!(t.database.events("access_denied", &kari) >= 1);
    let unchanged = get(&app, &enrolment(&id, &kari), &c.korus).await;
    assert_eq!(unchanged.body["status"], "enrolled");
    assert_eq!(
        get(&app, &course_uri(&id), &c.korus).await.body["capacity"],
        2
    );

    let forbidden = get(&app, "/api/v1/courses", &c.contact).await;
    forbidden.assert_problem(403);
}

#[actix_web::test]
async fn a_co_organiser_that_is_not_a_competence_centre_is_422_and_nothing_is_stored() {
    let (t, app, c) = TestApp::started(centres).await;
    let mut body = course_body(10, &[c.napha_id, c.levanger_id]);
    body["title"] = json!("Kurs som ikke skal lagres");
    let refused = post(&app, "/api/v1/courses", &c.korus, &body).await;
    let problem = refused.assert_problem(422);
    assert_eq!(
        problem["errors"][0]["field"], "co_organisers[1]",
        "{problem}"
    );
    assert_eq!(problem["errors"].as_array().unwrap().len(), 1);
    assert_eq!(t.database.count("SELECT count(*) AS count FROM courses"), 0);
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM course_organisers"),
        0
    );
    assert!(tables_containing(&t.database, "Kurs som ikke skal lagres").is_empty());

    body["co_organisers"] = json!([Uuid::now_v7()]);
    let unknown = post(&app, "/api/v1/courses", &c.korus, &body).await;
    assert_eq!(
        unknown.assert_problem(422)["errors"][0]["field"],
        "co_organisers[0]"
    );

    let mut no_place = course_body(10, &[]);
    no_place.as_object_mut().unwrap().remove("place");
    let placeless = post(&app, "/api/v1/courses", &c.korus, &no_place).await;
    assert_eq!(placeless.assert_problem(422)["errors"][0]["field"], "place");
    no_place["digital"] = json!(true);
    assert_eq!(
        post(&app, "/api/v1/courses", &c.korus, &no_place)
            .await
            .status,
        201
    );

    let mut twice = course_body(10, &[]);
    twice["dates"] = json!(["2027-02-09", "2027-02-09"]);
    let repeated = post(&app, "/api/v1/courses", &c.korus, &twice).await;
    assert_eq!(repeated.assert_problem(422)["errors"][0]["field"], "dates");
    assert_eq!(t.database.count("SELECT count(*) AS count FROM courses"), 1);

    let id = course(&app, &c.korus, &course_body(10, &[])).await;
    let governed = post(
        &app,
        &format!("/api/v1/courses/{id}/enrolments"),
        &c.korus,
        &enrolment_body("Per Lie", "per.lie@statsforvalteren.no", c.governor_id),
    )
    .await;
    assert_eq!(
        governed.assert_problem(422)["errors"][0]["field"],
        "employer_organisation_id"
    );
    assert_eq!(
        t.database.count("SELECT count(*) AS count FROM enrolments"),
        0
    );
}

#[actix_web::test]
async fn completing_a_waiting_enrolment_is_409_naming_the_allowed_transitions() {
    let (t, app, c) = TestApp::started(centres).await;
    let id = course(&app, &c.korus, &course_body(2, &[])).await;
    let replies = three_enrolments(&app, &c.korus, &id, c.levanger_id).await;
    let siri = replies[2].id();
    let refused = try_move(&app, &enrolment(&id, &siri), &c.korus, "completed").await;
    let problem = refused.assert_problem(409);
    assert_eq!(
        problem["allowed_transitions"],
        json!(["cancelled"]),
        "{problem}"
    );
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM facilitators"),
        0
    );
    let waiting = get(&app, &enrolment(&id, &siri), &c.korus).await;
    assert_eq!(waiting.body["status"], "waiting");

    moved(&app, &enrolment(&id, &siri), &c.korus, "cancelled").await;
    let final_ = try_move(&app, &enrolment(&id, &siri), &c.korus, "cancelled").await;
    assert_eq!(final_.assert_problem(409)["allowed_transitions"], json!([]));
    let read = get(&app, &course_uri(&id), &c.korus).await;
    assert_eq!(
        (
            read.body["seats_taken"].clone(),
            read.body["waiting"].clone()
        ),
        (json!(2), json!(0))
    );
}

#[actix_web::test]
async fn capacity_below_the_seats_taken_is_409_and_raising_it_moves_the_line_up() {
    let (t, app, c) = TestApp::started(centres).await;
    let id = course(&app, &c.korus, &course_body(2, &[])).await;
    let replies = three_enrolments(&app, &c.korus, &id, c.levanger_id).await;
    let patch = |capacity: i32, etag: &str| {
        authorized(TestRequest::patch().uri(&course_uri(&id)), &c.korus)
            .insert_header(("If-Match", etag.to_owned()))
            .set_json(json!({"capacity": capacity}))
    };
    let lowered = send(&app, patch(1, "\"1\"")).await;
    let problem = lowered.assert_problem(409);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("2 enrolments hold seats"),
        "{problem}"
    );

    let raised = send(&app, patch(3, "\"1\"")).await;
    assert_eq!(raised.status, 200, "{}", raised.text);
    assert_eq!(raised.header("etag"), Some("\"2\""));
    assert_eq!(raised.body["capacity"], 3);
    assert_eq!(raised.body["seats_taken"], 3);
    assert_eq!(raised.body["waiting"], 0);
    let siri = replies[2].id();
    let moved = get(&app, &enrolment(&id, &siri), &c.korus).await;
    assert_eq!(moved.body["status"], "enrolled");
    assert_eq!(t.database.events("transitioned", &siri), 1);

    send(&app, patch(4, "\"1\"")).await.assert_problem(412);
    let renamed = send_if_match(
        &app,
        TestRequest::patch().uri(&course_uri(&id)),
        &c.korus,
        Some("\"2\""),
        &json!({"digital": true, "title": "Nettverksmøter, digitalt"}),
    )
    .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["digital"], true);
    assert_eq!(renamed.body["title"], "Nettverksmøter, digitalt");
}

#[actix_web::test]
async fn a_change_without_if_match_is_428() {
    let (_t, app, c) = TestApp::started(centres).await;
    let id = course(&app, &c.korus, &course_body(2, &[])).await;
    let unconditional = send(
        &app,
        authorized(TestRequest::patch().uri(&course_uri(&id)), &c.korus)
            .set_json(json!({"capacity": 10})),
    )
    .await;
    unconditional.assert_problem(428);
    assert_eq!(
        get(&app, &course_uri(&id), &c.korus).await.body["capacity"],
        2
    );
}

#[actix_web::test]
async fn reads_of_courses_enrolments_and_facilitators_leave_read_events() {
    let (t, app, c) = TestApp::started(centres).await;
    let id = course(&app, &c.korus, &course_body(2, &[])).await;
    let replies = three_enrolments(&app, &c.korus, &id, c.levanger_id).await;
    let kari = replies[0].id();
    let ola = replies[1].id();
    assert_eq!(t.database.events("read", &id), 0);
    assert_eq!(t.database.events("created", &kari), 1);

    assert_eq!(get(&app, &course_uri(&id), &c.korus).await.status, 200);
    assert_eq!(t.database.events("read", &id), 1);
    assert_eq!(get(&app, "/api/v1/courses", &c.korus).await.status, 200);
    assert_eq!(t.database.events("read", &id), 2);

    assert_eq!(
        get(&app, &format!("/api/v1/courses/{id}/enrolments"), &c.korus)
            .await
            .status,
        200
    );
    for enrolment in replies.iter().map(Reply::id) {
        assert_eq!(
            t.database.events("read", &enrolment),
            1,
            "every listed enrolment"
        );
    }
    assert_eq!(
        get(&app, &enrolment(&id, &kari), &c.korus).await.status,
        200
    );
    assert_eq!(t.database.events("read", &kari), 2);

    moved(&app, &enrolment(&id, &ola), &c.korus, "completed").await;
    let listed = get(&app, "/api/v1/facilitators", &c.korus).await;
    let link = listed.body["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(t.database.events("read", &link), 1);
    assert_eq!(
        t.database.count("SELECT count(*) AS count FROM audit_events WHERE action = 'read' AND actor = 'adviser@korus'"),
        7
    );
}

#[actix_web::test]
async fn the_line_closes_up_and_a_retried_enrolment_is_stored_once() {
    let (t, app, c) = TestApp::started(centres).await;
    let id = course(&app, &c.korus, &course_body(1, &[])).await;
    let replies = three_enrolments(&app, &c.korus, &id, c.levanger_id).await;
    let positions: Vec<&Value> = replies
        .iter()
        .map(|r| &r.body["waiting_position"])
        .collect();
    assert_eq!(positions, [&Value::Null, &json!(1), &json!(2)]);
    let (ola, siri) = (replies[1].id(), replies[2].id());
    moved(&app, &enrolment(&id, &ola), &c.korus, "cancelled").await;
    let next = get(&app, &enrolment(&id, &siri), &c.korus).await;
    assert_eq!(next.body["status"], "waiting", "a place in line is no seat");
    assert_eq!(next.body["waiting_position"], 1);

    let retry = || {
        authorized(
            TestRequest::post().uri(&format!("/api/v1/courses/{id}/enrolments")),
            &c.korus,
        )
        .insert_header(("Idempotency-Key", "enrol-per-lie"))
        .set_json(enrolment_body(
            "Per Lie",
            "per.lie@levanger.kommune.no",
            c.levanger_id,
        ))
    };
    let first = send(&app, retry()).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.body["waiting_position"], 2);
    let again = send(&app, retry()).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(
        t.database.count("SELECT count(*) AS count FROM enrolments WHERE work_email = 'per.lie@levanger.kommune.no'"),
        1
    );
}

/// A facilitator's log, as the facilitator logs it.
fn log_body() -> Value {
    json!({
        "held_on": "2026-11-20", "municipality_number": "5037", "service": "Barnevernstjenesten",
        "suggested_by": "main_person",
        "main_person": {"age_group": "18_29", "chose_participants": true},
        "participants": {"family": 2, "friend": 2},
        "next_meeting": {"planned": false}, "supervision": {"wanted": true, "topic": "Oppstart"},
    })
}

#[actix_web::test]
async fn a_centre_sees_a_facilitators_logs_only_once_the_facilitator_confirms_the_link() {
    let (t, app, c) = TestApp::started(centres).await;
    let facilitator = t.token_as("levanger-idp|kari", c.levanger_id, &[Role::Facilitator]);
    // KBT names Kari as its facilitator, and she has a log: a link alone shows KBT nothing.
    let affiliated = created(
        &app,
        "/api/v1/facilitators",
        &c.kbt,
        &json!({"subject": "levanger-idp|kari", "name": "Kari Nordmann", "employer_organisation_id": c.levanger_id}),
    ).await;
    assert_eq!(affiliated.body["confirmed_at"], Value::Null);
    let link = affiliated.id();
    let logged = created(&app, "/api/v1/network-meetings", &facilitator, &log_body()).await;
    let log = logged.id();
    let log_uri = format!("/api/v1/network-meetings/{log}");
    get(&app, &log_uri, &c.kbt).await.assert_problem(404);
    let listed = get(&app, "/api/v1/network-meetings", &c.kbt).await;
    assert_eq!(listed.body["items"], json!([]), "{}", listed.text);
    let queue = get(&app, "/api/v1/supervision-requests", &c.kbt).await;
    assert_eq!(queue.body["items"], json!([]), "{}", queue.text);

    // Kari sees the pending link; nobody else can confirm it, not even a colleague.
    let links = fetched(&app, "/api/v1/facilitator-links", &facilitator).await;
    assert_eq!(links.body["items"][0]["id"], link.as_str());
    assert_eq!(
        links.body["items"][0]["competence_centre_id"],
        json!(c.kbt_id)
    );
    assert_eq!(links.body["items"][0]["confirmed_at"], Value::Null);
    let colleague = t.token_as("levanger-idp|ola", c.levanger_id, &[Role::Facilitator]);
    let confirmation = format!("/api/v1/facilitator-links/{link}/confirmation");
    act(&app, &confirmation, &colleague)
        .await
        .assert_problem(404);
    assert_eq!(
        get(&app, "/api/v1/facilitator-links", &colleague)
            .await
            .body["items"],
        json!([])
    );
    act(&app, &confirmation, &c.kbt).await.assert_problem(403);

    let confirmed = act(&app, &confirmation, &facilitator).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    assert!(confirmed.body["confirmed_at"].is_string());
    let seen = fetched(&app, &log_uri, &c.kbt).await;
    assert_eq!(seen.body["view"], "competence_centre");
    let queue = get(&app, "/api/v1/supervision-requests", &c.kbt).await;
    assert_eq!(queue.body["items"][0]["network_meeting_id"], log.as_str());
    let facilitators = get(&app, "/api/v1/facilitators", &c.kbt).await;
    assert!(facilitators.body["items"][0]["confirmed_at"].is_string());
    assert_eq!(t.database.events("approved", &link), 1);

    // She ends it: KBT sees nothing again, and a new link needs a new confirmation.
    let withdrawal = format!("/api/v1/facilitator-links/{link}/withdrawal");
    let ended = act(&app, &withdrawal, &facilitator).await;
    assert_eq!(ended.status, 204, "{}", ended.text);
    get(&app, &log_uri, &c.kbt).await.assert_problem(404);
    act(&app, &withdrawal, &facilitator)
        .await
        .assert_problem(404);
    assert_eq!(t.database.events("revoked", &link), 1);
    created(
        &app,
        "/api/v1/facilitators",
        &c.kbt,
        &json!({"subject": "levanger-idp|kari", "name": "Kari Nordmann", "employer_organisation_id": c.levanger_id}),
    ).await;
    get(&app, &log_uri, &c.kbt).await.assert_problem(404);
}

#[actix_web::test]
async fn a_course_title_or_place_holding_a_national_identity_number_is_refused_and_stored_nowhere()
{
    let (t, app, c) = TestApp::started(centres).await;
    let id = "01010150074";
    for field in ["title", "place"] {
        let mut body = course_body(10, &[]);
        body[field] = json!(format!("Kurs for {id}"));
        let refused = post(&app, "/api/v1/courses", &c.korus, &body).await;
        refused.assert_invalid(field, "national_id");
    }
    assert!(tables_containing(&t.database, id).is_empty());
}

#[actix_web::test]
async fn the_county_governor_co_organises_a_course_and_reaches_it_like_an_organiser() {
    let (t, app, c) = TestApp::started(centres).await;
    let governor = t.token_as(
        "radgiver@statsforvalteren",
        c.governor_id,
        &[Role::GovernorAdviser],
    );
    let other_governor_org = t.organisation(
        OrganisationKind::CountyGovernor,
        "Statsforvalteren i Nordland",
        None,
    );
    let other_governor = t.token(other_governor_org.id, &[Role::GovernorAdviser]);
    let id = course(&app, &c.korus, &course_body(10, &[c.governor_id])).await;
    let uri = format!("/api/v1/courses/{id}");

    fetched(&app, &uri, &governor).await;
    let listed = get(&app, "/api/v1/courses", &governor).await;
    assert_eq!(texts(&listed.body["items"], "id"), [id.as_str()]);
    get(&app, &uri, &other_governor).await.assert_problem(404);
    // A governor creates no course of its own: it co-organises.
    post(&app, "/api/v1/courses", &governor, &course_body(10, &[]))
        .await
        .assert_problem(403);

    let mut kari = enrolment_body("Kari Nordmann", "kari@levanger.kommune.no", c.levanger_id);
    kari["subject"] = json!("levanger-idp|kari");
    let enrolled = created(&app, &format!("{uri}/enrolments"), &governor, &kari).await;
    moved(
        &app,
        &enrolment(&id, &enrolled.id()),
        &governor,
        "completed",
    )
    .await;
    // The facilitator follows the competence centre only, never the governor.
    assert_eq!(
        t.database.count(&format!(
            "SELECT count(*) AS count FROM facilitators WHERE competence_centre_id = '{}'",
            c.governor_id
        )),
        0
    );
    let followed = get(&app, "/api/v1/facilitators", &c.korus).await;
    assert_eq!(followed.body["items"].as_array().unwrap().len(), 1);
}
