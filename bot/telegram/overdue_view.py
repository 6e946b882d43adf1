"""How /overdue looks: a phone-sized first message, then every late item, never cut."""

from __future__ import annotations

from datetime import datetime

from bot.domain.escalation import SubjectKind
from bot.domain.phones import display_phone
from bot.services.incident_escalations import NO_PROGRESS, UNTAKEN
from bot.services.overdue import LateItem
from bot.telegram.directive_view import cite
from bot.telegram.escalation_view import deadline_state
from bot.telegram.render import agency_phone, pack, short_time, tg_len
from bot.texts import Safe, join, t
from config.settings import Settings

# The first message stays this short (Telegram counts) so it reads on a phone at a glance.
FIRST_LIMIT = 1000
# People named per item: whom to call first, not the whole agency.
CONTACTS_SHOWN = 3
_GROUP = {SubjectKind.DIRECTIVE_ACK: "ovd_group_ack",
          SubjectKind.DIRECTIVE_RESULT: "ovd_group_report",
          UNTAKEN: "ovd_group_untaken", NO_PROGRESS: "ovd_group_no_progress"}


def _who(item: LateItem) -> Safe:
    phone = agency_phone(item.agency) if item.kind is not NO_PROGRESS else Safe("")
    if not item.contacts:
        return t("ovd_nobody", phone=phone)
    return t("ovd_call", phone=phone, people=join([
        t("status_contact", name=p.full_name, phone=display_phone(p.phone))
        if p.phone else t("status_contact_no_phone", name=p.full_name)
        for p in item.contacts[:CONTACTS_SHOWN]], ", "))


def _line(item: LateItem, now: datetime) -> Safe:
    state = deadline_state(item.deadline, now)
    if item.incident is not None:
        return t("ovd_incident", code=item.incident.code, agency=item.agency.name,
                 state=state, who=_who(item))
    assert item.directive is not None
    return t("ovd_directive", agency=item.agency.name, state=state,
             directive=cite(item.directive), who=_who(item))


def overdue_messages(found: dict[SubjectKind, list[LateItem]], settings: Settings,
                     now: datetime) -> list[Safe]:
    """The messages to send: the header with a count per kind first, then each kind's items,
    oldest deadline first; one message when it all fits a phone screen."""
    read = short_time(now, settings.tz)
    total = sum(len(items) for items in found.values())
    if not total:
        return [t("ovd_none", time=read)]
    header = t("ovd_header", time=read, count=total)
    groups = [t(_GROUP[kind], count=len(items)) for kind, items in found.items() if items]
    lines: list[Safe] = [header]
    for kind, items in found.items():
        if items:
            lines.append(t(_GROUP[kind], count=len(items)))
            lines += [_line(item, now) for item in items]
    whole = join(lines)
    if tg_len(whole) <= FIRST_LIMIT:
        return [whole]
    return [join([header, *groups]), *pack(lines[1:])]
