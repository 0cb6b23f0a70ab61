//! Self-help groups and intakes: from the intake conversation to a started, self-running group,
//! with the referrer seeing only what its consent allows, another centre seeing nothing, and
//! statistics that give no small count away.

use actix_web::test::TestRequest;
use samhandling_tests::groups::{
    as_last_quarter, book_intake, candidate, complete_for_group, day, depart, group_body,
    group_uri, group_with_members, place, recruiting_group, running_itself, Candidate,
};
use samhandling_tests::receiver::Receiver;
use samhandling_tests::referrals::{field, move_referral, refer, referral_body, referral_uri};
use samhandling_tests::webhooks::{deliver, deliverer, subscribe};
use samhandling_tests::{
    act, assert_not_found, authorized, created, fetched, get, moved, post, send, send_if_match,
    tables_containing, texts, try_move, TestApp,
};
use serde_json::{json, Value};

fn statuses(history: &Value) -> Vec<String> {
    history
        .as_array()
        .unwrap()
        .iter()
        .map(|step| step["to_status"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_referral_travels_from_intake_to_a_started_group_and_its_referrer_sees_only_its_part() {
    let (t, app, f) = TestApp::with_local_webhooks().serve(field).await;
    let receiver = Receiver::start(0);
    let subscribed = subscribe(&app, &f.referrer, &receiver.url).await;
    assert_eq!(subscribed.status, 201, "{}", subscribed.text);

    let title = "Pårørendegruppe tirsdager";
    let mut fitting = group_body(title, "relatives");
    fitting["format"] = json!("digital");
    let group = recruiting_group(&app, &f.coordinator, &fitting).await;
    let mut grief = group_body("Sorggruppe torsdager", "grief");
    grief["schedule"]["weekday"] = json!("thursday");
    grief["languages"] = json!(["en"]);
    let grief = recruiting_group(&app, &f.coordinator, &grief).await;

    // Everything the referrer is shown or sent, to search for the group afterwards.
    let mut seen_by_referrer: Vec<String> = Vec::new();
    let names = ["Kari", "Ola", "Per", "Lise", "Nora"];
    let mut referrals = Vec::new();
    for (index, name) in names.iter().enumerate() {
        let created = refer(
            &app,
            &f.referrer,
            &referral_body(&f.centre, name, index == 0),
        )
        .await;
        seen_by_referrer.push(created.to_string());
        let id = created["id"].as_str().unwrap().to_owned();
        move_referral(&app, &id, &f.coordinator, &["received"]).await;
        let intake = book_intake(&app, &f.coordinator, &id).await;
        let booked = get(&app, &referral_uri(&id), &f.referrer).await;
        seen_by_referrer.push(booked.text.clone());
        if index == 0 {
            assert_eq!(booked.body["status"], "intake_scheduled");
        } else {
            assert_eq!(booked.body["status"], Value::Null, "no consent, no detail");
            assert_eq!(booked.body["coarse_status"], "in_progress");
        }
        let completed = complete_for_group(
            &app,
            &f.coordinator,
            &intake,
            "relatives",
            &format!("{name}-alias"),
        )
        .await;
        assert_eq!(completed.body["pseudonym"], format!("{name}-alias"));

        let suggested = fetched(
            &app,
            &format!("/api/v1/intakes/{intake}/suggested-groups"),
            &f.coordinator,
        )
        .await;
        let best = &suggested.body["items"][0];
        assert_eq!(
            best["group"]["id"],
            group.as_str(),
            "the fitting group first"
        );
        assert_eq!(
            best["fit"]["met"],
            json!(["theme", "language", "format", "municipality", "weekday"])
        );
        assert_eq!(suggested.body["items"][1]["group"]["id"], grief.as_str());
        assert!(suggested.body["items"][1]["fit"]["not_met"]
            .as_array()
            .unwrap()
            .contains(&json!("theme")));

        let placed = place(&app, &f.coordinator, &group, &intake).await;
        assert_eq!(placed.status, 201, "{}", placed.text);
        assert_eq!(placed.body["pseudonym"], format!("{name}-alias"));
        let after = get(&app, &referral_uri(&id), &f.referrer).await;
        assert_eq!(after.body["coarse_status"], "completed");
        seen_by_referrer.push(after.text.clone());
        referrals.push(id);
    }

    let kari = get(
        &app,
        &format!("/api/v1/referrals/{}", referrals[0]),
        &f.referrer,
    )
    .await;
    assert_eq!(kari.body["status"], "placed");
    assert_eq!(
        statuses(&kari.body["history"]),
        [
            "submitted",
            "received",
            "contacted",
            "intake_scheduled",
            "intake_completed",
            "waiting_for_group",
            "placed"
        ],
        "booking a received referral walks it through contacted, each step recorded"
    );
    seen_by_referrer.push(kari.text.clone());
    let listed = get(&app, "/api/v1/referrals", &f.referrer).await;
    seen_by_referrer.push(listed.text.clone());

    let started = moved(&app, &group_uri(&group), &f.coordinator, "starting").await;
    assert_eq!(started.body["member_count"], 5);
    assert_eq!(started.body["open_seats"], 3);

    created(
        &app,
        &format!("/api/v1/groups/{group}/starters"),
        &f.coordinator,
        &json!({"subject": "ansatt-17", "display_name": "Ingrid", "planned_meetings": 3}),
    )
    .await;
    for (date, follow_up) in [(day(0), false), (day(1), true)] {
        created(
            &app,
            &format!("/api/v1/groups/{group}/sessions"),
            &f.coordinator,
            &json!({"held_on": date, "held": true, "present": 5, "starter_present": true,
                    "follow_up_requested": follow_up, "note": "God start."}),
        )
        .await;
    }
    let sessions = get(
        &app,
        &format!("/api/v1/groups/{group}/sessions"),
        &f.coordinator,
    )
    .await;
    assert_eq!(sessions.body["items"].as_array().unwrap().len(), 2);
    let read = get(&app, &group_uri(&group), &f.coordinator).await;
    assert_eq!(read.body["starters"][0]["display_name"], "Ingrid");
    let follow_up = read.body["follow_ups"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let visited = post(
        &app,
        &format!("/api/v1/follow-ups/{follow_up}/visit"),
        &f.coordinator,
        &json!({"visited_on": day(1)}),
    )
    .await;
    assert_eq!(visited.status, 200, "{}", visited.text);
    assert_eq!(visited.body["visited_by"], "tester");
    let again = post(
        &app,
        &format!("/api/v1/follow-ups/{follow_up}/visit"),
        &f.coordinator,
        &json!({"visited_on": day(1)}),
    )
    .await;
    again.assert_problem(409);
    moved(&app, &group_uri(&group), &f.coordinator, "self_running").await;

    // The referrer's webhooks: every step Kari consented to hear of, in order; for the others
    // only the changes of the coarse status.
    deliver(&deliverer(&t)).await;
    let delivered = receiver.received();
    let events: Vec<Value> = delivered
        .iter()
        .map(samhandling_tests::receiver::Received::json)
        .collect();
    let of = |id: &str, field: &str| -> Vec<String> {
        events
            .iter()
            .filter(|e| e["data"]["referral"]["id"] == id)
            .map(|e| {
                e["data"]["referral"][field]
                    .as_str()
                    .unwrap_or("null")
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(
        of(&referrals[0], "status"),
        [
            "received",
            "contacted",
            "intake_scheduled",
            "intake_completed",
            "waiting_for_group",
            "placed"
        ]
    );
    assert_eq!(
        of(&referrals[1], "coarse_status"),
        ["in_progress", "completed"]
    );
    assert_eq!(of(&referrals[1], "status"), ["null", "null"]);
    for delivery in &delivered {
        seen_by_referrer.push(String::from_utf8_lossy(&delivery.body).into_owned());
    }

    // Nothing the referrer saw or was sent names the group or anyone's pseudonym.
    let everything = seen_by_referrer.join("\n");
    assert!(
        !everything.contains(&group),
        "the group's id reached the referrer"
    );
    assert!(
        !everything.contains(title),
        "the group's title reached the referrer"
    );
    assert!(
        !everything.contains("alias"),
        "a pseudonym reached the referrer"
    );
    let probed = get(&app, &group_uri(&group), &f.referrer).await;
    probed.assert_problem(404);
    let members = get(
        &app,
        &format!("/api/v1/groups/{group}/members"),
        &f.referrer,
    )
    .await;
    members.assert_problem(403);
}

#[actix_web::test]
async fn starting_one_member_short_is_409_and_says_how_many_are_missing() {
    let (_t, app, f) = TestApp::started(field).await;
    let (group, _) = group_with_members(&app, &f, &group_body("Samtalegruppe", "general"), 4).await;
    let refused = try_move(&app, &group_uri(&group), &f.coordinator, "starting").await;
    let problem = refused.assert_problem(409);
    assert_eq!(
        problem["detail"],
        "the group needs 5 members to start and has 4: 1 missing"
    );
    let unchanged = get(&app, &group_uri(&group), &f.coordinator).await;
    assert_eq!(unchanged.body["status"], "recruiting");

    let mut small = group_body("Liten gruppe", "general");
    small["min_members"] = json!(4);
    let (small, _) = group_with_members(&app, &f, &small, 0).await;
    let early = try_move(&app, &group_uri(&small), &f.coordinator, "self_running").await;
    let problem = early.assert_problem(409);
    assert_eq!(problem["allowed_transitions"], json!(["starting", "ended"]));
}

#[actix_web::test]
async fn a_full_group_and_a_second_place_are_409_and_a_started_group_needs_its_agreement() {
    let (_t, app, f) = TestApp::started(field).await;
    let mut body = group_body("Liten gruppe", "relatives");
    body["min_members"] = json!(4);
    body["max_members"] = json!(4);
    let (group, intakes) = group_with_members(&app, &f, &body, 4).await;

    let twice = place(&app, &f.coordinator, &group, &intakes[0]).await;
    let problem = twice.assert_problem(409);
    assert_eq!(
        problem["detail"],
        "this person already has a place in a group"
    );

    let intake = candidate(&app, &f, "Femte", "Femte").await.intake;
    let full = place(&app, &f.coordinator, &group, &intake).await;
    assert_eq!(
        full.assert_problem(409)["detail"],
        "the group is full: 4 of 4 seats are taken"
    );

    let open = running_itself(&app, &f, "Åpen").await;
    let closed = place(&app, &f.coordinator, &open, &intake).await;
    closed.assert_problem(409);
    let agreed = created(
        &app,
        &format!("/api/v1/groups/{open}/members"),
        &f.coordinator,
        &json!({"intake_id": intake, "group_agreed": true, "confidentiality_signed": true}),
    )
    .await;
    assert!(agreed.body["confidentiality_signed_at"].is_string());
    let membership = agreed.body["id"].as_str().unwrap();
    let left = depart(&app, &f.coordinator, membership, "could_not_attend").await;
    assert_eq!(left.status, 200, "{}", left.text);
    let read = get(&app, &group_uri(&open), &f.coordinator).await;
    assert_eq!(read.body["member_count"], 5, "the seat is free again");
    depart(&app, &f.coordinator, membership, "other")
        .await
        .assert_problem(409);
}

#[actix_web::test]
async fn another_centre_gets_404_on_every_id() {
    let (_t, app, f) = TestApp::started(field).await;
    let mut body = group_body("Hemmelig sted", "relatives");
    body["confidential_location"] = json!(true);
    // Unpublished (the default), so that it is not in the catalogue, where anyone signed in may
    // read it; and full.
    body["max_members"] = json!(5);
    let (group, intakes) = group_with_members(&app, &f, &body, 5).await;
    moved(&app, &group_uri(&group), &f.coordinator, "starting").await;
    created(
        &app,
        &format!("/api/v1/groups/{group}/sessions"),
        &f.coordinator,
        &json!({"held_on": day(0), "held": true, "present": 5, "follow_up_requested": true}),
    )
    .await;
    let read = get(&app, &group_uri(&group), &f.coordinator).await;
    let follow_up = read.body["follow_ups"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let members = get(
        &app,
        &format!("/api/v1/groups/{group}/members"),
        &f.coordinator,
    )
    .await;
    let membership = members.body["items"][0]["id"].as_str().unwrap().to_owned();
    let intake = &intakes[0];

    let other = &f.other_centre;
    let uris = [
        group_uri(&group),
        format!("/api/v1/groups/{group}/members"),
        format!("/api/v1/groups/{group}/sessions"),
        format!("/api/v1/groups/{group}/candidates"),
        format!("/api/v1/intakes/{intake}"),
        format!("/api/v1/intakes/{intake}/suggested-groups"),
        format!("/api/v1/memberships/{membership}"),
    ];
    assert_not_found(&app, &uris, &[other]).await;
    for (uri, body) in [
        (
            format!("/api/v1/groups/{group}/transitions"),
            json!({"to": "self_running"}),
        ),
        (
            format!("/api/v1/groups/{group}/members"),
            json!({"intake_id": intake}),
        ),
        (
            format!("/api/v1/groups/{group}/sessions"),
            json!({"held_on": day(0), "held": false}),
        ),
        (
            format!("/api/v1/groups/{group}/starters"),
            json!({"subject": "x", "display_name": "X", "planned_meetings": 2}),
        ),
        (
            format!("/api/v1/groups/{group}/follow-ups"),
            json!({"requested_on": day(0)}),
        ),
        (
            format!("/api/v1/follow-ups/{follow_up}/visit"),
            json!({"visited_on": day(0)}),
        ),
        (
            format!("/api/v1/intakes/{intake}/completion"),
            json!({"held_at": chrono::Utc::now(), "outcome": "declined"}),
        ),
        (
            format!("/api/v1/memberships/{membership}/departure"),
            json!({"reason": "other"}),
        ),
    ] {
        post(&app, &uri, other, &body).await.assert_problem(404);
    }
    act(
        &app,
        &format!("/api/v1/memberships/{membership}/confidentiality-declaration"),
        other,
    )
    .await
    .assert_problem(404);
    let patched = send_if_match(
        &app,
        TestRequest::patch().uri(&group_uri(&group)),
        other,
        Some("*"),
        &json!({"title": "Kapret"}),
    )
    .await;
    patched.assert_problem(404);
    let listed = get(&app, "/api/v1/intakes", other).await;
    assert_eq!(listed.body["items"], json!([]));
    let demand = get(&app, "/api/v1/waiting-demand", other).await;
    assert_eq!(demand.body["items"], json!([]));

    // Nothing changed for the running centre.
    let unchanged = get(&app, &group_uri(&group), &f.coordinator).await;
    assert_eq!(unchanged.body["status"], "starting");
    assert_eq!(unchanged.body["follow_ups"][0]["visited_on"], Value::Null);
}

#[actix_web::test]
async fn the_catalogue_shows_recruiting_groups_without_members_counts_or_a_confidential_address() {
    let (_t, app, f) = TestApp::started(field).await;
    let mut body = group_body("Hemmelig sted", "relatives");
    body["confidential_location"] = json!(true);
    body["published"] = json!(true);
    let (group, _) = group_with_members(&app, &f, &body, 2).await;
    let planned = post(
        &app,
        "/api/v1/groups",
        &f.coordinator,
        &group_body("Ikke åpen ennå", "grief"),
    )
    .await;
    let planned = planned.body["id"].as_str().unwrap().to_owned();

    let seen = fetched(&app, &group_uri(&group), &f.referrer).await;
    assert_eq!(seen.body["view"], "catalogue");
    assert_eq!(seen.body["seats"], "available");
    assert_eq!(seen.body["address"], Value::Null);
    assert_eq!(seen.body["confidential_location"], true);
    for hidden in [
        "member_count",
        "open_seats",
        "version",
        "status",
        "starters",
    ] {
        assert!(seen.body.get(hidden).is_none(), "{hidden} in the catalogue");
    }
    assert!(
        seen.header("etag").is_none(),
        "no version counter outside the centre"
    );
    assert!(!seen.text.contains("Kongens gate"));
    get(&app, &group_uri(&planned), &f.referrer)
        .await
        .assert_problem(404);
    let catalogue = get(&app, "/api/v1/groups", &f.other_centre).await;
    let ids = texts(&catalogue.body["items"], "id");
    assert_eq!(ids, [group.as_str()]);
    let own = get(&app, "/api/v1/groups", &f.coordinator).await;
    assert_eq!(own.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(own.body["items"][0]["view"], "centre");
    assert_eq!(
        own.body["items"][0]["address"],
        "Kongens gate 30, Trondheim"
    );
}

#[actix_web::test]
async fn reading_an_intake_is_audited_and_erasure_takes_the_intake_and_the_pseudonym() {
    let (t, app, f) = TestApp::started(field).await;
    let group = recruiting_group(&app, &f.coordinator, &group_body("Gruppe", "relatives")).await;
    let Candidate { referral, intake } = candidate(&app, &f, "Sigrid", "Solstråle").await;
    let placed = place(&app, &f.coordinator, &group, &intake).await;
    let membership = placed.body["id"].as_str().unwrap().to_owned();

    let read = get(&app, &format!("/api/v1/intakes/{intake}"), &f.coordinator).await;
    assert_eq!(read.body["pseudonym"], "Solstråle");
    let admin = t.admin_token();
    let trail = get(
        &app,
        &format!("/api/v1/audit-events?resource_type=intake&resource_id={intake}"),
        &admin,
    )
    .await;
    let actions = texts(&trail.body["items"], "action");
    assert_eq!(actions, ["created", "completed", "read"]);
    let listed = get(&app, "/api/v1/intakes", &f.coordinator).await;
    assert!(listed.body["items"][0].get("pseudonym").is_none());
    assert!(listed.body["items"][0].get("notes").is_none());

    let erased = act(
        &app,
        &format!("/api/v1/referrals/{referral}/erase"),
        &f.coordinator,
    )
    .await;
    assert_eq!(erased.status, 204, "{}", erased.text);
    assert_eq!(
        tables_containing(&t.database, "Solstråle"),
        Vec::<(String, i64)>::new()
    );
    get(&app, &format!("/api/v1/intakes/{intake}"), &f.coordinator)
        .await
        .assert_problem(404);
    let place = get(
        &app,
        &format!("/api/v1/memberships/{membership}"),
        &f.coordinator,
    )
    .await;
    assert_eq!(place.body["pseudonym"], Value::Null);
    assert_eq!(place.body["referral_id"], Value::Null);
    let group_now = get(&app, &group_uri(&group), &f.coordinator).await;
    assert_eq!(group_now.body["member_count"], 1, "counts stay true");
}

#[actix_web::test]
async fn statistics_hide_a_municipality_with_three_members_in_its_row_and_column_totals() {
    let (t, app, f) = TestApp::started(field).await;
    let mut trondheim = group_body("Trondheim", "relatives");
    trondheim["municipality_number"] = json!("5001");
    let mut stjordal = group_body("Stjørdal", "relatives");
    stjordal["municipality_number"] = json!("5035");
    group_with_members(&app, &f, &trondheim, 3).await;
    group_with_members(&app, &f, &stjordal, 6).await;
    let mut stjordal_grief = group_body("Stjørdal sorg", "grief");
    stjordal_grief["municipality_number"] = json!("5035");
    group_with_members(&app, &f, &stjordal_grief, 6).await;

    // This quarter is not counted until it ends.
    let this_year = chrono::Datelike::year(&chrono::Utc::now());
    let now = get(
        &app,
        &format!("/api/v1/statistics/groups?year={this_year}"),
        &f.referrer,
    )
    .await;
    assert_eq!(now.body["table"]["total"]["count"], 0, "{}", now.text);
    let year = as_last_quarter(&t);
    let stats = fetched(&app,
        &format!("/api/v1/statistics/groups?measure=members_placed&rows=municipality&columns=theme&year={year}"),
        &f.referrer,).await;
    let table = &stats.body["table"];
    assert_eq!(table["columns"], json!(["grief", "relatives"]));
    let row = |label: &str| {
        table["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["label"] == label)
            .unwrap()
            .clone()
    };
    let trondheim = row("5001");
    assert_eq!(trondheim["cells"][1]["shown"], "<5");
    assert_eq!(trondheim["cells"][1]["count"], Value::Null);
    // Its row total and its column total would give the 3 away; they are hidden with it, and
    // what stays shown cannot be subtracted back to it.
    assert_eq!(trondheim["total"]["count"], Value::Null);
    let relatives_total = &table["column_totals"][1];
    let stjordal = row("5035");
    let shown_in_column = stjordal["cells"][1]["count"].as_u64();
    assert!(
        relatives_total["count"].is_null() || shown_in_column.is_none(),
        "the relatives column must not show both its total and the other cell: {table}"
    );
    assert_eq!(
        table["total"]["count"], 15,
        "the grand total is safe to show"
    );
    assert!(!stats.text.contains("\"count\":3"), "{}", stats.text);
    // Averages are by centre only: beside Stjørdal's twelve, a municipality's average would
    // give Trondheim's three away. The total is the one centre's, over 15 people.
    let waits = &stats.body["average_wait_days"];
    assert_eq!(waits["rows"], json!([null, null]), "{waits}");
    assert!(waits["total"].is_number(), "{waits}");

    // A centre's figures are a view of the table by centre, never a table of its own.
    let centre = f.centre.id;
    get(
        &app,
        &format!("/api/v1/statistics/groups?rows=municipality&columns=theme&year={year}&centre_id={centre}"),
        &f.referrer,
    )
    .await
    .assert_problem(422);
    let by_centre = |query: String| {
        let app = &app;
        let token = f.referrer.clone();
        async move {
            let reply = fetched(
                app,
                &format!("/api/v1/statistics/groups?rows=centre&columns=theme&year={year}{query}"),
                &token,
            )
            .await;
            reply.body
        }
    };
    let everyone = by_centre(String::new()).await;
    let one = by_centre(format!("&centre_id={centre}")).await;
    let rows = one["table"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["label"], centre.to_string());
    let same_row = everyone["table"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["label"] == centre.to_string())
        .unwrap();
    assert_eq!(
        &rows[0], same_row,
        "the centre's row as the table by centre shows it"
    );
    // By centre, its average over its 15 people shows.
    assert!(one["average_wait_days"]["rows"][0].is_number(), "{one}");

    let same = get(
        &app,
        "/api/v1/statistics/groups?rows=theme&columns=theme",
        &f.referrer,
    )
    .await;
    same.assert_problem(422);
}

#[actix_web::test]
async fn a_member_of_a_long_running_group_is_not_erased_as_inactive() {
    use diesel::RunQueryDsl;
    use samhandling_jobs::retention;
    let (t, app, f) = TestApp::started(field).await;
    let group = recruiting_group(
        &app,
        &f.coordinator,
        &group_body("Lang gruppe", "relatives"),
    )
    .await;
    let Candidate { referral, intake } = candidate(&app, &f, "Trofast", "Trofast").await;
    let placed = place(&app, &f.coordinator, &group, &intake).await;
    let membership = placed.body["id"].as_str().unwrap().to_owned();
    let idle = "UPDATE referrals SET updated_at = now() - interval '400 days', \
                erasure_notice_at = now() - interval '31 days' WHERE id = $1";
    let age = |conn: &mut diesel::PgConnection| {
        diesel::sql_query(idle)
            .bind::<diesel::sql_types::Uuid, _>(uuid::Uuid::parse_str(&referral).unwrap())
            .execute(conn)
            .unwrap();
    };
    age(&mut t.database.connect());

    let policy = samhandling_domain::referral::RetentionPolicy::default();
    let swept = retention::sweep(t.state.database.pool(), &policy).unwrap();
    assert_eq!((swept.notices, swept.expired, swept.erased), (0, 0, 0));
    assert!(!tables_containing(&t.database, "Trofast").is_empty());
    let due = get(
        &app,
        "/api/v1/referrals?erasure_due_before=2100-01-01T00:00:00Z",
        &f.coordinator,
    )
    .await;
    assert_eq!(due.body["items"], json!([]), "{}", due.text);

    let left = depart(&app, &f.coordinator, &membership, "completed").await;
    assert_eq!(left.status, 200, "{}", left.text);
    let swept = retention::sweep(t.state.database.pool(), &policy).unwrap();
    assert_eq!(
        (swept.expired, swept.erased),
        (0, 0),
        "leaving starts the clock, it does not end it"
    );
    age(&mut t.database.connect());
    let swept = retention::sweep(t.state.database.pool(), &policy).unwrap();
    assert_eq!((swept.expired, swept.erased), (1, 1));
    assert!(tables_containing(&t.database, "Trofast").is_empty());
}

#[actix_web::test]
async fn ending_a_group_ends_every_open_place_as_group_ended_and_frees_the_seats() {
    let (t, app, f) = TestApp::started(field).await;
    let group = running_itself(&app, &f, "Siste runde").await;
    let members = get(
        &app,
        &format!("/api/v1/groups/{group}/members"),
        &f.coordinator,
    )
    .await;
    let places: Vec<String> = samhandling_tests::ids(&members.body);
    assert_eq!(places.len(), 5);
    let done = depart(&app, &f.coordinator, &places[0], "completed").await;
    assert_eq!(done.status, 200, "{}", done.text);

    let ended = moved(&app, &group_uri(&group), &f.coordinator, "ended").await;
    assert_eq!(ended.body["status"], "ended");
    assert_eq!(ended.body["member_count"], 0);
    assert_eq!(ended.body["open_seats"], 8);
    assert!(ended.body["ended_at"].is_string());
    let read = get(&app, &group_uri(&group), &f.coordinator).await;
    assert_eq!(read.body["member_count"], 0);
    assert_eq!(read.body["open_seats"], 8);
    assert_eq!(read.header("etag"), ended.header("etag"));

    for (index, place) in places.iter().enumerate() {
        let membership = fetched(
            &app,
            &format!("/api/v1/memberships/{place}"),
            &f.coordinator,
        )
        .await;
        assert!(
            membership.body["left_at"].is_string(),
            "{}",
            membership.text
        );
        let reason = if index == 0 {
            "completed"
        } else {
            "group_ended"
        };
        assert_eq!(
            membership.body["leave_reason"], reason,
            "{}",
            membership.text
        );
        assert_eq!(
            t.database.events("updated", place),
            1,
            "each place's end is audited once, as a departure"
        );
    }
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM memberships WHERE left_at IS NULL"),
        0
    );
}

#[actix_web::test]
async fn a_starting_group_takes_members_and_is_in_the_catalogue_and_the_suggestions() {
    let (_t, app, f) = TestApp::started(field).await;
    let mut body = group_body("Oppstart", "relatives");
    body["published"] = json!(true);
    let (group, _) = group_with_members(&app, &f, &body, 5).await;
    let sessions = format!("/api/v1/groups/{group}/sessions");
    let session = |held_on: &str| json!({"held_on": held_on, "held": true, "present": 5, "follow_up_requested": false});
    post(&app, &sessions, &f.coordinator, &session(&day(0)))
        .await
        .assert_problem(409);
    moved(&app, &group_uri(&group), &f.coordinator, "starting").await;
    // A starting group meets, with its starter.
    created(&app, &sessions, &f.coordinator, &session(&day(0))).await;

    // It is open: in the catalogue for everyone, and among the suggestions.
    let catalogue = get(&app, "/api/v1/groups", &f.other_centre).await;
    assert_eq!(samhandling_tests::ids(&catalogue.body), [group.as_str()]);
    let own = get(&app, "/api/v1/groups?catalogue=true", &f.coordinator).await;
    assert_eq!(samhandling_tests::ids(&own.body), [group.as_str()]);
    let seen = fetched(&app, &group_uri(&group), &f.referrer).await;
    assert_eq!(seen.body["view"], "catalogue");

    let waiting = |name: &'static str| {
        let app = &app;
        let f = &f;
        async move { candidate(app, f, name, name).await.intake }
    };
    let sixth = waiting("Sjette").await;
    let suggested = fetched(
        &app,
        &format!("/api/v1/intakes/{sixth}/suggested-groups"),
        &f.coordinator,
    )
    .await;
    assert_eq!(suggested.body["items"][0]["group"]["id"], group.as_str());

    // It takes a new member without asking the group.
    let placed = place(&app, &f.coordinator, &group, &sixth).await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let read = get(&app, &group_uri(&group), &f.coordinator).await;
    assert_eq!(read.body["member_count"], 6);
    assert_eq!(read.body["open_seats"], 2);

    // Running itself, it is closed: out of the catalogue, and a new member needs its agreement.
    moved(&app, &group_uri(&group), &f.coordinator, "self_running").await;
    let catalogue = get(&app, "/api/v1/groups", &f.other_centre).await;
    assert_eq!(catalogue.body["items"], json!([]));
    let seventh = waiting("Sjuende").await;
    let closed = place(&app, &f.coordinator, &group, &seventh).await;
    assert_eq!(
        closed.assert_problem(409)["detail"],
        "the group has started and is closed: place someone only when the group agrees (group_agreed: true)"
    );
    created(&app, &sessions, &f.coordinator, &session(&day(1))).await;
}

#[actix_web::test]
async fn an_unpublished_group_is_the_centre_s_own_and_404_to_everyone_else() {
    let (_t, app, f) = TestApp::started(field).await;
    let (group, _) = group_with_members(&app, &f, &group_body("Uten register", "grief"), 1).await;
    let uri = group_uri(&group);

    // Recruiting, but not published: only its centre sees it, and the suggestions still offer it.
    let own = get(&app, &uri, &f.coordinator).await;
    assert_eq!(own.body["published"], false);
    for outsider in [&f.referrer, &f.other_centre] {
        get(&app, &uri, outsider).await.assert_problem(404);
        let catalogue = get(&app, "/api/v1/groups", outsider).await;
        assert_eq!(catalogue.body["items"], json!([]), "{}", catalogue.text);
    }
    let waiting = candidate(&app, &f, "Venter", "Venter").await.intake;
    let suggested = get(
        &app,
        &format!("/api/v1/intakes/{waiting}/suggested-groups"),
        &f.coordinator,
    )
    .await;
    assert_eq!(suggested.body["items"][0]["group"]["id"], group.as_str());

    // Published, it is in the catalogue; withdrawn, it is 404 again.
    let publish = |published: bool| {
        let app = &app;
        let uri = uri.clone();
        let token = f.coordinator.clone();
        async move {
            let version = get(app, &uri, &token).await.body["version"].to_string();
            let request = TestRequest::patch()
                .uri(&uri)
                .insert_header(("If-Match", format!("\"{version}\"")))
                .set_json(json!({"published": published}));
            let changed = send(app, authorized(request, &token)).await;
            assert_eq!(changed.status, 200, "{}", changed.text);
            assert_eq!(changed.body["published"], published);
        }
    };
    publish(true).await;
    let catalogue = get(&app, "/api/v1/groups", &f.other_centre).await;
    assert_eq!(samhandling_tests::ids(&catalogue.body), [group.as_str()]);
    assert_eq!(get(&app, &uri, &f.referrer).await.body["view"], "catalogue");
    publish(false).await;
    get(&app, &uri, &f.referrer).await.assert_problem(404);
}

#[actix_web::test]
async fn a_status_filter_never_reaches_another_centre_s_groups() {
    let (_t, app, f) = TestApp::started(field).await;
    let mut body = group_body("Publisert", "general");
    body["published"] = json!(true);
    let (group, _) = group_with_members(&app, &f, &body, 5).await;
    moved(&app, &group_uri(&group), &f.coordinator, "starting").await;

    // The catalogue shows no status, so filtering on one must not tell which group has its
    // minimum: another centre finds nothing, its own centre finds its group.
    let mut outsider = Vec::new();
    for status in ["recruiting", "starting"] {
        let uri = format!("/api/v1/groups?status={status}");
        outsider.push(get(&app, &uri, &f.other_centre).await.body["items"].clone());
    }
    assert_eq!(outsider, [json!([]), json!([])]);
    let own = get(&app, "/api/v1/groups?status=starting", &f.coordinator).await;
    assert_eq!(samhandling_tests::ids(&own.body), [group.as_str()]);
}

#[actix_web::test]
async fn catalogue_seats_are_a_band_of_the_day_start_and_a_full_group_stays_listed() {
    let (t, app, f) = TestApp::started(field).await;
    let mut body = group_body("Fullt i dag", "relatives");
    body["published"] = json!(true);
    body["max_members"] = json!(5);
    let (group, _) = group_with_members(&app, &f, &body, 5).await;
    let uri = group_uri(&group);

    // Full now, but the five joined today: the band is as the day began, and the group stays.
    let seats = |token: String| {
        let app = &app;
        let uri = uri.clone();
        async move { get(app, &uri, &token).await.body["seats"].clone() }
    };
    assert_eq!(seats(f.referrer.clone()).await, "available");
    let catalogue = get(&app, "/api/v1/groups", &f.other_centre).await;
    assert_eq!(samhandling_tests::ids(&catalogue.body), [group.as_str()]);

    // The same places, joined before today: three leave two seats, five leave none.
    let back_date = |count: i64| {
        let statement = "UPDATE memberships SET joined_at = now() - interval '2 days' \
            WHERE id IN (SELECT id FROM memberships WHERE group_id = $1::uuid \
            ORDER BY id LIMIT $2)";
        diesel::RunQueryDsl::execute(
            diesel::sql_query(statement)
                .bind::<diesel::sql_types::Text, _>(group.clone())
                .bind::<diesel::sql_types::BigInt, _>(count),
            &mut t.database.connect(),
        )
        .unwrap();
    };
    back_date(3);
    assert_eq!(seats(f.referrer.clone()).await, "few");
    back_date(5);
    assert_eq!(seats(f.other_centre.clone()).await, "full");
    let catalogue = get(&app, "/api/v1/groups", &f.other_centre).await;
    assert_eq!(catalogue.body["items"][0]["seats"], "full");
    // Its own centre counts exactly.
    let own = get(&app, &uri, &f.coordinator).await;
    assert_eq!(
        (
            own.body["member_count"].clone(),
            own.body["open_seats"].clone()
        ),
        (json!(5), json!(0))
    );
}

#[actix_web::test]
async fn published_statistics_are_kept_until_a_count_behind_them_changes() {
    let (t, app, f) = TestApp::started(field).await;
    group_with_members(&app, &f, &group_body("Holdt", "grief"), 6).await;
    let year = as_last_quarter(&t);
    let uri = format!("/api/v1/statistics/groups?rows=theme&columns=quarter&year={year}");
    let total = || async {
        let reply = fetched(&app, &uri, &f.referrer).await;
        reply.body["table"]["total"]["count"].clone()
    };
    let sql = |statement: &str| {
        diesel::RunQueryDsl::execute(diesel::sql_query(statement), &mut t.database.connect())
            .unwrap();
    };
    assert_eq!(total().await, 6);
    assert_eq!(
        t.database
            .count("SELECT count(*) FROM published_group_statistics"),
        1
    );
    // Counts changed behind the versions' back are not seen: the kept result is served.
    sql("ALTER TABLE group_statistics DISABLE TRIGGER group_statistics_version");
    sql("UPDATE group_statistics SET members_placed = members_placed + 5");
    assert_eq!(total().await, 6);
    // A count of an ended quarter that changes as counts do (a late log, say) bumps its version.
    // While another request refreshes the result, a reader is served the last one.
    sql("ALTER TABLE group_statistics ENABLE TRIGGER group_statistics_version");
    sql("UPDATE group_statistics SET members_placed = members_placed");
    sql("UPDATE published_group_statistics SET refreshing_since = now()");
    assert_eq!(total().await, 6);
    // A refresh claimed over a minute ago is taken over: the next reader gets the change counted.
    sql("UPDATE published_group_statistics SET refreshing_since = now() - interval '2 minutes'");
    assert_eq!(total().await, 11);
    assert_eq!(
        t.database.count(
            "SELECT count(*) FROM published_group_statistics WHERE refreshing_since IS NULL"
        ),
        1
    );
}

#[actix_web::test]
async fn a_home_format_group_hides_its_address_from_the_catalogue_like_a_confidential_location() {
    let (_t, app, f) = TestApp::started(field).await;
    let mut body = group_body("Hjemmegruppe", "relatives");
    body["format"] = json!("home");
    body["address"] = json!("Bakkeveien 3, Stjørdal");
    body["published"] = json!(true);
    let group = recruiting_group(&app, &f.coordinator, &body).await;

    let seen = fetched(&app, &group_uri(&group), &f.referrer).await;
    assert_eq!(seen.body["view"], "catalogue");
    assert_eq!(seen.body["format"], "home");
    assert_eq!(seen.body["address"], Value::Null);
    assert_eq!(seen.body["confidential_location"], true);
    let catalogue = get(&app, "/api/v1/groups", &f.other_centre).await;
    assert_eq!(texts(&catalogue.body["items"], "id"), [group.as_str()]);
    assert!(!catalogue.text.contains("Bakkeveien"));
    // The centre keeps the address.
    let own = get(&app, &group_uri(&group), &f.coordinator).await;
    assert_eq!(own.body["address"], "Bakkeveien 3, Stjørdal");
}

#[actix_web::test]
async fn an_intake_at_home_is_booked_and_a_follow_up_says_why_the_group_asked() {
    let (_t, app, f) = TestApp::started(field).await;
    let referral = samhandling_tests::referrals::referred(&app, &f, "Sigrid", false).await;
    let booked = post(
        &app,
        "/api/v1/intakes",
        &f.coordinator,
        &json!({"referral_id": referral, "scheduled_at": "2026-12-03T10:00:00Z", "format": "home"}),
    )
    .await;
    assert_eq!(booked.status, 201, "{}", booked.text);
    assert_eq!(booked.body["format"], "home");

    let group = recruiting_group(
        &app,
        &f.coordinator,
        &group_body("Samtalegruppe", "general"),
    )
    .await;
    let uri = format!("/api/v1/groups/{group}/follow-ups");
    let asked = created(
        &app,
        &uri,
        &f.coordinator,
        &json!({"requested_on": day(0), "reason": "Én person tar mye plass i gruppa"}),
    )
    .await;
    assert_eq!(asked.body["reason"], "Én person tar mye plass i gruppa");
    let read = get(&app, &group_uri(&group), &f.coordinator).await;
    assert_eq!(
        read.body["follow_ups"][0]["reason"],
        "Én person tar mye plass i gruppa"
    );
    let refused = post(
        &app,
        &uri,
        &f.coordinator,
        &json!({"requested_on": day(0), "reason": "Kari 01010150074 tar mye plass"}),
    )
    .await;
    assert_eq!(refused.assert_problem(422)["errors"][0]["field"], "reason");
    let unreasoned = created(&app, &uri, &f.coordinator, &json!({"requested_on": day(0)})).await;
    assert_eq!(unreasoned.body["reason"], Value::Null);
}
