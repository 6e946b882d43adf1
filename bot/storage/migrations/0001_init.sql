-- Foundation: agencies, recipient groups, people and their roles, invites, audit log.
-- Instants are INTEGER epoch seconds (UTC). Booleans are INTEGER 0/1.

CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('department', 'committee', 'telecom', 'centre', 'other')),
    address     TEXT,
    email       TEXT,
    phone       TEXT,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE groups (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE group_members (
    group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    agency_id   INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, agency_id)
);
CREATE INDEX group_members_agency ON group_members(agency_id);

CREATE TABLE people (
    id               INTEGER PRIMARY KEY,
    code             TEXT UNIQUE,
    full_name        TEXT NOT NULL,
    phone            TEXT,
    lead             INTEGER NOT NULL DEFAULT 0 CHECK (lead IN (0, 1)),
    agency_id        INTEGER REFERENCES agencies(id),
    rank             TEXT CHECK (rank IN ('primary', 'backup')),
    telegram_user_id INTEGER UNIQUE,
    chat_id          INTEGER,
    activated        INTEGER NOT NULL DEFAULT 0 CHECK (activated IN (0, 1)),
    reachable        INTEGER NOT NULL DEFAULT 1 CHECK (reachable IN (0, 1)),
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX people_agency ON people(agency_id);

CREATE TABLE person_roles (
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'liaison', 'responder')),
    PRIMARY KEY (person_id, role)
);

CREATE TABLE invites (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash  TEXT NOT NULL UNIQUE,
    role        TEXT CHECK (role IN ('admin', 'liaison', 'responder')),
    agency_id   INTEGER REFERENCES agencies(id),
    rank        TEXT CHECK (rank IN ('primary', 'backup')),
    lead        INTEGER NOT NULL DEFAULT 0 CHECK (lead IN (0, 1)),
    person_id   INTEGER REFERENCES people(id),
    created_by  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    used_by     INTEGER,
    revoked_at  INTEGER,
    revoked_by  INTEGER,
    CHECK (role IS NOT NULL OR person_id IS NOT NULL),
    CHECK (role IS NOT 'liaison' OR agency_id IS NOT NULL)
);

CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             INTEGER NOT NULL,
    actor_user_id  INTEGER,
    action         TEXT NOT NULL,
    subject        TEXT,
    details        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_action ON audit_log(action, at);
