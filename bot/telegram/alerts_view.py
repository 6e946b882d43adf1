"""How /alerts looks: a few lines per open escalation, phone-sized."""

from __future__ import annotations

from datetime import datetime

from bot.domain.escalation import SubjectKind
from bot.services.alerts import OpenAlert
from bot.telegram.directive_view import cite
from bot.telegram.escalation_view import deadline_state
from bot.telegram.render import short_time
from bot.texts import Safe, t
from config.settings import Settings

# At most this many directives, and agencies under each: the rest are counted.
DIRECTIVES_SHOWN = 10
AGENCIES_SHOWN = 8


def alerts_lines(alerts: list[OpenAlert], settings: Settings, now: datetime) -> list[Safe]:
    """The header, then per directive: its round, how many are awaited, and each agency with
    its state and who is calling it."""
    if not alerts:
        return [t("alerts_none")]
    lines = [t("alerts_header", count=len(alerts))]
    for alert in alerts[:DIRECTIVES_SHOWN]:
        done, total = alert.rounds
        title = t("esc_round", number=done, total=total) if done else t("esc_round_none")
        report = alert.kind is SubjectKind.DIRECTIVE_RESULT
        setup = not done and not report and all(a.unreachable for a in alert.agencies)
        key = "alerts_report" if report else "alerts_no_liaison" if setup else "alerts_ack"
        lines.append(t(key, title=title,
                       directive=cite(alert.directive), count=len(alert.agencies),
                       deadline=short_time(alert.deadline, settings.tz)))
        for awaited in alert.agencies[:AGENCIES_SHOWN]:
            state = (t("esc_state_unreachable") if awaited.unreachable
                     else deadline_state(alert.deadline, now))
            who = (t("alerts_calling", name=awaited.caller) if awaited.caller
                   else t("alerts_nobody_calling"))
            lines.append(t("alerts_agency", agency=awaited.agency.name, state=state, who=who))
        if len(alert.agencies) > AGENCIES_SHOWN:
            lines.append(t("alerts_more_agencies", count=len(alert.agencies) - AGENCIES_SHOWN))
    if len(alerts) > DIRECTIVES_SHOWN:
        lines.append(t("alerts_more", count=len(alerts) - DIRECTIVES_SHOWN))
    return lines
