-- Every «Đính chính» sent for a directive, as the admin typed it: a copy sent late
-- ("Gửi bổ sung") is followed by the same notices the other copies got, in order.
CREATE TABLE corrections (
    id            INTEGER PRIMARY KEY,
    directive_id  INTEGER NOT NULL REFERENCES directives(id),
    text          TEXT NOT NULL,
    created_by    INTEGER NOT NULL,  -- the admin's Telegram user id
    created_at    INTEGER NOT NULL
);
CREATE INDEX corrections_directive ON corrections(directive_id, id);
