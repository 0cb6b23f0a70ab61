//! Keyset pagination: every item exactly once, cursors that cannot be forged.

use samhandling_domain::organisation::{OrganisationDraft, OrganisationKind};
use samhandling_persistence::{in_transaction, organisations, StoreError};
use samhandling_tests::{fetched, get, TestApp};
use std::collections::HashSet;

#[actix_web::test]
async fn paging_through_250_organisations_returns_each_exactly_once() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
    // One transaction: all 250 share created_at, so the order rests on the id tie-breaker.
    let mut conn = t.state.database.pool().connection().unwrap();
    in_transaction(&mut conn, |conn| {
        for n in 0..250 {
            let draft = OrganisationDraft {
                kind: OrganisationKind::Other,
                name: format!("Organisation {n}"),
                municipality_number: None,
                county: None,
                region: None,
                county_number: None,
                organisation_number: None,
            };
            organisations::insert(conn, uuid::Uuid::now_v7(), &draft)?;
        }
        Ok::<_, StoreError>(())
    })
    .unwrap();

    let mut seen = HashSet::new();
    let mut pages = 0;
    let mut uri = "/api/v1/organisations?kind=other&limit=50".to_owned();
    loop {
        let page = fetched(&app, &uri, &admin).await;
        pages += 1;
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= 50);
        for item in items {
            assert!(
                seen.insert(item["id"].as_str().unwrap().to_owned()),
                "seen twice: {item}"
            );
        }
        match page.body["next_cursor"].as_str() {
            Some(cursor) => {
                uri = format!("/api/v1/organisations?kind=other&limit=50&cursor={cursor}");
            }
            None => break,
        }
        assert!(pages < 10, "pagination does not end");
    }
    // 251 with the admin's operator organisation.
    assert_eq!(seen.len(), 251);
    assert_eq!(pages, 6);
}

#[actix_web::test]
async fn a_tampered_cursor_or_a_bad_limit_is_400() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
    for n in 0..3 {
        t.organisation(OrganisationKind::Other, &format!("Org {n}"), None);
    }
    let first = get(&app, "/api/v1/organisations?limit=1", &admin).await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let (payload, signature) = cursor.split_once('.').unwrap();
    let mut forged = payload.to_owned().into_bytes();
    forged[5] = if forged[5] == b'A' { b'B' } else { b'A' };
    let forged = format!("{}.{signature}", String::from_utf8(forged).unwrap());
    for query in [
        format!("cursor={forged}"),
        "cursor=garbage".to_owned(),
        "limit=0".to_owned(),
        "limit=201".to_owned(),
        "limit=ten".to_owned(),
    ] {
        let reply = get(&app, &format!("/api/v1/organisations?{query}"), &admin).await;
        reply.assert_problem(400);
    }
    let second = fetched(
        &app,
        &format!("/api/v1/organisations?limit=1&cursor={cursor}"),
        &admin,
    )
    .await;
    assert_ne!(second.body["items"][0]["id"], first.body["items"][0]["id"]);
}
