"""Drills (diễn tập, issue 13 item 6): marked on the preview, bannered on every message about
them, escalated as a real directive is, and kept out of real figures."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.figures import ack_figures, overall_ack_figures, split_drills
from bot.storage import figures as figure_records
from bot.storage.audit import AuditRepository
from bot.storage.directives import DirectiveRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import has, pick_to_preview, tap
from tests.e2e.test_directives import FAST, agency_ids, draft, is_directive, join
from tests.e2e.test_escalation import S, set_rotation, start, step, texts
from tests.e2e.test_onboarding import import_province

A = SUPER_ADMIN
BANNER = "🎯 DIỄN TẬP — KHÔNG PHẢI TÌNH HUỐNG THỰC TẾ"
MARK = "[🎯 DIỄN TẬP]"  # where a list names the drill among other items
USERS = (101, 102, 103, 104, A)
# Replies to a command listing several items: the drill is marked where it is named.
LISTS = ("Việc quá hạn", "Đôn đốc đang mở")
# Echoes of a step of a conversation (not about the directive as such): the conversation's
# question and its outcome carry the banner, these do not.
STEPS = ("✅ Đã ghi nhận (",)


def shown(m: SentMessage) -> list[str]:
    """Every text the message showed: as sent, then after each edit."""
    # Edits are recorded as sent (HTML): compared as the user reads them.
    return [m.plain_text or m.text or "",
            *(html.unescape(re.sub(r"<[^>]+>", "", e.text or "")) for e in m.edits)]


async def walk(h: Harness, tmp_path: Path, *, drill: bool) -> dict[int, list[SentMessage]]:
    """broadcast → /status → reminder → escalation → /overdue, /alerts → acknowledgement →
    /pending → result report → Gia hạn → Đính chính → Thu hồi; the messages after «Gửi»."""
    await start(h, tmp_path)
    await set_rotation(h, 103)
    before = {u: len(h.fake.messages_to(u)) for u in USERS}
    d = draft(h, ack_deadline_at=h.clock.now() + 60 * S, drill=drill,
              report_deadline_at=h.clock.now() + timedelta(days=3))
    d.agency_ids = await agency_ids(h, "CAT", "TT_CNTT")  # nobody joined for TT_CNTT
    h.t0 = h.clock.now()
    directive, _ = await h.services.broadcast.send(A, d)
    assert directive.drill is drill
    await h.services.sender.drained()
    await h.say(A, "/status 1556/UBND-KGVX", has("Tình hình văn bản"))
    await step(h, 50 * S)
    assert texts(h, 101, "Nhắc hạn") and texts(h, 102, "Nhắc hạn")
    await step(h, 60 * S)
    [digest] = texts(h, 103, "Đôn đốc")
    await step(h, 70 * S)  # the escalation follows the policy: lead and admins 10 s later
    assert texts(h, 104, "Đôn đốc") and texts(h, A, "Đôn đốc")
    await h.say(A, "/overdue", has("Việc quá hạn"))
    await h.say(A, "/alerts", has("Đôn đốc đang mở"))
    copy = await h.fake.wait_for_message(101, is_directive)
    query = h.fake.press_button(101, copy.message_id, copy.button_data("Đã nhận"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    await h.services.sender.drained()
    await h.say(102, "/pending", has("1556/UBND-KGVX"))
    # A result report: the question, a step, «Gửi báo cáo», the confirmation.
    n = len(h.fake.messages_to(101))
    h.fake.press_button(101, copy.message_id, copy.button_data("Báo cáo"))
    await h.fake.wait_for_message(101, has("Báo cáo kết quả thực hiện"), after=n)
    got = await h.say(101, "Đã bố trí trực 24/7.", has("Đã ghi nhận ("))
    n = len(h.fake.messages_to(101))
    h.fake.press_button(101, got.message_id, got.button_data("Gửi báo cáo"))
    await h.fake.wait_for_message(101, has("Đã lưu báo cáo"), after=n)
    await h.fake.wait_for_message(A, has("Báo cáo kết quả"))
    # Gia hạn, Đính chính, Thu hồi from the status message, as an admin does them.
    status = await h.say(A, "/status 1556/UBND-KGVX", has("Tình hình văn bản"))
    await tap(h, status, "Gia hạn", "nhập thời hạn xác nhận mới")
    confirm = await h.say(A, "+2h", has("Đồng ý gia hạn"))
    await tap(h, confirm, "Xác nhận", "Đã gia hạn")
    status = await h.say(A, "/status 1556/UBND-KGVX", has("Tình hình văn bản"))
    await tap(h, status, "Đính chính", "nội dung đính chính")
    confirm = await h.say(A, "Sửa «24/7» thành «24/7 kể cả ngày nghỉ».",
                          has("Đồng ý gửi nội dung đính chính"))
    await tap(h, confirm, "Xác nhận", "Đang gửi nội dung đính chính")
    status = await h.say(A, "/status 1556/UBND-KGVX", has("Tình hình văn bản"))
    confirm = await tap(h, status, "Thu hồi", "Không thể hoàn tác")
    assert confirm is not None
    await tap(h, confirm, "Xác nhận", "Đã thu hồi")
    await h.services.sender.drained()
    for user in (101, 102):
        await h.fake.wait_for_message(user, has("Thu hồi văn bản"))
    await h.fake.wait_for_message(
        103, lambda m: m.message_id == digest.message_id and "thu hồi" in shown(m)[-1])
    return {u: h.fake.messages_to(u)[before[u]:] for u in USERS}


async def test_a_drill_carries_its_banner_on_every_message_and_escalates_as_policy_says(
    harness: Harness, tmp_path: Path
) -> None:
    got = await walk(harness, tmp_path, drill=True)
    kinds = {"copy": 0, "reminder": 0, "digest": 0, "edited": 0}
    for user, messages in got.items():
        for m in messages:
            for text in shown(m):
                if any(text.startswith(s) for s in STEPS) or not text:
                    continue
                if any(word in text.split("\n")[0] for word in LISTS):
                    assert MARK in text, (user, text)
                    continue
                assert text.startswith(BANNER), (user, text)
            kinds["copy"] += is_directive(m)
            kinds["reminder"] += "Nhắc hạn" in shown(m)[0]
            kinds["digest"] += "Đôn đốc" in shown(m)[0]
            kinds["edited"] += bool(m.edits)
    # The walk saw every kind of message it meant to (not a vacuous pass).
    assert all(kinds.values()), kinds
    [sent] = [e for e in await AuditRepository(harness.services.db.reader).entries()
              if e.action == "directive.sent"]
    assert sent.details["drill"] is True
    listing = await harness.say(A, "/audit", has("Gửi văn bản chỉ đạo"))
    assert "Gửi văn bản chỉ đạo (diễn tập)" in (listing.plain_text or "")


async def test_a_real_directive_says_nothing_of_drills(harness: Harness, tmp_path: Path) -> None:
    got = await walk(harness, tmp_path, drill=False)
    for user, messages in got.items():
        for m in messages:
            for text in shown(m):
                assert "DIỄN TẬP" not in text and "diễn tập" not in text, (user, text)


async def test_the_preview_toggle_marks_the_draft_and_the_confirmation_says_so(
    harness: Harness, tmp_path: Path
) -> None:
    """«🎯 Diễn tập: Không» on the preview turns it on (the preview is shown again with the
    banner and asks "Gửi văn bản DIỄN TẬP tới 1 đơn vị?"); «Gửi» stores a drill."""
    h = harness
    await h.start(**FAST)
    await import_province(h)
    await join(h, 101, "liaison TT_CNTT")
    summary = await pick_to_preview(h, "Trung tâm Công nghệ")
    assert [b["text"] for b in summary.buttons if "Diễn tập" in b["text"]] == ["🎯 Diễn tập: Không"]
    assert "DIỄN TẬP" not in "".join(m.plain_text or "" for m in h.fake.messages_to(A))
    n = len(h.fake.messages_to(A))
    again = await tap(h, summary, "Diễn tập: Không", "Tóm tắt trước khi gửi")
    assert again is not None
    assert "Gửi văn bản DIỄN TẬP tới 1 đơn vị?" in (again.plain_text or "")
    assert (h.fake.messages_to(A)[n + 1].plain_text or "").startswith(BANNER)  # the preview
    assert [b["text"] for b in again.buttons if "Diễn tập" in b["text"]] == ["🎯 Diễn tập: Có"]
    await tap(h, again, "Gửi", "Đang gửi văn bản DIỄN TẬP")
    copy = await h.fake.wait_for_message(101, lambda m: bool(m.buttons))
    assert (copy.plain_text or "").startswith(BANNER)
    [d] = await DirectiveRepository(h.services.db.reader).recent(5)
    assert d.drill


@pytest.mark.parametrize("command", ["/broadcast dientap", "/broadcast diễn tập", "/broadcast drill"])
async def test_broadcast_dientap_starts_a_draft_marked_as_a_drill(
    harness: Harness, command: str
) -> None:
    """The README's `/broadcast dientap`: the preview comes marked («🎯 Diễn tập: Có», the
    banner, "Gửi văn bản DIỄN TẬP"), and «Gửi» stores a drill."""
    h = harness
    await h.start(**FAST)
    await import_province(h)
    await join(h, 101, "liaison TT_CNTT")
    n = len(h.fake.messages_to(A))
    summary = await pick_to_preview(h, "Trung tâm Công nghệ", command=command)
    assert "Gửi văn bản DIỄN TẬP tới 1 đơn vị?" in (summary.plain_text or "")
    assert [b["text"] for b in summary.buttons if "Diễn tập" in b["text"]] == ["🎯 Diễn tập: Có"]
    assert any((m.plain_text or "").startswith(BANNER) for m in h.fake.messages_to(A)[n:])
    await tap(h, summary, "Gửi", "Đang gửi văn bản DIỄN TẬP")
    copy = await h.fake.wait_for_message(101, lambda m: bool(m.buttons))
    assert (copy.plain_text or "").startswith(BANNER)
    [d] = await DirectiveRepository(h.services.db.reader).recent(5)
    assert d.drill


@pytest.mark.parametrize("first", ["real", "drill"])
async def test_drill_figures_stay_apart_from_real_ones(
    harness: Harness, tmp_path: Path, first: str
) -> None:
    """One real and one drill directive to the same agency, confirmed after 3 and 9 minutes:
    the real figures are the real directive's alone, whichever was sent first."""
    h = harness
    await start(h, tmp_path)
    since = h.clock.now()
    sent = {}
    for kind in (first, "drill" if first == "real" else "real"):
        d = draft(h, ack_deadline_at=h.clock.now() + timedelta(hours=1), drill=kind == "drill",
                  number=f"{kind}/UBND")
        d.agency_ids = await agency_ids(h, "CAT")
        sent[kind], _ = await h.services.broadcast.send(A, d)
    await h.services.sender.drained()
    for kind, minutes in (("real", 3), ("drill", 6)):  # 3 and 9 minutes after sending
        h.clock.advance(minutes=minutes)
        copy = await h.fake.wait_for_message(101, lambda m, k=kind: f"{k}/UBND" in (m.text or "")
                                             and bool(m.buttons))
        query = h.fake.press_button(101, copy.message_id, copy.button_data("Đã nhận"))
        await h.fake.wait_for_call("answerCallbackQuery",
                                   lambda c, q=query: c.params.get("callback_query_id") == q)
    until = h.clock.now() + timedelta(seconds=1)
    real = await figure_records.ack_records(h.services.db.reader, since, until)
    drills = await figure_records.ack_records(h.services.db.reader, since, until, drill=True)
    records = real + drills
    assert split_drills(records) == (real, drills)
    # What /status shows for the period: the real directive's figures, nothing of the drill.
    assert (await h.services.figures.period(since, until)).overall == overall_ack_figures(real)
    assert [r.directive_id for r in real] == [sent["real"].id]
    assert [r.directive_id for r in drills] == [sent["drill"].id]
    alone = (await h.services.broadcast.overview(sent["real"].id)).figures
    assert overall_ack_figures(real) == alone
    assert alone.median == timedelta(minutes=3)
    assert overall_ack_figures(drills).median == timedelta(minutes=9)
    with pytest.raises(ValueError):
        overall_ack_figures(records)  # mixing them is refused, not averaged
    assert ack_figures(sent["real"].created_at, [r.agency_id for r in real],
                       {r.agency_id: r.acked_at for r in real if r.acked_at}) == alone


async def test_broadcast_with_an_unknown_word_starts_nothing_and_says_what_it_takes(
    harness: Harness
) -> None:
    """`/broadcast dien-tap` (a typo) used to start a real directive without a word: an
    admin who meant a drill would send a real one. It is refused, naming what it takes; the
    drill's first question says it is a drill."""
    h = harness
    await h.start(**FAST)
    await import_province(h)
    said = await h.say(A, "/broadcast dien-tap")
    text = said.plain_text or ""
    assert "/broadcast dientap" in text and "độ khẩn" not in text, text
    async with h.services.db.reader.execute("SELECT count(*) FROM drafts") as cur:
        assert (await cur.fetchone())[0] == 0  # type: ignore[index]
    ask = await h.say(A, "/broadcast dientap", has("độ khẩn"))
    assert "DIỄN TẬP" in (ask.plain_text or "")
