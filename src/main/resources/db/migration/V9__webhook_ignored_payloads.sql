-- A delivery no handler takes is recorded without its payload unless
-- para.github.webhook.keep-ignored-payloads is set (WebhookIntake), so a row now holds at most one
-- payload. Deliveries settled at intake are never claimed for processing, so none is missed. Rows
-- of the previous version always hold one payload and satisfy the new rule (NOT VALID: a large
-- table is not scanned at upgrade).
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_one_payload;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_at_most_one_payload
    CHECK (payload_lz4 IS NULL OR payload_deflated IS NULL) NOT VALID;
