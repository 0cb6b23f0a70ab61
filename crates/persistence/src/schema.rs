// @generated automatically by Diesel CLI.

diesel::table! {
    api_clients (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        name -> Text,
        roles -> Array<Nullable<Text>>,
        secret_hash -> Text,
        created_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Uuid,
        occurred_at -> Timestamptz,
        actor -> Text,
        actor_organisation_id -> Uuid,
        action -> Text,
        resource_type -> Text,
        resource_id -> Uuid,
        request_id -> Text,
    }
}

diesel::table! {
    idempotency_keys (organisation_id, subject, key) {
        organisation_id -> Uuid,
        subject -> Text,
        key -> Text,
        request_hash -> Bytea,
        response_status -> Int2,
        response_body -> Jsonb,
        response_headers -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    organisations (id) {
        id -> Uuid,
        kind -> Text,
        name -> Text,
        municipality_number -> Nullable<Text>,
        county -> Nullable<Text>,
        region -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(api_clients -> organisations (organisation_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_clients,
    audit_events,
    idempotency_keys,
    organisations,
);
