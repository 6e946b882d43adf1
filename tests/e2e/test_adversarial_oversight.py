"""Issue 13's commands attacked as a hostile or careless user would: absurd periods, markup and
invisible characters in names, formulas in what people type, replayed and foreign taps."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import SUPER_ADMIN, Harness
from tests.e2e.test_export import export, is_document
from tests.e2e.test_incident_taking import start

A = SUPER_ADMIN


async def test_an_absurd_export_period_is_refused_not_a_failure(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await start(h, tmp_path)
    for line in ("/export 01/01/1900 31/12/9999", "/export 01/01/0001 01/01/2026"):
        answer = await h.say(A, line)
        text = answer.plain_text or ""
        assert "Không lập hoặc gửi được" not in text and "Đang lập" not in text, (line, text)
        assert text.startswith("❌"), (line, text)
    assert not [m for m in h.fake.messages_to(A) if is_document(m)]
    assert (await export(h, "/export 01/01/2026 31/12/2026")).file_bytes
