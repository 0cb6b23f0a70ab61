-- The audit trail. Written in the same transaction as what it records; never updated.
-- Holds ids only, never personal data, so it can outlive erasure of the records it points to.
CREATE TABLE audit_events (
    id                    uuid PRIMARY KEY,
    occurred_at           timestamptz NOT NULL DEFAULT now(),
    actor                 text NOT NULL,
    actor_organisation_id uuid NOT NULL,
    action                text NOT NULL,
    resource_type         text NOT NULL,
    resource_id           uuid NOT NULL,
    request_id            text NOT NULL
);

CREATE INDEX audit_events_occurred_at_id ON audit_events (occurred_at, id);
CREATE INDEX audit_events_resource ON audit_events (resource_type, resource_id, occurred_at, id);
CREATE INDEX audit_events_actor_organisation ON audit_events (actor_organisation_id, occurred_at, id);
CREATE INDEX audit_events_actor ON audit_events (actor, occurred_at, id);
