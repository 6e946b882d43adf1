"""`make demo`: the scripted emergency runs to the end against the fake Telegram, prints every
scene as people see it, and leaves nothing behind (no database, no task, no open port)."""

from __future__ import annotations

import asyncio
import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest

from bot import demo
from bot.texts import label


async def test_the_demo_plays_every_scene_and_cleans_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The demo's temporary folder (its database) in this test's own folder: another demo
    # running on the machine (a second pytest worker, `make demo`) makes its own in /tmp.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    made: list[Path] = []
    real = tempfile.TemporaryDirectory

    def recorded(*args: Any, **kwargs: Any) -> tempfile.TemporaryDirectory[str]:
        folder = real(*args, **kwargs)
        made.append(Path(folder.name))
        return folder

    monkeypatch.setattr(tempfile, "TemporaryDirectory", recorded)
    out = io.StringIO()
    async with asyncio.timeout(180):  # the demo's own guard is 120 s; it takes ~25 s
        assert await demo.main(out) == 0, out.getvalue()[-3000:]
    text = out.getvalue()

    for scene in ("demo_scene_broadcast", "demo_scene_delivered", "demo_scene_acks",
                  "demo_scene_reminder", "demo_scene_deadline", "demo_scene_late_acks",
                  "demo_scene_report", "demo_scene_figures"):
        assert f"━━ {label(scene)} " in text, scene
    assert label("demo_scene_handled", code="SC-2026-001") in text
    # What people saw and pressed, in the order it happened, with the compressed time.
    steps = [
        "16:30 30/11  👤 Bùi Văn Sơn (quản trị viên) gửi: “/broadcast”",
        "bấm [Tất cả]",
        "bấm [📤 Gửi]",
        "🤖 → 151 người khác: “🔴 HỎA TỐC”",
        "Diệp Kim Hoa (cán bộ đầu mối, Sở Y tế) bấm [✅ Đã nhận văn bản]",
        "16:45 30/11  🤖 → Trần Phương Vân (cán bộ đầu mối, UBND đặc khu Kiên Hải):",
        "⏰ Nhắc hạn: UBND đặc khu Kiên Hải chưa xác nhận",
        "17:00 30/11  🤖 → Mai Hữu Việt (thành viên Đội ứng cứu sự cố, đang trực):",
        "🚨 Đôn đốc (lần 1/5)",
        "[📞 Tôi sẽ liên hệ tất cả]",
        "Mai Hữu Việt (thành viên Đội ứng cứu sự cố, đang trực) bấm [📞 Tôi sẽ liên hệ tất cả]",
        "⚠️ Đã xác nhận (quá hạn) — Trần Phương Vân, 17:06",
        "✅ Tất cả đơn vị đã xác nhận.",
        "17:20 30/11  👤 Diệp Kim Hoa (cán bộ đầu mối, Sở Y tế) gửi: “/report”",
        "gửi ảnh chụp màn hình",
        "✅ Đã gửi báo cáo sự cố SC-2026-001",
        "[ảnh] SC-2026-001 — tệp 1/1",
        "bấm [Tiếp nhận]",
        "bấm [Bắt đầu xử lý]",
        "bấm [Đã khắc phục]",
        "“Đang xử lý” → “Đã khắc phục”",
        "Đoàn Hoàng Hải (Đội trưởng Đội ứng cứu sự cố) bấm [✅ Xác nhận]",
        "“Đã khắc phục” → “Đã kết thúc ứng phó”",
    ]
    at = 0
    for step in steps:
        found = text.find(step, at)
        assert found >= 0, (step, text[at:at + 2000])
        at = found
    # The final figures.
    assert "Gửi: 128 đơn vị, 154/154 bản" in text
    assert "Xác nhận: 128/128 đơn vị, trong đó 2 đơn vị quá hạn" in text
    assert "Nhắc hạn, đôn đốc: 2 lượt" in text
    assert re.search(r"Báo cáo 17:20 → tiếp nhận 17:24 → bắt đầu xử lý 17:31 → đã khắc phục "
                     r"19:40 → kết thúc ứng phó 20:00", text)
    assert label("demo_failed") not in text

    # Nothing left: the temporary folder is gone, no task of the bot's still runs.
    assert [p.parent for p in made] == [tmp_path]
    assert not made[0].exists() and os.listdir(tmp_path) == []
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert others == [], others
