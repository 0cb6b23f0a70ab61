//! Reading the metrics the way Prometheus does: scrape the metrics application, find a sample by
//! its name and labels (in any order).

use crate::{send, App, TestApp};
use actix_web::test::TestRequest;
use std::collections::BTreeMap;

/// One scrape's text.
#[derive(Debug)]
pub struct Scrape {
    /// The exposition, as served.
    pub text: String,
}

/// Scrapes `GET /metrics` of `t`'s metrics application.
pub async fn scrape(t: &TestApp) -> Scrape {
    scrape_from(&t.metrics_service().await).await
}

/// Scrapes `GET /metrics` of `app`.
pub async fn scrape_from(app: &impl App) -> Scrape {
    let reply = send(app, TestRequest::get().uri("/metrics")).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(
        reply
            .content_type()
            .starts_with("text/plain; version=0.0.4"),
        "{}",
        reply.content_type()
    );
    Scrape { text: reply.text }
}

impl Scrape {
    /// The value of the sample `name` with exactly `labels`, as written, if there is one.
    pub fn raw(&self, name: &str, labels: &[(&str, &str)]) -> Option<&str> {
        let wanted: BTreeMap<&str, &str> = labels.iter().copied().collect();
        self.text
            .lines()
            .filter(|line| !line.starts_with('#'))
            .find_map(|line| {
                let (series, value) = line.rsplit_once(' ')?;
                let (sample, labels) = match series.split_once('{') {
                    Some((sample, labels)) => (sample, labels.strip_suffix('}')?),
                    None => (series, ""),
                };
                let found: BTreeMap<&str, &str> = labels
                    .split("\",")
                    .filter(|pair| !pair.is_empty())
                    .filter_map(|pair| {
                        let (key, value) = pair.split_once("=\"")?;
                        Some((key, value.trim_end_matches('"')))
                    })
                    .collect();
                (sample == name && found == wanted).then_some(value)
            })
    }

    /// The count in the sample `name` with exactly `labels` (a counter, an integer gauge, a
    /// histogram's `_count`), if there is one.
    pub fn count(&self, name: &str, labels: &[(&str, &str)]) -> Option<u64> {
        self.raw(name, labels).map(|value| {
            value
                .parse()
                .unwrap_or_else(|_| panic!("{name} {labels:?} is no count: {value}"))
        })
    }

    /// As [`Scrape::count`], asserting that the sample is there.
    pub fn expect(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        self.count(name, labels)
            .unwrap_or_else(|| panic!("no {name} {labels:?} in\n{}", self.text))
    }

    /// The value of the sample `name` with exactly `labels` as a number, asserting that it is
    /// there.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.raw(name, labels)
            .and_then(|value| value.parse().ok())
            .unwrap_or_else(|| panic!("no {name} {labels:?} in\n{}", self.text))
    }
}
