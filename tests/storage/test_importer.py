from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.clock import FakeClock
from bot.domain.models import AgencyKind, Rank, Role
from bot.services.importer import Importer, ImportError_
from bot.storage.agencies import AgencyRepository, GroupRepository
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.people import PeopleRepository
from tests.conftest import PROVINCE, ROOT


async def dump(db: Database) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for table in ("agencies", "groups", "group_members", "people", "person_roles"):
        async with db.reader.execute(f"SELECT * FROM {table} ORDER BY 1, 2") as cur:
            out[table] = [tuple(r) for r in await cur.fetchall()]
    return out


async def test_example_province_imports_and_reimport_changes_nothing(
    db: Database, clock: FakeClock
) -> None:
    importer = Importer(db, clock)
    first = await importer.import_file(PROVINCE)
    assert first.created["agencies"] >= 120 and first.created["people"] >= 50
    before = await dump(db)
    clock.advance(hours=1)
    second = await importer.import_file(PROVINCE)
    assert not second.changed
    assert second.unchanged == first.created
    assert await dump(db) == before  # not even updated_at moved

    agencies = AgencyRepository(db.reader)
    police = await agencies.by_code("CAT")
    assert police is not None
    kinds = [a.kind for a in await agencies.all()]
    assert kinds.count(AgencyKind.COMMITTEE) >= 100
    assert 18 <= kinds.count(AgencyKind.DEPARTMENT) <= 25
    assert 4 <= kinds.count(AgencyKind.TELECOM) <= 5
    people = await PeopleRepository(db.reader).all()
    assert sum(p.lead for p in people) == 1
    assert any(p.agency_id == police.id and p.has(Role.LIAISON) for p in people)
    groups = {g.code: g for g in await GroupRepository(db.reader).all()}
    assert len(groups["UBND_XA"].agency_ids) >= 100
    audit = await AuditRepository(db.reader).entries("import")
    assert len(audit) == 1  # the unchanged re-import wrote no audit entry


async def test_example_province_shows_todays_structure(db: Database, clock: FakeClock) -> None:
    """The police (its PA05 division) is the focal agency: first in the file, home of the
    admins and the team lead; the Sở KH&CN is in the team's group; no Công an tỉnh, no district."""
    raw = PROVINCE.read_text(encoding="utf-8")
    doc = yaml.safe_load(raw)
    assert doc["agencies"][0]["code"] == "CAT"
    assert doc["agencies"][0]["name"] == "Công an tỉnh"
    assert "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao" in raw
    for retired in ("STTTT", "Sở Thông tin và Truyền thông", "TT&TT", "huyện", "quận"):
        assert retired not in raw, retired

    await Importer(db, clock).import_file(PROVINCE)
    agencies = AgencyRepository(db.reader)
    police = await agencies.by_code("CAT")
    science = await agencies.by_code("SKHCN")
    assert police is not None and science is not None
    people = await PeopleRepository(db.reader).all()
    admins = [p for p in people if p.has(Role.ADMIN)]
    [lead] = [p for p in people if p.lead]
    assert admins and all(p.agency_id == police.id for p in admins)
    assert lead.agency_id == police.id and lead.has(Role.RESPONDER)
    groups = {g.code: g for g in await GroupRepository(db.reader).all()}
    team = groups["DOI_UNG_CUU_DV"]
    assert team.name == "Đơn vị thành viên Đội ứng cứu sự cố an toàn thông tin mạng tỉnh"
    assert {police.id, science.id} <= set(team.agency_ids)
    assert any(p.agency_id == science.id and p.has(Role.RESPONDER) for p in people)
    assert groups["DN_VIEN_THONG"].name == "Các doanh nghiệp viễn thông"
    committees = [a for a in await agencies.all() if a.kind is AgencyKind.COMMITTEE]
    assert all(a.name.startswith(("UBND xã ", "UBND phường ", "UBND đặc khu "))
               for a in committees)


def test_readme_commands_use_the_example_province() -> None:
    """The README's /invite examples and import command work on the shipped example file."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    doc = yaml.safe_load(PROVINCE.read_text(encoding="utf-8"))
    agencies = {a["code"] for a in doc["agencies"]}
    people = {p["code"] for p in doc["people"]}
    liaison_codes = re.findall(r"/invite liaison ([A-Z0-9_-]+)", readme)
    person_codes = re.findall(r"/invite person ([A-Z0-9_-]+)", readme)
    assert liaison_codes and person_codes
    assert set(liaison_codes) <= agencies and set(person_codes) <= people
    assert "hoatoc import examples/province.yaml" in readme
    assert liaison_codes[0] == doc["agencies"][0]["code"]  # the focal agency
    for retired in ("STTTT", "Sở Thông tin và Truyền thông", "TT&TT"):
        assert retired not in readme, retired


async def test_file_with_bad_rows_is_rejected_whole(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        """
agencies:
  - {code: CAT, name: Công an tỉnh, kind: department}
  - {code: XA_A, name: UBND xã A, kind: village}
  - {code: CAT, name: Trùng mã, kind: department}
groups:
  - {code: G1, name: Nhóm, agencies: [CAT, NOPE]}
people:
  - {code: P1, full_name: Nguyễn Văn A, phone: "0912 345 678", roles: [liaison], agency: CAT}
  - {code: P2, full_name: Trần B, phone: "12345", roles: [liaison], agency: CAT}
  - {code: P3, full_name: Lê C, roles: [liaison], agency: CAT, lead: true}
  - {code: P4, full_name: Võ D, roles: [liaison]}
""",
        encoding="utf-8",
    )
    with pytest.raises(ImportError_) as info:
        await Importer(db, clock).import_file(bad)
    errors = "\n".join(info.value.errors)
    assert "agencies[2] (XA_A).kind" in errors
    assert "agencies[3] (CAT).code: 'CAT' is already used at agencies[1]" in errors
    assert "people[2] (P2).phone: '12345' is not a valid Vietnamese phone number" in errors
    assert "people[4] (P4): a liaison needs an agency" in errors
    assert "people[3] (P3): only a responder can be the team lead" in errors
    assert all(rows == [] for rows in (await dump(db)).values())


async def test_unknown_agency_reference_rejected_whole(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    bad = tmp_path / "refs.yaml"
    bad.write_text("agencies:\n  - {code: A1, name: Một, kind: other}\n"
                   "groups:\n  - {code: G1, name: Nhóm, agencies: [A1, NOPE]}\n", encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        await Importer(db, clock).import_file(bad)
    assert info.value.errors == [
        "groups[1] (G1).agencies: no agency with code 'NOPE' in the file or database"]
    assert all(rows == [] for rows in (await dump(db)).values())


async def test_csv_people_update_and_row_errors(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    agencies = tmp_path / "agencies.csv"
    agencies.write_text("code,name,kind,phone\nCAT,Công an tỉnh,department,0296 3852 000\n"
                        "VNPT,VNPT An Giang,telecom,\n", encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text(
        "code,full_name,phone,roles,agency,rank,lead\n"
        "P1,Nguyễn Văn A,0912 345 678,liaison,CAT,backup,\n"
        "P2,Trần Thị B,0987 654 321,responder;liaison,VNPT,,có\n", encoding="utf-8")
    importer = Importer(db, clock)
    await importer.import_file(agencies)
    report = await importer.import_file(people)
    assert report.created["people"] == 2
    p1 = await PeopleRepository(db.reader).by_code("P1")
    assert p1 is not None and p1.rank is Rank.BACKUP and p1.phone == "+84912345678"
    p2 = await PeopleRepository(db.reader).by_code("P2")
    assert p2 is not None and p2.lead and p2.roles == {Role.RESPONDER, Role.LIAISON}

    people.write_text("code,full_name,phone,roles,agency\n"
                      "P1,Nguyễn Văn Anh,0912 345 678,liaison,CAT\n", encoding="utf-8")
    report = await importer.import_file(people)
    assert report.updated["people"] == 1
    p1 = await PeopleRepository(db.reader).by_code("P1")
    assert p1 is not None and p1.full_name == "Nguyễn Văn Anh"

    broken = tmp_path / "broken.csv"
    broken.write_text("code,full_name,roles,agency\nP3,Lê C,liaison,CAT\nP4,Phạm D,chief,CAT\n",
                      encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        await importer.import_file(broken)
    assert len(info.value.errors) == 1 and info.value.errors[0].startswith("line 3 (P4).roles")
    assert await PeopleRepository(db.reader).by_code("P3") is None  # whole file rejected


async def test_odd_csv_and_huge_ids_are_listed_not_crashing(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text("agencies:\n  - {code: A, name: A, kind: other}\npeople:\n"
                    "  - {code: P, full_name: P, roles: [responder], telegram_id: 99999999999999999999}\n")
    with pytest.raises(ImportError_) as info:
        await Importer(db, clock).import_file(huge)
    assert info.value.errors[0].startswith("people[1] (P).telegram_id")
    nul = tmp_path / "nul.csv"
    nul.write_text("code,name,kind\nA,\"unterminated,other\n" + "x" * 200_000)
    with pytest.raises(ImportError_):
        await Importer(db, clock).import_file(nul)


async def test_unreadable_and_unknown_files(tmp_path: Path, db: Database, clock: FakeClock) -> None:
    importer = Importer(db, clock)
    with pytest.raises(ImportError_, match="error"):
        await importer.import_file(tmp_path / "missing.yaml")
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(ImportError_) as info:
        await importer.import_file(tmp_path / "x.txt")
    assert "unknown file type" in info.value.errors[0]
    (tmp_path / "y.yaml").write_text("agencies: [unclosed")
    with pytest.raises(ImportError_) as info:
        await importer.import_file(tmp_path / "y.yaml")
    assert "not valid YAML" in info.value.errors[0]


async def test_duplicate_yaml_keys_are_refused_naming_row_and_field(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    dup = tmp_path / "dup.yaml"
    dup.write_text("agencies:\n  - {code: A, name: Sở A, kind: department}\n"
                   "people:\n"
                   "  - code: P1\n    full_name: Nguyễn Văn A\n    roles: [liaison]\n"
                   "    agency: A\n    full_name: Trần Thị B\n"
                   "duty:\n  overrides:\n    - {person: P1, from: \"24/11/2026 07:30\","
                   " to: \"25/11/2026 07:30\", to: \"26/11/2026 07:30\"}\n"
                   "groups: []\ngroups: []\n", encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        await Importer(db, clock).import_file(dup)
    errors = info.value.errors
    assert "people[1] (P1).full_name: given more than once (line 8)" in errors
    assert "duty.overrides[1].to: given more than once (line 11)" in errors
    assert "groups: given more than once (line 13)" in errors
    assert await AgencyRepository(db.reader).find_by_code("A") is None
    csv_dup = tmp_path / "dup.csv"
    csv_dup.write_text("code,full_name,roles,full_name\nP1,Nguyễn Văn A,responder,Trần Thị B\n",
                       encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        await Importer(db, clock).import_file(csv_dup)
    assert info.value.errors == [f"{csv_dup}: column 'full_name' appears more than once"]
    assert await PeopleRepository(db.reader).by_code("P1") is None


@pytest.mark.parametrize(("row", "field", "kind"), [
    ("{code: P1, full_name: {a: 1}, roles: [responder]}", "full_name", "a mapping"),
    ("{code: P1, full_name: [Nguyễn, Văn A], roles: [responder]}", "full_name", "a list"),
    ("{code: P1, full_name: yes, roles: [responder]}", "full_name", "true/false"),
    ("{code: {x: P1}, full_name: Nguyễn Văn A, roles: [responder]}", "code", "a mapping"),
    ("{code: P1, full_name: A, roles: [responder], phone: [0912345678]}", "phone", "a list"),
])
async def test_text_fields_refuse_mappings_and_lists(
    db: Database, clock: FakeClock, tmp_path: Path, row: str, field: str, kind: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"people:\n  - {row}\n", encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        await Importer(db, clock).import_file(bad)
    [error] = info.value.errors
    assert error.startswith("people[1]") and error.endswith(
        f".{field}: expected text, got {kind}")
    assert await PeopleRepository(db.reader).by_code("P1") is None


async def test_absurd_files_are_refused_in_plain_words_and_quickly(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    """Binary, huge, nested past any sense, or aliases multiplying a few lines into billions
    of values: one plain line each, within seconds, nothing written; never a traceback or a
    hang."""
    importer = Importer(db, clock)

    async def refused(name: str, content: bytes) -> list[str]:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ImportError_) as info:
            await importer.import_file(path)
        return [e.replace(f"{path}: ", "") for e in info.value.errors]

    assert await refused("binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x9a\xff" * 100) == [
        "cannot read: not a text file in UTF-8 (save it as UTF-8 text, .yaml or .csv)"]
    assert await refused("nested.yaml", b"agencies: " + b"[" * 5000 + b"]" * 5000) == [
        "not valid YAML: nested too deeply"]
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    lines += ["people:", "  - {code: P, full_name: *a11, roles: *a11}"]
    assert await refused("bomb.yaml", "\n".join(lines).encode()) == [
        "not valid YAML: the aliases (*name) repeat the data more than 2,000,000 times over"]
    assert await refused("itself.yaml", b"people: &p\n  - *p\n") == [
        "not valid YAML: an alias (*name) used inside its own anchor (&name)"]
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as f:
        f.truncate(600_000_000)  # sparse: 600 MB that take no room
    with pytest.raises(ImportError_) as info:
        await importer.import_file(huge)
    assert info.value.errors == [f"{huge}: cannot read: too large (600 MB; a province's file is"
                                 " a few MB at most)"]
    assert await AgencyRepository(db.reader).all() == []
