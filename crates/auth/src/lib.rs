//! Authentication for Samhandling: signed bearer tokens that name a subject, an organisation and
//! roles, and the hashed secrets of API clients. No HTTP and no storage here: the HTTP layer
//! extracts the token, storage keeps the hashes.

pub mod secrets;
pub mod tokens;

pub use tokens::{
    Claims, ExternalTrust, IssuedToken, TokenError, TokenService, TokenSettings,
    CLIENT_SUBJECT_PREFIX,
};
