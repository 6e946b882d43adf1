"""Invites link to imported people: /invite's buttons, the typed forms' offers, a second primary
liaison or lead confirmed, and «Thu hồi» on /invites (issue 10, item 1)."""

from __future__ import annotations

from bot.domain.models import Rank
from bot.storage.audit import AuditRepository
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_onboarding import LINK, import_province, invite, table

A = SUPER_ADMIN
OFFICE = "Văn phòng Ủy ban nhân dân tỉnh"  # VP_UBND: P011 Lâm Thị Anh (primary), P012 (backup)


def labels(msg: SentMessage) -> list[str]:
    return [b["text"] for b in msg.buttons]


async def press(h: Harness, msg: SentMessage, label: str, user: int = A) -> SentMessage:
    """`user` presses `label` on `msg`; the bot's next message to them."""
    before = len(h.fake.messages_to(user))
    query = h.fake.press_button(user, msg.message_id, msg.button_data(label))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    return await h.fake.wait_for_message(user, after=before)


async def used_up(h: Harness, msg: SentMessage) -> None:
    """Wait until `msg` has lost its buttons."""
    await h.fake.wait_for_message(msg.chat_id,
                                  lambda m: m.message_id == msg.message_id and not m.buttons)


async def forged(h: Harness, user: int, msg: SentMessage, data: str) -> str:
    """`user` sends `data` as a tap on `msg`; the text of the answer or reply they get."""
    before = len(h.fake.messages_to(user))
    query = h.fake.press_button(user, msg.message_id, data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    answer = (h.fake.callback_answer(query) or {}).get("text") or ""
    if answer:
        return str(answer)
    reply = await h.fake.wait_for_message(user, after=before)
    return reply.plain_text or ""


async def test_buttons_role_agency_person_link_the_imported_liaison(harness: Harness) -> None:
    h = harness
    await h.start()
    await import_province(h)
    people = PeopleRepository(h.services.db.reader)
    anh = await people.by_code("P011")
    assert anh is not None and anh.telegram_user_id is None

    roles = await h.say(A, "/invite")
    count = len(await people.all())  # the super-admin's own record is made on first contact
    assert "chọn vai trò" in (roles.plain_text or "")
    assert labels(roles) == ["Cán bộ đầu mối chính", "Cán bộ đầu mối dự phòng",
                             "Thành viên Đội ứng cứu sự cố", "Đội trưởng Đội ứng cứu sự cố",
                             "Quản trị viên", "Hủy"]
    picker = await press(h, roles, "Cán bộ đầu mối chính")
    assert picker is not None and "chọn đơn vị" in (picker.plain_text or "")
    # Worded as the offer after it is (no capital in mid-sentence).
    assert (picker.plain_text or "").startswith("Mời cán bộ đầu mối (chính). Đề nghị chọn đơn vị")
    assert "Trang 1/" in " ".join(labels(picker)) and "▶️" in labels(picker)  # paged, as /broadcast
    await used_up(h, roles)  # the role step is done
    # Typing filters, without tone marks too.
    filtered = await h.say(A, "van phong uy ban")
    assert "Đang lọc" in (filtered.plain_text or "")
    assert OFFICE in labels(filtered) and "✖️ Bỏ lọc" in labels(filtered)
    offer = await press(h, filtered, OFFICE)
    assert offer is not None
    text = offer.plain_text or ""
    assert f"Mời cán bộ đầu mối (chính) của {OFFICE}" in text and "chưa dùng bot (2)" in text
    assert labels(offer) == ["Lâm Thị Anh (chính) · chưa dùng bot",
                             "Diệp Mỹ Thủy (dự phòng) · chưa dùng bot", "+ người mới", "Hủy"]
    created = await press(h, offer, "Lâm Thị Anh")
    assert created is not None and "liên kết tài khoản cho cán bộ Lâm Thị Anh" in (
        created.plain_text or "")
    await used_up(h, offer)
    match = LINK.search(created.plain_text or "")
    assert match

    welcome = await h.say(101, f"/start {match.group(1)}")
    assert "Lâm Thị Anh" in (welcome.plain_text or "")
    linked = await people.by_telegram_id(101)
    # The imported record itself: name, phone and rank kept; nobody new.
    assert linked is not None and linked.id == anh.id
    assert (linked.full_name, linked.phone, linked.rank) == (anh.full_name, anh.phone, Rank.PRIMARY)
    assert len(await people.all()) == count
    # She is on the bot now: the next offer for the office lists only her backup.
    again = await h.say(A, "/invite liaison VP_UBND du_phong")
    assert labels(again) == ["Diệp Mỹ Thủy (dự phòng) · chưa dùng bot", "+ người mới", "Hủy"]


async def test_typed_liaison_offers_imported_people_and_a_second_primary_is_confirmed(
    harness: Harness,
) -> None:
    h = harness
    await h.start()
    await import_province(h)
    before = await table(h, "invites")
    offer = await h.say(A, "/invite dau_moi VP_UBND")  # the Vietnamese name of "liaison"
    assert "Lâm Thị Anh (chính) · chưa dùng bot" in labels(offer)
    assert await table(h, "invites") == before  # an offer, not an invite for someone new

    # «+ người mới» as a primary while Lâm Thị Anh is the primary: asked, nothing written.
    ask = await press(h, offer, "+ người mới")
    assert ask is not None
    assert ("đã có cán bộ đầu mối chính: Lâm Thị Anh (chưa dùng bot)" in (ask.plain_text or ""))
    assert labels(ask) == ["✅ Xác nhận", "Hủy"]
    assert await table(h, "invites") == before
    dropped = await press(h, ask, "Hủy")
    assert dropped is not None and "Đã hủy" in (dropped.plain_text or "")
    assert await table(h, "invites") == before
    await used_up(h, ask)

    # Asked again, and confirmed this time: a new primary, on record as confirmed.
    offer = await h.say(A, "/invite liaison VP_UBND chinh")
    ask = await press(h, offer, "+ người mới")
    assert ask is not None
    created = await press(h, ask, "Xác nhận")
    assert created is not None and "cán bộ đầu mối (chính) của Văn phòng" in (created.plain_text or "")
    [entry] = await AuditRepository(h.services.db.reader).entries("invite.created")
    assert entry.details["second_confirmed"] is True and entry.details["agency"] == "VP_UBND"

    # A backup needs no confirmation; an agency with nobody imported gets its invite at once.
    offer = await h.say(A, "/invite dau_moi VP_UBND du_phong")
    backup = await press(h, offer, "+ người mới")
    assert backup is not None and "cán bộ đầu mối (dự phòng)" in (backup.plain_text or "")
    direct = await h.say(A, "/invite liaison PHUONG_MY_THOI")  # nobody imported for it
    assert "Lời mời" in (direct.plain_text or "") and not direct.buttons


async def test_a_second_lead_is_confirmed_and_vietnamese_names_work(harness: Harness) -> None:
    h = harness
    await h.start()
    await import_province(h)
    before = await table(h, "invites")
    ask = await h.say(A, "/invite ung_cuu doi_truong")
    assert "Đội ứng cứu sự cố đã có Đội trưởng: Đoàn Hoàng Hải (chưa dùng bot)" in (
        ask.plain_text or "")
    assert await table(h, "invites") == before
    created = await press(h, ask, "Xác nhận")
    assert created is not None and "Đội trưởng Đội ứng cứu sự cố" in (created.plain_text or "")
    member = await h.say(A, "/invite ung_cuu")
    assert "thành viên Đội ứng cứu sự cố" in (member.plain_text or "")
    person = await h.say(A, "/invite can_bo P012")
    assert "liên kết tài khoản cho cán bộ Diệp Mỹ Thủy" in (person.plain_text or "")
    # By buttons: the lead's role offers the imported responders.
    roles = await h.say(A, "/invite")
    offer = await press(h, roles, "Đội trưởng Đội ứng cứu sự cố")
    assert offer is not None and "Đoàn Hoàng Hải · chưa dùng bot" in labels(offer)
    assert labels(offer)[-2:] == ["+ người mới", "Hủy"]
    # Linking the imported lead himself is no second lead.
    linked = await press(h, offer, "Đoàn Hoàng Hải")
    assert linked is not None and "liên kết tài khoản cho cán bộ Đoàn Hoàng Hải" in (
        linked.plain_text or "")
    # The help names the typed forms and their Vietnamese names.
    help_text = await h.say(A, "/help")
    assert "/invite dau_moi" in (help_text.plain_text or "")


async def test_forged_stale_and_unauthorised_invite_taps_change_nothing(harness: Harness) -> None:
    h = harness
    await h.start()
    await import_province(h)
    offer = await h.say(A, "/invite liaison VP_UBND du_phong")
    token, _ = await invite(h, "can_bo P012")
    await h.say(102, f"/start {token}")  # Diệp Mỹ Thủy joins meanwhile
    await h.fake.wait_for_message(102)
    before = await table(h, "invites")
    # Her button on the older offer is stale now.
    stale = await forged(h, A, offer, offer.button_data("Diệp Mỹ Thủy"))
    assert "đã liên kết tài khoản Telegram" in stale
    # Someone who does not exist, an unknown agency, and data that is no button at all.
    assert "Không tìm thấy cán bộ" in await forged(h, A, offer, "iv:l:999999:0")
    assert "Không tìm thấy đơn vị" in await forged(h, A, offer, "iv:n:liaison:999999:1")
    assert "không còn hiệu lực" in await forged(h, A, offer, "iv:n:liaison:1")
    # A liaison (not an admin) tapping an invite button: refused and audited.
    refused = await forged(h, 102, (await h.fake.wait_for_message(102)), "iv:n:responder:0:0")
    assert "chỉ dành cho quản trị viên" in refused
    assert await table(h, "invites") == before
    denied = await AuditRepository(h.services.db.reader).entries("access.denied")
    assert any(e.actor_user_id == 102 for e in denied)


async def test_invites_have_a_revoke_button_confirmed_and_audited(harness: Harness) -> None:
    h = harness
    await h.start()
    await import_province(h)
    token, first = await invite(h, "responder")
    _, second = await invite(h, "can_bo P012")
    listing = await h.say(A, "/invites")
    assert labels(listing) == [f"Thu hồi {first}", f"Thu hồi {second}"]
    ask = await press(h, listing, f"Thu hồi {first}")
    assert ask is not None and f"Thu hồi lời mời {first}" in (ask.plain_text or "")
    assert labels(ask) == ["✅ Xác nhận thu hồi", "Hủy"]
    async with h.services.db.reader.execute("SELECT revoked_at FROM invites ORDER BY id") as cur:
        assert [r[0] for r in await cur.fetchall()] == [None, None]  # not before «Xác nhận»
    done = await press(h, ask, "Xác nhận thu hồi")
    assert done is not None and f"Đã thu hồi lời mời {first}" in (done.plain_text or "")
    async with h.services.db.reader.execute("SELECT revoked_by FROM invites ORDER BY id") as cur:
        assert [r[0] for r in await cur.fetchall()] == [A, None]
    [entry] = await AuditRepository(h.services.db.reader).entries("invite.revoked")
    assert entry.subject == first and entry.actor_user_id == A
    refused = await h.say(103, f"/start {token}")
    assert "thu hồi" in (refused.plain_text or "")
    # The same confirmation again, and «Thu hồi» on the old listing: nothing left to revoke.
    again = await forged(h, A, ask, f"iv:rk:{first.removeprefix('INV-')}")
    assert f"Không có lời mời đang chờ nào mang mã {first}" in again
    old = await forged(h, A, listing, listing.button_data(f"Thu hồi {first}"))
    assert f"Không có lời mời đang chờ nào mang mã {first}" in old
    # «Hủy» keeps the invite.
    ask = await press(h, listing, f"Thu hồi {second}")
    assert ask is not None
    kept = await press(h, ask, "Hủy")
    assert kept is not None and "Đã hủy" in (kept.plain_text or "")
    remaining = await h.say(A, "/invites")
    assert labels(remaining) == [f"Thu hồi {second}"]


async def test_invite_buttons_cancel_restart_and_stale_taps(harness: Harness) -> None:
    h = harness
    await h.start()
    await import_province(h)
    roles = await h.say(A, "/invite")
    cancelled = await press(h, roles, "Hủy")
    assert "Đã hủy; không có lời mời nào được tạo" in (cancelled.plain_text or "")
    # Its old role button does nothing now.
    assert "không còn hiệu lực" in await forged(h, A, roles, "iv:r:liaison")
    # A restart between the role and the agency: the draft goes on, saying so.
    roles = await h.say(A, "/invite")
    await press(h, roles, "Cán bộ đầu mối dự phòng")
    await h.stop()
    await h.start()
    filtered = await h.say(A, "VP_UBND", lambda m: bool(m.buttons))
    resumed = [m for m in h.fake.messages_to(A) if "vừa khởi động lại" in (m.plain_text or "")]
    assert resumed and "“Đơn vị”" in (resumed[-1].plain_text or "")
    offer = await press(h, filtered, OFFICE)
    assert "Mời cán bộ đầu mối (dự phòng) của" in (offer.plain_text or "")
    assert await table(h, "invites") == []


async def test_a_pending_primary_invite_holds_the_place(harness: Harness) -> None:
    """Two links for a new primary of one agency, both used, would make two primaries that
    nobody confirmed: the second invite is asked about like a second holder."""
    h = harness
    await h.start()
    await import_province(h)
    first = await h.say(A, "/invite liaison PHUONG_MY_THOI chinh")  # nobody imported for it
    assert "cán bộ đầu mối (chính)" in (first.plain_text or "") and not first.buttons
    before = await table(h, "invites")
    [first_id] = [row[0] for row in before]
    ask = await h.say(A, "/invite liaison PHUONG_MY_THOI chinh")
    assert f"đã có cán bộ đầu mối chính: lời mời INV-{first_id} (chưa sử dụng)" in (
        ask.plain_text or "")
    assert labels(ask) == ["✅ Xác nhận", "Hủy"]
    assert await table(h, "invites") == before
    created = await press(h, ask, "Xác nhận")
    assert created is not None and "cán bộ đầu mối (chính)" in (created.plain_text or "")
    assert len(await table(h, "invites")) == 2


async def test_the_offer_comes_even_when_the_picker_cannot_be_edited(harness: Harness) -> None:
    """Telegram refuses to edit the picker (too old, deleted): the agency's offer is still
    sent; the dead buttons are not worth losing the step over."""
    h = harness
    await h.start()
    await import_province(h)
    roles = await h.say(A, "/invite")
    picker = await press(h, roles, "Cán bộ đầu mối chính")
    filtered = await h.say(A, "van phong uy ban")
    h.fake.fail_next("editMessageReplyMarkup", 400,
                     description="Bad Request: message can't be edited")
    offer = await press(h, filtered, OFFICE)
    assert offer is not None and "Lâm Thị Anh (chính) · chưa dùng bot" in labels(offer)
    assert picker is not None
