//! A municipality's whole picture and its county's overview: who reads them, what each reader is
//! shown, and the counts about people through the disclosure control.

use actix_web::test::TestRequest;
use samhandling_domain::organisation::{Organisation, OrganisationKind};
use samhandling_domain::Role;
use samhandling_tests::dialogue::meeting_uri;
use samhandling_tests::referrals::{refer, referral_body};
use samhandling_tests::{
    authorized, created, fetched, get, moved, send, send_if_match, texts, App, TestApp,
};
use serde_json::{json, Value};

/// Trøndelag's and Vestland's governors, Levanger, Verdal and Bergen, a centre and KoRus Midt.
struct Field {
    governor: String,
    trondelag: Organisation,
    vestland: String,
    levanger: Organisation,
    verdal: Organisation,
    levanger_contact: String,
    verdal_contact: String,
    levanger_referrer: String,
    verdal_referrer: String,
    bergen_contact: String,
    centre: Organisation,
    korus: Organisation,
    korus_adviser: String,
}

fn field(t: &TestApp) -> Field {
    let trondelag = t.county_governor("Statsforvalteren i Trøndelag", "50");
    let vestland = t.county_governor("Statsforvalteren i Vestland", "46");
    let levanger = t.municipality("Levanger kommune", "5037");
    let verdal = t.municipality("Verdal kommune", "5038");
    let bergen = t.municipality("Bergen kommune", "4601");
    let centre = t.organisation(
        OrganisationKind::SelfHelpCentre,
        "LINK Trondheim",
        Some("5001"),
    );
    let korus = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Midt", None);
    Field {
        governor: t.token(trondelag.id, &[Role::GovernorAdviser]),
        vestland: t.token(vestland.id, &[Role::GovernorAdviser]),
        levanger_contact: t.token(levanger.id, &[Role::MunicipalContact]),
        verdal_contact: t.token(verdal.id, &[Role::MunicipalContact]),
        levanger_referrer: t.token(levanger.id, &[Role::Referrer]),
        verdal_referrer: t.token(verdal.id, &[Role::Referrer]),
        bergen_contact: t.token(bergen.id, &[Role::MunicipalContact]),
        korus_adviser: t.token(korus.id, &[Role::CompetenceAdviser]),
        trondelag,
        levanger,
        verdal,
        centre,
        korus,
    }
}

/// Sends `count` referrals as `referrer`, dated in May 2025 (a quarter long ended).
async fn referrals_in_2025(t: &TestApp, app: &impl App, f: &Field, referrer: &str, count: usize) {
    for n in 0..count {
        let referral = refer(
            app,
            referrer,
            &referral_body(&f.centre, &format!("Person{n}"), true),
        )
        .await;
        let id = referral["id"].as_str().unwrap();
        diesel::RunQueryDsl::execute(
            diesel::sql_query(
                "UPDATE referrals SET created_at = '2025-05-02T10:00:00Z' WHERE id = $1::uuid",
            )
            .bind::<diesel::sql_types::Text, _>(id),
            &mut t.database.connect(),
        )
        .unwrap();
    }
}

fn picture_of(number: &str, year: i32) -> String {
    format!("/api/v1/municipalities/{number}/picture?year={year}")
}

#[actix_web::test]
async fn each_municipality_reads_its_own_picture_and_each_governor_only_its_own_county() {
    let (t, app, f) = TestApp::started(field).await;
    // Verdal reads its own; Levanger and Bergen do not read Verdal's; Vestland's governor does
    // not; Trøndelag's does, with the risk.
    let own = fetched(&app, &picture_of("5038", 2025), &f.verdal_contact).await;
    assert_eq!(own.body["municipality_id"], f.verdal.id.to_string());
    assert!(own.body.get("risk").is_none());
    for other in [&f.levanger_contact, &f.bergen_contact, &f.vestland] {
        get(&app, &picture_of("5038", 2025), other)
            .await
            .assert_problem(404);
    }
    // An unknown municipality looks the same as a hidden one.
    get(&app, &picture_of("5099", 2025), &f.verdal_contact)
        .await
        .assert_problem(404);
    fetched(&app, &picture_of("5038", 2025), &f.governor).await;

    // The county overview is the county governor's alone.
    let overview = fetched(&app, "/api/v1/counties/50/overview?year=2025", &f.governor).await;
    let numbers = texts(&overview.body["municipalities"], "municipality_number");
    assert_eq!(numbers, ["5037", "5038"]);
    // Each read is audited: the picture on the municipality, the overview on the county's
    // governor, whose alone it is.
    assert_eq!(t.database.events("read", &f.verdal.id.to_string()), 2);
    assert_eq!(t.database.events("read", &f.trondelag.id.to_string()), 1);
    get(&app, "/api/v1/counties/50/overview", &f.vestland)
        .await
        .assert_problem(404);
    get(&app, "/api/v1/counties/46/overview", &f.governor)
        .await
        .assert_problem(404);
    get(&app, "/api/v1/counties/50/overview", &f.verdal_contact)
        .await
        .assert_problem(403);
    get(&app, "/api/v1/counties/5/overview", &f.governor)
        .await
        .assert_problem(400);
}

#[actix_web::test]
async fn counts_under_five_in_the_picture_are_protected_and_the_overview_shows_the_same_figures() {
    let (t, app, f) = TestApp::started(field).await;
    // Verdal sent 3 referrals in 2025, Levanger 7: Verdal's 3 is `<5`, and Levanger's 7 beside
    // the county's total would give it away, so one of them is withheld too.
    referrals_in_2025(&t, &app, &f, &f.verdal_referrer, 3).await;
    referrals_in_2025(&t, &app, &f, &f.levanger_referrer, 7).await;
    let verdal = fetched(&app, &picture_of("5038", 2025), &f.verdal_contact).await;
    assert_eq!(
        verdal.body["quarters_counted"],
        json!(["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"])
    );
    let sent = &verdal.body["people"]["referrals_sent"];
    assert_eq!(sent["shown"], "<5");
    assert_eq!(sent["count"], Value::Null);
    assert_eq!(
        verdal.body["people"]["people_placed"]["count"], 0,
        "none was placed"
    );

    let overview = get(&app, "/api/v1/counties/50/overview?year=2025", &f.governor).await;
    let rows = overview.body["municipalities"].as_array().unwrap();
    let row = |number: &str| {
        rows.iter()
            .find(|row| row["municipality_number"] == number)
            .unwrap()
            .clone()
    };
    assert_eq!(
        row("5038")["referrals_sent"],
        *sent,
        "the overview shows the picture's figure"
    );
    let levanger = get(&app, &picture_of("5037", 2025), &f.levanger_contact).await;
    assert_eq!(
        row("5037")["referrals_sent"],
        levanger.body["people"]["referrals_sent"]
    );
    // No figure of either answer pins Verdal's 3: it is never shown, nor derivable from what is.
    for answer in [&verdal.text, &overview.text, &levanger.text] {
        assert!(!answer.contains("\"count\":3"), "{answer}");
    }
    // A year whose quarters have not begun counts nothing.
    let future = get(&app, &picture_of("5038", 2099), &f.verdal_contact).await;
    assert_eq!(future.body["quarters_counted"], json!([]));
    assert_eq!(future.body["people"]["referrals_sent"]["count"], 0);
}

#[actix_web::test]
async fn the_governor_sees_risk_and_its_trend_and_both_readers_see_pending_needs_and_overdue_actions_first(
) {
    let (_t, app, f) = TestApp::started(field).await;
    // Two held meetings with findings on Verdal: moderate, then high.
    for (held_on, level) in [("2025-10-14", "moderate"), ("2026-10-14", "high")] {
        let meeting = created(
            &app,
            "/api/v1/dialogue-meetings",
            &f.governor,
            &json!({
            "title": "Dialogmøte Innherred", "held_on": held_on, "place": "Verdal rådhus",
            "focus_areas": ["mental_health"], "municipalities": [f.verdal.id, f.levanger.id]}),
        )
        .await
        .id();
        moved(&app, &meeting_uri(&meeting), &f.governor, "held").await;
        created(&app, &format!("/api/v1/dialogue-meetings/{meeting}/findings"), &f.governor, &json!({
            "municipality_id": f.verdal.id, "challenges": "Bemanning",
            "collaboration_needs": [{"partner_organisation_id": f.korus.id, "description": format!("Veiledning {held_on}")}],
            "risk": {"level": level, "rationale": "Vurdert"}})).await;
        for due_on in ["2026-01-10", "2099-01-10"] {
            created(&app, &format!("/api/v1/dialogue-meetings/{meeting}/actions"), &f.governor, &json!({
                "owner_organisation_id": f.verdal.id, "description": format!("Tiltak {held_on} {due_on}"),
                "due_on": due_on, "follow_up_digital": true})).await;
        }
    }
    // KoRus Midt declines one need: it no longer waits, and leaves the picture.
    let needs = get(&app, "/api/v1/collaboration-needs", &f.korus_adviser).await;
    let first = needs.body["items"][0]["id"].as_str().unwrap();
    let declined = send_if_match(
        &app,
        TestRequest::post().uri(&format!("/api/v1/collaboration-needs/{first}/transitions")),
        &f.korus_adviser,
        Some("*"),
        &json!({"to": "declined", "reason": "Ikke kapasitet"}),
    )
    .await;
    assert_eq!(declined.status, 200, "{}", declined.text);

    let governor = get(&app, &picture_of("5038", 2026), &f.governor).await;
    assert_eq!(governor.body["risk"]["latest"], "high");
    assert_eq!(governor.body["risk"]["trend"], "rising");
    assert_eq!(
        governor.body["risk"]["history"].as_array().unwrap().len(),
        2
    );
    let own = get(&app, &picture_of("5038", 2026), &f.verdal_contact).await;
    own.assert_hides("Verdal", &["risk", "Vurdert", "rising", "\"high\""]);
    for picture in [&governor, &own] {
        let needs = picture.body["needs"].as_array().unwrap();
        assert_eq!(needs.len(), 1, "{}", picture.text);
        assert_eq!(needs[0]["status"], "open");
        let actions = picture.body["follow_up_actions"].as_array().unwrap();
        let overdue: Vec<bool> = actions
            .iter()
            .map(|action| action["overdue"].as_bool().unwrap())
            .collect();
        assert_eq!(overdue, [true, true, false, false], "overdue first");
    }
    let overview = get(&app, "/api/v1/counties/50/overview?sort=risk", &f.governor).await;
    let top = &overview.body["municipalities"][0];
    assert_eq!(top["municipality_number"], "5038");
    assert_eq!(top["risk"], "high");
    assert_eq!(top["overdue_actions"], 2);
    assert_eq!(top["pending_needs"], 1);
    assert_eq!(overview.body["municipalities"][1]["risk"], Value::Null);
}

#[actix_web::test]
async fn the_picture_and_the_overview_answer_csv_too() {
    let (t, app, f) = TestApp::started(field).await;
    referrals_in_2025(&t, &app, &f, &f.verdal_referrer, 6).await;
    for (uri, token, header, figure) in [
        (
            picture_of("5038", 2025),
            &f.verdal_contact,
            "section,item,field,shown,count",
            "people,5038,referrals_sent,6,6",
        ),
        (
            "/api/v1/counties/50/overview?year=2025".to_owned(),
            &f.governor,
            "municipality_number,name,risk",
            "5038,Verdal kommune,,,0,0,6,0,0",
        ),
    ] {
        let reply = send(
            &app,
            authorized(TestRequest::get().uri(&uri), token).insert_header(("Accept", "text/csv")),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert!(
            reply.content_type().starts_with("text/csv"),
            "{}",
            reply.content_type()
        );
        let mut lines = reply.text.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("# Samhandling statistics"));
        assert!(lines.next().unwrap().starts_with(header), "{}", reply.text);
        assert!(
            reply.text.contains(figure),
            "Verdal's 6 referrals: {}",
            reply.text
        );
    }
}
