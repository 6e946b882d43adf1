"""The incident report form (`config/incident_form.yaml`), validated at start-up.

The form is configuration, not code: the /report conversation, its summary, the notices to
responders and the export are generated from the fields listed here, in their order. Some
keys mean something to the bot (the priority rule, lateness, confidentiality, the picker of
the reporting agency) and must be present with their kind: `REQUIRED_KEYS`. Errors name the
file and the field.
"""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from config.yaml_files import read_yaml


class FieldKind(enum.StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    DATETIME = "datetime"
    YESNO = "yesno"
    FILES = "files"
    AGENCY = "agency"


class Prefill(enum.StrEnum):
    AGENCY_NAME = "agency.name"
    AGENCY_ADDRESS = "agency.address"
    AGENCY_PHONE = "agency.phone"
    AGENCY_EMAIL = "agency.email"
    PERSON_NAME = "person.name"
    PERSON_PHONE = "person.phone"


# Keys the bot reads, with the kind each must have.
REQUIRED_KEYS: dict[str, FieldKind] = {
    "agency": FieldKind.AGENCY,
    "system_level": FieldKind.CHOICE,        # options "1".."5" (and any other: unknown)
    "category": FieldKind.CHOICE,            # option keys feed the priority rule
    "description": FieldKind.TEXT,
    "detected_at": FieldKind.DATETIME,
    "state": FieldKind.CHOICE,               # options "handled" / "unhandled"
    "support_requested": FieldKind.YESNO,
    "beyond_capacity": FieldKind.YESNO,
    "confidential": FieldKind.YESNO,
    "attachments": FieldKind.FILES,
}
STATE_OPTIONS = frozenset({"handled", "unhandled"})
DEFAULT_MAX_LENGTH = 1000
MAX_LENGTH = 3500  # one answer must fit one Telegram message with its label
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[A-Za-z0-9_]+$")]
    label: Annotated[str, Field(min_length=1, max_length=60)]


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[str, Field(pattern=_KEY.pattern)]
    title: Annotated[str, Field(min_length=1, max_length=120)]
    prefilled: bool = False
    optional: bool = False


class FormField(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[str, Field(pattern=_KEY.pattern)]
    label: Annotated[str, Field(min_length=1, max_length=200)]
    kind: FieldKind
    required: bool = False
    help: Annotated[str, Field(max_length=300)] = ""
    prefill: Prefill | None = None
    group: str = ""
    options: list[Option] = []
    ask_if: str | None = None
    max_length: Annotated[int, Field(ge=1, le=MAX_LENGTH)] = DEFAULT_MAX_LENGTH

    @model_validator(mode="after")
    def _options(self) -> FormField:
        if self.kind is FieldKind.CHOICE:
            if len(self.options) < 2:
                raise ValueError("a choice needs at least two options")
            keys = [o.key for o in self.options]
            if len(set(keys)) != len(keys):
                raise ValueError("option keys must be unique")
        elif self.options:
            raise ValueError(f"options are only for a choice, not for {self.kind}")
        return self

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


class ClosingField(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[str, Field(pattern=_KEY.pattern)]
    label: Annotated[str, Field(min_length=1, max_length=200)]
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    help: Annotated[str, Field(max_length=300)] = ""
    max_length: Annotated[int, Field(ge=1, le=MAX_LENGTH)] = DEFAULT_MAX_LENGTH

    @model_validator(mode="after")
    def _text_only(self) -> ClosingField:
        if self.kind is not FieldKind.TEXT:
            raise ValueError("closing report fields are text")
        return self


class IncidentForm(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    groups: Annotated[list[Group], Field(min_length=1)]
    fields: Annotated[list[FormField], Field(min_length=1)]
    closing: Annotated[list[ClosingField], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> IncidentForm:
        groups = [g.key for g in self.groups]
        if len(set(groups)) != len(groups):
            raise ValueError("groups: keys must be unique")
        keys = [f.key for f in self.fields]
        seen: set[str] = set()
        for f in self.fields:
            if f.key in seen:
                raise ValueError(f"fields.{f.key}: the key is used twice")
            seen.add(f.key)
            if f.group not in groups:
                raise ValueError(f"fields.{f.key}.group: '{f.group}' is not one of the groups "
                                 f"({', '.join(groups)})")
            if f.ask_if is not None:
                cond = next((c for c in self.fields if c.key == f.ask_if), None)
                if cond is None or cond.kind is not FieldKind.YESNO:
                    raise ValueError(f"fields.{f.key}.ask_if: '{f.ask_if}' is not a yes/no "
                                     "field of the form")
                if keys.index(f.ask_if) > keys.index(f.key):
                    raise ValueError(f"fields.{f.key}.ask_if: '{f.ask_if}' must come before it")
        for key, kind in REQUIRED_KEYS.items():
            needed = self.field(key)
            if needed is None:
                raise ValueError(f"fields.{key}: missing (the bot needs it: kind {kind})")
            if needed.kind is not kind:
                raise ValueError(f"fields.{key}.kind: must be {kind}, not {needed.kind}")
        state = self.field("state")
        assert state is not None
        if {o.key for o in state.options} != STATE_OPTIONS:
            raise ValueError("fields.state.options: keys must be exactly handled, unhandled")
        closing = [c.key for c in self.closing]
        if len(set(closing)) != len(closing):
            raise ValueError("closing: keys must be unique")
        return self

    def option_labels(self, key: str) -> dict[str, str]:
        """The label of each option of the choice field `key` (empty if there is none)."""
        f = self.field(key)
        return {o.key: o.label for o in f.options} if f is not None else {}

    def field(self, key: str) -> FormField | None:
        return next((f for f in self.fields if f.key == key), None)

    def group(self, key: str) -> Group:
        return next(g for g in self.groups if g.key == key)

    def in_group(self, key: str) -> list[FormField]:
        return [f for f in self.fields if f.group == key]

    def asked(self, answers: dict[str, Any], f: FormField) -> bool:
        """Is the field asked, given the answers so far (its `ask_if` said "Có")?"""
        return f.ask_if is None or answers.get(f.ask_if) is True


class FormError(ValueError):
    """The form file is unreadable or invalid; the message names the file and the field."""


def load_form(path: Path) -> IncidentForm:
    doc = read_yaml(path, FormError)
    try:
        return IncidentForm.model_validate(doc)
    except ValidationError as exc:
        lines = []
        for e in exc.errors():
            loc = _named(doc, e["loc"])
            msg = e["msg"].removeprefix("Value error, ")
            lines.append(f"{path}: {loc}: {msg}" if loc else f"{path}: {msg}")
        raise FormError("\n".join(lines)) from exc


def _named(doc: Any, loc: tuple[int | str, ...]) -> str:
    """`fields.3.kind` → `fields.system_level.kind`: a list entry named by its key."""
    out: list[str] = []
    node = doc
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
            key = node.get("key") if isinstance(node, dict) else None
            out.append(str(key) if isinstance(key, str) and key else str(part))
        else:
            node = node.get(part) if isinstance(node, dict) else None
            out.append(str(part))
    return ".".join(out)
