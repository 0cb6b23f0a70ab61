//! Dated facts coherent with each other: an intake is not held before its referral was made nor
//! in the future, a member does not leave before joining, a group does not meet before it was
//! created, and a follow-up visit is not made before it was asked for. Each refusal is a 422
//! naming the field, and stores nothing.

use samhandling_tests::groups::{
    book_intake, candidate, complete_for_group, day, group_body, group_uri, meeting_group, place,
    recruiting_group,
};
use samhandling_tests::referrals::{field, referral_uri, referred};
use samhandling_tests::{get, post, App, TestApp};
use serde_json::{json, Value};

/// POSTs to `uri` as `token` the body `body` makes of each date of `cases`, and asserts that
/// each is refused with 422 naming `field` with the case's code: one rule, tried at its edges.
async fn refuses_dates(
    app: &impl App,
    token: &str,
    uri: &str,
    field: &str,
    cases: &[(String, &str)],
    body: impl Fn(&str) -> Value,
) {
    for (date, code) in cases {
        let refused = post(app, uri, token, &body(date)).await;
        assert_eq!(refused.status, 422, "{date}: {}", refused.text);
        refused.assert_invalid(field, code);
    }
}

#[actix_web::test]
async fn an_intake_held_before_its_referral_or_in_the_future_is_refused_and_stores_nothing() {
    let (_t, app, f) = TestApp::started(field).await;
    let referral_id = &referred(&app, &f, "Tidlig", false).await;
    let intake = book_intake(&app, &f.coordinator, referral_id).await;
    let completion = format!("/api/v1/intakes/{intake}/completion");

    let cases = [
        ("1990-01-01T10:00:00Z".to_owned(), "before_start"),
        ("2031-01-01T10:00:00Z".to_owned(), "in_the_future"),
    ];
    refuses_dates(
        &app,
        &f.coordinator,
        &completion,
        "held_at",
        &cases,
        |held_at| json!({"held_at": held_at, "outcome": "declined"}),
    )
    .await;

    let stored = get(&app, &format!("/api/v1/intakes/{intake}"), &f.coordinator).await;
    assert_eq!(
        stored.body["held_at"],
        serde_json::Value::Null,
        "not completed"
    );
    let read = get(&app, &referral_uri(referral_id), &f.coordinator).await;
    assert_eq!(
        read.body["status"], "intake_scheduled",
        "the referral did not move"
    );

    complete_for_group(&app, &f.coordinator, &intake, "relatives", "Tidlig").await;
}

#[actix_web::test]
async fn a_departure_before_joining_or_in_the_future_is_refused_and_keeps_the_seat_taken() {
    let (_t, app, f) = TestApp::started(field).await;
    let group = recruiting_group(&app, &f.coordinator, &group_body("Datoer", "relatives")).await;
    let intake = candidate(&app, &f, "Dato", "Dato").await.intake;
    let placed = place(&app, &f.coordinator, &group, &intake).await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let membership = placed.body["id"].as_str().unwrap();
    let departure = format!("/api/v1/memberships/{membership}/departure");

    let cases = [
        ("2001-05-01T10:00:00Z".to_owned(), "before_start"),
        ("2031-05-01T10:00:00Z".to_owned(), "in_the_future"),
    ];
    refuses_dates(
        &app,
        &f.coordinator,
        &departure,
        "left_at",
        &cases,
        |left_at| json!({"reason": "completed", "left_at": left_at}),
    )
    .await;

    let kept = get(
        &app,
        &format!("/api/v1/memberships/{membership}"),
        &f.coordinator,
    )
    .await;
    assert_eq!(kept.body["left_at"], serde_json::Value::Null);
    let counted = get(&app, &group_uri(&group), &f.coordinator).await;
    assert_eq!(counted.body["member_count"], 1, "the seat is still taken");

    let left = post(
        &app,
        &departure,
        &f.coordinator,
        &json!({"reason": "completed"}),
    )
    .await;
    assert_eq!(left.status, 200, "{}", left.text);
}

#[actix_web::test]
async fn a_session_dated_before_its_group_or_in_the_future_is_refused_and_stores_nothing() {
    let (_t, app, f) = TestApp::started(field).await;
    let group = meeting_group(&app, &f, "Møtedato").await;
    let sessions = format!("/api/v1/groups/{group}/sessions");
    let session = |held_on: &str| json!({"held_on": held_on, "held": true, "present": 4, "follow_up_requested": true});

    let cases = [
        ("2001-03-13".to_owned(), "before_start"),
        (day(-1), "before_start"),
        (day(2), "in_the_future"),
        ("2031-03-11".to_owned(), "in_the_future"),
    ];
    refuses_dates(&app, &f.coordinator, &sessions, "held_on", &cases, session).await;
    let listed = get(&app, &sessions, &f.coordinator).await;
    assert_eq!(listed.body["items"], json!([]), "no session was logged");
    let read = get(&app, &group_uri(&group), &f.coordinator).await;
    assert_eq!(
        read.body["follow_ups"],
        json!([]),
        "no follow-up was asked for"
    );

    for held_on in [day(0), day(1)] {
        let logged = post(&app, &sessions, &f.coordinator, &session(&held_on)).await;
        assert_eq!(logged.status, 201, "{held_on}: {}", logged.text);
    }
}

#[actix_web::test]
async fn a_follow_up_asked_for_or_visited_out_of_its_dates_is_refused_and_stores_nothing() {
    let (_t, app, f) = TestApp::started(field).await;
    let group = meeting_group(&app, &f, "Oppfølging").await;
    let follow_ups = format!("/api/v1/groups/{group}/follow-ups");

    let cases = [
        ("2001-03-13".to_owned(), "before_start"),
        (day(-1), "before_start"),
        (day(2), "in_the_future"),
    ];
    refuses_dates(
        &app,
        &f.coordinator,
        &follow_ups,
        "requested_on",
        &cases,
        |requested_on| json!({"requested_on": requested_on}),
    )
    .await;
    let read = get(&app, &group_uri(&group), &f.coordinator).await;
    assert_eq!(read.body["follow_ups"], json!([]), "nothing was asked for");

    let requested = post(
        &app,
        &follow_ups,
        &f.coordinator,
        &json!({"requested_on": day(1)}),
    )
    .await;
    assert_eq!(requested.status, 201, "{}", requested.text);
    let visit = format!(
        "/api/v1/follow-ups/{}/visit",
        requested.body["id"].as_str().unwrap()
    );
    let cases = [
        ("2001-03-13".to_owned(), "before_start"),
        (day(0), "before_start"),
        (day(2), "in_the_future"),
        ("2031-03-11".to_owned(), "in_the_future"),
    ];
    refuses_dates(
        &app,
        &f.coordinator,
        &visit,
        "visited_on",
        &cases,
        |visited_on| json!({"visited_on": visited_on}),
    )
    .await;
    let read = get(&app, &group_uri(&group), &f.coordinator).await;
    assert_eq!(
        read.body["follow_ups"][0]["visited_on"],
        serde_json::Value::Null
    );

    let visited = post(&app, &visit, &f.coordinator, &json!({"visited_on": day(1)})).await;
    assert_eq!(visited.status, 200, "{}", visited.text);
}
