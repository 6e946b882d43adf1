"""Rendering of /audit: one line per audited action, newest first."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.services.audit_view import AuditPage
from bot.telegram.render import short_time
from bot.texts import TEXTS, Safe, t

# A subject is an id, a code or a directive number; a long one is shortened so a line stays
# a line. Details are never shown: they are free-form and the log must not leak contacts
# (one flag excepted: a drill's actions say "(diễn tập)").
SUBJECT_LIMIT = 60


def action_label(action: str) -> Safe:
    """The Vietnamese name of an audit action, or the raw key (in <code>) if it has none."""
    key = "aud_act_" + action.replace(".", "_")
    return t(key) if key in TEXTS else t("aud_act_unknown", action=action)


def audit_lines(page: AuditPage, tz: ZoneInfo) -> list[Safe]:
    if not page.entries:
        return [t("aud_empty")]
    lines = [t("aud_header", count=len(page.entries))]
    for e in page.entries:
        if e.actor_user_id is None:
            who = t("aud_system")
        elif e.actor_user_id in page.names:
            who = t("aud_who_name", name=page.names[e.actor_user_id])
        else:
            who = t("aud_who_id", user_id=e.actor_user_id)
        subject = e.subject or ""
        if len(subject) > SUBJECT_LIMIT:
            subject = subject[:SUBJECT_LIMIT - 1] + "…"
        what = action_label(e.action)
        if e.details.get("drill") is True:
            what = Safe(what + t("dr_audit_suffix"))
        lines.append(t("aud_line", at=short_time(e.at, tz), who=who, what=what,
                       subject=t("aud_subject", subject=subject) if subject else ""))
    return lines
