"""The policy options of issue 10: paging on-duty for an agency with no liaison on the bot
(item 11) and the window in which steps already due at sending are skipped (item 9)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.directives import Urgency
from config.policy import PolicyError, load_policy
from config.settings import DEFAULT_POLICY_FILE


def test_shipped_policy_pages_on_duty_for_the_two_highest_urgencies_only() -> None:
    policy = load_policy(DEFAULT_POLICY_FILE)
    assert [u for u in Urgency if policy.pages_no_liaison(u)] == [
        Urgency.HOA_TOC, Urgency.THUONG_KHAN]
    assert policy.skip_steps_due_within == timedelta(minutes=1)


MINIMAL = """
directives:
  hoa_toc: {{ack_within: 30m{hoa_toc}}}
  thuong_khan: {{ack_within: 2h}}
  khan: {{ack_within: 4h}}
  thuong: {{ack_within: 8h{thuong}}}
incidents:
  thap: {{take_within: 8h}}
  trung_binh: {{take_within: 2h}}
  cao: {{take_within: 30m}}
  nghiem_trong: {{take_within: 15m}}
{top}"""


def write(tmp_path: Path, hoa_toc: str = "", thuong: str = "", top: str = "") -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(MINIMAL.format(hoa_toc=hoa_toc, thuong=thuong, top=top), "utf-8")
    return path


def test_defaults_and_explicit_choices(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path))
    assert [u for u in Urgency if policy.pages_no_liaison(u)] == [
        Urgency.HOA_TOC, Urgency.THUONG_KHAN]
    assert policy.skip_steps_due_within == timedelta(minutes=1)
    policy = load_policy(write(tmp_path, hoa_toc=", no_liaison_to_on_duty: false",
                               thuong=", no_liaison_to_on_duty: true",
                               top="skip_steps_due_within: 0"))
    assert [u for u in Urgency if policy.pages_no_liaison(u)] == [
        Urgency.THUONG_KHAN, Urgency.THUONG]
    assert policy.skip_steps_due_within == timedelta(0)
    policy = load_policy(write(tmp_path, top="skip_steps_due_within: 5m"))
    assert policy.skip_steps_due_within == timedelta(minutes=5)


@pytest.mark.parametrize(("kw", "fragment"), [
    ({"hoa_toc": ", no_liaison_to_on_duty: maybe"},
     "directives.hoa_toc.no_liaison_to_on_duty: "),
    ({"hoa_toc": ", no_liaison_to_on_duty: 1"}, "directives.hoa_toc.no_liaison_to_on_duty: "),
    ({"top": "skip_steps_due_within: -1m"},
     "skip_steps_due_within: '-1m' is not a duration like 1m (or 0 to skip nothing)"),
    ({"top": "skip_steps_due_within: soon"}, "skip_steps_due_within: 'soon' is not a duration"),
    ({"top": "skip_steps_due_within: 400d"}, "skip_steps_due_within: '400d' is too long"),
])
def test_invalid_options_name_the_file_and_the_field(
    tmp_path: Path, kw: dict[str, str], fragment: str
) -> None:
    path = write(tmp_path, **kw)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(path) in str(info.value) and fragment in str(info.value), str(info.value)
