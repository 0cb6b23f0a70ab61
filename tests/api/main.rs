//! Integration tests of the HTTP API against a real PostgreSQL, one database per test.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc, missing_docs)]

mod agreements;
mod api_clients;
mod audit_events;
mod authentication;
mod chronology;
mod coordination;
mod courses;
mod database_access;
mod demo_token;
mod denials;
mod dialogue;
mod disclosure;
mod errors;
mod grants;
mod groups;
mod health;
mod idempotency;
mod issuers;
mod learning_networks;
mod metrics;
mod migrations;
mod network_meetings;
mod openapi;
mod organisations;
mod outreach_meetings;
mod pagination;
mod picture;
mod privacy;
mod referrals;
mod self_registrations;
mod server;
mod telemetry;
mod webhooks;
