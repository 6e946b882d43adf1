"""IncidentService.submit: checked again, numbered per year, prioritised, flagged late."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.clock import FakeClock, to_epoch
from bot.domain.errors import InvalidInput
from bot.domain.escalation import Severity
from bot.domain.incidents import EventKind, IncidentStatus
from bot.domain.models import Role
from bot.services.incidents import IncidentService, ReportDraft
from bot.storage.agencies import AgencyRepository
from bot.storage.db import Database
from bot.storage.incidents import IncidentRepository
from bot.storage.people import PeopleRepository
from config.incident_form import load_form
from config.policy import load_policy
from config.settings import DEFAULT_INCIDENT_FORM, DEFAULT_POLICY_FILE, Settings

LIAISON = 501


class NoNotifier:
    def flush(self, cancelled: tuple[int, ...] = ()) -> None:
        pass


async def _setup(db: Database, clock: FakeClock) -> tuple[IncidentService, int]:
    now = to_epoch(clock.now())
    async with db.transaction() as conn:
        agency_id = await AgencyRepository(conn).insert(
            {"code": "STC", "name": "Sở Tài chính", "kind": "department",
             "address": "1 Trần Phú", "email": "stc@example.gov.vn", "phone": "0296 1"}, now)
        await PeopleRepository(conn).insert(
            {"full_name": "Nguyễn Văn A", "phone": "0912345678", "agency_id": agency_id,
             "rank": "primary", "roles": [Role.LIAISON], "telegram_user_id": LIAISON,
             "chat_id": LIAISON, "activated": True}, now)
    settings = Settings(bot_token=None)
    service = IncidentService(db, clock, settings, load_form(DEFAULT_INCIDENT_FORM),
                              load_policy(DEFAULT_POLICY_FILE), NoNotifier())  # type: ignore[arg-type]
    return service, agency_id


def _answers(agency_id: int, detected: int, **more: Any) -> dict[str, Any]:
    return {"agency": agency_id, "org_address": "1 Trần Phú", "org_phone": "0296 1",
            "org_email": "stc@example.gov.vn", "reporter_name": "Nguyễn Văn A",
            "reporter_phone": "0912345678", "operator": "Sở Tài chính",
            "system_name": "Cổng thông tin", "system_level": "3", "category": "ransomware",
            "description": "Máy chủ bị mã hóa", "detected_at": detected, "state": "unhandled",
            "detection_method": "log", "notified": "none", "beyond_capacity": False,
            "support_requested": False, "confidential": False, **more}


async def test_submit_stores_numbered_prioritised(db: Database, clock: FakeClock) -> None:
    service, agency_id = await _setup(db, clock)
    reporter = await service.reporter(LIAISON)
    assert reporter.agency is not None and not reporter.for_others
    prefill = await service.prefill(reporter, agency_id)
    assert prefill["agency"] == agency_id and prefill["operator"] == "Sở Tài chính"
    assert prefill["reporter_phone"] == "0912345678"
    detected = to_epoch(clock.now() - timedelta(hours=1))
    files = [{"file_id": "F1", "kind": "photo", "name": ""},
             {"file_id": "F2", "kind": "document", "name": "log.txt"}]
    first = await service.submit(LIAISON, ReportDraft(_answers(agency_id, detected), files))
    second = await service.submit(LIAISON, ReportDraft(_answers(agency_id, detected)))
    assert (first.code, second.code) == ("SC-2026-001", "SC-2026-002")
    assert first.status is IncidentStatus.REPORTED and first.priority is Severity.CAO
    assert not first.late
    repo = IncidentRepository(db.reader)
    assert [e.kind for e in await repo.events(first.id)] == [EventKind.REPORTED]
    assert [f.file_id for f in await repo.files(first.id)] == ["F1", "F2"]


async def test_submit_rejects_and_stores_nothing(db: Database, clock: FakeClock) -> None:
    service, agency_id = await _setup(db, clock)
    now = to_epoch(clock.now())
    with pytest.raises(InvalidInput) as err:
        await service.submit(LIAISON, ReportDraft(_answers(agency_id, now + 600)))
    assert err.value.key == "inc_detected_future"
    with pytest.raises(InvalidInput) as err:
        await service.submit(LIAISON, ReportDraft(_answers(agency_id, now, description="")))
    assert err.value.params["field"] == "description"
    with pytest.raises(InvalidInput) as err:
        await service.submit(LIAISON, ReportDraft(_answers(agency_id, now, category="typed")))
    assert err.value.params["field"] == "category"
    with pytest.raises(InvalidInput):  # another agency's report, forged in the draft
        await service.submit(LIAISON, ReportDraft(_answers(agency_id + 1, now)))
    assert await IncidentRepository(db.reader).open() == []


async def test_late_report_is_flagged(db: Database, clock: FakeClock) -> None:
    service, agency_id = await _setup(db, clock)
    detected = to_epoch(clock.now() - timedelta(days=4))
    incident = await service.submit(LIAISON, ReportDraft(_answers(agency_id, detected)))
    assert incident.late
