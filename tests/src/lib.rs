//! The test harness: a real PostgreSQL database per test, cloned from a migrated template, and
//! the application served in-process against it. Tests run in parallel and never see each other's
//! rows.

#![allow(clippy::missing_panics_doc)]

pub mod database;
pub mod dialogue;
pub mod disclosure;
pub mod groups;
pub mod issuer;
pub mod logs;
pub mod metrics;
pub mod receiver;
pub mod referrals;
pub mod webhooks;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::web;
use samhandling_auth::{TokenService, TokenSettings};
use samhandling_domain::agreement::{AgreementStatus, CollaborationAgreement, FeedbackLevel};
use samhandling_domain::organisation::{
    MunicipalityNumber, Organisation, OrganisationDraft, OrganisationKind,
};
use samhandling_domain::Role;
use samhandling_http::{build_app, metrics_app, AppState, Policies};
use samhandling_persistence::{agreements, organisations, DbOptions, Pools};
use serde_json::Value;
use std::time::Duration;
use uuid::Uuid;

pub use database::TestDatabase;

/// The HS256 secret tests sign with.
pub const SECRET: &[u8] = b"test-secret-that-is-at-least-32-bytes-long";

/// Token settings as the server under test uses them.
pub fn token_settings() -> TokenSettings {
    TokenSettings {
        secret: SECRET.to_vec(),
        issuer: "samhandling".into(),
        audience: "samhandling-api".into(),
        ttl: Duration::from_mins(10),
        public_key_pem: None,
        external_trust: samhandling_auth::ExternalTrust::default(),
    }
}

/// The URL the application under test is addressed by, as DPoP proofs name it.
pub const PUBLIC_BASE_URL: &str = "https://api.samhandling.test";

/// A database and the application state wired to it.
pub struct TestApp {
    /// This test's own database.
    pub database: TestDatabase,
    /// The state handed to the application.
    pub state: web::Data<AppState>,
    /// Signs tokens the application accepts.
    pub tokens: TokenService,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body as JSON (`Null` when empty or not JSON).
    pub body: serde_json::Value,
    /// Body as text.
    pub text: String,
}

impl Reply {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The `id` of the record in the body.
    pub fn id(&self) -> String {
        self.body["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no id in {}", self.text))
            .to_owned()
    }

    /// The `client_secret` of a newly registered API client, the one answer that shows it.
    pub fn client_secret(&self) -> String {
        self.body["client_secret"]
            .as_str()
            .unwrap_or_else(|| panic!("the secret is shown once: {}", self.text))
            .to_owned()
    }

    /// The content type.
    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or_default()
    }

    /// Asserts that none of `hidden` appears anywhere in the body: what `who` may not see is
    /// absent from the answer, not only from the fields a view names.
    pub fn assert_hides(&self, who: &str, hidden: &[&str]) {
        for word in hidden {
            assert!(
                !self.text.contains(word),
                "{word} in {who}'s answer: {}",
                self.text
            );
        }
    }

    /// Asserts a 422 whose first error names `field` with `code`, and returns the problem: a
    /// refused value, named.
    pub fn assert_invalid(&self, field: &str, code: &str) -> &serde_json::Value {
        let problem = self.assert_problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "body: {}", self.text);
        assert_eq!(problem["errors"][0]["code"], code, "body: {}", self.text);
        problem
    }

    /// Asserts a problem+json body with this status, and returns its body.
    pub fn assert_problem(&self, status: u16) -> &serde_json::Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(
            self.content_type(),
            "application/problem+json",
            "body: {}",
            self.text
        );
        assert_eq!(self.body["status"], status, "body: {}", self.text);
        assert!(self.body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:samhandling:problem:")));
        assert!(self.body["title"].is_string());
        assert!(
            self.body["request_id"].is_string(),
            "problem without request id: {}",
            self.text
        );
        &self.body
    }
}

impl TestApp {
    /// A fresh database with every migration, and state for the application.
    pub fn new() -> TestApp {
        Self::with_settings(&token_settings())
    }

    /// As [`TestApp::new`], with other policies.
    pub fn with_policies(policies: Policies) -> TestApp {
        let mut t = Self::new();
        t.state = web::Data::new(t.state.get_ref().clone().with_policies(policies));
        t
    }

    /// As [`TestApp::new`], trusting the issuers `issuers` describes (the shape of
    /// `TRUSTED_ISSUERS_FILE`), served at [`PUBLIC_BASE_URL`].
    pub fn trusting(issuers: &Value) -> TestApp {
        let mut t = Self::new();
        let file: samhandling_auth::issuers::IssuersFile =
            serde_json::from_value(issuers.clone()).expect("the issuers file parses");
        let issuers =
            samhandling_auth::issuers::TrustedIssuers::new(file, std::path::Path::new("."))
                .expect("the issuers are valid");
        let policies = Policies {
            public_base_url: Some(PUBLIC_BASE_URL.into()),
            ..Policies::default()
        };
        t.state = web::Data::new(
            t.state
                .get_ref()
                .clone()
                .with_issuers(issuers)
                .with_policies(policies),
        );
        t
    }

    /// Gives the organisation `id` the organisation number `number`, directly.
    pub fn set_organisation_number(&self, id: Uuid, number: &str) {
        use diesel::prelude::*;
        use samhandling_persistence::schema::organisations::dsl;
        let mut conn = self.state.database.pool().connection().expect("connects");
        diesel::update(dsl::organisations.find(id))
            .set(dsl::organisation_number.eq(number))
            .execute(&mut *conn)
            .expect("updates");
    }

    /// As [`TestApp::new`], with policies that let webhooks reach a receiver on 127.0.0.1.
    pub fn with_local_webhooks() -> TestApp {
        Self::with_policies(Policies {
            webhook_allow_http: true,
            webhook_allow_private_targets: true,
            ..Policies::default()
        })
    }

    /// As [`TestApp::new`], with other token settings (e.g. an external public key).
    pub fn with_settings(settings: &TokenSettings) -> TestApp {
        Self::serving(TestDatabase::create(), settings)
    }

    /// The database of `earlier` (with what was stored in it) served with other token settings.
    pub fn with_database(earlier: TestApp, settings: &TokenSettings) -> TestApp {
        Self::serving(earlier.database, settings)
    }

    fn serving(database: TestDatabase, settings: &TokenSettings) -> TestApp {
        let pools = Pools::new(
            &database.url,
            &DbOptions {
                max_size: 4,
                ..DbOptions::default()
            },
        );
        let tokens = TokenService::new(settings).expect("token settings are valid");
        let state = web::Data::new(
            AppState::new(&pools, tokens.clone(), &settings.secret).expect("the metrics register"),
        );
        TestApp {
            database,
            state,
            tokens,
        }
    }

    /// A fresh application, the service to call it, and what `fixture` stores in it (the
    /// organisations and tokens a test works with): the set-up most tests start with. Bind the
    /// `TestApp` even when the test does not use it (`_t`, never `_`): its database lives as long.
    pub async fn started<F>(fixture: impl FnOnce(&TestApp) -> F) -> (TestApp, impl App, F) {
        Self::new().serve(fixture).await
    }

    /// This application, the service to call it, and what `fixture` stores in it.
    pub async fn serve<F>(self, fixture: impl FnOnce(&TestApp) -> F) -> (TestApp, impl App, F) {
        let app = self.service().await;
        let fixture = fixture(&self);
        (self, app, fixture)
    }

    /// The application, ready to be called in-process.
    pub async fn service(&self) -> impl App {
        test::init_service(build_app(self.state.clone(), &[])).await
    }

    /// Another server instance on this database, as a second process would be: nothing this
    /// one holds in memory (the statistics it has served and their answers) is shared, only the
    /// database.
    pub async fn other_instance(&self) -> impl App {
        let mut state = self.state.get_ref().clone();
        state.served = std::sync::Arc::default();
        state.rendered = std::sync::Arc::default();
        test::init_service(build_app(web::Data::new(state), &[])).await
    }

    /// The metrics application (what `METRICS_BIND` serves), ready to be called in-process.
    pub async fn metrics_service(&self) -> impl App {
        test::init_service(metrics_app(self.state.clone())).await
    }

    /// A token for `organisation_id` with `roles`.
    pub fn token(&self, organisation_id: Uuid, roles: &[Role]) -> String {
        self.tokens
            .issue("tester", organisation_id, roles, None)
            .expect("signs")
            .token
    }

    /// A token for the subject `subject` (a person signing in) of `organisation_id` with `roles`.
    pub fn token_as(&self, subject: &str, organisation_id: Uuid, roles: &[Role]) -> String {
        self.tokens
            .issue(subject, organisation_id, roles, None)
            .expect("signs")
            .token
    }

    /// Stores an organisation directly, bypassing the API.
    pub fn organisation(
        &self,
        kind: OrganisationKind,
        name: &str,
        number: Option<&str>,
    ) -> Organisation {
        let mut conn = self.state.database.pool().connection().expect("connects");
        let draft = OrganisationDraft {
            kind,
            name: name.to_owned(),
            municipality_number: number
                .map(|n| MunicipalityNumber::try_from(n.to_owned()).expect("valid number")),
            county: None,
            region: None,
            county_number: None,
            organisation_number: None,
        };
        organisations::insert(&mut conn, Uuid::now_v7(), &draft).expect("inserts")
    }

    /// Stores the county governor of the county numbered `county`, directly, bypassing the API.
    pub fn county_governor(&self, name: &str, county: &str) -> Organisation {
        let mut conn = self.state.database.pool().connection().expect("connects");
        let draft = OrganisationDraft {
            kind: OrganisationKind::CountyGovernor,
            name: name.to_owned(),
            municipality_number: None,
            county: None,
            region: None,
            county_number: Some(county.to_owned()),
            organisation_number: None,
        };
        organisations::insert(&mut conn, Uuid::now_v7(), &draft).expect("inserts")
    }

    /// Stores the municipality `name`, kommunenummer `number`, directly, bypassing the API.
    pub fn municipality(&self, name: &str, number: &str) -> Organisation {
        self.organisation(OrganisationKind::Municipality, name, Some(number))
    }

    /// Stores a collaboration agreement in force since last year between `centre` and `partner`,
    /// giving `feedback`, directly, bypassing the API (which the agreement tests go through).
    pub fn agreement_in_force(&self, centre: Uuid, partner: Uuid, feedback: FeedbackLevel) {
        let mut conn = self.state.database.pool().connection().expect("connects");
        let now = chrono::Utc::now();
        let agreement = CollaborationAgreement {
            id: Uuid::now_v7(),
            centre_id: centre,
            partner_organisation_id: partner,
            refers: "Personer som ønsker en selvhjelpsgruppe".into(),
            feedback,
            centre_contact_role: "Koordinator".into(),
            partner_contact_role: "Saksbehandler".into(),
            valid_from: now.date_naive() - chrono::Days::new(365),
            valid_until: None,
            status: AgreementStatus::InForce,
            end_reason: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        agreements::insert(&mut conn, &agreement, "tester").expect("inserts");
        agreements::mark_applied(&mut conn, agreement.id, feedback).expect("marks");
    }

    /// An administrator's token, acting for a fresh operator organisation.
    pub fn admin_token(&self) -> String {
        let operator = self.organisation(OrganisationKind::Other, "Samhandling forvaltning", None);
        self.token(operator.id, &[Role::Admin])
    }
}

impl Default for TestApp {
    fn default() -> Self {
        Self::new()
    }
}

/// The application under test as the helpers take it: any actix service that answers test
/// requests. Named once, so that a helper says `app: &impl App` rather than spelling out the
/// service bounds again.
pub trait App:
    Service<actix_http::Request, Response = ServiceResponse<Self::Body>, Error = actix_web::Error>
{
    /// The body of the service's responses.
    type Body: MessageBody;
}

impl<S, B> App for S
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Body = B;
}

/// Sends `request` to `app` and reads the whole response.
pub async fn send(app: &impl App, request: TestRequest) -> Reply {
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = test::read_body(response).await;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}

/// `GET uri` with a bearer token, read whole.
pub async fn get(app: &impl App, uri: &str, token: &str) -> Reply {
    send(app, authorized(TestRequest::get().uri(uri), token)).await
}

/// `GET uri` as `token`, and asserts 200: a read the test expects to be answered.
pub async fn fetched(app: &impl App, uri: &str, token: &str) -> Reply {
    let reply = get(app, uri, token).await;
    assert_eq!(reply.status, 200, "GET {uri}: {}", reply.text);
    reply
}

/// Asserts that every caller of `callers` gets 404 on every one of `uris`: what a caller may not
/// see, it is not even told exists.
pub async fn assert_not_found(
    app: &impl App,
    uris: &[impl AsRef<str>],
    callers: &[impl AsRef<str>],
) {
    for caller in callers {
        for uri in uris {
            get(app, uri.as_ref(), caller.as_ref())
                .await
                .assert_problem(404);
        }
    }
}

/// POSTs `body` to `uri` as `token`.
pub async fn post(app: &impl App, uri: &str, token: &str, body: &Value) -> Reply {
    send(
        app,
        authorized(TestRequest::post().uri(uri), token).set_json(body),
    )
    .await
}

/// POSTs `body` to `uri` as `token` and asserts that it was created.
pub async fn created(app: &impl App, uri: &str, token: &str, body: &Value) -> Reply {
    let reply = post(app, uri, token, body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply
}

/// Asks to move the record at `resource` (its URI) to the status `to` as `token`, and returns
/// the answer, whatever it is: for moves a test expects to be refused.
pub async fn try_move(app: &impl App, resource: &str, token: &str, to: &str) -> Reply {
    post(
        app,
        &format!("{resource}/transitions"),
        token,
        &serde_json::json!({ "to": to }),
    )
    .await
}

/// Moves the record at `resource` (its URI) to the status `to` as `token`, and asserts that it
/// moved.
pub async fn moved(app: &impl App, resource: &str, token: &str, to: &str) -> Reply {
    let reply = try_move(app, resource, token, to).await;
    assert_eq!(reply.status, 200, "{to}: {}", reply.text);
    reply
}

/// Moves the record at `resource` through each status of `steps` in turn as `token`, asserting
/// every move: the walk a test takes to bring a record to the status it starts from. Returns the
/// last answer.
pub async fn move_through(app: &impl App, resource: &str, token: &str, steps: &[&str]) -> Reply {
    let mut last = None;
    for to in steps {
        last = Some(moved(app, resource, token, to).await);
    }
    last.expect("at least one step")
}

/// Sends `request` with `body` as `token`, with `If-Match: etag` when there is one: a change
/// made with or without the version the caller last read.
pub async fn send_if_match(
    app: &impl App,
    request: TestRequest,
    token: &str,
    etag: Option<&str>,
    body: &Value,
) -> Reply {
    let request = authorized(request, token).set_json(body);
    let request = match etag {
        Some(etag) => request.insert_header(("If-Match", etag)),
        None => request,
    };
    send(app, request).await
}

/// The ids of a page's items, in order.
pub fn ids(page: &Value) -> Vec<String> {
    texts(&page["items"], "id")
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The text under `key` in each element of the JSON array `array` (a page's `items`, a
/// problem's `errors`), in order.
pub fn texts<'a>(array: &'a Value, key: &str) -> Vec<&'a str> {
    array
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {array}"))
        .iter()
        .map(|element| {
            element[key]
                .as_str()
                .unwrap_or_else(|| panic!("no text `{key}` in {element}"))
        })
        .collect()
}

/// `POST uri` with a bearer token and no body (a named action), read whole.
pub async fn act(app: &impl App, uri: &str, token: &str) -> Reply {
    send(app, authorized(TestRequest::post().uri(uri), token)).await
}

/// Registers the API client `name` of `organisation_id` holding `roles` as the administrator
/// `admin`, and asserts that it was created: the answer is the only one that shows its secret.
pub async fn register_client(
    app: &impl App,
    admin: &str,
    organisation_id: Uuid,
    name: &str,
    roles: &[Role],
) -> Reply {
    let body =
        serde_json::json!({"organisation_id": organisation_id, "name": name, "roles": roles});
    created(app, "/api/v1/api-clients", admin, &body).await
}

/// The access token of a third-party system of `organisation_id` holding `roles`, the way an
/// integration gets one: an administrator registers the API client, and the system uses the
/// client-credentials grant with the secret it was shown.
pub async fn client_token(
    app: &impl App,
    admin: &str,
    organisation_id: Uuid,
    roles: &[Role],
) -> String {
    let registered = register_client(app, admin, organisation_id, "Fagsystem", roles).await;
    let (id, secret) = (registered.id(), registered.client_secret());
    let granted = send(
        app,
        TestRequest::post()
            .uri("/api/v1/oauth/token")
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .set_payload(format!(
                "grant_type=client_credentials&client_id={id}&client_secret={secret}"
            )),
    )
    .await;
    assert_eq!(granted.status, 200, "{}", granted.text);
    granted.body["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

/// `GET path` over a real TCP connection to `address`, as raw HTTP/1.1 text (status line,
/// headers and body). Blocking work runs on a blocking thread.
pub async fn get_over_tcp(address: std::net::SocketAddr, path: &str) -> String {
    use std::io::{Read, Write};
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    web::block(move || {
        let mut stream = std::net::TcpStream::connect(address).expect("connects");
        stream.write_all(request.as_bytes()).expect("sends");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("reads");
        response
    })
    .await
    .expect("the blocking thread runs")
}

/// A request with a bearer token.
pub fn authorized(request: TestRequest, token: &str) -> TestRequest {
    request.insert_header(("Authorization", format!("Bearer {token}")))
}

/// Tables (and how many rows in each) whose rows contain `needle` anywhere, as text.
pub fn tables_containing(database: &TestDatabase, needle: &str) -> Vec<(String, i64)> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Table {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let mut conn = database.connect();
    let tables: Vec<Table> = diesel::sql_query(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    )
    .load(&mut conn)
    .expect("lists tables");
    tables
        .into_iter()
        .filter_map(|table| {
            let count: database::Count = diesel::sql_query(format!(
                "SELECT count(*) AS count FROM \"{}\" t WHERE t::text ILIKE '%' || $1 || '%'",
                table.name
            ))
            .bind::<diesel::sql_types::Text, _>(needle)
            .get_result(&mut conn)
            .expect("searches a table");
            (count.count > 0).then_some((table.name, count.count))
        })
        .collect()
}
