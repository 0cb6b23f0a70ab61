//! Bearer tokens (JWT). Samhandling signs its own with HS256; when a public key is configured it
//! also accepts RS256/ES256 tokens from an external issuer (a national identity provider or the
//! customer's own), with the same claims and the same issuer and audience checks.

use chrono::Utc;
use jsonwebtoken::{
    decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use samhandling_domain::{Caller, Role};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;

/// The claims every token carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Subject: who acts.
    pub sub: String,
    /// The organisation the subject acts for.
    pub org: Uuid,
    /// The roles granted.
    pub roles: Vec<Role>,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Token id, unique per token.
    pub jti: Uuid,
}

/// How tokens are signed and checked.
#[derive(Clone)]
pub struct TokenSettings {
    /// The HS256 key; at least 32 bytes outside development.
    pub secret: Vec<u8>,
    /// The `iss` Samhandling writes and expects.
    pub issuer: String,
    /// The `aud` Samhandling writes and expects.
    pub audience: String,
    /// Lifetime of tokens Samhandling issues.
    pub ttl: Duration,
    /// An external issuer's public key in PEM (RSA or EC P-256), if any.
    pub public_key_pem: Option<Vec<u8>>,
    /// What an external issuer may assert; nothing unless configured.
    pub external_trust: ExternalTrust,
}

/// The organisations and roles an external issuer is trusted to assert. Its key proves who signed
/// a token, not that the signer may speak for every organisation: a national identity provider
/// vouches for the municipalities and roles it was set up for, and never for `admin`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExternalTrust {
    /// The organisations its tokens may act for.
    pub organisations: Vec<Uuid>,
    /// The roles its tokens may grant (never `admin`).
    pub roles: Vec<Role>,
}

/// The subject of tokens for API clients, `client:<id>`: only the token endpoint issues those.
pub const CLIENT_SUBJECT_PREFIX: &str = "client:";

/// Subjects only Samhandling itself names: an external issuer's token may pose as neither the
/// system nor an API client.
pub(crate) fn is_reserved_subject(subject: &str) -> bool {
    is_system_subject(subject) || subject.starts_with(CLIENT_SUBJECT_PREFIX)
}

/// Subjects the audit trail uses for the system itself; no token may pose as them.
fn is_system_subject(subject: &str) -> bool {
    subject == "anonymous" || subject.starts_with("system:")
}

impl std::fmt::Debug for TokenSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSettings")
            .field("secret", &"<redacted>")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("ttl", &self.ttl)
            .field(
                "public_key_pem",
                &self.public_key_pem.as_ref().map(|_| "<configured>"),
            )
            .field("external_trust", &self.external_trust)
            .finish()
    }
}

/// Why a token was refused, or could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not a JWT, or its claims are not ours.
    #[error("the token is malformed")]
    Malformed,
    /// Past its `exp`.
    #[error("the token has expired")]
    Expired,
    /// The signature does not verify.
    #[error("the token's signature is invalid")]
    BadSignature,
    /// Issued for another audience.
    #[error("the token is for another audience")]
    WrongAudience,
    /// Issued by someone else.
    #[error("the token is from another issuer")]
    WrongIssuer,
    /// Signed with an algorithm not accepted here.
    #[error("the token's algorithm is not accepted")]
    UnsupportedAlgorithm,
    /// Carries no role.
    #[error("the token grants no role")]
    NoRoles,
    /// Before its `nbf`.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// Names a subject reserved for the system or for API clients.
    #[error("the token's subject is reserved")]
    ReservedSubject,
    /// From the external issuer, for an organisation or role it is not trusted with.
    #[error("the token's issuer is not trusted with this organisation or role")]
    Untrusted,
    /// The configured public key is not a usable RSA or EC PEM.
    #[error("the public key is not an RSA or EC public key in PEM")]
    BadPublicKey,
    /// Signing failed.
    #[error("signing the token failed")]
    Signing,
}

/// A freshly signed token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The compact JWT.
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: u64,
}

/// Signs and verifies tokens; built once at start-up and shared.
#[derive(Clone)]
pub struct TokenService {
    encoding: EncodingKey,
    hs_decoding: DecodingKey,
    external: Option<(DecodingKey, Algorithm)>,
    external_trust: ExternalTrust,
    issuer: String,
    audience: String,
    ttl: Duration,
}

impl std::fmt::Debug for TokenService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenService")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("ttl", &self.ttl)
            .field("external", &self.external.as_ref().map(|(_, alg)| alg))
            .finish_non_exhaustive()
    }
}

/// Tolerated clock difference between issuer and Samhandling.
pub(crate) const LEEWAY_SECONDS: u64 = 30;

impl TokenService {
    /// Builds the service; fails only when the public key cannot be read.
    pub fn new(settings: &TokenSettings) -> Result<TokenService, TokenError> {
        let external = settings
            .public_key_pem
            .as_deref()
            .map(|pem| {
                DecodingKey::from_rsa_pem(pem)
                    .map(|key| (key, Algorithm::RS256))
                    .or_else(|_| DecodingKey::from_ec_pem(pem).map(|key| (key, Algorithm::ES256)))
                    .map_err(|_| TokenError::BadPublicKey)
            })
            .transpose()?;
        Ok(TokenService {
            encoding: EncodingKey::from_secret(&settings.secret),
            hs_decoding: DecodingKey::from_secret(&settings.secret),
            external,
            external_trust: settings.external_trust.clone(),
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl: settings.ttl,
        })
    }

    /// The lifetime of tokens issued without an explicit one.
    pub fn default_ttl(&self) -> Duration {
        self.ttl
    }

    /// Signs a token for `subject` acting for `organisation_id` with `roles`, valid for `ttl`
    /// (the configured lifetime when `None`).
    pub fn issue(
        &self,
        subject: &str,
        organisation_id: Uuid,
        roles: &[Role],
        ttl: Option<Duration>,
    ) -> Result<IssuedToken, TokenError> {
        let ttl = ttl.unwrap_or(self.ttl);
        let now = Utc::now().timestamp();
        let lifetime = i64::try_from(ttl.as_secs()).map_err(|_| TokenError::Signing)?;
        let claims = Claims {
            sub: subject.to_owned(),
            org: organisation_id,
            roles: roles.to_vec(),
            iat: now,
            exp: now.saturating_add(lifetime),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            jti: Uuid::now_v7(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| TokenError::Signing)?;
        Ok(IssuedToken {
            token,
            expires_in: ttl.as_secs(),
        })
    }

    /// Checks a token's signature, lifetime, issuer and audience, and returns who it names.
    pub fn verify(&self, token: &str) -> Result<Caller, TokenError> {
        let header = decode_header(token).map_err(|_| TokenError::Malformed)?;
        let (key, external) = match (header.alg, &self.external) {
            (Algorithm::HS256, _) => (&self.hs_decoding, false),
            (alg, Some((key, expected))) if alg == *expected => (key, true),
            _ => return Err(TokenError::UnsupportedAlgorithm),
        };
        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data = decode::<Claims>(token, key, &validation).map_err(|error| {
            use jsonwebtoken::errors::ErrorKind;
            match error.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                ErrorKind::InvalidSignature => TokenError::BadSignature,
                ErrorKind::InvalidAudience => TokenError::WrongAudience,
                ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
                ErrorKind::InvalidAlgorithm => TokenError::UnsupportedAlgorithm,
                _ => TokenError::Malformed,
            }
        })?;
        let claims = data.claims;
        if claims.roles.is_empty() {
            return Err(TokenError::NoRoles);
        }
        if is_system_subject(&claims.sub)
            || (external && claims.sub.starts_with(CLIENT_SUBJECT_PREFIX))
        {
            return Err(TokenError::ReservedSubject);
        }
        if external && !self.trusts(&claims) {
            return Err(TokenError::Untrusted);
        }
        Ok(Caller {
            subject: claims.sub,
            organisation_id: claims.org.into(),
            roles: claims.roles,
        })
    }
}

impl TokenService {
    /// Whether the external issuer may assert these claims' organisation and every role.
    fn trusts(&self, claims: &Claims) -> bool {
        let trust = &self.external_trust;
        trust.organisations.contains(&claims.org)
            && claims
                .roles
                .iter()
                .all(|role| *role != Role::Admin && trust.roles.contains(role))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(secret: &[u8], audience: &str) -> TokenService {
        TokenService::new(&TokenSettings {
            secret: secret.to_vec(),
            issuer: "samhandling".into(),
            audience: audience.into(),
            ttl: Duration::from_hours(1),
            public_key_pem: None,
            external_trust: ExternalTrust::default(),
        })
        .expect("no public key to read")
    }

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn an_issued_token_verifies_to_its_caller() {
        let tokens = service(SECRET, "samhandling-api");
        let org = Uuid::now_v7();
        let issued = tokens
            .issue("kari", org, &[Role::Referrer], None)
            .expect("signs");
        let caller = tokens.verify(&issued.token).expect("verifies");
        assert_eq!(caller.subject, "kari");
        assert_eq!(caller.organisation_id.uuid(), org);
        assert_eq!(caller.roles, vec![Role::Referrer]);
    }

    #[test]
    fn foreign_audience_and_key_are_refused() {
        let ours = service(SECRET, "samhandling-api");
        let theirs = service(SECRET, "another-api");
        let forged = service(b"another secret, also 32 bytes long", "samhandling-api");
        let org = Uuid::now_v7();
        let token = theirs
            .issue("kari", org, &[Role::Referrer], None)
            .expect("signs");
        assert_eq!(ours.verify(&token.token), Err(TokenError::WrongAudience));
        let token = forged
            .issue("kari", org, &[Role::Admin], None)
            .expect("signs");
        assert_eq!(ours.verify(&token.token), Err(TokenError::BadSignature));
        assert_eq!(ours.verify("not.a.token"), Err(TokenError::Malformed));
    }

    #[test]
    fn system_subjects_cannot_be_posed_as() {
        let tokens = service(SECRET, "samhandling-api");
        for subject in ["anonymous", "system:retention", "system:anything"] {
            let token = tokens
                .issue(subject, Uuid::now_v7(), &[Role::Referrer], None)
                .expect("signs");
            assert_eq!(
                tokens.verify(&token.token),
                Err(TokenError::ReservedSubject)
            );
        }
    }

    #[test]
    fn a_token_before_its_not_before_time_is_refused() {
        #[derive(Serialize)]
        struct Early<'a> {
            #[serde(flatten)]
            claims: &'a Claims,
            nbf: i64,
        }
        let tokens = service(SECRET, "samhandling-api");
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: "kari".into(),
            org: Uuid::now_v7(),
            roles: vec![Role::Referrer],
            iat: now,
            exp: now + 3600,
            iss: "samhandling".into(),
            aud: "samhandling-api".into(),
            jti: Uuid::now_v7(),
        };
        let early = encode(
            &Header::new(Algorithm::HS256),
            &Early {
                claims: &claims,
                nbf: now + 600,
            },
            &EncodingKey::from_secret(SECRET),
        )
        .expect("signs");
        assert_eq!(tokens.verify(&early), Err(TokenError::NotYetValid));
    }
}
