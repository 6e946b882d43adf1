"""/export (issue 13, item 2): the workbook an admin receives, opened with openpyxl and checked
against the database; drills on their own sheets; CSV; bad arguments; refusals; one export at
a time per admin, built off the event loop (a ✅ tap is answered while it is built)."""

from __future__ import annotations

import asyncio
import csv
import io
import threading
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.clock import from_epoch
from bot.exports.oversight import Built
from bot.exports.worker import Job, in_worker_process, produce
from bot.services.results import ResultDraft
from bot.storage.audit import AuditRepository
from bot.storage.directives import DirectiveRepository
from bot.storage.exports import escalation_level
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e import test_incident_taking as taking
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import agency_ids, draft
from tests.e2e.test_incident_taking import LIAISON, ON_DUTY, report, start
from tests.e2e.test_status_view import acknowledge

A = SUPER_ADMIN
SHEETS = ["Văn bản", "Sự cố", "Diễn biến sự cố", "Số liệu", "Diễn tập – văn bản",
          "Diễn tập – số liệu"]


def is_document(m: SentMessage) -> bool:
    return m.kind == "document"


async def export(h: Harness, line: str) -> SentMessage:
    """The admin sends `line`; the document it brings."""
    before = len(h.fake.messages_to(A))
    h.fake.send_text(A, line)
    return await h.fake.wait_for_message(A, is_document, after=before, timeout=20)


def local(h: Harness, at: datetime) -> datetime:
    return at.astimezone(h.services.settings.tz).replace(tzinfo=None, microsecond=0)


# The incident tests' policy, with two steps for a hỏa tốc directive's acknowledgement.
POLICY = taking.POLICY.replace("hoa_toc: {ack_within: 30m}", """hoa_toc:
    ack_within: 30m
    steps:
      - {at: 0, notify: [on_duty]}
      - {at: +10m, notify: [admins]}""")
assert POLICY != taking.POLICY


async def scenario(h: Harness, tmp_path: Path) -> dict[str, Any]:
    """A real directive to three agencies (a ✅ tap, a phone receipt, one silent and chased
    twice), a result report, a drill, an incident taken."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(taking, "POLICY", POLICY)
        await start(h, tmp_path)
    d = draft(h, report_deadline_at=h.clock.now() + timedelta(days=3))
    d.agency_ids = await agency_ids(h, "CAT", "TT_CNTT", "SNV")
    real, _ = await h.services.broadcast.send(A, d)
    await h.services.sender.drained()
    h.clock.advance(minutes=4)
    await acknowledge(h, LIAISON)
    snv = (await agency_ids(h, "SNV")).pop()
    h.clock.advance(minutes=3)
    await h.services.acks.acknowledge_by_phone(A, real.id, snv)
    liaison = await PeopleRepository(h.services.db.reader).by_telegram_id(LIAISON)
    assert liaison is not None
    copy = await DirectiveRepository(h.services.db.reader).delivery_of(real.id, liaison.id)
    assert copy is not None
    h.clock.advance(minutes=5)
    await h.services.results.submit(LIAISON, ResultDraft(copy.id, text="Đã triển khai"))
    drill_draft = draft(h, number="99/DT-DIENTAP")
    drill_draft.agency_ids = await agency_ids(h, "CAT")
    drill, _ = await h.services.broadcast.send(A, drill_draft)
    async with h.services.db.transaction() as conn:  # the drill flag (set by /broadcast's part)
        await conn.execute("UPDATE directives SET drill = 1 WHERE id = ?", (drill.id,))
    incident, _ = await report(h)
    h.clock.advance(minutes=2)
    await h.services.incidents.take(ON_DUTY, incident.id)
    h.clock.advance(minutes=40)  # past the real directive's deadline: the silent agency is chased
    await h.services.escalation.run_due()
    await h.services.sender.drained()
    return {"real": real, "drill": drill, "incident": incident, "liaison": liaison}


async def test_the_workbook_matches_the_database_drills_apart(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    s = await scenario(h, tmp_path)
    sent = await export(h, "/export")
    assert sent.file_name is not None and sent.file_name.startswith("hoatoc-")
    assert sent.file_name.endswith(".xlsx") and sent.file_bytes is not None
    assert "3 dòng văn bản, 1 sự cố" in (sent.caption or "") and "diễn tập: 1 dòng" in (
        sent.caption or "")
    wb = load_workbook(io.BytesIO(sent.file_bytes))
    assert wb.sheetnames == SHEETS

    rows = list(wb["Văn bản"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Số, ký hiệu", "Trích yếu", "Độ khẩn", "Đơn vị")
    assert len(rows) == 1 + 3 and all(r[0] == "1556/UBND-KGVX" for r in rows[1:])
    by_agency = {r[3]: r for r in rows[1:]}
    cat = by_agency["Công an tỉnh"]
    acks = await DirectiveRepository(h.services.db.reader).acks(s["real"].id)
    cat_ack = next(a for a in acks.values() if a.via == "telegram")
    assert cat[6] == local(h, s["real"].created_at)          # sent at, local time
    assert cat[8] == local(h, cat_ack.acked_at)               # acknowledged at
    assert cat[9] == s["liaison"].full_name and cat[10] == "Telegram (bấm nút)" and cat[11] == "Không"
    assert s["liaison"].full_name in cat[5] and "0912 345 678" in cat[5]  # the liaisons, phones as dialled
    assert cat[14] == s["liaison"].full_name and cat[15] == 1  # the result report
    assert by_agency["Sở Nội vụ"][10] == "Điện thoại"
    silent = by_agency["Trung tâm Công nghệ thông tin và Truyền thông"]
    assert silent[8] is None and silent[14] == "Chưa báo cáo"
    async with h.services.db.reader.execute(
            "SELECT a.name, e.steps, e.done, e.skipped FROM escalations e"
            " JOIN agencies a ON a.id = e.agency_id"
            " WHERE e.subject_kind = 'directive_ack' AND e.subject_id = ?",
            (s["real"].id,)) as cur:
        levels = {r[0]: escalation_level(r[1], r[2], r[3]) for r in await cur.fetchall()}
    assert levels[silent[3]] == 2  # both steps fired for the silent agency
    assert {name: by_agency[name][12] for name in levels} == levels
    assert all("99/DT" not in str(r[0]) for r in rows)        # the drill is not here

    drills = list(wb["Diễn tập – văn bản"].iter_rows(values_only=True))
    assert [r[0] for r in drills[1:]] == ["99/DT-DIENTAP"]

    incidents = list(wb["Sự cố"].iter_rows(values_only=True))
    assert len(incidents) == 2 and incidents[1][0] == s["incident"].code
    # The category as the form names it, never its key.
    category = h.services.incidents.form.field("category")
    assert category is not None and s["incident"].category is not None
    option = category.option(s["incident"].category)
    assert option is not None and incidents[1][2] == option.label != s["incident"].category
    async with h.services.db.reader.execute(
            "SELECT taken_at, reported_at FROM incidents WHERE id = ?",
            (s["incident"].id,)) as cur:
        taken_at, reported_at = await cur.fetchone()  # type: ignore[misc]
    assert incidents[1][6] == local(h, from_epoch(reported_at))
    assert incidents[1][8] == local(h, from_epoch(taken_at))
    async with h.services.db.reader.execute("SELECT count(*) FROM incident_events") as cur:
        (events,) = await cur.fetchone()  # type: ignore[misc]
    timeline = list(wb["Diễn biến sự cố"].iter_rows(values_only=True))
    assert len(timeline) == 1 + events and {r[3] for r in timeline[1:]} >= {
        "báo cáo sự cố", "tiếp nhận"}

    figures = {r[0]: r for r in wb["Số liệu"].iter_rows(min_row=2, values_only=True)}
    # CAT: 1 received, 1 confirmed after 4 minutes; an incident taken after 2 minutes.
    assert figures["Công an tỉnh"][1:6] == (1, 1, 100, 4.0, 4.0)
    assert figures["Công an tỉnh"][6:8] == (1, 2.0)
    assert figures["Tổng cộng"][1:4] == (3, 2, 66)
    drill_figures = list(wb["Diễn tập – số liệu"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in drill_figures] == ["Công an tỉnh", "Tổng cộng"]

    audited = await AuditRepository(h.services.db.reader).entries("export.made")
    assert [e.actor_user_id for e in audited] == [A]


async def test_csv_a_directive_bad_arguments_and_a_refusal(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    s = await scenario(h, tmp_path)
    sent = await export(h, "/export csv 1556/UBND-KGVX")
    assert sent.file_name == "hoatoc-1556-UBND-KGVX.zip" and sent.file_bytes is not None
    archive = zipfile.ZipFile(io.BytesIO(sent.file_bytes))
    assert len(archive.namelist()) == 6
    text = archive.read("van-ban.csv").decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "Số, ký hiệu" and len(table) == 1 + 3
    assert local(h, s["real"].created_at).strftime("%d/%m/%Y %H:%M") == table[1][6]

    for line, says in [("/export 01/02/2026", "Cú pháp"),
                       ("/export 31/12/2026 01/01/2026", "Ngày bắt đầu phải trước"),
                       ("/export 31/02/2026 01/03/2026", "Cú pháp"),
                       ("/export KHONG-CO", "Không tìm thấy văn bản số “KHONG-CO”")]:
        answer = await h.say(A, line)
        assert says in (answer.plain_text or ""), (line, answer.plain_text)
    assert [m for m in h.fake.messages_to(A) if is_document(m)] == [sent]

    refused = await h.say(LIAISON, "/export")
    assert (refused.plain_text or "").startswith("⛔")
    denied = await AuditRepository(h.services.db.reader).entries("access.denied")
    assert any(e.actor_user_id == LIAISON and e.subject == "/export" for e in denied)
    assert "/export" in ((await h.say(A, "/help")).plain_text or "")


async def test_one_export_at_a_time_taps_answered_meanwhile_a_failure_said(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    d = draft(h)
    d.agency_ids = await agency_ids(h, "CAT")
    await h.services.broadcast.send(A, d)
    await h.services.sender.drained()
    release, building = threading.Event(), threading.Event()

    def held(job: Job) -> Built:
        building.set()
        assert release.wait(timeout=20)
        return produce(job)

    async def held_runner(job: Job) -> Built:  # a thread in the worker process's place
        return await asyncio.to_thread(held, job)

    h.services.exports.runner = held_runner
    await h.say(A, "/export", lambda m: "Đang lập tệp số liệu từ ngày" in (m.text or ""))
    for _ in range(500):  # bounded: until the worker thread is inside the build
        if building.is_set():
            break
        await asyncio.sleep(0.01)
    assert building.is_set()
    busy = await h.say(A, "/export csv")
    assert "Đang lập tệp, vui lòng chờ" in (busy.plain_text or "")
    await acknowledge(h, LIAISON)  # answered while the workbook is being built
    release.set()
    sent = await h.fake.wait_for_message(A, is_document, timeout=20)
    assert sent.file_name is not None and sent.file_name.endswith(".xlsx")

    async def broken(job: Job) -> Built:
        raise OSError("disk full")

    h.services.exports.runner = broken
    await h.say(A, "/export", lambda m: "Không lập hoặc gửi được" in (m.text or ""))
    # The slot was given back: the next export runs.
    h.services.exports.runner = in_worker_process
    assert (await export(h, "/export")).file_bytes


async def test_an_export_past_the_time_limit_says_so_and_how_to_get_a_file(
    harness: Harness, tmp_path: Path
) -> None:
    """The worker killed at its limit (a test double raises the TimeoutError the real one
    does, tests/exports/test_worker.py): the admin is told the file took too long and to ask
    for a shorter period or one directive — not "try again in a few minutes", which would
    run into the same limit."""
    h = harness
    await start(h, tmp_path)

    async def too_long(job: Job) -> Built:
        raise TimeoutError

    h.services.exports.runner = too_long
    said = await h.say(A, "/export", lambda m: "❌" in (m.text or ""))
    text = said.plain_text or ""
    assert "5 phút" in text and "khoảng thời gian ngắn hơn" in text, text
    assert "thử lại sau ít phút" not in text, text
    h.services.exports.runner = in_worker_process
    assert (await export(h, "/export")).file_bytes, "the slot was given back"
