-- Meeting logs: the competence centres' network-meeting courses and the facilitators they train,
-- the facilitators' logs of the network meetings they lead (no identity of anyone in them), the
-- supervision that follows, and the learning networks with their gatherings.

-- A network meeting is offered by the professional who already works with the person, not
-- referred to another organisation: referrals are for self-help groups only. The referrals that
-- asked for a network meeting were all sent to a self-help centre, worked there as any other.
UPDATE referrals SET offer = 'self_help_group' WHERE offer = 'network_meeting';
UPDATE referral_statistics SET offer = 'self_help_group' WHERE offer = 'network_meeting';
ALTER TABLE referrals DROP CONSTRAINT referrals_offer_check;
ALTER TABLE referrals ADD CONSTRAINT referrals_offer_check CHECK (offer = 'self_help_group');

CREATE TABLE courses (
    id         uuid PRIMARY KEY,
    title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    place      text CHECK (length(place) BETWEEN 1 AND 200),
    digital    boolean NOT NULL,
    dates      date[] NOT NULL CHECK (cardinality(dates) BETWEEN 1 AND 20),
    capacity   integer NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (digital OR place IS NOT NULL)
);

-- The competence centres that organise a course: each of them reaches it.
CREATE TABLE course_organisers (
    course_id       uuid NOT NULL REFERENCES courses (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (course_id, organisation_id)
);

CREATE INDEX course_organisers_organisation ON course_organisers (organisation_id, course_id);

-- A professional's place on a course, or on its waiting list (in the order of `created_at, id`).
CREATE TABLE enrolments (
    id                       uuid PRIMARY KEY,
    course_id                uuid NOT NULL REFERENCES courses (id),
    name                     text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    work_email               text NOT NULL CHECK (length(work_email) BETWEEN 3 AND 254),
    employer_organisation_id uuid NOT NULL REFERENCES organisations (id),
    service                  text NOT NULL CHECK (length(service) BETWEEN 1 AND 200),
    -- The token subject the professional signs in with as a facilitator.
    subject                  text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    status                   text NOT NULL CHECK (status IN ('enrolled', 'waiting', 'cancelled', 'completed')),
    version                  integer NOT NULL DEFAULT 1,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX enrolments_course ON enrolments (course_id, created_at, id);
-- One live enrolment per professional and course.
CREATE UNIQUE INDEX enrolments_once ON enrolments (course_id, lower(work_email)) WHERE status <> 'cancelled';

-- The facilitators a competence centre follows up: trained on its course (`enrolment_id`) or
-- affiliated with it. A facilitator is a token subject with role `facilitator` of its employer.
-- The centre sees a facilitator's logs only once the facilitator has confirmed the link
-- (`confirmed_at`): a centre cannot make itself the reader of anyone's logs by naming them.
CREATE TABLE facilitators (
    id                       uuid NOT NULL UNIQUE,
    competence_centre_id     uuid NOT NULL REFERENCES organisations (id),
    employer_organisation_id uuid NOT NULL REFERENCES organisations (id),
    subject                  text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    name                     text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    enrolment_id             uuid REFERENCES enrolments (id),
    created_at               timestamptz NOT NULL DEFAULT now(),
    confirmed_at             timestamptz,
    PRIMARY KEY (competence_centre_id, employer_organisation_id, subject)
);

CREATE INDEX facilitators_subject ON facilitators (employer_organisation_id, subject);

-- A facilitator's log of one network meeting. Nobody in it is identified: the main person by age
-- band and optional gender, the network by counts per relation, a series by a label the
-- facilitator chooses.
CREATE TABLE network_meetings (
    id                      uuid PRIMARY KEY,
    organisation_id         uuid NOT NULL REFERENCES organisations (id),
    facilitator_subject     text NOT NULL,
    held_on                 date NOT NULL,
    municipality_number     text NOT NULL CHECK (municipality_number ~ '^[0-9]{4}$'),
    service                 text NOT NULL CHECK (length(service) BETWEEN 1 AND 200),
    co_facilitators         text[] NOT NULL DEFAULT '{}' CHECK (cardinality(co_facilitators) <= 5),
    suggested_by            text NOT NULL CHECK (suggested_by IN ('professional', 'main_person', 'network')),
    age_band                text NOT NULL,
    gender                  text,
    family                  smallint NOT NULL CHECK (family BETWEEN 0 AND 50),
    partner                 smallint NOT NULL CHECK (partner BETWEEN 0 AND 50),
    friend                  smallint NOT NULL CHECK (friend BETWEEN 0 AND 50),
    colleague               smallint NOT NULL CHECK (colleague BETWEEN 0 AND 50),
    neighbour               smallint NOT NULL CHECK (neighbour BETWEEN 0 AND 50),
    professional            smallint NOT NULL CHECK (professional BETWEEN 0 AND 50),
    other                   smallint NOT NULL CHECK (other BETWEEN 0 AND 50),
    network_size            smallint GENERATED ALWAYS AS
                                (family + partner + friend + colleague + neighbour + professional + other) STORED,
    themes                  text[] NOT NULL DEFAULT '{}',
    resources_identified    text CHECK (length(resources_identified) <= 2000),
    next_steps              text CHECK (length(next_steps) <= 2000),
    next_meeting_planned    boolean NOT NULL,
    next_meeting_on         date,
    supervision_wanted      boolean NOT NULL,
    supervision_topic       text CHECK (length(supervision_topic) <= 500),
    series_id               text CHECK (length(series_id) BETWEEN 1 AND 64),
    version                 integer NOT NULL DEFAULT 1,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CHECK (next_meeting_planned OR next_meeting_on IS NULL),
    CHECK (supervision_wanted OR supervision_topic IS NULL)
);

-- A facilitator's own logs, and the logs of a centre's facilitators.
CREATE INDEX network_meetings_facilitator ON network_meetings (organisation_id, facilitator_subject, created_at, id);
-- Statistics by municipality and quarter.
CREATE INDEX network_meetings_held ON network_meetings (held_on, municipality_number);

-- Supervision (veiledning) a competence centre gave its facilitators.
CREATE TABLE supervision_sessions (
    id                   uuid PRIMARY KEY,
    competence_centre_id uuid NOT NULL REFERENCES organisations (id),
    held_on              date NOT NULL,
    adviser_subject      text NOT NULL,
    topics               text[] NOT NULL CHECK (cardinality(topics) BETWEEN 1 AND 20),
    created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX supervision_sessions_centre ON supervision_sessions (competence_centre_id, created_at, id);

-- The facilitators at a session.
CREATE TABLE supervision_attendees (
    session_id               uuid NOT NULL REFERENCES supervision_sessions (id),
    employer_organisation_id uuid NOT NULL REFERENCES organisations (id),
    subject                  text NOT NULL,
    PRIMARY KEY (session_id, employer_organisation_id, subject)
);

-- The requests (logs asking for supervision) a session answered.
CREATE TABLE supervision_answers (
    network_meeting_id uuid NOT NULL REFERENCES network_meetings (id),
    session_id         uuid NOT NULL REFERENCES supervision_sessions (id),
    PRIMARY KEY (network_meeting_id, session_id)
);

CREATE INDEX supervision_answers_session ON supervision_answers (session_id);

CREATE TABLE learning_networks (
    id                     uuid PRIMARY KEY,
    name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    coordinating_centre_id uuid NOT NULL REFERENCES organisations (id),
    target_group           text NOT NULL CHECK (length(target_group) BETWEEN 1 AND 500),
    starts_on              date NOT NULL,
    ends_on                date,
    -- The steering group: [{"name": "...", "user_organisation": true}], names of organisations.
    steering_group         jsonb NOT NULL DEFAULT '[]',
    version                integer NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);

CREATE INDEX learning_networks_centre ON learning_networks (coordinating_centre_id, created_at, id);

-- A member service: an organisation's service in a network (a municipality may take part with
-- several services).
CREATE TABLE learning_network_members (
    id              uuid PRIMARY KEY,
    network_id      uuid NOT NULL REFERENCES learning_networks (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    service         text NOT NULL CHECK (length(service) BETWEEN 1 AND 200),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (network_id, organisation_id, service)
);

CREATE INDEX learning_network_members_organisation ON learning_network_members (organisation_id, network_id);

CREATE TABLE gatherings (
    id                  uuid PRIMARY KEY,
    network_id          uuid NOT NULL REFERENCES learning_networks (id),
    held_on             date NOT NULL,
    place               text CHECK (length(place) BETWEEN 1 AND 200),
    digital             boolean NOT NULL,
    -- [{"title": "...", "presenter_organisation": "...", "by_user_representative": false}]
    programme           jsonb NOT NULL DEFAULT '[]',
    respondents         integer CHECK (respondents >= 0),
    average_rating      double precision CHECK (average_rating BETWEEN 1 AND 5),
    highlights          text[] NOT NULL DEFAULT '{}',
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (digital OR place IS NOT NULL),
    CHECK ((respondents IS NULL) = (average_rating IS NULL))
);

CREATE INDEX gatherings_network ON gatherings (network_id, created_at, id);

-- How many came from each member service.
CREATE TABLE gathering_attendance (
    gathering_id uuid NOT NULL REFERENCES gatherings (id),
    member_id    uuid NOT NULL REFERENCES learning_network_members (id),
    attendees    integer NOT NULL CHECK (attendees BETWEEN 0 AND 1000),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (gathering_id, member_id)
);
