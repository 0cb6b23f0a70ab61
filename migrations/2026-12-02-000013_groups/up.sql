-- Self-help groups, the intake conversations that lead to them, the places in them (known by a
-- pseudonym only), their starters, follow-up visits and session logs.

CREATE TABLE groups (
    id                    uuid PRIMARY KEY,
    centre_id             uuid NOT NULL REFERENCES organisations (id),
    title                 text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    theme                 text NOT NULL CHECK (theme IN ('general', 'ptsd', 'grief', 'loneliness',
                              'anxiety_and_depression', 'substance_use', 'relatives', 'other')),
    languages             text[] NOT NULL CHECK (cardinality(languages) BETWEEN 1 AND 5),
    format                text NOT NULL CHECK (format IN ('centre_premises', 'municipality_premises', 'digital')),
    municipality          text NOT NULL CHECK (municipality ~ '^[0-9]{4}$'),
    weekday               text NOT NULL CHECK (weekday IN ('monday', 'tuesday', 'wednesday',
                              'thursday', 'friday', 'saturday', 'sunday')),
    start_time            time NOT NULL,
    interval_weeks        smallint NOT NULL DEFAULT 1 CHECK (interval_weeks BETWEEN 1 AND 4),
    min_members           smallint NOT NULL DEFAULT 5 CHECK (min_members >= 4),
    max_members           smallint NOT NULL DEFAULT 8 CHECK (max_members BETWEEN min_members AND 8),
    age_from              smallint CHECK (age_from BETWEEN 18 AND 120),
    age_to                smallint CHECK (age_to BETWEEN coalesce(age_from, 18) AND 120),
    address               text CHECK (length(address) BETWEEN 1 AND 200),
    confidential_location boolean NOT NULL DEFAULT false,
    status                text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'recruiting',
                              'starting', 'self_running', 'paused', 'ended')),
    -- Kept by placement and departure under the group's row lock, so that open seats are read
    -- without counting memberships.
    member_count          smallint NOT NULL DEFAULT 0 CHECK (member_count BETWEEN 0 AND max_members),
    started_at            timestamptz,
    ended_at              timestamptz,
    version               integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- A centre's list of its groups.
CREATE INDEX groups_centre_created ON groups (centre_id, created_at, id);
-- The catalogue: recruiting groups with an open seat, for everyone signed in.
CREATE INDEX groups_catalogue ON groups (created_at, id)
    WHERE status = 'recruiting' AND member_count < max_members;
-- Behind GET /intakes/{id}/suggested-groups: the few groups of one centre that have an open seat,
-- which the ranking then scores.
CREATE INDEX groups_open_seats ON groups (centre_id)
    INCLUDE (theme, languages, format, municipality, weekday, member_count, max_members)
    WHERE status IN ('recruiting', 'starting') AND member_count < max_members;
-- Behind GET /statistics/groups: groups started and ended in a period.
CREATE INDEX groups_started_at ON groups (started_at) WHERE started_at IS NOT NULL;
CREATE INDEX groups_ended_at ON groups (ended_at) WHERE ended_at IS NOT NULL;

-- One intake conversation per referral or self-registration. All of it is the person's (what they
-- look for, their pseudonym, the centre's notes): erasing the referral deletes it.
CREATE TABLE intakes (
    id                  uuid PRIMARY KEY,
    referral_id         uuid NOT NULL REFERENCES referrals (id),
    centre_id           uuid NOT NULL REFERENCES organisations (id),
    scheduled_at        timestamptz NOT NULL,
    format              text NOT NULL CHECK (format IN ('in_person', 'phone', 'digital')),
    preferred_themes    text[] NOT NULL DEFAULT '{}',
    preferred_languages text[] NOT NULL DEFAULT '{}',
    preferred_weekdays  text[] NOT NULL DEFAULT '{}',
    held_at             timestamptz,
    outcome             text CHECK (outcome IN ('general_group', 'specific_group', 'not_suitable_now',
                            'wants_to_wait', 'declined')),
    outcome_theme       text,
    pseudonym           text CHECK (length(pseudonym) BETWEEN 1 AND 50),
    notes               text CHECK (length(notes) BETWEEN 1 AND 2000),
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT intakes_outcome_when_held CHECK ((held_at IS NULL) = (outcome IS NULL)),
    CONSTRAINT intakes_theme_of_specific CHECK ((outcome_theme IS NOT NULL) = (outcome IS NOT DISTINCT FROM 'specific_group'))
);

CREATE UNIQUE INDEX intakes_referral_key ON intakes (referral_id);
CREATE INDEX intakes_centre_created ON intakes (centre_id, created_at, id);

-- A place in a group. The person is known here by the pseudonym only. Erasing the referral cuts
-- the place loose (no pseudonym, referral or intake) and keeps the row, so counts stay true.
CREATE TABLE memberships (
    id                        uuid PRIMARY KEY,
    group_id                  uuid NOT NULL REFERENCES groups (id),
    referral_id               uuid REFERENCES referrals (id),
    intake_id                 uuid REFERENCES intakes (id),
    pseudonym                 text CHECK (length(pseudonym) BETWEEN 1 AND 50),
    joined_at                 timestamptz NOT NULL DEFAULT now(),
    waited_days               integer NOT NULL CHECK (waited_days >= 0),
    confidentiality_signed_at timestamptz,
    left_at                   timestamptz,
    leave_reason              text CHECK (leave_reason IN ('completed', 'could_not_attend',
                                  'no_longer_wanted', 'group_ended', 'other')),
    version                   integer NOT NULL DEFAULT 1,
    created_at                timestamptz NOT NULL DEFAULT now(),
    CHECK ((left_at IS NULL) = (leave_reason IS NULL))
);

-- A person holds one place at a time.
CREATE UNIQUE INDEX memberships_one_place ON memberships (referral_id) WHERE left_at IS NULL;
CREATE INDEX memberships_group_created ON memberships (group_id, created_at, id);
-- Behind GET /statistics/groups: places and waiting times by when people joined.
CREATE INDEX memberships_joined_at ON memberships (joined_at) INCLUDE (group_id, waited_days);

-- Staff of the centre who attend a group's first meetings.
CREATE TABLE group_starters (
    id               uuid PRIMARY KEY,
    group_id         uuid NOT NULL REFERENCES groups (id),
    subject          text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    display_name     text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    planned_meetings smallint NOT NULL CHECK (planned_meetings BETWEEN 1 AND 10),
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX group_starters_key ON group_starters (group_id, subject);

-- One meeting of a group, held or cancelled: counts only.
CREATE TABLE group_sessions (
    id                  uuid PRIMARY KEY,
    group_id            uuid NOT NULL REFERENCES groups (id),
    held_on             date NOT NULL,
    held                boolean NOT NULL,
    present             smallint CHECK (present BETWEEN 0 AND 8),
    starter_present     boolean NOT NULL,
    format              text NOT NULL CHECK (format IN ('centre_premises', 'municipality_premises', 'digital')),
    follow_up_requested boolean NOT NULL,
    note                text CHECK (length(note) BETWEEN 1 AND 280),
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (held OR present IS NULL)
);

CREATE UNIQUE INDEX group_sessions_key ON group_sessions (group_id, held_on);
CREATE INDEX group_sessions_group_created ON group_sessions (group_id, created_at, id);
-- Behind GET /statistics/groups: sessions held in a period.
CREATE INDEX group_sessions_held_on ON group_sessions (held_on) INCLUDE (group_id) WHERE held;

-- A group's request for a follow-up visit, and the visit.
CREATE TABLE group_follow_ups (
    id           uuid PRIMARY KEY,
    group_id     uuid NOT NULL REFERENCES groups (id),
    requested_on date NOT NULL,
    session_id   uuid REFERENCES group_sessions (id),
    visited_on   date,
    visited_by   text CHECK (length(visited_by) BETWEEN 1 AND 255),
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((visited_on IS NULL) = (visited_by IS NULL))
);

CREATE INDEX group_follow_ups_group_created ON group_follow_ups (group_id, created_at, id);
