-- Coordination: a municipality's need for help, addressed to the partner who can give it. A need
-- comes from a finding of the governor's dialogue meeting, or is a request the municipality sends
-- itself; both are answered by their partner (accepted, declined with a reason, done) and may be
-- withdrawn by whoever raised them while they are pending.
CREATE TABLE collaboration_needs (
    id                        uuid PRIMARY KEY,
    origin                    text NOT NULL CHECK (origin IN ('dialogue_finding', 'request')),
    municipality_id           uuid NOT NULL REFERENCES organisations (id),
    -- The municipality's county, whose governor follows the need: kept on the row so that the
    -- governor's scope is one indexed condition.
    county_number             text NOT NULL CHECK (county_number ~ '^[0-9]{2}$'),
    meeting_id                uuid REFERENCES dialogue_meetings (id),
    finding_id                uuid REFERENCES dialogue_findings (id),
    -- Its place among its finding's needs.
    position                  smallint NOT NULL DEFAULT 0,
    partner_kind              text NOT NULL
        CHECK (partner_kind IN ('competence_centre', 'user_organisation', 'county_governor')),
    partner_organisation_id   uuid REFERENCES organisations (id),
    topic                     text CHECK (length(topic) BETWEEN 1 AND 200),
    description               text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    status                    text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'accepted', 'declined', 'done', 'withdrawn')),
    decline_reason            text CHECK (length(decline_reason) BETWEEN 1 AND 4000),
    offer_kind                text CHECK (offer_kind IN ('course', 'learning_network', 'visit', 'advice')),
    offer_course_id           uuid REFERENCES courses (id),
    offer_learning_network_id uuid REFERENCES learning_networks (id),
    offer_text                text CHECK (length(offer_text) BETWEEN 1 AND 4000),
    answered_at               timestamptz,
    raised_by                 text NOT NULL,
    version                   integer NOT NULL DEFAULT 1,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CHECK ((origin = 'dialogue_finding') = (finding_id IS NOT NULL)),
    CHECK ((finding_id IS NULL) = (meeting_id IS NULL)),
    -- A request always names its partner; a finding's need may name only a kind.
    CHECK (origin = 'dialogue_finding' OR partner_organisation_id IS NOT NULL),
    CHECK ((status = 'declined') = (decline_reason IS NOT NULL)),
    CHECK (offer_kind IS NOT NULL OR (offer_course_id IS NULL AND offer_learning_network_id IS NULL AND offer_text IS NULL))
);

CREATE INDEX collaboration_needs_partner ON collaboration_needs (partner_organisation_id, created_at, id)
    WHERE partner_organisation_id IS NOT NULL;
CREATE INDEX collaboration_needs_municipality ON collaboration_needs (municipality_id, created_at, id);
CREATE INDEX collaboration_needs_county ON collaboration_needs (county_number, created_at, id);
CREATE INDEX collaboration_needs_finding ON collaboration_needs (finding_id, position) WHERE finding_id IS NOT NULL;

-- The needs recorded so far named a kind of partner only: they become open needs that no partner
-- sees until the governor records a need that names one.
INSERT INTO collaboration_needs (id, origin, municipality_id, county_number, meeting_id,
        finding_id, position, partner_kind, description, raised_by, created_at, updated_at)
    SELECT gen_random_uuid(), 'dialogue_finding', f.municipality_id, m.county_number, f.meeting_id,
        f.id, (need.ordinality - 1)::smallint, need.value ->> 'partner_kind',
        need.value ->> 'description', 'migration', f.created_at, f.created_at
    FROM dialogue_findings f
    JOIN dialogue_meetings m ON m.id = f.meeting_id,
        jsonb_array_elements(f.collaboration_needs) WITH ORDINALITY AS need (value, ordinality);

ALTER TABLE dialogue_findings DROP COLUMN collaboration_needs;

-- Whether the partners who took part in the meeting see the finding (its presented work,
-- challenges and improvement areas; never the risk). Findings recorded before partners could see
-- any stay withheld: the governor recorded them on that understanding.
ALTER TABLE dialogue_findings ADD COLUMN shared_with_partners boolean NOT NULL DEFAULT false;
