//! Every migration runs down and up again cleanly.

use diesel::RunQueryDsl;
use samhandling_persistence::migrations::{revert_all, revert_last, run_pending};
use samhandling_tests::referrals::{field, move_referral, refer, referral_body, referral_uri};
use samhandling_tests::{fetched, get, TestApp, TestDatabase};

#[derive(diesel::QueryableByName)]
struct TableCount {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    tables: i64,
}

fn tables(conn: &mut diesel::PgConnection) -> i64 {
    diesel::sql_query(
        "SELECT count(*) AS tables FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
    )
    .get_result::<TableCount>(conn)
    .unwrap()
    .tables
}

#[test]
fn every_migration_reverts_and_reapplies() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let before = tables(&mut conn);
    assert!(before >= 4);
    let reverted = revert_all(&mut conn).unwrap();
    assert!(!reverted.is_empty());
    assert_eq!(tables(&mut conn), 0, "down scripts leave no table behind");
    let applied = run_pending(&mut conn).unwrap();
    assert_eq!(applied.len(), reverted.len());
    assert_eq!(tables(&mut conn), before);
}

/// Two instances started at once on a database that lacks the migrations: one applies them while
/// the other waits, then finds nothing to apply. Without the lock the second failed on a type
/// the first had just created.
#[test]
fn instances_migrating_at_once_take_turns() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let before = tables(&mut conn);
    let reverted = revert_all(&mut conn).unwrap().len();
    let barrier = std::sync::Barrier::new(2);
    let applied: Vec<usize> = std::thread::scope(|scope| {
        let instances: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut conn = database.connect();
                    barrier.wait();
                    run_pending(&mut conn).unwrap().len()
                })
            })
            .collect();
        instances
            .into_iter()
            .map(|instance| instance.join().unwrap())
            .collect()
    });
    let mut applied = applied;
    applied.sort_unstable();
    assert_eq!(applied, vec![0, reverted], "one instance applied them all");
    assert_eq!(tables(&mut conn), before);
}

/// Reverts the newest migrations down to and including `version`; returns how many.
fn revert_through(conn: &mut diesel::PgConnection, version: &str) -> usize {
    let mut reverted = 0;
    loop {
        let name = revert_last(conn).unwrap();
        reverted += 1;
        if name == version {
            return reverted;
        }
    }
}

#[derive(diesel::QueryableByName)]
struct Offer {
    #[diesel(sql_type = diesel::sql_types::Text)]
    offer: String,
}

#[actix_web::test]
async fn a_stored_network_meeting_referral_becomes_a_self_help_group_referral() {
    let (t, app, f) = TestApp::started(field).await;
    let referral = refer(&app, &f.referrer, &referral_body(&f.centre, "Kjell", true)).await;
    let id: uuid::Uuid = referral["id"].as_str().unwrap().parse().unwrap();
    let mut conn = t.database.connect();
    let reverted = revert_through(&mut conn, "20261202000016");
    diesel::sql_query("UPDATE referrals SET offer = 'network_meeting' WHERE id = $1")
        .bind::<diesel::sql_types::Uuid, _>(id)
        .execute(&mut conn)
        .unwrap();
    assert_eq!(run_pending(&mut conn).unwrap().len(), reverted);
    let stored = diesel::sql_query("SELECT offer FROM referrals WHERE id = $1")
        .bind::<diesel::sql_types::Uuid, _>(id)
        .get_result::<Offer>(&mut conn)
        .unwrap();
    assert_eq!(stored.offer, "self_help_group");
    let read = fetched(&app, &referral_uri(id), &f.coordinator).await;
    assert_eq!(read.body["offer"], "self_help_group");
}

#[test]
fn one_governor_per_county_stops_on_duplicates_and_names_the_county() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let reverted = revert_through(&mut conn, "20261206000017");
    let governor = "INSERT INTO organisations (id, kind, name, county_number) \
                    VALUES (gen_random_uuid(), 'county_governor', $1, '46')";
    for name in ["Statsforvalteren i Vestland", "Fylkesmannen i Hordaland"] {
        diesel::sql_query(governor)
            .bind::<diesel::sql_types::Text, _>(name)
            .execute(&mut conn)
            .unwrap();
    }
    let refused = run_pending(&mut conn).unwrap_err().to_string();
    assert!(refused.contains("county_number 46"), "{refused}");
    assert_eq!(
        database.count("SELECT count(*) AS count FROM organisations WHERE county_number = '46'"),
        2,
        "nothing changed"
    );
    diesel::sql_query(
        "UPDATE organisations SET county_number = NULL WHERE name = 'Fylkesmannen i Hordaland'",
    )
    .execute(&mut conn)
    .unwrap();
    assert_eq!(run_pending(&mut conn).unwrap().len(), reverted);
}

/// Referrals made before collaboration agreements existed keep the feedback they were sent
/// under (the detailed status with the person's consent), and no agreement change touches them;
/// referrals made since follow the agreement, none without one.
#[actix_web::test]
async fn referrals_from_before_agreements_keep_their_feedback() {
    let (t, app, f) = TestApp::started(field).await;
    let earlier = refer(&app, &f.referrer, &referral_body(&f.centre, "Kjell", true)).await;
    let earlier = earlier["id"].as_str().unwrap().to_owned();
    let mut conn = t.database.connect();
    let reverted = revert_through(&mut conn, "20261206000024");
    assert_eq!(run_pending(&mut conn).unwrap().len(), reverted);
    // The agreements went with the revert: the municipality has none now.
    let later = refer(&app, &f.referrer, &referral_body(&f.centre, "Liv", true)).await;
    assert_eq!(later["feedback"], "none");
    for id in [&earlier, later["id"].as_str().unwrap()] {
        move_referral(&app, id, &f.coordinator, &["received"]).await;
    }
    let kept = get(&app, &referral_uri(&earlier), &f.referrer).await;
    assert_eq!(kept.body["feedback"], "detailed");
    assert_eq!(kept.body["status"], "received");
    let later = get(
        &app,
        &format!("/api/v1/referrals/{}", later["id"].as_str().unwrap()),
        &f.referrer,
    )
    .await;
    assert_eq!(later.body["status"], serde_json::Value::Null);
}

/// A network stored before networks had several coordinators keeps its centre as its lead, and
/// a steering-group seat whose name is an organisation's becomes that organisation's seat, while
/// a name not in the directory stays a named seat.
#[actix_web::test]
async fn a_network_from_before_keeps_its_centre_as_lead_and_its_seats_find_their_organisations() {
    use samhandling_domain::organisation::OrganisationKind;
    use samhandling_domain::Role;
    let (t, app, adviser) = TestApp::started(|t| {
        let centre = t.organisation(OrganisationKind::CompetenceCentre, "NK TSB", None);
        let bar = t.organisation(OrganisationKind::UserOrganisation, "BAR", None);
        let token = t.token_as(
            "radgiver@nktsb.example",
            centre.id,
            &[Role::CompetenceAdviser],
        );
        (centre, bar, token)
    })
    .await;
    let (centre, bar, token) = adviser;
    let mut conn = t.database.connect();
    let reverted = revert_through(&mut conn, "20261206000028");
    let network = uuid::Uuid::now_v7();
    diesel::sql_query(format!(
        "INSERT INTO learning_networks (id, name, coordinating_centre_id, target_group, \
             starts_on, steering_group) \
         VALUES ('{network}', 'Familienettverket', '{}', 'Familier', '2016-01-04', \
             '[{{\"name\": \"bar\", \"user_organisation\": false}}, \
               {{\"name\": \"Foreldreforeningen\", \"user_organisation\": true}}]')",
        centre.id
    ))
    .execute(&mut conn)
    .unwrap();
    assert_eq!(run_pending(&mut conn).unwrap().len(), reverted);

    let read = fetched(
        &app,
        &format!("/api/v1/learning-networks/{network}"),
        &token,
    )
    .await;
    assert_eq!(read.body["view"], "coordinator");
    assert_eq!(
        read.body["coordinating_centre_id"],
        serde_json::json!(centre.id)
    );
    assert_eq!(read.body["coordinators"][0]["organisation_name"], "NK TSB");
    assert_eq!(
        read.body["steering_group"],
        serde_json::json!([
            {"organisation_id": bar.id, "name": "BAR", "user_organisation": true},
            {"organisation_id": null, "name": "Foreldreforeningen", "user_organisation": true}
        ])
    );
}
