-- The county governor's dialogue meetings with municipalities: who took part, the IS-24/8 figures
-- the meeting used, what the governor found (with its internal risk judgement), the
-- municipalities' evaluations and the follow-up actions.

-- A county governor covers one county (fylkesnummer, e.g. 50 for Trøndelag); a municipality
-- belongs to the county its kommunenummer starts with.
ALTER TABLE organisations ADD COLUMN county_number text CHECK (county_number ~ '^[0-9]{2}$');

CREATE TABLE dialogue_meetings (
    id                 uuid PRIMARY KEY,
    county_governor_id uuid NOT NULL REFERENCES organisations (id),
    county_number      text NOT NULL CHECK (county_number ~ '^[0-9]{2}$'),
    title              text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    held_on            date NOT NULL,
    place              text CHECK (length(place) BETWEEN 1 AND 200),
    digital            boolean NOT NULL,
    status             text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'followed_up', 'closed')),
    focus_areas        text[] NOT NULL CHECK (cardinality(focus_areas) BETWEEN 1 AND 3),
    programme          text[] NOT NULL DEFAULT '{}',
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (digital OR place IS NOT NULL)
);

-- The governor's list, by county.
CREATE INDEX dialogue_meetings_county_created ON dialogue_meetings (county_number, created_at, id);

-- The municipalities and partners of a meeting.
CREATE TABLE dialogue_participants (
    meeting_id      uuid NOT NULL REFERENCES dialogue_meetings (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    role            text NOT NULL CHECK (role IN ('municipality', 'partner')),
    PRIMARY KEY (meeting_id, organisation_id)
);

-- A municipality's or partner's meetings.
CREATE INDEX dialogue_participants_organisation ON dialogue_participants (organisation_id, meeting_id);

CREATE TABLE dialogue_attendees (
    id              uuid PRIMARY KEY,
    meeting_id      uuid NOT NULL REFERENCES dialogue_meetings (id),
    municipality_id uuid NOT NULL REFERENCES organisations (id),
    role            text NOT NULL CHECK (role IN ('unit_leader', 'public_health_coordinator',
                        'user_representative', 'nav', 'coordinating_unit', 'chief_municipal_physician', 'other')),
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    name            text CHECK (length(name) BETWEEN 1 AND 200),
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX dialogue_attendees_meeting ON dialogue_attendees (meeting_id, created_at, id);

-- IS-24/8 questionnaires, one version per report year: the variables, loaded as data.
CREATE TABLE is24_variables (
    report_year smallint NOT NULL CHECK (report_year BETWEEN 2000 AND 2100),
    code        text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]{1,40}$'),
    label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 300),
    unit        text NOT NULL CHECK (length(unit) BETWEEN 1 AND 50),
    PRIMARY KEY (report_year, code)
);

-- A municipality's reported figures, by report year.
CREATE TABLE is24_figures (
    municipality_id uuid NOT NULL REFERENCES organisations (id),
    report_year     smallint NOT NULL,
    code            text NOT NULL,
    value           double precision NOT NULL,
    PRIMARY KEY (municipality_id, report_year, code),
    FOREIGN KEY (report_year, code) REFERENCES is24_variables (report_year, code)
);

-- Which report year's figures a meeting used for a municipality.
CREATE TABLE dialogue_basis (
    meeting_id      uuid NOT NULL REFERENCES dialogue_meetings (id),
    municipality_id uuid NOT NULL REFERENCES organisations (id),
    report_year     smallint NOT NULL,
    PRIMARY KEY (meeting_id, municipality_id)
);

-- What the governor found for one municipality in one meeting. The risk assessment is the
-- governor's internal judgement: no other view carries it.
CREATE TABLE dialogue_findings (
    id                  uuid PRIMARY KEY,
    meeting_id          uuid NOT NULL REFERENCES dialogue_meetings (id),
    municipality_id     uuid NOT NULL REFERENCES organisations (id),
    presented_work      text CHECK (length(presented_work) BETWEEN 1 AND 4000),
    strengths           text CHECK (length(strengths) BETWEEN 1 AND 4000),
    challenges          text CHECK (length(challenges) BETWEEN 1 AND 4000),
    improvement_areas   text CHECK (length(improvement_areas) BETWEEN 1 AND 4000),
    collaboration_needs jsonb NOT NULL DEFAULT '[]',
    risk_level          text CHECK (risk_level IN ('low', 'moderate', 'high')),
    risk_rationale      text CHECK (length(risk_rationale) BETWEEN 1 AND 2000),
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((risk_level IS NULL) = (risk_rationale IS NULL))
);

CREATE UNIQUE INDEX dialogue_findings_key ON dialogue_findings (meeting_id, municipality_id);

-- A municipality's evaluation of a meeting: once.
CREATE TABLE dialogue_evaluations (
    id              uuid PRIMARY KEY,
    meeting_id      uuid NOT NULL REFERENCES dialogue_meetings (id),
    municipality_id uuid NOT NULL REFERENCES organisations (id),
    rating          smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comments        text CHECK (length(comments) BETWEEN 1 AND 2000),
    submitted_by    text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX dialogue_evaluations_key ON dialogue_evaluations (meeting_id, municipality_id);

CREATE TABLE follow_up_actions (
    id                    uuid PRIMARY KEY,
    meeting_id            uuid NOT NULL REFERENCES dialogue_meetings (id),
    owner_organisation_id uuid NOT NULL REFERENCES organisations (id),
    description           text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    due_on                date NOT NULL,
    follow_up_meeting_on  date,
    follow_up_digital     boolean NOT NULL DEFAULT false,
    status                text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    version               integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX follow_up_actions_meeting ON follow_up_actions (meeting_id, created_at, id);
CREATE INDEX follow_up_actions_owner ON follow_up_actions (owner_organisation_id, created_at, id);
-- Behind ?overdue=true: what is still pending, by due date.
CREATE INDEX follow_up_actions_pending_due ON follow_up_actions (due_on) WHERE status IN ('open', 'in_progress');
