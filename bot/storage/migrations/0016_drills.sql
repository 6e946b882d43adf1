-- A drill (diễn tập): a directive sent to practise the response. Its messages carry a
-- "DIỄN TẬP" banner; its figures are kept apart from real ones (exports, /status over a
-- period, the summary). Directives sent before drills existed are real (0).
ALTER TABLE directives ADD COLUMN drill INTEGER NOT NULL DEFAULT 0 CHECK (drill IN (0, 1));
