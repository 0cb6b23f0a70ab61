//! Erasure, retention and logs: a person's name leaves no trace once erased, and never reaches
//! the logs.

use crate::referrals::{field, refer, referral_body, transition};
use actix_web::test::TestRequest;
use diesel::RunQueryDsl;
use samhandling_jobs::retention;
use samhandling_tests::{act, authorized, get, logs, send, tables_containing, TestApp};
use serde_json::json;

/// A row of what erasure keeps for statistics.
#[derive(diesel::QueryableByName)]
struct Statistic {
    #[diesel(sql_type = diesel::sql_types::Text)]
    final_status: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    groups: String,
}

#[actix_web::test]
async fn erasure_leaves_no_trace_of_the_name_and_logs_never_had_one() {
    logs::capture();
    let t = TestApp::new();
    let app = t.service().await;
    let f = field(&t);
    let name = "Gunnhildsdottir";
    let mut body = referral_body(&f.centre, "Solveig", true);
    body["person"]["family_name"] = json!(name);
    body["person"]["email"] = json!("solveig@example.no");
    let created = refer(&app, &f.referrer, &body).await;
    let id = created["id"].as_str().unwrap();
    let read = get(&app, &format!("/api/v1/referrals/{id}"), &f.coordinator).await;
    assert_eq!(read.body["person"]["family_name"], name);
    for step in ["received", "contacted", "declined_by_person"] {
        send(&app, transition(id, &f.coordinator, step)).await;
    }
    assert!(
        !tables_containing(&t.database, name).is_empty(),
        "stored before erasure"
    );

    let erased = act(
        &app,
        &format!("/api/v1/referrals/{id}/erase"),
        &f.coordinator,
    )
    .await;
    assert_eq!(erased.status, 204, "{}", erased.text);
    for needle in [
        name,
        "Solveig",
        "solveig@example.no",
        "+4791234567",
        "ønsker en gruppe",
    ] {
        assert_eq!(
            tables_containing(&t.database, needle),
            Vec::new(),
            "{needle} left behind"
        );
    }
    let tombstone = get(&app, &format!("/api/v1/referrals/{id}"), &f.coordinator).await;
    assert_eq!(tombstone.body["person"], serde_json::Value::Null);
    assert!(tombstone.body["erased_at"].is_string());
    assert_eq!(tombstone.body["status"], "declined_by_person");
    // The tombstone keeps what the referrer's view shows, and nothing statistics could link back
    // through the id or the reference that the referrer, the centre and the person hold.
    assert_eq!(tombstone.body["target_groups"], json!([]));
    assert_eq!(
        tombstone.body["municipality_number"],
        serde_json::Value::Null
    );
    assert_eq!(tombstone.body["history"], json!([]));
    let reference = created["reference"].as_str().unwrap();
    for handle in [id, reference] {
        let holding: Vec<String> = tables_containing(&t.database, handle)
            .into_iter()
            .map(|(table, _)| table)
            .collect();
        assert!(
            holding
                .iter()
                .all(|table| table == "referrals" || table == "audit_events"),
            "{handle} still links {holding:?}"
        );
    }
    // The statistics survive, to the month, under an id of their own.
    let kept: Vec<Statistic> = diesel::sql_query(
        "SELECT final_status, array_to_string(target_groups, ',') AS groups FROM referral_statistics",
    )
    .load(&mut t.database.connect())
    .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].final_status, "declined_by_person");
    assert_eq!(kept[0].groups, "work_assessment_allowance");

    let lines = logs::lines();
    assert!(
        lines
            .iter()
            .any(|line| line.contains("samhandling::access")),
        "the log was captured"
    );
    for needle in [name, "Solveig", "solveig@example.no", "+4791234567"] {
        assert!(
            !lines.iter().any(|line| line.contains(needle)),
            "{needle} reached the log"
        );
    }
}

#[actix_web::test]
async fn admins_erase_but_do_not_read() {
    let t = TestApp::new();
    let app = t.service().await;
    let f = field(&t);
    let created = refer(
        &app,
        &f.referrer,
        &referral_body(&f.centre, "Magnhild", true),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    let admin = t.admin_token();
    get(&app, &format!("/api/v1/referrals/{id}"), &admin)
        .await
        .assert_problem(403);
    let log = get(&app, &format!("/api/v1/referrals/{id}/access-log"), &admin).await;
    assert_eq!(log.status, 200);
    let erased = act(&app, &format!("/api/v1/referrals/{id}/erase"), &admin).await;
    assert_eq!(erased.status, 204);
    assert!(tables_containing(&t.database, "Magnhild").is_empty());
    act(&app, &format!("/api/v1/referrals/{id}/erase"), &f.referrer)
        .await
        .assert_problem(403);
}

#[actix_web::test]
async fn the_retention_sweep_erases_what_ended_long_ago_and_nothing_else() {
    let t = TestApp::new();
    let app = t.service().await;
    let f = field(&t);
    let old = refer(&app, &f.referrer, &referral_body(&f.centre, "Gammel", true)).await;
    let recent = refer(&app, &f.referrer, &referral_body(&f.centre, "Fersk", true)).await;
    let active = refer(&app, &f.referrer, &referral_body(&f.centre, "Aktiv", true)).await;
    for referral in [&old, &recent] {
        send(
            &app,
            transition(referral["id"].as_str().unwrap(), &f.referrer, "withdrawn"),
        )
        .await;
    }
    // An active referral is kept however old it is: retention counts from the end.
    diesel::sql_query(
        "UPDATE referrals SET created_at = now() - interval '400 days' WHERE id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(
        uuid::Uuid::parse_str(active["id"].as_str().unwrap()).unwrap(),
    )
    .execute(&mut t.database.connect())
    .unwrap();
    diesel::sql_query("UPDATE referrals SET ended_at = now() - interval '200 days' WHERE id = $1")
        .bind::<diesel::sql_types::Uuid, _>(
            uuid::Uuid::parse_str(old["id"].as_str().unwrap()).unwrap(),
        )
        .execute(&mut t.database.connect())
        .unwrap();
    let report = retention::sweep(&t.state.db, chrono::TimeDelta::days(180)).unwrap();
    assert_eq!(report.erased, 1);
    assert!(tables_containing(&t.database, "Gammel").is_empty());
    assert!(!tables_containing(&t.database, "Fersk").is_empty());
    assert!(!tables_containing(&t.database, "Aktiv").is_empty());
    let admin = t.admin_token();
    let trail = send(
        &app,
        authorized(
            TestRequest::get().uri(&format!(
                "/api/v1/audit-events?resource_id={}&action=erased",
                old["id"].as_str().unwrap()
            )),
            &admin,
        ),
    )
    .await;
    assert_eq!(trail.body["items"][0]["actor"], "system:retention");
    assert_eq!(
        retention::sweep(&t.state.db, chrono::TimeDelta::days(180))
            .unwrap()
            .erased,
        0,
        "idempotent"
    );
}
