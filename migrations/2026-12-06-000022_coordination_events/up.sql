-- Webhook events of coordination and dialogue follow-up: a need addressed to a partner, its
-- answer told to the municipality, and a follow-up action overdue, told to its owner. Each is
-- stored as typed columns like the referral events (ids, a status, a date; never free text), so
-- the body is rendered from them when it is sent or shown. No foreign keys, as for referral_id:
-- the delivery log outlives nothing it names, and an outbox row must never block a change.
ALTER TABLE webhook_deliveries
    ADD COLUMN collaboration_need_id uuid,
    ADD COLUMN municipality_id uuid,
    ADD COLUMN need_status text
        CHECK (need_status IN ('open', 'accepted', 'declined', 'done', 'withdrawn')),
    ADD COLUMN follow_up_action_id uuid,
    ADD COLUMN meeting_id uuid,
    ADD COLUMN due_on date,
    ADD CONSTRAINT webhook_deliveries_need_event CHECK (
        event_type NOT IN ('collaboration_need_addressed', 'collaboration_need_answered')
        OR (collaboration_need_id IS NOT NULL AND municipality_id IS NOT NULL
            AND need_status IS NOT NULL)),
    ADD CONSTRAINT webhook_deliveries_overdue_event CHECK (
        event_type <> 'follow_up_action_overdue'
        OR (follow_up_action_id IS NOT NULL AND meeting_id IS NOT NULL AND due_on IS NOT NULL));

-- An owner is told once that its action is overdue: the sweep claims the pending actions past
-- their due date that were never told, and records the day it told them.
ALTER TABLE follow_up_actions ADD COLUMN overdue_notified_on date;

CREATE INDEX follow_up_actions_overdue_untold ON follow_up_actions (due_on, id)
    WHERE status IN ('open', 'in_progress') AND overdue_notified_on IS NULL;
