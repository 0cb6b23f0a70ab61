//! `/dev/demo-token`, in development mode only: a page where an API tester picks a demo
//! organisation and a role and gets a token for them, without the command line
//! (`samhandling token` does the same). It is not part of the API or its contract, and it is
//! served only in development mode on a loopback address (`Development::OnLoopback`): it hands out
//! any organisation's token to whoever reaches it.

use crate::db;
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::http::header::ContentType;
use actix_web::{web, HttpResponse};
use samhandling_domain::organisation::Organisation;
use samhandling_domain::page::PageRequest;
use samhandling_domain::Role;
use samhandling_usecases::organisations::{self as usecases, OrganisationFilter};
use serde::Deserialize;
use std::fmt::Write as _;
use uuid::Uuid;

/// The page, with `{{…}}` slots filled in here.
const PAGE: &str = include_str!("../pages/demo_token.html");

/// Where the page is served.
pub const PATH: &str = "/dev/demo-token";

/// The subject of every demo token, so the audit trail shows what a tester did.
const SUBJECT: &str = "demo-tester";

/// The organisations offered: the demo directory holds a few dozen.
const LISTED: u16 = 200;

/// Registers the page's routes; called only in development mode.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route(PATH, web::get().to(show))
        .route(PATH, web::post().to(issue));
}

/// What the form sends.
#[derive(Debug, Deserialize)]
struct Choice {
    organisation_id: Uuid,
    role: Role,
}

async fn show(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let organisations = directory(&state).await?;
    Ok(page(&organisations, None, "", 200))
}

async fn issue(
    state: web::Data<AppState>,
    form: Result<web::Form<Choice>, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    let organisations = directory(&state).await?;
    let Ok(web::Form(choice)) = form else {
        return Ok(page(
            &organisations,
            None,
            &refusal("choose an organisation and a role"),
            400,
        ));
    };
    let Some(organisation) = organisations
        .iter()
        .find(|o| o.id == choice.organisation_id)
    else {
        return Ok(page(
            &organisations,
            None,
            &refusal("no such organisation"),
            400,
        ));
    };
    if !choice.role.fits(organisation.kind) {
        let message = format!(
            "a {} cannot hold the role {}",
            organisation.kind, choice.role
        );
        return Ok(page(&organisations, Some(&choice), &refusal(&message), 400));
    }
    let issued = state
        .tokens
        .issue(SUBJECT, organisation.id, &[choice.role], None)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    log::info!(
        "a demo token was issued for organisation {} with the role {}",
        organisation.id,
        choice.role
    );
    let outcome = format!(
        "<label for=\"token\">Token for {} as {} (expires in {} s)</label>\n\
         <textarea id=\"token\" readonly>{}</textarea>",
        escape(&organisation.name),
        choice.role,
        issued.expires_in,
        escape(&issued.token)
    );
    Ok(page(&organisations, Some(&choice), &outcome, 200))
}

async fn directory(state: &AppState) -> Result<Vec<Organisation>, ApiError> {
    let page = PageRequest {
        limit: LISTED,
        after: None,
    };
    db::run(&state.database, move |conn| {
        Ok(usecases::list(conn, &OrganisationFilter::default(), page)?.items)
    })
    .await
}

fn page(
    organisations: &[Organisation],
    chosen: Option<&Choice>,
    outcome: &str,
    status: u16,
) -> HttpResponse {
    let mut options = String::new();
    for organisation in organisations {
        let selected = chosen.is_some_and(|c| c.organisation_id == organisation.id);
        let _ = writeln!(
            options,
            "    <option value=\"{}\"{}>{} ({})</option>",
            organisation.id,
            if selected { " selected" } else { "" },
            escape(&organisation.name),
            organisation.kind
        );
    }
    let mut roles = String::new();
    for role in Role::ALL {
        let selected = chosen.is_some_and(|c| c.role == role);
        let _ = writeln!(
            roles,
            "    <option value=\"{role}\"{}>{role}: {}</option>",
            if selected { " selected" } else { "" },
            escape(role.summary())
        );
    }
    let body = PAGE
        .replace("{{outcome}}", outcome)
        .replace("{{organisations}}", &options)
        .replace("{{roles}}", &roles);
    let status =
        actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK);
    HttpResponse::build(status)
        .content_type(ContentType::html())
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

fn refusal(message: &str) -> String {
    format!(
        "<p class=\"refusal\" role=\"alert\">{}</p>",
        escape(message)
    )
}

/// HTML-escapes text for an element or a quoted attribute.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}
