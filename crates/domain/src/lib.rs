//! Samhandling's domain: the words of the Norwegian mental-health and substance-abuse field as types,
//! and the rules that hold whatever stores or serves them. Nothing here does I/O, so every rule can be
//! tested in isolation and every outer layer (storage, auth, HTTP) depends inward on it.

pub mod access;
pub mod agreement;
pub mod api_client;
pub mod audit;
pub mod chronology;
pub mod coordination;
pub mod course;
pub mod dialogue;
pub mod grant;
pub mod group;
pub mod ids;
pub mod intake;
pub mod learning_network;
pub mod lifecycle;
pub mod national_id;
pub mod network_meeting;
pub mod organisation;
pub mod outreach;
pub mod page;
pub mod referral;
pub mod refusal;
pub mod role;
pub mod statistics;
pub mod text;
pub mod venue;
pub mod version;
pub mod webhook;
mod wire;

pub use access::Caller;
pub use ids::OrganisationId;
pub use role::Role;
