"""Invite links under attack: reused, expired, revoked, guessed, truncated, padded — each
refused with its reason, audited, and none of them consumes or changes a pending invite."""

from __future__ import annotations

import secrets

from bot.storage.audit import AuditRepository
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_onboarding import import_province, invite, table

INVALID, USED, EXPIRED, REVOKED = "không hợp lệ", "đã được sử dụng", "hết hạn", "thu hồi"


async def test_every_bad_invite_link_is_refused_and_changes_nothing(harness: Harness) -> None:
    h = harness
    await h.start()
    await import_province(h)
    used, _ = await invite(h, "liaison CAT")
    await h.say(101, f"/start {used}")
    await h.fake.wait_for_message(101, lambda m: "số điện thoại" in (m.text or ""))
    revoked, revoked_id = await invite(h, "responder")
    await h.say(SUPER_ADMIN, f"/revoke {revoked_id}")
    pending, _ = await invite(h, "liaison TT_CNTT")  # stays valid through it all
    later, _ = await invite(h, "liaison TT_CNTT du_phong")  # left to expire

    cases: list[tuple[str, str, str]] = [
        ("reused by someone else", used, USED),
        ("revoked", revoked, REVOKED),
        ("truncated by one", pending[:-1], INVALID),
        ("truncated to the shortest shape", pending[:16], INVALID),
        ("truncated below the shape", pending[:8], INVALID),
        ("one character more", pending + "A", INVALID),
        ("padded as base64", pending + "=", INVALID),
        ("a character changed", pending[:-1] + ("A" if pending[-1] != "A" else "B"), INVALID),
        ("upper-cased", pending.upper() if pending.upper() != pending else pending.lower(),
         INVALID),
        ("over Telegram's 64", pending * 3, INVALID),
        ("markup", "<b>" + pending + "</b>", INVALID),
        *[(f"guessed {i}", secrets.token_urlsafe(24), INVALID) for i in range(10)],
    ]
    stranger = 104
    snapshot = [await table(h, t) for t in ("people", "person_roles", "invites")]
    refusals = len(await AuditRepository(h.services.db.reader).entries("invite.rejected"))
    for i, (name, token, expected) in enumerate(cases):
        h.clock.advance(seconds=61)  # each refusal is audited (one a minute per reason)
        reply = await h.say(stranger, f"/start {token}")
        said = reply.plain_text or ""
        assert said.startswith("❌") and expected in said, (name, said)
        assert token not in said, name  # nothing echoed back
        rows = await AuditRepository(h.services.db.reader).entries("invite.rejected")
        assert len(rows) == refusals + i + 1, name
    # The stranger is on record as having written (people), but nothing else changed.
    assert [await table(h, t) for t in ("person_roles", "invites")] == snapshot[1:]

    # None of that used up the pending link: its person joins with it.
    joined = await h.say(102, f"/start {pending}")
    assert "Trung tâm" in (joined.plain_text or ""), joined.plain_text
    snapshot = [await table(h, t) for t in ("people", "person_roles", "invites")]
    # Expired: refused, and still not used.
    h.clock.advance(hours=72, seconds=1)
    expired = await h.say(stranger, f"/start {later}")
    assert EXPIRED in (expired.plain_text or "")
    assert [await table(h, t) for t in ("person_roles", "invites")] == snapshot[1:]
    # The person who used a link opens it again: told so, nothing changes.
    again = await h.say(101, f"/start {used}")
    assert "đã được đăng ký bằng đường dẫn mời này" in (again.plain_text or "")
    assert [await table(h, t) for t in ("person_roles", "invites")] == snapshot[1:]
