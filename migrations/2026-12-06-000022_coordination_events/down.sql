DROP INDEX follow_up_actions_overdue_untold;
ALTER TABLE follow_up_actions DROP COLUMN overdue_notified_on;

DELETE FROM webhook_deliveries
WHERE event_type IN ('collaboration_need_addressed', 'collaboration_need_answered',
                     'follow_up_action_overdue');
ALTER TABLE webhook_deliveries
    DROP CONSTRAINT webhook_deliveries_overdue_event,
    DROP CONSTRAINT webhook_deliveries_need_event,
    DROP COLUMN due_on,
    DROP COLUMN meeting_id,
    DROP COLUMN follow_up_action_id,
    DROP COLUMN need_status,
    DROP COLUMN municipality_id,
    DROP COLUMN collaboration_need_id;

-- The earlier schema knows none of these event types: a subscription to nothing else goes (its
-- deliveries went above), the others forget them.
DELETE FROM webhook_subscriptions
WHERE event_types <@ ARRAY['collaboration_need_addressed', 'collaboration_need_answered',
                           'follow_up_action_overdue']::text[];
UPDATE webhook_subscriptions
SET event_types = array_remove(array_remove(array_remove(event_types,
        'collaboration_need_addressed'), 'collaboration_need_answered'), 'follow_up_action_overdue');
