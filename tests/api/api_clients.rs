//! API clients and the OAuth 2.0 client-credentials grant, end to end.

use actix_web::test::TestRequest;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use diesel::RunQueryDsl;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::Role;
use samhandling_tests::{act, authorized, fetched, get, post, register_client, send, TestApp};
use serde_json::json;

fn token_request(form: &str) -> TestRequest {
    TestRequest::post()
        .uri("/api/v1/oauth/token")
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(form.to_owned())
}

#[derive(diesel::QueryableByName)]
struct Hash {
    #[diesel(sql_type = diesel::sql_types::Text)]
    secret_hash: String,
}

#[actix_web::test]
async fn a_registered_client_obtains_tokens_until_revoked() {
    let mut t = TestApp::new();
    let mut state = t.state.get_ref().clone();
    state.directory = std::sync::Arc::new(
        samhandling_http::directory::Directory::rechecking_clients_after(std::time::Duration::ZERO),
    );
    t.state = actix_web::web::Data::new(state);
    let app = t.service().await;
    let admin = t.admin_token();
    let municipality = t.municipality("Stjørdal kommune", "5035");

    let registered = register_client(
        &app,
        &admin,
        municipality.id,
        "Stjørdal fagsystem",
        &[Role::Referrer],
    )
    .await;
    let (client_id, secret) = (registered.id(), registered.client_secret());
    assert!(secret.len() >= 40);

    // Stored only as an Argon2 hash; never shown again.
    let stored: Hash = diesel::sql_query("SELECT secret_hash FROM api_clients")
        .get_result(&mut t.database.connect())
        .unwrap();
    assert!(stored.secret_hash.starts_with("$argon2id$"));
    assert!(!stored.secret_hash.contains(&secret));
    let read = fetched(&app, &format!("/api/v1/api-clients/{client_id}"), &admin).await;
    assert!(read.body.get("client_secret").is_none());

    // The grant, with credentials in the form.
    let issued = send(
        &app,
        token_request(&format!(
            "grant_type=client_credentials&client_id={client_id}&client_secret={secret}"
        )),
    )
    .await;
    assert_eq!(issued.status, 200, "{}", issued.text);
    assert_eq!(issued.body["token_type"], "Bearer");
    assert_eq!(issued.body["expires_in"], 600);
    assert_eq!(issued.header("cache-control"), Some("no-store"));
    // The tighter of the token endpoint's two allowances (per address, per client) is told.
    assert!(issued.header("ratelimit-policy").is_some());
    assert!(issued
        .header("ratelimit")
        .is_some_and(|left| left.starts_with("\"hourly\";r=")));
    let access_token = issued.body["access_token"].as_str().unwrap().to_owned();
    let caller = t.tokens.verify(&access_token).unwrap();
    assert_eq!(caller.organisation_id.uuid(), municipality.id);
    assert_eq!(caller.roles, vec![Role::Referrer]);
    fetched(&app, "/api/v1/organisations", &access_token).await;
    let forbidden = get(&app, "/api/v1/api-clients", &access_token).await;
    forbidden.assert_problem(403);

    // The grant, with HTTP Basic.
    let basic = STANDARD.encode(format!("{client_id}:{secret}"));
    let issued = send(
        &app,
        token_request("grant_type=client_credentials")
            .insert_header(("authorization", format!("Basic {basic}"))),
    )
    .await;
    assert_eq!(issued.status, 200, "{}", issued.text);

    // A wrong secret.
    let refused = send(
        &app,
        token_request(&format!(
            "grant_type=client_credentials&client_id={client_id}&client_secret=wrong"
        )),
    )
    .await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.body["error"], "invalid_client");
    let wrong_basic = STANDARD.encode(format!("{client_id}:wrong"));
    let refused = send(
        &app,
        token_request("grant_type=client_credentials")
            .insert_header(("authorization", format!("Basic {wrong_basic}"))),
    )
    .await;
    assert_eq!(refused.status, 401);
    assert_eq!(
        refused.header("www-authenticate"),
        Some("Basic realm=\"samhandling\"")
    );

    // Revoked: no new tokens, and the one it holds stops working.
    let revoked = act(
        &app,
        &format!("/api/v1/api-clients/{client_id}/revoke"),
        &admin,
    )
    .await;
    assert_eq!(revoked.status, 200);
    assert!(revoked.body["revoked_at"].is_string());
    let refused = send(
        &app,
        token_request(&format!(
            "grant_type=client_credentials&client_id={client_id}&client_secret={secret}"
        )),
    )
    .await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.body["error"], "invalid_client");
    get(&app, "/api/v1/organisations", &access_token)
        .await
        .assert_problem(401);
}

#[actix_web::test]
async fn the_token_endpoint_answers_in_rfc_6749_terms() {
    let t = TestApp::new();
    let app = t.service().await;
    let unknown = uuid::Uuid::now_v7();
    let cases = [
        ("client_id=x&client_secret=y", 400, "invalid_request"),
        (
            "grant_type=password&username=a&password=b",
            400,
            "unsupported_grant_type",
        ),
        ("grant_type=client_credentials", 401, "invalid_client"),
        (
            "grant_type=client_credentials&client_id=not-a-uuid&client_secret=y",
            401,
            "invalid_client",
        ),
    ];
    for (form, status, error) in cases {
        let reply = send(&app, token_request(form)).await;
        assert_eq!(reply.status, status, "{form}: {}", reply.text);
        assert_eq!(reply.body["error"], error, "{form}");
    }
    let reply = send(
        &app,
        token_request(&format!(
            "grant_type=client_credentials&client_id={unknown}&client_secret=y"
        )),
    )
    .await;
    assert_eq!(reply.body["error"], "invalid_client");
    let json_body = TestRequest::post()
        .uri("/api/v1/oauth/token")
        .set_json(json!({"grant_type": "client_credentials"}));
    let reply = send(&app, json_body).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["error"], "invalid_request");
}

#[actix_web::test]
async fn scopes_narrow_a_token_and_clients_never_hold_admin() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
    let centre = t.organisation(
        OrganisationKind::SelfHelpCentre,
        "LINK Bergen og omegn",
        Some("4601"),
    );
    let refused = send(
        &app,
        authorized(TestRequest::post().uri("/api/v1/api-clients"), &admin).set_json(
            json!({"organisation_id": centre.id, "name": "Too powerful", "roles": ["admin"]}),
        ),
    )
    .await;
    refused.assert_problem(422);
    let unknown_org = send(
        &app,
        authorized(TestRequest::post().uri("/api/v1/api-clients"), &admin)
            .set_json(json!({"organisation_id": uuid::Uuid::now_v7(), "name": "Nowhere", "roles": ["referrer"]})),
    )
    .await;
    let body = unknown_org.assert_problem(404);
    assert!(body["detail"].as_str().unwrap().contains("organisation_id"));

    let roles = [Role::CentreCoordinator, Role::Facilitator];
    let registered = register_client(&app, &admin, centre.id, "LINK intake", &roles).await;
    let (client_id, secret) = (registered.id(), registered.client_secret());
    let coordinator = t.token(centre.id, &[Role::CentreCoordinator]);
    act(
        &app,
        &format!("/api/v1/api-clients/{client_id}/approval"),
        &coordinator,
    )
    .await;
    let form = |scope: &str| {
        format!("grant_type=client_credentials&client_id={client_id}&client_secret={secret}&scope={scope}")
    };
    let narrowed = send(&app, token_request(&form("facilitator"))).await;
    assert_eq!(narrowed.status, 200);
    assert_eq!(narrowed.body["scope"], "facilitator");
    let caller = t
        .tokens
        .verify(narrowed.body["access_token"].as_str().unwrap())
        .unwrap();
    assert_eq!(caller.roles, vec![Role::Facilitator]);
    let widened = send(&app, token_request(&form("admin"))).await;
    assert_eq!(widened.status, 400);
    assert_eq!(widened.body["error"], "invalid_scope");
}

/// The operator registers systems, but a system that would read a centre's personal data acts
/// only once that centre's coordinator has approved it: an administrator alone can never give
/// itself a way to read people's names.
#[actix_web::test]
async fn a_client_that_reads_personal_data_acts_only_once_its_organisation_approves() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
    let centre = t.organisation(OrganisationKind::SelfHelpCentre, "LINK Trondheim", None);
    let other_centre = t.organisation(OrganisationKind::SelfHelpCentre, "LINK Oslo", None);
    let coordinator = t.token(centre.id, &[Role::CentreCoordinator]);
    let stranger = t.token(other_centre.id, &[Role::CentreCoordinator]);
    let roles = [Role::CentreCoordinator];
    let registered = register_client(&app, &admin, centre.id, "Intake system", &roles).await;
    assert_eq!(registered.body["approval"], "pending");
    let (id, secret) = (registered.id(), registered.client_secret());
    let grant = format!("grant_type=client_credentials&client_id={id}&client_secret={secret}");

    let pending = send(&app, token_request(&grant)).await;
    assert_eq!(pending.status, 400, "{}", pending.text);
    assert_eq!(pending.body["error"], "unauthorized_client");

    let approval = format!("/api/v1/api-clients/{id}/approval");
    act(&app, &approval, &admin).await.assert_problem(403);
    act(&app, &approval, &stranger).await.assert_problem(404);
    get(&app, &format!("/api/v1/api-clients/{id}"), &stranger)
        .await
        .assert_problem(404);
    let mine = get(&app, "/api/v1/api-clients", &coordinator).await;
    assert_eq!(mine.body["items"][0]["id"], id.as_str());
    let theirs = get(&app, "/api/v1/api-clients", &stranger).await;
    assert_eq!(theirs.body["items"], json!([]));

    let approved = act(&app, &approval, &coordinator).await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(approved.body["approval"], "approved");
    let issued = send(&app, token_request(&grant)).await;
    assert_eq!(issued.status, 200, "{}", issued.text);
    let log = get(
        &app,
        &format!("/api/v1/audit-events?resource_id={id}"),
        &admin,
    )
    .await;
    assert!(log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|event| event["action"] == "approved"));

    // A referrer's client reads no personal data: registration is enough.
    let municipality = t.municipality("Stjørdal kommune", "5035");
    let referrer_client = register_client(
        &app,
        &admin,
        municipality.id,
        "Fagsystem",
        &[Role::Referrer],
    )
    .await;
    assert_eq!(referrer_client.body["approval"], "not_needed");
}

#[actix_web::test]
async fn a_client_is_registered_only_with_roles_its_organisation_can_hold() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
    let nav = t.organisation(OrganisationKind::NavOffice, "NAV Stjørdal", None);
    let reply = post(&app, "/api/v1/api-clients", &admin, &json!({
            "organisation_id": nav.id, "name": "NAV system", "roles": ["referrer", "centre_coordinator"]
        }))
    .await;
    let body = reply.assert_problem(422);
    assert_eq!(body["errors"][0]["field"], "roles");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("centre_coordinator"));
    let listed = get(&app, "/api/v1/api-clients", &admin).await;
    assert_eq!(listed.body["items"], json!([]));
}

/// A flood of token requests, even for unknown clients, is cut off per address before any hash
/// is computed, and per client id from any address.
#[actix_web::test]
async fn the_token_endpoint_is_rate_limited_per_address_and_per_client() {
    let t = TestApp::with_policies(samhandling_http::Policies {
        token_requests_per_hour: 3,
        ..samhandling_http::Policies::default()
    });
    let app = t.service().await;
    let from = |address: &str, client: uuid::Uuid| {
        token_request(&format!(
            "grant_type=client_credentials&client_id={client}&client_secret=guess"
        ))
        .peer_addr(format!("{address}:40000").parse().unwrap())
    };
    // A refused attempt is told what is left of the allowance, as an issued token is.
    for left in ["2", "1", "0"] {
        let reply = send(&app, from("203.0.113.7", uuid::Uuid::now_v7())).await;
        assert_eq!(reply.status, 401, "{}", reply.text);
        assert!(reply.header("ratelimit-policy").is_some());
        let told = reply.header("ratelimit").unwrap_or_default();
        assert!(told.starts_with(&format!("\"hourly\";r={left};")), "{told}");
    }
    let flooded = send(&app, from("203.0.113.7", uuid::Uuid::now_v7())).await;
    flooded.assert_problem(429);
    assert!(flooded.header("retry-after").is_some());
    assert!(flooded.header("ratelimit-policy").is_some());
    assert!(flooded
        .header("ratelimit")
        .is_some_and(|left| left.starts_with("\"hourly\";r=0;")));

    let target = uuid::Uuid::now_v7();
    for address in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
        assert_eq!(send(&app, from(address, target)).await.status, 401);
    }
    send(&app, from("198.51.100.4", target))
        .await
        .assert_problem(429);
}
