//! Trusted token issuers: Maskinporten, HelseID, and OpenID Connect providers for staff (ID-porten,
//! a municipality's Entra ID), as many as configuration names. Their tokens carry no Samhandling
//! ids: an issuer's entry says where its tokens name the caller's organisation (an organisation
//! number, looked up in the directory by the HTTP layer) and which scopes or claim values grant
//! which roles. What a role may do, and which kinds of organisation may hold it, stays the
//! directory's business.
//!
//! National identity numbers (`pid`) are never read: no claim of that name can be configured as
//! the subject, and a subject that is one is refused.

use crate::jwks::{self, CachePolicy, KeyCache, KeySource, VerifyingKey};
use crate::tokens::{is_reserved_subject, LEEWAY_SECONDS};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{decode, decode_header, Validation};
use samhandling_domain::national_id::contains_national_id;
use samhandling_domain::organisation::OrganisationNumber;
use samhandling_domain::Role;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The configuration file (`TRUSTED_ISSUERS_FILE`): a JSON object with an `issuers` array.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuersFile {
    /// The issuers, each with its own rules.
    pub issuers: Vec<IssuerConfig>,
}

/// One trusted issuer as configured.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerConfig {
    /// A short name (`maskinporten`, `helseid`): lowercase letters, digits and hyphens. It
    /// prefixes its tokens' subjects (`maskinporten:<client_id>`).
    pub name: String,
    /// The exact `iss` its tokens carry, e.g. `https://maskinporten.no/`.
    pub issuer: String,
    /// Where its discovery document is.
    pub discovery: Discovery,
    /// A JWKS file to use instead of fetching (closed networks); with `discovery: none` only.
    #[serde(default)]
    pub jwks_file: Option<PathBuf>,
    /// The `aud` values accepted; a token must name one of them.
    pub audiences: Vec<String>,
    /// The header `typ` values accepted (compared without case), e.g. `at+jwt`; empty accepts
    /// any, and a missing `typ`. `dpop+jwt` is never a token.
    #[serde(default)]
    pub token_types: Vec<String>,
    /// How the caller's organisation is found.
    pub organisation: OrganisationSource,
    /// The claim naming who acts; `sub` unless set (Maskinporten's tokens have `client_id`).
    #[serde(default = "default_subject_claim")]
    pub subject_claim: String,
    /// The claim naming the client system, recorded in the audit trail.
    #[serde(default = "default_client_claim")]
    pub client_claim: String,
    /// Which claim values grant which roles.
    pub roles: RoleGrants,
    /// Whether its tokens must be DPoP-bound and sent with a proof (RFC 9449).
    #[serde(default)]
    pub require_dpop: bool,
    /// How its keys are cached.
    #[serde(default)]
    pub keys: KeyCacheSettings,
}

fn default_subject_claim() -> String {
    "sub".into()
}

fn default_client_claim() -> String {
    "client_id".into()
}

/// Where an issuer's discovery document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discovery {
    /// OpenID Connect: `<issuer>/.well-known/openid-configuration` (HelseID, ID-porten, Entra).
    OpenidConfiguration,
    /// RFC 8414: `https://<host>/.well-known/oauth-authorization-server<path>` (Maskinporten).
    OauthAuthorizationServer,
    /// None: the keys come from `jwks_file`.
    None,
}

/// Where a token names the organisation its caller acts for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case", deny_unknown_fields)]
pub enum OrganisationSource {
    /// Maskinporten's `consumer` (`{"authority": "iso6523-actorid-upis", "ID": "0192:<orgnr>"}`),
    /// and `supplier`, in the same shape, when a vendor acts for the consumer.
    MaskinportenConsumer,
    /// HelseID's `helseid://claims/client/claims/orgnr_child` when the directory knows it, else
    /// `orgnr_parent`; `orgnr_supplier` names the vendor.
    HelseidOrgnr,
    /// One organisation for every token (an Entra tenant bound to one municipality).
    Fixed {
        /// Its organisation number.
        organisation_number: String,
    },
}

/// Which claim values grant which roles.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleGrants {
    /// The claim: a space-separated string (`scope`) or an array of strings (`roles`).
    #[serde(default = "default_roles_claim")]
    pub claim: String,
    /// Value to roles; values not listed grant nothing.
    pub grants: BTreeMap<String, Vec<Role>>,
}

fn default_roles_claim() -> String {
    "scope".into()
}

/// How an issuer's keys are cached.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeyCacheSettings {
    /// Seconds fetched keys are used before they are fetched again.
    pub ttl_seconds: u64,
    /// The least seconds between fetches caused by an unknown `kid`.
    pub refetch_interval_seconds: u64,
    /// Seconds one fetch may take.
    pub fetch_timeout_seconds: u64,
}

impl Default for KeyCacheSettings {
    fn default() -> Self {
        KeyCacheSettings {
            ttl_seconds: 3600,
            refetch_interval_seconds: 30,
            fetch_timeout_seconds: 5,
        }
    }
}

/// Why the issuers' configuration cannot be used; names the issuer and what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("trusted issuer {issuer}: {reason}")]
pub struct IssuerConfigError {
    /// The issuer's name (or position, when it has none).
    pub issuer: String,
    /// What is wrong.
    pub reason: String,
}

/// A trusted issuer, ready to verify its tokens.
#[derive(Debug)]
pub struct TrustedIssuer {
    config: IssuerConfig,
    fixed_organisation: Option<OrganisationNumber>,
    keys: KeyCache,
}

/// Every trusted issuer, found by the `iss` of a token.
#[derive(Debug, Default, Clone)]
pub struct TrustedIssuers {
    issuers: Vec<Arc<TrustedIssuer>>,
}

/// Why an issuer's token was refused. The HTTP layer maps these to 401, 403 and 503.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssuerTokenError {
    /// Not a JWT, or lacking a claim its issuer's tokens must have.
    #[error("the token is malformed: {0}")]
    Malformed(&'static str),
    /// Its header names an algorithm other than its key's.
    #[error("the token's algorithm is not its key's")]
    AlgorithmMismatch,
    /// Its `typ` is not one the issuer's access tokens have.
    #[error("the token's type is not an access token of its issuer")]
    WrongType,
    /// No key of the issuer has its `kid`.
    #[error("the token's signing key is not one of its issuer's")]
    UnknownKey,
    /// The issuer's keys cannot be fetched and none is held.
    #[error("the issuer's keys cannot be fetched now")]
    KeysUnavailable,
    /// Past its `exp`.
    #[error("the token has expired")]
    Expired,
    /// Before its `nbf`.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// The signature does not verify.
    #[error("the token's signature is invalid")]
    BadSignature,
    /// Issued for another audience.
    #[error("the token is for another audience")]
    WrongAudience,
    /// Names a subject reserved for the system or API clients, or a national identity number.
    #[error("the token's subject cannot be used")]
    ReservedSubject,
    /// Names no organisation number the issuer's rules can read.
    #[error("the token names no organisation number")]
    NoOrganisation,
    /// Valid, but none of its scopes or claim values grants a role here.
    #[error("the token's {0} grants no role in Samhandling")]
    NoRole(String),
}

impl IssuerTokenError {
    /// Whether the caller is known but may not act (403), rather than unauthenticated (401).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, IssuerTokenError::NoRole(_))
    }
}

/// Who an issuer's token names, before the directory has been asked about the organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalIdentity {
    /// The issuer (`iss`).
    pub issuer: String,
    /// Who acts, as `<issuer name>:<subject>`, so that two issuers' subjects never meet, nor
    /// one of Samhandling's own (never a national identity number).
    pub subject: String,
    /// The client system, when the token names one.
    pub client: Option<String>,
    /// The caller's organisation, by number: the first the directory knows is the one.
    pub organisation_numbers: Vec<OrganisationNumber>,
    /// The vendor acting for the organisation, when one does.
    pub supplier: Option<OrganisationNumber>,
    /// The roles its scopes or claim values grant.
    pub roles: Vec<Role>,
    /// The thumbprint of the key the token is bound to (`cnf.jkt`), for DPoP.
    pub confirmation: Option<String>,
}

/// The HelseID claims that name organisations.
const HELSEID_ORGNR_CHILD: &str = "helseid://claims/client/claims/orgnr_child";
const HELSEID_ORGNR_PARENT: &str = "helseid://claims/client/claims/orgnr_parent";
const HELSEID_ORGNR_SUPPLIER: &str = "helseid://claims/client/claims/orgnr_supplier";

/// Whether a claim name is one that carries a national identity number.
fn names_national_id(claim: &str) -> bool {
    let claim = claim.to_ascii_lowercase();
    claim == "pid" || claim.ends_with("/pid") || claim.contains("fnr")
}

impl TrustedIssuer {
    /// Checks `config` and reads its JWKS file, if any; relative paths are read from `base`.
    pub fn new(config: IssuerConfig, base: &Path) -> Result<TrustedIssuer, IssuerConfigError> {
        let fail = |reason: &str| IssuerConfigError {
            issuer: config.name.clone(),
            reason: reason.to_owned(),
        };
        let name_is_usable = !config.name.is_empty()
            && config.name.len() <= 40
            && config
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !matches!(config.name.as_str(), "client" | "system" | "anonymous");
        if !name_is_usable {
            return Err(fail(
                "name must be 1 to 40 lowercase letters, digits and hyphens, and not client, system or anonymous",
            ));
        }
        if config.issuer.len() > 500 || !jwks::is_fetchable(&config.issuer) {
            return Err(fail(
                "issuer must be an https URL (http only on loopback) of at most 500 characters",
            ));
        }
        if config.audiences.iter().all(|aud| aud.trim().is_empty()) {
            return Err(fail("audiences must name at least one audience"));
        }
        if config
            .token_types
            .iter()
            .any(|typ| typ.eq_ignore_ascii_case("dpop+jwt"))
        {
            return Err(fail("dpop+jwt is a proof's type, never an access token's"));
        }
        for claim in [
            &config.subject_claim,
            &config.client_claim,
            &config.roles.claim,
        ] {
            if names_national_id(claim) {
                return Err(fail(&format!(
                    "the claim {claim} carries national identity numbers, which Samhandling never reads"
                )));
            }
        }
        if config.roles.grants.is_empty() {
            return Err(fail("roles.grants must grant at least one role"));
        }
        for (value, roles) in &config.roles.grants {
            if roles.is_empty() {
                return Err(fail(&format!("roles.grants.{value} grants no role")));
            }
            if roles.contains(&Role::Admin) {
                return Err(fail("an external issuer is never trusted with admin"));
            }
        }
        let fixed_organisation = match &config.organisation {
            OrganisationSource::Fixed {
                organisation_number,
            } => Some(
                organisation_number
                    .parse::<OrganisationNumber>()
                    .map_err(|error| fail(&format!("organisation.organisation_number: {error}")))?,
            ),
            _ => None,
        };
        let keys = key_cache(&config, base).map_err(|reason| fail(&reason))?;
        Ok(TrustedIssuer {
            config,
            fixed_organisation,
            keys,
        })
    }

    /// The configured name.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// The `iss` its tokens carry.
    pub fn issuer(&self) -> &str {
        &self.config.issuer
    }

    /// Whether its tokens must come with a DPoP proof.
    pub fn requires_dpop(&self) -> bool {
        self.config.require_dpop
    }

    /// Its keys.
    pub fn keys(&self) -> &KeyCache {
        &self.keys
    }

    /// Checks the token's signature with `key`, its lifetime, audience and type, and reads who it
    /// names by this issuer's rules.
    pub fn verify(
        &self,
        token: &str,
        key: &VerifyingKey,
    ) -> Result<ExternalIdentity, IssuerTokenError> {
        use jsonwebtoken::errors::ErrorKind;
        let header = decode_header(token).map_err(|_| IssuerTokenError::Malformed("header"))?;
        if header.alg != key.algorithm {
            return Err(IssuerTokenError::AlgorithmMismatch);
        }
        let typ = header.typ.as_deref();
        let typ_accepted = match typ {
            Some(typ) if typ.eq_ignore_ascii_case("dpop+jwt") => false,
            _ if self.config.token_types.is_empty() => true,
            Some(typ) => self
                .config
                .token_types
                .iter()
                .any(|accepted| accepted.eq_ignore_ascii_case(typ)),
            None => false,
        };
        if !typ_accepted {
            return Err(IssuerTokenError::WrongType);
        }
        let mut validation = Validation::new(key.algorithm);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&self.config.audiences);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let claims = decode::<Map<String, Value>>(token, &key.key, &validation)
            .map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature => IssuerTokenError::Expired,
                ErrorKind::ImmatureSignature => IssuerTokenError::NotYetValid,
                ErrorKind::InvalidSignature => IssuerTokenError::BadSignature,
                ErrorKind::InvalidAudience => IssuerTokenError::WrongAudience,
                ErrorKind::InvalidAlgorithm => IssuerTokenError::AlgorithmMismatch,
                _ => IssuerTokenError::Malformed("claims"),
            })?
            .claims;
        let text = |name: &str| {
            claims
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|value| !value.is_empty())
        };
        let subject =
            text(&self.config.subject_claim).ok_or(IssuerTokenError::Malformed("no subject"))?;
        // Subjects are stored where they may be at most 255 characters, prefix included.
        let too_long = subject.len() + self.config.name.len() + 1 > 255;
        if too_long || is_reserved_subject(subject) || contains_national_id(subject) {
            return Err(IssuerTokenError::ReservedSubject);
        }
        let (organisation_numbers, supplier) = self.organisation(&claims)?;
        let roles = self.roles(&claims)?;
        let confirmation = claims
            .get("cnf")
            .and_then(|cnf| cnf.get("jkt"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok(ExternalIdentity {
            issuer: self.config.issuer.clone(),
            subject: format!("{}:{subject}", self.config.name),
            client: text(&self.config.client_claim)
                .filter(|client| client.len() <= 255)
                .map(str::to_owned),
            organisation_numbers,
            supplier,
            roles,
            confirmation,
        })
    }

    fn organisation(
        &self,
        claims: &Map<String, Value>,
    ) -> Result<(Vec<OrganisationNumber>, Option<OrganisationNumber>), IssuerTokenError> {
        let number = |value: Option<&Value>| {
            value
                .and_then(Value::as_str)
                .and_then(|number| number.trim().parse::<OrganisationNumber>().ok())
        };
        match &self.config.organisation {
            OrganisationSource::MaskinportenConsumer => {
                let consumer =
                    iso6523(claims.get("consumer")).ok_or(IssuerTokenError::NoOrganisation)?;
                Ok((vec![consumer], iso6523(claims.get("supplier"))))
            }
            OrganisationSource::HelseidOrgnr => {
                let numbers: Vec<OrganisationNumber> = [HELSEID_ORGNR_CHILD, HELSEID_ORGNR_PARENT]
                    .into_iter()
                    .filter_map(|claim| number(claims.get(claim)))
                    .collect();
                if numbers.is_empty() {
                    return Err(IssuerTokenError::NoOrganisation);
                }
                Ok((numbers, number(claims.get(HELSEID_ORGNR_SUPPLIER))))
            }
            OrganisationSource::Fixed { .. } => {
                Ok((self.fixed_organisation.iter().cloned().collect(), None))
            }
        }
    }

    fn roles(&self, claims: &Map<String, Value>) -> Result<Vec<Role>, IssuerTokenError> {
        let claim = &self.config.roles.claim;
        let values: Vec<&str> = match claims.get(claim) {
            Some(Value::String(values)) => values.split_whitespace().collect(),
            Some(Value::Array(values)) => values.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let roles: BTreeSet<Role> = values
            .into_iter()
            .filter_map(|value| self.config.roles.grants.get(value))
            .flatten()
            .copied()
            .collect();
        if roles.is_empty() {
            return Err(IssuerTokenError::NoRole(claim.clone()));
        }
        Ok(roles.into_iter().collect())
    }
}

/// The issuer's keys: read from its JWKS file, or a cache filled through its discovery document.
fn key_cache(config: &IssuerConfig, base: &Path) -> Result<KeyCache, String> {
    let settings = config.keys;
    let policy = CachePolicy {
        ttl: Duration::from_secs(settings.ttl_seconds),
        refetch_interval: Duration::from_secs(settings.refetch_interval_seconds),
        fetch_timeout: Duration::from_secs(settings.fetch_timeout_seconds.clamp(1, 30)),
    };
    Ok(match (config.discovery, &config.jwks_file) {
        (Discovery::None, Some(file)) => {
            let path = base.join(file);
            let document = std::fs::read(&path)
                .map_err(|error| format!("jwks_file {} cannot be read: {error}", path.display()))?;
            let keys =
                jwks::parse_key_set(&document).map_err(|error| format!("jwks_file: {error}"))?;
            if keys.is_empty() {
                return Err("jwks_file holds no usable public signing key".into());
            }
            KeyCache::fixed(keys)
        }
        (Discovery::None, None) => {
            return Err("discovery none needs a jwks_file".into());
        }
        (_, Some(_)) => {
            return Err("jwks_file is used only with discovery none".into());
        }
        (discovery, None) => KeyCache::discovered(
            KeySource::Discovery {
                url: well_known(&config.issuer, discovery).ok_or("issuer is not a URL")?,
                issuer: config.issuer.clone(),
            },
            policy,
        ),
    })
}

/// The organisation number of an ISO 6523 party as Maskinporten writes it: authority
/// `iso6523-actorid-upis`, id `0192:<orgnr>` (0192 is Brønnøysund's register).
fn iso6523(party: Option<&Value>) -> Option<OrganisationNumber> {
    let party = party?;
    if party.get("authority").and_then(Value::as_str) != Some("iso6523-actorid-upis") {
        return None;
    }
    party
        .get("ID")
        .and_then(Value::as_str)?
        .strip_prefix("0192:")?
        .parse()
        .ok()
}

/// The discovery document's URL. RFC 8414 puts the well-known segment between the host and the
/// issuer's path; OpenID Connect appends it to the issuer.
pub fn well_known(issuer: &str, discovery: Discovery) -> Option<String> {
    let url = url::Url::parse(issuer).ok()?;
    let path = url.path().trim_end_matches('/');
    match discovery {
        Discovery::OpenidConfiguration => Some(format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        )),
        Discovery::OauthAuthorizationServer => {
            let origin = url.origin().ascii_serialization();
            Some(format!(
                "{origin}/.well-known/oauth-authorization-server{path}"
            ))
        }
        Discovery::None => None,
    }
}

impl TrustedIssuers {
    /// Checks every entry of `file`; relative JWKS paths are read from `base`.
    pub fn new(file: IssuersFile, base: &Path) -> Result<TrustedIssuers, IssuerConfigError> {
        let mut issuers: Vec<Arc<TrustedIssuer>> = Vec::new();
        for (index, config) in file.issuers.into_iter().enumerate() {
            let duplicate = issuers.iter().any(|known| {
                known.config.issuer == config.issuer || known.config.name == config.name
            });
            if duplicate {
                return Err(IssuerConfigError {
                    issuer: format!("#{}", index + 1),
                    reason: "names an issuer or a name already configured".into(),
                });
            }
            issuers.push(Arc::new(TrustedIssuer::new(config, base)?));
        }
        Ok(TrustedIssuers { issuers })
    }

    /// Reads and checks the JSON file at `path`.
    pub fn from_file(path: &Path) -> Result<TrustedIssuers, IssuerConfigError> {
        let fail = |reason: String| IssuerConfigError {
            issuer: path.display().to_string(),
            reason,
        };
        let text = std::fs::read(path).map_err(|error| fail(format!("cannot be read: {error}")))?;
        let file: IssuersFile = serde_json::from_slice(&text)
            .map_err(|error| fail(format!("is not a valid issuers file: {error}")))?;
        TrustedIssuers::new(file, path.parent().unwrap_or(Path::new(".")))
    }

    /// The issuer whose `iss` is `issuer`.
    pub fn find(&self, issuer: &str) -> Option<Arc<TrustedIssuer>> {
        self.issuers
            .iter()
            .find(|trusted| trusted.config.issuer == issuer)
            .cloned()
    }

    /// Whether none is configured.
    pub fn is_empty(&self) -> bool {
        self.issuers.is_empty()
    }
}

/// The `iss` a token claims, read without verifying anything: only to choose whose keys verify
/// it.
pub fn claimed_issuer(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("iss")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn discovery_urls_follow_their_specifications() {
        assert_eq!(
            well_known(
                "https://maskinporten.no/",
                Discovery::OauthAuthorizationServer
            )
            .as_deref(),
            Some("https://maskinporten.no/.well-known/oauth-authorization-server")
        );
        assert_eq!(
            well_known(
                "https://example.no/tenant",
                Discovery::OauthAuthorizationServer
            )
            .as_deref(),
            Some("https://example.no/.well-known/oauth-authorization-server/tenant")
        );
        assert_eq!(
            well_known("https://helseid-sts.nhn.no", Discovery::OpenidConfiguration).as_deref(),
            Some("https://helseid-sts.nhn.no/.well-known/openid-configuration")
        );
    }

    #[test]
    fn maskinporten_parties_are_read_only_in_their_iso_6523_shape() {
        let consumer = json!({"authority": "iso6523-actorid-upis", "ID": "0192:974760673"});
        assert_eq!(
            iso6523(Some(&consumer)).map(String::from).as_deref(),
            Some("974760673")
        );
        let other = json!({"authority": "other", "ID": "0192:974760673"});
        assert_eq!(iso6523(Some(&other)), None);
        let bad_check_digit = json!({"authority": "iso6523-actorid-upis", "ID": "0192:974760674"});
        assert_eq!(iso6523(Some(&bad_check_digit)), None);
    }

    fn config(json: Value) -> Result<TrustedIssuer, IssuerConfigError> {
        let config: IssuerConfig = serde_json::from_value(json).expect("the shape parses");
        TrustedIssuer::new(config, Path::new("."))
    }

    #[test]
    fn configuration_refuses_admin_pid_and_plain_http() {
        let good = json!({
            "name": "maskinporten",
            "issuer": "https://maskinporten.no/",
            "discovery": "oauth_authorization_server",
            "audiences": ["https://api.samhandling.no"],
            "organisation": {"from": "maskinporten_consumer"},
            "subject_claim": "client_id",
            "roles": {"grants": {"samhandling:referrals": ["referrer"]}}
        });
        assert!(config(good.clone()).is_ok());
        let mut admin = good.clone();
        admin["roles"]["grants"]["samhandling:admin"] = json!(["admin"]);
        assert!(config(admin).is_err());
        let mut pid = good.clone();
        pid["subject_claim"] = json!("pid");
        assert!(config(pid).is_err());
        let mut http = good.clone();
        http["issuer"] = json!("http://maskinporten.no/");
        assert!(config(http).is_err());
        let mut no_audience = good;
        no_audience["audiences"] = json!([]);
        assert!(config(no_audience).is_err());
    }

    #[test]
    fn a_jwks_file_serves_closed_networks_and_only_with_discovery_none() {
        let directory = std::env::temp_dir().join(format!("jwks-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&directory).expect("a temporary directory");
        std::fs::write(
            directory.join("keys.json"),
            json!({"keys": [{"kty": "EC", "crv": "P-256", "kid": "k1",
                "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]})
            .to_string(),
        )
        .expect("writes");
        let entry = |discovery: &str| {
            serde_json::from_value::<IssuerConfig>(json!({
                "name": "closed",
                "issuer": "https://sts.helsenett.example/",
                "discovery": discovery,
                "jwks_file": "keys.json",
                "audiences": ["samhandling"],
                "organisation": {"from": "fixed", "organisation_number": "974760673"},
                "roles": {"grants": {"samhandling": ["referrer"]}}
            }))
            .expect("the shape parses")
        };
        let closed = TrustedIssuer::new(entry("none"), &directory).expect("valid");
        assert!(matches!(
            closed.keys().lookup(Some("k1")),
            crate::jwks::Lookup::Found(_)
        ));
        assert!(TrustedIssuer::new(entry("openid_configuration"), &directory).is_err());
        std::fs::remove_dir_all(directory).ok();
    }
}
