//! Configuration from environment variables, read once at start-up. Secrets never reach `Debug`
//! output or logs.

use samhandling_auth::TokenSettings;
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
}

/// Everything the server needs.
#[derive(Clone)]
pub struct Config {
    /// PostgreSQL URL.
    pub database_url: String,
    /// Address to listen on.
    pub bind_addr: String,
    /// Token signing and checking.
    pub tokens: TokenSettings,
    /// Origins allowed to call from a browser.
    pub cors_allowed_origins: Vec<String>,
    /// Pool behaviour.
    pub db: DbOptions,
    /// Whether weak development settings are allowed.
    pub dev_mode: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &"<redacted>")
            .field("bind_addr", &self.bind_addr)
            .field("tokens", &self.tokens)
            .field("cors_allowed_origins", &self.cors_allowed_origins)
            .field("db", &self.db)
            .field("dev_mode", &self.dev_mode)
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
    let dev_mode = env
        .var("SAMHANDLING_DEV_MODE")
        .is_some_and(|value| value == "1" || value.eq_ignore_ascii_case("true"));
    let secret = match env.var("JWT_SECRET") {
        Some(secret) => secret.into_bytes(),
        None if dev_mode => b"samhandling-development-secret-not-for-production".to_vec(),
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
            ttl: duration(env, "TOKEN_TTL", Duration::from_hours(1))?,
            public_key_pem,
        },
        dev_mode,
    ))
}

/// Reads the database URL alone, for commands that need nothing else.
pub fn database_url(env: &Environment<'_>) -> Result<String, ConfigError> {
    env.var("DATABASE_URL")
        .ok_or(ConfigError::Missing("DATABASE_URL"))
}

/// Reads the whole configuration.
pub fn load(env: &Environment<'_>) -> Result<Config, ConfigError> {
    let (tokens, dev_mode) = token_settings(env)?;
    let pool_size = env.var("DB_POOL_SIZE").map_or(Ok(10), |value| {
        value
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|size| (1..=200).contains(size))
            .ok_or(ConfigError::Invalid {
                name: "DB_POOL_SIZE",
                reason: "must be a whole number from 1 to 200".into(),
            })
    })?;
    Ok(Config {
        database_url: database_url(env)?,
        bind_addr: env
            .var("BIND_ADDR")
            .unwrap_or_else(|| "127.0.0.1:8080".into()),
        tokens,
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
    }

    #[test]
    fn defaults_and_overrides() {
        let config = load(&env(&[URL, STRONG])).expect("valid");
        assert_eq!(config.bind_addr, "127.0.0.1:8080");
        assert_eq!(config.tokens.ttl, Duration::from_hours(1));
        assert_eq!(config.db.max_size, 10);
        assert!(config.cors_allowed_origins.is_empty());
        let config = load(&env(&[
            URL,
            STRONG,
            ("TOKEN_TTL", "30m"),
            ("DB_POOL_SIZE", "16"),
            (
                "CORS_ALLOWED_ORIGINS",
                "https://a.example, https://b.example,",
            ),
        ]))
        .expect("valid");
        assert_eq!(config.tokens.ttl, Duration::from_mins(30));
        assert_eq!(config.db.max_size, 16);
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
    }
}
