//! PostgreSQL storage for Samhandling. Knows nothing of HTTP: it takes domain values and the
//! caller's scope, runs diesel queries, and returns domain values or a [`StoreError`].
//!
//! Every function takes `&mut PgConnection`, so callers decide the transaction: a change, its
//! audit event and its idempotency record commit together or not at all.

pub mod agreements;
pub mod api_clients;
pub mod audit;
pub mod coordination;
pub mod courses;
pub mod dialogue;
pub mod dpop_proofs;
mod error;
pub mod facilitators;
pub mod follow_up_actions;
pub mod gatherings;
pub mod grants;
pub mod group_sessions;
pub mod group_statistics;
pub mod groups;
pub mod idempotency;
pub mod improvement_tasks;
pub mod intakes;
pub mod is24;
pub mod learning_networks;
pub mod matching;
pub mod meeting_statistics;
pub mod memberships;
pub mod migrations;
pub mod network_meetings;
pub mod organisations;
pub mod outreach;
mod pagination;
pub mod picture;
mod pool;
pub mod published_statistics;
pub mod rate_limits;
mod record;
pub mod referrals;
/// The tables, as `diesel print-schema` writes them.
#[allow(missing_docs)]
pub mod schema;
mod statement;
pub mod supervision;
mod transaction;
pub mod webhooks;

pub use diesel::PgConnection;
pub use error::StoreError;
pub use pool::{Db, DbOptions, PoolState, PooledConnection, Pools};
pub use transaction::in_transaction;
