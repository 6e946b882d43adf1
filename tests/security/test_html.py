"""Markup typed or imported anywhere — Telegram names, agency and person names, a directive's
summary and body, a result report, an incident's answers and a reason — is shown as text:
Telegram never refuses a message for it (400 can't parse entities) and no markup takes effect."""

from __future__ import annotations

from pathlib import Path

from bot.testing.fake_telegram import SentMessage
from tests.conftest import PROVINCE
from tests.e2e.conftest import Harness
from tests.security.conftest import ADMIN, LIAISON_A, LIAISON_B, RESPONDER, World, build_world

EVIL = "<b>x</b> & <i>"  # unbalanced too: read as markup, Telegram would refuse the message


def _province(tmp_path: Path) -> Path:
    text = PROVINCE.read_text(encoding="utf-8")
    for plain in ("name: Công an tỉnh\n", "name: Trung tâm Công nghệ thông tin và Truyền thông",
                  "full_name: Đoàn Hoàng Hải\n"):
        assert plain in text, plain
        key, value = plain.rstrip("\n").split(": ", 1)
        text = text.replace(plain, f'{key}: "{value} {EVIL}"' + ("\n" if plain.endswith("\n") else ""))
    path = tmp_path / "province.yaml"
    path.write_text(text, encoding="utf-8")
    return path


async def _tap(h: Harness, user: int, message: SentMessage, data: str) -> None:
    query = h.fake.press_button(user, message.message_id, data)
    await h.fake.wait_for_call("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query)
    await h.services.sender.drained()


def _shows(m: SentMessage) -> bool:
    return EVIL in (m.plain_text or "")


async def test_markup_in_names_and_texts_is_shown_as_text(harness: Harness, tmp_path: Path) -> None:
    h = harness
    for user, first in ((LIAISON_A, "Lan"), (LIAISON_B, "Minh"), (RESPONDER, "Hùng"),
                        (ADMIN, "Quản trị")):
        h.fake.add_user(user, f"{first} {EVIL}", "Nguyễn & <u>")
    w: World = await build_world(
        h, tmp_path, province=_province(tmp_path),
        directive={"summary": f"tăng cường {EVIL} an toàn", "body": f"Nội dung {EVIL} 24/7",
                   "issuer": f"UBND {EVIL}"})
    assert _shows(w.copy_a)
    # A acknowledges: every copy names who, the status and lists name the agencies.
    ack = w.copy_a.button_data("Đã nhận")
    await _tap(h, LIAISON_A, w.copy_a, ack)
    # A's result report, typed with markup.
    await _tap(h, LIAISON_A, w.copy_a, ack.replace("ack:", "rep:"))
    got = await h.say(LIAISON_A, f"Đã triển khai {EVIL} trực 24/7", lambda m: bool(m.buttons))
    await _tap(h, LIAISON_A, got, got.button_data("Gửi báo cáo"))
    listing = await h.say(ADMIN, "/status")
    await _tap(h, ADMIN, listing, f"sto:{w.directive.id}")
    await _tap(h, ADMIN, listing, f"sv:pd:{w.directive.id}")
    await _tap(h, ADMIN, listing, f"sv:rp:{w.directive.id}")
    for user, line in ((LIAISON_A, "/duty"), (ADMIN, "/incidents"),
                       (ADMIN, f"/incident {w.incident.code}"), (LIAISON_B, "/myreports"),
                       (RESPONDER, "/alerts"), (ADMIN, "/invite liaison CAT")):
        await h.say(user, line)
    # A reason typed into a lifecycle move: the admin marks B's incident a false alarm.
    detail = h.fake.messages_to(ADMIN)[-2]
    assert f"inc:false:{w.incident.id}" in [b.get("callback_data") for b in detail.buttons]
    before = len(h.fake.messages_to(ADMIN))
    await _tap(h, ADMIN, detail, f"inc:false:{w.incident.id}")
    await h.fake.wait_for_message(ADMIN, lambda m: "lý do" in (m.plain_text or ""),
                                  after=before)
    asked = await h.say(ADMIN, f"Không phải sự cố {EVIL}", lambda m: any(
        str(b.get("callback_data")).startswith("icl:ok") for b in m.buttons))
    await _tap(h, ADMIN, asked, next(str(b["callback_data"]) for b in asked.buttons
                                      if str(b["callback_data"]).startswith("icl:ok")))
    await h.fake.wait_for_message(LIAISON_B, lambda m: "Không phải sự cố" in (
        m.plain_text or "") and _shows(m))
    await h.say(ADMIN, "/help")
    await h.services.sender.drained()

    refused = [c for c in h.fake.calls if not c.ok and c.status == 400]
    assert not refused, [(c.method, c.error) for c in refused]
    shown = [m for m in h.fake.sent_messages if _shows(m)]
    # Markup came back as text wherever those names and texts were shown ...
    assert {m.chat_id for m in shown} >= {LIAISON_A, LIAISON_B, RESPONDER, ADMIN}
    assert len(shown) >= 10, len(shown)
    for m in h.fake.sent_messages:
        plain = m.plain_text or ""
        # ... and never escaped twice (the reader would see "&amp;").
        assert "&amp;" not in plain and "&lt;" not in plain, plain
        labels = " ".join(str(b.get("text")) for b in m.buttons)  # plain text, not HTML
        assert "&amp;" not in labels and "&lt;" not in labels, labels
