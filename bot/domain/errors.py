"""Domain errors: each carries the key of the Vietnamese text shown to the user."""

from __future__ import annotations


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
