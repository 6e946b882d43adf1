"""`hoatoc import FILE`: agencies, groups and people from YAML or CSV, all or nothing."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import aiosqlite
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from bot.clock import Clock, to_epoch
from bot.domain.models import AgencyKind, Rank, Role
from bot.domain.phones import normalise_phone
from bot.domain.roster import Rotation
from bot.services.onboarding import LateDelivery, mark_agencies_unreachable
from bot.storage.agencies import AgencyRepository, GroupRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.duty import DutyRepository
from bot.storage.people import PeopleRepository
from config.policy import parse_duration

_CODE = re.compile(r"^[A-Z0-9_-]{1,32}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TRUE = {"true", "1", "yes", "y", "có", "co", "x"}
_FALSE = {"false", "0", "no", "n", "không", "khong", ""}


def _text(value: Any) -> str:
    """A YAML scalar as text; a mapping, list or true/false is a mistake, not a name."""
    if isinstance(value, bool):
        raise ValueError("expected text, got true/false")
    if isinstance(value, dict):
        raise ValueError("expected text, got a mapping")
    if isinstance(value, list | tuple | set):
        raise ValueError("expected text, got a list")
    return str(value)


def _code(value: Any) -> str:
    text = _text(value).strip().upper()
    if not _CODE.match(text):
        raise ValueError("a code is 1-32 characters of A-Z, 0-9, '_' or '-'")
    return text


def _opt_text(value: Any) -> Any:
    if value is None:
        return None
    text = _text(value).strip()
    return text or None


def _phone(value: Any) -> str | None:
    text: str | None = _opt_text(value)
    if text is None:
        return None
    phone = normalise_phone(text)
    if phone is None:
        raise ValueError(f"'{text}' is not a valid Vietnamese phone number")
    return phone


def _email(value: Any) -> str | None:
    text: str | None = _opt_text(value)
    if text is not None and not _EMAIL.match(text):
        raise ValueError(f"'{text}' is not an e-mail address")
    return text


def _bool(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return value


def _list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [p for p in re.split(r"[;,\s]+", value.strip()) if p]
    return value


def _enum_text(value: Any) -> Any:
    return _opt_text(value.lower() if isinstance(value, str) else value)


Code = Annotated[str, BeforeValidator(_code)]
OptText = Annotated[str | None, BeforeValidator(_opt_text), Field(max_length=500)]
Phone = Annotated[str | None, BeforeValidator(_phone)]
Email = Annotated[str | None, BeforeValidator(_email)]
Flag = Annotated[bool, BeforeValidator(_bool)]
Name = Annotated[str, BeforeValidator(lambda v: _text(v).strip()), Field(min_length=1, max_length=200)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgencyRow(_Row):
    code: Code
    name: Name
    kind: Annotated[AgencyKind, BeforeValidator(_enum_text)]
    address: OptText = None
    email: Email = None
    phone: Phone = None
    active: Flag = True


class GroupRow(_Row):
    code: Code
    name: Name
    agencies: Annotated[list[Code], BeforeValidator(_list)] = []


class PersonRow(_Row):
    code: Code
    full_name: Name
    phone: Phone = None
    roles: Annotated[list[Role], BeforeValidator(_list), Field(min_length=1)]
    agency: Annotated[Code | None, BeforeValidator(_opt_text)] = None
    rank: Annotated[Rank | None, BeforeValidator(_enum_text)] = None
    lead: Flag = False
    telegram_id: Annotated[int | None, BeforeValidator(_opt_text), Field(gt=0, le=2**53)] = None
    active: Flag = True

    @model_validator(mode="after")
    def _rules(self) -> PersonRow:
        if Role.LIAISON in self.roles and self.agency is None:
            raise ValueError("a liaison needs an agency")
        if self.lead and Role.RESPONDER not in self.roles:
            raise ValueError("only a responder can be the team lead")
        if self.rank is not None and Role.LIAISON not in self.roles:
            raise ValueError("rank applies to liaisons only")
        return self


_LOCAL_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def _hhmm(value: Any) -> str:
    text = _text(value).strip()
    match = _LOCAL_TIME.match(text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"'{text}' is not a time like 07:30")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


# Years a roster can be about; beyond them a local time may not convert to UTC at all.
_YEARS = range(2000, 2101)


def _local_datetime(value: Any) -> str:
    text = _text(value).strip()
    for fmt in ("%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"):
        try:
            parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 (local time, zone added on import)
        except ValueError:
            continue
        if parsed.year not in _YEARS:
            raise ValueError(f"'{text}' is out of range (years {_YEARS[0]} to {_YEARS[-1]})")
        return text
    raise ValueError(f"'{text}' is not a date and time like 24/11/2026 07:30")


def _roster_date(value: date) -> date:
    if value.year not in _YEARS:
        raise ValueError(f"{value} is out of range (years {_YEARS[0]} to {_YEARS[-1]})")
    return value


class RotationRow(_Row):
    people: Annotated[list[Code], Field(min_length=1)]
    shift: Annotated[timedelta, BeforeValidator(lambda v: parse_duration(v))]
    handover: Annotated[str, BeforeValidator(_hhmm)]
    start: Annotated[date, AfterValidator(_roster_date)]


class OverrideRow(_Row):
    person: Code
    from_: Annotated[str, BeforeValidator(_local_datetime), Field(alias="from")]
    to: Annotated[str, BeforeValidator(_local_datetime)]


class DutyRow(_Row):
    rotation: RotationRow | None = None
    overrides: list[OverrideRow] = []


@dataclass
class ImportData:
    agencies: list[tuple[str, AgencyRow]] = field(default_factory=list)
    groups: list[tuple[str, GroupRow]] = field(default_factory=list)
    people: list[tuple[str, PersonRow]] = field(default_factory=list)
    # (place, agency code) referenced but not defined in the file: must exist in the database
    unresolved: list[tuple[str, str]] = field(default_factory=list)
    duty: DutyRow | None = None
    # Problems of the file itself, kept (not raised) so the database checks run too and the
    # operator gets every error of the file in one run.
    errors: list[str] = field(default_factory=list)
    # Codes of rows present in the file but invalid: already reported, so a reference to one
    # is not reported again as unknown.
    invalid: dict[str, set[str]] = field(
        default_factory=lambda: {"agencies": set(), "groups": set(), "people": set()})


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: {"agencies": 0, "groups": 0, "people": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"agencies": 0, "groups": 0, "people": 0})
    unchanged: dict[str, int] = field(
        default_factory=lambda: {"agencies": 0, "groups": 0, "people": 0})
    # The duty section, when the file has one: the rotation's size and what became of it
    # ("set", "replaced", "unchanged"; None without a rotation), and overrides added.
    duty_section: bool = False
    rotation_size: int = 0
    rotation: str | None = None
    overrides_added: int = 0
    # The file is the roster of record: agencies and people it states as active are active
    # again, also those an admin deactivated in chat (/agency off, /person off). Named here
    # so that the operator sees it rather than finds out at the next broadcast.
    reactivated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


class ImportError_(Exception):
    """The file was rejected; `errors` lists every problem with its place."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


_SECTIONS: dict[str, type[_Row]] = {"agencies": AgencyRow, "groups": GroupRow, "people": PersonRow}


def _quoted(value: Any) -> str:
    text = str(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def plain_error(err: Any, model: type[BaseModel] | None = None) -> str:
    """What is wrong with one value, in plain words rather than pydantic's message."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "value_error":  # our own validators already speak plainly
        return str(err["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        return "missing (required)"
    if kind == "extra_forbidden":
        fields = ", ".join(f.alias or name for name, f in model.model_fields.items()) if model else ""
        return f"unknown field (the fields are: {fields})" if fields else "unknown field"
    if kind == "enum":
        return f"{_quoted(value)} is not one of: {str(ctx.get('expected', '')).replace(chr(39), '')}"\
            .replace(" or ", ", ")
    if kind in {"too_short", "string_too_short"}:
        return "empty" if isinstance(value, str) else "needs at least one value"
    if kind in {"too_long", "string_too_long"}:
        what = "characters" if isinstance(value, str) else "values"
        return f"too long: at most {ctx.get('max_length')} {what}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"{_quoted(value)} is not a whole number"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        return f"{_quoted(value)} is out of range"
    if kind in {"bool_parsing", "bool_type"}:
        return f"{_quoted(value)} is not yes or no (true/false)"
    if kind.startswith("date"):
        return f"{_quoted(value)} is not a date like 2026-11-01"
    if kind == "list_type":
        return "expected a list"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "expected a mapping of fields"
    if kind == "string_type":
        return "expected text"
    return f"{_quoted(value)} is not valid here"


def _row_errors(exc: ValidationError, model: type[BaseModel]) -> list[tuple[str, str]]:
    """(field, what is wrong) for each problem; list positions are left out of the field
    (the value is quoted instead), so `roles.0` reads `roles`."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if not isinstance(p, int))
        out.append((loc, plain_error(err, model)))
    return out


def _validate(section: str, place: str, raw: Any, out: ImportData, errors: list[str]) -> None:
    model = _SECTIONS[section]
    if not isinstance(raw, dict):
        errors.append(f"{place}: expected a mapping of fields, got {_type_name(raw)}")
        return
    try:
        row = model.model_validate(raw)
    except ValidationError as exc:
        for loc, msg in _row_errors(exc, model):
            errors.append(f"{place}{'.' + loc if loc else ''}: {msg}")
        code = _row_code(raw)
        if code is not None:
            out.invalid[section].add(str(code).strip().upper())
        return
    getattr(out, section).append((place, row))


def _type_name(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "nothing"
    return "a number" if isinstance(value, int | float) else type(value).__name__


# A province's file (some 3,000 communes, their people) is a few MB; anything far larger is
# the wrong file, refused before it is read into memory.
MAX_FILE_BYTES = 50_000_000


def parse_file(path: Path) -> ImportData:
    """Read and validate a YAML or CSV file; ImportError_ lists every problem found."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportError_([f"{path}: cannot read: too large ({size // 1_000_000} MB; a"
                                " province's file is a few MB at most)"])
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportError_([f"{path}: cannot read: not a text file in UTF-8 (save it as UTF-8"
                            " text, .yaml or .csv)"]) from exc
    except OSError as exc:
        raise ImportError_([f"{path}: cannot read: {exc}"]) from exc
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        data = _parse_yaml(text, path)
    elif suffix == ".csv":
        data = _parse_csv(text, path)
    else:
        raise ImportError_([f"{path}: unknown file type '{suffix}' (use .yaml, .yml or .csv)"])
    return data


class _Mapping(dict[Any, Any]):
    """A YAML mapping that remembers the keys it was given more than once, with their lines."""

    duplicates: tuple[tuple[Any, int], ...] = ()


class _StrictLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys silently; this loader records the others."""

    def construct_strict_map(self, node: yaml.MappingNode) -> Iterable[_Mapping]:
        data = _Mapping()
        yield data
        seen: set[Any] = set()
        duplicates = []
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *base` then overriding a key is intended
            key = self.construct_object(key_node, deep=True)
            try:
                if key in seen:
                    duplicates.append((key, key_node.start_mark.line + 1))
                seen.add(key)
            except TypeError:  # an unhashable key: construct_mapping reports it
                continue
        data.update(self.construct_mapping(node))
        data.duplicates = tuple(duplicates)


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_strict_map)


def _row_code(raw: Any) -> Any:
    code = raw.get("code") if isinstance(raw, dict) else None
    return code if isinstance(code, str | int) and not isinstance(code, bool) else None


# Values (each item, each field) a file may hold once every alias (*name) is written out:
# far more than a province's file, far fewer than a few lines of aliases of aliases make.
MAX_VALUES = 2_000_000


class _Cyclic(Exception):
    """A value that contains itself (`a: &a [*a]`)."""


def _expanded_size(value: Any, known: dict[int, int], open_: set[int]) -> int:
    """How many values `value` holds with every alias written out (counted once per value
    object, so linear in the file); stops counting past MAX_VALUES."""
    if not isinstance(value, dict | list):
        return 1
    key = id(value)
    if key in known:
        return known[key]
    if key in open_:
        raise _Cyclic
    open_.add(key)
    total = 1
    for item in (value.values() if isinstance(value, dict) else value):
        total += _expanded_size(item, known, open_)
        if total > MAX_VALUES:
            break
    open_.discard(key)
    known[key] = total
    return total


def _duplicate_keys(value: Any, place: str, errors: list[str],
                    seen: set[int] | None = None) -> None:
    """Every key given twice anywhere in the document, named like the row errors. A value
    reached again through an alias (*name) is looked at once: a few aliases of aliases
    would otherwise make billions of visits."""
    seen = set() if seen is None else seen
    if isinstance(value, dict | list):
        if id(value) in seen:
            return
        seen.add(id(value))
    if isinstance(value, dict):
        for key, line in getattr(value, "duplicates", ()):
            errors.append(f"{place + '.' if place else ''}{key}: given more than once (line {line})")
        for key, item in value.items():
            _duplicate_keys(item, f"{place}.{key}" if place else str(key), errors, seen)
    elif isinstance(value, list):
        for i, item in enumerate(value, start=1):
            code = _row_code(item)
            _duplicate_keys(item, f"{place}[{i}]" + (f" ({code})" if code else ""), errors,
                            seen)


# PyYAML's problems, as an operator editing the file by hand would say them.
_YAML_PROBLEMS = (
    ("mapping values are not allowed", "a ':' inside a value (put the value in quotes, e.g. "
                                       "name: \"Sở: Một\")"),
    ("cannot start any token", "a character that YAML cannot start with here (a tab? indent "
                               "with spaces; or put the value in quotes)"),
    ("end of stream", "the file ends inside a quote or a bracket that was never closed"),
    ("expected ',' or ']'", "a list [ … ] that is not closed, or items not separated by ','"),
    ("expected ',' or '}'", "a mapping { … } that is not closed, or fields not separated by ','"),
    ("expected <block end>", "the indentation does not line up with the lines above"),
    ("could not find expected ':'", "a line without ':' where a field was expected"),
    ("undefined alias", "an alias (*name) that is not defined above"),
    ("found duplicate anchor", "an anchor (&name) defined twice"),
)


def _yaml_error(path: Path, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = " ".join(str(p) for p in (getattr(exc, "context", None),
                                        getattr(exc, "problem", None)) if p)
    said = next((plain for known, plain in _YAML_PROBLEMS if known in problem),
                "the YAML syntax is broken here")
    return f"{path}: not valid YAML{where}: {said}"


def _parse_yaml(text: str, path: Path) -> ImportData:
    try:
        doc = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise ImportError_([_yaml_error(path, exc)]) from exc
    except RecursionError:  # PyYAML reads nesting by recursion
        raise ImportError_([f"{path}: not valid YAML: nested too deeply"]) from None
    try:
        too_big = _expanded_size(doc, {}, set()) > MAX_VALUES
    except _Cyclic:
        raise ImportError_([f"{path}: not valid YAML: an alias (*name) used inside its own"
                            " anchor (&name)"]) from None
    if too_big:
        raise ImportError_([f"{path}: not valid YAML: the aliases (*name) repeat the data more"
                            f" than {MAX_VALUES:,} times over"]) from None
    if not isinstance(doc, dict):
        raise ImportError_([f"{path}: expected sections agencies, groups, people at the top"])
    errors: list[str] = []
    out = ImportData()
    _duplicate_keys(doc, "", errors)
    for key in doc:
        if key not in _SECTIONS and key != "duty":
            errors.append(f"{path}: unknown section '{key}' (expected agencies, groups, people,"
                          " duty)")
    if doc.get("duty") is not None:
        try:
            out.duty = DutyRow.model_validate(doc["duty"])
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]).replace("from_", "from")
                errors.append(f"duty.{loc}: {plain_error(err)}")
    for section in _SECTIONS:
        items = doc.get(section) or []
        if not isinstance(items, list):
            errors.append(f"{section}: expected a list")
            continue
        for i, raw in enumerate(items, start=1):
            code = _row_code(raw)
            place = f"{section}[{i}]" + (f" ({code})" if code else "")
            _validate(section, place, raw, out, errors)
    _check_references(out, errors)
    out.errors = errors
    return out


def _parse_csv(text: str, path: Path) -> ImportData:
    reader = csv.DictReader(io.StringIO(text))
    try:
        columns = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ImportError_([f"{path}: not a valid CSV file: {exc}"]) from exc
    header = set(columns)
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    if twice:  # DictReader would keep the last one silently
        raise ImportError_([f"{path}: column '{c}' appears more than once" for c in twice])
    if "full_name" in header:
        section = "people"
    elif "kind" in header:
        section = "agencies"
    elif "agencies" in header:
        section = "groups"
    else:
        raise ImportError_([
            f"{path}: cannot tell what the CSV holds: people need a 'full_name' column, "
            "agencies a 'kind' column, groups an 'agencies' column"
        ])
    errors, out = [], ImportData()
    try:
        rows = list(enumerate(reader, start=2))
    except csv.Error as exc:
        raise ImportError_([f"{path}: not a valid CSV file: {exc}"]) from exc
    for line_no, raw in rows:
        if None in raw:
            errors.append(f"line {line_no}: more cells than columns")
            continue
        row = {k.strip(): v for k, v in raw.items() if k is not None and (v or "").strip() != ""}
        if not row:
            continue
        code = row.get("code")
        place = f"line {line_no}" + (f" ({code})" if code else "")
        _validate(section, place, row, out, errors)
    _check_references(out, errors)
    out.errors = errors
    return out


def _dupes(items: Iterable[tuple[str, Any]], key: str, errors: list[str]) -> None:
    seen: dict[Any, str] = {}
    for place, row in items:
        value = getattr(row, key)
        if value is None:
            continue
        if value in seen:
            errors.append(f"{place}.{key}: '{value}' is already used at {seen[value]}")
        else:
            seen[value] = place


def _check_references(data: ImportData, errors: list[str]) -> None:
    """Duplicates within the file; note references the database must resolve."""
    _dupes(data.agencies, "code", errors)
    _dupes(data.groups, "code", errors)
    _dupes(data.people, "code", errors)
    _dupes(data.people, "telegram_id", errors)
    codes = {row.code for _, row in data.agencies} | data.invalid["agencies"]
    for place, group in data.groups:
        for code in group.agencies:
            if code not in codes:
                data.unresolved.append((f"{place}.agencies", code))
    for place, person in data.people:
        if person.agency is not None and person.agency not in codes:
            data.unresolved.append((f"{place}.agency", person.agency))


class Importer:
    def __init__(self, db: Database, clock: Clock, tz: ZoneInfo | None = None, *,
                 late_delivery: LateDelivery | None = None) -> None:
        self.db = db
        self.clock = clock
        self.tz = tz or ZoneInfo("Asia/Ho_Chi_Minh")
        # Liaisons the import activates again or moves get the open directives (the running
        # bot's sender picks the queued copies up); None in tests of the import alone.
        self.late_delivery = late_delivery

    async def import_file(self, path: Path) -> ImportReport:
        """Every error of the file (its format, its references, the roles it names) is
        listed at once in ImportError_; nothing is written unless there is none."""
        return await self.apply(parse_file(path), source=path.name)

    async def apply(self, data: ImportData, source: str = "") -> ImportReport:
        now = to_epoch(self.clock.now())
        report = ImportReport()
        async with self.db.transaction() as conn:
            agencies, groups, people = (
                AgencyRepository(conn), GroupRepository(conn), PeopleRepository(conn))
            errors: list[str] = list(data.errors)
            for place, code in data.unresolved:
                if await agencies.find_by_code(code) is None:
                    errors.append(f"{place}: no agency with code '{code}' in the file or database")
            for place, row in data.people:
                if row.telegram_id is not None:
                    holder = await people.by_telegram_id(row.telegram_id)
                    if holder is not None and holder.code != row.code:
                        errors.append(f"{place}.telegram_id: already belongs to "
                                      f"{holder.full_name} ({holder.code or 'no code'})")
            errors += await self._check_duty(people, data)
            if errors:
                raise ImportError_(errors)

            reopened: set[int] = set()  # agencies made active again
            for _, a in data.agencies:
                fields = a.model_dump()
                current = await agencies.find_by_code(a.code)
                if current is None:
                    await agencies.insert(fields, now)
                    report.created["agencies"] += 1
                elif (current.name, current.kind, current.address, current.email,
                      current.phone, current.active) != (a.name, a.kind, a.address, a.email,
                                                         a.phone, a.active):
                    await agencies.update(current.id, fields, now)
                    report.updated["agencies"] += 1
                    if a.active and not current.active:
                        reopened.add(current.id)
                        report.reactivated.append(f"agency {a.code} ({a.name})")
                else:
                    report.unchanged["agencies"] += 1

            ids = {a.code: a.id for a in await agencies.all()}
            for _, g in data.groups:
                members = frozenset(ids[c] for c in g.agencies)
                existing = await groups.find_by_code(g.code)
                if existing is None:
                    group_id = await groups.insert(g.code, g.name, now)
                    await groups.set_members(group_id, members)
                    report.created["groups"] += 1
                elif existing.name != g.name or existing.agency_ids != members:
                    await groups.rename(existing.id, g.name, now)
                    await groups.set_members(existing.id, members)
                    report.updated["groups"] += 1
                else:
                    report.unchanged["groups"] += 1

            left: set[int] = set()  # agencies a liaison may have stopped reaching
            joined: set[int] = set()  # people who may reach an agency they did not before
            for _, p in data.people:
                pfields: dict[str, Any] = {
                    "full_name": p.full_name, "phone": p.phone, "roles": frozenset(p.roles),
                    "agency_id": ids[p.agency] if p.agency else None,
                    "rank": (p.rank or Rank.PRIMARY) if Role.LIAISON in p.roles else None,
                    "lead": p.lead, "active": p.active,
                }
                if p.telegram_id is not None:
                    pfields.update(telegram_user_id=p.telegram_id, chat_id=p.telegram_id)
                current_p = await people.by_code(p.code)
                if current_p is None:
                    await people.insert({"code": p.code, **pfields}, now)
                    report.created["people"] += 1
                    continue
                if p.phone is None:  # keep a number the person gave the bot
                    pfields.pop("phone")
                before = {k: getattr(current_p, k) for k in pfields}
                if any(before[k] != v for k, v in pfields.items()):
                    await people.update(current_p.id, pfields, now)
                    report.updated["people"] += 1
                    if current_p.agency_id is not None and current_p.has(Role.LIAISON):
                        left.add(current_p.agency_id)
                    if p.active and not current_p.active:
                        report.reactivated.append(f"person {p.code} ({p.full_name})")
                    if p.active and Role.LIAISON in p.roles and not (
                            current_p.active and current_p.has(Role.LIAISON)
                            and current_p.agency_id == pfields["agency_id"]):
                        joined.add(current_p.id)
                else:
                    report.unchanged["people"] += 1
            # Left, moved or no longer a liaison: an agency with nobody left to reach is due to
            # the on-duty responders at once (the bot's sweep picks it up).
            await mark_agencies_unreachable(conn, left, now)
            # Activated again or moved in: what went out meanwhile follows, as when they join.
            if self.late_delivery is not None:
                for person in await people.all():
                    if person.id in joined or (person.agency_id in reopened
                                               and person.has(Role.LIAISON)):
                        await self.late_delivery.catch_up(conn, person, now)

            if data.duty is not None:
                await self._apply_duty(conn, data.duty, report, now)

            if report.changed:
                await AuditRepository(conn).add(
                    now, None, "import", source,
                    {"created": report.created, "updated": report.updated},
                )
        return report

    @staticmethod
    async def _check_duty(people: PeopleRepository, data: ImportData) -> list[str]:
        """Everyone the duty section names is a responder, in the file or the database."""
        if data.duty is None:
            return []
        in_file = {row.code: row for _, row in data.people}
        errors: list[str] = []
        named = [(f"duty.rotation.people[{i}]", code) for i, code in enumerate(
            data.duty.rotation.people if data.duty.rotation else [], start=1)]
        named += [(f"duty.overrides[{n}].person", o.person)
                  for n, o in enumerate(data.duty.overrides, start=1)]
        for place, code in named:
            if code in data.invalid["people"]:
                continue  # its row's own errors are listed already
            row = in_file.get(code)
            if row is not None:
                name, responder = row.full_name, Role.RESPONDER in row.roles
            else:
                person = await people.by_code(code)
                if person is None:
                    errors.append(f"{place}: no person with code '{code}' in the file or "
                                  "database")
                    continue
                name, responder = person.full_name, person.has(Role.RESPONDER)
            if not responder:
                errors.append(f"{place}: {name} ({code}) is not a responder")
        return errors

    async def _apply_duty(self, conn: aiosqlite.Connection, duty: DutyRow, report: ImportReport,
                          now: int) -> None:
        """The rotation (replaced) and overrides (added once); everyone must be a responder."""
        people, repo = PeopleRepository(conn), DutyRepository(conn)
        errors: list[str] = []

        async def responder(code: str, place: str) -> int | None:
            person = await people.by_code(code)
            if person is None:
                errors.append(f"{place}: no person with code '{code}'")
                return None
            if not person.has(Role.RESPONDER):
                errors.append(f"{place}: {person.full_name} ({code}) is not a responder")
                return None
            return person.id

        rotation = None
        if duty.rotation is not None:
            r = duty.rotation
            ids = [await responder(c, f"duty.rotation.people[{i}]")
                   for i, c in enumerate(r.people, start=1)]
            hour, minute = (int(x) for x in r.handover.split(":"))
            starts = datetime(r.start.year, r.start.month, r.start.day, hour, minute, tzinfo=self.tz)
            if all(i is not None for i in ids):
                rotation = Rotation(tuple(i for i in ids if i is not None), r.shift,
                                    starts.astimezone(UTC))
        overrides = []
        for n, o in enumerate(duty.overrides, start=1):
            person_id = await responder(o.person, f"duty.overrides[{n}].person")
            start, end = self._local(o.from_), self._local(o.to)
            if end <= start:
                errors.append(f"duty.overrides[{n}]: 'to' must be after 'from'")
            elif person_id is not None:
                overrides.append((person_id, start, end))
        if errors:
            raise ImportError_(errors)
        report.duty_section = True
        if rotation is not None:
            before = await repo.rotation()
            report.rotation_size = len(rotation.person_ids)
            report.rotation = ("unchanged" if rotation == before
                               else "set" if before is None else "replaced")
            if rotation != before:
                await repo.set_rotation(rotation, now)
                report.updated["duty"] = report.updated.get("duty", 0) + 1
        for person_id, start, end in overrides:
            if not await repo.has_override(person_id, start, end):
                await repo.add_override(person_id, start, end, None, now)
                report.created["duty"] = report.created.get("duty", 0) + 1
                report.overrides_added += 1

    def _local(self, text: str) -> datetime:
        for fmt in ("%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"):
            try:
                naive = datetime.strptime(text, fmt)  # noqa: DTZ007 (zone added below)
            except ValueError:
                continue
            return naive.replace(tzinfo=self.tz).astimezone(UTC)
        raise ImportError_([f"'{text}' is not a date and time"])
