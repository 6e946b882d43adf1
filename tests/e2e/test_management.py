"""Management in chat (issue 13, item 5), end to end: /person, /agency, /group with a
confirmed preview; refusals, bad arguments and replayed taps change nothing."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

from bot.services.importer import Importer
from bot.storage.audit import AuditRepository
from bot.storage.directives import DirectiveRepository
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has
from tests.e2e.test_directives import FAST, join
from tests.e2e.test_escalation import POLICY, broadcast, set_rotation, step
from tests.e2e.test_onboarding import import_province, invite

S = timedelta(seconds=1)
AGENCY = "PHUONG_BINH_DUC"  # no imported liaison of its own: P900 and P901 are its only ones
PEOPLE: list[dict[str, Any]] = [
    {"code": "P900", "full_name": "Trần Văn Nghỉ", "phone": "0912 000 900",
     "roles": ["liaison"], "agency": AGENCY, "rank": "primary"},
    {"code": "P901", "full_name": "Lê Thị Ở", "phone": "0912 111 222",
     "roles": ["liaison"], "agency": AGENCY, "rank": "backup"},
    {"code": "P902", "full_name": "Phạm Văn Trực", "phone": "0913 333 444",
     "roles": ["responder"]},
    {"code": "P903", "full_name": "Trần Văn <b>Mới</b>", "roles": ["liaison"],
     "agency": AGENCY, "rank": "backup"},  # imported, never joined
]
USERS = {"P900": 101, "P901": 102, "P902": 103}


async def start(h: Harness, tmp: Path) -> None:
    policy = tmp / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    await h.start(policy_file=policy, **FAST)
    await import_province(h)
    path = tmp / "people.yaml"
    path.write_text(yaml.safe_dump({"people": PEOPLE}, allow_unicode=True), encoding="utf-8")
    await Importer(h.services.db, h.clock).import_file(path)
    for code, user_id in USERS.items():
        token, _ = await invite(h, f"person {code}")
        await h.say(user_id, f"/start {token}", has("liên kết"))


def preview(m: SentMessage) -> bool:
    return any(str(b.get("callback_data", "")).startswith("mg:y:") for b in m.buttons)


async def tap(h: Harness, user: int, msg: SentMessage, label: str, data: str | None = None) -> str:
    """Press a button (or replay its `data`); what the tapper was told (the alert, else the
    next message)."""
    before = len(h.fake.messages_to(user))
    query = h.fake.press_button(user, msg.message_id, data or msg.button_data(label))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    said = str((h.fake.callback_answer(query) or {}).get("text", ""))
    if said:
        return said
    # Not an escalation notice that happens to arrive meanwhile: the reply to the tap.
    reply = await h.fake.wait_for_message(
        user, lambda m: (m.plain_text or "").startswith(("✅", "Đã hủy")), after=before)
    return reply.plain_text or ""


async def audited(h: Harness, action: str) -> list[Any]:
    return await AuditRepository(h.services.db.reader).entries(action)


def reminders(h: Harness, user_id: int, number: str) -> list[SentMessage]:
    return [m for m in h.fake.messages_to(user_id)
            if number in (m.plain_text or "") and "Nhắc" in (m.plain_text or "")]


async def test_person_off_stops_every_delivery_and_invite_and_keeps_past_acks(
        harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    # A directive P900 acknowledged while still in post.
    old = await broadcast(h, AGENCY, number="100/UBND-VP")
    copy = await h.fake.wait_for_message(101, lambda m: "100/UBND-VP" in (m.plain_text or ""))
    query = h.fake.press_button(101, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    # A second one whose reminders are queued but not sent yet (Telegram is slow today).
    await broadcast(h, AGENCY, number="200/UBND-VP")
    await h.fake.wait_for_message(101, lambda m: "200/UBND-VP" in (m.plain_text or ""))
    await h.services.sender.drained()
    await h.services.sender.stop()
    assert h.t0 is not None
    h.clock.set(h.t0 + 50 * S)
    assert await h.services.escalation.run_due() == 2  # the reminders to 101 and 102, queued
    token, _ = await invite(h, "person P903")  # a pending invite for someone who never joined

    shown = await h.say(SUPER_ADMIN, "/person off P900", preview)
    text = shown.plain_text or ""
    assert "Trần Văn Nghỉ" in text and "chính duy nhất" in text
    assert "/person primary P901" in text  # the backup to promote
    assert "P903" in text  # ... or the other backup
    said = await tap(h, SUPER_ADMIN, shown, "Xác nhận")
    assert "Đã ngừng hoạt động tài khoản cán bộ Trần Văn Nghỉ" in said and "hủy 1 tin" in said

    await h.services.sender.start()
    h.services.sender.wake()
    await h.services.sender.drained()
    assert reminders(h, 101, "200/UBND-VP") == []  # the queued reminder never went out
    assert len(reminders(h, 102, "200/UBND-VP")) == 1
    async with h.services.db.reader.execute(
            "SELECT status, error FROM outbox WHERE chat_id = 101 AND subject_kind ="
            " 'directive_ack' AND agency_id IS NOT NULL") as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [("failed", "person_inactive")]

    # A later broadcast and escalation steps reach the others only.
    before = len(h.fake.messages_to(101))
    await broadcast(h, AGENCY, number="300/UBND-VP")
    await h.fake.wait_for_message(102, lambda m: "300/UBND-VP" in (m.plain_text or ""))
    await step(h, 50 * S)
    await step(h, 61 * S)
    assert h.fake.messages_to(101)[before:] == []
    # No command works for them any more (refused, audited).
    refused = await h.say(101, "/pending")
    assert "đã kết thúc" in (refused.plain_text or "")

    # Their past acknowledgement stays, in the database and in /status.
    acks = await DirectiveRepository(h.services.db.reader).acks(old.id)
    p900 = await PeopleRepository(h.services.db.reader).by_code("P900")
    assert p900 is not None and not p900.active
    assert [a.person_id for a in acks.values()] == [p900.id]
    status = await h.say(SUPER_ADMIN, "/status 100/UBND-VP", has("đã xác nhận"))
    assert "đã xác nhận 1/1" in (status.plain_text or "")
    # ... and in the export, by name.
    await h.say(SUPER_ADMIN, "/export 100/UBND-VP", has("Đang lập tệp"))
    sent = await h.fake.wait_for_message(SUPER_ADMIN, lambda m: bool(m.file_id))
    stored = h.fake.file(sent.file_id) if sent.file_id else None
    assert stored is not None
    rows = list(load_workbook(io.BytesIO(stored.content), read_only=True)["Văn bản"]
                .iter_rows(values_only=True))
    header = list(rows[0])
    [row] = rows[1:]
    assert row[header.index("Người xác nhận")] == "Trần Văn Nghỉ", (header, row)

    # The never-joined person: deactivated, their invite link dies. Markup shown as text.
    shown = await h.say(SUPER_ADMIN, "/person off P903", preview)
    assert "Trần Văn <b>Mới</b>" in (shown.plain_text or "")
    assert "(1)" in (shown.plain_text or "")  # one pending invite to revoke
    data = shown.button_data("Xác nhận")
    said = await tap(h, SUPER_ADMIN, shown, "Xác nhận")
    assert "thu hồi 1 lời mời" in said
    joined = await h.say(104, f"/start {token}")
    assert "thu hồi" in (joined.plain_text or "")
    assert await PeopleRepository(h.services.db.reader).by_telegram_id(104) is None

    # The same «Xác nhận» again changes nothing and says so.
    entries = len(await audited(h, "manage.person_off"))
    assert entries == 2
    again = await tap(h, SUPER_ADMIN, shown, "", data)
    assert "không còn hiệu lực" in again
    assert len(await audited(h, "manage.person_off")) == 2


async def test_person_off_preview_warns_of_duty_refuses_self_and_names_ambiguity(
        harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    shown = await h.say(SUPER_ADMIN, "/person off phạm văn trực", preview)  # by name, any case
    data = shown.button_data("Xác nhận")
    assert "đang trong ca trực" in (shown.plain_text or "")
    assert "Đã hủy" in await tap(h, SUPER_ADMIN, shown, "Hủy")
    p902 = await PeopleRepository(h.services.db.reader).by_code("P902")
    assert p902 is not None and p902.active  # «Hủy»: nothing changed
    # «Xác nhận» after «Hủy»: stale.
    assert "không còn hiệu lực" in await tap(h, SUPER_ADMIN, shown, "", data)

    ambiguous = await h.say(SUPER_ADMIN, "/person off Trần Văn")
    text = ambiguous.plain_text or ""
    assert "P900" in text and "P903" in text and "Vui lòng" in text
    # An admin cannot deactivate themself.
    await h.say(SUPER_ADMIN, "/start")
    me = await PeopleRepository(h.services.db.reader).by_telegram_id(SUPER_ADMIN)
    assert me is not None
    async with h.services.db.transaction() as conn:
        await PeopleRepository(conn).update(me.id, {"code": "ADM1"}, 0)
    self_off = await h.say(SUPER_ADMIN, "/person off ADM1")
    assert "không thể tự ngừng hoạt động" in (self_off.plain_text or "")
    for bad, expect in (("/person off", "mã hoặc tên"), ("/person", "Cú pháp"),
                        ("/person off P999", "Không tìm thấy cán bộ")):
        reply = await h.say(SUPER_ADMIN, bad)
        assert expect in (reply.plain_text or ""), (bad, reply.plain_text)
    assert await audited(h, "manage.person_off") == []


async def test_a_forged_or_foreign_confirm_changes_nothing(
        harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    shown = await h.say(SUPER_ADMIN, "/person off P901", preview)
    data = shown.button_data("Xác nhận")
    # The liaison replays the admin's button in their own chat: refused, audited.
    on = await h.say(101, "/help")
    before = len(h.fake.messages_to(101))
    h.fake.press_button(101, on.message_id, data)
    refused = await h.fake.wait_for_message(101, after=before)
    assert (refused.plain_text or "").startswith("⛔")
    denied = await audited(h, "access.denied")
    assert any(e.actor_user_id == 101 for e in denied)
    # A nonce never issued.
    before = len(h.fake.messages_to(SUPER_ADMIN))
    query = h.fake.press_button(SUPER_ADMIN, shown.message_id, "mg:y:0123456789ab")
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "không còn hiệu lực" in str((h.fake.callback_answer(query) or {}).get("text"))
    p901 = await PeopleRepository(h.services.db.reader).by_code("P901")
    assert p901 is not None and p901.active
    assert await audited(h, "manage.person_off") == []


async def test_agency_lists_its_people_and_person_primary_swaps_the_ranks(
        harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    h.fake.block(102)
    await h.services.onboarding.mark_unreachable(102, "blocked")
    shown = await h.say(SUPER_ADMIN, "/agency phuong_binh_duc", has("Cán bộ"))
    lines = (shown.plain_text or "").splitlines()
    assert lines[0].startswith("UBND phường Bình Đức (mã PHUONG_BINH_DUC")
    [p900] = [line for line in lines if "Trần Văn Nghỉ" in line]
    assert "đầu mối chính" in p900 and "0912 000 900" in p900 and "đang dùng bot" in p900
    [p901] = [line for line in lines if "Lê Thị Ở" in line]
    assert "đầu mối dự phòng" in p901 and "đã chặn bot" in p901
    [p903] = [line for line in lines if "P903" in line]
    assert "Trần Văn <b>Mới</b>" in p903 and "chưa dùng bot" in p903
    assert "chưa có số điện thoại" in p903

    shown = await h.say(SUPER_ADMIN, "/person primary Lê Thị Ở", preview)
    assert "Trần Văn Nghỉ" in (shown.plain_text or "")  # the former primary, named
    said = await tap(h, SUPER_ADMIN, shown, "Xác nhận")
    assert "Lê Thị Ở là cán bộ đầu mối chính" in said
    people = PeopleRepository(h.services.db.reader)
    ranks = {p.code: p.rank for p in await people.all() if p.code in ("P900", "P901")}
    assert ranks == {"P900": "backup", "P901": "primary"}
    assert [p.code for p in await people.primaries(
        (await people.by_code("P901")).agency_id or 0)] == ["P901"]  # type: ignore[union-attr]
    again = await h.say(SUPER_ADMIN, "/person primary P901")
    assert "đã là cán bộ đầu mối chính" in (again.plain_text or "")
    not_liaison = await h.say(SUPER_ADMIN, "/person primary P902")
    assert "không phải cán bộ đầu mối" in (not_liaison.plain_text or "")
    assert len(await audited(h, "manage.person_primary")) == 1


async def test_agency_add_rename_off_on_and_bad_arguments(harness: Harness,
                                                          tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    for bad, expect in (
            ("/agency", "Cú pháp"), ("/agency add", "Cú pháp"),
            ("/agency add XA_MOI", "Thiếu tên"), ("/agency add XA/MOI Xã Mới", "không hợp lệ"),
            ("/agency add XA_MOI " + "X" * 201, "vượt quá 200"),
            ("/agency add XA_MOI <b>Xã</b> Mới", "không được chứa"),
            ("/agency add CAT Công an", "Đã có đơn vị mã “CAT”"),
            ("/agency KHONG_CO", "Không tìm thấy đơn vị"),
            ("/agency off KHONG_CO", "Không tìm thấy đơn vị"),
            ("/agency rename CAT", "Thiếu tên")):
        reply = await h.say(SUPER_ADMIN, bad)
        assert expect in (reply.plain_text or ""), (bad, reply.plain_text)

    shown = await h.say(SUPER_ADMIN, "/agency add xa_an_binh committee UBND xã An Bình", preview)
    assert "UBND xã An Bình (mã XA_AN_BINH, loại: Ủy ban nhân dân)" in (shown.plain_text or "")
    assert "Đã thêm đơn vị UBND xã An Bình" in await tap(h, SUPER_ADMIN, shown, "Xác nhận")
    shown = await h.say(SUPER_ADMIN, "/agency rename XA_AN_BINH UBND xã An Bình mới", preview)
    assert "Đã đổi tên" in await tap(h, SUPER_ADMIN, shown, "Xác nhận")
    _, agencies = await h.services.broadcast.catalog()
    assert "UBND xã An Bình mới" in [a.name for a in agencies]

    # Off: not offered in /broadcast, no new directive; its in-flight directive stays.
    await broadcast(h, AGENCY, number="100/UBND-VP")
    await h.fake.wait_for_message(101, lambda m: "100/UBND-VP" in (m.plain_text or ""))
    token, _ = await invite(h, f"dau_moi {AGENCY}")
    shown = await h.say(SUPER_ADMIN, f"/agency off {AGENCY}", preview)
    text = shown.plain_text or ""
    assert "lời mời cán bộ đầu mối chưa dùng bị thu hồi (1)" in text
    assert "1 văn bản đang chờ đơn vị xác nhận vẫn giữ nguyên" in text
    assert "thu hồi 1 lời mời" in await tap(h, SUPER_ADMIN, shown, "Xác nhận")
    groups, agencies = await h.services.broadcast.catalog()
    assert AGENCY not in [a.code for a in agencies]
    assert all(AGENCY not in [a.code for a in agencies if a.id in g.agency_ids] for g in groups)
    before = len(h.fake.messages_to(101))
    await broadcast(h, AGENCY, "CAT", number="300/UBND-VP")
    await h.services.sender.drained()
    assert [m for m in h.fake.messages_to(101)[before:]
            if "300/UBND-VP" in (m.plain_text or "")] == []
    assert "thu hồi" in ((await h.say(104, f"/start {token}")).plain_text or "")
    view = await h.say(SUPER_ADMIN, f"/agency {AGENCY}", has("Cán bộ"))
    assert "đã ngừng hoạt động" in (view.plain_text or "").splitlines()[0]

    shown = await h.say(SUPER_ADMIN, f"/agency on {AGENCY}", preview)
    assert "hoạt động trở lại" in await tap(h, SUPER_ADMIN, shown, "Xác nhận")
    _, agencies = await h.services.broadcast.catalog()
    assert AGENCY in [a.code for a in agencies]
    actions = [e.action for e in await AuditRepository(h.services.db.reader).entries()
               if e.action.startswith("manage.")]
    assert actions == ["manage.agency_add", "manage.agency_rename", "manage.agency_off",
                       "manage.agency_on"]


async def test_group_add_remove_changes_the_next_broadcasts_audience(
        harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)

    async def members() -> set[str]:
        groups, agencies = await h.services.broadcast.catalog()
        codes = {a.id: a.code for a in agencies}
        [group] = [g for g in groups if g.code == "DN_VIEN_THONG"]
        return {codes[i] for i in group.agency_ids}

    listing = await h.say(SUPER_ADMIN, "/group", has("Nhóm đơn vị"))
    assert "DN_VIEN_THONG" in (listing.plain_text or "")
    assert AGENCY not in await members()
    shown = await h.say(SUPER_ADMIN, f"/group add dn_vien_thong {AGENCY}", preview)
    assert "Đã thêm" in await tap(h, SUPER_ADMIN, shown, "Xác nhận")
    assert AGENCY in await members()
    before = len(h.fake.messages_to(101))
    await broadcast(h, *sorted(await members()), number="400/UBND-VP")  # «chọn nhóm» in /broadcast
    await h.fake.wait_for_message(101, lambda m: "400/UBND-VP" in (m.plain_text or ""),
                                  after=before)
    # (Escalation notices about the telecoms reach the admin meanwhile: wait for the reply.)
    await h.say(SUPER_ADMIN, f"/group add DN_VIEN_THONG {AGENCY}", has("đã thuộc nhóm"))
    shown = await h.say(SUPER_ADMIN, f"/group remove DN_VIEN_THONG {AGENCY}", preview)
    assert "Đã bỏ" in await tap(h, SUPER_ADMIN, shown, "Xác nhận")
    assert AGENCY not in await members()
    for bad, expect in (("/group add DN_VIEN_THONG", "Cú pháp"),
                        ("/group add KHONG_CO CAT", "Không tìm thấy nhóm"),
                        ("/group remove DN_VIEN_THONG KHONG_CO", "Không tìm thấy đơn vị")):
        await h.say(SUPER_ADMIN, bad, has(expect))


async def test_a_later_import_that_reactivates_says_so(harness: Harness, tmp_path: Path) -> None:
    """The file is the roster of record; an import undoing a /person off names the person."""
    h = harness
    await start(h, tmp_path)
    shown = await h.say(SUPER_ADMIN, "/person off P901", preview)
    await tap(h, SUPER_ADMIN, shown, "Xác nhận")
    path = tmp_path / "again.yaml"
    path.write_text(yaml.safe_dump({"people": PEOPLE}, allow_unicode=True), encoding="utf-8")
    report = await Importer(h.services.db, h.clock).import_file(path)
    assert report.reactivated == ["person P901 (Lê Thị Ở)"]
    unchanged = await Importer(h.services.db, h.clock).import_file(path)
    assert unchanged.reactivated == []


async def test_another_admins_preview_is_not_theirs_to_confirm(
        harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await join(h, 9002, "admin")  # a second admin
    shown = await h.say(SUPER_ADMIN, "/person off P901", preview)
    data = shown.button_data("Xác nhận")
    on = await h.say(9002, "/help")
    query = h.fake.press_button(9002, on.message_id, data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "không còn hiệu lực" in str((h.fake.callback_answer(query) or {}).get("text"))
    [refused] = await audited(h, "manage.refused")
    assert refused.actor_user_id == 9002 and refused.details["why"] == "not_owner"
    p901 = await PeopleRepository(h.services.db.reader).by_code("P901")
    assert p901 is not None and p901.active
    # The owner still can.
    assert "Đã ngừng hoạt động" in await tap(h, SUPER_ADMIN, shown, "Xác nhận")
