"""Actions become buttons: labels, rows and callback data as people knew them."""

from __future__ import annotations

from bot.domain.notices import (
    Acknowledge,
    ClaimAll,
    ClaimOne,
    ExtendDeadline,
    ListReports,
    ListUnreached,
    ListWaiting,
    Recall,
    RefreshStatus,
    ReportResult,
    SendCorrection,
)
from bot.telegram.keyboards import MAX_CLAIM_BUTTONS, keyboard


def layout(actions: list) -> list[list[tuple[str, str]]]:  # type: ignore[type-arg]
    markup = keyboard(actions)
    assert markup is not None
    return [[(b.text, str(b.callback_data)) for b in row] for row in markup.inline_keyboard]


def test_a_copy_has_its_buttons_on_one_row() -> None:
    assert layout([Acknowledge(12), ReportResult(12)]) == [
        [("✅ Đã nhận văn bản", "ack:12"), ("📝 Báo cáo kết quả", "rep:12")]]
    assert keyboard([]) is None


def test_a_status_message_has_refresh_then_the_admin_actions() -> None:
    rows = layout([RefreshStatus(3), ExtendDeadline(3), SendCorrection(3), Recall(3)])
    assert [[data for _, data in row] for row in rows] == [
        ["st:3"], ["adm:ext:3", "adm:cor:3", "adm:rcl:3"]]


def test_a_status_message_opens_its_lists_then_refresh_then_the_admin_actions() -> None:
    rows = layout([ListUnreached(3, 50), ListWaiting(3, 62), ListReports(3, 4, 120),
                   RefreshStatus(3), ExtendDeadline(3), SendCorrection(3), Recall(3)])
    assert rows == [
        [("Xem 50 đơn vị chưa có đầu mối", "sv:nb:3")],
        [("☎️ Đơn vị chưa xác nhận (62)", "sv:pd:3")],
        [("Xem báo cáo kết quả (4/120)", "sv:rp:3")],
        [("🔄 Cập nhật", "st:3")],
        [("⏰ Gia hạn", "adm:ext:3"), ("✏️ Đính chính", "adm:cor:3"), ("⛔ Thu hồi", "adm:rcl:3")]]


def test_claims_one_per_row_and_at_most_a_few_agencies() -> None:
    long_name = "Ủy ban nhân dân xã có tên rất dài để thử cắt nhãn nút bấm"
    actions = [ClaimAll(4), *(ClaimOne(4, i, long_name) for i in range(12))]
    rows = layout(actions)
    assert rows[0] == [("📞 Tôi sẽ liên hệ tất cả", "escn:4")]
    assert len(rows) == 1 + MAX_CLAIM_BUTTONS
    assert rows[1] == [(f"📞 {long_name[:40]}", "esc:4:0")]
