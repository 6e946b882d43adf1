-- A result report implies receipt (issue 10, item 8): an acknowledgement may come with a
-- report, besides a tap ("telegram") and a call or paper recorded by an admin ("phone").
-- SQLite cannot change a CHECK in place: the table is rebuilt with its rows.
CREATE TABLE acknowledgements_new (
    directive_id  INTEGER NOT NULL REFERENCES directives(id),
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    acked_at      INTEGER NOT NULL,
    late          INTEGER NOT NULL CHECK (late IN (0, 1)),
    via           TEXT NOT NULL DEFAULT 'telegram' CHECK (via IN ('telegram', 'phone', 'report')),
    PRIMARY KEY (directive_id, agency_id)
);
INSERT INTO acknowledgements_new (directive_id, agency_id, person_id, acked_at, late, via)
    SELECT directive_id, agency_id, person_id, acked_at, late, via FROM acknowledgements;
DROP TABLE acknowledgements;
ALTER TABLE acknowledgements_new RENAME TO acknowledgements;
