-- A copy sent after «Gửi» to a liaison who joined or became reachable later ("Gửi bổ sung").
ALTER TABLE deliveries ADD COLUMN late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1));
-- How an acknowledgement came in: a tap in Telegram, or by phone / on paper recorded by an
-- admin (then person_id is that admin).
ALTER TABLE acknowledgements ADD COLUMN via TEXT NOT NULL DEFAULT 'telegram'
    CHECK (via IN ('telegram', 'phone'));
