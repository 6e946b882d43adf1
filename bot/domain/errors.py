"""Domain errors: each carries the key of the Vietnamese text shown to the user."""

from __future__ import annotations

from bot.domain.models import Person


class DomainError(Exception):
    """A rule was broken; `key` names the user-facing text in bot.texts, `params` fill it."""

    key = "error_generic"

    def __init__(self, key: str | None = None, **params: object) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(self.key)


class EntityDoesNotExist(DomainError):
    key = "not_found"


class PermissionDenied(DomainError):
    key = "permission_denied"


class InviteRejected(DomainError):
    key = "invite_invalid"


class InvalidInput(DomainError):
    key = "invalid_input"


class SecondHolder(DomainError):
    """An invite would give an agency a second primary liaison, or the team a second lead:
    done only when the admin confirms; `holders` are the people who hold it now, `pending`
    the invites not yet used that would give it to someone new."""

    key = "invite_second_primary"

    def __init__(self, key: str, holders: tuple[Person, ...], *, person_id: int | None = None,
                 agency_id: int | None = None, pending: tuple[str, ...] = (),
                 **params: object) -> None:
        super().__init__(key, **params)
        self.holders = holders
        self.pending = pending  # public ids of pending invites for a new holder
        self.person_id = person_id  # the imported person the invite would link, if any
        self.agency_id = agency_id  # the liaison invite's agency, if any
