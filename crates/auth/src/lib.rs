//! Authentication for Samhandling: signed bearer tokens that name a subject, an organisation and
//! roles, the hashed secrets of API clients, and the signatures that let webhook receivers
//! authenticate deliveries. No HTTP and no storage here: the HTTP layer extracts the token,
//! storage keeps the hashes.

pub mod dpop;
pub mod issuers;
pub mod jwks;
pub mod secrets;
pub mod tokens;
pub mod webhook_signatures;

pub use tokens::{
    Claims, ExternalTrust, IssuedToken, TokenError, TokenService, TokenSettings,
    CLIENT_SUBJECT_PREFIX,
};
