from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.directives import Urgency
from bot.domain.escalation import Severity, Target
from config.policy import PolicyError, load_policy, parse_offset
from config.settings import DEFAULT_POLICY_FILE


def test_shipped_policy_is_valid_and_complete() -> None:
    policy = load_policy(DEFAULT_POLICY_FILE)
    assert policy.ack_window(Urgency.HOA_TOC) == timedelta(minutes=30)
    assert policy.ack_window(Urgency.THUONG_KHAN) == timedelta(hours=2)
    assert policy.ack_window(Urgency.KHAN) == timedelta(hours=4)
    assert policy.ack_window(Urgency.THUONG) == timedelta(hours=8)
    steps = policy.directives[Urgency.HOA_TOC].snapshot()
    assert [(s.at, s.targets) for s in steps] == [
        (timedelta(minutes=-15), (Target.AGENCY_LIAISONS,)),
        (timedelta(0), (Target.ON_DUTY,)),
        (timedelta(minutes=30), (Target.TEAM_LEAD, Target.ADMINS)),
    ]
    assert steps[2].repeat_every == timedelta(minutes=30) and steps[2].max_repeats == 3
    assert set(policy.incidents) == set(Severity)
    assert [s.at for s in policy.results.snapshot()] == [
        timedelta(days=-1), timedelta(0), timedelta(hours=1)]


@pytest.mark.parametrize(("text", "expected"), [
    ("-15m", timedelta(minutes=-15)), ("0", timedelta(0)), ("+30m", timedelta(minutes=30)),
    ("2h", timedelta(hours=2)), ("-1d", timedelta(days=-1)), (0, timedelta(0))])
def test_offsets(text: object, expected: timedelta) -> None:
    assert parse_offset(text) == expected


def write(tmp_path: Path, body: str) -> Path:
    text = DEFAULT_POLICY_FILE.read_text("utf-8").replace(
        "      - {at: 0, notify: [on_duty]}\n      - {at: +30m, notify: [team_lead, admins], "
        "repeat_every: 30m, max_repeats: 3}", body, 1)
    path = tmp_path / "policy.yaml"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(("body", "fragment"), [
    ("      - {at: 0, notify: [oncall]}", "directives.hoa_toc.steps.1.notify.0"),
    ("      - {at: soon, notify: [on_duty]}", "directives.hoa_toc.steps.1.at: 'soon' is not an offset"),
    ("      - {at: 0, notify: [admins], repeat_every: 30m}", "repeat_every needs max_repeats"),
    ("      - {at: -30m, notify: [admins]}", "steps must be in order"),
    ("      - {at: 0, notify: []}", "directives.hoa_toc.steps.1.notify"),
    ("      - {at: 0, notify: [admins], every: 5m}", "directives.hoa_toc.steps.1.every"),
    # Too large for a timedelta (OverflowError), or for a deadline plus the offset.
    ("      - {at: -99999999999d, notify: [on_duty]}",
     "directives.hoa_toc.steps.1.at: '-99999999999d' is too long: at most 366d"),
    ("      - {at: +999999d, notify: [on_duty]}",
     "directives.hoa_toc.steps.1.at: '+999999d' is too long: at most 366d"),
    ("      - {at: 0, notify: [admins], repeat_every: 99999999999d, max_repeats: 1}",
     "directives.hoa_toc.steps.1.repeat_every: '99999999999d' is too long: at most 366d"),
])
def test_invalid_policy_names_file_policy_and_field(
    tmp_path: Path, body: str, fragment: str
) -> None:
    path = write(tmp_path, body)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(path) in str(info.value) and fragment in str(info.value)


def test_missing_policy_and_bad_yaml(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("directives:\n  hoa_toc: {ack_within: 30m}\n")
    with pytest.raises(PolicyError, match=r"missing policies: directives\.thuong_khan"):
        load_policy(path)
    path.write_text("directives: [")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(path)
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "nope.yaml")


def test_policy_file_that_is_not_utf8_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(b"# Ch\xednh s\xe1ch (Windows-1252, not UTF-8)\ndirectives: {}\n")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(info.value).startswith(f"{path}: not UTF-8 text")
