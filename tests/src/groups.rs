//! The group and intake fixtures every test module shares: a valid group, and the calls that
//! book and complete an intake and place its person, each asserting its success.

use crate::referrals::{refer, referral_body, Field};
use crate::{move_through, moved, post, App, Reply, TestApp};
use serde_json::{json, Value};

/// A valid group meeting in Trondheim (5001) on Tuesdays, in Norwegian, on `theme`.
pub fn group_body(title: &str, theme: &str) -> Value {
    json!({
        "title": title,
        "theme": theme,
        "languages": ["nb"],
        "format": "centre_premises",
        "municipality_number": "5035",
        "schedule": {"weekday": "tuesday", "start_time": "18:00", "interval_weeks": 1},
        "address": "Kongens gate 30, Trondheim",
    })
}

/// The URI of the group `id`.
pub fn group_uri(id: &str) -> String {
    format!("/api/v1/groups/{id}")
}

/// Creates a group as `token` (a centre coordinator) and opens it for members; returns its id.
pub async fn recruiting_group(app: &impl App, token: &str, body: &Value) -> String {
    let created = post(app, "/api/v1/groups", token, body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().unwrap_or_default().to_owned();
    moved(app, &group_uri(&id), token, "recruiting").await;
    id
}

/// Books an intake for `referral` as `token`; returns its id.
pub async fn book_intake(app: &impl App, token: &str, referral: &str) -> String {
    let booked = post(
        app,
        "/api/v1/intakes",
        token,
        &json!({"referral_id": referral, "scheduled_at": "2026-12-03T10:00:00Z", "format": "in_person"}),
    )
    .await;
    assert_eq!(booked.status, 201, "{}", booked.text);
    booked.body["id"].as_str().unwrap_or_default().to_owned()
}

/// Completes `intake` with a wish for a `theme` group under `pseudonym`.
pub async fn complete_for_group(
    app: &impl App,
    token: &str,
    intake: &str,
    theme: &str,
    pseudonym: &str,
) -> Reply {
    let completed = post(
        app,
        &format!("/api/v1/intakes/{intake}/completion"),
        token,
        &json!({
            "held_at": chrono::Utc::now(),
            "outcome": "specific_group",
            "outcome_theme": theme,
            "pseudonym": pseudonym,
            "preferences": {"themes": [theme], "languages": ["nb"], "weekdays": ["tuesday"]}
        }),
    )
    .await;
    assert_eq!(completed.status, 200, "{}", completed.text);
    completed
}

/// Places the person of `intake` in `group`; returns the reply.
pub async fn place(app: &impl App, token: &str, group: &str, intake: &str) -> Reply {
    post(
        app,
        &format!("/api/v1/groups/{group}/members"),
        token,
        &json!({"intake_id": intake}),
    )
    .await
}

/// Asks to end the place `membership` in a group for `reason` as `token`; returns the answer,
/// whatever it is.
pub async fn depart(app: &impl App, token: &str, membership: &str, reason: &str) -> Reply {
    let uri = format!("/api/v1/memberships/{membership}/departure");
    post(app, &uri, token, &json!({"reason": reason})).await
}

/// A person referred to a centre, with an intake completed with a wish for a group: ready to be
/// placed.
#[derive(Debug)]
pub struct Candidate {
    /// The referral's id.
    pub referral: String,
    /// The completed intake's id.
    pub intake: String,
}

/// Refers `name` to `f`'s centre (without consent to feedback), then books and completes the
/// intake with a wish for a `relatives` group under `pseudonym`.
pub async fn candidate(app: &impl App, f: &Field, name: &str, pseudonym: &str) -> Candidate {
    let referral = refer(app, &f.referrer, &referral_body(&f.centre, name, false)).await;
    let referral = referral["id"].as_str().unwrap_or_default().to_owned();
    let intake = book_intake(app, &f.coordinator, &referral).await;
    complete_for_group(app, &f.coordinator, &intake, "relatives", pseudonym).await;
    Candidate { referral, intake }
}

/// The day `days` from today (UTC), as the API writes a date: for dated facts, which must not lie
/// before what they belong to (records created today) nor after tomorrow.
pub fn day(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::TimeDelta::days(days)).to_string()
}

/// A recruiting group of `f`'s centre with `placed` members, each a [`candidate`] named after
/// the group's title and a number; returns the group and the intakes of its members.
pub async fn group_with_members(
    app: &impl App,
    f: &Field,
    body: &Value,
    placed: usize,
) -> (String, Vec<String>) {
    let group = recruiting_group(app, &f.coordinator, body).await;
    let mut intakes = Vec::new();
    for index in 0..placed {
        let name = format!(
            "{}{index}",
            body["title"].as_str().expect("a group has a title")
        );
        let intake = candidate(app, f, &name, &name).await.intake;
        let placed = place(app, &f.coordinator, &group, &intake).await;
        assert_eq!(placed.status, 201, "{}", placed.text);
        intakes.push(intake);
    }
    (group, intakes)
}

/// A group of `f`'s centre that meets: created today with four members (its minimum) and moved to
/// `starting`; returns its id.
pub async fn meeting_group(app: &impl App, f: &Field, title: &str) -> String {
    let mut body = group_body(title, "relatives");
    body["min_members"] = json!(4);
    let (group, _) = group_with_members(app, f, &body, 4).await;
    moved(app, &group_uri(&group), &f.coordinator, "starting").await;
    group
}

/// A `relatives` group of `f`'s centre with five members (the default minimum) that started and
/// now runs itself; returns its id.
pub async fn running_itself(app: &impl App, f: &Field, title: &str) -> String {
    let (group, _) = group_with_members(app, f, &group_body(title, "relatives"), 5).await;
    let steps = ["starting", "self_running"];
    move_through(app, &group_uri(&group), &f.coordinator, &steps).await;
    group
}

/// Last quarter: its year and its label as the statistics write it (`2026-Q3`).
pub fn last_quarter() -> (i32, String) {
    use chrono::Datelike;
    let day = chrono::Utc::now().date_naive() - chrono::TimeDelta::days(92);
    (
        day.year(),
        format!("{}-Q{}", day.year(), day.month0() / 3 + 1),
    )
}

/// Moves every count of the group statistics back one quarter, as if this quarter's groups,
/// places and sessions had been last quarter's (the statistics count only quarters that have
/// ended); returns last quarter's year.
pub fn as_last_quarter(t: &TestApp) -> i32 {
    use diesel::RunQueryDsl;
    diesel::sql_query(
        "UPDATE group_statistics SET quarter = (quarter - interval '3 months')::date",
    )
    .execute(&mut t.database.connect())
    .expect("moves the counts back");
    last_quarter().0
}
