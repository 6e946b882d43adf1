-- The summary reminders sent (issue 13): one row per due date, written in the transaction
-- that queues the reminders, so a restart never sends one twice.
CREATE TABLE summary_reminders (
    due_on   TEXT PRIMARY KEY,   -- ISO date the summary is due before
    sent_at  INTEGER NOT NULL,
    sent_to  INTEGER NOT NULL    -- how many admins it was queued to
);
