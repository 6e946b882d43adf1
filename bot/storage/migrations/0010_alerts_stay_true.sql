-- Issue 10, items 6 and 10: alerts never outlive their reason.

-- 1. A responder's copy of a digest keeps every part it was sent in (outbox ids, in order:
--    the last one carries the buttons) and what it listed as it was sent (the escalations,
--    the deadline and the round, as of then), so that it can be drawn again when an agency
--    confirms, the directive is recalled or extended, or a responder takes an agency.
--    Copies kept before have neither: only their last part is edited, as before.
ALTER TABLE escalation_notice_copies ADD COLUMN parts TEXT;     -- JSON list of outbox ids
ALTER TABLE escalation_notice_copies ADD COLUMN snapshot TEXT;  -- JSON, see EscalationRepository

CREATE INDEX escalation_notices_subject ON escalation_notices(subject_kind, subject_id);

-- 2. Reminders already sent to an agency's liaisons are found again to be rewritten (they
--    are the subject's rows with an agency; digests have none).
CREATE INDEX outbox_reminders ON outbox(subject_id, subject_kind, agency_id, person_id)
    WHERE agency_id IS NOT NULL AND subject_kind IN ('directive_ack', 'directive_result');
