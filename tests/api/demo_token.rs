//! The development page that hands a tester a token for a demo organisation and role.

use actix_web::test::TestRequest;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_http::{Development, Policies};
use samhandling_tests::{fetched, get, send, TestApp};

fn choose(organisation: uuid::Uuid, role: &str) -> TestRequest {
    TestRequest::post().uri("/dev/demo-token").set_form([
        ("organisation_id", organisation.to_string()),
        ("role", role.to_owned()),
    ])
}

/// An application that serves the demo page, as it does on a loopback address in development.
fn with_demo_page() -> TestApp {
    TestApp::with_policies(Policies {
        development: Development::OnLoopback,
        ..Policies::default()
    })
}

/// The token in the page, between the textarea's tags.
fn token_in(page: &str) -> Option<&str> {
    let start = page.find("<textarea id=\"token\" readonly>")? + 30;
    let end = start + page[start..].find("</textarea>")?;
    Some(&page[start..end])
}

#[actix_web::test]
async fn a_tester_picks_an_organisation_and_role_and_the_token_acts_for_them() {
    let (_t, app, stjordal) = with_demo_page()
        .serve(|t| t.municipality("Stjørdal <kommune>", "5035"))
        .await;

    let page = send(&app, TestRequest::get().uri("/dev/demo-token")).await;
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    // Names are escaped, and every organisation is offered with its kind.
    assert!(
        page.text
            .contains("Stjørdal &lt;kommune&gt; (municipality)"),
        "{}",
        page.text
    );
    assert!(!page.text.contains("<kommune>"));

    let issued = send(&app, choose(stjordal.id, "referrer")).await;
    assert_eq!(issued.status, 200, "{}", issued.text);
    assert_eq!(issued.header("cache-control"), Some("no-store"));
    let token = token_in(&issued.text).expect("the page shows the token");
    // The token acts for Stjørdal as a referrer: it lists Stjørdal's referrals (none yet).
    fetched(&app, "/api/v1/referrals", token).await;
    // And it holds no other role.
    let clients = get(&app, "/api/v1/audit-events", token).await;
    assert_eq!(clients.status, 403);
}

#[actix_web::test]
async fn a_role_the_organisations_kind_cannot_hold_gets_no_token() {
    let (_t, app, centre) = with_demo_page()
        .serve(|t| t.organisation(OrganisationKind::SelfHelpCentre, "LINK Trondheim", None))
        .await;
    for (role, expected) in [
        (
            "referrer",
            "a self_help_centre cannot hold the role referrer",
        ),
        ("admin", "a self_help_centre cannot hold the role admin"),
    ] {
        let refused = send(&app, choose(centre.id, role)).await;
        assert_eq!(refused.status, 400);
        assert!(refused.text.contains(expected), "{}", refused.text);
        assert_eq!(token_in(&refused.text), None);
    }
    let unknown = send(&app, choose(uuid::Uuid::now_v7(), "referrer")).await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.text.contains("no such organisation"));
    let garbled = send(
        &app,
        TestRequest::post()
            .uri("/dev/demo-token")
            .set_form([("role", "king")]),
    )
    .await;
    assert_eq!(garbled.status, 400);
    assert_eq!(token_in(&garbled.text), None);
}

#[actix_web::test]
async fn outside_development_on_loopback_the_page_does_not_exist() {
    let (_t, app, centre) = TestApp::started(|t| {
        t.organisation(OrganisationKind::SelfHelpCentre, "LINK Trondheim", None)
    })
    .await;
    let page = send(&app, TestRequest::get().uri("/dev/demo-token")).await;
    assert_eq!(page.status, 404);
    let issued = send(&app, choose(centre.id, "centre_coordinator")).await;
    assert_eq!(issued.status, 404);
    assert!(!issued.text.contains("eyJ"));
}
