//! The attacker of published statistics (`samhandling_tests::disclosure`) against network
//! meetings: facilitators in four Innherred municipalities log meetings over three years, many
//! of them in cells of 1 to 4; the reader harvests the table for all years and for each year,
//! and reasons over all of it at once. No true count of 1 to 4 may be narrowed beyond `<5`.
//!
//! Against small-cell suppression with secondary suppression alone, computed afresh for each
//! year, the reader narrowed 6 of 6 small counts to their exact value from these 4 tables. With
//! the audited pattern and a year as a view of the table for all years, it narrows none.
//!
//! The same reader, against the group statistics: places in groups of two centres, read in
//! every breakdown and every centre's view, by an outsider and by each centre knowing its own
//! places. With each breakdown suppressed on its own, the outsider narrowed all 5 small counts
//! (and 4 small sums) to their exact value from 24 tables; with every breakdown suppressed
//! together, no reader narrows any.
//!
//! And against the dialogue statistics: evaluations by county and year, read whole and through
//! every county's view, by an outsider and by each county's governor, which holds its own
//! meetings' evaluations. Unaudited for what a governor knows, county 50's governor pinned
//! county 46's 2; audited, none narrows any.

use actix_web::test::TestRequest;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::Role;
use samhandling_tests::disclosure::{CellName, Reader};
use samhandling_tests::groups::{
    as_last_quarter, book_intake, complete_for_group, group_body, last_quarter, place,
    recruiting_group,
};
use samhandling_tests::referrals::{refer, referral_body};
use samhandling_tests::{authorized, created, fetched, get, send, App, TestApp};
use serde_json::json;
use std::collections::BTreeMap;

/// How many meetings each municipality logs in each quarter.
const LOGGED: [(&str, &str, u64); 11] = [
    ("5037", "2024-03-12", 6),
    ("5037", "2025-05-06", 2),
    ("5038", "2024-02-20", 1),
    ("5038", "2025-10-14", 5),
    ("5038", "2026-04-21", 3),
    ("5035", "2024-11-05", 4),
    ("5035", "2026-06-09", 7),
    ("5041", "2025-01-28", 2),
    ("5041", "2025-02-25", 1),
    ("5041", "2026-09-15", 6),
    ("5037", "2026-08-18", 1),
];

fn quarter(held_on: &str) -> String {
    let month: u32 = held_on[5..7].parse().expect("a month");
    format!("{}-Q{}", &held_on[..4], (month - 1) / 3 + 1)
}

#[actix_web::test]
async fn no_small_count_of_network_meetings_is_narrowed_beyond_its_marker() {
    let t = TestApp::new();
    let app = t.service().await;
    let mut truth: BTreeMap<CellName, u64> = BTreeMap::new();
    let mut facilitators: BTreeMap<&str, String> = BTreeMap::new();
    for (municipality, held_on, meetings) in LOGGED {
        let facilitator = facilitators.entry(municipality).or_insert_with(|| {
            let employer = t.municipality(&format!("Kommune {municipality}"), municipality);
            t.token_as(
                &format!("veileder-{municipality}"),
                employer.id,
                &[Role::Facilitator],
            )
        });
        for _ in 0..meetings {
            created(
                &app,
                "/api/v1/network-meetings",
                facilitator,
                &json!({
                    "held_on": held_on,
                    "municipality_number": municipality,
                    "service": "Psykisk helse og rus",
                    "suggested_by": "main_person",
                    "main_person": {"age_group": "30_49", "gender": "female", "chose_participants": true},
                    "participants": {"family": 2, "professional": 1},
                    "themes": ["mental_health"],
                    "next_meeting": {"planned": false}
                }),
            )
            .await;
        }
        *truth
            .entry((municipality.to_owned(), quarter(held_on)))
            .or_default() += meetings;
    }
    let reader_token = t.token(
        t.municipality("Frosta kommune", "5036").id,
        &[Role::Referrer],
    );

    let mut reader = Reader::default();
    let all = fetched(&app, "/api/v1/statistics/network-meetings", &reader_token).await;
    let table = &all.body["meetings"];
    let names = |key: &str| -> Vec<String> {
        table[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| {
                v.as_str()
                    .or_else(|| v["label"].as_str())
                    .map(str::to_owned)
            })
            .collect()
    };
    let universe: Vec<CellName> = names("rows")
        .iter()
        .flat_map(|row| names("columns").into_iter().map(move |c| (row.clone(), c)))
        .collect();
    reader.harvest("all years", table, &universe);
    for year in ["2024", "2025", "2026"] {
        let published = fetched(
            &app,
            &format!("/api/v1/statistics/network-meetings?year={year}"),
            &reader_token,
        )
        .await;
        let in_year: Vec<CellName> = universe
            .iter()
            .filter(|(_, column)| column.starts_with(year))
            .cloned()
            .collect();
        reader.harvest(year, &published.body["meetings"], &in_year);
    }

    let disclosed = reader.disclosures(&truth);
    assert!(
        disclosed.is_empty(),
        "from {} tables the reader narrowed {} of {} small counts beyond `<5`: {disclosed:#?}",
        reader.sources(),
        disclosed.len(),
        truth
            .values()
            .filter(|count| (1..5).contains(*count))
            .count()
    );
    // Each employer knows its own facilitators' meetings and may subtract them: what is left
    // must not give another's away either.
    for municipality in facilitators.keys() {
        let disclosed = reader.insider_disclosures(&truth, municipality);
        assert!(
            disclosed.is_empty(),
            "{municipality}'s employer narrowed {} small counts of others: {disclosed:#?}",
            disclosed.len()
        );
    }
}

#[actix_web::test]
async fn every_statistics_endpoint_answers_csv_that_states_its_method() {
    let t = TestApp::new();
    let app = t.service().await;
    let employer = t.municipality("Levanger kommune", "5037");
    let facilitator = t.token_as("veileder", employer.id, &[Role::Facilitator]);
    for _ in 0..3 {
        created(
            &app,
            "/api/v1/network-meetings",
            &facilitator,
            &json!({
                "held_on": "2026-03-12",
                "municipality_number": "5037",
                "service": "Psykisk helse og rus",
                "suggested_by": "main_person",
                "main_person": {"age_group": "30_49", "gender": "female", "chose_participants": true},
                "participants": {"family": 2},
                "themes": ["mental_health"],
                "next_meeting": {"planned": false}
            }),
        )
        .await;
    }
    let reader = t.token(
        t.municipality("Frosta kommune", "5036").id,
        &[Role::Referrer],
    );
    for uri in [
        "/api/v1/statistics/network-meetings",
        "/api/v1/statistics/dialogue",
        "/api/v1/statistics/learning-networks",
        "/api/v1/statistics/groups?year=2026",
    ] {
        let reply = send(
            &app,
            authorized(TestRequest::get().uri(uri), &reader)
                .insert_header(("Accept", "text/csv, application/json;q=0.5")),
        )
        .await;
        assert_eq!(reply.status, 200, "{uri}: {}", reply.text);
        assert_eq!(
            reply.header("content-type"),
            Some("text/csv; charset=utf-8"),
            "{uri}"
        );
        let mut lines = reply.text.lines();
        assert!(
            lines
                .next()
                .is_some_and(|line| line.starts_with("# ") && line.contains("<5 is 1 to 4")),
            "{uri}: {}",
            reply.text
        );
        assert_eq!(lines.next(), Some("table,row,column,shown,count"), "{uri}");
    }
    let reply = send(
        &app,
        authorized(
            TestRequest::get().uri("/api/v1/statistics/network-meetings"),
            &reader,
        )
        .insert_header(("Accept", "text/csv")),
    )
    .await;
    assert!(
        reply.text.contains("\nmeetings,5037,2026-Q1,<5,\n"),
        "{}",
        reply.text
    );
    // JSON stays the default.
    let json = get(&app, "/api/v1/statistics/network-meetings", &reader).await;
    assert_eq!(json.header("content-type"), Some("application/json"));
    assert_eq!(json.body["meetings"]["rows"][0]["cells"][0]["shown"], "<5");
}

/// The places behind the group-statistics attack: which centre runs a group of which theme in
/// which municipality, and how many people it takes this year. Two centres share Trondheim and
/// Snåsa, and many combinations hold 1 to 4 people.
const PLACED: [(usize, &str, &str, u64); 13] = [
    (0, "grief", "5001", 6),
    (0, "relatives", "5001", 2),
    (0, "grief", "5035", 3),
    (0, "general", "5037", 7),
    (0, "relatives", "5037", 1),
    (1, "grief", "5001", 1),
    (1, "relatives", "0301", 5),
    (1, "general", "0301", 2),
    // Four cells of Trondheim's that only it can tell apart, and Oslo's 2 beside one of them.
    (0, "anxiety_and_depression", "5041", 6),
    (0, "anxiety_and_depression", "5043", 5),
    (0, "loneliness", "5041", 5),
    (0, "loneliness", "5043", 6),
    (1, "anxiety_and_depression", "5041", 2),
];

/// The dimensions a group-statistics breakdown takes.
const DIMENSIONS: [&str; 4] = ["centre", "theme", "municipality", "quarter"];

/// Places `count` people referred by `referrer` in a new group of `centre` (coordinated with
/// `coordinator`) of `theme` meeting in `municipality`.
async fn fill_group(
    app: &impl App,
    centre: &samhandling_domain::organisation::Organisation,
    (coordinator, referrer): (&str, &str),
    (theme, municipality, count): (&str, &str, u64),
) {
    let mut body = group_body(&format!("{theme} {municipality}"), theme);
    body["municipality_number"] = json!(municipality);
    let group = recruiting_group(app, coordinator, &body).await;
    for index in 0..count {
        let name = format!("{}{theme}{municipality}{index}", &centre.name[5..]);
        let referral = refer(app, referrer, &referral_body(centre, &name, false)).await;
        let referral = referral["id"].as_str().unwrap_or_default().to_owned();
        let intake = book_intake(app, coordinator, &referral).await;
        complete_for_group(app, coordinator, &intake, theme, &name).await;
        let placed = place(app, coordinator, &group, &intake).await;
        assert_eq!(placed.status, 201, "{}", placed.text);
    }
}

#[actix_web::test]
async fn no_small_count_of_group_places_is_narrowed_across_breakdowns() {
    let t = TestApp::new();
    let app = t.service().await;
    let centres = [
        t.organisation(
            OrganisationKind::SelfHelpCentre,
            "LINK Trondheim",
            Some("5001"),
        ),
        t.organisation(OrganisationKind::SelfHelpCentre, "LINK Oslo", Some("0301")),
    ];
    let referrer = t.token(
        t.municipality("Stjørdal kommune", "5035").id,
        &[Role::Referrer],
    );
    let coordinators = centres
        .each_ref()
        .map(|centre| t.token(centre.id, &[Role::CentreCoordinator]));
    // The places are counted as last quarter's: the statistics count only quarters that ended.
    let (_, quarter) = last_quarter();
    let mut truth: BTreeMap<CellName, u64> = BTreeMap::new();
    for (centre, theme, municipality, count) in PLACED {
        fill_group(
            &app,
            &centres[centre],
            (&coordinators[centre], &referrer),
            (theme, municipality, count),
        )
        .await;
        let name = format!("{}|{theme}|{municipality}", centres[centre].id);
        *truth.entry((name, quarter.clone())).or_default() += count;
    }
    as_last_quarter(&t);
    let universe: Vec<CellName> = truth.keys().cloned().collect();
    // The label a fine cell counts under in a breakdown by `dimension`.
    let label = |(name, quarter): &CellName, dimension: &str| -> String {
        let mut parts = name.split('|');
        let (centre, theme, municipality) = (parts.next(), parts.next(), parts.next());
        match dimension {
            "centre" => centre,
            "theme" => theme,
            "municipality" => municipality,
            _ => Some(quarter.as_str()),
        }
        .unwrap_or_default()
        .to_owned()
    };

    // An outsider, and each centre, which knows its own places without asking.
    let outsider = t.token(
        t.municipality("Frosta kommune", "5036").id,
        &[Role::Referrer],
    );
    let readers = [
        (None, outsider),
        (Some(0), coordinators[0].clone()),
        (Some(1), coordinators[1].clone()),
    ];
    let year = &quarter[..4];
    for (own_centre, token) in readers {
        let mut reader = Reader::default();
        let mut own = BTreeMap::new();
        if let Some(centre) = own_centre {
            let id = centres[centre].id.to_string();
            for (cell, count) in truth.iter().filter(|(cell, _)| label(cell, "centre") == id) {
                reader.know(cell, *count);
                own.insert(cell.clone(), *count);
            }
        }
        for rows in DIMENSIONS {
            for columns in DIMENSIONS.iter().filter(|columns| **columns != rows) {
                let mut views = vec![String::new()];
                if rows == "centre" || *columns == "centre" {
                    views.extend(
                        centres
                            .iter()
                            .map(|centre| format!("&centre_id={}", centre.id)),
                    );
                }
                for view in views {
                    let uri = format!(
                        "/api/v1/statistics/groups?measure=members_placed&rows={rows}&columns={columns}&year={year}{view}"
                    );
                    let published = get(&app, &uri, &token).await;
                    assert_eq!(published.status, 200, "{uri}: {}", published.text);
                    let in_view: Vec<CellName> = universe
                        .iter()
                        .filter(|cell| view.is_empty() || view.ends_with(&label(cell, "centre")))
                        .cloned()
                        .collect();
                    reader.harvest_projected(&uri, &published.body["table"], &in_view, |cell| {
                        (label(cell, rows), label(cell, columns))
                    });
                }
            }
        }
        // What a centre knows of its own is no disclosure; the others' counts are.
        let others: BTreeMap<CellName, u64> = truth
            .iter()
            .filter(|(cell, _)| !own.contains_key(*cell))
            .map(|(cell, count)| (cell.clone(), *count))
            .collect();
        let disclosed = reader.disclosures(&others);
        assert!(
            disclosed.is_empty(),
            "reading as centre {own_centre:?}, from {} tables the reader narrowed {} small counts beyond `<5`: {disclosed:#?}",
            reader.sources(),
            disclosed.len(),
        );
    }
}

/// Evaluations of the governors' dialogue meetings behind the dialogue attack: county, year and
/// how many municipalities evaluated that year's meeting. Many are 1 to 4. With the governors
/// not audited as knowing their own, county 50's governor pinned county 46's 2.
const EVALUATED: [(&str, i32, u64); 4] = [
    // Two counties' few beside a 9 in 2025: each is `<5` to an outsider, but either governor,
    // knowing its own, would get the other's from the year's total.
    ("50", 2025, 3),
    ("46", 2025, 2),
    ("18", 2025, 9),
    ("18", 2024, 8),
];

#[actix_web::test]
async fn no_small_count_of_dialogue_evaluations_is_narrowed_by_any_county_view_or_governor() {
    use diesel::RunQueryDsl;
    let t = TestApp::new();
    let app = t.service().await;
    let mut conn = t.database.connect();
    let mut truth: BTreeMap<CellName, u64> = BTreeMap::new();
    for (county, year, count) in EVALUATED {
        let governor = t.organisation(
            OrganisationKind::CountyGovernor,
            &format!("Statsforvalteren {county} {year}"),
            None,
        );
        let meeting = uuid::Uuid::now_v7();
        diesel::sql_query(
            "INSERT INTO dialogue_meetings (id, county_governor_id, county_number, title, held_on, \
                 digital, status, focus_areas) \
             VALUES ($1, $2, $3, 'Dialogmøte', make_date($4, 6, 1), true, 'held', '{rus}')",
        )
        .bind::<diesel::sql_types::Uuid, _>(meeting)
        .bind::<diesel::sql_types::Uuid, _>(governor.id)
        .bind::<diesel::sql_types::Text, _>(county)
        .bind::<diesel::sql_types::Integer, _>(year)
        .execute(&mut conn)
        .unwrap();
        for index in 0..count {
            // Municipalities of different numbers; the table counts evaluations, not who.
            let number = format!(
                "{:04}",
                1000 + truth.len() * 10 + usize::try_from(index).unwrap_or(0)
            );
            let municipality = t.municipality(&format!("Kommune {number}"), &number);
            diesel::sql_query(
                "INSERT INTO dialogue_evaluations (id, meeting_id, municipality_id, rating, \
                     submitted_by) VALUES (gen_random_uuid(), $1, $2, 4, 'kontakt')",
            )
            .bind::<diesel::sql_types::Uuid, _>(meeting)
            .bind::<diesel::sql_types::Uuid, _>(municipality.id)
            .execute(&mut conn)
            .unwrap();
        }
        truth.insert((county.to_owned(), year.to_string()), count);
    }
    let universe: Vec<CellName> = truth.keys().cloned().collect();
    let token = t.token(
        t.municipality("Frosta kommune", "5036").id,
        &[Role::Referrer],
    );

    let mut reader = Reader::default();
    let all = fetched(&app, "/api/v1/statistics/dialogue", &token).await;
    reader.harvest("all counties", &all.body["evaluations"], &universe);
    for county in ["50", "46", "18"] {
        let view = fetched(
            &app,
            &format!("/api/v1/statistics/dialogue?county_number={county}"),
            &token,
        )
        .await;
        let in_county: Vec<CellName> = universe
            .iter()
            .filter(|(row, _)| row == county)
            .cloned()
            .collect();
        reader.harvest(county, &view.body["evaluations"], &in_county);
    }
    let disclosed = reader.disclosures(&truth);
    assert!(disclosed.is_empty(), "an outsider narrowed: {disclosed:#?}");
    // Each county's governor holds its own meetings' evaluations.
    for county in ["50", "46", "18"] {
        let disclosed = reader.insider_disclosures(&truth, county);
        assert!(
            disclosed.is_empty(),
            "county {county}'s governor narrowed: {disclosed:#?}"
        );
    }
}
