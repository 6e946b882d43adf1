"""Who a directive reaches: the rule the broadcast's audience, late copies and escalation
all count by."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.models import Person, Role


def is_recipient(person: Person) -> bool:
    """A liaison a directive can be sent to now: active, has pressed Start, and reachable."""
    return (person.has(Role.LIAISON) and person.active and person.activated
            and person.reachable and person.chat_id is not None)


def reaches_agency(person: Person, agency_id: int) -> bool:
    """Can a directive to the agency reach this person (as the broadcast's audience counts)?"""
    return person.agency_id == agency_id and is_recipient(person)


def rank_order(person: Person) -> tuple[int, int]:
    """Primary liaisons first, then backups; by id within a rank."""
    return (0 if person.rank in (None, "primary") else 1, person.id)


def contacts(people: Iterable[Person], agency_id: int) -> tuple[Person, ...]:
    """Whom to call for an agency: the liaisons a directive reaches (never someone imported
    who has not joined, left, or blocked the bot), primary first."""
    return tuple(sorted((p for p in people if reaches_agency(p, agency_id)), key=rank_order))
