-- Steps already due when an escalation started (a directive sent shortly before its deadline)
-- are skipped rather than fired with it: per step, how many of its first occurrences were
-- skipped (JSON list, like `done`, which counts them as accounted for). '[]': none skipped.
ALTER TABLE escalations ADD COLUMN skipped TEXT NOT NULL DEFAULT '[]';
