"""Onboarding end to end: invites created, opened, refused, revoked; roles checked and audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.storage.audit import AuditRepository
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import SentMessage
from tests.conftest import PROVINCE
from tests.e2e.conftest import FOCAL_NAME, SUPER_ADMIN, Harness

LINK = re.compile(r"https://t\.me/hoatoc_test_bot\?start=([A-Za-z0-9_-]+)")


async def import_province(h: Harness) -> None:
    from bot.services.importer import Importer

    await Importer(h.services.db, h.clock).import_file(PROVINCE)


async def invite(h: Harness, args: str) -> tuple[str, str]:
    """The super-admin runs /invite ARGS; returns (token, public id) from the reply.

    The tests' people are new: offered the agency's imported liaisons, it taps «+ người
    mới»; asked about a second primary liaison or lead, it confirms."""
    def answer(m: SentMessage) -> bool:  # not a digest that happens to arrive meanwhile
        return bool(LINK.search(m.plain_text or "")) or any(
            str(b.get("callback_data", "")).startswith("iv:") for b in m.buttons)

    reply = await h.say(SUPER_ADMIN, f"/invite {args}", answer)
    for label in ("+ người mới", "Xác nhận"):
        if any(label in b["text"] for b in reply.buttons):
            before = len(h.fake.messages_to(SUPER_ADMIN))
            h.fake.press_button(SUPER_ADMIN, reply.message_id, reply.button_data(label))
            reply = await h.fake.wait_for_message(SUPER_ADMIN, answer, after=before)
    text = reply.plain_text or ""
    match, public = LINK.search(text), re.search(r"INV-\d+", text)
    assert match and public, text
    return match.group(1), public.group(0)


async def table(h: Harness, name: str) -> list[tuple[object, ...]]:
    async with h.services.db.reader.execute(f"SELECT * FROM {name} ORDER BY 1") as cur:
        return [tuple(r) for r in await cur.fetchall()]


async def test_liaison_joins_through_invite_and_every_bad_link_is_refused(harness: Harness) -> None:
    h = harness
    await h.start()
    await import_province(h)
    token, public_id = await invite(h, "liaison CAT")

    welcome = await h.say(101, f"/start {token}")
    assert "cán bộ đầu mối (chính)" in (welcome.plain_text or "")
    assert "Công an tỉnh" in (welcome.plain_text or "")
    ask = await h.fake.wait_for_message(101, lambda m: "số điện thoại" in (m.text or ""))
    assert ask.reply_markup is not None
    assert ask.reply_markup["keyboard"][0][0]["request_contact"] is True
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(101)
    assert person is not None and person.activated and person.agency_id is not None
    menu = await h.fake.wait_for_call(
        "setMyCommands", lambda c: c.params.get("scope", {}).get("chat_id") == 101)
    assert {c["command"] for c in menu.params["commands"]} == {
        "start", "help", "duty", "phone", "cancel", "pending", "report", "myreports",
        "incident"}

    snapshot = [await table(h, t) for t in ("people", "person_roles", "invites")]
    # The same link again, by the same person and by someone else.
    again = await h.say(101, f"/start {token}")
    assert "đã được đăng ký bằng đường dẫn mời này" in (again.plain_text or "")
    other = await h.say(102, f"/start {token}")
    assert "đã được sử dụng" in (other.plain_text or "")
    # A made-up token and a malformed one.
    made_up = await h.say(102, "/start " + "Z" * 32)
    assert "không hợp lệ" in (made_up.plain_text or "")
    assert "0296 3 852 000" in (made_up.plain_text or "")  # tells them whom to call
    junk = await h.say(102, "/start <script>")
    assert "không hợp lệ" in (junk.plain_text or "")
    # A revoked link.
    revoked_token, revoked_id = await invite(h, "responder")
    done = await h.say(SUPER_ADMIN, f"/revoke {revoked_id}")
    assert f"Đã thu hồi lời mời {revoked_id}" in (done.plain_text or "")
    refused = await h.say(102, f"/start {revoked_token}")
    assert "thu hồi" in (refused.plain_text or "")
    # An expired link.
    expiring_token, _ = await invite(h, "liaison TT_CNTT du_phong")
    h.clock.advance(hours=72, seconds=1)
    expired = await h.say(103, f"/start {expiring_token}")
    assert "hết hạn" in (expired.plain_text or "")
    assert [await table(h, t) for t in ("people", "person_roles")] == snapshot[:2]
    assert public_id != revoked_id


async def test_phone_shared_or_typed(harness: Harness) -> None:
    h = harness
    await h.start()
    await import_province(h)
    token, _ = await invite(h, "responder lead")
    welcome = await h.say(102, f"/start {token}")
    assert "Đội trưởng" in (welcome.plain_text or "")
    await h.fake.wait_for_message(102, lambda m: "số điện thoại" in (m.text or ""))

    bad = await h.say(102, "gọi tôi nhé")
    assert "không phải số điện thoại hợp lệ" in (bad.plain_text or "")
    before = len(h.fake.messages_to(102))
    h.fake.send_contact(102, "84912345678", contact_user_id=555)  # someone else's card
    forged = await h.fake.wait_for_message(102, after=before)
    assert "của chính người dùng tài khoản này" in (forged.plain_text or "")
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(102)
    assert person is not None and person.phone is None

    before = len(h.fake.messages_to(102))
    h.fake.send_contact(102, "84912345678", contact_user_id=102)
    saved = await h.fake.wait_for_message(102, after=before)
    assert "0912 345 678" in (saved.plain_text or "")
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(102)
    assert person is not None and person.phone == "+84912345678" and person.lead

    changed = await h.say(102, "/phone 0987 654 321")
    assert "0987 654 321" in (changed.plain_text or "")
    # Once a phone is on record, plain text is no longer taken as a number.
    other = await h.say(102, "0911 111 111")
    assert "chưa được hỗ trợ" in (other.plain_text or "")


async def test_liaison_calling_invite_is_refused_and_audited(harness: Harness) -> None:
    h = harness
    await h.start()
    await import_province(h)
    token, _ = await invite(h, "liaison CAT")
    await h.say(101, f"/start {token}")
    invites_before = await table(h, "invites")
    for command in ("/invite liaison CAT", "/invites", "/revoke INV-1"):
        refused = await h.say(101, command)
        assert "chỉ dành cho quản trị" in (refused.plain_text or "")
    assert await table(h, "invites") == invites_before
    denied = await AuditRepository(h.services.db.reader).entries("access.denied")
    assert [(e.actor_user_id, e.subject) for e in denied] == [
        (101, "/invite"), (101, "/invites"), (101, "/revoke")]
    stranger = await h.say(104, "/invite admin")
    assert "chỉ dành cho quản trị" in (stranger.plain_text or "")


async def test_admin_invites_listing_usage_and_admin_invites(harness: Harness) -> None:
    h = harness
    await h.start()
    await import_province(h)
    # Without arguments /invite opens buttons (tests/e2e/test_invite_imported.py); a typed
    # form it cannot read says how to write one.
    usage = await h.say(SUPER_ADMIN, "/invite boss")
    assert "Cách dùng" in (usage.plain_text or "")
    unknown = await h.say(SUPER_ADMIN, "/invite liaison KHONGCO")
    assert "KHONGCO" in (unknown.plain_text or "")
    empty = await h.say(SUPER_ADMIN, "/invites")
    assert "Không có lời mời" in (empty.plain_text or "")
    _, first = await invite(h, "liaison CAT du_phong")
    admin_token, second = await invite(h, "admin")
    listing = await h.say(SUPER_ADMIN, "/invites")
    assert first in (listing.plain_text or "") and second in (listing.plain_text or "")
    assert "dự phòng" in (listing.plain_text or "")
    bad_revoke = await h.say(SUPER_ADMIN, "/revoke abc")
    assert "Cách dùng" in (bad_revoke.plain_text or "")
    # The invited admin may invite liaisons, but not other admins.
    await h.say(102, f"/start {admin_token}")
    token, _ = await invite_as(h, 102, "responder")
    assert token
    refused = await h.say(102, "/invite admin")
    assert "quản trị viên cấp cao" in (refused.plain_text or "")


async def invite_as(h: Harness, user_id: int, args: str) -> tuple[str, str]:
    reply = await h.say(user_id, f"/invite {args}", lambda m: "Lời mời" in (m.text or ""))
    match = LINK.search(reply.plain_text or "")
    assert match, reply.plain_text
    return match.group(1), ""


async def test_person_invite_links_imported_record(harness: Harness) -> None:
    h = harness
    await h.start()
    await import_province(h)
    people = PeopleRepository(h.services.db.reader)
    lead = next(p for p in await people.all() if p.lead)
    token, _ = await invite(h, f"person {lead.code}")
    welcome = await h.say(103, f"/start {token}")
    assert lead.full_name in (welcome.plain_text or "")
    linked = await people.by_telegram_id(103)
    assert linked is not None and linked.id == lead.id
    # The imported phone is on record, so nobody asks for it.
    assert not any("Chia sẻ số điện thoại" in (m.text or "") for m in h.fake.messages_to(103))


async def test_start_without_token_and_help(harness: Harness) -> None:
    h = harness
    await h.start()
    stranger = await h.say(104, "/start")
    assert "chưa được đăng ký" in (stranger.plain_text or "")
    assert FOCAL_NAME in (stranger.plain_text or "")
    assert "0296 3 852 000" in (stranger.plain_text or "")
    admin = await h.say(SUPER_ADMIN, "/start")
    assert "quản trị" in (admin.plain_text or "")
    # The super-admin has no phone on record yet, so the bot asks for it.
    await h.fake.wait_for_message(SUPER_ADMIN, lambda m: "Chia sẻ số điện thoại" in (m.text or ""))
    help_text = await h.say(SUPER_ADMIN, "/help")
    assert "/invite" in (help_text.plain_text or "")
    stranger_help = await h.say(104, "/help")
    assert "/invite" not in (stranger_help.plain_text or "")
    unknown = await h.say(104, "/nope")
    assert "Không có lệnh /nope" in (unknown.plain_text or "")
    before = len(h.fake.messages_to(104))
    h.fake.send_sticker(104)
    sticker = await h.fake.wait_for_message(104, after=before)
    assert "chưa được hỗ trợ" in (sticker.plain_text or "")
    default = await h.fake.wait_for_call("setMyCommands", lambda c: "scope" not in c.params
                                         or c.params["scope"].get("type") == "default")
    assert {c["command"] for c in default.params["commands"]} == {"start", "help"}


async def test_greetings_name_the_configured_team(harness: Harness) -> None:
    """The team is named in full as the deployer configured it, the default otherwise."""
    h = harness
    team = "Đội ứng cứu sự cố an ninh mạng tỉnh An Giang"
    await h.start(team_name=team)
    stranger = await h.say(104, "/start")
    assert team in (stranger.plain_text or "")
    assert FOCAL_NAME in (stranger.plain_text or "")  # whom to contact stays the focal point
    token, _ = await invite(h, "responder")
    member = await h.say(102, f"/start {token}")
    assert f"Thành viên {team}" in (member.plain_text or "")
    token, _ = await invite(h, "responder lead")
    lead = await h.say(103, f"/start {token}")
    assert team in (lead.plain_text or "") and "Đội trưởng" in (lead.plain_text or "")
    await h.stop()
    await h.start()
    default = await h.say(104, "/start")
    assert "Đội ứng cứu sự cố an toàn thông tin mạng tỉnh" in (default.plain_text or "")


@pytest.mark.parametrize("admin_ids", ["9001", "9001,9002"])
async def test_admin_ids_from_environment(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, admin_ids: str
) -> None:
    h = harness
    monkeypatch.setenv("HOATOC_ADMIN_IDS", admin_ids)
    from config.settings import Settings

    settings = Settings(bot_token="7000000001:AAE2eTestTokenNeverUsedAnywhere_xyz",
                        api_base_url=h.fake.base_url, database=h.tmp / "db.sqlite")
    from bot.app import build_application, start_polling

    h.app = build_application(settings, clock=h.clock)
    await start_polling(h.app, poll_timeout=1)
    for user_id in (9001, 9002):
        reply = await h.say(user_id, "/invite responder")
        is_admin = str(user_id) in admin_ids.split(",")
        assert ("Lời mời" in (reply.plain_text or "")) is is_admin, reply.plain_text


async def test_restart_keeps_people_agencies_and_invites(harness: Harness) -> None:
    h = harness
    await h.start()
    await import_province(h)
    token, _ = await invite(h, "liaison CAT")
    await h.say(101, f"/start {token}")
    pending_token, pending_id = await invite(h, "responder")
    before = [await table(h, t) for t in ("agencies", "people", "person_roles", "invites")]
    await h.stop()
    h.clock.advance(timedelta(minutes=5))
    await h.start()
    assert [await table(h, t) for t in ("agencies", "people", "person_roles", "invites")] == before
    known = await h.say(101, "/start")
    assert "cán bộ đầu mối" in (known.plain_text or "")
    joined = await h.say(102, f"/start {pending_token}")
    assert "Đội ứng cứu" in (joined.plain_text or "")
    listing = await h.say(SUPER_ADMIN, "/invites")
    assert pending_id not in (listing.plain_text or "")
