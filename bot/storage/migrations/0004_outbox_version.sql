-- A queued edit that a newer edit rewrote while it was in flight must be sent again:
-- the version tells the sender whether what it sent is still the latest text.
ALTER TABLE outbox ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
