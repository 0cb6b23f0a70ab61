-- Learning networks as the articles describe them.

-- Several coordinating organisations: competence centres, and national or regional authorities
-- (Helsedirektoratet and KS run national networks with the competence centres). Position 0 is
-- the lead, still shown as `coordinating_centre_id`. Every existing network keeps its one
-- coordinating centre as its lead, and the column it came from goes.
CREATE TABLE learning_network_coordinators (
    network_id      uuid NOT NULL REFERENCES learning_networks (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    position        integer NOT NULL CHECK (position BETWEEN 0 AND 19),
    PRIMARY KEY (network_id, organisation_id),
    UNIQUE (network_id, position)
);

CREATE INDEX learning_network_coordinators_organisation
    ON learning_network_coordinators (organisation_id, network_id);

INSERT INTO learning_network_coordinators (network_id, organisation_id, position)
SELECT id, coordinating_centre_id, 0 FROM learning_networks;

DROP INDEX learning_networks_centre;
ALTER TABLE learning_networks DROP COLUMN coordinating_centre_id;

-- Steering-group seats name the organisation holding them: a seat whose name is exactly an
-- organisation's name (ignoring case) in the directory becomes that organisation's seat (its
-- organisation_id instead of the name, a user organisation's when the kind says so); any other
-- seat stays a name-only seat (an organisation not in the directory), as it was.
UPDATE learning_networks n
SET steering_group = (
    SELECT coalesce(jsonb_agg(
        CASE WHEN o.id IS NULL THEN seat
             ELSE (seat - 'name') || jsonb_build_object('organisation_id', o.id,
                 'user_organisation', o.kind = 'user_organisation') END
        ORDER BY ordinality), '[]'::jsonb)
    FROM jsonb_array_elements(n.steering_group) WITH ORDINALITY AS s (seat, ordinality)
    LEFT JOIN LATERAL (
        SELECT id, kind FROM organisations
        WHERE lower(name) = lower(s.seat->>'name')
        ORDER BY id LIMIT 1
    ) o ON true
)
WHERE jsonb_array_length(steering_group) > 0;

-- A regional network may belong to a national programme: another network marked as one.
ALTER TABLE learning_networks
    ADD COLUMN national_programme boolean NOT NULL DEFAULT false,
    ADD COLUMN national_programme_id uuid REFERENCES learning_networks (id),
    -- Why the network ended, with the end date in ends_on: completed, its funding stopped, or
    -- another reason, with an optional note.
    ADD COLUMN end_reason text CHECK (end_reason IN ('completed', 'funding_stopped', 'other')),
    ADD COLUMN end_note text CHECK (length(end_note) BETWEEN 1 AND 2000),
    ADD CHECK (national_programme_id IS NULL OR national_programme_id <> id),
    ADD CHECK (end_reason IS NULL OR ends_on IS NOT NULL),
    ADD CHECK (end_note IS NULL OR end_reason IS NOT NULL);

CREATE INDEX learning_networks_programme
    ON learning_networks (national_programme_id, created_at, id)
    WHERE national_programme_id IS NOT NULL;

-- A gathering may last several days: held_on is its first day and ends_on, when set, its last,
-- at most five days in all. It is still one gathering in every count.
ALTER TABLE gatherings
    ADD COLUMN ends_on date,
    ADD CHECK (ends_on IS NULL OR (ends_on >= held_on AND ends_on <= held_on + 4));

-- Improvement tasks (forbedringsoppgaver): a member service takes one home from a gathering and
-- reports on it before a later one. The coordinators record them; the member's organisation
-- reports.
CREATE TABLE improvement_tasks (
    id           uuid PRIMARY KEY,
    network_id   uuid NOT NULL REFERENCES learning_networks (id),
    gathering_id uuid NOT NULL REFERENCES gatherings (id),
    member_id    uuid NOT NULL REFERENCES learning_network_members (id),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description  text CHECK (length(description) BETWEEN 1 AND 2000),
    status       text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done')),
    report       text CHECK (length(report) BETWEEN 1 AND 2000),
    reported_at  timestamptz,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((report IS NULL) = (reported_at IS NULL))
);

CREATE INDEX improvement_tasks_network ON improvement_tasks (network_id, created_at, id);
CREATE INDEX improvement_tasks_member ON improvement_tasks (member_id, created_at, id);
