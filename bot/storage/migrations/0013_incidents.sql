-- Issue 11: incidents, their timeline and files.

CREATE TABLE incidents (
    id                 INTEGER PRIMARY KEY,
    year               INTEGER NOT NULL,
    number             INTEGER NOT NULL,          -- within the year: SC-<year>-<number>
    code               TEXT NOT NULL UNIQUE,
    agency_id          INTEGER NOT NULL REFERENCES agencies(id),
    reporter_id        INTEGER NOT NULL REFERENCES people(id),  -- who filed it
    via                TEXT NOT NULL DEFAULT 'telegram' CHECK (via IN ('telegram', 'phone')),
    status             TEXT NOT NULL DEFAULT 'reported'
                       CHECK (status IN ('reported', 'taken', 'in_progress', 'resolved', 'closed')),
    priority           TEXT NOT NULL
                       CHECK (priority IN ('thap', 'trung_binh', 'cao', 'nghiem_trong')),
    priority_derived   INTEGER NOT NULL DEFAULT 1 CHECK (priority_derived IN (0, 1)),
    category           TEXT,
    system_level       INTEGER CHECK (system_level BETWEEN 1 AND 5),
    detected_at        INTEGER NOT NULL,
    reported_at        INTEGER NOT NULL,
    late               INTEGER NOT NULL CHECK (late IN (0, 1)),
    support_requested  INTEGER NOT NULL CHECK (support_requested IN (0, 1)),
    beyond_capacity    INTEGER NOT NULL CHECK (beyond_capacity IN (0, 1)),
    confidential       INTEGER NOT NULL CHECK (confidential IN (0, 1)),
    answers            TEXT NOT NULL,             -- every answer of the form, JSON by key
    assignee_id        INTEGER REFERENCES people(id),
    taken_at           INTEGER,
    resolved_at        INTEGER,
    closed_at          INTEGER,
    false_alarm        INTEGER NOT NULL DEFAULT 0 CHECK (false_alarm IN (0, 1)),
    closing            TEXT NOT NULL DEFAULT '{}', -- the closing report's answers, JSON by key
    last_progress_at   INTEGER,                   -- the latest sign of work (for the reminder)
    updated_at         INTEGER NOT NULL,
    UNIQUE (year, number)
);
CREATE INDEX incidents_open ON incidents(status) WHERE status != 'closed';
CREATE INDEX incidents_agency ON incidents(agency_id, reported_at);

-- The timeline: who did what, when (reported, taken, released with a reason, progress ...).
CREATE TABLE incident_events (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents(id),
    at           INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    person_id    INTEGER REFERENCES people(id),  -- NULL: the bot itself
    text         TEXT NOT NULL DEFAULT '',
    details      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX incident_events_of ON incident_events(incident_id, at, id);

-- Files: with the initial report (event_id NULL) or with a progress report.
CREATE TABLE incident_files (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents(id),
    event_id     INTEGER REFERENCES incident_events(id),
    file_id      TEXT NOT NULL,
    unique_id    TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL CHECK (kind IN ('photo', 'document')),
    name         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incident_files_of ON incident_files(incident_id, id);
