//! Network-meeting logs and supervision: a facilitator logs the meetings it leads without
//! identifying anyone, only it and the competence centres that follow it up read the logs (each
//! in its own view), and a centre answers requests for supervision in sessions.

use actix_web::test::TestRequest;
use diesel::RunQueryDsl;
use samhandling_domain::network_meeting::PRINCIPLE;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::Role;
use samhandling_tests::{
    authorized, created, fetched, get, ids, post, send, tables_containing, texts, App, TestApp,
};
use serde_json::{json, Value};
use uuid::Uuid;

/// A national identity number that passes the mod-11 check.
const NATIONAL_ID: &str = "01010150074";

/// Levanger and Verdal with their facilitators, and two competence centres: KoRus Midt follows
/// up the first Levanger facilitator, KoRus Nord the Verdal one.
struct Innherred {
    levanger: Uuid,
    verdal: Uuid,
    /// Levanger's facilitator followed by KoRus Midt.
    kari: String,
    /// Her colleague at Levanger, followed by nobody.
    colleague: String,
    /// Verdal's facilitator followed by KoRus Nord.
    ola: String,
    korus_midt: String,
    korus_nord: String,
    contact: String,
}

fn follow(t: &TestApp, centre: Uuid, employer: Uuid, subject: &str, name: &str) {
    diesel::sql_query(
        "INSERT INTO facilitators (id, competence_centre_id, employer_organisation_id, subject, name, confirmed_at) \
         VALUES ($1, $2, $3, $4, $5, now())",
    )
    .bind::<diesel::sql_types::Uuid, _>(Uuid::now_v7())
    .bind::<diesel::sql_types::Uuid, _>(centre)
    .bind::<diesel::sql_types::Uuid, _>(employer)
    .bind::<diesel::sql_types::Text, _>(subject)
    .bind::<diesel::sql_types::Text, _>(name)
    .execute(&mut t.database.connect())
    .unwrap();
}

fn innherred(t: &TestApp) -> Innherred {
    let levanger = t.municipality("Levanger kommune", "5037");
    let verdal = t.municipality("Verdal kommune", "5038");
    let midt = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Midt", None);
    let nord = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Nord", None);
    follow(t, midt.id, levanger.id, "kari-levanger", "Kari Nordmann");
    follow(t, nord.id, verdal.id, "ola-verdal", "Ola Nordmann");
    Innherred {
        levanger: levanger.id,
        verdal: verdal.id,
        kari: t.token_as("kari-levanger", levanger.id, &[Role::Facilitator]),
        colleague: t.token_as("per-levanger", levanger.id, &[Role::Facilitator]),
        ola: t.token_as("ola-verdal", verdal.id, &[Role::Facilitator]),
        korus_midt: t.token_as("radgiver-midt", midt.id, &[Role::CompetenceAdviser]),
        korus_nord: t.token_as("radgiver-nord", nord.id, &[Role::CompetenceAdviser]),
        contact: t.token(levanger.id, &[Role::MunicipalContact]),
    }
}

fn log_body(municipality: &str) -> Value {
    json!({
        "held_on": "2026-11-24",
        "municipality_number": municipality,
        "service": "Psykisk helse og rus",
        "co_facilitators": ["Rådgiver i NAV"],
        "suggested_by": "main_person",
        "main_person": {"age_group": "30_49", "gender": "female", "chose_participants": true},
        "participants": {"family": 2, "friend": 1, "professional": 1},
        "themes": ["mental_health", "housing"],
        "resources_identified": "Søsteren kan være med på møter med NAV.",
        "next_steps": "Nytt møte om fire uker.",
        "next_meeting": {"planned": true, "on": "2026-12-22"},
        "series_id": "serie-7"
    })
}

async fn logged(app: &impl App, token: &str, body: &Value) -> String {
    let created = created(app, "/api/v1/network-meetings", token, body).await;
    assert_eq!(created.body["view"], "facilitator");
    assert_eq!(created.header("etag"), Some("\"1\""));
    created.body["id"].as_str().unwrap().to_owned()
}

fn patch(uri: &str, token: &str, body: &Value) -> TestRequest {
    authorized(TestRequest::patch().uri(uri), token).set_json(body)
}

/// The URI of the network-meeting log `id`.
fn log_uri(id: impl std::fmt::Display) -> String {
    format!("/api/v1/network-meetings/{id}")
}

#[actix_web::test]
async fn a_log_is_read_by_its_facilitator_and_the_centre_following_it_up_only() {
    let (t, app, d) = TestApp::started(innherred).await;
    let karis = logged(&app, &d.kari, &log_body("5037")).await;
    let olas = logged(&app, &d.ola, &log_body("5038")).await;
    let uri = log_uri(&karis);

    let own = fetched(&app, &uri, &d.kari).await;
    assert_eq!(own.body["view"], "facilitator");
    assert_eq!(own.header("etag"), Some("\"1\""));
    assert_eq!(own.body["series_id"], "serie-7");
    assert_eq!(own.body["version"], 1);
    assert_eq!(own.body["network_size"], 4);
    assert_eq!(own.body["organisation_id"], d.levanger.to_string());
    assert_eq!(own.body["supervision"]["wanted"], false);

    // A colleague at the same organisation and a facilitator of another municipality: 404.
    for stranger in [&d.colleague, &d.ola] {
        get(&app, &uri, stranger).await.assert_problem(404);
        let changed = send(
            &app,
            patch(&uri, stranger, &json!({"next_steps": "Endret"}))
                .insert_header(("If-Match", "\"1\"")),
        )
        .await;
        changed.assert_problem(404);
    }

    // The centre following Kari up reads her log in its view: no label, no version, no ETag.
    let centre = fetched(&app, &uri, &d.korus_midt).await;
    assert_eq!(centre.body["view"], "competence_centre");
    assert!(centre.header("etag").is_none());
    for hidden in ["series_id", "version", "updated_at", "organisation_id"] {
        assert!(
            centre.body.get(hidden).is_none(),
            "{hidden} shown: {}",
            centre.text
        );
    }
    assert_eq!(centre.body["facilitator"]["name"], "Kari Nordmann");
    assert_eq!(centre.body["facilitator"]["subject"], "kari-levanger");
    assert_eq!(
        centre.body["facilitator"]["employer_organisation_id"],
        d.levanger.to_string()
    );
    assert_eq!(centre.body["next_steps"], "Nytt møte om fire uker.");
    get(&app, &uri, &d.korus_nord).await.assert_problem(404);

    // Each centre lists the logs of its own facilitators only; each facilitator its own.
    let midt = get(&app, "/api/v1/network-meetings", &d.korus_midt).await;
    assert_eq!(ids(&midt.body), vec![karis.clone()], "{}", midt.text);
    assert_eq!(midt.body["items"][0]["view"], "competence_centre");
    assert!(midt.body["items"][0].get("series_id").is_none());
    let nord = get(&app, "/api/v1/network-meetings", &d.korus_nord).await;
    assert_eq!(ids(&nord.body), vec![olas.clone()], "{}", nord.text);
    let own_list = get(&app, "/api/v1/network-meetings", &d.kari).await;
    assert_eq!(ids(&own_list.body), vec![karis.clone()]);
    assert_eq!(own_list.body["items"][0]["view"], "facilitator");
    let colleague_list = get(&app, "/api/v1/network-meetings", &d.colleague).await;
    assert_eq!(ids(&colleague_list.body), Vec::<String>::new());

    // A series label filters the facilitator's own logs; a centre may not filter by one.
    let series = get(&app, "/api/v1/network-meetings?series_id=serie-7", &d.kari).await;
    assert_eq!(ids(&series.body), vec![karis.clone()]);
    let other_series = get(&app, "/api/v1/network-meetings?series_id=serie-8", &d.kari).await;
    assert_eq!(ids(&other_series.body), Vec::<String>::new());
    let probed = get(
        &app,
        "/api/v1/network-meetings?series_id=serie-7",
        &d.korus_midt,
    )
    .await;
    probed.assert_problem(400);

    // A municipal contact is not a party to the logs at all.
    get(&app, "/api/v1/network-meetings", &d.contact)
        .await
        .assert_problem(403);

    // Every read and write is in the audit trail.
    let events = |action: &str| {
        t.database.count(&format!(
            "SELECT count(*) AS count FROM audit_events WHERE resource_type = 'network_meeting' \
                 AND resource_id = '{karis}' AND action = '{action}'"
        ))
    };
    assert_eq!(events("created"), 1);
    // Two single reads, and the Midt, Kari and series lists.
    assert_eq!(events("read"), 5);
    assert!(events("access_denied") >= 2);
}

#[actix_web::test]
async fn a_meeting_whose_main_person_did_not_choose_the_participants_is_not_logged() {
    let (t, app, d) = TestApp::started(innherred).await;
    let mut body = log_body("5037");
    body["main_person"]["chose_participants"] = json!(false);
    let refused = post(&app, "/api/v1/network-meetings", &d.kari, &body).await;
    let problem = refused.assert_invalid("main_person.chose_participants", "principle");
    assert_eq!(problem["errors"][0]["message"], PRINCIPLE);
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM network_meetings"),
        0
    );

    // Nor can an existing log be changed into one.
    let id = logged(&app, &d.kari, &log_body("5037")).await;
    let changed = send(
        &app,
        patch(
            &log_uri(&id),
            &d.kari,
            &json!({"main_person": {"age_group": "18_29", "chose_participants": false}}),
        )
        .insert_header(("If-Match", "\"1\"")),
    )
    .await;
    let problem = changed.assert_problem(422);
    assert_eq!(
        problem["errors"][0]["field"],
        "main_person.chose_participants"
    );
}

#[actix_web::test]
async fn a_national_identity_number_in_a_log_is_refused_and_stored_nowhere() {
    let (t, app, d) = TestApp::started(innherred).await;
    let mut body = log_body("5037");
    body["next_steps"] = json!(format!(
        "Ringe hovedpersonen, fnr {NATIONAL_ID}, på fredag."
    ));
    let refused = post(&app, "/api/v1/network-meetings", &d.kari, &body).await;
    refused.assert_invalid("next_steps", "national_id");
    assert!(!refused.text.contains(NATIONAL_ID));

    let id = logged(&app, &d.kari, &log_body("5037")).await;
    for field in ["resources_identified", "series_id"] {
        let changed = send(
            &app,
            patch(&log_uri(&id), &d.kari, &json!({ field: NATIONAL_ID }))
                .insert_header(("If-Match", "\"1\"")),
        )
        .await;
        changed.assert_problem(422);
    }
    let mut co = log_body("5037");
    co["co_facilitators"] = json!([format!("Kollega {NATIONAL_ID}")]);
    post(&app, "/api/v1/network-meetings", &d.kari, &co)
        .await
        .assert_problem(422);
    assert_eq!(tables_containing(&t.database, NATIONAL_ID), vec![]);
}

#[actix_web::test]
async fn rules_across_fields_are_checked() {
    let (t, app, d) = TestApp::started(innherred).await;
    for (key, value, field) in [
        (
            "next_meeting",
            json!({"planned": false, "on": "2026-12-22"}),
            "next_meeting.on",
        ),
        (
            "supervision",
            json!({"wanted": false, "topic": "Noe"}),
            "supervision.topic",
        ),
        ("themes", json!(["housing", "housing"]), "themes"),
    ] {
        let mut body = log_body("5037");
        body[key] = value;
        let problem = post(&app, "/api/v1/network-meetings", &d.kari, &body).await;
        assert_eq!(
            problem.assert_problem(422)["errors"][0]["field"],
            field,
            "{key}"
        );
    }
    let mut body = log_body("5037");
    body["participants"]["family"] = json!(51);
    post(&app, "/api/v1/network-meetings", &d.kari, &body)
        .await
        .assert_problem(422);
    // Only facilitators log meetings.
    post(
        &app,
        "/api/v1/network-meetings",
        &d.korus_midt,
        &log_body("5037"),
    )
    .await
    .assert_problem(403);
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM network_meetings"),
        0
    );
}

#[actix_web::test]
async fn a_meeting_is_logged_once_held_and_its_next_one_not_before_it() {
    let (t, app, d) = TestApp::started(innherred).await;
    let mut body = log_body("5037");
    body["held_on"] = json!("2031-01-07");
    body["next_meeting"] = json!({"planned": true, "on": "2031-02-04"});
    let problem = post(&app, "/api/v1/network-meetings", &d.kari, &body).await;
    problem.assert_invalid("held_on", "in_the_future");
    let mut body = log_body("5037");
    body["next_meeting"] = json!({"planned": true, "on": "2026-11-01"});
    let problem = post(&app, "/api/v1/network-meetings", &d.kari, &body).await;
    problem.assert_invalid("next_meeting.on", "before_start");

    // A change is held to the same rules, and leaves the log as it was.
    let id = logged(&app, &d.kari, &log_body("5037")).await;
    let uri = log_uri(&id);
    let moved = patch(&uri, &d.kari, &json!({"held_on": "2031-01-07"}))
        .insert_header(("If-Match", "\"1\""))
        .send_request(&app)
        .await;
    assert_eq!(moved.status(), 422);
    let stored = get(&app, &uri, &d.kari).await;
    assert_eq!(stored.body["held_on"], "2026-11-24");

    // A supervision session is recorded once held.
    let refused = post(
        &app,
        "/api/v1/supervision-sessions",
        &d.korus_midt,
        &json!({
            "held_on": "2031-01-07",
            "topics": ["Å holde nettverket samlet"],
            "facilitators": [{"employer_organisation_id": d.levanger, "subject": "kari-levanger"}]
        }),
    )
    .await;
    refused.assert_invalid("held_on", "in_the_future");
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM supervision_sessions"),
        0
    );
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM network_meetings"),
        1
    );
}

#[actix_web::test]
async fn a_change_needs_the_current_version() {
    let (t, app, d) = TestApp::started(innherred).await;
    let id = logged(&app, &d.kari, &log_body("5037")).await;
    let uri = log_uri(&id);
    let edit =
        json!({"next_steps": "Hovedpersonen har fått time hos boligkontoret.", "series_id": null});

    send(&app, patch(&uri, &d.kari, &edit))
        .await
        .assert_problem(428);
    send(
        &app,
        patch(&uri, &d.kari, &edit).insert_header(("If-Match", "\"7\"")),
    )
    .await
    .assert_problem(412);
    let changed = send(
        &app,
        patch(&uri, &d.kari, &edit).insert_header(("If-Match", "\"1\"")),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.header("etag"), Some("\"2\""));
    assert_eq!(changed.body["view"], "facilitator");
    assert_eq!(
        changed.body["next_steps"],
        "Hovedpersonen har fått time hos boligkontoret."
    );
    assert_eq!(changed.body["series_id"], Value::Null);
    assert_eq!(
        changed.body["resources_identified"],
        "Søsteren kan være med på møter med NAV."
    );
    send(
        &app,
        patch(&uri, &d.kari, &edit).insert_header(("If-Match", "\"1\"")),
    )
    .await
    .assert_problem(412);
    assert_eq!(
        t.database.count(&format!(
                "SELECT count(*) AS count FROM audit_events WHERE resource_id = '{id}' AND action = 'updated'"
            )
        ),
        1
    );
}

#[actix_web::test]
async fn a_supervision_request_answered_in_a_session_leaves_the_open_queue() {
    let (t, app, d) = TestApp::started(innherred).await;
    let mut body = log_body("5037");
    body["supervision"] = json!({"wanted": true, "topic": "Når hovedpersonen vil avlyse"});
    let karis = logged(&app, &d.kari, &body).await;
    let mut body = log_body("5038");
    body["supervision"] = json!({"wanted": true});
    let olas = logged(&app, &d.ola, &body).await;
    let unwanted = logged(&app, &d.kari, &log_body("5037")).await;

    let open = fetched(
        &app,
        "/api/v1/supervision-requests?answered=false",
        &d.korus_midt,
    )
    .await;
    let items = open.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", open.text);
    assert_eq!(items[0]["network_meeting_id"], karis.as_str());
    assert_eq!(items[0]["facilitator"]["name"], "Kari Nordmann");
    assert_eq!(items[0]["topic"], "Når hovedpersonen vil avlyse");
    assert_eq!(items[0]["held_on"], "2026-11-24");
    assert_eq!(items[0]["answered_on"], Value::Null);
    assert_eq!(items[0]["session_id"], Value::Null);
    let nord = get(&app, "/api/v1/supervision-requests", &d.korus_nord).await;
    assert_eq!(nord.body["items"][0]["network_meeting_id"], olas.as_str());
    get(&app, "/api/v1/supervision-requests", &d.kari)
        .await
        .assert_problem(403);

    // A facilitator the centre does not follow up, and requests outside its queue: 422, each
    // named, with the same words whether the log exists or not.
    let refused = post(
        &app,
        "/api/v1/supervision-sessions",
        &d.korus_midt,
        &json!({
            "held_on": "2026-12-01",
            "topics": ["Å holde nettverket samlet"],
            "facilitators": [{"employer_organisation_id": d.verdal, "subject": "ola-verdal"}],
            "answers": [olas, Uuid::now_v7(), unwanted]
        }),
    )
    .await;
    let problem = refused.assert_problem(422);
    let errors = problem["errors"].as_array().unwrap();
    let fields = texts(&problem["errors"], "field");
    assert_eq!(
        fields,
        ["facilitators[0]", "answers[0]", "answers[1]", "answers[2]"]
    );
    assert_eq!(errors[1]["message"], errors[2]["message"]);
    assert_eq!(errors[1]["message"], errors[3]["message"]);
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM supervision_sessions"),
        0
    );

    let session = created(
        &app,
        "/api/v1/supervision-sessions",
        &d.korus_midt,
        &json!({
            "held_on": "2026-12-01",
            "topics": ["Å holde nettverket samlet", "Når hovedpersonen vil avlyse"],
            "facilitators": [{"employer_organisation_id": d.levanger, "subject": "kari-levanger"}],
            "answers": [karis]
        }),
    )
    .await;
    let session_id = session.body["id"].as_str().unwrap().to_owned();
    assert_eq!(session.body["adviser_subject"], "radgiver-midt");
    assert_eq!(session.body["answers"], json!([karis]));
    assert_eq!(
        session.header("location"),
        Some(format!("/api/v1/supervision-sessions/{session_id}").as_str())
    );

    let open = get(
        &app,
        "/api/v1/supervision-requests?answered=false",
        &d.korus_midt,
    )
    .await;
    assert_eq!(open.body["items"], json!([]), "{}", open.text);
    let answered = get(
        &app,
        "/api/v1/supervision-requests?answered=true",
        &d.korus_midt,
    )
    .await;
    assert_eq!(
        answered.body["items"][0]["network_meeting_id"],
        karis.as_str()
    );
    assert_eq!(answered.body["items"][0]["session_id"], session_id.as_str());
    assert_eq!(answered.body["items"][0]["answered_on"], "2026-12-01");
    // Another centre's queue is untouched.
    let nord = get(
        &app,
        "/api/v1/supervision-requests?answered=false",
        &d.korus_nord,
    )
    .await;
    assert_eq!(nord.body["items"][0]["network_meeting_id"], olas.as_str());

    // Kari sees on her log that her request was answered.
    let own = get(&app, &log_uri(&karis), &d.kari).await;
    assert_eq!(
        own.body["supervision"]["answered_on"], "2026-12-01",
        "{}",
        own.text
    );
    assert_eq!(
        own.body["supervision"]["topic"],
        "Når hovedpersonen vil avlyse"
    );

    // The session is the centre's own.
    let uri = format!("/api/v1/supervision-sessions/{session_id}");
    let read = fetched(&app, &uri, &d.korus_midt).await;
    assert_eq!(read.body["facilitators"][0]["subject"], "kari-levanger");
    get(&app, &uri, &d.korus_nord).await.assert_problem(404);
    let listed = get(&app, "/api/v1/supervision-sessions", &d.korus_midt).await;
    assert_eq!(ids(&listed.body), vec![session_id.clone()]);
    let nord_sessions = get(&app, "/api/v1/supervision-sessions", &d.korus_nord).await;
    assert_eq!(ids(&nord_sessions.body), Vec::<String>::new());

    let events = |resource: &str, action: &str| {
        t.database.count(&format!(
            "SELECT count(*) AS count FROM audit_events WHERE resource_type = '{resource}' \
                 AND action = '{action}'"
        ))
    };
    assert_eq!(events("supervision_session", "created"), 1);
    assert_eq!(events("supervision_session", "read"), 2);
    assert!(events("network_meeting", "read") >= 4);
}

#[actix_web::test]
async fn a_retried_log_is_stored_once_and_pages_follow_the_order_logged() {
    let (t, app, d) = TestApp::started(innherred).await;
    let retry = || {
        authorized(TestRequest::post().uri("/api/v1/network-meetings"), &d.kari)
            .insert_header(("Idempotency-Key", "nettverksmote-2026-11-24"))
            .set_json(log_body("5037"))
    };
    let first = send(&app, retry()).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = send(&app, retry()).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM network_meetings"),
        1
    );

    let second = logged(&app, &d.kari, &log_body("5037")).await;
    let page = get(&app, "/api/v1/network-meetings?limit=1", &d.kari).await;
    assert_eq!(
        ids(&page.body),
        vec![first.body["id"].as_str().unwrap().to_owned()]
    );
    let cursor = page.body["next_cursor"].as_str().unwrap();
    let next = get(
        &app,
        &format!("/api/v1/network-meetings?limit=1&cursor={cursor}"),
        &d.kari,
    )
    .await;
    assert_eq!(ids(&next.body), vec![second]);
    assert_eq!(next.body["next_cursor"], Value::Null);
}

/// Runs `statement` straight against the test database.
fn sql(t: &TestApp, statement: &str) {
    diesel::sql_query(statement)
        .execute(&mut t.database.connect())
        .unwrap();
}

/// Stores `count` of Kari's meetings in Frosta (5041) straight in the table with the statistics'
/// version trigger off: counts changed behind the version's back, which only a recomputed answer
/// would show.
fn stored_unversioned(t: &TestApp, levanger: Uuid, count: i32) {
    sql(
        t,
        "ALTER TABLE network_meetings DISABLE TRIGGER network_meeting_statistics_version",
    );
    diesel::sql_query(
        "INSERT INTO network_meetings (id, organisation_id, facilitator_subject, held_on, \
             municipality_number, service, suggested_by, age_band, family, partner, friend, \
             colleague, neighbour, professional, other, next_meeting_planned, supervision_wanted) \
         SELECT gen_random_uuid(), $1, 'kari-levanger', '2026-11-24', '5041', 'Familieteamet', \
             'professional', '30-39', 3, 1, 1, 0, 0, 1, 0, false, false \
         FROM generate_series(1, $2)",
    )
    .bind::<diesel::sql_types::Uuid, _>(levanger)
    .bind::<diesel::sql_types::Integer, _>(count)
    .execute(&mut t.database.connect())
    .unwrap();
    sql(
        t,
        "ALTER TABLE network_meetings ENABLE TRIGGER network_meeting_statistics_version",
    );
}

/// The network-meeting statistics as `token` reads them from `app`.
async fn network_statistics(app: &impl App, token: &str) -> Value {
    let reply = fetched(app, "/api/v1/statistics/network-meetings", token).await;
    reply.body
}

/// Meetings logged in all, as published.
fn logged_in_all(statistics: &Value) -> Value {
    statistics["meetings_logged"]["count"].clone()
}

/// A municipality's row total, as published.
fn row_total(statistics: &Value, municipality: &str) -> Option<Value> {
    statistics["meetings"]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|row| row["label"] == municipality)
        .map(|row| row["total"]["count"].clone())
}

#[actix_web::test]
async fn network_meeting_statistics_are_kept_until_a_log_or_a_facilitator_link_changes() {
    let (t, app, d) = TestApp::started(innherred).await;
    let mut karis = Vec::new();
    for _ in 0..6 {
        karis.push(logged(&app, &d.kari, &log_body("5037")).await);
    }
    let statistics = || network_statistics(&app, &d.contact);

    let first = statistics().await;
    assert_eq!(logged_in_all(&first), 6, "{first}");
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM published_statistics"),
        1
    );
    // Logs stored behind the version's back are not counted: the answer is the kept one, and
    // another instance on the database, which has read nothing yet, is served it from there.
    stored_unversioned(&t, d.levanger, 5);
    assert_eq!(statistics().await, first);
    let other = t.other_instance().await;
    assert_eq!(network_statistics(&other, &d.contact).await, first);

    // A log written through the API bumps the version: the next answer counts every log.
    for _ in 0..5 {
        logged(&app, &d.ola, &log_body("5038")).await;
    }
    let counted = statistics().await;
    assert_eq!(logged_in_all(&counted), 16, "{counted}");
    assert_eq!(row_total(&counted, "5041"), Some(json!(5)));
    // What another instance reads back from the kept result is what was computed, and what a
    // third computes afresh with nothing kept.
    let fresh = t.other_instance().await;
    assert_eq!(network_statistics(&fresh, &d.contact).await, counted);
    sql(&t, "DELETE FROM published_statistics");
    let third = t.other_instance().await;
    assert_eq!(network_statistics(&third, &d.contact).await, counted);
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM published_statistics"),
        1
    );

    // A centre starting to follow a facilitator changes who knows which counts, which the
    // audit rests on: it bumps the version too.
    stored_unversioned(&t, d.levanger, 5);
    assert_eq!(logged_in_all(&statistics().await), 16);
    let sor = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Sør", None);
    follow(&t, sor.id, d.levanger, "kari-levanger", "Kari Nordmann");
    assert_eq!(logged_in_all(&statistics().await), 21);

    // A changed log: while another request refreshes the result, a reader is served the last
    // one; a refresh claimed over a minute ago is taken over, and the change is counted.
    stored_unversioned(&t, d.levanger, 5);
    let moved = send(
        &app,
        patch(
            &format!("/api/v1/network-meetings/{}", karis[0]),
            &d.kari,
            &json!({"municipality_number": "5041"}),
        )
        .insert_header(("If-Match", "\"1\"")),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    sql(
        &t,
        "UPDATE published_statistics SET refreshing_since = now()",
    );
    assert_eq!(row_total(&statistics().await, "5041"), Some(json!(10)));
    sql(
        &t,
        "UPDATE published_statistics SET refreshing_since = now() - interval '2 minutes'",
    );
    let refreshed = statistics().await;
    assert_eq!(
        row_total(&refreshed, "5041"),
        Some(json!(16)),
        "{refreshed}"
    );
    assert_eq!(row_total(&refreshed, "5037"), Some(json!(5)));
    assert_eq!(logged_in_all(&refreshed), 26);
    assert_eq!(
        t.database.count(
            "SELECT count(*) AS count FROM published_statistics WHERE refreshing_since IS NULL"
        ),
        1
    );
    // The other instances, which served older versions, count the change too.
    assert_eq!(network_statistics(&other, &d.contact).await, refreshed);

    // A log deleted (as the retention sweep deletes) leaves the next answer.
    sql(
        &t,
        "DELETE FROM network_meetings WHERE id IN \
         (SELECT id FROM network_meetings WHERE municipality_number = '5041' LIMIT 1)",
    );
    assert_eq!(logged_in_all(&statistics().await), 25);
}
