//! Optional OpenTelemetry export: each request becomes a span (its route template, method and
//! status; never the raw path, the query or a body), in the trace the request context continued
//! or started, sent over OTLP/HTTP with JSON to the collector the configuration names
//! (`OTEL_EXPORTER_OTLP_ENDPOINT`). Off unless configured: without [`install`],
//! [`record_request`] returns at once.
//!
//! Spans are batched and sent from the SDK's own thread through ureq, already in the tree for
//! webhooks, so a slow or absent collector never holds up a request: a full queue drops spans.

use crate::context::TraceContext;
use opentelemetry::trace::{
    SpanContext, SpanId, SpanKind, Status, TraceContextExt, TraceFlags, TraceId, TraceState,
    Tracer, TracerProvider as _,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::trace::{BatchSpanProcessor, SdkTracer, SdkTracerProvider};
use opentelemetry_sdk::Resource;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

/// The tracer every request span comes from, once export is installed.
static TRACER: OnceLock<SdkTracer> = OnceLock::new();

/// Why export could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The exporter refused its configuration (e.g. an endpoint that is not a URL).
    #[error("the OTLP exporter could not be built: {0}")]
    Exporter(String),
    /// [`install`] ran twice in one process.
    #[error("OpenTelemetry export is installed already")]
    AlreadyInstalled,
}

/// Where request spans go, and under which service name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanExport {
    /// The collector's OTLP/HTTP traces URL, e.g. `http://otel-collector:4318/v1/traces`.
    pub traces_endpoint: String,
    /// `service.name` of every span.
    pub service_name: String,
}

/// Starts exporting request spans as `export` says. Keep the provider, and shut it down on exit so
/// the last batch is sent.
pub fn install(export: &SpanExport) -> Result<SdkTracerProvider, TelemetryError> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpJson)
        .with_endpoint(export.traces_endpoint.clone())
        .with_http_client(UreqClient::new())
        .build()
        .map_err(|error| TelemetryError::Exporter(error.to_string()))?;
    let provider = SdkTracerProvider::builder()
        .with_span_processor(BatchSpanProcessor::builder(exporter).build())
        .with_resource(
            Resource::builder_empty()
                .with_service_name(export.service_name.clone())
                .build(),
        )
        .build();
    TRACER
        .set(provider.tracer("samhandling"))
        .map_err(|_| TelemetryError::AlreadyInstalled)?;
    Ok(provider)
}

/// Whether spans are exported: then a request without a `traceparent` starts a sampled trace.
pub fn exporting() -> bool {
    TRACER.get().is_some()
}

/// What the span of one finished request says.
#[derive(Debug)]
pub struct RequestSpan<'a> {
    /// The request's trace and span ids, and its caller's span.
    pub trace: &'a TraceContext,
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// The route template (`/api/v1/referrals/{id}`), if a route matched.
    pub route: Option<&'a str>,
    /// The answer's status.
    pub status: u16,
    /// When the request arrived.
    pub started: SystemTime,
}

/// Exports the span of one finished request, when export is installed and the trace is sampled.
pub fn record_request(span: &RequestSpan<'_>) {
    let Some(tracer) = TRACER.get() else {
        return;
    };
    if !span.trace.sampled {
        return;
    }
    let (Ok(trace_id), Ok(span_id)) = (
        TraceId::from_hex(&span.trace.trace_id),
        SpanId::from_hex(&span.trace.span_id),
    ) else {
        return;
    };
    let parent = span
        .trace
        .parent_span_id
        .as_deref()
        .and_then(|id| SpanId::from_hex(id).ok())
        .map_or_else(Context::new, |parent| {
            Context::new().with_remote_span_context(SpanContext::new(
                trace_id,
                parent,
                TraceFlags::SAMPLED,
                true,
                TraceState::default(),
            ))
        });
    let route = span.route.unwrap_or("unmatched");
    let mut attributes = vec![
        KeyValue::new("http.request.method", span.method.to_owned()),
        KeyValue::new("http.response.status_code", i64::from(span.status)),
    ];
    if let Some(route) = span.route {
        attributes.push(KeyValue::new("http.route", route.to_owned()));
    }
    let mut builder = tracer
        .span_builder(format!("{} {route}", span.method))
        .with_kind(SpanKind::Server)
        .with_start_time(span.started)
        .with_attributes(attributes);
    builder.trace_id = Some(trace_id);
    builder.span_id = Some(span_id);
    if span.status >= 500 {
        builder.status = Status::error("server error");
    }
    let mut exported = builder.start_with_context(tracer, &parent);
    opentelemetry::trace::Span::end(&mut exported);
}

/// Sends the exporter's batches with ureq: blocking, which is right on the batch processor's own
/// thread, and bounded by a timeout.
#[derive(Debug, Clone)]
struct UreqClient {
    agent: ureq::Agent,
}

impl UreqClient {
    fn new() -> UreqClient {
        UreqClient {
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(10))
                .build(),
        }
    }

    fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let (parts, body) = request.into_parts();
        let mut call = self
            .agent
            .request(parts.method.as_str(), &parts.uri.to_string());
        for (name, value) in &parts.headers {
            if let Ok(value) = value.to_str() {
                call = call.set(name.as_str(), value);
            }
        }
        let answer = match call.send_bytes(&body) {
            Ok(answer) | Err(ureq::Error::Status(_, answer)) => answer,
            Err(error) => return Err(Box::new(error)),
        };
        let status = answer.status();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut answer.into_reader(), &mut bytes)?;
        Ok(Response::builder()
            .status(status)
            .body(Bytes::from(bytes))?)
    }
}

impl HttpClient for UreqClient {
    fn send_bytes<'a, 'b>(
        &'a self,
        request: Request<Bytes>,
    ) -> Pin<Box<dyn Future<Output = Result<Response<Bytes>, HttpError>> + Send + 'b>>
    where
        'a: 'b,
        Self: 'b,
    {
        let result = self.send(request);
        Box::pin(async move { result })
    }
}
