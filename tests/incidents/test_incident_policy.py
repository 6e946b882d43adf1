"""`assignee` is a target only the no-progress reminder (built in code) has: the policy
file refuses it, naming the policy and the step; the no-progress steps use it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.escalation import Target
from bot.services.incident_escalations import NO_PROGRESS_REPEATS, no_progress_steps
from config.policy import PolicyError, load_policy
from config.settings import DEFAULT_POLICY_FILE


@pytest.mark.parametrize(("old", "where"), [
    ("- {at: 0, notify: [on_duty]}", r"directives\.hoa_toc\.steps: step 2: notify: 'assignee'"),
    ("- {at: 0, notify: [agency_liaisons]}", r"results\.steps: step 2: notify: 'assignee'"),
    ("- {at: 0, notify: [responders]}",
     r"incidents\.nghiem_trong\.steps: step 1: notify: 'assignee'"),
])
def test_policy_file_refuses_assignee_naming_the_field(tmp_path: Path, old: str,
                                                       where: str) -> None:
    text = DEFAULT_POLICY_FILE.read_text("utf-8")
    assert old in text
    path = tmp_path / "escalation.yaml"
    path.write_text(text.replace(old, old.replace("notify: [", "notify: [assignee, "), 1),
                    encoding="utf-8")
    with pytest.raises(PolicyError, match=where):
        load_policy(path)


def test_no_progress_steps_remind_the_assignee_then_the_lead_too() -> None:
    every = timedelta(hours=4)
    first, second = no_progress_steps(every)
    assert first.targets == (Target.ASSIGNEE,) and first.at == timedelta()
    assert second.targets == (Target.TEAM_LEAD,) and second.at == every
    assert first.repeat_every == second.repeat_every == every
    assert (first.occurrences, second.occurrences) == (NO_PROGRESS_REPEATS + 1,
                                                       NO_PROGRESS_REPEATS)
