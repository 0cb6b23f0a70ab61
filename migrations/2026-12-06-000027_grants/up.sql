-- Grants (tilskudd, driftsmidler, prosjektmidler): money a funder gives a recipient for a period,
-- and the activities it pays for. Amounts are whole Norwegian kroner in a bigint: never a float.
-- The funder records a grant it gives (granted); a recipient applies (applied). The funder grants,
-- pays and stops; the recipient withdraws its application or reports a paid grant ended.
CREATE TABLE grants (
    id                        uuid PRIMARY KEY,
    funder_organisation_id    uuid NOT NULL REFERENCES organisations (id),
    recipient_organisation_id uuid NOT NULL REFERENCES organisations (id),
    amount_nok                bigint NOT NULL CHECK (amount_nok BETWEEN 1 AND 10000000000),
    valid_from                date NOT NULL,
    valid_until               date CHECK (valid_until >= valid_from),
    purpose                   text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 4000),
    status                    text NOT NULL
        CHECK (status IN ('applied', 'granted', 'paid', 'ended', 'stopped')),
    stop_reason               text CHECK (length(stop_reason) BETWEEN 1 AND 4000),
    -- The day it ended or stopped: a funded activity shows it, and the report counts no quarter
    -- after it.
    closed_on                 date,
    recorded_by               text NOT NULL,
    version                   integer NOT NULL DEFAULT 1,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CHECK (funder_organisation_id <> recipient_organisation_id),
    CHECK ((status = 'stopped') = (stop_reason IS NOT NULL)),
    CHECK ((status IN ('ended', 'stopped')) = (closed_on IS NOT NULL))
);

CREATE INDEX grants_funder ON grants (funder_organisation_id, created_at, id);
CREATE INDEX grants_recipient ON grants (recipient_organisation_id, created_at, id);

-- What a grant pays for, in the order given: exactly one of a course, a learning network, the
-- recipient centre's operation or a project described in words.
CREATE TABLE grant_activities (
    grant_id            uuid NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    position            smallint NOT NULL CHECK (position >= 0),
    kind                text NOT NULL
        CHECK (kind IN ('course', 'learning_network', 'centre_operation', 'project')),
    course_id           uuid REFERENCES courses (id),
    learning_network_id uuid REFERENCES learning_networks (id),
    project             text CHECK (length(project) BETWEEN 1 AND 4000),
    PRIMARY KEY (grant_id, position),
    CHECK ((kind = 'course') = (course_id IS NOT NULL)),
    CHECK ((kind = 'learning_network') = (learning_network_id IS NOT NULL)),
    CHECK ((kind = 'project') = (project IS NOT NULL))
);

-- A course's or a network's view finds the grants that fund it.
CREATE INDEX grant_activities_course ON grant_activities (course_id) WHERE course_id IS NOT NULL;
CREATE INDEX grant_activities_network ON grant_activities (learning_network_id)
    WHERE learning_network_id IS NOT NULL;
