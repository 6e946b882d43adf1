-- Issue 8: the notification core.
-- (0006 is taken by corrections; 0007 is this branch's number.)

-- 1. Outbox rows know their subject: what a message is about (kind and id), the agency and
--    the person, so cancelling reminders and routing outcomes are queries, not JSON parsing.
ALTER TABLE outbox ADD COLUMN subject_kind TEXT;
ALTER TABLE outbox ADD COLUMN subject_id INTEGER;
ALTER TABLE outbox ADD COLUMN agency_id INTEGER;
ALTER TABLE outbox ADD COLUMN person_id INTEGER;

-- Escalations of result reports are "directive_result" from now on.
UPDATE escalation_notices SET subject_kind = 'directive_result'
    WHERE subject_kind = 'directive_report';

-- Rows written before: their subject, from the tags their payload carried.
UPDATE outbox SET subject_kind = 'directive_status',
                  subject_id = json_extract(payload, '$.status_of')
    WHERE json_extract(payload, '$.status_of') IS NOT NULL;
UPDATE outbox SET subject_kind = CASE WHEN payload LIKE '%"ack:%' THEN 'directive_ack'
                                      ELSE 'directive_result' END,
                  subject_id = json_extract(payload, '$.directive_id'),
                  agency_id = json_extract(payload, '$.reminder_for')
    WHERE json_extract(payload, '$.reminder_for') IS NOT NULL;
UPDATE outbox SET subject_kind = (SELECT n.subject_kind FROM escalation_notices n
                                  WHERE n.id = json_extract(outbox.payload, '$.escalation_notice')),
                  subject_id = json_extract(payload, '$.directive_id')
    WHERE json_extract(payload, '$.escalation_notice') IS NOT NULL;
UPDATE outbox SET subject_kind = 'directive',
                  subject_id = json_extract(payload, '$.directive_id')
    WHERE subject_kind IS NULL AND json_extract(payload, '$.directive_id') IS NOT NULL;
UPDATE outbox SET agency_id = (SELECT d.agency_id FROM deliveries d WHERE d.id = outbox.delivery_id),
                  person_id = (SELECT d.person_id FROM deliveries d WHERE d.id = outbox.delivery_id)
    WHERE delivery_id IS NOT NULL;

-- Cancels look only at what is still queued.
CREATE INDEX outbox_subject ON outbox(subject_id, subject_kind, agency_id) WHERE status = 'queued';

-- 2. Escalations take any subject: the agency is optional (an incident has none), one
--    escalation per subject and agency (or per subject, without one), and the kinds the
--    incident escalations will use are allowed.
CREATE TABLE escalations_new (
    id                    INTEGER PRIMARY KEY,
    subject_kind          TEXT NOT NULL CHECK (subject_kind IN ('directive_ack', 'directive_result',
                                                                'incident_untaken',
                                                                'incident_no_progress')),
    subject_id            INTEGER NOT NULL,
    agency_id             INTEGER REFERENCES agencies(id),
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
    updated_at            INTEGER NOT NULL
);
INSERT INTO escalations_new (id, subject_kind, subject_id, agency_id, deadline_at, steps, done,
                             next_due_at, status, stop_reason, token, unreachable,
                             unreachable_notified, handled_by, handled_at, created_at, updated_at)
    SELECT id, CASE subject_kind WHEN 'directive_report' THEN 'directive_result'
                                 ELSE subject_kind END,
           subject_id, agency_id, deadline_at, steps, done, next_due_at, status, stop_reason,
           token, unreachable, unreachable_notified, handled_by, handled_at, created_at,
           updated_at
    FROM escalations;
DROP TABLE escalations;
ALTER TABLE escalations_new RENAME TO escalations;
CREATE UNIQUE INDEX escalations_one_per_agency ON escalations(subject_kind, subject_id, agency_id)
    WHERE agency_id IS NOT NULL;
CREATE UNIQUE INDEX escalations_one_per_subject ON escalations(subject_kind, subject_id)
    WHERE agency_id IS NULL;
CREATE INDEX escalations_due ON escalations(status, next_due_at);
CREATE INDEX escalations_subject ON escalations(subject_kind, subject_id);
