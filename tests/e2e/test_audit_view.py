"""/audit end to end: admins read the latest audited actions; others are refused (audited)."""

from __future__ import annotations

from bot.clock import to_epoch
from bot.storage.audit import AuditRepository
from bot.telegram.render import TEXT_LIMIT, tg_len
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import FAST, agency_ids, draft, join
from tests.e2e.test_onboarding import import_province


def audit_reply(m: SentMessage) -> bool:
    return "Nhật ký thao tác" in (m.plain_text or "")


async def test_audit_shows_real_actions_newest_first_and_refuses_a_liaison(
        harness: Harness) -> None:
    h = harness
    await h.start(**FAST)
    await import_province(h)
    await join(h, 101, "liaison CAT")  # an invite created, then redeemed by Lan
    await h.say(102, "/invite liaison CAT")  # a stranger: refused and audited
    d = draft(h)
    d.agency_ids = await agency_ids(h, "CAT")
    await h.services.broadcast.send(SUPER_ADMIN, d)

    # A liaison is refused, clearly, and the refusal is in the log.
    no = await h.say(101, "/audit", lambda m: "HỎA TỐC" not in (m.plain_text or ""))
    assert "Nhật ký" not in (no.plain_text or "") and "quản trị viên" in (no.plain_text or "")
    rows = await AuditRepository(h.services.db.reader).entries("access.denied")
    assert any(r.actor_user_id == 101 and r.subject == "/audit" for r in rows)

    reply = await h.say(SUPER_ADMIN, "/audit 5", audit_reply)
    lines = (reply.plain_text or "").splitlines()
    assert lines[0].startswith("Nhật ký thao tác") and len(lines) == 6, lines
    body = lines[1:]
    # Newest first: the liaison's refusal, then the directive sent, ...
    assert "Từ chối truy cập" in body[0] and "Lan Nguyễn" in body[0] and "/audit" in body[0]
    assert "Gửi văn bản chỉ đạo" in body[1] and "1556/UBND-KGVX" in body[1]
    assert any("Dùng lời mời" in line and "Lan Nguyễn" in line for line in body[2:])
    assert all(line[:11].count(":") == 1 and line[5] == " " for line in body)  # "17:00 25/11"
    # The invite link's token never appears; only the public id does.
    everything = await h.say(SUPER_ADMIN, "/audit 200", audit_reply)
    text = everything.plain_text or ""
    assert "Tạo lời mời" in text and "INV-" in text and "?start=" not in text
    assert "<code>" not in text  # rendered as HTML, not shown raw


async def test_audit_usage_unknown_keys_and_a_long_log_split_within_limits(
        harness: Harness) -> None:
    h = harness
    await h.start(**FAST)
    for bad in ("/audit abc", "/audit 0", "/audit 201", "/audit 5 6", "/audit -3"):
        reply = await h.say(SUPER_ADMIN, bad)
        assert "Cú pháp: /audit" in (reply.plain_text or ""), (bad, reply.plain_text)
    now = to_epoch(h.clock.now())
    async with h.services.db.transaction() as conn:
        log = AuditRepository(conn)
        await log.add(now, 4242, "future.thing", "<b>x</b>")
        for i in range(199):
            await log.add(now, None, "agency.unreachable", f"CODE-{i:03d}-" + "X" * 80)
    before = len(h.fake.messages_to(SUPER_ADMIN))
    await h.say(SUPER_ADMIN, "/audit 200", audit_reply)
    # Every line is shown once, in order, across messages each within Telegram's limit.
    await h.fake.wait_for_message(
        SUPER_ADMIN, lambda m: "future.thing" in (m.plain_text or ""), after=before)
    parts = [m for m in h.fake.messages_to(SUPER_ADMIN)[before:]]
    assert len(parts) >= 2
    assert all(tg_len(m.text or "") <= TEXT_LIMIT for m in parts)
    lines = [line for m in parts for line in (m.plain_text or "").splitlines()]
    assert lines[0].startswith("Nhật ký thao tác") and len(lines) == 201
    codes = [line.split("CODE-")[1][:3] for line in lines[1:200]]
    assert codes == [f"{i:03d}" for i in reversed(range(199))]
    assert all("Hệ thống" in line for line in lines[1:200])
    last = lines[200]
    assert "future.thing" in last and "mã Telegram 4242" in last and "<b>x</b>" in last  # escaped
    html_last = parts[-1].text or ""
    assert "<code>future.thing</code>" in html_last and "&lt;b&gt;x&lt;/b&gt;" in html_last
