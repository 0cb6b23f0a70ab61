-- Collaboration agreements (samarbeidsavtaler) between a self-help centre and a municipality or NAV
-- office that refers to it. The centre proposes; the partner accepts (in force) or declines; either
-- ends one in force. The agreement in force decides how much the partner, as referrer, is told of
-- its referrals: none (the receipt only), coarse, or detailed (with the person's consent).
CREATE TABLE collaboration_agreements (
    id                      uuid PRIMARY KEY,
    centre_id               uuid NOT NULL REFERENCES organisations (id),
    partner_organisation_id uuid NOT NULL REFERENCES organisations (id),
    refers                  text NOT NULL CHECK (length(refers) BETWEEN 1 AND 4000),
    feedback                text NOT NULL CHECK (feedback IN ('none', 'coarse', 'detailed')),
    centre_contact_role     text NOT NULL CHECK (length(centre_contact_role) BETWEEN 1 AND 200),
    partner_contact_role    text NOT NULL CHECK (length(partner_contact_role) BETWEEN 1 AND 200),
    valid_from              date NOT NULL,
    valid_until             date CHECK (valid_until >= valid_from),
    status                  text NOT NULL DEFAULT 'proposed'
        CHECK (status IN ('proposed', 'in_force', 'declined', 'withdrawn', 'ended')),
    end_reason              text CHECK (length(end_reason) BETWEEN 1 AND 4000),
    -- The feedback this agreement last gave the pair's referrals: the agreement sweep compares it
    -- with what the agreement gives today, so that a period starting or running out reaches the
    -- referrals on its day.
    applied_feedback        text NOT NULL DEFAULT 'none'
        CHECK (applied_feedback IN ('none', 'coarse', 'detailed')),
    proposed_by             text NOT NULL,
    version                 integer NOT NULL DEFAULT 1,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CHECK (centre_id <> partner_organisation_id),
    CHECK ((status IN ('declined', 'ended')) = (end_reason IS NOT NULL))
);

-- One agreement in force per centre and partner: the feedback is never ambiguous.
CREATE UNIQUE INDEX collaboration_agreements_one_in_force
    ON collaboration_agreements (centre_id, partner_organisation_id) WHERE status = 'in_force';
CREATE INDEX collaboration_agreements_centre ON collaboration_agreements (centre_id, created_at, id);
CREATE INDEX collaboration_agreements_partner
    ON collaboration_agreements (partner_organisation_id, created_at, id);
-- The sweep reads the agreements that give or gave feedback.
CREATE INDEX collaboration_agreements_active ON collaboration_agreements (status, applied_feedback)
    WHERE status = 'in_force' OR applied_feedback <> 'none';

-- The feedback each referral's referrer gets. Referrals made before agreements existed keep what
-- they were sent under (the coarse status, and the detailed status with the person's consent):
-- they are 'detailed' and not governed by agreements. Every referral made from now on takes the
-- feedback of the agreement in force between its referrer and its centre, 'none' without one,
-- and follows that agreement's changes.
ALTER TABLE referrals
    ADD COLUMN agreed_feedback text NOT NULL DEFAULT 'detailed'
        CHECK (agreed_feedback IN ('none', 'coarse', 'detailed')),
    ADD COLUMN feedback_by_agreement boolean NOT NULL DEFAULT false;
ALTER TABLE referrals
    ALTER COLUMN agreed_feedback SET DEFAULT 'none',
    ALTER COLUMN feedback_by_agreement SET DEFAULT true;
CREATE INDEX referrals_agreement_pair ON referrals (target_centre_id, referring_organisation_id)
    WHERE feedback_by_agreement;
