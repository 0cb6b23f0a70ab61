//! Erasure, retention and logs: a person's name leaves no trace once erased, and never reaches
//! the logs.

use diesel::RunQueryDsl;
use samhandling_jobs::retention;
use samhandling_tests::referrals::{
    field, move_referral, refer, referral_body, referral_uri, referred, transition,
};
use samhandling_tests::{act, fetched, get, logs, send, tables_containing, TestApp};
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
    let (t, app, f) = TestApp::started(field).await;
    let name = "Gunnhildsdottir";
    let mut body = referral_body(&f.centre, "Solveig", true);
    body["person"]["family_name"] = json!(name);
    body["person"]["email"] = json!("solveig@example.no");
    let created = refer(&app, &f.referrer, &body).await;
    let id = created["id"].as_str().unwrap();
    let read = get(&app, &referral_uri(id), &f.coordinator).await;
    assert_eq!(read.body["person"]["family_name"], name);
    move_referral(
        &app,
        id,
        &f.coordinator,
        &["received", "contacted", "declined_by_person"],
    )
    .await;
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
    let tombstone = get(&app, &referral_uri(id), &f.coordinator).await;
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
    let (t, app, f) = TestApp::started(field).await;
    let id = &referred(&app, &f, "Magnhild", true).await;
    let admin = t.admin_token();
    get(&app, &referral_uri(id), &admin)
        .await
        .assert_problem(403);
    fetched(&app, &format!("/api/v1/referrals/{id}/access-log"), &admin).await;
    let erased = act(&app, &format!("/api/v1/referrals/{id}/erase"), &admin).await;
    assert_eq!(erased.status, 204);
    assert!(tables_containing(&t.database, "Magnhild").is_empty());
    act(&app, &format!("/api/v1/referrals/{id}/erase"), &f.referrer)
        .await
        .assert_problem(403);
}

#[actix_web::test]
async fn the_retention_sweep_erases_what_ended_long_ago_and_nothing_else() {
    let (t, app, f) = TestApp::started(field).await;
    let old = refer(&app, &f.referrer, &referral_body(&f.centre, "Gammel", true)).await;
    let recent = refer(&app, &f.referrer, &referral_body(&f.centre, "Fersk", true)).await;
    let active = refer(&app, &f.referrer, &referral_body(&f.centre, "Aktiv", true)).await;
    for referral in [&old, &recent] {
        move_referral(
            &app,
            referral["id"].as_str().unwrap(),
            &f.referrer,
            &["withdrawn"],
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
    let policy = samhandling_domain::referral::RetentionPolicy::default();
    // First the centre is told; nothing is erased sooner than the notice period after that.
    let told = retention::sweep(t.state.database.pool(), &policy).unwrap();
    assert_eq!((told.notices, told.erased), (1, 0));
    assert!(!tables_containing(&t.database, "Gammel").is_empty());
    diesel::sql_query(
        "UPDATE referrals SET erasure_notice_at = now() - interval '31 days' WHERE id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(uuid::Uuid::parse_str(old["id"].as_str().unwrap()).unwrap())
    .execute(&mut t.database.connect())
    .unwrap();
    let report = retention::sweep(t.state.database.pool(), &policy).unwrap();
    assert_eq!(report.erased, 1);
    assert!(tables_containing(&t.database, "Gammel").is_empty());
    assert!(!tables_containing(&t.database, "Fersk").is_empty());
    assert!(!tables_containing(&t.database, "Aktiv").is_empty());
    let admin = t.admin_token();
    let trail = get(
        &app,
        &format!(
            "/api/v1/audit-events?resource_id={}&action=erased",
            old["id"].as_str().unwrap()
        ),
        &admin,
    )
    .await;
    assert_eq!(trail.body["items"][0]["actor"], "system:retention");
    assert_eq!(
        retention::sweep(t.state.database.pool(), &policy)
            .unwrap()
            .erased,
        0,
        "idempotent"
    );
}

/// More referrals due than a sweep's batch holds, ended and idle together: one sweep tells the
/// centre of every one, and one sweep after the notice period erases every one. The sweep reads
/// the ended ones and then the idle ones from their own indexes, a batch at a time, so a batch
/// that the ended ones fill must not end the sweep before the idle ones behind them.
#[actix_web::test]
async fn a_sweep_takes_more_due_referrals_than_a_batch_ended_and_idle_alike() {
    let (t, app, f) = TestApp::started(field).await;
    // Each with a case reference of its own, which a referrer may not use twice.
    let body = |name: &str, n: usize| {
        let mut body = referral_body(&f.centre, name, true);
        body["external_reference"] = json!(format!("SAK-{name}-{n}"));
        body
    };
    for n in 0..110 {
        let ended = refer(&app, &f.referrer, &body("Avsluttet", n)).await;
        let withdrawn = send(
            &app,
            transition(ended["id"].as_str().unwrap(), &f.referrer, "withdrawn"),
        )
        .await;
        assert_eq!(withdrawn.status, 200, "{}", withdrawn.text);
    }
    for n in 0..10 {
        refer(&app, &f.referrer, &body("Glemt", n)).await;
    }
    diesel::sql_query(
        "UPDATE referrals SET ended_at = now() - interval '200 days' WHERE ended_at IS NOT NULL",
    )
    .execute(&mut t.database.connect())
    .unwrap();
    diesel::sql_query(
        "UPDATE referrals SET updated_at = now() - interval '400 days' WHERE ended_at IS NULL",
    )
    .execute(&mut t.database.connect())
    .unwrap();
    // Worked on today: kept.
    refer(&app, &f.referrer, &referral_body(&f.centre, "Fersk", true)).await;
    let policy = samhandling_domain::referral::RetentionPolicy::default();

    let told = retention::sweep(t.state.database.pool(), &policy).unwrap();
    assert_eq!((told.notices, told.erased), (120, 0));
    diesel::sql_query(
        "UPDATE referrals SET erasure_notice_at = now() - interval '31 days' \
         WHERE erasure_notice_at IS NOT NULL",
    )
    .execute(&mut t.database.connect())
    .unwrap();
    let swept = retention::sweep(t.state.database.pool(), &policy).unwrap();
    assert_eq!((swept.notices, swept.expired, swept.erased), (0, 10, 120));
    assert!(tables_containing(&t.database, "Avsluttet").is_empty());
    assert!(tables_containing(&t.database, "Glemt").is_empty());
    assert!(!tables_containing(&t.database, "Fersk").is_empty());
}

/// A referral nobody works on keeps no one's name forever: the centre sees when it is due and is
/// told by webhook a notice period before; only after that does the sweep end it as expired and
/// erase the person (the referrer sees it ended). Working on it in between starts the clock over.
#[actix_web::test]
async fn an_idle_referral_is_noticed_to_the_centre_then_expired_and_erased() {
    use samhandling_jobs::delivery::{Deliverer, DeliverySettings};
    use samhandling_tests::receiver::Receiver;
    use samhandling_tests::webhooks::{deliver, subscribe_to};
    let t = TestApp::with_local_webhooks();
    let app = t.service().await;
    let f = samhandling_tests::referrals::field(&t);
    let receiver = Receiver::start(0);
    let subscribed =
        subscribe_to(&app, &f.coordinator, &receiver.url, "referral_erasure_due").await;
    assert_eq!(subscribed.status, 201, "{}", subscribed.text);
    let refused = subscribe_to(&app, &f.referrer, &receiver.url, "referral_erasure_due").await;
    refused.assert_problem(422);

    let idle = refer(&app, &f.referrer, &referral_body(&f.centre, "Glemt", false)).await;
    let worked = refer(
        &app,
        &f.referrer,
        &referral_body(&f.centre, "Husket", false),
    )
    .await;
    let idle_id = idle["id"].as_str().unwrap().to_owned();
    let worked_id = worked["id"].as_str().unwrap().to_owned();
    diesel::sql_query("UPDATE referrals SET updated_at = now() - interval '350 days'")
        .execute(&mut t.database.connect())
        .unwrap();
    let read = get(&app, &referral_uri(&idle_id), &f.coordinator).await;
    let due = read.body["erasure_due_at"].as_str().unwrap().to_owned();
    let soon = chrono::Utc::now() + chrono::TimeDelta::days(20);
    let listed = get(
        &app,
        &format!(
            "/api/v1/referrals?erasure_due_before={}",
            soon.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        &f.coordinator,
    )
    .await;
    assert_eq!(
        listed.body["items"].as_array().unwrap().len(),
        2,
        "{}",
        listed.text
    );

    let policy = samhandling_domain::referral::RetentionPolicy::default();
    let told = retention::sweep(t.state.database.pool(), &policy).unwrap();
    assert_eq!(
        (told.notices, told.erased),
        (2, 0),
        "told 15 days ahead, nothing erased"
    );
    let deliverer = Deliverer::new(
        t.state.database.pool().clone(),
        DeliverySettings {
            allow_private_targets: true,
            ..DeliverySettings::default()
        },
    );
    deliver(&deliverer).await;
    let notices: Vec<serde_json::Value> = receiver
        .received()
        .iter()
        .map(samhandling_tests::receiver::Received::json)
        .collect();
    assert_eq!(notices.len(), 2);
    assert!(notices
        .iter()
        .all(|notice| notice["type"] == "referral_erasure_due"));
    assert!(notices.iter().any(
        |notice| notice["data"]["referral"]["id"] == idle_id.as_str()
            && notice["data"]["referral"]["erasure_due_at"]
                .as_str()
                .is_some_and(|at| at[..16] == due[..16])
    ));
    assert!(!tables_containing(&t.database, "Glemt").is_empty());

    // The centre works on one; the other stays idle past its due time and the notice period.
    move_referral(&app, &worked_id, &f.coordinator, &["received"]).await;
    diesel::sql_query(
        "UPDATE referrals SET updated_at = now() - interval '400 days', \
         erasure_notice_at = now() - interval '31 days' WHERE id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(uuid::Uuid::parse_str(&idle_id).unwrap())
    .execute(&mut t.database.connect())
    .unwrap();
    let swept = retention::sweep(t.state.database.pool(), &policy).unwrap();
    assert_eq!((swept.expired, swept.erased), (1, 1));
    assert!(tables_containing(&t.database, "Glemt").is_empty());
    assert!(!tables_containing(&t.database, "Husket").is_empty());
    let seen = get(&app, &referral_uri(&idle_id), &f.referrer).await;
    assert_eq!(seen.body["coarse_status"], "ended");
    let tombstone = get(&app, &referral_uri(&idle_id), &f.coordinator).await;
    assert_eq!(tombstone.body["status"], "expired");
    assert_eq!(tombstone.body["erasure_due_at"], serde_json::Value::Null);
    receiver.stop().await;
}
