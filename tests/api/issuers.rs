//! Trusted issuers: Maskinporten-, HelseID- and OpenID Connect-shaped tokens from an issuer served
//! on loopback, its keys rotated and its server taken down; DPoP proofs; and the audit trail
//! naming who acted.

use actix_web::test::TestRequest;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_tests::issuer::{hmac_signed, unsigned, LocalIssuer, SigningKey};
use samhandling_tests::referrals::{field, referral_body, referral_uri};
use samhandling_tests::{
    fetched, get, send, tables_containing, App, Reply, TestApp, PUBLIC_BASE_URL,
};
use serde_json::{json, Value};

/// Valid organisation numbers (modulus 11): the municipality, the centre, a vendor, and numbers
/// no organisation in the directory has.
const MUNICIPALITY: &str = "910000004";
const CENTRE: &str = "910000012";
const VENDOR: &str = "910000020";
const UNKNOWN: &str = "910000039";
const UNKNOWN_CHILD: &str = "910000047";

const AUDIENCE: &str = "https://api.samhandling.test";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn keys(ttl: u64, refetch: u64) -> Value {
    json!({"ttl_seconds": ttl, "refetch_interval_seconds": refetch, "fetch_timeout_seconds": 2})
}

fn maskinporten(issuer: &LocalIssuer, keys: Value) -> Value {
    json!({
        "name": "maskinporten",
        "issuer": issuer.issuer,
        "discovery": "oauth_authorization_server",
        "audiences": [AUDIENCE],
        "token_types": ["at+jwt", "JWT"],
        "organisation": {"from": "maskinporten_consumer"},
        "subject_claim": "client_id",
        "roles": {"claim": "scope", "grants": {
            "samhandling:referrals": ["referrer"],
            "samhandling:coordination": ["centre_coordinator"]
        }},
        "keys": keys
    })
}

fn consumer(number: &str) -> Value {
    json!({"authority": "iso6523-actorid-upis", "ID": format!("0192:{number}")})
}

fn maskinporten_claims(issuer: &LocalIssuer, orgnr: &str, scope: &str) -> Value {
    json!({
        "iss": issuer.issuer,
        "aud": AUDIENCE,
        "scope": scope,
        "client_id": "0d3c6b8e-mp-client",
        "client_amr": "private_key_jwt",
        "consumer": consumer(orgnr),
        "supplier": consumer(VENDOR),
        "token_type": "Bearer",
        "iat": now(),
        "exp": now() + 120,
        "jti": uuid::Uuid::new_v4().to_string()
    })
}

async fn get_with(app: &impl App, uri: &str, authorization: &str, proof: Option<&str>) -> Reply {
    let mut request = TestRequest::get()
        .uri(uri)
        .insert_header(("Authorization", authorization));
    if let Some(proof) = proof {
        request = request.insert_header(("DPoP", proof));
    }
    send(app, request).await
}

/// Stores the referral field with organisation numbers on the municipality and the centre.
fn numbered_field(t: &TestApp) -> samhandling_tests::referrals::Field {
    let f = field(t);
    t.set_organisation_number(f.centre.id, CENTRE);
    t.set_organisation_number(municipality_id(t), MUNICIPALITY);
    f
}

fn municipality_id(t: &TestApp) -> uuid::Uuid {
    let mut conn = t.state.database.pool().connection().expect("connects");
    let found = samhandling_persistence::organisations::find_by_kind_and_name(
        &mut conn,
        OrganisationKind::Municipality,
        "Stjørdal kommune",
    )
    .expect("reads")
    .expect("the field's municipality");
    found.id
}

#[actix_web::test]
async fn a_maskinporten_token_acts_for_its_consumer_and_the_audit_trail_names_who_acted() {
    let key = SigningKey::generate("mp-1");
    let issuer = LocalIssuer::start("/", &[&key]);
    let t = TestApp::trusting(&json!({"issuers": [maskinporten(&issuer, keys(3600, 0))]}));
    let f = numbered_field(&t);
    let municipality = municipality_id(&t);
    let app = t.service().await;

    let token = key.sign(
        "at+jwt",
        &maskinporten_claims(&issuer, MUNICIPALITY, "samhandling:referrals"),
    );
    let reply = send(
        &app,
        TestRequest::post()
            .uri("/api/v1/referrals")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .set_json(referral_body(&f.centre, "Kari", true)),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.id();

    let trail = fetched(
        &app,
        &format!("/api/v1/audit-events?resource_id={id}&action=created"),
        &t.admin_token(),
    )
    .await;
    let event = &trail.body["items"][0];
    assert_eq!(
        event["actor"], "maskinporten:0d3c6b8e-mp-client",
        "{}",
        trail.text
    );
    assert_eq!(event["actor_client"], "0d3c6b8e-mp-client");
    assert_eq!(event["actor_organisation_id"], municipality.to_string());
    assert_eq!(event["actor_organisation_number"], MUNICIPALITY);
    assert_eq!(event["actor_supplier_number"], VENDOR);
    assert_eq!(event["actor_issuer"], issuer.issuer.as_str());

    // The trail is asked by the numbers and the issuer too, and a number no token named finds
    // nothing.
    let admin = t.admin_token();
    let ids = |reply: &samhandling_tests::Reply| -> Vec<String> {
        reply.body["items"]
            .as_array()
            .expect("a page")
            .iter()
            .map(|event| event["resource_id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    for filter in [
        format!("actor_organisation_number={MUNICIPALITY}"),
        format!("actor_supplier_number={VENDOR}"),
        format!(
            "actor_issuer={}",
            issuer.issuer.replace(':', "%3A").replace('/', "%2F")
        ),
    ] {
        let found = get(&app, &format!("/api/v1/audit-events?{filter}"), &admin).await;
        assert_eq!(found.status, 200, "{filter}: {}", found.text);
        assert!(ids(&found).contains(&id), "{filter}: {}", found.text);
    }
    let none = get(
        &app,
        "/api/v1/audit-events?actor_organisation_number=974760673",
        &admin,
    )
    .await;
    assert_eq!(none.body["items"], json!([]));
    // A wrong check digit, and an issuer that is not a URL.
    for (filter, field) in [
        (
            "actor_organisation_number=974760674",
            "actor_organisation_number",
        ),
        ("actor_issuer=maskinporten", "actor_issuer"),
    ] {
        let bad = get(&app, &format!("/api/v1/audit-events?{filter}"), &admin).await;
        assert_eq!(
            bad.assert_problem(400)["errors"][0]["field"],
            field,
            "{filter}"
        );
    }
}

#[actix_web::test]
async fn a_maskinporten_token_is_refused_when_it_should_be() {
    let key = SigningKey::generate("mp-1");
    let issuer = LocalIssuer::start("/", &[&key]);
    let t = TestApp::trusting(&json!({"issuers": [maskinporten(&issuer, keys(3600, 0))]}));
    let _f = numbered_field(&t);
    let app = t.service().await;
    let list = "/api/v1/referrals";
    let bearer = |token: &str| format!("Bearer {token}");
    let claims = || maskinporten_claims(&issuer, MUNICIPALITY, "samhandling:referrals");

    let good = key.sign("at+jwt", &claims());
    assert_eq!(get_with(&app, list, &bearer(&good), None).await.status, 200);

    let mut wrong_audience = claims();
    wrong_audience["aud"] = json!("https://another-api.example");
    let mut expired = claims();
    expired["iat"] = json!(now() - 600);
    expired["exp"] = json!(now() - 300);
    let mut bound = claims();
    bound["cnf"] = json!({"jkt": SigningKey::generate("client").thumbprint()});
    let refused = [
        (
            "a DPoP-bound token sent as Bearer",
            key.sign("at+jwt", &bound),
        ),
        ("a wrong audience", key.sign("at+jwt", &wrong_audience)),
        ("an expired token", key.sign("at+jwt", &expired)),
        ("alg none", unsigned(&claims())),
        (
            "HS256 signed with the issuer's public key",
            hmac_signed(&key.public_bytes(), "mp-1", &claims()),
        ),
        (
            "a key the issuer never published",
            SigningKey::generate("mp-1").sign("at+jwt", &claims()),
        ),
        ("a DPoP proof's type", key.sign("dpop+jwt", &claims())),
    ];
    for (what, token) in refused {
        let reply = get_with(&app, list, &bearer(&token), None).await;
        reply.assert_problem(401);
        assert!(
            reply
                .header("www-authenticate")
                .is_some_and(|value| value.contains("invalid_token")),
            "{what}: {:?}",
            reply.headers
        );
    }

    // Who the issuer vouches for, but who may not act here: 403, the problem saying why. The
    // centre has a number too, but a centre cannot refer: the role binds to its kind.
    let forbidden = [
        (UNKNOWN, "samhandling:referrals", UNKNOWN),
        (MUNICIPALITY, "samhandling:other", "scope"),
        (CENTRE, "samhandling:referrals", "referrer"),
    ];
    for (number, scope, named) in forbidden {
        let token = key.sign("at+jwt", &maskinporten_claims(&issuer, number, scope));
        let reply = get_with(&app, list, &bearer(&token), None).await;
        let problem = reply.assert_problem(403);
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|detail| detail.contains(named)),
            "{number} {scope}: {problem}"
        );
    }
}

fn helseid(issuer: &LocalIssuer) -> Value {
    json!({
        "name": "helseid",
        "issuer": issuer.issuer,
        "discovery": "openid_configuration",
        "audiences": ["samhandling"],
        "token_types": ["at+jwt"],
        "organisation": {"from": "helseid_orgnr"},
        "roles": {"grants": {"nhn:samhandling/referrals": ["referrer"]}},
        "require_dpop": true,
        "keys": keys(3600, 0)
    })
}

fn helseid_claims(issuer: &LocalIssuer, client_key: Option<&SigningKey>) -> Value {
    let mut claims = json!({
        "iss": issuer.issuer,
        "aud": "samhandling",
        "sub": "helseid-client-7",
        "client_id": "helseid-client-7",
        "scope": "nhn:samhandling/referrals",
        "helseid://claims/client/claims/orgnr_parent": MUNICIPALITY,
        "helseid://claims/client/claims/orgnr_child": UNKNOWN_CHILD,
        "helseid://claims/client/claims/orgnr_supplier": VENDOR,
        "helseid://claims/client/client_name": "Journalsystem",
        "iat": now(),
        "exp": now() + 300
    });
    if let Some(client_key) = client_key {
        claims["cnf"] = json!({"jkt": client_key.thumbprint()});
    }
    claims
}

fn challenge(reply: &Reply) -> String {
    reply
        .header("www-authenticate")
        .unwrap_or_default()
        .to_owned()
}

#[actix_web::test]
async fn a_helseid_token_needs_a_fresh_dpop_proof_by_the_key_it_is_bound_to() {
    let key = SigningKey::generate("helseid-1");
    let issuer = LocalIssuer::start("/helseid", &[&key]);
    let t = TestApp::trusting(&json!({"issuers": [helseid(&issuer)]}));
    let _f = numbered_field(&t);
    let app = t.service().await;
    let client = SigningKey::generate("client");
    let token = key.sign("at+jwt", &helseid_claims(&issuer, Some(&client)));
    let path = "/api/v1/referrals";
    let url = format!("{PUBLIC_BASE_URL}{path}");
    let dpop = format!("DPoP {token}");

    let proof = client.proof("GET", &url, &token);
    let reply = get_with(&app, path, &dpop, Some(&proof)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);

    let replayed = get_with(&app, path, &dpop, Some(&proof)).await;
    replayed.assert_problem(401);
    assert!(
        challenge(&replayed).starts_with("DPoP error=\"invalid_dpop_proof\""),
        "{}",
        challenge(&replayed)
    );

    let as_bearer = get_with(&app, path, &format!("Bearer {token}"), None).await;
    as_bearer.assert_problem(401);
    assert!(challenge(&as_bearer).contains("error=\"invalid_token\""));

    let stranger = SigningKey::generate("stranger");
    let claims = |htm: &str, htu: &str, ath: &str| {
        json!({"htm": htm, "htu": htu, "iat": now(), "jti": uuid::Uuid::new_v4().to_string(),
            "ath": ath})
    };
    let ath = {
        use base64::Engine as _;
        use sha2::Digest as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&token))
    };
    let bad_proofs = [
        ("no proof", None),
        (
            "the internal URL behind the load balancer",
            Some(client.proof("GET", &format!("http://10.0.0.5:8080{path}"), &token)),
        ),
        (
            "another path",
            Some(client.proof(
                "GET",
                &format!("{PUBLIC_BASE_URL}/api/v1/organisations"),
                &token,
            )),
        ),
        ("another method", Some(client.proof("POST", &url, &token))),
        ("another key", Some(stranger.proof("GET", &url, &token))),
        (
            "another token's hash",
            Some(client.proof("GET", &url, "another.token.here")),
        ),
        ("an old proof", {
            let mut old = claims("GET", &url, &ath);
            old["iat"] = json!(now() - 3600);
            Some(client.proof_with(&old))
        }),
        ("a proof without jti", {
            let mut no_jti = claims("GET", &url, &ath);
            no_jti.as_object_mut().map(|o| o.remove("jti"));
            Some(client.proof_with(&no_jti))
        }),
    ];
    for (what, proof) in bad_proofs {
        let reply = get_with(&app, path, &dpop, proof.as_deref()).await;
        assert_eq!(reply.status, 401, "{what}: {}", reply.text);
        assert!(
            challenge(&reply).contains("error=\"invalid_dpop_proof\""),
            "{what}: {}",
            challenge(&reply)
        );
    }

    // An issuer that requires DPoP accepts no token that is not bound to a key.
    let unbound = key.sign("at+jwt", &helseid_claims(&issuer, None));
    let proof = client.proof("GET", &url, &unbound);
    let reply = get_with(&app, path, &format!("DPoP {unbound}"), Some(&proof)).await;
    reply.assert_problem(401);
    assert!(challenge(&reply).contains("error=\"invalid_token\""));
}

#[actix_web::test]
async fn an_oidc_staff_token_acts_for_its_tenants_organisation_and_no_pid_is_kept() {
    let key = SigningKey::generate("entra-1");
    let issuer = LocalIssuer::start("/tenant-trondheim/v2.0", &[&key]);
    let entra = json!({
        "name": "entra-trondheim",
        "issuer": issuer.issuer,
        "discovery": "openid_configuration",
        "audiences": ["api://samhandling"],
        "organisation": {"from": "fixed", "organisation_number": CENTRE},
        "client_claim": "azp",
        "roles": {"claim": "roles", "grants": {"Samhandling.Koordinator": ["centre_coordinator"]}},
        "keys": keys(3600, 0)
    });
    let t = TestApp::trusting(&json!({"issuers": [entra]}));
    let f = numbered_field(&t);
    let app = t.service().await;
    let referral = samhandling_tests::referrals::referred(&app, &f, "Ola", true).await;

    let pid = "01017012345";
    let staff = |roles: Value| {
        key.sign(
            "JWT",
            &json!({
                "iss": issuer.issuer, "aud": "api://samhandling", "sub": "Yp2wq8mUu3kP-pairwise",
                "azp": "samhandling-web", "roles": roles, "pid": pid,
                "iat": now(), "exp": now() + 600
            }),
        )
    };
    let token = staff(json!(["Samhandling.Koordinator"]));
    let reply = fetched(&app, &referral_uri(&referral), &token).await;
    reply.assert_hides("the coordinator", &[pid]);

    let trail = get(
        &app,
        &format!("/api/v1/audit-events?resource_id={referral}&action=read"),
        &t.admin_token(),
    )
    .await;
    let event = &trail.body["items"][0];
    assert_eq!(
        event["actor"], "entra-trondheim:Yp2wq8mUu3kP-pairwise",
        "{}",
        trail.text
    );
    assert_eq!(event["actor_organisation_id"], f.centre.id.to_string());
    assert_eq!(event["actor_organisation_number"], CENTRE);
    assert_eq!(event["actor_client"], "samhandling-web");
    assert!(event["actor_supplier_number"].is_null());
    assert!(
        tables_containing(&t.database, pid).is_empty(),
        "the pid was stored"
    );

    // Samhandling's own tokens vouch for themselves: the referral's creation names no issuer.
    let created = get(
        &app,
        &format!("/api/v1/audit-events?resource_id={referral}&action=created"),
        &t.admin_token(),
    )
    .await;
    assert!(
        created.body["items"][0]["actor_issuer"].is_null(),
        "{}",
        created.text
    );
    assert!(created.body["items"][0]["actor"].is_string());

    // A claim value the tenant's entry does not grant is no role.
    get(
        &app,
        "/api/v1/referrals",
        &staff(json!(["Samhandling.Leser"])),
    )
    .await
    .assert_problem(403);
}

#[actix_web::test]
async fn a_rotated_key_is_fetched_for_its_unknown_kid_without_a_restart() {
    let first = SigningKey::generate("2026-11");
    let issuer = LocalIssuer::start("/", &[&first]);
    let t = TestApp::trusting(&json!({"issuers": [maskinporten(&issuer, keys(3600, 0))]}));
    let _f = numbered_field(&t);
    let app = t.service().await;
    let bearer = |key: &SigningKey| {
        format!(
            "Bearer {}",
            key.sign(
                "at+jwt",
                &maskinporten_claims(&issuer, MUNICIPALITY, "samhandling:referrals")
            )
        )
    };
    let list = "/api/v1/referrals";
    assert_eq!(
        get_with(&app, list, &bearer(&first), None).await.status,
        200
    );
    let fetched = issuer.requests();
    assert_eq!(fetched, 2, "discovery, then the key set");
    assert_eq!(
        get_with(&app, list, &bearer(&first), None).await.status,
        200
    );
    assert_eq!(
        issuer.requests(),
        fetched,
        "a cached key is not fetched again"
    );

    let second = SigningKey::generate("2026-12");
    issuer.publish(&[&second]);
    let reply = get_with(&app, list, &bearer(&second), None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(issuer.requests() > fetched, "the unknown kid made a fetch");
    // The retired key went with the rotation.
    get_with(&app, list, &bearer(&first), None)
        .await
        .assert_problem(401);
}

#[actix_web::test]
async fn unknown_kids_refetch_at_most_once_per_interval() {
    let key = SigningKey::generate("mp-1");
    let issuer = LocalIssuer::start("/", &[&key]);
    let t = TestApp::trusting(&json!({"issuers": [maskinporten(&issuer, keys(3600, 3600))]}));
    let _f = numbered_field(&t);
    let app = t.service().await;
    let claims = maskinporten_claims(&issuer, MUNICIPALITY, "samhandling:referrals");
    let list = "/api/v1/referrals";
    let token = key.sign("at+jwt", &claims);
    assert_eq!(
        get_with(&app, list, &format!("Bearer {token}"), None)
            .await
            .status,
        200
    );
    let fetched = issuer.requests();
    for n in 0..3 {
        let made_up = SigningKey::generate(&format!("made-up-{n}")).sign("at+jwt", &claims);
        get_with(&app, list, &format!("Bearer {made_up}"), None)
            .await
            .assert_problem(401);
    }
    assert_eq!(issuer.requests(), fetched, "made-up kids fetched nothing");
}

#[actix_web::test]
async fn an_issuer_that_is_down_keeps_its_cached_keys_and_without_them_is_503() {
    let key = SigningKey::generate("mp-1");
    // Keys always stale: every request tries to fetch them again.
    let issuer = LocalIssuer::start("/", &[&key]);
    let never_reached = SigningKey::generate("helseid-1");
    let down_from_start = LocalIssuer::start("/helseid", &[&never_reached]);
    down_from_start.set_down(true);
    let mut helseid_entry = helseid(&down_from_start);
    helseid_entry["require_dpop"] = json!(false);
    let t =
        TestApp::trusting(&json!({"issuers": [maskinporten(&issuer, keys(0, 0)), helseid_entry]}));
    let _f = numbered_field(&t);
    let app = t.service().await;
    let list = "/api/v1/referrals";
    let token = key.sign(
        "at+jwt",
        &maskinporten_claims(&issuer, MUNICIPALITY, "samhandling:referrals"),
    );
    let bearer = format!("Bearer {token}");
    assert_eq!(get_with(&app, list, &bearer, None).await.status, 200);

    issuer.set_down(true);
    let before = issuer.requests();
    let reply = get_with(&app, list, &bearer, None).await;
    assert_eq!(
        reply.status, 200,
        "a cached key stays valid: {}",
        reply.text
    );
    assert!(
        issuer.requests() > before,
        "the stale keys were fetched again"
    );

    let never_cached = never_reached.sign("at+jwt", &helseid_claims(&down_from_start, None));
    let reply = get_with(&app, list, &format!("Bearer {never_cached}"), None).await;
    reply.assert_problem(503);
}
