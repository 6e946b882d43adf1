-- Escalations (one per subject and agency, with a frozen policy snapshot) and the duty roster.

CREATE TABLE escalations (
    id                    INTEGER PRIMARY KEY,
    subject_kind          TEXT NOT NULL CHECK (subject_kind IN ('directive_ack', 'directive_report')),
    subject_id            INTEGER NOT NULL,
    agency_id             INTEGER NOT NULL REFERENCES agencies(id),
    deadline_at           INTEGER NOT NULL,
    steps                 TEXT NOT NULL,      -- the policy's steps, frozen when it started
    done                  TEXT NOT NULL,      -- per step: occurrences handled (JSON list)
    next_due_at           INTEGER,            -- NULL once nothing is left to do
    status                TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'stopped', 'finished')),
    stop_reason           TEXT,
    token                 INTEGER NOT NULL DEFAULT 0,  -- bumped at every change: stale work is harmless
    unreachable           INTEGER NOT NULL DEFAULT 0,  -- no reachable liaison: on duty told at once
    unreachable_notified  INTEGER NOT NULL DEFAULT 0,
    handled_by            INTEGER REFERENCES people(id),  -- «Tôi sẽ liên hệ»
    handled_at            INTEGER,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    UNIQUE (subject_kind, subject_id, agency_id)
);
CREATE INDEX escalations_due ON escalations(status, next_due_at);
CREATE INDEX escalations_subject ON escalations(subject_kind, subject_id);

-- One digest sent to responders: which escalations it listed; its copies, for later edits.
CREATE TABLE escalation_notices (
    id              INTEGER PRIMARY KEY,
    subject_kind    TEXT NOT NULL,
    subject_id      INTEGER NOT NULL,
    escalation_ids  TEXT NOT NULL,   -- JSON list
    text            TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);

CREATE TABLE escalation_notice_copies (
    notice_id  INTEGER NOT NULL REFERENCES escalation_notices(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    chat_id    INTEGER NOT NULL,
    outbox_id  INTEGER NOT NULL REFERENCES outbox(id),
    text       TEXT NOT NULL,    -- this copy's text, to edit it later
    PRIMARY KEY (notice_id, person_id)
);

-- The rotation: ordered responders taking shifts of a fixed length from a handover time.
CREATE TABLE duty_rotation (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    person_ids   TEXT NOT NULL,      -- JSON list, in rotation order
    shift_hours  REAL NOT NULL CHECK (shift_hours > 0),
    starts_at    INTEGER NOT NULL,   -- the first shift's start (a handover instant)
    updated_at   INTEGER NOT NULL
);

-- A person on duty for a period, in place of the rotation.
CREATE TABLE duty_overrides (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    start_at    INTEGER NOT NULL,
    end_at      INTEGER NOT NULL CHECK (end_at > start_at),
    created_by  INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX duty_overrides_time ON duty_overrides(start_at, end_at);

-- Shift-start notices already sent (so a restart does not send them again).
CREATE TABLE duty_notices (
    shift_start_at  INTEGER NOT NULL,
    person_id       INTEGER NOT NULL,
    PRIMARY KEY (shift_start_at, person_id)
);
