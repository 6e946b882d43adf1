-- What a conversation (/broadcast, a result report, a roster change ...) has collected so
-- far and the step it waits at: PTB keeps conversations in memory only, so a restart
-- would lose a half-written directive. One draft per person and conversation.
CREATE TABLE drafts (
    user_id       INTEGER NOT NULL,  -- the person's Telegram user id
    conversation  TEXT NOT NULL,     -- the form's name, e.g. 'broadcast'
    step          TEXT NOT NULL,
    answers       TEXT NOT NULL,     -- JSON object: the form's own fields
    updated_at    INTEGER NOT NULL,  -- the last answer; a draft idle past the timeout is dropped
    PRIMARY KEY (user_id, conversation)
);
