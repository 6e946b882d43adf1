"""People an import marks inactive (left, or moved to another agency) lose access everywhere."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.services.directive_escalations import ACK
from bot.services.importer import Importer
from bot.storage.audit import AuditRepository
from bot.storage.directives import DirectiveRepository
from bot.storage.escalations import EscalationRepository
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has
from tests.e2e.test_directives import FAST, is_directive
from tests.e2e.test_escalation import POLICY, broadcast, set_rotation, step
from tests.e2e.test_onboarding import import_province, invite

ENDED = "đã kết thúc"  # what a person whose access ended is told
AGENCY = "PHUONG_BINH_DUC"  # no imported liaison of its own: P900 and P901 are its only ones

# Imported people, linked to Telegram users 101, 102 and 103 through `/invite person`.
PEOPLE: dict[str, dict[str, Any]] = {
    "P900": {"code": "P900", "full_name": "Trần Văn Nghỉ", "roles": ["liaison"],
             "agency": AGENCY, "rank": "primary"},  # no phone: the bot asks for one
    "P901": {"code": "P901", "full_name": "Lê Thị Ở", "phone": "0912 111 222",
             "roles": ["liaison"], "agency": AGENCY, "rank": "backup"},
    "P902": {"code": "P902", "full_name": "Phạm Văn Trực", "phone": "0913 333 444",
             "roles": ["responder"]},
}
USERS = {"P900": 101, "P901": 102, "P902": 103}


async def reimport(h: Harness, tmp: Path, code: str, **changes: object) -> None:
    """`hoatoc import` of a file that states one person with `changes`."""
    path = tmp / f"people-{code}-{len(changes)}.yaml"
    path.write_text(yaml.safe_dump({"people": [{**PEOPLE[code], **changes}]},
                                   allow_unicode=True), encoding="utf-8")
    await Importer(h.services.db, h.clock).import_file(path)


async def start(h: Harness, tmp: Path) -> None:
    policy = tmp / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    await h.start(policy_file=policy, **FAST)
    await import_province(h)
    path = tmp / "people.yaml"
    path.write_text(yaml.safe_dump({"people": list(PEOPLE.values())}, allow_unicode=True),
                    encoding="utf-8")
    await Importer(h.services.db, h.clock).import_file(path)
    for code, user_id in USERS.items():
        token, _ = await invite(h, f"person {code}")
        await h.say(user_id, f"/start {token}", has("liên kết"))


async def phone_of(h: Harness, user_id: int) -> str | None:
    person = await PeopleRepository(h.services.db.reader).by_telegram_id(user_id)
    assert person is not None
    return person.phone


async def denials(h: Harness, user_id: int) -> list[str | None]:
    entries = await AuditRepository(h.services.db.reader).entries("access.denied")
    return [str(e.details.get("command")) for e in entries if e.actor_user_id == user_id]


def reminders(h: Harness, user_id: int, copy: SentMessage) -> list[SentMessage]:
    """Messages after the directive's copy that carry its ✅ button: the reminders."""
    return [m for m in h.fake.messages_to(user_id)
            if m.message_id > copy.message_id and "1556/UBND-KGVX" in (m.plain_text or "")
            and any("Đã nhận văn bản" in b["text"] for b in m.buttons)]


async def test_pending_refused_to_a_liaison_who_left(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await broadcast(h, AGENCY)
    await h.fake.wait_for_message(101, is_directive)
    listed = await h.say(101, "/pending")
    assert "1556/UBND-KGVX" in (listed.plain_text or "")

    await reimport(h, tmp_path, "P900", active=False)
    refused = await h.say(101, "/pending")
    assert ENDED in (refused.plain_text or "")
    assert "1556/UBND-KGVX" not in (refused.plain_text or "")
    assert await denials(h, 101) == ["/pending"]


async def test_duty_refused_to_a_person_who_left(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    shown = await h.say(101, "/duty")
    assert "Phạm Văn Trực (0913 333 444)" in (shown.plain_text or "")

    await reimport(h, tmp_path, "P900", active=False)
    refused = await h.say(101, "/duty")
    assert ENDED in (refused.plain_text or "")
    assert "Phạm Văn Trực" not in (refused.plain_text or "")
    assert "0913 333 444" not in (refused.plain_text or "")
    assert await denials(h, 101) == ["/duty"]


async def test_duty_view_does_not_name_a_responder_who_left(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    await reimport(h, tmp_path, "P902", active=False)
    view = await h.say(102, "/duty")
    text = view.plain_text or ""
    assert "Phạm Văn Trực" not in text and "0913 333 444" not in text
    assert "không có thành viên nào đang trực" in text


async def test_reminders_skip_a_liaison_who_left(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)
    await broadcast(h, AGENCY)
    copies = {u: await h.fake.wait_for_message(u, is_directive) for u in (101, 102)}
    await reimport(h, tmp_path, "P900", active=False)
    await step(h, 50 * timedelta(seconds=1))  # the reminder step, 10 s before the deadline
    assert len(reminders(h, 102, copies[102])) == 1
    assert reminders(h, 101, copies[101]) == []


async def test_reminders_skip_a_liaison_moved_to_another_agency(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await broadcast(h, AGENCY)
    copies = {u: await h.fake.wait_for_message(u, is_directive) for u in (101, 102)}
    await reimport(h, tmp_path, "P900", agency="TT_CNTT")
    await step(h, 50 * timedelta(seconds=1))
    assert len(reminders(h, 102, copies[102])) == 1
    assert reminders(h, 101, copies[101]) == []


async def test_phone_command_refused_to_a_person_who_left(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await reimport(h, tmp_path, "P901", active=False)
    shown = await h.say(102, "/phone")
    assert ENDED in (shown.plain_text or "") and "0912 111 222" not in (shown.plain_text or "")
    changed = await h.say(102, "/phone 0987 654 321")
    assert ENDED in (changed.plain_text or "")
    assert await phone_of(h, 102) == "+84912111222"
    # Both refused; the same refusal is audited once per window (a flood cannot grow the log).
    assert await denials(h, 102) == ["/phone"]


async def test_typed_phone_not_taken_from_a_person_who_left(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    assert await phone_of(h, 101) is None  # the bot asked P900 for a number
    await reimport(h, tmp_path, "P900", active=False)
    reply = await h.say(101, "0987 654 321")
    assert ENDED in (reply.plain_text or "")
    assert await phone_of(h, 101) is None
    before = len(h.fake.messages_to(101))
    h.fake.send_contact(101, "+84987654321", contact_user_id=101)
    shared = await h.fake.wait_for_message(101, after=before)
    assert ENDED in (shared.plain_text or "")
    assert await phone_of(h, 101) is None


async def test_deactivated_liaison_cannot_ack_or_report_on_an_old_copy(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    directive = await broadcast(h, AGENCY, report_deadline_at=h.clock.now() + timedelta(days=3))
    copy = await h.fake.wait_for_message(101, is_directive)
    # A report begun while still active, sent after the import.
    before = len(h.fake.messages_to(101))
    h.fake.press_button(101, copy.message_id, copy.button_data("Báo cáo"))
    await h.fake.wait_for_message(101, has("Báo cáo kết quả thực hiện"), after=before)
    got = await h.say(101, "Đã bố trí trực 24/7.", has("Gửi báo cáo"))

    await reimport(h, tmp_path, "P900", active=False)
    ack = h.fake.press_button(101, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == ack)
    assert ENDED in (h.fake.callback_answer(ack) or {}).get("text", "")
    before = len(h.fake.messages_to(101))
    h.fake.press_button(101, got.message_id, got.button_data("Gửi báo cáo"))
    refused = await h.fake.wait_for_message(101, after=before)
    assert ENDED in (refused.plain_text or "")
    again = h.fake.press_button(101, copy.message_id, copy.button_data("Báo cáo"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == again)
    assert ENDED in (h.fake.callback_answer(again) or {}).get("text", "")

    repo, audit = DirectiveRepository(h.services.db.reader), AuditRepository(h.services.db.reader)
    assert await repo.acks(directive.id) == {}
    assert await repo.result_reports(directive.id) == []
    assert [e.subject for e in await audit.entries("ack.refused")] == [
        copy.button_data("Đã nhận")]
    # The send and the new tap are both refused; one row per user and action per window.
    assert len(await audit.entries("report.refused")) == 1
    assert await audit.entries("ack.recorded") == []
    assert await audit.entries("report.submitted") == []


async def test_start_tells_a_person_who_left_that_access_ended(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    await reimport(h, tmp_path, "P901", active=False)
    scope = {"type": "chat", "chat_id": 102}
    assert h.fake.commands_for(scope) is not None  # the liaison's own menu
    reply = await h.say(102, "/start")
    assert ENDED in (reply.plain_text or "") and "Lê Thị Ở" not in (reply.plain_text or "")
    # The chat's own menu goes: only the default one (/start, /help) is left.
    await h.fake.wait_for_call(
        "deleteMyCommands", lambda c: c.params.get("scope", {}).get("chat_id") == 102)
    assert h.fake.commands_for(scope) is None


async def test_status_and_digests_name_only_active_liaisons(
    harness: Harness, tmp_path: Path
) -> None:
    """Survivor: whom-to-call lines never name someone who left."""
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    await broadcast(h, AGENCY)
    await h.services.sender.drained()
    await reimport(h, tmp_path, "P900", active=False)
    status = await h.say(SUPER_ADMIN, "/status 1556/UBND-KGVX", has("Lê Thị Ở"))
    assert "Trần Văn Nghỉ" not in (status.plain_text or "")
    await step(h, 60 * timedelta(seconds=1))
    [digest] = [m for m in h.fake.messages_to(103)
                if "Đôn đốc" in (m.plain_text or "")]
    assert "Lê Thị Ở" in (digest.plain_text or "")
    assert "Trần Văn Nghỉ" not in (digest.plain_text or "")


async def test_responder_who_left_gets_no_digest_and_cannot_claim(
    harness: Harness, tmp_path: Path
) -> None:
    """Survivor: the on-duty responder who left is skipped (lead and admins hear it); an old
    digest's «Tôi sẽ liên hệ» is refused and records nothing."""
    h = harness
    await start(h, tmp_path)
    await set_rotation(h, 103)
    directive = await broadcast(h, AGENCY)
    await step(h, 60 * timedelta(seconds=1))
    [digest] = [m for m in h.fake.messages_to(103)
                if "Đôn đốc" in (m.plain_text or "")]
    await reimport(h, tmp_path, "P902", active=False)
    query = h.fake.press_button(103, digest.message_id, digest.button_data("Tôi sẽ liên hệ"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert "Tôi sẽ liên hệ" not in (h.fake.callback_answer(query) or {}).get("text", "")
    rows = await EscalationRepository(h.services.db.reader).of_subject(ACK, directive.id)
    assert all(r.handled_by is None for r in rows)
    assert len(await AuditRepository(h.services.db.reader).entries(
        "escalation.claim_refused")) == 1

    second = await broadcast(h, "TT_CNTT")  # nobody joined for it: on duty at once
    await step(h, 0 * timedelta(seconds=1))
    assert [m for m in h.fake.messages_to(103) if second.number in (m.plain_text or "")
            and m.message_id > digest.message_id] == []
    fallback = await h.fake.wait_for_message(SUPER_ADMIN, has("không có thành viên nào đang trực"))
    assert "Trung tâm Công nghệ thông tin" in (fallback.plain_text or "")


async def test_messages_queued_for_a_liaison_an_import_deactivates_never_go_out(
    harness: Harness, tmp_path: Path
) -> None:
    """`hoatoc import` runs in another process: it cannot reach the bot's sender, yet what
    was queued for someone the file marks as gone must not reach them."""
    h = harness
    await start(h, tmp_path)
    await broadcast(h, AGENCY)
    await h.fake.wait_for_message(101, is_directive)
    await h.services.sender.drained()
    await h.services.sender.stop()  # Telegram is slow today: the reminders stay queued
    assert h.t0 is not None
    h.clock.set(h.t0 + 50 * timedelta(seconds=1))
    assert await h.services.escalation.run_due() == 2  # the reminders to 101 and 102
    await reimport(h, tmp_path, "P900", active=False)
    await h.services.sender.start()
    h.services.sender.wake()
    await h.services.sender.drained()
    assert [m for m in h.fake.messages_to(102) if "Nhắc" in (m.plain_text or "")] != []
    assert [m for m in h.fake.messages_to(101) if "Nhắc" in (m.plain_text or "")] == []
    async with h.services.db.reader.execute(
            "SELECT status, error FROM outbox WHERE chat_id = 101 AND subject_kind ="
            " 'directive_ack' AND agency_id IS NOT NULL") as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [("failed", "person_inactive")]
