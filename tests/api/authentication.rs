//! Tokens: missing, expired, forged, for another audience or issuer → 401; wrong role → 403;
//! tokens from an external issuer's key are accepted when configured.

use actix_web::test::TestRequest;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use samhandling_auth::{Claims, ExternalTrust, TokenService, TokenSettings};
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::Role;
use samhandling_tests::{authorized, fetched, get, send, token_settings, TestApp};
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
    let municipality = t.municipality("Stjørdal kommune", "5035");
    let token = t.token(municipality.id, &[Role::Referrer, Role::MunicipalContact]);
    let request = authorized(TestRequest::post().uri("/api/v1/organisations"), &token)
        .set_json(json!({"kind": "other", "name": "Not allowed"}));
    let reply = send(&app, request).await;
    reply.assert_problem(403);
    let listed = fetched(&app, "/api/v1/organisations", &token).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}

fn external_token(claims: &Claims) -> String {
    let private_key = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/external-issuer.key"
    ))
    .unwrap();
    encode(
        &Header::new(Algorithm::RS256),
        claims,
        &EncodingKey::from_rsa_pem(&private_key).unwrap(),
    )
    .unwrap()
}

#[actix_web::test]
async fn an_external_issuer_is_trusted_only_with_its_configured_organisations_and_roles() {
    let public_key = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/external-issuer.pub"
    ))
    .unwrap();
    let without_key = TestApp::new();
    let probe = external_token(&claims(Uuid::now_v7(), vec![Role::Referrer], 600));
    assert_unauthorized(&without_key, Some(&probe)).await;

    // The organisations must exist before the trust names them.
    let directory = TestApp::new();
    let municipality = directory.municipality("Stjørdal kommune", "5035");
    let untrusted = directory.municipality("Levanger kommune", "5037");
    let centre = directory.organisation(OrganisationKind::SelfHelpCentre, "LINK Trondheim", None);
    let t = TestApp::with_database(
        directory,
        &TokenSettings {
            public_key_pem: Some(public_key),
            external_trust: ExternalTrust {
                organisations: vec![municipality.id, centre.id],
                roles: vec![Role::Referrer, Role::MunicipalContact, Role::Admin],
            },
            ..token_settings()
        },
    );
    let app = t.service().await;
    let trusted = external_token(&claims(municipality.id, vec![Role::Referrer], 600));
    fetched(&app, "/api/v1/organisations", &trusted).await;

    let refused = [
        (
            "an organisation it is not trusted with",
            claims(untrusted.id, vec![Role::Referrer], 600),
        ),
        (
            "a role it is not trusted with",
            claims(municipality.id, vec![Role::CentreCoordinator], 600),
        ),
        (
            "admin, even when listed",
            claims(municipality.id, vec![Role::Admin], 600),
        ),
        (
            "an API client's subject",
            Claims {
                sub: format!("client:{}", Uuid::now_v7()),
                ..claims(municipality.id, vec![Role::Referrer], 600)
            },
        ),
        (
            "the retention job's subject",
            Claims {
                sub: "system:retention".into(),
                ..claims(municipality.id, vec![Role::Referrer], 600)
            },
        ),
    ];
    for (what, claims) in refused {
        let reply = get(&app, "/api/v1/organisations", &external_token(&claims)).await;
        assert_eq!(reply.status, 401, "{what}: {}", reply.text);
    }
    // Trusted with the organisation and the role, but a centre cannot refer.
    let misfit = external_token(&claims(centre.id, vec![Role::Referrer], 600));
    get(&app, "/api/v1/organisations", &misfit)
        .await
        .assert_problem(403);

    let own = t.token(municipality.id, &[Role::Referrer]);
    let reply = get(&app, "/api/v1/organisations", &own).await;
    assert_eq!(
        reply.status, 200,
        "HS256 tokens keep working beside the external key"
    );
}

#[actix_web::test]
async fn a_token_for_an_organisation_outside_the_directory_is_403() {
    let t = TestApp::new();
    let app = t.service().await;
    let stranger = t.token(Uuid::now_v7(), &[Role::Referrer]);
    let reply = get(&app, "/api/v1/referrals", &stranger).await;
    let body = reply.assert_problem(403);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("not in the directory"));
    get(&app, "/api/v1/organisations", &stranger)
        .await
        .assert_problem(403);
}

/// Every role against every kind of organisation: the pairs the domain allows are admitted, and
/// every other pair is refused with 403, whatever the operation.
#[actix_web::test]
async fn every_role_is_admitted_only_for_the_kinds_that_can_hold_it() {
    let t = TestApp::new();
    let app = t.service().await;
    for kind in OrganisationKind::ALL {
        let number = (kind == OrganisationKind::Municipality).then_some("5035");
        let organisation = t.organisation(kind, &format!("Test {kind}"), number);
        for role in Role::ALL {
            let token = t.token(organisation.id, &[role]);
            let reply = get(&app, "/api/v1/organisations", &token).await;
            if role.fits(kind) {
                assert_eq!(reply.status, 200, "{role} for {kind}: {}", reply.text);
            } else {
                let body = reply.assert_problem(403);
                assert!(
                    body["detail"].as_str().unwrap().contains(role.as_str()),
                    "{role} for {kind}: {}",
                    reply.text
                );
            }
        }
        // One misfit role spoils the token, even beside a fitting one.
        if kind == OrganisationKind::Municipality {
            let token = t.token(organisation.id, &[Role::Referrer, Role::CentreCoordinator]);
            get(&app, "/api/v1/organisations", &token)
                .await
                .assert_problem(403);
        }
    }
}
