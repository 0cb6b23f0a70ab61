//! The Samhandling server and its administrative commands.

mod config;
mod demo_data;
mod logging;

use actix_web::{web, HttpServer};
use clap::{Parser, Subcommand};
use samhandling_auth::TokenService;
use samhandling_domain::Role;
use samhandling_http::{build_app, metrics_app, AppState};
use samhandling_jobs::delivery::Deliverer;
use samhandling_jobs::metrics::JobMetrics;
use samhandling_jobs::{agreement_periods, overdue_actions, retention};
use samhandling_persistence::{migrations, Db, DbOptions, Pools};
use std::process::ExitCode;
use std::time::Duration;
use uuid::Uuid;

/// Samhandling: coordination for Norway's municipal mental-health and substance-abuse field.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database and serve the API (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Print a signed token, for testers and the README walkthrough.
    Token {
        /// The organisation the token acts for.
        #[arg(long)]
        org: Uuid,
        /// A role to grant; repeat for several.
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
        /// Lifetime, e.g. `1h` or `30m` (default: TOKEN_TTL).
        #[arg(long, value_parser = humantime::parse_duration)]
        ttl: Option<Duration>,
        /// The subject (who acts).
        #[arg(long, default_value = "tester")]
        sub: String,
    },
    /// Load the demo organisations and, at the LINK centres, a living demo of groups, intakes,
    /// members and referrals at every status (idempotent), and print their ids: organisations
    /// as "id<TAB>kind<TAB>name" first, then "id<TAB>kind<TAB>state<TAB>description".
    DemoData {
        /// Only the organisations: no groups, referrals or intakes (for scripts that want the
        /// centres without any work on them).
        #[arg(long)]
        organisations_only: bool,
    },
    /// Data retention.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
}

#[derive(Debug, Subcommand)]
enum RetentionCommand {
    /// One retention sweep now: tell centres of erasures due, end idle referrals as expired and
    /// erase what is due (after the notice period), and forget old housekeeping rows.
    Run,
}

/// What can stop a command.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Store(#[from] samhandling_persistence::StoreError),
    #[error(transparent)]
    UseCase(#[from] samhandling_usecases::UseCaseError),
    #[error(transparent)]
    Demo(#[from] demo_data::DemoError),
    #[error(transparent)]
    Token(#[from] samhandling_auth::TokenError),
    #[error("serving failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the OpenAPI document cannot be printed: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the metrics cannot be set up: {0}")]
    Metrics(#[from] samhandling_http::metrics::MetricsError),
    #[error("span export cannot be set up: {0}")]
    Telemetry(#[from] samhandling_http::telemetry::TelemetryError),
}

fn main() -> ExitCode {
    match logging::LogFormat::from_env(std::env::var("LOG_FORMAT").ok().as_deref()) {
        Ok(format) => logging::init(format),
        Err(error) => {
            eprintln!("samhandling: {error}");
            return ExitCode::from(2);
        }
    }
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(),
        Command::Migrate => migrate(),
        Command::Openapi => print_openapi(),
        Command::Token {
            org,
            roles,
            ttl,
            sub,
        } => print_token(org, &roles, ttl, &sub),
        Command::DemoData { organisations_only } => load_demo_data(organisations_only),
        Command::Retention {
            command: RetentionCommand::Run,
        } => run_retention(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            log::error!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn migrate_with(db: &Db) -> Result<(), Failure> {
    let mut conn = db.connection()?;
    for name in migrations::run_pending(&mut conn)? {
        log::info!("applied migration {name}");
    }
    Ok(())
}

fn migrate() -> Result<(), Failure> {
    let db = Db::new(
        &config::database_url(&config::Environment::process())?,
        &DbOptions::default(),
    );
    migrate_with(&db)
}

fn print_openapi() -> Result<(), Failure> {
    println!(
        "{}",
        serde_json::to_string_pretty(&samhandling_http::openapi::document())?
    );
    Ok(())
}

fn print_token(
    org: Uuid,
    roles: &[Role],
    ttl: Option<Duration>,
    subject: &str,
) -> Result<(), Failure> {
    let (settings, _) = config::token_settings(&config::Environment::process())?;
    if ttl.is_some_and(|ttl| ttl > config::MAX_TOKEN_TTL) {
        return Err(config::ConfigError::Invalid {
            name: "--ttl",
            reason: "a token lives at most 12h".into(),
        }
        .into());
    }
    let issued = TokenService::new(&settings)?.issue(subject, org, roles, ttl)?;
    println!("{}", issued.token);
    Ok(())
}

fn load_demo_data(organisations_only: bool) -> Result<(), Failure> {
    let db = Db::new(
        &config::database_url(&config::Environment::process())?,
        &DbOptions::default(),
    );
    migrate_with(&db)?;
    let mut conn = db.connection()?;
    let loaded = if organisations_only {
        demo_data::load_organisations(&mut conn)?
    } else {
        demo_data::load(&mut conn)?
    };
    let created = loaded
        .organisations
        .iter()
        .filter(|(_, created)| *created)
        .count();
    log::info!(
        "demo data: {created} organisations created, {} already present",
        loaded.organisations.len() - created
    );
    if !organisations_only {
        log::info!(
            "demo data: {} stories created, {} already present; {} records",
            loaded.created,
            loaded.present,
            loaded.lines.len()
        );
        let (intake, group) = demo_data::walkthrough();
        log::info!(
            "demo data: as LINK Trondheim's coordinator, try GET /api/v1/intakes/{intake}/suggested-groups \
             and place her with POST /api/v1/groups/{group}/members"
        );
        if let Some(link) = loaded.facilitator_links.first() {
            log::info!(
                "demo data: facilitator {} is confirmed; sign in with samhandling token --org {} \
                 --role facilitator --sub {}",
                link.subject,
                link.employer_organisation_id,
                link.subject
            );
        }
    }
    // The organisations first, the operator on the first line: scripts read them.
    for (organisation, _) in &loaded.organisations {
        println!(
            "{}\t{}\t{}",
            organisation.id, organisation.kind, organisation.name
        );
    }
    for line in &loaded.lines {
        println!("{line}");
    }
    Ok(())
}

fn run_retention() -> Result<(), Failure> {
    let config = config::load(&config::Environment::process())?;
    let db = Db::new(&config.database_url, &config.db);
    migrate_with(&db)?;
    let report = retention::sweep(&db, &config.retention)?;
    println!(
        "told {} centres of erasures due; expired {} idle referrals; erased the personal data of {} \
         referrals; forgot {} idempotency keys, {} rate-limit windows and {} webhook deliveries",
        report.notices,
        report.expired,
        report.erased,
        report.idempotency_keys,
        report.rate_limit_windows,
        report.deliveries
    );
    Ok(())
}

fn serve() -> Result<(), Failure> {
    let config = config::load(&config::Environment::process())?;
    if config.dev_mode {
        log::warn!("development mode: weak secrets and relaxed checks are allowed");
    }
    let pools = Pools::new(&config.database_url, &config.db);
    migrate_with(&pools.jobs)?;
    let tokens = TokenService::new(&config.tokens)?;
    let spans = config
        .span_export
        .as_ref()
        .map(samhandling_http::telemetry::install)
        .transpose()?;
    let state = web::Data::new(
        AppState::new(&pools, tokens, &config.tokens.secret)?
            .with_policies(config.policies.clone())
            .with_issuers(config.issuers.clone()),
    );
    let job_metrics = JobMetrics::register(state.metrics.registry())?;
    let origins = config.cors_allowed_origins.clone();
    let db = pools.jobs;
    let deliverer = Deliverer::new(db.clone(), config.delivery)
        .listening_on(&config.database_url)
        .counted_in(job_metrics.deliveries);
    actix_web::rt::System::new().block_on(async move {
        actix_web::rt::spawn(deliverer.run());
        actix_web::rt::spawn(retention::run(
            db.clone(),
            config.retention,
            config.retention_sweep_interval,
            job_metrics.retention,
        ));
        actix_web::rt::spawn(overdue_actions::run(
            db.clone(),
            config.overdue_sweep_interval,
        ));
        actix_web::rt::spawn(agreement_periods::run(db, config.agreement_sweep_interval));
        let metrics = match &config.metrics_bind {
            Some(address) => Some(serve_metrics(state.clone(), address)?),
            None => None,
        };
        let server = HttpServer::new(move || build_app(state.clone(), &origins))
            .shutdown_timeout(30)
            .bind(&config.bind_addr)?;
        for address in server.addrs() {
            log::info!("serving on http://{address} (Swagger UI: http://{address}/swagger-ui/)");
        }
        let outcome = server.run().await;
        if let Some(metrics) = metrics {
            metrics.stop(true).await;
        }
        outcome
    })?;
    if let Some(spans) = spans {
        // The last batch goes out before the process ends; a collector that is gone is logged.
        if let Err(error) = spans.shutdown() {
            log::warn!("the last spans were not exported: {error}");
        }
    }
    log::info!("stopped");
    Ok(())
}

/// Serves `GET /metrics` on `address`, apart from the API, on one worker; answers its handle.
fn serve_metrics(
    state: web::Data<AppState>,
    address: &str,
) -> std::io::Result<actix_web::dev::ServerHandle> {
    let server = HttpServer::new(move || metrics_app(state.clone()))
        .workers(1)
        .disable_signals()
        .bind(address)?;
    for address in server.addrs() {
        log::info!("metrics on http://{address}/metrics");
    }
    let running = server.run();
    let handle = running.handle();
    actix_web::rt::spawn(running);
    Ok(handle)
}
