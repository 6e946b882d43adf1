"""Migration 0007: outbox rows get their subject from the tags their payload carried, and
the escalations table is rebuilt (agency optional, result reports renamed, rows kept)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.storage.db import Database, _migrations


def old_database(path: Path) -> None:
    """A database as the bot left it before 0007, with a few rows of each kind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                 " name TEXT NOT NULL, applied_at INTEGER NOT NULL)")
    for version, name, sql in _migrations():
        if version >= 7:
            break
        conn.executescript(sql)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (version, name))
    conn.executescript("""
        INSERT INTO agencies (id, code, name, kind, created_at, updated_at)
            VALUES (7, 'CAT', 'Công an tỉnh', 'department', 0, 0);
        INSERT INTO people (id, full_name, created_at, updated_at) VALUES (3, 'Lan', 0, 0);
        INSERT INTO directives (id, number, issuer, summary, urgency, ack_deadline_at,
                                created_by, created_at)
            VALUES (5, '1/UBND-X', 'UBND', 'thử', 'khan', 100, 9001, 0);
        INSERT INTO deliveries (id, directive_id, agency_id, person_id, chat_id, updated_at)
            VALUES (9, 5, 7, 3, 101, 0);
        INSERT INTO escalations (id, subject_kind, subject_id, agency_id, deadline_at, steps,
                                 done, created_at, updated_at)
            VALUES (1, 'directive_ack', 5, 7, 100, '[]', '[]', 0, 0),
                   (2, 'directive_report', 5, 7, 200, '[]', '[]', 0, 0);
        INSERT INTO escalation_notices (id, subject_kind, subject_id, escalation_ids, text,
                                        created_at)
            VALUES (4, 'directive_report', 5, '[2]', 'x', 0);
    """)
    rows = [
        (101, {"directive_id": 5, "text": "copy", "main": True}, 9),
        (101, {"directive_id": 5, "reminder_for": 7, "text": "r",
               "reply_markup": {"inline_keyboard": [[{"callback_data": "ack:9"}]]}}, None),
        (101, {"directive_id": 5, "reminder_for": 7, "text": "r",
               "reply_markup": {"inline_keyboard": [[{"callback_data": "rep:9"}]]}}, None),
        (104, {"directive_id": 5, "escalation_notice": 4, "text": "digest"}, None),
        (9001, {"status_of": 5, "text": "status", "message_id": 1}, None),
        (104, {"text": "duty"}, None),
    ]
    for chat_id, payload, delivery_id in rows:
        conn.execute("INSERT INTO outbox (chat_id, method, payload, delivery_id, created_at)"
                     " VALUES (?, 'send_message', ?, ?, 0)",
                     (chat_id, json.dumps(payload), delivery_id))
    conn.commit()
    conn.close()


async def test_old_rows_get_their_subject_and_escalations_are_kept(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "data" / "old.db"
    old_database(path)
    db = Database(path, clock)
    await db.open()
    try:
        async with db.reader.execute(
                "SELECT subject_kind, subject_id, agency_id, person_id FROM outbox"
                " ORDER BY id") as cur:
            assert [tuple(r) for r in await cur.fetchall()] == [
                ("directive", 5, 7, 3),
                ("directive_ack", 5, 7, None),
                ("directive_result", 5, 7, None),
                ("directive_result", 5, None, None),
                ("directive_status", 5, None, None),
                (None, None, None, None),
            ]
        async with db.reader.execute(
                "SELECT id, subject_kind, agency_id, deadline_at FROM escalations"
                " ORDER BY id") as cur:
            assert [tuple(r) for r in await cur.fetchall()] == [
                (1, "directive_ack", 7, 100), (2, "directive_result", 7, 200)]
        async with db.reader.execute("SELECT subject_kind FROM escalation_notices") as cur:
            assert [r[0] for r in await cur.fetchall()] == ["directive_result"]
        async with db.transaction() as conn:
            # One escalation per subject without an agency, one per agency with one.
            insert = ("INSERT INTO escalations (subject_kind, subject_id, agency_id, deadline_at,"
                      " steps, done, created_at, updated_at) VALUES (?, ?, ?, 0, '[]', '[]',"
                      " 0, 0)")
            await conn.execute(insert, ("incident_untaken", 1, None))
            with pytest.raises(sqlite3.IntegrityError):
                await conn.execute(insert, ("incident_untaken", 1, None))
            with pytest.raises(sqlite3.IntegrityError):
                await conn.execute(insert, ("directive_ack", 5, 7))
            with pytest.raises(sqlite3.IntegrityError):
                await conn.execute(insert, ("directive_report", 6, 7))
            await conn.execute(insert, ("incident_no_progress", 1, None))
    finally:
        await db.close()
