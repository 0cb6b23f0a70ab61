-- The W3C traceparent of the request that caused a delivery, so that the delivery continues its
-- trace at the receiver. Deliveries from the system's own work (sweeps) and older ones have none.
ALTER TABLE webhook_deliveries ADD COLUMN traceparent text
    CHECK (traceparent ~ '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$');
