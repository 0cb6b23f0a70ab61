//! Dated facts coherent with each other: an intake is not held before its referral was made nor
//! in the future, and a member does not leave before joining. Each refusal is a 422 naming the
//! field, and stores nothing.

use samhandling_tests::groups::{
    book_intake, complete_for_group, group_body, place, recruiting_group,
};
use samhandling_tests::referrals::{field, refer, referral_body};
use samhandling_tests::{get, post, TestApp};
use serde_json::json;

#[actix_web::test]
async fn an_intake_held_before_its_referral_or_in_the_future_is_refused_and_stores_nothing() {
    let t = TestApp::new();
    let app = t.service().await;
    let f = field(&t);
    let referral = refer(
        &app,
        &f.referrer,
        &referral_body(&f.centre, "Tidlig", false),
    )
    .await;
    let referral_id = referral["id"].as_str().unwrap();
    let intake = book_intake(&app, &f.coordinator, referral_id).await;
    let completion = format!("/api/v1/intakes/{intake}/completion");

    for (held_at, code) in [
        ("1990-01-01T10:00:00Z", "before_start"),
        ("2031-01-01T10:00:00Z", "in_the_future"),
    ] {
        let refused = post(
            &app,
            &completion,
            &f.coordinator,
            &json!({"held_at": held_at, "outcome": "declined"}),
        )
        .await;
        let problem = refused.assert_problem(422);
        assert_eq!(problem["errors"][0]["field"], "held_at", "{held_at}");
        assert_eq!(problem["errors"][0]["code"], code, "{held_at}");
    }

    let stored = get(&app, &format!("/api/v1/intakes/{intake}"), &f.coordinator).await;
    assert_eq!(
        stored.body["held_at"],
        serde_json::Value::Null,
        "not completed"
    );
    let read = get(
        &app,
        &format!("/api/v1/referrals/{referral_id}"),
        &f.coordinator,
    )
    .await;
    assert_eq!(
        read.body["status"], "intake_scheduled",
        "the referral did not move"
    );

    complete_for_group(&app, &f.coordinator, &intake, "relatives", "Tidlig").await;
}

#[actix_web::test]
async fn a_departure_before_joining_or_in_the_future_is_refused_and_keeps_the_seat_taken() {
    let t = TestApp::new();
    let app = t.service().await;
    let f = field(&t);
    let group = recruiting_group(&app, &f.coordinator, &group_body("Datoer", "relatives")).await;
    let referral = refer(&app, &f.referrer, &referral_body(&f.centre, "Dato", false)).await;
    let intake = book_intake(&app, &f.coordinator, referral["id"].as_str().unwrap()).await;
    complete_for_group(&app, &f.coordinator, &intake, "relatives", "Dato").await;
    let placed = place(&app, &f.coordinator, &group, &intake).await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let membership = placed.body["id"].as_str().unwrap();
    let departure = format!("/api/v1/memberships/{membership}/departure");

    for (left_at, code) in [
        ("2001-05-01T10:00:00Z", "before_start"),
        ("2031-05-01T10:00:00Z", "in_the_future"),
    ] {
        let refused = post(
            &app,
            &departure,
            &f.coordinator,
            &json!({"reason": "completed", "left_at": left_at}),
        )
        .await;
        let problem = refused.assert_problem(422);
        assert_eq!(problem["errors"][0]["field"], "left_at", "{left_at}");
        assert_eq!(problem["errors"][0]["code"], code, "{left_at}");
    }

    let kept = get(
        &app,
        &format!("/api/v1/memberships/{membership}"),
        &f.coordinator,
    )
    .await;
    assert_eq!(kept.body["left_at"], serde_json::Value::Null);
    let counted = get(&app, &format!("/api/v1/groups/{group}"), &f.coordinator).await;
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
