"""Turning domain objects into the Vietnamese texts people read."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.directives import Directive, utf16_len
from bot.domain.errors import DomainError
from bot.domain.files import ACCEPTED_FILES
from bot.domain.models import Agency, Invite, Person, Rank, Role
from bot.domain.phones import display_phone
from bot.domain.when import Moment
from bot.texts import Safe, focal_contact, join, label, t
from config.settings import Settings

# Telegram's limits, in UTF-16 code units of the text after HTML entity parsing.
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ANSWER_LIMIT = 200


def shown(text: str) -> str:
    """The text Telegram shows for our HTML: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def tg_len(text: str) -> int:
    """Length of our HTML as Telegram counts it against its limits."""
    return utf16_len(shown(text))


def plain(text: str, limit: int = ANSWER_LIMIT) -> str:
    """HTML to the plain text a callback answer shows (Telegram allows 200 UTF-16 units)."""
    out = shown(text)[:limit]
    while utf16_len(out) > limit:
        out = out[:-1]
    return out


def local_time(instant: datetime, tz: ZoneInfo) -> str:
    """`17:00 ngày 25/11/2026`, as officials write a time in running text."""
    return instant.astimezone(tz).strftime("%H:%M ngày %d/%m/%Y")


def short_time(instant: datetime, tz: ZoneInfo) -> str:
    """`17:00 25/11`, the short form for lists and buttons."""
    return instant.astimezone(tz).strftime("%H:%M %d/%m")


def typed_time(moment: Moment, tz: ZoneInfo) -> str:
    """A typed time echoed back: `17:00 ngày 25/11/2026`, or `02:00 ngày mai, 01/12/2026` when
    a bare clock time rolled over to tomorrow (`hôm qua` when it rolled back)."""
    if not moment.day_shift:
        return local_time(moment.at, tz)
    at = moment.at.astimezone(tz)
    return label("when_next_day" if moment.day_shift > 0 else "when_previous_day",
                 clock=at.strftime("%H:%M"), date=at.strftime("%d/%m/%Y"))


def role_names(roles: Iterable[Role]) -> Safe:
    names = [t(f"role_{r}") for r in Role if r in set(roles)]
    return join(names, ", ") if names else t("role_none")


def agency_phone(agency: Agency) -> Safe:
    """` · ĐT đơn vị: 0297 3 866 000` after an agency's contacts; nothing without a phone."""
    phone = display_phone(agency.phone) if agency.phone else None
    return t("agency_phone_suffix", phone=phone) if phone else Safe("")


def contact_names(people: Iterable[Person]) -> Safe:
    """`Nguyễn Thị Hồng (0912 345 678); Trần Văn Minh (—)`: whom to call, in order."""
    return Safe(html.escape("; ".join(f"{p.full_name} ({display_phone(p.phone) or '—'})"
                                      for p in people), quote=False))


def rank_name(rank: Rank | None) -> str:
    return t(f"rank_{rank or Rank.PRIMARY}")


def focal(settings: Settings) -> dict[str, object]:
    """The parameters every text that names the focal point or the team in full takes."""
    return {
        "focal_name": settings.focal_name,
        "focal_contact": focal_contact(settings.focal_hotline, settings.focal_email),
        "team_name": settings.team_name,
    }


def domain_error(exc: DomainError, settings: Settings) -> str:
    # Imported here: directive_view renders with this module's helpers.
    from bot.telegram.directive_view import cite

    params: dict[str, object] = focal(settings)
    for name, value in exc.params.items():
        if isinstance(value, Role):
            value = t(f"role_{value}")
        elif isinstance(value, datetime):
            value = local_time(value, settings.tz)
        elif isinstance(value, Directive):
            value = cite(value)
        params[name] = value
    return t(exc.key, **params)


def invite_what(invite: Invite, agency: Agency | None, person: Person | None) -> str:
    if person is not None:
        return t("what_person", name=person.full_name)
    if invite.role is Role.LIAISON and agency is not None:
        return t("what_liaison", rank=rank_name(invite.rank), agency=f"{agency.name} ({agency.code})")
    if invite.role is Role.RESPONDER:
        return t("what_responder_lead" if invite.lead else "what_responder")
    return t("what_admin")


def welcome(person: Person, invite: Invite, agency: Agency | None, settings: Settings) -> str:
    if invite.person_id is not None:
        return t("welcome_person", name=person.full_name, roles=role_names(person.roles))
    if invite.role is Role.LIAISON and agency is not None:
        return t("welcome_liaison", rank=rank_name(person.rank), agency=agency.name)
    if invite.role is Role.RESPONDER:
        return t("welcome_responder", lead=Safe(t("lead_suffix")) if person.lead else "",
                 **focal(settings))
    return t("welcome_admin")


def pack(lines: list[Safe], limit: int = 4000) -> list[Safe]:
    """Group lines into as few messages as fit `limit` (as Telegram counts); never cut a line."""
    messages: list[Safe] = []
    current: list[Safe] = []
    size = 0
    for line in lines:
        length = tg_len(line) + 1
        if current and size + length > limit:
            messages.append(join(current))
            current, size = [], 0
        current.append(line)
        size += length
    if current:
        messages.append(join(current))
    return messages


def pack_into(lines: list[Safe], count: int, limit: int) -> list[Safe] | None:
    """Group lines into exactly `count` messages (those of a message being edited), each
    within `limit` where it can be; None if they do not fit in `count` messages at all."""
    if count < 1 or len(lines) < count:
        return None
    groups: list[list[Safe]] = []
    i = 0
    for k in range(count):
        group: list[Safe] = []
        size = 0
        last = k == count - 1
        # Leave at least one line for each message still to fill.
        while i < len(lines) - (count - k - 1):
            length = tg_len(lines[i]) + 1
            if group and size + length > limit and not last:
                break
            group.append(lines[i])
            size += length
            i += 1
        groups.append(group)
    parts = [join(group) for group in groups]
    return parts if all(tg_len(p) <= TEXT_LIMIT for p in parts) else None


def help_text(commands: list[tuple[str, str]], settings: Settings,
              extra: Sequence[Safe] = ()) -> Safe:
    """The commands, then `extra` paragraphs (how alerts work, for responders), then whom
    to ask."""
    lines = [t("help_header")]
    lines += [Safe(f"/{cmd} — {html.escape(desc, quote=False)}") for cmd, desc in commands]
    for paragraph in extra:
        lines += [Safe(""), paragraph]
    lines += [Safe(""), t("help_footer", **focal(settings))]
    return join(lines)


def accepted_files() -> Safe:
    """The accepted file types, in words: the one list the file check uses."""
    return join([t(f"file_kind_{kind.name}") for kind in ACCEPTED_FILES], ", ")
