"""/broadcast asks the directive's date of issue (ngày ban hành) right after its number, and
the recipients read it as officials cite documents; the file step takes one list of types."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.files import MAX_FILE_BYTES
from bot.storage.directives import DirectiveRepository
from bot.telegram.render import accepted_files, shown
from bot.testing.fake_telegram import SentMessage
from bot.texts import t
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_broadcast_conversation import count_directives, has, tap
from tests.e2e.test_directives import FAST, setup_liaisons

A = SUPER_ADMIN
ASK_DATE = "ngày ban hành"
ASK_ISSUER = "cơ quan ban hành"
LIAISONS = (101, 102, 103)


async def to_date_step(h: Harness, number: str = "1556/UBND-KGVX") -> SentMessage:
    """/broadcast up to the question of the date of issue; returns that question."""
    ask = await h.say(A, "/broadcast", has("độ khẩn"))
    secrecy = await tap(h, ask, "Hỏa tốc", "độ mật")
    assert secrecy is not None
    await tap(h, secrecy, "Không mật", "số, ký hiệu")
    return await h.say(A, number, has(ASK_DATE))


async def from_issuer_to_send(h: Harness, issuer_question: SentMessage | None = None) -> None:
    """Answer the rest (every agency), preview and send."""
    await h.say(A, "UBND tỉnh An Giang", has("trích yếu"))
    await h.say(A, "tăng cường bảo đảm an toàn thông tin mạng", has("nội dung"))
    body = await h.say(A, "Trực 24/7.", has("Đã nhận nội dung"))
    picker = await tap(h, body, "Tiếp tục", "nơi nhận")
    assert picker is not None
    await tap(h, picker, "Tất cả")
    picker = await h.fake.wait_for_message(
        A, lambda m: m.message_id == picker.message_id and "✅ Tất cả" in str(m.reply_markup))
    deadline = await tap(h, picker, "Xong", "hạn xác nhận")
    assert deadline is not None
    report = await tap(h, deadline, "Mặc định", "báo cáo kết quả")
    assert report is not None
    summary = await tap(h, report, "Không yêu cầu", "Tóm tắt trước khi gửi")
    assert summary is not None
    await tap(h, summary, "Gửi", "Đang gửi văn bản số")


async def copies(h: Harness, number: str) -> list[str]:
    """What each liaison received (plain text of the message with the buttons)."""
    return [(await h.fake.wait_for_message(
        user, lambda m: number in (m.text or "") and bool(m.buttons))).plain_text or ""
        for user in LIAISONS]


async def stored_issued_on(h: Harness) -> date | None:
    [directive] = await DirectiveRepository(h.services.db.reader).recent(1)
    return directive.issued_on


async def test_today_button_is_today_in_the_province_and_cited_in_the_header(
    harness: Harness,
) -> None:
    h = harness
    await setup_liaisons(h)
    # 20:30 UTC on 22/11 is 03:30 on 23/11 in Vietnam: "today" is the 23rd.
    h.clock.set(datetime(2026, 11, 22, 20, 30, tzinfo=UTC))
    question = await to_date_step(h, "248-KH/TU")  # a Party number is a number
    assert "Hôm nay" in str(question.reply_markup) and "Hủy" in str(question.reply_markup)
    assert "30/8/2022" in (question.plain_text or "")  # how to type one
    echo = await tap(h, question, "Hôm nay", "23/11/2026")
    assert echo is not None and "Ngày ban hành" in (echo.plain_text or "")
    await h.fake.wait_for_message(A, has(ASK_ISSUER))
    await from_issuer_to_send(h)
    preview = next(m for m in h.fake.messages_to(A)
                   if "248-KH/TU" in (m.text or "") and m.buttons)
    assert "Số: 248-KH/TU, ngày 23/11/2026" in (preview.plain_text or "")
    for text in await copies(h, "248-KH/TU"):
        assert "Số: 248-KH/TU, ngày 23/11/2026\n" in text
        assert "Gửi lúc 03:30 ngày 23/11/2026" in text
    assert await stored_issued_on(h) == date(2026, 11, 23)


async def test_typed_date_then_bad_ones_refused_with_an_example(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)  # 08:00 on 23/11/2026 in Vietnam
    question = await to_date_step(h)
    for typed, says in [("24/11/2026", "tương lai"), ("25/11", "tương lai"),
                        ("31/12/1999", "2000"), ("hôm qua", "không phải ngày hợp lệ"),
                        ("30/8/22", "không phải ngày hợp lệ")]:
        refused = await h.say(A, typed)
        text = refused.plain_text or ""
        assert text.startswith("❌") and says in text and "Vui lòng" in text, typed
        assert "30/8/2022" in text, typed  # an example
    assert await h.services.drafts.get(A, "broadcast") is not None  # still at the step
    echo = await h.say(A, "30/8/2022", has("Ngày ban hành"))
    assert "30/8/2022" in (echo.plain_text or "")
    await h.fake.wait_for_message(A, has(ASK_ISSUER))
    # The button of the step just answered is stale now.
    query = h.fake.press_button(A, question.message_id, question.button_data("Hôm nay"))
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    assert (h.fake.callback_answer(query) or {}).get("text") == t("bc_stale_button")
    stored = await h.services.drafts.get(A, "broadcast")
    assert stored is not None and stored.step == "issuer"
    assert stored.answers["issued_on"] == "2022-08-30"
    await from_issuer_to_send(h)
    for text in await copies(h, "1556/UBND-KGVX"):
        assert "Số: 1556/UBND-KGVX, ngày 30/8/2022\n" in text
        assert "Gửi lúc 08:00 ngày 23/11/2026" in text
    assert await stored_issued_on(h) == date(2022, 8, 30)


async def test_cancel_at_the_date_step(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    await to_date_step(h)
    cancelled = await h.say(A, "/cancel")
    assert "Đã hủy" in (cancelled.plain_text or "")
    assert await h.services.drafts.get(A, "broadcast") is None
    assert await count_directives(h) == 0


async def test_restart_at_the_date_step_resumes_it(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    question = await to_date_step(h, "35-CT/TW")
    await h.stop()
    await h.start(**FAST)
    before = len(h.fake.messages_to(A))
    h.fake.press_button(A, question.message_id, question.button_data("Hôm nay"))
    resumed = await h.fake.wait_for_message(A, has("vừa khởi động lại"), after=before)
    assert "“Ngày ban hành”" in (resumed.plain_text or "")
    await h.fake.wait_for_message(A, has(ASK_ISSUER), after=before)
    stored = await h.services.drafts.get(A, "broadcast")
    assert stored is not None and stored.answers["issued_on"] == "2026-11-23"
    assert stored.answers["number"] == "35-CT/TW"


async def test_date_of_issue_edited_from_the_preview(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    question = await to_date_step(h)
    await tap(h, question, "Hôm nay", ASK_ISSUER)
    await h.say(A, "UBND tỉnh An Giang", has("trích yếu"))
    await h.say(A, "bầu cử", has("nội dung"))
    body = await h.say(A, "Trực 24/7.", has("Đã nhận nội dung"))
    picker = await tap(h, body, "Tiếp tục", "nơi nhận")
    assert picker is not None
    await tap(h, picker, "Tất cả")
    picker = await h.fake.wait_for_message(
        A, lambda m: m.message_id == picker.message_id and "✅ Tất cả" in str(m.reply_markup))
    deadline = await tap(h, picker, "Xong", "hạn xác nhận")
    assert deadline is not None
    report = await tap(h, deadline, "Mặc định", "báo cáo kết quả")
    assert report is not None
    summary = await tap(h, report, "Không yêu cầu", "Tóm tắt trước khi gửi")
    assert summary is not None
    await tap(h, summary, "Sửa")
    menu = await h.fake.wait_for_message(
        A, lambda m: m.message_id == summary.message_id and "Ngày ban hành" in str(m.reply_markup))
    await tap(h, menu, "Ngày ban hành", ASK_DATE)
    before = len(h.fake.messages_to(A))
    h.fake.send_text(A, "10/5/2016")
    again = await h.fake.wait_for_message(A, has("Tóm tắt trước khi gửi"), after=before)
    preview = [m for m in h.fake.messages_to(A)[before:] if m.buttons and "1556" in (m.text or "")]
    assert "Số: 1556/UBND-KGVX, ngày 10/5/2016" in (preview[-1].plain_text or "")
    await tap(h, again, "Gửi", "Đang gửi văn bản số")
    assert await stored_issued_on(h) == date(2016, 5, 10)


# --- the file step: one list of accepted types ----------------------------------------------

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LISTED = shown(accepted_files())  # "PDF (ưu tiên bản có chữ ký số), văn bản Word, …"


async def to_body_step(h: Harness) -> None:
    question = await to_date_step(h)
    await tap(h, question, "Hôm nay", ASK_ISSUER)
    await h.say(A, "UBND tỉnh An Giang", has("trích yếu"))
    asked = await h.say(A, "tăng cường bảo đảm an toàn thông tin mạng", has("nội dung"))
    assert LISTED in (asked.plain_text or "") and "20 MB" in (asked.plain_text or "")


async def send_file(h: Harness, name: str, mime: str | None, size: int = 64) -> str:
    before = len(h.fake.messages_to(A))
    h.fake.send_document(A, name, b"%" * size, mime_type=mime)  # type: ignore[arg-type]
    return (await h.fake.wait_for_message(A, after=before)).plain_text or ""


@pytest.mark.parametrize(("name", "mime"), [
    ("1556-UBND-KGVX.pdf", PDF), ("cong-van.docx", DOCX), ("cong-van.doc", "application/msword"),
    ("danh-sach.xlsx", XLSX), ("cong-van.odt", "application/vnd.oasis.opendocument.text"),
    ("ban-chup.png", "image/png"), ("noi-dung.txt", "text/plain"),
])
async def test_each_accepted_kind_is_taken(harness: Harness, name: str, mime: str) -> None:
    h = harness
    await setup_liaisons(h)
    await to_body_step(h)
    assert f"Đã nhận tệp “{name}”" in await send_file(h, name, mime)
    stored = await h.services.drafts.get(A, "broadcast")
    assert stored is not None and stored.answers["file_name"] == name


async def test_zip_exe_and_too_big_are_refused_with_the_list(harness: Harness) -> None:
    h = harness
    await setup_liaisons(h)
    await to_body_step(h)
    for name, mime in [("van-ban.zip", "application/zip"),
                       ("cai-dat.exe", "application/x-msdownload")]:
        said = await send_file(h, name, mime)
        assert f"“{name}”" in said and "Vui lòng" in said
        assert LISTED in said
    big = await send_file(h, "quyet-dinh.pdf", PDF, MAX_FILE_BYTES + 1)
    assert "“quyet-dinh.pdf”" in big and "20 MB" in big and "Vui lòng" in big
    assert "nén" not in big and "zip" not in big.lower()
    stored = await h.services.drafts.get(A, "broadcast")
    assert stored is not None and stored.answers["file_id"] is None
