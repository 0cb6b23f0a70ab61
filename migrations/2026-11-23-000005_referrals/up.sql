-- Referrals (henvisninger) and self-registrations to self-help centres.
-- The record itself holds no directly identifying data: name, contact details, birth year and the
-- person's own words live in referral_people, which erasure deletes, leaving a tombstone whose
-- dates, statuses and tags keep statistics true.
CREATE TABLE referrals (
    id                        uuid PRIMARY KEY,
    reference                 text NOT NULL UNIQUE CHECK (reference ~ '^[0-9A-Z]{4}-[0-9A-Z]{4}$'),
    source                    text NOT NULL CHECK (source IN ('referral', 'self_registration')),
    target_centre_id          uuid NOT NULL REFERENCES organisations (id),
    referring_organisation_id uuid REFERENCES organisations (id),
    referring_subject         text,
    external_reference        text CHECK (length(external_reference) BETWEEN 1 AND 100),
    offer                     text NOT NULL CHECK (offer IN ('self_help_group', 'network_meeting')),
    status                    text NOT NULL,
    target_groups             text[] NOT NULL DEFAULT '{}',
    preferred_format          text NOT NULL CHECK (preferred_format IN ('in_person', 'digital', 'no_preference')),
    residence_municipality    text CHECK (residence_municipality ~ '^[0-9]{4}$'),
    consent_contact           boolean NOT NULL CHECK (consent_contact),
    consent_feedback          boolean NOT NULL,
    consent_method            text NOT NULL,
    consent_obtained_at       timestamptz NOT NULL,
    feedback_withdrawn_at     timestamptz,
    ended_at                  timestamptz,
    erased_at                 timestamptz,
    version                   integer NOT NULL DEFAULT 1,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT referrals_referrer_present
        CHECK ((source = 'referral') = (referring_organisation_id IS NOT NULL))
);

-- A referrer's own case reference identifies one referral of theirs.
CREATE UNIQUE INDEX referrals_external_reference_key
    ON referrals (referring_organisation_id, external_reference) WHERE external_reference IS NOT NULL;

-- Every list is scoped to one organisation (the centre or the referrer) and ordered by (created_at, id).
CREATE INDEX referrals_centre_created ON referrals (target_centre_id, created_at, id);
CREATE INDEX referrals_centre_status_created ON referrals (target_centre_id, status, created_at, id);
CREATE INDEX referrals_referrer_created ON referrals (referring_organisation_id, created_at, id);
CREATE INDEX referrals_referrer_status_created ON referrals (referring_organisation_id, status, created_at, id);
CREATE INDEX referrals_updated ON referrals (updated_at);
CREATE INDEX referrals_target_groups ON referrals USING gin (target_groups);
-- The retention sweep finds ended, unerased referrals.
CREATE INDEX referrals_retention ON referrals (ended_at) WHERE erased_at IS NULL AND ended_at IS NOT NULL;

CREATE TABLE referral_people (
    referral_id        uuid PRIMARY KEY REFERENCES referrals (id) ON DELETE CASCADE,
    given_name         text NOT NULL,
    family_name        text NOT NULL,
    phone              text,
    email              text,
    preferred_language text NOT NULL,
    birth_year         smallint,
    wishes             text,
    CHECK (phone IS NOT NULL OR email IS NOT NULL)
);

-- Every status change, with who made it and why (a code, never free text).
CREATE TABLE referral_transitions (
    id                    uuid PRIMARY KEY,
    referral_id           uuid NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    from_status           text,
    to_status             text NOT NULL,
    reason                text,
    actor                 text NOT NULL,
    actor_organisation_id uuid,
    occurred_at           timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX referral_transitions_referral ON referral_transitions (referral_id, occurred_at, id);

-- Public self-registrations and system jobs act for no organisation.
ALTER TABLE audit_events ALTER COLUMN actor_organisation_id DROP NOT NULL;
