//! Tokens: missing, expired, forged, for another audience or issuer → 401; wrong role → 403;
//! tokens from an external issuer's key are accepted when configured.

use actix_web::test::TestRequest;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use samhandling_auth::{Claims, TokenService, TokenSettings};
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::Role;
use samhandling_tests::{authorized, get, send, token_settings, TestApp};
use serde_json::json;
use uuid::Uuid;

fn claims(org: Uuid, roles: Vec<Role>, exp_offset: i64) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: "tester".into(),
        org,
        roles,
        iat: now,
        exp: now + exp_offset,
        iss: "samhandling".into(),
        aud: "samhandling-api".into(),
        jti: Uuid::now_v7(),
    }
}

async fn assert_unauthorized(t: &TestApp, token: Option<&str>) {
    let app = t.service().await;
    let mut request = TestRequest::get().uri("/api/v1/organisations");
    if let Some(token) = token {
        request = authorized(request, token);
    }
    let reply = send(&app, request).await;
    reply.assert_problem(401);
    assert!(reply
        .header("www-authenticate")
        .is_some_and(|value| value.starts_with("Bearer")));
}

#[actix_web::test]
async fn a_missing_token_is_401_with_a_bearer_challenge() {
    assert_unauthorized(&TestApp::new(), None).await;
}

#[actix_web::test]
async fn a_token_for_another_audience_or_from_another_issuer_is_401() {
    let t = TestApp::new();
    let foreign = [
        TokenSettings {
            audience: "another-api".into(),
            ..token_settings()
        },
        TokenSettings {
            issuer: "someone-else".into(),
            ..token_settings()
        },
    ];
    for settings in foreign {
        let token = TokenService::new(&settings)
            .unwrap()
            .issue("tester", Uuid::now_v7(), &[Role::Admin], None)
            .unwrap()
            .token;
        assert_unauthorized(&t, Some(&token)).await;
    }
}

#[actix_web::test]
async fn an_expired_token_is_401() {
    let t = TestApp::new();
    let expired = encode(
        &Header::new(Algorithm::HS256),
        &claims(Uuid::now_v7(), vec![Role::Admin], -3600),
        &EncodingKey::from_secret(samhandling_tests::SECRET),
    )
    .unwrap();
    assert_unauthorized(&t, Some(&expired)).await;
}

#[actix_web::test]
async fn a_tampered_token_is_401() {
    let t = TestApp::new();
    let token = t.token(Uuid::now_v7(), &[Role::Referrer]);
    // Swap the payload for one granting admin, keeping the original signature.
    let mut parts: Vec<&str> = token.split('.').collect();
    let forged_claims = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        serde_json::to_vec(&claims(Uuid::now_v7(), vec![Role::Admin], 600)).unwrap(),
    );
    parts[1] = &forged_claims;
    assert_unauthorized(&t, Some(&parts.join("."))).await;
    assert_unauthorized(&t, Some("not-a-jwt")).await;
}

#[actix_web::test]
async fn a_token_with_the_none_algorithm_is_401() {
    let t = TestApp::new();
    let header = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        br#"{"alg":"none","typ":"JWT"}"#,
    );
    let payload = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        serde_json::to_vec(&claims(Uuid::now_v7(), vec![Role::Admin], 600)).unwrap(),
    );
    assert_unauthorized(&t, Some(&format!("{header}.{payload}."))).await;
}

#[actix_web::test]
async fn a_non_admin_creating_an_organisation_is_403_and_nothing_is_stored() {
    let t = TestApp::new();
    let app = t.service().await;
    let municipality = t.organisation(
        OrganisationKind::Municipality,
        "Stjørdal kommune",
        Some("5035"),
    );
    let token = t.token(municipality.id, &[Role::Referrer, Role::MunicipalContact]);
    let request = authorized(TestRequest::post().uri("/api/v1/organisations"), &token)
        .set_json(json!({"kind": "other", "name": "Not allowed"}));
    let reply = send(&app, request).await;
    reply.assert_problem(403);
    let listed = get(&app, "/api/v1/organisations", &token).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn tokens_signed_by_a_configured_external_key_are_accepted() {
    let public_key = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/external-issuer.pub"
    ))
    .unwrap();
    let private_key = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/external-issuer.key"
    ))
    .unwrap();
    let external = encode(
        &Header::new(Algorithm::RS256),
        &claims(Uuid::now_v7(), vec![Role::Referrer], 600),
        &EncodingKey::from_rsa_pem(&private_key).unwrap(),
    )
    .unwrap();

    let without_key = TestApp::new();
    assert_unauthorized(&without_key, Some(&external)).await;

    let t = TestApp::with_settings(&TokenSettings {
        public_key_pem: Some(public_key),
        ..token_settings()
    });
    let app = t.service().await;
    let reply = get(&app, "/api/v1/organisations", &external).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let own = t.token(Uuid::now_v7(), &[Role::Referrer]);
    let reply = get(&app, "/api/v1/organisations", &own).await;
    assert_eq!(
        reply.status, 200,
        "HS256 tokens keep working beside the external key"
    );
}
