//! The OpenAPI document. Paths come from the routes themselves (utoipa-actix-web registers and
//! documents in one step, so they cannot diverge); this module adds what every operation shares,
//! once: the bearer scheme and the problem responses each operation can give.

use crate::error::{FieldError, Problem, PROBLEM_JSON};
use serde_json::json;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};
use utoipa::OpenApi as _;

/// The document's fixed parts.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Samhandling API",
        version = "1.0.0",
        description = "Coordination for Norway's municipal mental-health and substance-abuse field (rus og psykisk helse): \
referrals to self-help groups, group intake, meeting logs and the county governor's dialogue meetings.\n\n\
Authenticate with a bearer token (\"Authorize\" above). Errors are RFC 9457 problem+json. Lists use keyset \
pagination (`limit`, `cursor` → `next_cursor`). Creating POSTs accept `Idempotency-Key`; changes need `If-Match`."
    ),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "organisations", description = "Organisations (kommuner, NAV-kontor, LINK-sentre, kompetansesentre, Statsforvalteren, brukerorganisasjoner)."),
        (name = "api-clients", description = "Third-party systems that obtain tokens with the client-credentials grant."),
        (name = "oauth", description = "OAuth 2.0 token endpoint (client-credentials grant)."),
        (name = "audit-events", description = "Who did what to which record (revisjonsspor)."),
        (name = "health", description = "Liveness and readiness for load balancers."),
    )
)]
pub struct ApiDoc;

/// The name of the bearer security scheme operations refer to.
pub const BEARER: &str = "bearer";

struct StandardProblem {
    status: &'static str,
    description: &'static str,
    example_type: &'static str,
    applies: fn(&OperationFacts) -> bool,
}

/// What decides which problems an operation can answer with.
#[allow(clippy::struct_excessive_bools)]
struct OperationFacts {
    secured: bool,
    has_path_id: bool,
    has_input: bool,
    json_body: bool,
    is_patch: bool,
    uses_database: bool,
}

const STANDARD_PROBLEMS: [StandardProblem; 11] = [
    StandardProblem { status: "400", description: "Malformed request: bad JSON, parameter or header", example_type: "bad-request", applies: |f| f.has_input || f.has_path_id },
    StandardProblem { status: "401", description: "Missing, expired or invalid bearer token", example_type: "unauthorized", applies: |f| f.secured },
    StandardProblem { status: "403", description: "The token's roles do not allow this operation", example_type: "forbidden", applies: |f| f.secured },
    StandardProblem { status: "404", description: "No such resource, or one the caller's organisation may not see", example_type: "not-found", applies: |f| f.has_path_id },
    StandardProblem { status: "412", description: "If-Match does not name the current version", example_type: "precondition-failed", applies: |f| f.is_patch },
    StandardProblem { status: "413", description: "The body exceeds 256 KiB", example_type: "payload-too-large", applies: |f| f.json_body },
    StandardProblem { status: "415", description: "The body is not JSON", example_type: "unsupported-media-type", applies: |f| f.json_body },
    StandardProblem { status: "422", description: "Invalid fields (all listed in `errors`), or an Idempotency-Key reused for a different request", example_type: "validation", applies: |f| f.json_body },
    StandardProblem { status: "428", description: "If-Match is required", example_type: "precondition-required", applies: |f| f.is_patch },
    StandardProblem { status: "500", description: "A bug; the body carries the request id to report", example_type: "internal", applies: |_| true },
    StandardProblem { status: "503", description: "The database is unavailable; retry shortly", example_type: "unavailable", applies: |f| f.uses_database },
];

fn facts(path: &str, operation: &Operation, is_patch: bool) -> OperationFacts {
    let secured = operation.security.as_ref().is_some_and(|requirements| {
        requirements.iter().any(|requirement| {
            serde_json::to_value(requirement).is_ok_and(|value| value != json!({}))
        })
    });
    let json_body = operation
        .request_body
        .as_ref()
        .is_some_and(|body| body.content.keys().any(|media| media.contains("json")));
    OperationFacts {
        secured,
        has_path_id: path.contains('{'),
        has_input: operation.parameters.as_ref().is_some_and(|p| !p.is_empty())
            || operation.request_body.is_some(),
        json_body,
        is_patch,
        uses_database: path != "/health/live",
    }
}

fn problem_response(problem: &StandardProblem) -> utoipa::openapi::Response {
    let status: u16 = problem.status.parse().unwrap_or(500);
    let example = json!({
        "type": format!("urn:samhandling:problem:{}", problem.example_type),
        "title": problem.description,
        "status": status,
        "instance": "/api/v1/organisations",
        "request_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a65"
    });
    ResponseBuilder::new()
        .description(problem.description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .example(Some(example))
                .build(),
        )
        .build()
}

/// Completes the generated document: the bearer scheme and every operation's problem responses.
pub fn finish(mut api: OpenApi) -> OpenApi {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "A token from `samhandling token` or `POST /api/v1/oauth/token`.",
                ))
                .build(),
        ),
    );
    for (path, item) in &mut api.paths.paths {
        let operations = [
            (&mut item.get, false),
            (&mut item.post, false),
            (&mut item.put, false),
            (&mut item.delete, false),
            (&mut item.patch, true),
        ];
        for (operation, is_patch) in operations {
            let Some(operation) = operation.as_mut() else {
                continue;
            };
            let facts = facts(path, operation, is_patch);
            for problem in &STANDARD_PROBLEMS {
                if (problem.applies)(&facts) {
                    operation
                        .responses
                        .responses
                        .entry(problem.status.to_owned())
                        .or_insert_with(|| problem_response(problem).into());
                }
            }
        }
    }
    api
}

/// The document with every route, as served and committed.
pub fn document() -> OpenApi {
    crate::routes().1
}

/// The fixed parts, before routes are added.
pub(crate) fn base() -> OpenApi {
    ApiDoc::openapi()
}
