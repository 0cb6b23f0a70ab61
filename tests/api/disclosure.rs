//! The attacker of published statistics (`samhandling_tests::disclosure`) against network
//! meetings: facilitators in four Innherred municipalities log meetings over three years, many
//! of them in cells of 1 to 4; the reader harvests the table for all years and for each year,
//! and reasons over all of it at once. No true count of 1 to 4 may be narrowed beyond `<5`.
//!
//! Against small-cell suppression with secondary suppression alone, computed afresh for each
//! year, the reader narrowed 6 of 6 small counts to their exact value from these 4 tables. With
//! the audited pattern and a year as a view of the table for all years, it narrows none.

use actix_web::test::TestRequest;
use samhandling_domain::Role;
use samhandling_tests::disclosure::{CellName, Reader};
use samhandling_tests::{authorized, created, get, send, TestApp};
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
    let all = get(&app, "/api/v1/statistics/network-meetings", &reader_token).await;
    assert_eq!(all.status, 200, "{}", all.text);
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
        let published = get(
            &app,
            &format!("/api/v1/statistics/network-meetings?year={year}"),
            &reader_token,
        )
        .await;
        assert_eq!(published.status, 200, "{}", published.text);
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
