"""Inline keyboards for the actions a notice offers: labels, layout and callback data.

Callback data is short and parsed by the handlers (`ack:<delivery id>`, ≤ 64 bytes); every
tap is authorised again against the database, so nothing here is trusted on the way back.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.notices import (
    Acknowledge,
    Action,
    ClaimAll,
    ClaimOne,
    ClaimPage,
    ExtendDeadline,
    ListReports,
    ListUnreached,
    ListWaiting,
    OpenIncident,
    Recall,
    RefreshStatus,
    ReportResult,
    SendCorrection,
    TakeIncident,
)
from bot.telegram import callbacks
from bot.texts import label, t

# A digest lists at most this many agencies as their own «Tôi sẽ liên hệ» buttons at a time
# (the engine pages them: `services.escalation.CLAIMS_PER_PAGE`).
MAX_CLAIM_BUTTONS = 8
CLAIM_LABEL_MAX = 40


def callback_data(action: Action) -> str:
    """The button's data, always through the one codec (`bot/telegram/callbacks.py`)."""
    match action:
        case Acknowledge(delivery_id):
            return callbacks.ack(delivery_id)
        case ReportResult(delivery_id):
            return callbacks.open_result(delivery_id)
        case ClaimAll(notice_id):
            return callbacks.claim(notice_id)
        case ClaimOne(notice_id, escalation_id, _):
            return callbacks.claim(notice_id, escalation_id)
        case ClaimPage(notice_id, page, _):
            return callbacks.turn_claims(notice_id, page)
        case RefreshStatus(directive_id):
            return callbacks.status(directive_id)
        case ExtendDeadline(directive_id):
            return callbacks.directive_action("ext", directive_id)
        case SendCorrection(directive_id):
            return callbacks.directive_action("cor", directive_id)
        case Recall(directive_id):
            return callbacks.directive_action("rcl", directive_id)
        case ListUnreached(directive_id, _):
            return callbacks.status_list("nb", directive_id)
        case ListWaiting(directive_id, _):
            return callbacks.status_list("pd", directive_id)
        case ListReports(directive_id, _, _):
            return callbacks.status_list("rp", directive_id)
        case TakeIncident(incident_id):
            return callbacks.incident_action("take", incident_id)
        case OpenIncident(incident_id):
            return callbacks.incident_action("view", incident_id)
    raise ValueError(f"no callback data for {action!r}")


def button_text(action: Action) -> str:
    match action:
        case Acknowledge():
            return t("button_ack")
        case ReportResult():
            return t("button_report")
        case ClaimAll():
            return t("esc_button_all")
        case ClaimOne(_, _, name):
            return label("esc_button_one", agency=name[:CLAIM_LABEL_MAX])
        case ClaimPage(_, _, later):
            return t("esc_button_next") if later else t("esc_button_previous")
        case RefreshStatus():
            return t("button_refresh")
        case ExtendDeadline():
            return t("button_extend")
        case SendCorrection():
            return t("button_correct")
        case Recall():
            return t("button_recall")
        case ListUnreached(_, count):
            return label("button_status_unreached", count=count)
        case ListWaiting(_, count):
            return label("button_status_waiting", count=count)
        case ListReports(_, reported, total):
            return label("button_status_reports", reported=reported, total=total)
        case TakeIncident():
            return t("inc_button_take")
        case OpenIncident():
            return t("inc_button_view")
    raise ValueError(f"no label for {action!r}")


def _row_of(action: Action) -> str | None:
    """Actions of one row share a name; None: the action has a row of its own."""
    if isinstance(action, Acknowledge | ReportResult):
        return "copy"
    if isinstance(action, ExtendDeadline | SendCorrection | Recall):
        return "manage"
    if isinstance(action, ClaimPage):
        return "pages"
    return None


def keyboard(actions: Sequence[Action]) -> InlineKeyboardMarkup | None:
    """The buttons of these actions, laid out as people know them; None without actions."""
    rows: list[list[InlineKeyboardButton]] = []
    last: str | None = None
    claims = 0
    for action in actions:
        if isinstance(action, ClaimOne):
            claims += 1
            if claims > MAX_CLAIM_BUTTONS:
                continue
        button = InlineKeyboardButton(button_text(action), callback_data=callback_data(action))
        row = _row_of(action)
        if rows and row is not None and row == last:
            rows[-1].append(button)
        else:
            rows.append([button])
        last = row
    return InlineKeyboardMarkup(rows) if rows else None


def markup_dict(markup: InlineKeyboardMarkup | None) -> dict[str, object] | None:
    return markup.to_dict() if markup is not None else None
