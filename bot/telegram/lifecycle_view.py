"""How the lifecycle moves read: the notices about a change, the questions and buttons of a
move's conversation (`handlers/incident_actions.py`), its refusals."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.escalation import Severity
from bot.domain.incidents import PRIORITY_ORDER, IncidentStatus
from bot.domain.models import Person
from bot.telegram import callbacks as cb
from bot.telegram.incident_view import priority_label, status_label
from bot.telegram.render import TEXT_LIMIT, domain_error, local_time, pack, plain
from bot.texts import Safe, join, label, t
from config.settings import Settings

# The notices the lifecycle service sends (their keys in bot/texts.py).
NOTICE_KEYS: tuple[str, ...] = (
    *(f"inl_note_{m}" for m in ("start", "release", "reassign", "resolve", "reopen", "close",
                                "false_alarm")),
    *(f"inl_team_{m}" for m in ("resolve", "reopen", "close", "false_alarm")),
    "inl_assigned_you", "inl_unassigned_release", "inl_unassigned_reassign", "inl_progress",
)


def closing_lines(closing: Iterable[tuple[str, str]]) -> Safe:
    """"<b>Label</b>: answer", one a line, in the form's order."""
    return join([Safe(f"<b>{html.escape(name, quote=False)}</b>: "
                      f"{html.escape(value, quote=False)}") for name, value in closing])


def notice_text(key: str, values: Mapping[str, Any], tz: ZoneInfo) -> Safe:
    """A lifecycle notice: states by their label, instants in local time, the closing report
    as lines, a progress report's text and how many files follow it."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, IncidentStatus):
            value = status_label(value)
        elif isinstance(value, datetime):
            value = local_time(value, tz)
        out[name] = value
    out["closing"] = closing_lines(values.get("closing") or [])
    if key == "inl_progress":
        files = values.get("files") or []
        out["text"] = values.get("text") or t("inl_progress_no_text")
        out["files"] = t("inl_progress_files", count=len(files)) if files else ""
    return t(key, **out)


def parts(text: Safe) -> list[Safe]:
    """A text as the messages it takes, split between lines (a closing report of five long
    parts is longer than one message; a line never is: every answer is capped)."""
    return pack([Safe(line) for line in text.split("\n")], TEXT_LIMIT)


def notice_parts(key: str, values: Mapping[str, Any], tz: ZoneInfo) -> list[Safe]:
    """A lifecycle notice in as many messages as it needs."""
    return parts(notice_text(key, values, tz))


def error_text(exc: DomainError, settings: Settings) -> str:
    """A refusal or a bad answer, a state named by its label."""
    params = {name: status_label(v) if isinstance(v, IncidentStatus) else v
              for name, v in exc.params.items()}
    return domain_error(InvalidInput(exc.key, **params), settings)


def buttons(nonce: str, *, ok: str | None = None, skip: bool = False) -> InlineKeyboardMarkup:
    """«Gửi» / «Xác nhận» (`ok`: its text key), «Bỏ qua», «Hủy»: bound to this question."""
    row = []
    if ok is not None:
        row.append(InlineKeyboardButton(label(ok), callback_data=cb.IclButton("ok", nonce).encode()))
    if skip:
        row.append(InlineKeyboardButton(label("inl_btn_skip"),
                                        callback_data=cb.IclButton("skip", nonce).encode()))
    row.append(InlineKeyboardButton(label("inl_btn_cancel"),
                                    callback_data=cb.IclButton("no", nonce).encode()))
    return InlineKeyboardMarkup([row])


def responders_keyboard(people: Sequence[Person], nonce: str) -> InlineKeyboardMarkup:
    """One responder a row (the lead marked), then «Hủy»."""
    rows = [[InlineKeyboardButton(
        p.full_name + (label("inl_lead_mark") if p.lead else ""),
        callback_data=cb.IclPick(p.id, nonce).encode())] for p in people]
    rows.append([InlineKeyboardButton(label("inl_btn_cancel"),
                                      callback_data=cb.IclButton("no", nonce).encode())])
    return InlineKeyboardMarkup(rows)


def priorities_keyboard(current: Severity, nonce: str) -> InlineKeyboardMarkup:
    """The four priorities (the current one marked ✓), then «Hủy»."""
    row = [InlineKeyboardButton(("✓ " if p is current else "") + plain(priority_label(p)),
                                callback_data=cb.IclPriority(str(p), nonce).encode())
           for p in PRIORITY_ORDER]
    return InlineKeyboardMarkup([row[:2], row[2:], [InlineKeyboardButton(
        label("inl_btn_cancel"), callback_data=cb.IclButton("no", nonce).encode())]])
