"""/status shows the acknowledgement figures once an agency confirmed: the rate, and the
nearest-rank median and 90th percentile of the time to confirm, at fake-clock times."""

from __future__ import annotations

from tests.e2e.conftest import Harness
from tests.e2e.test_after_sending import open_status
from tests.e2e.test_status_view import acknowledge, settled, three_agencies


async def test_status_shows_the_acknowledgement_figures(harness: Harness) -> None:
    h = harness
    await three_agencies(h, report=False)  # CAT (101), TT_CNTT (103), SNV (nobody on the bot)
    before = await open_status(h)
    assert "Đã xác nhận" not in (before.plain_text or "")
    h.clock.advance(minutes=4)
    await acknowledge(h, 101)
    await settled(h, 101)
    h.clock.advance(minutes=7)
    await acknowledge(h, 103)
    await settled(h, 103)
    text = (await open_status(h)).plain_text or ""
    # Times to confirm 4 and 11 minutes: rank ceil(0.5*2)=1 and ceil(0.9*2)=2.
    assert "Đã xác nhận 2/3 đơn vị (66 %) · trung vị 4 phút · 90 % trong 11 phút" in text, text
