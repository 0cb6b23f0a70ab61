//! One module per resource; each registers its own routes, which utoipa documents as it goes.

pub mod api_clients;
pub mod audit_events;
pub mod collaboration_agreements;
pub mod collaboration_needs;
pub mod courses;
pub mod dialogue_meetings;
pub mod dialogue_statistics;
pub mod enrolments;
pub mod facilitator_links;
pub mod facilitators;
pub mod follow_up_actions;
pub mod gatherings;
pub mod grants;
pub mod group_sessions;
pub mod group_statistics;
pub mod groups;
pub mod health;
pub mod improvement_tasks;
pub mod intakes;
pub mod is24_questionnaires;
pub mod learning_network_statistics;
pub mod learning_networks;
pub mod memberships;
pub mod municipality_dialogue;
pub mod municipality_picture;
pub mod network_meeting_statistics;
pub mod network_meetings;
pub mod oauth;
pub mod organisations;
pub mod outreach_meetings;
pub mod referrals;
pub mod self_registrations;
pub mod supervision_requests;
pub mod supervision_sessions;
pub mod webhook_subscriptions;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every resource under `/api/v1`.
pub fn configure_v1(config: &mut ServiceConfig) {
    organisations::configure(config);
    api_clients::configure(config);
    oauth::configure(config);
    audit_events::configure(config);
    referrals::configure(config);
    self_registrations::configure(config);
    webhook_subscriptions::configure(config);
    groups::configure(config);
    memberships::configure(config);
    group_sessions::configure(config);
    intakes::configure(config);
    group_statistics::configure(config);
    dialogue_meetings::configure(config);
    follow_up_actions::configure(config);
    collaboration_needs::configure(config);
    collaboration_agreements::configure(config);
    outreach_meetings::configure(config);
    grants::configure(config);
    municipality_picture::configure(config);
    municipality_dialogue::configure(config);
    is24_questionnaires::configure(config);
    dialogue_statistics::configure(config);
    courses::configure(config);
    enrolments::configure(config);
    facilitators::configure(config);
    facilitator_links::configure(config);
    learning_networks::configure(config);
    gatherings::configure(config);
    improvement_tasks::configure(config);
    network_meeting_statistics::configure(config);
    learning_network_statistics::configure(config);
    network_meetings::configure(config);
    supervision_requests::configure(config);
    supervision_sessions::configure(config);
}

/// JSON Schema rules that span fields, per schema name, merged into the published document.
pub fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    let mut rules = organisations::schema_rules();
    rules.extend(referrals::schema_rules());
    rules.extend(self_registrations::schema_rules());
    rules.extend(intakes::schema_rules());
    rules.extend(group_sessions::schema_rules());
    rules.extend(dialogue_meetings::schema_rules());
    rules.extend(is24_questionnaires::schema_rules());
    rules.extend(courses::schema_rules());
    rules.extend(learning_networks::schema_rules());
    rules.extend(gatherings::schema_rules());
    rules.extend(network_meetings::schema_rules());
    rules.extend(outreach_meetings::schema_rules());
    rules
}
