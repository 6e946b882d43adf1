from __future__ import annotations

import logging
import re
import string
from html.parser import HTMLParser

from bot.logs import REDACTED, RedactingFormatter, redact
from bot.texts import TEXTS, Safe, t

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefgh"


def test_parameters_are_escaped_unless_safe() -> None:
    assert t("phone_saved", phone="<b>x</b>") == "✅ Đã lưu số điện thoại &lt;b&gt;x&lt;/b&gt;."
    assert "<b>x</b>" in t("phone_saved", phone=Safe("<b>x</b>"))


# A letter only Vietnamese has (tone marks, ă, â, đ, ê, ô, ơ, ư).
VIETNAMESE = re.compile("[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]",
                        re.IGNORECASE)
PLAIN_VIETNAMESE = {"Xong", "Trang", "Cao",  # Vietnamese words written without any such letter
                    "STT"}  # số thứ tự, the forms' first column
TELEGRAM_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote"}


class _Tags(HTMLParser):
    """The tags of a text, checked as Telegram's HTML parse mode would: known and balanced."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f"unknown <{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")


def test_every_text_is_vietnamese_and_formats() -> None:
    formatter = string.Formatter()
    for key, template in TEXTS.items():
        names = {f for _, f, _, _ in formatter.parse(template) if f}
        values = {n: f"Q{n.replace('_', '')}Q" for n in names}
        out = t(key, **values)
        # Every parameter lands in the text, and no brace is left over.
        assert all(v in out for v in values.values()), key
        assert "{" not in out and "}" not in out, key
        # Its own words are Vietnamese.
        literal = "".join(text for text, _, _, _ in formatter.parse(template))
        words = set(re.findall(r"[^\W\d_]+", re.sub(r"<[^>]*>|&\w+;", " ", literal)))
        assert not words or VIETNAMESE.search(literal) or words <= PLAIN_VIETNAMESE, key
        # Telegram accepts its HTML.
        tags = _Tags()
        tags.feed(out)
        tags.close()
        assert tags.errors == [] and tags.open == [], (key, tags.errors, tags.open)


def test_redact_bot_token_and_invite_tokens() -> None:
    line = (f"POST https://api.telegram.org/bot{TOKEN}/getUpdates; "
            "link https://t.me/hoatoc_bot?start=AbCdEf_123-xyz; text '/start AbCdEf_123-xyz'")
    out = redact(line, [TOKEN])
    assert TOKEN not in out and "AAFakeToken" not in out
    assert "AbCdEf_123-xyz" not in out
    assert out.count(REDACTED) == 3


def test_formatter_redacts_tracebacks() -> None:
    formatter = RedactingFormatter("%(message)s", [TOKEN])
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/sendMessage")
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom %s", (TOKEN,),
                                   sys.exc_info())
    text = formatter.format(record)
    assert TOKEN not in text and "Traceback" in text


def test_rendered_texts_are_not_escaped_twice() -> None:
    from datetime import UTC, datetime

    from bot.domain.models import Agency, AgencyKind, Invite, Rank, Role
    from bot.telegram.render import invite_what, pack

    agency = Agency(1, "TT_CNTT", "Trung tâm CNTT&TT", AgencyKind.CENTRE)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    invite = Invite(id=3, role=Role.LIAISON, created_by=1, created_at=now, expires_at=now,
                    agency_id=1, rank=Rank.PRIMARY)
    text = t("invites_line", public_id="INV-3", what=invite_what(invite, agency, None),
             expires="x")
    assert "CNTT&amp;TT" in text and "&amp;amp;" not in text
    lines = [Safe("x" * 100)] * 100
    parts = pack(lines)
    assert len(parts) == 3 and all(len(p) <= 4000 for p in parts)
    assert sum(p.count("x" * 100) for p in parts) == 100


def test_wording_of_texts_added_by_the_hardening() -> None:
    """Read by a native reader: no stammer, no doubled brackets, no untrue counting rule."""
    assert "bản văn bản" not in TEXTS["ph_done"]
    assert ") (" not in TEXTS["acked_phone_late_footer"].replace("</b>", "")
    assert "tính 2 ký tự" not in TEXTS["bc_head_too_long"]


def test_an_acknowledgement_recorded_by_an_admin_is_not_called_a_phone_call_only() -> None:
    """The admin confirms receipt "by phone or on paper": what liaisons and /status then show
    says the same, not "by phone" alone. (The button's label is the issue's contract.)"""
    keys = ["acked_phone_footer", "acked_phone_late_footer", "status_phone_header",
            "status_phone_line", "ph_state_phone", "ph_done"]
    for key in keys:
        assert "văn bản giấy" in TEXTS[key], key
