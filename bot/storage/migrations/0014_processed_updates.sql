-- Telegram update ids the bot has handled, so an update handed out again (a restart before
-- the offset was confirmed, a retry) is not handled twice. Telegram keeps an update at most
-- 24 hours; rows older than two days are pruned at start-up.
CREATE TABLE processed_updates (
    update_id   INTEGER PRIMARY KEY,
    handled_at  INTEGER NOT NULL
);
CREATE INDEX processed_updates_at ON processed_updates(handled_at);
