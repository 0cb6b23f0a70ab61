//! Which URLs a webhook subscription may name. Checked at registration (scheme, credentials,
//! literal addresses) and again at every delivery, where the resolved addresses are checked,
//! since a name can resolve elsewhere later (DNS rebinding).

use crate::error::ApiError;
use crate::state::Policies;
use regex::Regex;
use samhandling_domain::webhook::is_public_address;
use std::net::IpAddr;
use std::sync::LazyLock;
use url::{Host, Url};

/// The shape of a production target, as published in the schema: https, a DNS name (no address
/// literals, no credentials), a port below 10000 if any, printable ASCII in the path.
pub const TARGET_PATTERN: &str =
    r"^https://([a-z0-9-]+\.)+[a-z]{2,63}(:[1-9][0-9]{0,3})?(/[!-~]*)?$";

static TARGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(TARGET_PATTERN).unwrap_or_else(|error| panic!("the target pattern: {error}"))
});

/// A target URL that passed the registration checks. Unless development settings relax them, it
/// must match [`TARGET_PATTERN`] exactly, so that the server accepts what the schema documents
/// and nothing more.
pub fn check(raw: &str, policies: &Policies) -> Result<Url, ApiError> {
    let invalid = |message: &str| ApiError::invalid_field("url", "url", message.to_owned());
    let relaxed = policies.webhook_allow_http || policies.webhook_allow_private_targets;
    if !relaxed && !TARGET.is_match(raw) {
        return Err(invalid(
            "must be https:// with a lower-case DNS name, an optional port below 10000 and a printable path",
        ));
    }
    let url = Url::parse(raw).map_err(|_| invalid("not an absolute URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if policies.webhook_allow_http => {}
        _ => return Err(invalid("must be an https:// URL")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "must not carry credentials; the signature authenticates deliveries",
        ));
    }
    let host = url.host().ok_or_else(|| invalid("must name a host"))?;
    if !policies.webhook_allow_private_targets {
        let literal = match host {
            Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
            Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
            Host::Domain(_) => None,
        };
        let local_name = matches!(host, Host::Domain(name) if name == "localhost" || name.ends_with(".localhost"));
        if local_name || literal.is_some_and(|address| !is_public_address(address)) {
            return Err(invalid(
                "must not point at a private, loopback or link-local address",
            ));
        }
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_https_targets_by_default() {
        let strict = Policies::default();
        assert!(check(
            "https://fagsystem.stjordal.kommune.no/hooks/samhandling",
            &strict
        )
        .is_ok());
        for refused in [
            "http://fagsystem.example.no/hook",
            "https://127.0.0.1/hook",
            "https://[::1]/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://10.0.0.5/hook",
            "https://localhost:8443/hook",
            "https://user:pass@example.no/hook",
            "not a url",
        ] {
            assert!(check(refused, &strict).is_err(), "{refused}");
        }
        let development = Policies {
            webhook_allow_http: true,
            webhook_allow_private_targets: true,
            ..Policies::default()
        };
        assert!(check("http://127.0.0.1:9999/hook", &development).is_ok());
    }
}
