//! Samhandling's use cases: every state-changing operation of the API, written once. The HTTP
//! handlers, the retention job and the demo loader all call these functions, so a rule, a scope,
//! an audit event or a webhook event cannot be present in one entry point and missing in another.
//!
//! Each operation takes a [`Context`] (the transaction's connection, the acting party for the
//! audit trail, and a clock) and typed input. It owns the scoped lookup (a record outside the
//! caller's scope is [`UseCaseError::NotFound`], indistinguishable from one that does not
//! exist), the domain checks, the write, the audit event and the outbox event, and it answers
//! with one error enum that the HTTP layer maps to problem+json in one place. The caller opens
//! and commits the transaction: an `Err` rolls everything back.

pub mod agreements;
pub mod api_clients;
pub mod audit;
pub mod context;
pub mod coordination;
pub mod coordination_views;
pub mod course_views;
pub mod courses;
pub mod dialogue;
pub mod dialogue_views;
pub mod enrolments;
pub mod error;
pub mod facilitators;
pub mod grants;
pub mod group_sessions;
pub mod group_statistics;
pub mod group_views;
pub mod groups;
pub mod improvement_tasks;
pub mod input;
pub mod intake_views;
pub mod intakes;
pub mod is24;
pub mod kept;
pub mod learning_network_views;
pub mod learning_networks;
pub mod memberships;
pub mod network_meeting_views;
pub mod network_meetings;
pub mod organisations;
pub mod outreach;
pub mod overdue_actions;
pub mod picture;
pub mod references;
pub mod referral_input;
pub mod referral_views;
pub mod referrals;
pub mod webhook_views;
pub mod webhooks;

pub use context::{Clock, Context, FixedClock, SystemClock};
pub use error::UseCaseError;
