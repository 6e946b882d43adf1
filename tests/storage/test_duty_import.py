from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.services.importer import Importer, ImportError_
from bot.storage.db import Database
from bot.storage.duty import DutyRepository
from bot.storage.people import PeopleRepository
from tests.conftest import PROVINCE


async def test_example_roster_imports_once(db: Database, clock: FakeClock) -> None:
    importer = Importer(db, clock)
    await importer.import_file(PROVINCE)
    rotation = await DutyRepository(db.reader).rotation()
    assert rotation is not None and len(rotation.person_ids) == 8
    assert rotation.shift == timedelta(days=1)
    # 07:30 in Vietnam on 1 November 2026 is 00:30 UTC.
    assert rotation.starts_at == datetime(2026, 11, 1, 0, 30, tzinfo=UTC)
    again = await importer.import_file(PROVINCE)
    assert not again.changed


async def test_overrides_and_errors(db: Database, clock: FakeClock, tmp_path: Path) -> None:
    importer = Importer(db, clock)
    await importer.import_file(PROVINCE)
    good = tmp_path / "duty.yaml"
    good.write_text('duty:\n  overrides:\n    - {person: P004, from: "24/11/2026 07:30", '
                    'to: "25/11/2026 07:30"}\n', encoding="utf-8")
    report = await importer.import_file(good)
    assert report.created["duty"] == 1
    assert not (await importer.import_file(good)).changed
    [override] = await DutyRepository(db.reader).overrides()
    p004 = await PeopleRepository(db.reader).by_code("P004")
    assert p004 is not None and override.person_id == p004.id
    assert override.start_at == datetime(2026, 11, 24, 0, 30, tzinfo=UTC)

    bad = tmp_path / "bad.yaml"
    bad.write_text('duty:\n  rotation: {people: [P003, P012], shift: 24h, handover: "25:00",'
                   ' start: 2026-11-01}\n  overrides:\n    - {person: P001, from: "x", to: "y"}\n',
                   encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        await importer.import_file(bad)
    errors = "\n".join(info.value.errors)
    assert "duty.rotation.handover: '25:00' is not a time" in errors
    assert "duty.overrides.0.from: 'x' is not a date and time" in errors

    not_responder = tmp_path / "nr.yaml"
    not_responder.write_text('duty:\n  rotation: {people: [P001], shift: 12h, handover: "07:30",'
                             ' start: 2026-11-01}\n', encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        await importer.import_file(not_responder)
    assert "is not a responder" in info.value.errors[0]
    rotation = await DutyRepository(db.reader).rotation()
    assert rotation is not None and len(rotation.person_ids) == 8  # unchanged


async def test_duty_dates_out_of_range_are_named(db: Database, clock: FakeClock,
                                                 tmp_path: Path) -> None:
    importer = Importer(db, clock)
    await importer.import_file(PROVINCE)
    bad = tmp_path / "far.yaml"
    bad.write_text('duty:\n  rotation: {people: [P003], shift: 24h, handover: "07:30",'
                   ' start: 0001-01-01}\n  overrides:\n'
                   '    - {person: P004, from: "01/01/0001 00:00", to: "02/01/0001 00:00"}\n',
                   encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        await importer.import_file(bad)
    errors = "\n".join(info.value.errors)
    assert "duty.rotation.start: 0001-01-01 is out of range" in errors
    assert "duty.overrides.0.from: '01/01/0001 00:00' is out of range" in errors


_TABLES = ("agencies", "groups", "group_members", "people", "person_roles", "duty_rotation",
           "duty_overrides", "audit_log")


async def counts(db: Database) -> dict[str, int]:
    out = {}
    for table in _TABLES:
        async with db.reader.execute(f"SELECT COUNT(*) FROM {table}") as cur:
            row = await cur.fetchone()
            out[table] = row[0] if row else -1
    return out


@pytest.mark.parametrize(("duty", "error"), [
    # Found only while writing: P2 exists (in this very file) but is not a responder.
    ('  rotation: {people: [P1, P2], shift: 12h, handover: "07:30", start: 2026-11-01}\n'
     '  overrides:\n    - {person: P1, from: "24/11/2026 07:30", to: "25/11/2026 07:30"}\n',
     "duty.rotation.people[2]: Trần Thị B (P2) is not a responder"),
    ('  overrides:\n    - {person: P1, from: "24/11/2026 07:30", to: "25/11/2026 07:30"}\n'
     '    - {person: P1, from: "26/11/2026 07:30", to: "25/11/2026 07:30"}\n',
     "duty.overrides[2]: 'to' must be after 'from'"),
    # Found while reading the file.
    ('  rotation: {people: [P1], shift: 12h, handover: "7h30", start: 2026-11-01}\n',
     "duty.rotation.handover: '7h30' is not a time"),
])
async def test_bad_duty_section_writes_nothing_at_all(
    db: Database, clock: FakeClock, tmp_path: Path, duty: str, error: str
) -> None:
    path = tmp_path / "all.yaml"
    path.write_text(
        "agencies:\n  - {code: A, name: Sở A, kind: department}\n"
        "groups:\n  - {code: G, name: Nhóm G, agencies: [A]}\n"
        "people:\n  - {code: P1, full_name: Nguyễn Văn A, roles: [responder]}\n"
        "  - {code: P2, full_name: Trần Thị B, roles: [liaison], agency: A}\n"
        "duty:\n" + duty, encoding="utf-8")
    before = await counts(db)
    with pytest.raises(ImportError_) as info:
        await Importer(db, clock).import_file(path)
    assert any(e.startswith(error) for e in info.value.errors), info.value.errors
    assert await counts(db) == before == dict.fromkeys(_TABLES, 0)
