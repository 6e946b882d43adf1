-- A directive's date of issue (ngày ban hành), as the document states it: an ISO date
-- ('2022-08-30'), distinct from created_at (when the bot sent it). Directives sent before
-- the date was asked have none (NULL) and are shown without it.
ALTER TABLE directives ADD COLUMN issued_on TEXT
    CHECK (issued_on IS NULL OR (issued_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'
                                 AND date(issued_on) = issued_on));
