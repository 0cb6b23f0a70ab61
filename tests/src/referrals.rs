//! The referral fixtures every test module shares: the organisations a referral involves, with
//! their tokens, a valid referral body, and the calls that refer and move.

use crate::{authorized, move_through, send, App, Reply, TestApp};
use actix_web::test::TestRequest;
use samhandling_domain::agreement::FeedbackLevel;
use samhandling_domain::organisation::{Organisation, OrganisationKind};
use samhandling_domain::Role;
use serde_json::{json, Value};

/// A centre, a referring municipality and a second municipality, each with a collaboration
/// agreement for detailed feedback with the centre, and a second centre, with tokens.
pub struct Field {
    /// LINK Trondheim, the centre referrals go to.
    pub centre: Organisation,
    /// Its coordinator.
    pub coordinator: String,
    /// A referrer of Stjørdal kommune.
    pub referrer: String,
    /// A referrer of Levanger kommune, which referred nothing.
    pub other_municipality: String,
    /// A coordinator of LINK Oslo, to which nothing was referred.
    pub other_centre: String,
}

/// Stores the organisations of a [`Field`] and signs their tokens.
pub fn field(t: &TestApp) -> Field {
    let centre = t.organisation(
        OrganisationKind::SelfHelpCentre,
        "LINK Trondheim",
        Some("5001"),
    );
    let municipality = t.municipality("Stjørdal kommune", "5035");
    let other = t.municipality("Levanger kommune", "5037");
    let other_centre = t.organisation(OrganisationKind::SelfHelpCentre, "LINK Oslo", Some("0301"));
    // Both municipalities agreed on detailed feedback with the centre.
    t.agreement_in_force(centre.id, municipality.id, FeedbackLevel::Detailed);
    t.agreement_in_force(centre.id, other.id, FeedbackLevel::Detailed);
    Field {
        coordinator: t.token(centre.id, &[Role::CentreCoordinator]),
        referrer: t.token(municipality.id, &[Role::Referrer]),
        other_municipality: t.token(other.id, &[Role::Referrer]),
        other_centre: t.token(other_centre.id, &[Role::CentreCoordinator]),
        centre,
    }
}

/// A valid referral to `centre` for a person called `given_name`, with or without consent to
/// feedback; its external reference is `SAK-<given_name>`.
pub fn referral_body(centre: &Organisation, given_name: &str, feedback: bool) -> Value {
    json!({
        "target_centre_id": centre.id,
        "offer": "self_help_group",
        "person": {
            "given_name": given_name, "family_name": "Nordmann", "phone": "+4791234567",
            "preferred_language": "nb", "birth_year": 1990, "municipality_number": "5035"
        },
        "target_groups": ["work_assessment_allowance"],
        "wishes": format!("{given_name} ønsker en gruppe på dagtid."),
        "preferred_format": "digital",
        "external_reference": format!("SAK-{given_name}"),
        "consent": {"contact": true, "feedback_to_referrer": feedback, "obtained_via": "in_person", "obtained_at": "2026-11-20T10:15:00Z"}
    })
}

/// Refers with `body` as `token`'s organisation; asserts 201 and returns the body.
pub async fn refer(app: &impl App, token: &str, body: &Value) -> Value {
    let reply = send(
        app,
        authorized(TestRequest::post().uri("/api/v1/referrals"), token).set_json(body),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body
}

/// The id of a referral of `given_name` to the field's centre, made by its referrer: the start
/// of most tests about what happens to a referral.
pub async fn referred(app: &impl App, f: &Field, given_name: &str, feedback: bool) -> String {
    let body = referral_body(&f.centre, given_name, feedback);
    let created = refer(app, &f.referrer, &body).await;
    created["id"]
        .as_str()
        .expect("a referral has an id")
        .to_owned()
}

/// The URI of the referral `id`.
pub fn referral_uri(id: impl std::fmt::Display) -> String {
    format!("/api/v1/referrals/{id}")
}

/// The request that moves referral `id` to `to` as `token`.
pub fn transition(id: &str, token: &str, to: &str) -> TestRequest {
    authorized(
        TestRequest::post().uri(&format!("/api/v1/referrals/{id}/transitions")),
        token,
    )
    .set_json(json!({"to": to}))
}

/// Moves referral `id` through each status of `steps` in turn as `token`, asserting every move:
/// how a test brings a referral to the status it is about. Returns the last answer.
pub async fn move_referral(app: &impl App, id: &str, token: &str, steps: &[&str]) -> Reply {
    move_through(app, &referral_uri(id), token, steps).await
}

/// Refers `given_name` to the field's centre as `referrer` (one of its municipalities'), with
/// consent to feedback, and has the centre receive it: a referral whose first step the
/// referrer's subscriptions are told of. Returns its id.
pub async fn received(app: &impl App, f: &Field, referrer: &str, given_name: &str) -> String {
    let created = refer(app, referrer, &referral_body(&f.centre, given_name, true)).await;
    let id = created["id"].as_str().expect("a referral has an id");
    move_referral(app, id, &f.coordinator, &["received"]).await;
    id.to_owned()
}
