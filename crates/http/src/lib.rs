//! Samhandling's HTTP API. Resources live in [`resources`], one module each; everything they share
//! (errors, the caller, input parsing, pagination, idempotency, ETags, the request context) is
//! written once in the modules beside it.

pub mod auth;
pub mod context;
pub mod db;
pub mod demo_token;
pub mod directory;
pub mod error;
pub mod etag;
pub mod external;
pub mod idempotency;
pub mod input;
pub mod metrics;
pub mod openapi;
pub mod pagination;
pub mod rate_limit;
pub mod read_audit;
pub mod record;
pub mod resources;
pub mod routing;
pub mod state;
pub mod statistics;
pub mod telemetry;
pub mod text;
pub mod webhook_target;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{from_fn, Condition};
use actix_web::{web, App};
use error::ApiError;
use utoipa::openapi::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

pub use metrics::metrics_app;
pub use state::{AppState, Development, Policies};

/// Where the document is served.
pub const OPENAPI_PATH: &str = "/api-docs/openapi.json";

/// The routes, and the document generated from them.
pub(crate) fn routes() -> (
    App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse,
            Error = actix_web::Error,
            InitError = (),
        >,
    >,
    OpenApi,
) {
    let (app, api) = App::new()
        .into_utoipa_app()
        .openapi(openapi::base())
        .service(utoipa_actix_web::scope("/api/v1").configure(resources::configure_v1))
        .service(utoipa_actix_web::scope("/health").configure(resources::health::configure))
        .split_for_parts();
    (app, openapi::finish(api))
}

/// Cross-origin settings: only the configured origins, the methods the routes serve (read from
/// the same table as 405's `Allow`, so a new route's method is allowed the day it lands) and the
/// headers the API uses.
fn cors(allowed_origins: &[String], methods: Vec<actix_web::http::Method>) -> Cors {
    allowed_origins.iter().fold(
        Cors::default()
            .allowed_methods(methods)
            .allowed_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
                idempotency::IDEMPOTENCY_KEY,
                context::REQUEST_ID_HEADER,
                context::TRACEPARENT_HEADER,
            ])
            .expose_headers([
                header::ETAG,
                header::LOCATION,
                context::REQUEST_ID_HEADER,
                context::TRACEPARENT_HEADER,
                idempotency::IDEMPOTENT_REPLAYED,
            ])
            .max_age(3600),
        |cors, origin| cors.allowed_origin(origin),
    )
}

/// The complete application: API, Swagger UI, problem+json for everything that fails.
pub fn build_app(
    state: web::Data<AppState>,
    allowed_origins: &[String],
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, api) = routes();
    let route_table = routing::RouteTable::new(&api);
    let methods = route_table.methods();
    let persist_authorization = state.policies.development.persists_authorization();
    let demo_tokens = state.policies.development.serves_demo_tokens();
    let document = web::Data::new(openapi::to_document(&api));
    app.app_data(state)
        .app_data(web::PayloadConfig::new(input::BODY_LIMIT))
        .app_data(web::PathConfig::default().error_handler(|error, _| {
            ApiError::bad_request(format!("a path parameter is invalid: {error}")).into()
        }))
        .app_data(web::QueryConfig::default().error_handler(|error, _| {
            ApiError::bad_request(format!("a query parameter is invalid: {error}")).into()
        }))
        .app_data(web::Data::new(route_table))
        .app_data(document)
        .route(OPENAPI_PATH, web::get().to(openapi::serve))
        .service(
            SwaggerUi::new("/swagger-ui/{_:.*}").config(
                SwaggerConfig::from(OPENAPI_PATH)
                    .persist_authorization(persist_authorization)
                    .try_it_out_enabled(true),
            ),
        )
        .configure(|config| {
            if demo_tokens {
                demo_token::configure(config);
            }
        })
        .service(web::redirect("/swagger-ui", "/swagger-ui/"))
        .service(web::redirect("/", "/swagger-ui/"))
        .default_service(web::to(routing::fallback))
        .wrap(Condition::new(
            !allowed_origins.is_empty(),
            cors(allowed_origins, methods),
        ))
        .wrap(from_fn(context::request_context))
        .wrap(from_fn(metrics::track))
}
