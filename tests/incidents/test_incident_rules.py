"""The incident domain: lifecycle table, priority rule, codes, lateness; the form file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.domain.escalation import Severity
from bot.domain.incidents import (
    IncidentStatus as S,
)
from bot.domain.incidents import (
    Move,
    PriorityFacts,
    Who,
    derive_priority,
    incident_code,
    may,
    moves,
    parse_code,
    reported_late,
)
from config.incident_form import FormError, load_form
from config.settings import DEFAULT_INCIDENT_FORM


def facts(level: int | None = None, category: str | None = "other", support: bool = False,
          beyond: bool = False, handled: bool = False) -> PriorityFacts:
    return PriorityFacts(level, category, support, beyond, handled)


@pytest.mark.parametrize(("f", "expected"), [
    (facts(1, handled=True), Severity.THAP),
    (facts(None, handled=True), Severity.THAP),
    (facts(2), Severity.TRUNG_BINH),                       # not handled: at least medium
    (facts(3), Severity.TRUNG_BINH),
    (facts(4), Severity.CAO),
    (facts(5), Severity.NGHIEM_TRONG),
    (facts(3, "ransomware"), Severity.CAO),                # grave category: one up
    (facts(5, "ransomware"), Severity.NGHIEM_TRONG),       # capped
    (facts(1, beyond=True, handled=True), Severity.CAO),   # beyond capacity: at least high
    (facts(4, handled=True), Severity.TRUNG_BINH),         # handled: one down
    (facts(1, support=True, handled=True), Severity.TRUNG_BINH),
])
def test_priority_rule(f: PriorityFacts, expected: Severity) -> None:
    assert derive_priority(f) is expected


def test_lifecycle_table() -> None:
    assert may(Move.TAKE, S.REPORTED, {Who.RESPONDER})
    assert not may(Move.TAKE, S.TAKEN, {Who.RESPONDER})          # the first one wins
    assert not may(Move.TAKE, S.REPORTED, {Who.REPORTER, Who.ADMIN})
    assert may(Move.START, S.TAKEN, {Who.ASSIGNEE})
    assert not may(Move.START, S.TAKEN, {Who.RESPONDER, Who.LEAD})
    assert may(Move.RELEASE, S.IN_PROGRESS, {Who.LEAD})
    assert may(Move.REASSIGN, S.RESOLVED, {Who.ADMIN})
    assert may(Move.RESOLVE, S.IN_PROGRESS, {Who.ASSIGNEE})
    assert may(Move.REOPEN, S.RESOLVED, {Who.REPORTER})
    assert not may(Move.REOPEN, S.RESOLVED, {Who.ADMIN})
    assert may(Move.CLOSE, S.RESOLVED, {Who.ADMIN})
    assert may(Move.FALSE_ALARM, S.TAKEN, {Who.LEAD})
    assert not may(Move.FALSE_ALARM, S.IN_PROGRESS, {Who.LEAD})
    assert moves(S.CLOSED, set(Who)) == ()
    assert moves(S.REPORTED, {Who.REPORTER}) == (Move.PROGRESS,)


def test_codes_and_lateness() -> None:
    assert incident_code(2026, 7) == "SC-2026-007"
    assert parse_code(" sc - 2026 - 7 ") == (2026, 7)
    assert parse_code("SC-2026-1234") == (2026, 1234)
    assert parse_code("SC-26-1") is None
    t0 = datetime(2026, 11, 20, tzinfo=UTC)
    assert not reported_late(t0, t0 + timedelta(days=3), timedelta(days=3))
    assert reported_late(t0, t0 + timedelta(days=3, seconds=1), timedelta(days=3))


def test_default_form_loads() -> None:
    form = load_form(DEFAULT_INCIDENT_FORM)
    category = form.field("category")
    assert category is not None and len(category.options) == 10
    assert [g.key for g in form.groups if g.optional] == ["details"]
    assert form.field("support_detail") is not None
    assert not form.asked({"support_requested": False}, form.field("support_detail"))  # type: ignore[arg-type]


def _broken(tmp_path: Path, change: object) -> str:
    doc = yaml.safe_load(DEFAULT_INCIDENT_FORM.read_text("utf-8"))
    change(doc)  # type: ignore[operator]
    path = tmp_path / "form.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    with pytest.raises(FormError) as err:
        load_form(path)
    return str(err.value)


def test_form_errors_name_the_field(tmp_path: Path) -> None:
    def drop_category(doc: dict) -> None:  # type: ignore[type-arg]
        doc["fields"] = [f for f in doc["fields"] if f["key"] != "category"]

    assert "fields.category: missing" in _broken(tmp_path, drop_category)

    def wrong_kind(doc: dict) -> None:  # type: ignore[type-arg]
        next(f for f in doc["fields"] if f["key"] == "detected_at")["kind"] = "text"

    assert "fields.detected_at.kind: must be datetime" in _broken(tmp_path, wrong_kind)

    def bad_group(doc: dict) -> None:  # type: ignore[type-arg]
        next(f for f in doc["fields"] if f["key"] == "os")["group"] = "nowhere"

    assert "fields.os.group: 'nowhere'" in _broken(tmp_path, bad_group)

    def one_option(doc: dict) -> None:  # type: ignore[type-arg]
        next(f for f in doc["fields"] if f["key"] == "category")["options"] = [
            {"key": "x", "label": "X"}]

    assert "fields.category: a choice needs at least two options" in _broken(tmp_path, one_option)

    def unknown(doc: dict) -> None:  # type: ignore[type-arg]
        doc["fields"][0]["colour"] = "red"

    assert "fields.agency.colour" in _broken(tmp_path, unknown)


def test_the_default_form_has_every_contact_field_of_the_national_form() -> None:
    form = load_form(DEFAULT_INCIDENT_FORM)
    contact = [f.key for f in form.in_group("reporter")]
    assert contact == ["agency", "org_address", "org_phone", "org_email", "reporter_name",
                       "reporter_position", "reporter_phone", "reporter_email", "operator",
                       "owner"]


def test_a_key_written_twice_in_the_form_or_the_policy_is_refused_naming_the_line(
        tmp_path: Path) -> None:
    """A province editing a YAML file may write a field's `label:` twice; the later one would
    silently win. Both configuration files refuse it, naming the line."""
    from config.policy import PolicyError, load_policy
    from config.settings import DEFAULT_POLICY_FILE

    text = DEFAULT_INCIDENT_FORM.read_text("utf-8").replace(
        '    label: "Địa chỉ"\n', '    label: "Địa chỉ"\n    label: "Địa chỉ trụ sở"\n', 1)
    form = tmp_path / "form.yaml"
    form.write_text(text, "utf-8")
    with pytest.raises(FormError, match=r"duplicate key 'label'.*line \d+"):
        load_form(form)
    policy = tmp_path / "policy.yaml"
    policy.write_text(DEFAULT_POLICY_FILE.read_text("utf-8").replace(
        "    ack_within: 30m\n", "    ack_within: 30m\n    ack_within: 2h\n", 1), "utf-8")
    with pytest.raises(PolicyError, match=r"duplicate key 'ack_within'.*line \d+"):
        load_policy(policy)
