"""Issue 13 item 3: the /status overview's figures over the last 30 days (real directives
only, the agencies to call, incidents' time to take and to resolve), and /chart."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from PIL import Image

from bot.domain.incidents import Move
from bot.storage.audit import AuditRepository
from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_directives import agency_ids, draft
from tests.e2e.test_incident_lifecycle import CLOSING
from tests.e2e.test_incident_taking import LEAD, LIAISON, ON_DUTY, report, start
from tests.e2e.test_status_view import acknowledge, settled

M = timedelta(minutes=1)


async def send(h: Harness, number: str, *codes: str, drill: bool = False) -> int:
    d = draft(h, number=number, ack_deadline_at=h.clock.now() + 30 * M)
    d.agency_ids = await agency_ids(h, *codes)
    directive, _ = await h.services.broadcast.send(SUPER_ADMIN, d)
    if drill:  # /broadcast's drill choice is another part's; the flag is what counts
        async with h.services.db.transaction() as conn:
            await conn.execute("UPDATE directives SET drill = 1 WHERE id = ?", (directive.id,))
    await h.services.sender.drained()
    return directive.id


async def ack(h: Harness, number: str) -> None:
    await acknowledge(h, LIAISON, number)
    await settled(h, LIAISON)


def block(text: str) -> str:
    """The figures block: everything above the list of recent directives."""
    return text.split("Văn bản gần đây")[0]


async def overview(h: Harness) -> str:
    return block((await h.say(SUPER_ADMIN, "/status", lambda m: "Số liệu" in (m.text or "")))
                 .plain_text or "")


async def test_overview_figures_over_30_days_without_drills(harness: Harness,
                                                            tmp_path: Path) -> None:
    h = harness
    await start(h, tmp_path)  # 101: CAT's liaison; 103 on duty; 104 the team lead
    t0 = h.clock.now()
    await send(h, "101/UBND-A", "CAT", "SNV")  # SNV: nobody on the bot, never confirms
    h.clock.set(t0 + 4 * M)
    await ack(h, "101/UBND-A")                  # 4 minutes
    h.clock.set(t0 + 10 * M)
    await send(h, "102/UBND-B", "CAT")
    h.clock.set(t0 + 30 * M)
    await ack(h, "102/UBND-B")                  # 20 minutes
    life = h.services.lifecycle
    h.clock.set(t0 + 40 * M)
    first, _ = await report(h)
    h.clock.set(t0 + 46 * M)
    await h.services.incidents.take(ON_DUTY, first.id)       # taken in 6 minutes
    h.clock.set(t0 + 50 * M)
    second, _ = await report(h)
    h.clock.set(t0 + 52 * M)
    await h.services.incidents.take(ON_DUTY, second.id)      # taken in 2 minutes
    h.clock.set(t0 + 53 * M)
    await life.move(LEAD, second.id, Move.RELEASE, reason="Đổi ca trực.")
    await h.services.incidents.take(ON_DUTY, second.id)      # the first take still counts
    await life.move(LEAD, second.id, Move.FALSE_ALARM, reason="Cảnh báo nhầm.")
    h.clock.set(t0 + 55 * M)
    await report(h)                                           # never taken
    await life.move(ON_DUTY, first.id, Move.START)
    h.clock.set(t0 + 130 * M)
    await life.move(ON_DUTY, first.id, Move.RESOLVE, closing=CLOSING)  # 90 minutes
    recalled = await send(h, "104/UBND-TH", "CAT", "SNV")   # recalled: nobody owes it
    await h.services.broadcast.recall(SUPER_ADMIN, recalled)
    await h.services.sender.drained()

    text = await overview(h)
    # Copies 3, confirmed 2 in 4 and 20 minutes: ranks ceil(0.5*2)=1, ceil(0.9*2)=2.
    assert "Số liệu 30 ngày qua" in text, text
    assert "2 văn bản · đã xác nhận 2/3 lượt đơn vị (66 %) · trung vị 4 phút" \
           " · 90 % trong 20 phút" in text, text
    # The agency that confirms least first; then CAT (its two: 4 and 20 minutes).
    assert text.index("Sở Nội vụ: 0/1 văn bản (0 %)") \
        < text.index("Công an tỉnh: 2/2 văn bản (100 %) · trung vị 4 phút"), text
    assert "3 sự cố" in text
    assert "Tiếp nhận: trung vị 2 phút · 90 % trong 6 phút (2 sự cố)" in text, text
    # The false alarm has no time to resolve; the one resolved took 90 minutes.
    assert "Khắc phục: trung vị 1 giờ 30 phút · 90 % trong 1 giờ 30 phút (1 sự cố)" in text

    # A drill, confirmed in a minute, changes none of it.
    h.clock.set(t0 + 131 * M)
    await send(h, "103/UBND-DT", "CAT", drill=True)
    h.clock.set(t0 + 132 * M)
    await ack(h, "103/UBND-DT")
    assert await overview(h) == text

    # A period typed as two dates: the same figures (everything happened today).
    today = h.clock.now().astimezone(h.services.settings.tz).strftime("%d/%m/%Y")
    period = (await h.say(SUPER_ADMIN, f"/status {today} {today}")).plain_text or ""
    assert f"Số liệu từ {today} đến {today}" in period
    assert "2 văn bản · đã xác nhận 2/3 lượt đơn vị (66 %)" in period, period
    bad = (await h.say(SUPER_ADMIN, "/status 02/01/2026 01/01/2026")).plain_text or ""
    assert "Ngày bắt đầu 02/01/2026 sau ngày kết thúc 01/01/2026" in bad, bad
    bad = (await h.say(SUPER_ADMIN, "/status 31/02/2026 01/03/2026")).plain_text or ""
    assert "“31/02/2026” không phải ngày hợp lệ" in bad, bad


async def test_chart_is_a_photo_for_responders_and_refused_to_liaisons(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    t0 = h.clock.now()
    await send(h, "1556/UBND-KGVX", "CAT", "SNV", "TT_CNTT")
    said = (await h.say(ON_DUTY, "/chart 1556/UBND-KGVX")).plain_text or ""
    assert "chưa có đơn vị nào xác nhận" in said, said
    h.clock.set(t0 + 7 * M)
    await ack(h, "1556/UBND-KGVX")
    for user in (SUPER_ADMIN, ON_DUTY):
        photo = await h.say(user, "/chart 1556/UBND-KGVX")
        assert photo.kind == "photo", photo
        assert "đã xác nhận 1/3 đơn vị" in (photo.plain_text or "")
        assert photo.file_id is not None
        stored = h.fake.file(photo.file_id)
        assert stored is not None
        image = Image.open(io.BytesIO(stored.content))
        assert image.format == "PNG" and image.size[0] == 1000

    unknown = (await h.say(ON_DUTY, "/chart 9999/XYZ")).plain_text or ""
    assert "Không tìm thấy văn bản số “9999/XYZ”" in unknown
    usage = (await h.say(ON_DUTY, "/chart")).plain_text or ""
    assert "Vui lòng nhập số văn bản" in usage

    refused = (await h.say(LIAISON, "/chart 1556/UBND-KGVX")).plain_text or ""
    assert refused.startswith("⛔") and "/chart" in refused, refused
    audited = await AuditRepository(h.services.db.reader).latest(5)
    assert any(e.action == "access.denied" and e.subject == "/chart"
               for e in audited), audited


async def test_a_period_of_absurd_years_is_refused_with_the_years_allowed(
        harness: Harness) -> None:
    """`/status 01/01/2026 31/12/9999` (a slip of the keyboard): refused with the years
    allowed, as /export and /summary do — it failed with OverflowError (a generic error);
    year 0001 is refused too rather than searched."""
    h = harness
    await h.start()
    for args in ("01/01/2026 31/12/9999", "01/01/0001 02/01/0001", "01/01/1999 01/01/2026"):
        said = (await h.say(SUPER_ADMIN, f"/status {args}")).plain_text or ""
        assert "Năm phải từ 2000 đến" in said, (args, said)


async def test_chart_is_uploaded_as_a_png_file_not_a_nameless_octet_stream(
        harness: Harness, tmp_path: Path) -> None:
    """Against another Bot API implementation (telegram-test-api behind a WHATWG multipart
    parser) the chart's part arrived as `filename="application.octet-stream"`,
    `Content-Type: application/octet-stream`: PTB names raw bytes after a MIME type it
    cannot guess. Telegram identifies the picture by content, but a server or proxy that
    goes by the declared type is told nothing; the part now says what it is."""
    h = harness
    await start(h, tmp_path)
    t0 = h.clock.now()
    await send(h, "1556/UBND-KGVX", "CAT", "SNV", "TT_CNTT")
    h.clock.set(t0 + 7 * M)
    await ack(h, "1556/UBND-KGVX")
    photo = await h.say(ON_DUTY, "/chart 1556/UBND-KGVX")
    assert photo.kind == "photo", photo
    uploads = [c.files["photo"] for c in h.fake.calls
               if c.method == "sendPhoto" and "photo" in c.files]
    assert uploads, [c.method for c in h.fake.calls]
    part = uploads[-1]
    assert part.content_type == "image/png", part.content_type
    assert part.filename is not None and part.filename.endswith(".png"), part.filename
