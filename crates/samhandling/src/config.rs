//! Configuration from environment variables, read once at start-up. Secrets never reach `Debug`
//! output or logs.

use chrono::TimeDelta;
use samhandling_auth::issuers::{IssuerConfigError, TrustedIssuers};
use samhandling_auth::{ExternalTrust, TokenSettings};
use samhandling_domain::referral::RetentionPolicy;
use samhandling_domain::webhook::RetryPolicy;
use samhandling_domain::Role;
use samhandling_http::telemetry::SpanExport;
use samhandling_http::{Development, Policies};
use samhandling_jobs::delivery::DeliverySettings;
use samhandling_persistence::DbOptions;
use std::time::Duration;

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is missing.
    #[error("{0} is not set")]
    Missing(&'static str),
    /// A variable does not parse.
    #[error("{name} is invalid: {reason}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The token secret is too short to resist guessing.
    #[error("JWT_SECRET must be at least 32 bytes (set SAMHANDLING_DEV_MODE=1 to run with a weak development secret)")]
    WeakSecret,
    /// The public key file cannot be read.
    #[error("JWT_PUBLIC_KEY_FILE cannot be read: {0}")]
    PublicKey(std::io::Error),
    /// The trusted issuers' file is missing, malformed, or names something unusable.
    #[error("TRUSTED_ISSUERS_FILE: {0}")]
    Issuers(#[from] IssuerConfigError),
    /// The published development secret would sign tokens for a server others can reach.
    #[error("without JWT_SECRET, development mode signs with a published secret and may only bind a loopback address; set JWT_SECRET or BIND_ADDR=127.0.0.1:…")]
    DevSecretBeyondLoopback,
}

/// The longest lifetime a token may be given: a stolen token is a stolen session, so it must
/// end within a working day even where revocation cannot reach it.
pub const MAX_TOKEN_TTL: Duration = Duration::from_hours(12);

/// Everything the server needs.
#[derive(Clone)]
pub struct Config {
    /// PostgreSQL URL.
    pub database_url: String,
    /// Address to listen on.
    pub bind_addr: String,
    /// Address to serve `GET /metrics` on, apart from the API; `None` (the default) serves no
    /// metrics at all.
    pub metrics_bind: Option<String>,
    /// Token signing and checking.
    pub tokens: TokenSettings,
    /// The trusted issuers (`TRUSTED_ISSUERS_FILE`), none unless configured.
    pub issuers: TrustedIssuers,
    /// Origins allowed to call from a browser.
    pub cors_allowed_origins: Vec<String>,
    /// Pool behaviour.
    pub db: DbOptions,
    /// Whether weak development settings are allowed.
    pub dev_mode: bool,
    /// Request-handling policies.
    pub policies: Policies,
    /// The webhook worker.
    pub delivery: DeliverySettings,
    /// How long personal data is kept, and the centre's notice before it goes.
    pub retention: RetentionPolicy,
    /// How often the retention sweep runs.
    pub retention_sweep_interval: Duration,
    /// How often the sweep that tells owners of their overdue follow-up actions runs. An action
    /// becomes overdue when a day begins (UTC), so an hour tells it within the hour.
    pub overdue_sweep_interval: Duration,
    /// How often the sweep that applies collaboration agreements whose period starts or runs out
    /// runs. A period turns when a day begins (UTC), so an hour applies it within the hour.
    pub agreement_sweep_interval: Duration,
    /// Where request spans are exported, when an OTLP collector is configured
    /// (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); `None` exports
    /// nothing, the default.
    pub span_export: Option<SpanExport>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &"<redacted>")
            .field("bind_addr", &self.bind_addr)
            .field("metrics_bind", &self.metrics_bind)
            .field("tokens", &self.tokens)
            .field("issuers", &self.issuers)
            .field("cors_allowed_origins", &self.cors_allowed_origins)
            .field("db", &self.db)
            .field("dev_mode", &self.dev_mode)
            .field("policies", &self.policies)
            .field("delivery", &self.delivery)
            .field("retention", &self.retention)
            .field("retention_sweep_interval", &self.retention_sweep_interval)
            .field("overdue_sweep_interval", &self.overdue_sweep_interval)
            .field("agreement_sweep_interval", &self.agreement_sweep_interval)
            .field("span_export", &self.span_export)
            .finish()
    }
}

/// Smallest acceptable HS256 secret: RFC 7518 §3.2 asks for a key at least as long as the hash.
pub const MIN_SECRET_BYTES: usize = 32;

/// Looks a variable up by name.
type Lookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Where configuration is read from: the process environment, or a fixed map in tests.
pub struct Environment<'a>(Box<Lookup<'a>>);

impl Environment<'_> {
    /// The process environment.
    pub fn process() -> Environment<'static> {
        Environment(Box::new(|name| std::env::var(name).ok()))
    }

    /// A variable's value; empty counts as unset.
    fn var(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|value| !value.trim().is_empty())
    }

    /// A yes/no variable: `1`/`true`/`yes` or `0`/`false`/`no`.
    fn flag(&self, name: &'static str, default: bool) -> Result<bool, ConfigError> {
        self.var(name).map_or(Ok(default), |value| {
            match value.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" => Ok(true),
                "0" | "false" | "no" => Ok(false),
                _ => Err(ConfigError::Invalid {
                    name,
                    reason: "must be true or false".into(),
                }),
            }
        })
    }

    /// A whole number within `range`.
    fn number(
        &self,
        name: &'static str,
        default: u32,
        range: std::ops::RangeInclusive<u32>,
    ) -> Result<u32, ConfigError> {
        self.var(name).map_or(Ok(default), |value| {
            value
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|number| range.contains(number))
                .ok_or(ConfigError::Invalid {
                    name,
                    reason: format!(
                        "must be a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                })
        })
    }
}

fn duration(
    env: &Environment<'_>,
    name: &'static str,
    default: Duration,
) -> Result<Duration, ConfigError> {
    env.var(name).map_or(Ok(default), |value| {
        humantime::parse_duration(value.trim()).map_err(|error| ConfigError::Invalid {
            name,
            reason: error.to_string(),
        })
    })
}

/// Reads only what token commands need (secret, issuer, audience, lifetime).
pub fn token_settings(env: &Environment<'_>) -> Result<(TokenSettings, bool), ConfigError> {
    let dev_mode = env.flag("SAMHANDLING_DEV_MODE", false)?;
    let secret = match env.var("JWT_SECRET") {
        Some(secret) => secret.into_bytes(),
        None if dev_mode => DEVELOPMENT_SECRET.to_vec(),
        None => return Err(ConfigError::Missing("JWT_SECRET")),
    };
    if secret.len() < MIN_SECRET_BYTES && !dev_mode {
        return Err(ConfigError::WeakSecret);
    }
    let public_key_pem = env
        .var("JWT_PUBLIC_KEY_FILE")
        .map(std::fs::read)
        .transpose()
        .map_err(ConfigError::PublicKey)?;
    Ok((
        TokenSettings {
            secret,
            issuer: env
                .var("JWT_ISSUER")
                .unwrap_or_else(|| "samhandling".into()),
            audience: env
                .var("JWT_AUDIENCE")
                .unwrap_or_else(|| "samhandling-api".into()),
            ttl: token_ttl(env)?,
            external_trust: if public_key_pem.is_some() {
                external_trust(env)?
            } else {
                ExternalTrust::default()
            },
            public_key_pem,
        },
        dev_mode,
    ))
}

/// The secret development mode signs with when none is set: published in this source, so a
/// server using it binds loopback only.
const DEVELOPMENT_SECRET: &[u8] = b"samhandling-development-secret-not-for-production";

fn token_ttl(env: &Environment<'_>) -> Result<Duration, ConfigError> {
    let ttl = duration(env, "TOKEN_TTL", Duration::from_hours(1))?;
    if ttl.is_zero() || ttl > MAX_TOKEN_TTL {
        return Err(ConfigError::Invalid {
            name: "TOKEN_TTL",
            reason: "must be more than 0 and at most 12h".into(),
        });
    }
    Ok(ttl)
}

/// `JWT_EXTERNAL_ORGANISATIONS` and `JWT_EXTERNAL_ROLES`: both required with
/// `JWT_PUBLIC_KEY_FILE`, comma-separated, and `admin` is never among the roles.
fn external_trust(env: &Environment<'_>) -> Result<ExternalTrust, ConfigError> {
    fn list<T>(
        env: &Environment<'_>,
        name: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Vec<T>, ConfigError> {
        let value = env.var(name).ok_or(ConfigError::Missing(name))?;
        let items: Vec<&str> = value
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .collect();
        if items.is_empty() {
            return Err(ConfigError::Missing(name));
        }
        items
            .into_iter()
            .map(|item| {
                parse(item).ok_or_else(|| ConfigError::Invalid {
                    name,
                    reason: "not a list of what it names".into(),
                })
            })
            .collect()
    }
    let organisations = list(env, "JWT_EXTERNAL_ORGANISATIONS", |item| {
        uuid::Uuid::parse_str(item).ok()
    })?;
    let roles = list(env, "JWT_EXTERNAL_ROLES", |item| item.parse::<Role>().ok())?;
    if roles.contains(&Role::Admin) {
        return Err(ConfigError::Invalid {
            name: "JWT_EXTERNAL_ROLES",
            reason: "an external issuer is never trusted with admin".into(),
        });
    }
    Ok(ExternalTrust {
        organisations,
        roles,
    })
}

/// `TRUSTED_PROXY_HOPS`, or 1 when the older `TRUST_X_FORWARDED_FOR=true` is set.
fn forwarded_hops(env: &Environment<'_>) -> Result<u8, ConfigError> {
    let legacy = u8::from(env.flag("TRUST_X_FORWARDED_FOR", false)?);
    let hops = env.number("TRUSTED_PROXY_HOPS", u32::from(legacy), 0..=10)?;
    Ok(u8::try_from(hops).unwrap_or(legacy))
}

/// `TRUSTED_ISSUERS_FILE`, read and checked; none when unset.
fn trusted_issuers(env: &Environment<'_>) -> Result<TrustedIssuers, ConfigError> {
    Ok(env
        .var("TRUSTED_ISSUERS_FILE")
        .map(|path| TrustedIssuers::from_file(std::path::Path::new(path.trim())))
        .transpose()?
        .unwrap_or_default())
}

/// `PUBLIC_BASE_URL`: the scheme, host and optional path prefix clients address the API by.
fn public_base_url(env: &Environment<'_>) -> Result<Option<String>, ConfigError> {
    let Some(value) = env.var("PUBLIC_BASE_URL") else {
        return Ok(None);
    };
    let invalid = || ConfigError::Invalid {
        name: "PUBLIC_BASE_URL",
        reason: "must be an http(s) URL without query or fragment, e.g. https://api.example.no"
            .into(),
    };
    let url = url::Url::parse(value.trim()).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host().is_none()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(invalid());
    }
    Ok(Some(url.as_str().trim_end_matches('/').to_owned()))
}

/// Whether `bind_addr` listens on loopback only.
fn is_loopback(bind_addr: &str) -> bool {
    bind_addr
        .parse::<std::net::SocketAddr>()
        .is_ok_and(|address| address.ip().is_loopback())
        || bind_addr.starts_with("localhost:")
}

/// Reads the database URL alone, for commands that need nothing else.
pub fn database_url(env: &Environment<'_>) -> Result<String, ConfigError> {
    env.var("DATABASE_URL")
        .ok_or(ConfigError::Missing("DATABASE_URL"))
}

/// Reads the whole configuration.
pub fn load(env: &Environment<'_>) -> Result<Config, ConfigError> {
    let (tokens, dev_mode) = token_settings(env)?;
    let pool_size = env.number("DB_POOL_SIZE", 10, 1..=200)?;
    let retry = RetryPolicy {
        base: TimeDelta::from_std(duration(
            env,
            "WEBHOOK_RETRY_BASE",
            Duration::from_secs(10),
        )?)
        .unwrap_or(TimeDelta::seconds(10)),
        ..RetryPolicy::default()
    };
    let allow_private_targets = env.flag("WEBHOOK_ALLOW_PRIVATE_TARGETS", false)?;
    let retention = retention_policy(env)?;
    let bind_addr = env
        .var("BIND_ADDR")
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    if tokens.secret == DEVELOPMENT_SECRET && !is_loopback(&bind_addr) {
        return Err(ConfigError::DevSecretBeyondLoopback);
    }
    let development = match (dev_mode, is_loopback(&bind_addr)) {
        (false, _) => Development::Off,
        (true, false) => Development::On,
        (true, true) => Development::OnLoopback,
    };
    let metrics_bind = env.var("METRICS_BIND").map(|value| value.trim().to_owned());
    if metrics_bind.as_deref() == Some(bind_addr.as_str()) {
        return Err(ConfigError::Invalid {
            name: "METRICS_BIND",
            reason: "must differ from BIND_ADDR: metrics are never served on the API's address"
                .into(),
        });
    }
    Ok(Config {
        database_url: database_url(env)?,
        bind_addr,
        metrics_bind,
        tokens,
        issuers: trusted_issuers(env)?,
        cors_allowed_origins: env
            .var("CORS_ALLOWED_ORIGINS")
            .map(|value| {
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|origin| !origin.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        db: DbOptions {
            max_size: pool_size,
            checkout_timeout: duration(env, "DB_CHECKOUT_TIMEOUT", Duration::from_secs(3))?,
            statement_timeout: duration(env, "DB_STATEMENT_TIMEOUT", Duration::from_secs(10))?,
        },
        dev_mode,
        policies: Policies {
            self_registrations_per_hour: env.number(
                "SELF_REGISTRATION_RATE_LIMIT",
                10,
                1..=100_000,
            )?,
            token_requests_per_hour: env.number("TOKEN_RATE_LIMIT", 60, 1..=100_000)?,
            forwarded_hops: forwarded_hops(env)?,
            webhook_allow_http: env.flag("WEBHOOK_ALLOW_HTTP", dev_mode)?,
            webhook_allow_private_targets: allow_private_targets,
            development,
            retention,
            public_base_url: public_base_url(env)?,
        },
        delivery: DeliverySettings {
            poll_interval: duration(env, "WEBHOOK_POLL_INTERVAL", Duration::from_secs(1))?,
            timeout: duration(env, "WEBHOOK_TIMEOUT", Duration::from_secs(10))?,
            concurrency: usize::try_from(env.number("WEBHOOK_CONCURRENCY", 16, 1..=256)?)
                .unwrap_or(16),
            retry,
            allow_private_targets,
            ..DeliverySettings::default()
        },
        retention,
        retention_sweep_interval: duration(
            env,
            "RETENTION_SWEEP_INTERVAL",
            Duration::from_hours(1),
        )?,
        overdue_sweep_interval: duration(env, "OVERDUE_SWEEP_INTERVAL", Duration::from_hours(1))?,
        agreement_sweep_interval: duration(
            env,
            "AGREEMENT_SWEEP_INTERVAL",
            Duration::from_hours(1),
        )?,
        span_export: span_export(env),
    })
}

/// How long personal data is kept, in days.
fn retention_policy(env: &Environment<'_>) -> Result<RetentionPolicy, ConfigError> {
    let days = |name, default| -> Result<TimeDelta, ConfigError> {
        Ok(TimeDelta::days(i64::from(env.number(
            name,
            default,
            1..=3650,
        )?)))
    };
    Ok(RetentionPolicy {
        after_end: days("RETENTION_DAYS", 180)?,
        when_inactive: days("RETENTION_INACTIVE_DAYS", 365)?,
        notice: days("RETENTION_NOTICE_DAYS", 30)?,
    })
}

/// Where to export request spans, read from the standard OpenTelemetry variables: the traces URL
/// as given, or the base URL with `/v1/traces`, as the OTLP specification says.
fn span_export(env: &Environment<'_>) -> Option<SpanExport> {
    let traces_endpoint = env
        .var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .map(|url| url.trim().to_owned())
        .or_else(|| {
            env.var("OTEL_EXPORTER_OTLP_ENDPOINT")
                .map(|base| format!("{}/v1/traces", base.trim().trim_end_matches('/')))
        })?;
    Some(SpanExport {
        traces_endpoint,
        service_name: env
            .var("OTEL_SERVICE_NAME")
            .unwrap_or_else(|| "samhandling".to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> Environment<'static> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Environment(Box::new(move |name| map.get(name).cloned()))
    }

    const URL: (&str, &str) = ("DATABASE_URL", "postgres://localhost/samhandling");
    const STRONG: (&str, &str) = ("JWT_SECRET", "0123456789abcdef0123456789abcdef");

    #[test]
    fn a_short_or_missing_secret_is_refused_outside_development() {
        assert!(matches!(
            load(&env(&[URL, ("JWT_SECRET", "short")])),
            Err(ConfigError::WeakSecret)
        ));
        assert!(matches!(
            load(&env(&[URL])),
            Err(ConfigError::Missing("JWT_SECRET"))
        ));
        let dev = load(&env(&[
            URL,
            ("JWT_SECRET", "short"),
            ("SAMHANDLING_DEV_MODE", "1"),
        ]))
        .expect("dev mode allows it");
        assert!(dev.dev_mode);
        let dev =
            load(&env(&[URL, ("SAMHANDLING_DEV_MODE", "true")])).expect("dev mode supplies one");
        assert!(dev.tokens.secret.len() >= MIN_SECRET_BYTES);
        assert!(matches!(
            load(&env(&[
                URL,
                ("SAMHANDLING_DEV_MODE", "1"),
                ("BIND_ADDR", "0.0.0.0:8080")
            ])),
            Err(ConfigError::DevSecretBeyondLoopback)
        ));
        let beyond_loopback = load(&env(&[
            URL,
            STRONG,
            ("SAMHANDLING_DEV_MODE", "1"),
            ("BIND_ADDR", "0.0.0.0:8080"),
        ]))
        .expect("a real secret may bind anywhere");
        // The demo token page hands out any organisation's token: never beyond loopback.
        assert_eq!(beyond_loopback.policies.development, Development::On);
        assert!(!beyond_loopback.policies.development.serves_demo_tokens());
        assert!(dev.policies.development.serves_demo_tokens());
        let production = load(&env(&[URL, STRONG])).expect("valid");
        assert_eq!(production.policies.development, Development::Off);
        assert!(!production.policies.development.persists_authorization());
    }

    #[test]
    fn token_lifetimes_are_bounded() {
        for ttl in ["0s", "13h", "30days"] {
            assert!(
                matches!(
                    load(&env(&[URL, STRONG, ("TOKEN_TTL", ttl)])),
                    Err(ConfigError::Invalid {
                        name: "TOKEN_TTL",
                        ..
                    })
                ),
                "{ttl}"
            );
        }
        load(&env(&[URL, STRONG, ("TOKEN_TTL", "12h")])).expect("a working day is allowed");
    }

    #[test]
    fn an_external_issuer_is_trusted_only_with_what_is_configured_and_never_admin() {
        let key = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/external-issuer.pub"
        );
        let org = "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a61";
        assert!(matches!(
            load(&env(&[URL, STRONG, ("JWT_PUBLIC_KEY_FILE", key)])),
            Err(ConfigError::Missing("JWT_EXTERNAL_ORGANISATIONS"))
        ));
        assert!(matches!(
            load(&env(&[
                URL,
                STRONG,
                ("JWT_PUBLIC_KEY_FILE", key),
                ("JWT_EXTERNAL_ORGANISATIONS", org),
                ("JWT_EXTERNAL_ROLES", "referrer,admin"),
            ])),
            Err(ConfigError::Invalid {
                name: "JWT_EXTERNAL_ROLES",
                ..
            })
        ));
        let config = load(&env(&[
            URL,
            STRONG,
            ("JWT_PUBLIC_KEY_FILE", key),
            ("JWT_EXTERNAL_ORGANISATIONS", org),
            ("JWT_EXTERNAL_ROLES", "referrer, municipal_contact"),
        ]))
        .expect("valid");
        assert_eq!(
            config.tokens.external_trust.roles,
            vec![Role::Referrer, Role::MunicipalContact]
        );
    }

    #[test]
    fn spans_are_exported_only_to_a_configured_collector() {
        assert_eq!(load(&env(&[URL, STRONG])).expect("valid").span_export, None);
        let base = load(&env(&[
            URL,
            STRONG,
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"),
        ]))
        .expect("valid");
        assert_eq!(
            base.span_export,
            Some(SpanExport {
                traces_endpoint: "http://collector:4318/v1/traces".into(),
                service_name: "samhandling".into(),
            })
        );
        let traces = load(&env(&[
            URL,
            STRONG,
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            (
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "http://tempo:4318/traces",
            ),
            ("OTEL_SERVICE_NAME", "samhandling-oslo"),
        ]))
        .expect("valid");
        assert_eq!(
            traces.span_export,
            Some(SpanExport {
                traces_endpoint: "http://tempo:4318/traces".into(),
                service_name: "samhandling-oslo".into(),
            })
        );
    }

    #[test]
    fn defaults_and_overrides() {
        let config = load(&env(&[URL, STRONG])).expect("valid");
        assert_eq!(config.bind_addr, "127.0.0.1:8080");
        assert_eq!(config.metrics_bind, None, "no metrics unless asked for");
        assert_eq!(config.tokens.ttl, Duration::from_hours(1));
        assert_eq!(config.db.max_size, 10);
        assert!(config.cors_allowed_origins.is_empty());
        assert_eq!(config.overdue_sweep_interval, Duration::from_hours(1));
        let config = load(&env(&[
            URL,
            STRONG,
            ("TOKEN_TTL", "30m"),
            ("DB_POOL_SIZE", "16"),
            ("OVERDUE_SWEEP_INTERVAL", "15m"),
            ("METRICS_BIND", "127.0.0.1:9464"),
            (
                "CORS_ALLOWED_ORIGINS",
                "https://a.example, https://b.example,",
            ),
        ]))
        .expect("valid");
        assert_eq!(config.tokens.ttl, Duration::from_mins(30));
        assert_eq!(config.db.max_size, 16);
        assert_eq!(config.overdue_sweep_interval, Duration::from_mins(15));
        assert_eq!(config.metrics_bind.as_deref(), Some("127.0.0.1:9464"));
        assert_eq!(
            config.cors_allowed_origins,
            vec!["https://a.example", "https://b.example"]
        );
        assert!(
            !format!("{config:?}").contains("0123456789abcdef"),
            "secrets stay out of Debug"
        );
    }

    #[test]
    fn malformed_values_are_named() {
        assert!(matches!(
            load(&env(&[URL, STRONG, ("TOKEN_TTL", "soon")])),
            Err(ConfigError::Invalid {
                name: "TOKEN_TTL",
                ..
            })
        ));
        assert!(matches!(
            load(&env(&[URL, STRONG, ("DB_POOL_SIZE", "0")])),
            Err(ConfigError::Invalid {
                name: "DB_POOL_SIZE",
                ..
            })
        ));
        assert!(matches!(
            load(&env(&[STRONG])),
            Err(ConfigError::Missing("DATABASE_URL"))
        ));
        assert!(matches!(
            load(&env(&[URL, STRONG, ("METRICS_BIND", "127.0.0.1:8080")])),
            Err(ConfigError::Invalid {
                name: "METRICS_BIND",
                ..
            })
        ));
    }

    #[test]
    fn the_documented_issuers_file_loads_and_a_broken_one_stops_the_start() {
        let example = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/trusted-issuers.example.json"
        );
        let config = load(&env(&[URL, STRONG, ("TRUSTED_ISSUERS_FILE", example)]))
            .expect("the documented example is valid");
        assert!(config.issuers.find("https://maskinporten.no/").is_some());
        assert!(config
            .issuers
            .find("https://helseid-sts.nhn.no")
            .is_some_and(|helseid| helseid.requires_dpop()));

        let directory = std::env::temp_dir().join(format!("issuers-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&directory).expect("a temporary directory");
        let broken = directory.join("issuers.json");
        std::fs::write(
            &broken,
            r#"{"issuers": [{"name": "mp", "issuer": "https://maskinporten.no/",
                "discovery": "oauth_authorization_server", "audiences": ["a"],
                "organisation": {"from": "maskinporten_consumer"},
                "roles": {"grants": {"x:admin": ["admin"]}}}]}"#,
        )
        .expect("writes");
        let refused = load(&env(&[
            URL,
            STRONG,
            ("TRUSTED_ISSUERS_FILE", broken.to_str().expect("utf-8")),
        ]));
        assert!(
            matches!(&refused, Err(ConfigError::Issuers(error)) if error.reason.contains("admin")),
            "{refused:?}"
        );
        assert!(matches!(
            load(&env(&[
                URL,
                STRONG,
                ("TRUSTED_ISSUERS_FILE", "/nonexistent.json")
            ])),
            Err(ConfigError::Issuers(_))
        ));
        assert!(matches!(
            load(&env(&[URL, STRONG, ("PUBLIC_BASE_URL", "api.example.no")])),
            Err(ConfigError::Invalid {
                name: "PUBLIC_BASE_URL",
                ..
            })
        ));
        std::fs::remove_dir_all(directory).ok();
    }
}
