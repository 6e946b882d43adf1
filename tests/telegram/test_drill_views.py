"""Drills (diễn tập) in the views: the banner opens each message about one, once; a real
directive's messages never mention drills."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.models import AuditEntry
from bot.domain.notices import About, Notice, Topic
from bot.services.audit_view import AuditPage
from bot.telegram import directive_view as view
from bot.telegram.audit_log_view import audit_lines
from bot.telegram.escalation_view import reminder_text
from bot.telegram.notifier import render
from bot.texts import t
from tests.telegram.test_citations import AGENCY, NOW, SETTINGS, directive

BANNER = t("dr_banner")


def test_copy_caption_reminder_and_text_notices_open_with_the_banner_once() -> None:
    d = directive(drill=True, file_id="F1", file_kind="document")
    texts = [*view.message_parts(d, SETTINGS)[:1], view.file_caption(d),
             view.late_parts(d, SETTINGS, NOW + timedelta(hours=1))[0],
             reminder_text("esc_reminder", AGENCY, d, d.ack_deadline_at, NOW, SETTINGS),
             *render(Notice("notice_correction", About(Topic.DIRECTIVE, d.id),
                            {"directive": d, "summary": d.summary, "text": "x"}),
                     SETTINGS).parts]
    for text in texts:
        assert text.startswith(BANNER) and text.count(BANNER) == 1, text
    # Named in a list among others, it is marked where it is named.
    assert "[🎯 DIỄN TẬP]" in view.cite(d)


def test_a_real_directive_says_nothing_of_drills() -> None:
    d = directive(file_id="F1", file_kind="document")
    texts = [*view.message_parts(d, SETTINGS), view.file_caption(d), view.cite(d),
             reminder_text("esc_reminder", AGENCY, d, d.ack_deadline_at, NOW, SETTINGS)]
    assert not any("DIỄN TẬP" in text for text in texts)


def test_the_audit_view_marks_a_drill_and_shows_no_other_detail() -> None:
    entries = [AuditEntry(1, NOW, None, "directive.sent", "12/UBND", {"drill": True}),
               AuditEntry(2, NOW, None, "directive.sent", "13/UBND",
                          {"drill": False, "unreachable": ["CAT"]})]
    lines = audit_lines(AuditPage(entries, {}), SETTINGS.tz)
    assert "Gửi văn bản chỉ đạo (diễn tập)" in lines[1]
    assert "diễn tập" not in lines[2] and "CAT" not in lines[2]
