"""Contacts shown are the people on the bot: /status, digests and reminders name the liaisons a
directive reaches (primary first) with their phones, then the agency's phone; never someone
imported who has not joined (issue 10, item 2)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.domain.audience import contacts
from bot.storage.agencies import AgencyRepository
from bot.storage.people import PeopleRepository
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has, tap
from tests.e2e.test_directives import FAST, is_directive
from tests.e2e.test_escalation import POLICY, broadcast, set_rotation, step, texts
from tests.e2e.test_onboarding import import_province, invite

S = timedelta(seconds=1)
A = SUPER_ADMIN
ANH = "Lâm Thị Anh (0378 294 282)"  # P011, VP_UBND's primary liaison
THUY = "Diệp Mỹ Thủy (0383 047 120)"  # P012, its backup
OFFICE_PHONE = "ĐT đơn vị: 0297 3875 326"
POLICE_PHONE = "0297 3829 086"
NOT_JOINED = ("Lý Ngọc Khoa", "Kha Hoàng Khoa")  # CAT's imported liaisons, never on the bot


async def link(h: Harness, user_id: int, code: str) -> None:
    token, _ = await invite(h, f"can_bo {code}")
    await h.say(user_id, f"/start {token}")


async def start(h: Harness, tmp_path: Path) -> None:
    """VP_UBND's two imported liaisons join (101 primary, 102 backup); CAT's do not; 103 is on
    duty."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    await h.start(policy_file=policy, **FAST)
    await import_province(h)
    await link(h, 102, "P012")
    await link(h, 101, "P011")
    token, _ = await invite(h, "responder")
    await h.say(103, f"/start {token}")
    await set_rotation(h, 103)


async def status_text(h: Harness) -> str:
    view = await h.say(A, "/status 1556/UBND-KGVX", has("Tình hình văn bản"))
    return view.plain_text or ""


async def test_digests_reminders_and_status_name_only_people_on_the_bot(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await broadcast(h, "VP_UBND", "CAT")
    for user in (101, 102):
        await h.fake.wait_for_message(user, is_directive)

    # At once: CAT has nobody on the bot; the digest says so, with the agency's phone.
    await step(h, 0 * S)
    [first] = texts(h, 103, "Chưa có đầu mối liên lạc được")
    text = first.plain_text or ""
    assert f"Công an tỉnh — không liên lạc được · ☎️ chưa có đầu mối ({POLICE_PHONE})" in text
    assert not any(name in text for name in NOT_JOINED)

    # The reminder goes to the two who joined, and to nobody else.
    await step(h, 50 * S)
    assert [len(texts(h, u, "Nhắc hạn")) for u in (101, 102, 103, A)] == [1, 1, 0, 0]

    # At the deadline: VP_UBND's liaisons, primary first, with their phones, then the office's.
    await step(h, 60 * S)
    latest = texts(h, 103, "Đôn đốc")[-1].plain_text or ""
    assert f"☎️ {ANH}, {THUY} · {OFFICE_PHONE}" in latest, latest
    assert not any(name in latest for name in NOT_JOINED)

    # /status: the primary on the bot and the office's phone; CAT names nobody who never joined.
    text = await status_text(h)
    assert f"Văn phòng Ủy ban nhân dân tỉnh — Lâm Thị Anh (0378 294 282) · {OFFICE_PHONE}" in text
    assert "1 đơn vị chưa có đầu mối trên bot" in text  # CAT, behind its button
    assert not any(name in text for name in NOT_JOINED)
    view = await h.say(A, "/status 1556/UBND-KGVX", has("Tình hình văn bản"))
    nobody = await tap(h, view, "chưa có đầu mối", "Chưa có đầu mối trên bot")
    assert nobody is not None
    listed = nobody.plain_text or ""
    assert f"Công an tỉnh — ĐT đơn vị: {POLICE_PHONE}" in listed, listed
    assert not any(name in listed for name in NOT_JOINED)

    # The primary blocks the bot: the backup is whom to call now, everywhere.
    h.fake.block(101)
    await h.services.onboarding.mark_unreachable(101, "Forbidden: bot was blocked by the user")
    text = await status_text(h)
    assert f"Văn phòng Ủy ban nhân dân tỉnh — Diệp Mỹ Thủy (0383 047 120) · {OFFICE_PHONE}" in text
    listing = await h.say(A, "/status 1556/UBND-KGVX", has("Tình hình văn bản"))
    waiting = await tap(h, listing, "Đơn vị chưa xác nhận", "Chưa xác nhận (")
    assert waiting is not None
    card = await tap(h, waiting, "Văn phòng Ủy ban", "Trạng thái")
    assert card is not None
    assert f"Cán bộ đầu mối: Diệp Mỹ Thủy (0383 047 120) · {OFFICE_PHONE}" in (card.plain_text or "")
    await step(h, 70 * S)  # the lead's and the admins' round
    admins = texts(h, A, "Đôn đốc")[-1].plain_text or ""
    assert f"☎️ {THUY} · {OFFICE_PHONE}" in admins and "Lâm Thị Anh" not in admins


async def test_contacts_are_the_recipients_primary_first(harness: Harness) -> None:
    """The one source every caller uses: active, joined and reachable liaisons of the agency."""
    h = harness
    await h.start(**FAST)
    await import_province(h)
    await link(h, 102, "P012")
    office = await AgencyRepository(h.services.db.reader).by_code("VP_UBND")
    people = await PeopleRepository(h.services.db.reader).all()
    assert [p.code for p in contacts(people, office.id)] == ["P012"]  # P011 has not joined
    await link(h, 101, "P011")
    people = await PeopleRepository(h.services.db.reader).all()
    assert [p.code for p in contacts(people, office.id)] == ["P011", "P012"]


async def test_a_liaison_without_a_phone_is_named_without_a_dangling_dash(
    harness: Harness,
) -> None:
    """The digest names a contact as /status does: "Lan Nguyễn (0912 …)", or the name alone
    when they gave no phone (not "Lan Nguyễn —, Minh Nguyễn —")."""
    from tests.e2e.test_after_sending import sent
    from tests.e2e.test_directives import setup_liaisons

    h = harness
    await setup_liaisons(h)  # 101 and 102 (CAT) joined without giving a phone
    await h.say(101, "/phone 0912 345 678")
    await sent(h, "CAT")
    h.clock.advance(timedelta(minutes=31))  # Hỏa tốc: 30 minutes by default
    await h.services.escalation.run_due()
    await h.services.sender.drained()
    digest = texts(h, A, "Đôn đốc")[-1].plain_text or ""
    assert "☎️ Lan Nguyễn (0912 345 678), Minh Nguyễn · ĐT đơn vị" in digest, digest
    assert "—," not in digest and "Nguyễn — ·" not in digest
