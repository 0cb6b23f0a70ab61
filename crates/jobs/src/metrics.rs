//! What the jobs count for the operators' metrics, registered in the instance's registry (the one
//! the HTTP crate serves on `METRICS_BIND`): webhook delivery attempts by outcome, and the
//! retention sweep's last run and what it did. Labels are outcomes and kinds, never an id.

use crate::retention::SweepReport;
use prometheus::core::Collector;
use prometheus::{Gauge, IntCounterVec, IntGaugeVec, Opts, Registry};
use samhandling_domain::webhook::DeliveryOutcome;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use prometheus::Error as MetricsError;

/// The jobs' metrics.
#[derive(Debug, Clone)]
pub struct JobMetrics {
    /// Delivery attempts by outcome.
    pub deliveries: DeliveryMetrics,
    /// The retention sweep.
    pub retention: RetentionMetrics,
}

/// Webhook delivery attempts by outcome.
#[derive(Debug, Clone)]
pub struct DeliveryMetrics {
    attempts: IntCounterVec,
}

/// The retention sweep's runs and what the last one did.
#[derive(Debug, Clone)]
pub struct RetentionMetrics {
    runs: IntCounterVec,
    last_success: Gauge,
    last_duration: Gauge,
    last_items: IntGaugeVec,
}

fn register<C: Collector + Clone + 'static>(
    registry: &Registry,
    collector: C,
) -> Result<C, MetricsError> {
    registry.register(Box::new(collector.clone()))?;
    Ok(collector)
}

impl JobMetrics {
    /// The jobs' metrics, registered in `registry`, every outcome and result at 0 from the start
    /// (so that a rate over them exists before the first attempt or failure).
    pub fn register(registry: &Registry) -> Result<JobMetrics, MetricsError> {
        let metrics = JobMetrics::in_registry(registry)?;
        for outcome in DeliveryOutcome::ALL {
            metrics
                .deliveries
                .attempts
                .with_label_values(&[outcome.as_str()]);
        }
        for result in ["ok", "failed"] {
            metrics.retention.runs.with_label_values(&[result]);
        }
        Ok(metrics)
    }

    fn in_registry(registry: &Registry) -> Result<JobMetrics, MetricsError> {
        let r = registry;
        Ok(JobMetrics {
            deliveries: DeliveryMetrics {
                attempts: register(
                    r,
                    IntCounterVec::new(
                        Opts::new(
                            "samhandling_webhook_delivery_attempts_total",
                            "Webhook delivery attempts by outcome (delivered, timeout, refused, \
                             unreachable, http_4xx, http_5xx).",
                        ),
                        &["outcome"],
                    )?,
                )?,
            },
            retention: RetentionMetrics {
                runs: register(
                    r,
                    IntCounterVec::new(
                        Opts::new(
                            "samhandling_retention_sweeps_total",
                            "Retention sweeps run by this instance, by result (ok, failed).",
                        ),
                        &["result"],
                    )?,
                )?,
                last_success: register(
                    r,
                    Gauge::new(
                        "samhandling_retention_last_success_timestamp_seconds",
                        "When this instance's last successful retention sweep ended (Unix time).",
                    )?,
                )?,
                last_duration: register(
                    r,
                    Gauge::new(
                        "samhandling_retention_last_duration_seconds",
                        "How long this instance's last retention sweep took.",
                    )?,
                )?,
                last_items: register(
                    r,
                    IntGaugeVec::new(
                        Opts::new(
                            "samhandling_retention_last_items",
                            "What the last successful retention sweep did, by kind (notices, \
                             expired, erased, idempotency_keys, rate_limit_windows, deliveries).",
                        ),
                        &["kind"],
                    )?,
                )?,
            },
        })
    }
}

impl DeliveryMetrics {
    /// Counts one attempt with `outcome`.
    pub fn attempted(&self, outcome: DeliveryOutcome) {
        self.attempts.with_label_values(&[outcome.as_str()]).inc();
    }
}

impl RetentionMetrics {
    /// Records a sweep that took `took` and did `report`, or failed (`None`).
    pub fn swept(&self, report: Option<&SweepReport>, took: Duration) {
        self.last_duration.set(took.as_secs_f64());
        let Some(report) = report else {
            self.runs.with_label_values(&["failed"]).inc();
            return;
        };
        self.runs.with_label_values(&["ok"]).inc();
        self.last_success.set(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs_f64(),
        );
        for (kind, count) in [
            ("notices", report.notices),
            ("expired", report.expired),
            ("erased", report.erased),
            ("idempotency_keys", report.idempotency_keys),
            ("rate_limit_windows", report.rate_limit_windows),
            ("deliveries", report.deliveries),
        ] {
            self.last_items
                .with_label_values(&[kind])
                .set(i64::try_from(count).unwrap_or(i64::MAX));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prometheus::{Encoder, TextEncoder};

    #[test]
    fn a_sweep_is_recorded_with_what_it_did() {
        let registry = Registry::new();
        let metrics = JobMetrics::register(&registry).expect("registers");
        metrics.retention.swept(
            Some(&SweepReport {
                erased: 3,
                ..SweepReport::default()
            }),
            Duration::from_millis(250),
        );
        metrics.retention.swept(None, Duration::from_millis(10));
        metrics.deliveries.attempted(DeliveryOutcome::Timeout);
        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&registry.gather(), &mut text)
            .expect("encodes");
        let text = String::from_utf8(text).expect("text");
        for line in [
            "samhandling_retention_sweeps_total{result=\"ok\"} 1",
            "samhandling_retention_sweeps_total{result=\"failed\"} 1",
            "samhandling_retention_last_items{kind=\"erased\"} 3",
            "samhandling_retention_last_items{kind=\"notices\"} 0",
            "samhandling_retention_last_duration_seconds 0.01",
            "samhandling_webhook_delivery_attempts_total{outcome=\"timeout\"} 1",
            "samhandling_webhook_delivery_attempts_total{outcome=\"http_5xx\"} 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
    }
}
