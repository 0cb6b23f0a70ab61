//! The OpenAPI document. Paths come from the routes themselves (utoipa-actix-web registers and
//! documents in one step, so they cannot diverge); this module adds what every operation shares,
//! once: the bearer scheme and the problem responses each operation can give.

use crate::error::{FieldError, Problem, PROBLEM_JSON};
use crate::text::{IssuerUrl, Label, MunicipalityNumberText, Name, Subject};
use serde_json::json;
use serde_json::Value;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityRequirement,
    SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
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
    components(schemas(
        Problem,
        FieldError,
        Name,
        Label,
        Subject,
        MunicipalityNumberText,
        IssuerUrl
    )),
    tags(
        (name = "organisations", description = "Organisations (kommuner, NAV-kontor, LINK-sentre, kompetansesentre, Statsforvalteren, brukerorganisasjoner)."),
        (name = "api-clients", description = "Third-party systems that obtain tokens with the client-credentials grant."),
        (name = "oauth", description = "OAuth 2.0 token endpoint (client-credentials grant)."),
        (name = "audit-events", description = "Who did what to which record (revisjonsspor)."),
        (name = "referrals", description = "Referrals (henvisninger) from municipalities and NAV to self-help centres: the centre works each one through its lifecycle; the referrer follows it as far as the person's consent allows, and never sees the person."),
        (name = "self-registrations", description = "People signing up for a self-help group themselves, without a referral or a token (lavterskel): rate-limited per client address, and answered with a receipt only."),
        (name = "webhook-subscriptions", description = "Status callbacks for integrating systems: signed deliveries of the changes an organisation may see, retried from a durable outbox, with the delivery log."),
        (name = "groups", description = "Self-help groups (selvhjelpsgrupper) a centre runs: 4 to 8 adults, started by a starter (igangsetter) and then running themselves. Members are known by pseudonym, inside the centre only; everyone else sees the catalogue of open (recruiting or starting) groups with a free seat, without members or counts."),
        (name = "intakes", description = "Intake conversations (inntakssamtaler): what the person looks for, the groups that fit, and the demand of those who wait. Each intake moves its referral through the referral lifecycle."),
        (name = "dialogue", description = "The county governor's dialogue meetings (dialogmøter) with municipalities: attendees, the IS-24/8 basis, findings with the governor's internal risk assessment, evaluations and follow-up actions. A meeting is shown in the governor's, a municipality's or a partner's view."),
        (name = "coordination", description = "Coordination (samhandling): a municipality's needs for help, each addressed to one partner (a competence centre, a user organisation, or its county governor). The governor records needs in a dialogue meeting's findings; a municipality asks for help itself. The partner answers (accepted, declined with a reason, done) and may offer a course, a place in a learning network, a visit or advice; the municipality and its governor follow each need's state. Collaboration agreements between a self-help centre and a municipality or NAV office say what the partner refers and how much it is told of its referrals (none, coarse, detailed)."),
        (name = "outreach-meetings", description = "Outreach meetings (kommunemøter, informasjonsmøter) a self-help centre or a competence centre holds to win municipalities, NAV offices and others over: a programme of speakers (by organisation and role), the organisations invited and those present, and the organiser's follow-up of each (interested, not now, or an agreement made). Planned, then held or cancelled. The organiser sees everything; an invited organisation sees the meeting and its own invitation, never another's follow-up."),
        (name = "courses", description = "Network-meeting courses (kurs i nettverksmøter) that competence centres run, alone or together, to train professionals in municipal services, NAV and child welfare as facilitators: enrolments take seats in the order they come and wait in line past the capacity. Completing a course makes the professional a facilitator of every organising centre; a centre may also affiliate a facilitator trained elsewhere. The facilitator link: a facilitator signs in with a token whose subject (`sub`) equals the enrolment's (or affiliation's) `subject`, whose organisation is its employer, and with role `facilitator`; the centres linked to that facilitator are the ones that see the facilitator's network-meeting logs, once the facilitator has confirmed the link (`/api/v1/facilitator-links`, where it can also end it): a centre cannot make itself the reader of anyone's logs by naming them."),
        (name = "learning-networks", description = "Learning networks (læringsnettverk) a competence centre coordinates: member services with the same target group meet in gatherings (samlinger) to share experience, with a steering group where user organisations sit. Attendance is counted per member service; evaluations are summed up without names."),
        (name = "grants", description = "Funding (tilskudd, driftsmidler, prosjektmidler): a funder (the county governor, a municipality, a national or regional health authority) records a grant it gives, or a recipient (a self-help centre, a competence centre, a user organisation) applies for one, with its amount in whole Norwegian kroner (an integer, `amount_nok`), its period, its purpose and the activities it pays for (courses, learning networks, a centre's operation, projects). The funder grants, pays, ends and stops; the recipient withdraws its application or reports a paid grant ended. Only the two parties see a grant. Its report counts what its activities did by ended quarter, through the disclosure control."),
        (name = "network-meetings", description = "Network meetings (nettverksmøter): the logs facilitators write of the meetings they lead, where the main person alone chooses who from their network takes part. A log identifies nobody. Competence centres read the logs of the facilitators they follow up and answer requests for supervision (veiledning) in sessions."),
        (name = "statistics", description = "Published counts, with audited small-cell suppression: below 5 is shown as `<5`; more is hidden (`x`: 0 or at least 5) or withheld (`..`) until no published figure, of any table or filter, narrows a count of 1 to 4 beyond `<5`. Totals are true totals, so shown figures need not add up to them."),
        (name = "health", description = "Liveness and readiness for load balancers."),
    )
)]
pub struct ApiDoc;

/// The name of the bearer security scheme operations refer to.
pub const BEARER: &str = "bearer";

/// The name of the OAuth 2.0 client-credentials scheme: the same bearer token, obtained from the
/// token endpoint, so that a tester with a client id and secret gets one from Swagger UI's
/// Authorize dialog.
pub const OAUTH2: &str = "oauth2";

/// Where the client-credentials scheme gets its tokens.
const TOKEN_URL: &str = "/api/v1/oauth/token";

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
    /// Takes `If-Match`: 428 without it, 412 when it names another version.
    conditional: bool,
    uses_database: bool,
    /// Takes an `Idempotency-Key`, whose reuse for a different request is 422.
    idempotent: bool,
}

const STANDARD_PROBLEMS: [StandardProblem; 11] = [
    StandardProblem { status: "400", description: "Malformed request: bad JSON, parameter or header", example_type: "bad-request", applies: |f| f.has_input || f.has_path_id },
    StandardProblem { status: "401", description: "Missing, expired or invalid bearer token", example_type: "unauthorized", applies: |f| f.secured },
    StandardProblem { status: "403", description: "The token's roles do not allow this operation", example_type: "forbidden", applies: |f| f.secured },
    StandardProblem { status: "404", description: "No such resource, or one the caller's organisation may not see", example_type: "not-found", applies: |f| f.has_path_id },
    StandardProblem { status: "412", description: "If-Match does not name the current version", example_type: "precondition-failed", applies: |f| f.conditional },
    StandardProblem { status: "413", description: "The body exceeds 256 KiB", example_type: "payload-too-large", applies: |f| f.json_body },
    StandardProblem { status: "415", description: "The body is not JSON", example_type: "unsupported-media-type", applies: |f| f.json_body },
    StandardProblem { status: "422", description: "Invalid fields (all listed in `errors`), or an Idempotency-Key reused for a different request", example_type: "validation", applies: |f| f.json_body || f.idempotent },
    StandardProblem { status: "428", description: "If-Match is required", example_type: "precondition-required", applies: |f| f.conditional },
    StandardProblem { status: "500", description: "A bug; the body carries the request id to report", example_type: "internal", applies: |_| true },
    StandardProblem { status: "503", description: "The database is unavailable; retry shortly", example_type: "unavailable", applies: |f| f.uses_database },
];

fn facts(path: &str, operation: &Operation) -> OperationFacts {
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
        conditional: operation.parameters.as_ref().is_some_and(|parameters| {
            parameters
                .iter()
                .any(|parameter| parameter.name == "If-Match")
        }),
        uses_database: path != "/health/live",
        idempotent: operation.parameters.as_ref().is_some_and(|parameters| {
            parameters
                .iter()
                .any(|parameter| parameter.name == "Idempotency-Key")
        }),
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

/// What a reused `Idempotency-Key` answers, in every 422 of an operation that takes one.
const KEY_REUSE: &str = "an Idempotency-Key reused for a different request";

/// An operation that takes an `Idempotency-Key` answers 422 when the key was first used with
/// another request. Its own 422 (invalid fields of its kind) keeps its description, extended by
/// the reuse, and is answered as problem+json like the standard one.
fn document_key_reuse(operation: &mut Operation) {
    let Some(RefOr::T(response)) = operation.responses.responses.get_mut("422") else {
        return;
    };
    if !response.description.contains("Idempotency-Key") {
        response.description = format!("{}; or {KEY_REUSE}", response.description);
    }
    if !response.content.contains_key(PROBLEM_JSON) {
        if let Some(standard) = STANDARD_PROBLEMS.iter().find(|p| p.status == "422") {
            response.content.extend(problem_response(standard).content);
        }
    }
}

/// OpenAPI links, so that generated clients and stateful testers know how responses feed the
/// next request: a created resource's id (and `ETag`) into its reads, changes and actions, a read's
/// `ETag` into a change, a list's first item into its read, and `next_cursor` into the next page.
///
/// Added to the JSON rather than utoipa's types, whose `Link` serialises `operation_id` in
/// snake_case where OpenAPI requires `operationId`.
fn add_links(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let index: Vec<(String, String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .filter_map(move |(method, operation)| {
                    operation["operationId"]
                        .as_str()
                        .map(|id| (path.clone(), method.clone(), id.to_owned()))
                })
        })
        .collect();
    let link = |operation_id: &str, method: &str, id_from: &str| {
        let mut parameters = json!({ "path.id": id_from });
        if method == "patch" {
            parameters["header.If-Match"] = json!("$response.header.ETag");
        }
        json!({ "operationId": operation_id, "parameters": parameters })
    };
    for (path, item) in paths.iter_mut() {
        let item_prefix = format!("{path}/{{id}}");
        let under_item = |accept: &dyn Fn(&str) -> bool| {
            index
                .iter()
                .filter(|(target, method, _)| target.starts_with(&item_prefix) && accept(method))
                .collect::<Vec<_>>()
        };
        let mut links = Vec::new();
        for (target, method, operation_id) in under_item(&|_| true) {
            links.push((
                "post",
                "201",
                operation_id.clone(),
                link(operation_id, method, "$response.body#/id"),
            ));
            if target == &item_prefix && method == "get" {
                let first_item = json!({ "operationId": operation_id, "parameters": { "path.id": "$response.body#/items/0/id" } });
                links.push(("get", "200", operation_id.clone(), first_item));
            }
        }
        if path.ends_with("/{id}") {
            for (target, method, operation_id) in &index {
                if target == path && method == "patch" {
                    links.push((
                        "get",
                        "200",
                        operation_id.clone(),
                        link(operation_id, method, "$request.path.id"),
                    ));
                }
            }
        }
        let lists = item["get"]["parameters"]
            .as_array()
            .is_some_and(|parameters| parameters.iter().any(|p| p["name"] == "cursor"));
        if let (true, Some(operation_id)) = (
            lists,
            item["get"]["operationId"].as_str().map(str::to_owned),
        ) {
            let next = json!({
                "operationId": operation_id,
                "parameters": { "query.cursor": "$response.body#/next_cursor" },
                "description": "The next page, while `next_cursor` is not null."
            });
            links.push(("get", "200", "next_page".to_owned(), next));
        }
        for (method, status, name, link) in links {
            if let Some(response) = item.pointer_mut(&format!("/{method}/responses/{status}")) {
                response["links"][name] = link;
            }
        }
    }
}

/// Completes the generated document: the bearer scheme, which every operation that names no
/// other security takes, and every operation's problem responses.
pub fn finish(mut api: OpenApi) -> OpenApi {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "A token from `samhandling token` or `POST /api/v1/oauth/token`, or an access \
                     token from a trusted issuer (Maskinporten, HelseID, ID-porten, Entra ID): a \
                     signed JWT (JWS), checked as RFC8725 (JSON Web Token Best Current Practices) \
                     asks. Each key takes only its own algorithm (HS256 for this API's own tokens; \
                     RSA (RS/PS) or EC (ES256/ES384), as an issuer's key is), so `none` and algorithm \
                     confusion are refused; `iss`, `aud`, `exp` and `sub` are required and \
                     checked, and `nbf` when present. A DPoP-bound token (RFC 9449, `cnf.jkt`) is \
                     sent as `Authorization: DPoP <token>` with a `DPoP` proof header instead, and \
                     refused as Bearer; refusals then answer `WWW-Authenticate: DPoP`.",
                ))
                .build(),
        ),
    );
    let scopes: Scopes = samhandling_domain::Role::ALL
        .into_iter()
        .map(|role| (role.as_str(), role.summary()))
        .collect();
    components.add_security_scheme(
        OAUTH2,
        SecurityScheme::OAuth2(OAuth2::with_description(
            [Flow::ClientCredentials(ClientCredentials::new(
                TOKEN_URL, scopes,
            ))],
            "A registered API client's id and secret, exchanged at the token endpoint for a \
             bearer token with the roles (scopes) asked for, each one the client holds. The \
             token is the same signed JWT as the bearer scheme's, checked as RFC8725 (JSON Web \
             Token Best Current Practices) asks, and expires after `TOKEN_TTL` (`expires_in`); \
             ask again rather than refresh, as the client-credentials grant does.",
        )),
    );
    for (path, item) in &mut api.paths.paths {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations {
            let Some(operation) = operation.as_mut() else {
                continue;
            };
            // Every operation takes a bearer token unless it says otherwise (`security(())`):
            // pasted, or obtained with a client's credentials.
            operation.security.get_or_insert_with(|| {
                vec![
                    SecurityRequirement::new(BEARER, Vec::<String>::new()),
                    SecurityRequirement::new(OAUTH2, Vec::<String>::new()),
                ]
            });
            let facts = facts(path, operation);
            for problem in &STANDARD_PROBLEMS {
                if (problem.applies)(&facts) {
                    operation
                        .responses
                        .responses
                        .entry(problem.status.to_owned())
                        .or_insert_with(|| problem_response(problem).into());
                }
            }
            if facts.idempotent {
                document_key_reuse(operation);
            }
        }
    }
    api
}

/// The document with every route and its links, as served and committed.
pub fn document() -> Value {
    to_document(&crate::routes().1)
}

/// The JSON document for a finished [`OpenApi`].
pub(crate) fn to_document(api: &OpenApi) -> Value {
    let mut document = serde_json::to_value(api).unwrap_or_default();
    add_links(&mut document);
    bound_formatted_strings(&mut document);
    if let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        discriminate_unions(schemas);
        name_list_items(schemas);
    }
    for (name, rule) in crate::resources::schema_rules() {
        if let Some(schema) = document.pointer_mut(&format!("/components/schemas/{name}")) {
            merge(schema, rule);
        }
    }
    document
}

/// The longest text of each string format the server reads, declared as the `maxLength` of every
/// string of that format that declares none: a UUID in its hyphenated form (RFC 9562), a
/// full-date and a date-time with nanoseconds and an offset (RFC 3339). A longer UUID or date does
/// not parse; a longer timestamp is refused by `samhandling_usecases::input::timestamp`, which
/// every timestamp a client sends is read with.
const FORMAT_MAX_LENGTHS: [(&str, u64); 3] = [
    ("uuid", 36),
    ("date", 10),
    (
        "date-time",
        samhandling_usecases::input::TIMESTAMP_MAX_LENGTH as u64,
    ),
];

fn bound_formatted_strings(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let is_string = match object.get("type") {
                Some(Value::String(kind)) => kind == "string",
                Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == "string"),
                _ => false,
            };
            let bound = object
                .get("format")
                .and_then(Value::as_str)
                .and_then(|format| {
                    FORMAT_MAX_LENGTHS
                        .iter()
                        .find(|(name, _)| *name == format)
                        .map(|(_, length)| *length)
                });
            if let (true, Some(length)) = (is_string, bound) {
                object.entry("maxLength").or_insert(json!(length));
            }
            object.values_mut().for_each(bound_formatted_strings);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_formatted_strings),
        _ => {}
    }
}

/// Rewrites every internally tagged union (serde's `#[serde(tag = "…")]`, which utoipa renders as
/// a `oneOf` of `allOf` wrappers around a named schema and an inline one-value enum) into the shape
/// client generators understand: a `oneOf` of plain `$ref`s with a `discriminator` and its
/// `mapping`, the tag declared as a required single-value property on each named variant.
fn discriminate_unions(schemas: &mut serde_json::Map<String, Value>) {
    let mut tags: Vec<(String, String, String)> = Vec::new();
    for union in schemas.values_mut() {
        let Some(variants) = union.get("oneOf").and_then(Value::as_array) else {
            continue;
        };
        let parsed: Option<Vec<(String, String, String)>> =
            variants.iter().map(tagged_variant).collect();
        let Some(parsed) = parsed.filter(|parsed| !parsed.is_empty()) else {
            continue;
        };
        let property = parsed[0].1.clone();
        if parsed.iter().any(|(_, tag, _)| *tag != property) {
            continue;
        }
        let mapping: serde_json::Map<String, Value> = parsed
            .iter()
            .map(|(name, _, value)| (value.clone(), json!(schema_ref(name))))
            .collect();
        union["oneOf"] = parsed
            .iter()
            .map(|(name, _, _)| json!({ "$ref": schema_ref(name) }))
            .collect();
        union["discriminator"] = json!({ "propertyName": property, "mapping": mapping });
        tags.extend(parsed);
    }
    for (name, property, value) in tags {
        let Some(variant) = schemas.get_mut(&name) else {
            continue;
        };
        variant["properties"][&property] = json!({
            "type": "string",
            "enum": [value],
            "description": "Which variant this is."
        });
        match variant.get_mut("required").and_then(Value::as_array_mut) {
            Some(required) if !required.contains(&json!(property)) => {
                required.insert(0, json!(property));
            }
            Some(_) => {}
            None => variant["required"] = json!([property]),
        }
    }
}

/// `(schema name, tag property, tag value)` of one `allOf: [{$ref}, {tag enum}]` variant.
fn tagged_variant(variant: &Value) -> Option<(String, String, String)> {
    let parts = variant.get("allOf")?.as_array()?;
    let [named, tag] = parts.as_slice() else {
        return None;
    };
    let name = named
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")?;
    let properties = tag.get("properties")?.as_object()?;
    let (property, schema) = properties.iter().next().filter(|_| properties.len() == 1)?;
    let value = match schema.get("enum")?.as_array()?.as_slice() {
        [value] => value.as_str()?.to_owned(),
        _ => return None,
    };
    Some((name.to_owned(), property.clone(), value))
}

/// `#/components/schemas/{name}`.
fn schema_ref(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

/// utoipa inlines a generic's argument, so `Paginated<Organisation>` would repeat the whole
/// organisation schema and generators would name it `paginated_organisation_items_item`. Every
/// list envelope `Paginated_{Item}` refers to its named item schema instead.
fn name_list_items(schemas: &mut serde_json::Map<String, Value>) {
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in names {
        let Some(item) = name.strip_prefix("Paginated_") else {
            continue;
        };
        if !schemas.contains_key(item) {
            continue;
        }
        if let Some(items) = schemas
            .get_mut(&name)
            .and_then(|envelope| envelope.pointer_mut("/properties/items/items"))
        {
            *items = json!({ "$ref": schema_ref(item) });
        }
    }
}

/// Merges `addition` into `target`: objects key by key, anything else replaced.
fn merge(target: &mut Value, addition: Value) {
    match (target, addition) {
        (Value::Object(target), Value::Object(addition)) => {
            for (key, value) in addition {
                merge(target.entry(key).or_insert(Value::Null), value);
            }
        }
        (target, addition) => *target = addition,
    }
}

/// The fixed parts, before routes are added.
pub(crate) fn base() -> OpenApi {
    ApiDoc::openapi()
}

/// Serves the document (built once per worker at start-up).
pub(crate) async fn serve(document: actix_web::web::Data<Value>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(document.get_ref())
}
