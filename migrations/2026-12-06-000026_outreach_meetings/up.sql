-- Outreach meetings (kommunemøter, informasjonsmøter): a self-help centre or a competence centre
-- invites municipalities, NAV offices and others to a programme of speakers, then notes per
-- invited organisation what collaboration it wants. Planned → held | cancelled; presence and
-- follow-ups are recorded once held.
CREATE TABLE outreach_meetings (
    id           uuid PRIMARY KEY,
    organiser_id uuid NOT NULL REFERENCES organisations (id),
    kind         text NOT NULL CHECK (kind IN ('municipal_meeting', 'information_meeting')),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    held_on      date NOT NULL,
    place        text CHECK (length(place) BETWEEN 1 AND 200),
    digital      boolean NOT NULL DEFAULT false,
    -- [{title, speaker_organisation_id, speaker_role}], in order; the speakers' organisations are
    -- checked to exist when written.
    programme    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(programme) = 'array'),
    status       text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'cancelled')),
    created_by   text NOT NULL,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (digital OR place IS NOT NULL)
);

CREATE INDEX outreach_meetings_organiser ON outreach_meetings (organiser_id, created_at, id);

-- One row per invited organisation: whether it came, and the organiser's follow-up.
CREATE TABLE outreach_invitations (
    meeting_id      uuid NOT NULL REFERENCES outreach_meetings (id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    present         boolean NOT NULL DEFAULT false,
    follow_up       text CHECK (follow_up IN ('interested', 'not_now', 'agreement_made')),
    followed_up_on  date,
    agreement_id    uuid REFERENCES collaboration_agreements (id),
    note            text CHECK (length(note) BETWEEN 1 AND 2000),
    PRIMARY KEY (meeting_id, organisation_id),
    CHECK ((follow_up IS NULL) = (followed_up_on IS NULL)),
    CHECK (agreement_id IS NULL OR follow_up = 'agreement_made'),
    CHECK (note IS NULL OR follow_up IS NOT NULL)
);

-- An invited organisation's meetings.
CREATE INDEX outreach_invitations_organisation ON outreach_invitations (organisation_id, meeting_id);
