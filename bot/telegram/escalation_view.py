"""How escalation notices look in Telegram: reminders, digests, who takes which agencies."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from bot.domain.directives import Directive
from bot.domain.durations import JUST, humanize
from bot.domain.models import Agency
from bot.domain.notices import DigestLine, Lateness, Settled
from bot.domain.phones import display_phone
from bot.telegram.directive_view import bannered, cite, drill_lines
from bot.telegram.render import agency_phone, local_time, short_time, tg_len
from bot.texts import Safe, join, t
from config.settings import Settings

# Room kept free in each digest part (UTF-16 units) for the "… sẽ liên hệ" lines of claims.
CLAIM_ROOM = 600
CONTACTS_SHOWN = 3


def reminder_text(key: str, agency: Agency, d: Directive, deadline: datetime, now: datetime,
                  settings: Settings) -> Safe:
    when = (t("esc_before", left=humanize(deadline - now)) if now < deadline
            else t("esc_overdue_just") if now - deadline < JUST
            else t("esc_overdue", late=humanize(now - deadline)))
    return bannered(d, t(key, agency=agency.name, directive=cite(d), summary=d.summary,
                         deadline=local_time(deadline, settings.tz), when=when))


SETUP_HEAD = "esc_digest_head_no_liaison"


def digest_text(head: str, d: Directive, deadline: datetime, now: datetime,
                lines: Sequence[DigestLine], late: Lateness | None, nobody_on_duty: bool,
                settings: Settings, *, unreachable_on_duty: Sequence[str] = (),
                rounds: tuple[int, int] = (0, 0), settled: tuple[str, str] | None = None,
                recalled_at: datetime | None = None, extended_to: datetime | None = None) -> Safe:
    """`rounds`: "Đôn đốc (lần n/N)"; n = 0 (an agency nobody can reach, told before any
    round) says "Đôn đốc" alone. Drawn again after it was sent, a digest says on top that
    the directive was recalled or extended, or that every agency did what was asked
    (`settled`: the keys of that line and of an agency's struck line), and the count is of
    the agencies still awaited."""
    done, total = rounds
    title = t("esc_round", number=done, total=total) if done else t("esc_round_none")
    waiting = sum(1 for line in lines if line.settled is None)
    out = drill_lines(d)
    if recalled_at is not None:
        out.append(t("esc_digest_recalled", time=local_time(recalled_at, settings.tz)))
    elif extended_to is not None:
        out.append(t("esc_digest_extended", deadline=local_time(extended_to, settings.tz)))
    elif settled is not None and lines and not waiting:
        out.append(t(settled[0]))
    # The page at sending counts the agencies nobody could reach (still true once some
    # confirmed by phone); a digest counts those still awaited.
    count = len(lines) if head == SETUP_HEAD else waiting
    out.append(t(head, title=title, directive=cite(d), summary=d.summary,
                 deadline=local_time(deadline, settings.tz), count=count))
    for line in lines:
        agency = line.agency
        if line.settled is not None and settled is not None:
            out.append(_settled_line(settled[1], agency, line.settled, settings))
            continue
        state = t("esc_state_unreachable") if line.unreachable else deadline_state(deadline, now)
        if line.contacts:
            # The people who receive it, then the agency's own line (a desk phone answers
            # when the liaison's mobile does not).
            # Named as /status names them: "Name (phone)", or the name alone.
            contacts = t("esc_contacts", people=join([
                t("status_contact", name=p.full_name, phone=display_phone(p.phone))
                if p.phone else t("status_contact_no_phone", name=p.full_name)
                for p in line.contacts[:CONTACTS_SHOWN]], ", "), phone=agency_phone(agency))
        else:
            phone = t("esc_agency_phone", phone=display_phone(agency.phone)) if agency.phone else ""
            contacts = t("esc_no_contact", phone=phone)
        out.append(t("esc_digest_line", agency=agency.name, state=state, contacts=contacts))
    if late is not None:
        out.append(t("esc_late_note", late=humanize(late.by), collapsed=late.collapsed)
                   if late.collapsed else t("esc_late_note_plain", late=humanize(late.by)))
    if nobody_on_duty:  # on duty but unreachable through the bot is named, not "nobody"
        out.append(t("esc_on_duty_unreachable", names=", ".join(unreachable_on_duty))
                   if unreachable_on_duty else t("esc_nobody_on_duty"))
    return join(out)


def deadline_state(deadline: datetime, now: datetime) -> Safe:
    """"còn 10 phút", "vừa quá hạn" (under a minute: never "quá hạn 0 giây"), "quá hạn 5 phút"."""
    if now < deadline:
        return t("esc_state_before", left=humanize(deadline - now))
    if now - deadline < JUST:
        return t("esc_state_just_overdue")
    return t("esc_state_overdue", late=humanize(now - deadline))


def _settled_line(key: str, agency: Agency, settled: Settled, settings: Settings) -> Safe:
    """An agency that did what was asked since: struck through, with when and who."""
    return t(key + "_phone" if settled.by_phone else key, agency=agency.name,
             time=short_time(settled.at, settings.tz), name=settled.by)


def claim_lines(handlers: list[tuple[str, list[str]]], room: int) -> list[Safe]:
    """Who takes which agencies, within `room` UTF-16 units: long lists end "… và N đơn vị khác"."""

    def lines(names_shown: int, people_shown: int) -> list[Safe]:
        out = []
        for name, agencies in handlers[:people_shown]:
            listed = Safe(html.escape(", ".join(agencies[:names_shown]), quote=False))
            if len(agencies) > names_shown:
                listed = join([listed, t("esc_handled_more", count=len(agencies) - names_shown)], "")
            out.append(t("esc_handled_line", name=name, agencies=listed))
        if people_shown < len(handlers):
            out.append(t("esc_handled_others", count=len(handlers) - people_shown))
        return out

    longest = max((len(agencies) for _, agencies in handlers), default=0)
    tries = [(n, len(handlers)) for n in range(longest, 0, -1)]
    tries += [(1, p) for p in range(len(handlers) - 1, -1, -1)]
    for names_shown, people_shown in tries:
        candidate = lines(names_shown, people_shown)
        if sum(tg_len(line) for line in candidate) <= room:
            return candidate
    return []  # a copy with no room left keeps its text; its buttons still change


def no_liaison_lines(d: Directive, agencies: Sequence[Agency], paged: bool,
                     team: Sequence[str] = ()) -> list[Safe]:
    """What the sender hears at once of the agencies nobody can be reached at: one line
    each, with the agency's phone, then whether the on-duty responders were asked to call:
    `team` names who of the team the page reached (none: the sender is asked to phone)."""
    out = [*drill_lines(d), t("bc_no_liaison_head", count=len(agencies), directive=cite(d))]
    out += [t("bc_no_liaison_line", agency=a.name,
              phone=display_phone(a.phone) or t("bc_no_liaison_no_phone")) for a in agencies]
    if not paged:
        out.append(t("bc_no_liaison_not_paged"))
    elif team:
        out.append(t("bc_no_liaison_paged", names=", ".join(team)))
    else:
        out.append(t("bc_no_liaison_paged_nobody"))
    return out
