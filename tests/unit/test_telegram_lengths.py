"""Lengths as Telegram counts them: UTF-16 code units of the text after HTML entity parsing."""

from __future__ import annotations

import html
import re

import pytest

from bot.domain.directives import parse_number, split_text
from bot.telegram import directive_view as view
from bot.telegram.render import pack, pack_into, plain
from bot.texts import Safe
from config.settings import Settings
from tests.unit.test_directive_rules import NOW, directive


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def tg_len(text: str) -> int:
    """What Telegram counts: our HTML without tags, entities decoded, in UTF-16 units."""
    return utf16(html.unescape(re.sub(r"<[^>]+>", "", text)))


@pytest.mark.parametrize("limit", [0, -1, -3700])
def test_split_text_refuses_a_limit_not_above_zero(limit: int) -> None:
    with pytest.raises(ValueError, match="positive limit"):
        split_text("Nội dung & yêu cầu " * 10, limit)


def test_split_text_counts_emoji_as_two() -> None:
    text = "🔥" * 3000 + "\n\n" + "chữ " * 500
    parts = split_text(text, 4000)
    assert all(utf16(p) <= 4000 for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")


def test_emoji_body_parts_fit_telegram() -> None:
    settings = Settings()
    d = directive(body="🔥" * 3400)
    parts = view.message_parts(d, settings)
    assert len(parts) >= 2
    assert all(tg_len(p) <= 4096 for p in parts)
    assert sum(p.count("🔥") for p in parts) == 3400
    assert tg_len(view.acked_text(d, settings, "Lan", NOW, late=False)) <= 4096


def test_header_full_of_ampersands_still_leaves_room_for_the_body() -> None:
    settings = Settings(focal_hotline="0296 3 852 000")
    number = parse_number("123456/" + "-".join(["&" * 20] * 5))  # the longest number allowed
    d = directive(number=number, issuer="&" * 200, summary="&" * 500,
                  body="Nội dung & yêu cầu. " * 400)
    parts = view.message_parts(d, settings)
    assert all(tg_len(p) <= 4096 for p in parts)
    assert sum(p.count("yêu") for p in parts) == 400 and len(parts) >= 3


def test_callback_answer_fits_200_utf16_units() -> None:
    answer = plain("<b>" + "🔥" * 150 + "</b> &amp; xong")
    assert utf16(answer) <= 200 and answer.startswith("🔥" * 100)


def test_pack_counts_emoji_and_entities_as_telegram() -> None:
    emoji = pack([Safe("🔥" * 100)] * 100)
    assert all(tg_len(p) <= 4000 for p in emoji) and len(emoji) == 6
    entities = pack([Safe("&amp;" * 100)] * 100)  # 100 characters each on screen
    assert len(entities) == 3


def test_claim_lines_fit_the_room_left_in_a_copy() -> None:
    from bot.telegram.escalation_view import claim_lines

    one = [("Nguyễn Văn Hùng", [f"UBND xã Số {i} & <Phụ>" for i in range(40)])]
    lines = claim_lines(one, 600)
    assert sum(tg_len(line) for line in lines) <= 600
    assert "UBND xã Số 0 &amp; &lt;Phụ&gt;" in lines[0] and "… và" in lines[0]
    assert claim_lines(one, 10_000)[0].count("UBND xã") == 40  # room enough: every name
    many = [(f"Cán bộ {i}", [f"UBND xã Số {i}"]) for i in range(40)]
    lines = claim_lines(many, 600)
    assert sum(tg_len(line) for line in lines) <= 600
    assert "cán bộ khác cũng đã nhận liên hệ" in lines[-1]
    assert claim_lines(many, 5) == []


def test_long_button_labels_are_shortened_visibly() -> None:
    """A name too long for a button is cut at a word and ends with "…", never mid-word."""
    from bot.telegram.broadcast_view import LABEL_MAX, short_label

    name = "☎️ Trung tâm Công nghệ thông tin và Truyền thông tỉnh An Giang"
    label = short_label(name)
    assert label.endswith("…") and len(label) <= LABEL_MAX
    assert name.startswith(label[:-1].rstrip())
    assert name[len(label[:-1].rstrip())] == " "  # cut at a space
    assert short_label("☎️ Sở Nội vụ") == "☎️ Sở Nội vụ"


def _copies_of_every_length() -> list:
    """Directives whose text fits in one part, barely does not, or splits in a few."""
    from datetime import timedelta

    from tests.unit.test_directive_rules import directive as make

    return [make(issuer="Ủy ban nhân dân tỉnh An Giang " * 6, summary="an toàn thông tin " * 25,
                 body="ab " * (n // 3), report_deadline_at=NOW + timedelta(days=3))
            for n in range(2500, 8000, 3)]


LONGEST_NAME = "Nguyễn " * 28  # 196 characters: more than Telegram's first and last names


def test_every_edit_of_a_copy_fits_telegram() -> None:
    """The acknowledged and recalled edits add a footer to the last part: room is kept for it."""
    from dataclasses import replace

    settings = Settings(focal_hotline="0296 3 852 000")
    for d in _copies_of_every_length():
        assert all(tg_len(p) <= 4096 for p in view.message_parts(d, settings))
        for via in ("telegram", "phone"):
            assert tg_len(view.acked_text(d, settings, LONGEST_NAME, NOW, True, via)) <= 4096
        assert tg_len(view.recalled_text(replace(d, recalled_at=NOW), settings)) <= 4096


def test_every_edit_of_a_late_copy_fits_telegram_and_keeps_its_mark() -> None:
    from dataclasses import replace
    from datetime import timedelta

    settings = Settings(focal_hotline="0296 3 852 000")
    for d in _copies_of_every_length():
        parts = view.late_parts(d, settings, NOW + timedelta(days=1))  # overdue: says so
        assert all(tg_len(p) <= 4096 for p in parts)
        assert "Gửi bổ sung" in parts[0]
        for via in ("telegram", "phone"):
            acked = view.acked_text(d, settings, LONGEST_NAME, NOW, True, via, late_copy=True)
            assert tg_len(acked) <= 4096
            assert ("Gửi bổ sung" in acked) == (len(parts) == 1)  # as the message it edits
        recalled = view.recalled_text(replace(d, recalled_at=NOW), settings, late_copy=True)
        assert tg_len(recalled) <= 4096
        assert ("Gửi bổ sung" in recalled) == (len(parts) == 1)


def test_pack_into_keeps_the_number_of_messages_being_edited() -> None:
    lines = [Safe(f"• <b>UBND xã số {i}</b> — quá hạn 5 phút") for i in range(120)]
    two = pack(lines, 3496)
    assert len(two) == 2
    # Struck lines are no longer: the same two messages, every line kept, in order.
    struck = [Safe(f"• <s>UBND xã số {i}</s> — đã xác nhận lúc 08:01 23/11") for i in range(120)]
    again = pack_into(struck, 2, 3496)
    assert again is not None and len(again) == 2
    assert "\n".join(again).split("\n") == struck
    # Fewer lines than they had: still as many messages, none empty.
    short = pack_into(lines[:3], 2, 3496)
    assert short is not None and len(short) == 2 and all(short)
    # Longer than the messages can hold (even using the room kept for claims): not drawn.
    assert pack_into([Safe("x" * 3000)] * 3, 2, 3496) is None
    assert pack_into(lines[:1], 2, 3496) is None
