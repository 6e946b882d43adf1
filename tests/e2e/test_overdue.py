"""/overdue (issue 13, item 1): everything late now, by kind, oldest first, whom to call."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.storage.agencies import AgencyRepository
from bot.storage.audit import AuditRepository
from bot.storage.people import PeopleRepository
from bot.telegram.overdue_view import FIRST_LIMIT
from bot.telegram.render import TEXT_LIMIT, tg_len
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import agency_ids, draft
from tests.e2e.test_incident_taking import LIAISON, ON_DUTY, report, start

M = timedelta(minutes=1)
NONE = "Không có việc quá hạn"


async def overdue(h: Harness, user_id: int) -> str:
    return (await h.say(user_id, "/overdue")).plain_text or ""


async def at(h: Harness, t0: datetime, to: timedelta) -> None:
    h.clock.set(t0 + to)
    await h.services.escalation.run_due()
    await h.services.sender.drained()


def section(text: str, title: str) -> str:
    """The lines under a group's title, up to the next group."""
    after = text.split(title, 1)[1]
    return after.split("\n\n", 1)[0]


async def test_each_kind_when_late_and_not_before_oldest_first_with_contacts(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)  # trung bình incidents: 10 minutes to take
    liaison = await PeopleRepository(h.services.db.reader).by_telegram_id(LIAISON)
    responder = await PeopleRepository(h.services.db.reader).by_telegram_id(ON_DUTY)
    assert liaison is not None and responder is not None
    t0 = h.clock.now()
    assert NONE in await overdue(h, SUPER_ADMIN)

    first, _ = await report(h)                     # not taken by 10 min
    d = draft(h, ack_deadline_at=t0 + 20 * M, report_deadline_at=t0 + 40 * M)
    d.agency_ids = await agency_ids(h, "CAT")
    directive, _ = await h.services.broadcast.send(SUPER_ADMIN, d)
    await at(h, t0, 5 * M)
    second, _ = await report(h)                    # not taken by 15 min

    await at(h, t0, 9 * M)
    assert NONE in await overdue(h, ON_DUTY)
    await at(h, t0, 16 * M)
    listing = await overdue(h, ON_DUTY)
    untaken = section(listing, "Sự cố chưa được tiếp nhận (2)")
    assert untaken.index(first.code) < untaken.index(second.code), listing  # oldest first
    assert liaison.full_name in untaken and "0912 345 678" in untaken, listing
    assert "chưa xác nhận" not in listing and "chưa cập nhật" not in listing

    # The first is taken: it leaves the list; the directive's acknowledgement is late.
    await h.services.incidents.take(ON_DUTY, first.id)
    await h.services.sender.drained()
    await at(h, t0, 21 * M)
    listing = await overdue(h, SUPER_ADMIN)
    assert first.code not in listing and second.code in listing, listing
    ack = section(listing, "Đơn vị chưa xác nhận văn bản (1)")
    assert "Công an tỉnh" in ack and "1556/UBND-KGVX" in ack and liaison.full_name in ack
    assert "Đơn vị chưa báo cáo kết quả" not in listing

    # Past the result report's due time, and the taken one past its progress window.
    await at(h, t0, 16 * M + h.services.settings.incident_progress_within + M)
    listing = await overdue(h, SUPER_ADMIN)
    titles = ["chưa xác nhận văn bản (1)", "chưa báo cáo kết quả (1)",
              "Sự cố chưa được tiếp nhận (1)", "Sự cố chưa cập nhật tiến độ (1)"]
    assert [listing.index(x) for x in titles] == sorted(listing.index(x) for x in titles)
    stale = section(listing, "Sự cố chưa cập nhật tiến độ (1)")
    assert first.code in stale and responder.full_name in stale, listing
    assert directive.number in section(listing, "chưa báo cáo kết quả (1)")

    # A liaison is refused, and it is audited.
    refused = await overdue(h, LIAISON)
    assert "dành cho thành viên Đội ứng cứu sự cố và quản trị viên" in refused
    denied = await AuditRepository(h.services.db.reader).entries("access.denied")
    assert any(e.actor_user_id == LIAISON and e.subject == "/overdue" for e in denied)

    # Help and the menu name it for responders.
    assert "/overdue" in ((await h.say(ON_DUTY, "/help")).plain_text or "")


async def test_a_long_list_is_split_never_cut_with_a_phone_sized_first_message(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    t0 = h.clock.now()
    agencies = await AgencyRepository(h.services.db.reader).all()
    d = draft(h, ack_deadline_at=t0 + 10 * M)
    d.agency_ids = {a.id for a in agencies}
    await h.services.broadcast.send(SUPER_ADMIN, d)
    await at(h, t0, 11 * M)
    before = len(h.fake.messages_to(SUPER_ADMIN))
    first = await h.say(SUPER_ADMIN, "/overdue")
    last = max(agencies, key=lambda a: a.name).name
    await h.fake.wait_for_message(SUPER_ADMIN, lambda m: last in (m.plain_text or ""),
                                  after=before)
    parts = [m.plain_text or "" for m in h.fake.messages_to(SUPER_ADMIN)[before:]]
    assert len(parts) > 2 and parts[0] == first.plain_text
    assert tg_len(parts[0]) <= FIRST_LIMIT
    assert f"Đơn vị chưa xác nhận văn bản ({len(agencies)})" in parts[0]
    assert all(tg_len(p) <= TEXT_LIMIT for p in parts)
    body = "\n".join(parts[1:])
    assert sum(line.startswith("• ") for line in body.splitlines()) == len(agencies)
    assert all(f"• {a.name} — " in body for a in agencies)
