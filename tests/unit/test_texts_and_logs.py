from __future__ import annotations

import logging

from bot.logs import REDACTED, RedactingFormatter, redact
from bot.texts import TEXTS, Safe, t

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefgh"


def test_parameters_are_escaped_unless_safe() -> None:
    assert t("phone_saved", phone="<b>x</b>") == "✅ Đã lưu số điện thoại &lt;b&gt;x&lt;/b&gt;. Cảm ơn bạn!"
    assert "<b>x</b>" in t("phone_saved", phone=Safe("<b>x</b>"))


def test_every_text_is_vietnamese_and_formats() -> None:
    # Every template formats with dummy parameters (no stray braces).
    import string

    for key, template in TEXTS.items():
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        t(key, **{n: "x" for n in names})


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
