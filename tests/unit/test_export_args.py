"""/export's arguments, the escalation level a copy reached, one export at a time."""

from __future__ import annotations

from datetime import date

import pytest

from bot.clock import FakeClock
from bot.domain.errors import InvalidInput
from bot.services.exports import ExportRequest, ExportService, parse_args
from bot.storage.exports import escalation_level

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(("args", "expected"), [
    ([], ExportRequest(False, start=date(2026, 11, 1), end=TODAY)),
    (["CSV"], ExportRequest(True, start=date(2026, 11, 1), end=TODAY)),
    (["1556/UBND-KGVX"], ExportRequest(False, number="1556/UBND-KGVX")),
    (["12/CT-UBND", "csv"], ExportRequest(True, number="12/CT-UBND")),
    (["01/01/2026", "30/6/2026"], ExportRequest(False, start=date(2026, 1, 1),
                                               end=date(2026, 6, 30))),
    (["csv", "5/11/2026", "5/11/2026"], ExportRequest(True, start=date(2026, 11, 5),
                                                     end=date(2026, 11, 5))),
])
def test_valid(args: list[str], expected: ExportRequest) -> None:
    assert parse_args(args, TODAY) == expected


@pytest.mark.parametrize(("args", "key"), [
    (["01/01/2026"], "exp_usage"), (["31/02/2026", "01/03/2026"], "exp_usage"),
    (["01/01/2026", "02/01/2026", "03/01/2026"], "exp_usage"),
    (["02/01/2026", "01/01/2026"], "exp_bad_period"),
])
def test_invalid(args: list[str], key: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_args(args, TODAY)
    assert caught.value.key == key


STEPS = ('[{"at": -900, "targets": ["agency_liaisons"], "repeat_every": null, "max_repeats": 0},'
         ' {"at": 0, "targets": ["on_duty"], "repeat_every": null, "max_repeats": 0},'
         ' {"at": 1800, "targets": ["admins"], "repeat_every": 1800, "max_repeats": 3}]')


@pytest.mark.parametrize(("done", "skipped", "reached"), [
    (None, None, 0), ("[]", "[]", 0), ("[0, 0, 0]", "[]", 0), ("[1, 0, 0]", "[]", 1),
    ("[1, 1, 0]", "[]", 2), ("[1, 1, 2]", "[]", 3),
    # A reminder already due when the directive was sent was skipped, never fired.
    ("[1, 0, 0]", "[1, 0, 0]", 0), ("[1, 1, 0]", "[1, 0, 0]", 2),
])
def test_escalation_level_counts_what_fired(done: str | None, skipped: str | None,
                                            reached: int) -> None:
    assert escalation_level(STEPS if done else None, done, skipped) == reached


def test_one_export_at_a_time_per_admin() -> None:
    service = ExportService(None, FakeClock(), None)  # type: ignore[arg-type]
    with service.slot(1) as first, service.slot(1) as second, service.slot(2) as other:
        assert (first, second, other) == (True, False, True)
    with service.slot(1) as again:
        assert again
