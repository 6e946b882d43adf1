-- Management in chat (issue 13, item 5): a change an admin has previewed and not yet
-- confirmed. Its nonce is carried by the «Xác nhận» / «Hủy» buttons; the tap claims the row
-- once (done_at, in the transaction that applies the change), so a replayed or forged tap
-- changes nothing. Rows stay after use: a later tap on the same buttons is told it is stale.
CREATE TABLE pending_changes (
    nonce          TEXT PRIMARY KEY,
    admin_user_id  INTEGER NOT NULL,
    action         TEXT NOT NULL,
    payload        TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    done_at        INTEGER,
    outcome        TEXT CHECK (outcome IN ('applied', 'cancelled'))
);
