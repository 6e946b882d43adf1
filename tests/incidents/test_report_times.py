"""The detection time as the /report conversation reads it: typed forms, quick choices, never
in the future, late past the reporting deadline; and the picker's agency check."""

from __future__ import annotations

import pytest

from bot.clock import FakeClock
from bot.domain.errors import InvalidInput
from bot.services.incidents import QUICK_DETECTED
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from tests.incidents.test_submit import LIAISON, _setup

# The clock: 01:00 UTC on 23/11/2026, 08:00 in the province.
READS = [
    ("25/11/2026 14:30", None),                      # future: refused
    ("22/11/2026 14:30", "2026-11-22T07:30:00+00:00"),
    ("07:30", "2026-11-23T00:30:00+00:00"),          # today, already past
    ("14:30", "2026-11-22T07:30:00+00:00"),          # still to come today: yesterday's
    ("hôm qua 22:00", "2026-11-22T15:00:00+00:00"),
    ("22h hôm qua", "2026-11-22T15:00:00+00:00"),
    (QUICK_DETECTED["now"], "2026-11-23T01:00:00+00:00"),
    (QUICK_DETECTED["h1"], "2026-11-23T00:00:00+00:00"),
]


@pytest.mark.parametrize(("typed", "expected"), READS)
async def test_detected_reads_what_officials_type(db: Database, clock: FakeClock, typed: str,
                                                  expected: str | None) -> None:
    service, _ = await _setup(db, clock)
    if expected is None:
        with pytest.raises(InvalidInput) as err:
            service.detected(typed)
        assert err.value.key == "inc_detected_future"
        return
    found = service.detected(typed)
    assert found.at.isoformat() == expected and not found.late


@pytest.mark.parametrize("typed", ["hôm kia", "", "45p", "abc", "31/02/2026 10:00", "+2h"])
async def test_detected_refuses_what_it_cannot_read(db: Database, clock: FakeClock,
                                                    typed: str) -> None:
    service, _ = await _setup(db, clock)
    with pytest.raises(InvalidInput) as err:
        service.detected(typed)
    assert err.value.key in ("ir_detected_invalid", "inc_detected_future")


async def test_detected_past_the_deadline_is_late(db: Database, clock: FakeClock) -> None:
    service, _ = await _setup(db, clock)
    assert service.detected("20/11/2026 07:59").late      # 3 days and 1 minute
    assert not service.detected("20/11/2026 08:00").late  # exactly 3 days


async def test_a_liaison_picking_an_agency_is_refused_and_audited(db: Database,
                                                                   clock: FakeClock) -> None:
    service, agency_id = await _setup(db, clock)
    for _ in range(2):  # a forger varying the data: one row per window
        with pytest.raises(InvalidInput) as err:
            await service.pick_agency(LIAISON, agency_id + 7)
        assert err.value.key == "inc_report_refused"
    entries = await AuditRepository(db.reader).entries("incident.report_refused")
    assert [e.details["why"] for e in entries] == ["other_agency"]
