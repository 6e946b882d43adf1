-- Directives, their recipient agencies, acknowledgements, deliveries and the outbox.

CREATE TABLE directives (
    id                  INTEGER PRIMARY KEY,
    number              TEXT NOT NULL,
    issuer              TEXT NOT NULL,
    summary             TEXT NOT NULL,
    urgency             TEXT NOT NULL CHECK (urgency IN ('hoa_toc', 'thuong_khan', 'khan', 'thuong')),
    body                TEXT,
    file_id             TEXT,
    file_name           TEXT,
    file_kind           TEXT CHECK (file_kind IN ('document', 'photo')),
    ack_deadline_at     INTEGER NOT NULL,
    report_deadline_at  INTEGER,
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'recalled')),
    created_by          INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    recalled_at         INTEGER,
    status_chat_id      INTEGER,
    status_message_id   INTEGER
);
CREATE INDEX directives_number ON directives(number, created_at);

CREATE TABLE directive_agencies (
    directive_id  INTEGER NOT NULL REFERENCES directives(id),
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (directive_id, agency_id)
);

-- One row per agency and directive: the first tap wins (the primary key makes it so).
CREATE TABLE acknowledgements (
    directive_id  INTEGER NOT NULL REFERENCES directives(id),
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    acked_at      INTEGER NOT NULL,
    late          INTEGER NOT NULL CHECK (late IN (0, 1)),
    PRIMARY KEY (directive_id, agency_id)
);

-- One directive copy to one person's chat.
CREATE TABLE deliveries (
    id            INTEGER PRIMARY KEY,
    directive_id  INTEGER NOT NULL REFERENCES directives(id),
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    chat_id       INTEGER NOT NULL,
    status        TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'blocked')),
    message_id    INTEGER,
    error         TEXT,
    updated_at    INTEGER NOT NULL,
    UNIQUE (directive_id, person_id)
);
CREATE INDEX deliveries_agency ON deliveries(directive_id, agency_id);

-- Every message the bot sends or edits outside a direct reply waits here until Telegram took it.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    chat_id      INTEGER NOT NULL,
    method       TEXT NOT NULL CHECK (method IN ('send_message', 'send_document', 'send_photo', 'edit_message_text')),
    payload      TEXT NOT NULL,
    delivery_id  INTEGER REFERENCES deliveries(id),
    edit_key     TEXT,
    status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    message_id   INTEGER,
    error        TEXT,
    created_at   INTEGER NOT NULL,
    done_at      INTEGER
);
CREATE INDEX outbox_queued ON outbox(status, id);
CREATE INDEX outbox_edit_key ON outbox(edit_key, status);

CREATE TABLE result_reports (
    id            INTEGER PRIMARY KEY,
    directive_id  INTEGER NOT NULL REFERENCES directives(id),
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    text          TEXT,
    files         TEXT NOT NULL DEFAULT '[]',
    created_at    INTEGER NOT NULL
);
