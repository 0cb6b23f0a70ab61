//! Metrics for operators, in the Prometheus text exposition format: requests by route template,
//! method and status with their latencies; waits for a turn at the database and the pools' use;
//! the read-audit writer's backlog and flushes; rate-limit refusals; and, computed when scraped,
//! the webhook outbox by state and the subscriptions paused or failing. The jobs register what
//! they count (deliveries by outcome, the retention sweep) in the same registry.
//!
//! Served by [`metrics_app`] on an address of its own (`METRICS_BIND`, off unless set), never on
//! the public API and never in its OpenAPI document. No label carries personal data, an id or a
//! raw path: a route is its template (`/api/v1/referrals/{id}`), a path no route matches is
//! `unmatched`, and an unusual method is `other`.
//!
//! Each [`AppState`] has a registry of its own (not the process-wide default), so tests running
//! side by side count only their own requests.

use crate::db;
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, App, HttpResponse};
use prometheus::core::Collector;
use prometheus::{
    Encoder, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, TextEncoder,
};
use samhandling_persistence::webhooks::{self, OutboxState};
use samhandling_persistence::{Db, Pools};
use std::time::{Duration, Instant};

pub use prometheus::{Error as MetricsError, Registry};

/// Where the metrics are served on their own address.
pub const METRICS_PATH: &str = "/metrics";

/// The route label of a request no route matched.
pub const UNMATCHED: &str = "unmatched";

/// Latency buckets, in seconds: 1 ms to 10 s (the statement timeout's default).
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Sizes of the read-audit writer's batches.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0];

/// Registers `collector` in `registry` and hands it back.
fn register<C: Collector + Clone + 'static>(
    registry: &Registry,
    collector: C,
) -> Result<C, MetricsError> {
    registry.register(Box::new(collector.clone()))?;
    Ok(collector)
}

/// A latency histogram of `name`, registered.
fn histogram(registry: &Registry, name: &str, help: &str) -> Result<Histogram, MetricsError> {
    register(
        registry,
        Histogram::with_opts(HistogramOpts::new(name, help).buckets(LATENCY_BUCKETS.to_vec()))?,
    )
}

/// A counter of `name` by `labels`, registered.
fn counter_vec(
    registry: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
) -> Result<IntCounterVec, MetricsError> {
    register(registry, IntCounterVec::new(Opts::new(name, help), labels)?)
}

/// A gauge of `name` by `labels`, registered.
fn gauge_vec(
    registry: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
) -> Result<IntGaugeVec, MetricsError> {
    register(registry, IntGaugeVec::new(Opts::new(name, help), labels)?)
}

fn int_gauge(registry: &Registry, name: &str, help: &str) -> Result<IntGauge, MetricsError> {
    register(registry, IntGauge::new(name, help)?)
}

fn int_counter(registry: &Registry, name: &str, help: &str) -> Result<IntCounter, MetricsError> {
    register(registry, IntCounter::new(name, help)?)
}

/// What the database turns count (`db::Turns`).
#[derive(Debug, Clone)]
pub struct TurnMetrics {
    /// How long requests waited for a turn.
    pub(crate) wait: Histogram,
    /// Requests waiting for a turn now.
    pub(crate) waiting: IntGauge,
    /// Requests that got no turn in time (answered 503).
    pub(crate) timeouts: IntCounter,
}

/// What the read-audit writer counts.
#[derive(Debug, Clone)]
pub struct ReadAuditMetrics {
    /// Events queued and not yet taken into a batch.
    pub(crate) backlog: IntGauge,
    /// How long a batch took to commit.
    pub(crate) flush: Histogram,
    /// Events per batch.
    pub(crate) batch_events: Histogram,
    /// Batches whose commit failed.
    pub(crate) failed_batches: IntCounter,
}

/// What is sampled when scraped: the pools, the turns, and the outbox.
#[derive(Debug, Clone)]
struct Sampled {
    pool_connections: IntGaugeVec,
    pool_idle: IntGaugeVec,
    pool_max: IntGaugeVec,
    turns_free: IntGauge,
    outbox: IntGaugeVec,
    oldest_pending: Gauge,
    subscriptions: IntGaugeVec,
    database_up: IntGauge,
}

/// This instance's metrics.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    request_duration: HistogramVec,
    rate_limit_refusals: IntCounterVec,
    turns: TurnMetrics,
    read_audit: ReadAuditMetrics,
    sampled: Sampled,
    pools: Pools,
}

impl Metrics {
    /// A registry of its own with the API's metrics, watching `pools`.
    pub fn new(pools: &Pools) -> Result<Metrics, MetricsError> {
        let registry = Registry::new();
        let r = &registry;
        let requests = counter_vec(
            r,
            "samhandling_http_requests_total",
            "Requests answered, by route template, method and status.",
            &["route", "method", "status"],
        )?;
        let request_duration = register(
            r,
            HistogramVec::new(
                HistogramOpts::new(
                    "samhandling_http_request_duration_seconds",
                    "Time from a request's arrival to its answer, by route template and method.",
                )
                .buckets(LATENCY_BUCKETS.to_vec()),
                &["route", "method"],
            )?,
        )?;
        let rate_limit_refusals = counter_vec(
            r,
            "samhandling_rate_limit_refusals_total",
            "Requests refused with 429 by a rate limit, by the limit's bucket.",
            &["bucket"],
        )?;
        Ok(Metrics {
            requests,
            request_duration,
            rate_limit_refusals,
            turns: TurnMetrics::new(r)?,
            read_audit: ReadAuditMetrics::new(r)?,
            sampled: Sampled::new(r)?,
            pools: pools.clone(),
            registry,
        })
    }

    /// The registry, for the jobs to register what they count.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub(crate) fn turns(&self) -> TurnMetrics {
        self.turns.clone()
    }

    pub(crate) fn read_audit(&self) -> ReadAuditMetrics {
        self.read_audit.clone()
    }

    /// The counter of refusals by the limit `bucket`.
    pub(crate) fn rate_limit_refusals(&self, bucket: &str) -> IntCounter {
        self.rate_limit_refusals.with_label_values(&[bucket])
    }

    /// Counts one answered request.
    fn observe_request(&self, route: &str, method: &str, status: u16, took: Duration) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.request_duration
            .with_label_values(&[route, method])
            .observe(took.as_secs_f64());
    }

    /// Every metric, as Prometheus text.
    pub fn render(&self) -> Result<String, MetricsError> {
        let mut text = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut text)?;
        String::from_utf8(text).map_err(|error| MetricsError::Msg(error.to_string()))
    }
}

impl TurnMetrics {
    fn new(r: &Registry) -> Result<TurnMetrics, MetricsError> {
        Ok(TurnMetrics {
            wait: histogram(
                r,
                "samhandling_db_turn_wait_seconds",
                "How long requests waited for their turn at the requests' pool.",
            )?,
            waiting: int_gauge(
                r,
                "samhandling_db_turns_waiting",
                "Requests waiting for a turn at the requests' pool now.",
            )?,
            timeouts: int_counter(
                r,
                "samhandling_db_turn_timeouts_total",
                "Requests that got no turn within DB_CHECKOUT_TIMEOUT (answered 503).",
            )?,
        })
    }
}

impl ReadAuditMetrics {
    fn new(r: &Registry) -> Result<ReadAuditMetrics, MetricsError> {
        Ok(ReadAuditMetrics {
            backlog: int_gauge(
                r,
                "samhandling_read_audit_backlog",
                "Audit events of reads and denials queued for the writer and not yet in a batch.",
            )?,
            flush: histogram(
                r,
                "samhandling_read_audit_flush_seconds",
                "How long the read-audit writer took to commit a batch.",
            )?,
            batch_events: register(
                r,
                Histogram::with_opts(
                    HistogramOpts::new(
                        "samhandling_read_audit_batch_events",
                        "Events per batch the read-audit writer committed.",
                    )
                    .buckets(BATCH_BUCKETS.to_vec()),
                )?,
            )?,
            failed_batches: int_counter(
                r,
                "samhandling_read_audit_failed_batches_total",
                "Batches the read-audit writer could not commit (their reads answered 503).",
            )?,
        })
    }
}

impl Sampled {
    fn new(r: &Registry) -> Result<Sampled, MetricsError> {
        let pool = &["pool"];
        Ok(Sampled {
            pool_connections: gauge_vec(
                r,
                "samhandling_db_pool_connections",
                "Connections open in the pool (in use or idle).",
                pool,
            )?,
            pool_idle: gauge_vec(
                r,
                "samhandling_db_pool_idle_connections",
                "Open connections in the pool that no one has checked out.",
                pool,
            )?,
            pool_max: gauge_vec(
                r,
                "samhandling_db_pool_max_connections",
                "The most connections the pool opens.",
                pool,
            )?,
            turns_free: int_gauge(
                r,
                "samhandling_db_turns_free",
                "Turns at the requests' pool no request holds now.",
            )?,
            outbox: gauge_vec(
                r,
                "samhandling_webhook_outbox_deliveries",
                "Webhook deliveries in the outbox by state (pending; delivered and abandoned as \
                 long as the delivery log keeps them).",
                &["state"],
            )?,
            oldest_pending: register(
                r,
                Gauge::new(
                    "samhandling_webhook_outbox_oldest_pending_seconds",
                    "Age of the oldest pending delivery's event (0 when none is pending).",
                )?,
            )?,
            subscriptions: gauge_vec(
                r,
                "samhandling_webhook_subscriptions",
                "Webhook subscriptions paused after failures or failing (given up on).",
                &["state"],
            )?,
            database_up: int_gauge(
                r,
                "samhandling_metrics_database_up",
                "1 when this scrape's query of the outbox answered, 0 when it did not (the \
                 outbox and subscription gauges then keep their last values).",
            )?,
        })
    }

    fn pool(&self, name: &str, db: &Db) {
        let state = db.state();
        self.pool_connections
            .with_label_values(&[name])
            .set(state.connections.into());
        self.pool_idle
            .with_label_values(&[name])
            .set(state.idle.into());
        self.pool_max
            .with_label_values(&[name])
            .set(state.max_size.into());
    }

    fn outbox(&self, state: Result<OutboxState, ApiError>) {
        match state {
            Ok(state) => {
                for (name, count) in [
                    ("pending", state.pending),
                    ("delivered", state.delivered),
                    ("abandoned", state.abandoned),
                ] {
                    self.outbox.with_label_values(&[name]).set(count);
                }
                self.oldest_pending.set(state.oldest_pending_seconds);
                for (name, count) in [
                    ("paused", state.subscriptions_paused),
                    ("failing", state.subscriptions_failing),
                ] {
                    self.subscriptions.with_label_values(&[name]).set(count);
                }
                self.database_up.set(1);
            }
            Err(error) => {
                log::warn!("metrics: the outbox could not be counted: {error}");
                self.database_up.set(0);
            }
        }
    }
}

/// A method as a label: the standard ones by name, anything else `other`, so that no client can
/// add series by inventing methods.
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

/// The middleware that counts and times every request; install it outermost, so that it sees
/// the status the client gets.
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = method_label(req.method());
    let result = next.call(req).await;
    if let Some(state) = state {
        let (route, status) = match &result {
            Ok(response) => (
                response.request().match_pattern(),
                response.status().as_u16(),
            ),
            Err(error) => (None, error.as_response_error().status_code().as_u16()),
        };
        state.metrics.observe_request(
            route.as_deref().unwrap_or(UNMATCHED),
            method,
            status,
            started.elapsed(),
        );
    }
    result
}

/// `GET /metrics`: counts the outbox (one query, on a turn of the requests' pool like any
/// request's), samples the pools and the turns, then renders every metric.
async fn scrape(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let metrics = &state.metrics;
    let sampled = &metrics.sampled;
    sampled.outbox(db::run(&state.database, |conn| Ok(webhooks::outbox_state(conn)?)).await);
    sampled.pool("requests", &metrics.pools.requests);
    sampled.pool("read_audit", &metrics.pools.read_audit);
    sampled.pool("jobs", &metrics.pools.jobs);
    sampled
        .turns_free
        .set(i64::try_from(state.database.free_turns()).unwrap_or(i64::MAX));
    let text = metrics
        .render()
        .map_err(|error| ApiError::Internal(format!("metrics cannot be rendered: {error}")))?;
    Ok(HttpResponse::Ok()
        .content_type(prometheus::TEXT_FORMAT)
        .body(text))
}

/// The metrics application: `GET /metrics` and nothing else, for the address in `METRICS_BIND`.
pub fn metrics_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .route(METRICS_PATH, web::get().to(scrape))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_a_closed_set() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::OPTIONS), "OPTIONS");
        assert_eq!(
            method_label(&Method::from_bytes(b"BREW").expect("a method")),
            "other"
        );
    }
}
