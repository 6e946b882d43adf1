"""/incidents (the team's open incidents), /incident SC-… (one incident in full), /myreports
(a liaison's agency), and the taps that open a detail, send its files, turn a list's page."""

from __future__ import annotations

from typing import TypeVar

from telegram import CallbackQuery, Update

from bot.context import HoaTocContext
from bot.telegram import callbacks
from bot.telegram import incident_view as view
from bot.texts import t
from handlers.common import best_effort, message, user_id

T = TypeVar("T", bound=callbacks.Tap)


async def incidents(update: Update, context: HoaTocContext) -> None:
    """/incidents: open incidents, the gravest first, with assignee and age."""
    s = context.services
    found = await s.incident_views.open_incidents(user_id(update))
    text, markup = view.open_list(found, 0, s.settings.tz)
    await message(update).reply_text(text, reply_markup=markup)


async def myreports(update: Update, context: HoaTocContext) -> None:
    """/myreports: my agency's incidents, newest first, with their states."""
    s = context.services
    found = await s.incident_views.my_reports(user_id(update))
    text, markup = view.my_list(found, 0, s.settings.tz)
    await message(update).reply_text(text, reply_markup=markup)


async def incident(update: Update, context: HoaTocContext) -> None:
    """/incident SC-2026-007: the report, the closing report, the timeline, the moves."""
    if not context.args:
        await message(update).reply_text(t("incv_usage"))
        return
    await _send_detail(update, context, " ".join(context.args))


async def view_tap(update: Update, context: HoaTocContext) -> None:
    """«Xem chi tiết» (or an incident in a list): its detail, below."""
    query, tap = _tap(update, callbacks.IncidentAction)
    await _send_detail(update, context, tap.incident_id)
    await query.answer()


async def files_tap(update: Update, context: HoaTocContext) -> None:
    """«Tệp đính kèm (n)»: the files again, by their Telegram file ids."""
    query, tap = _tap(update, callbacks.IncidentAction)
    found, files = await context.services.incident_views.files(user_id(update), tap.incident_id)
    await query.answer()
    if not files:
        await message(update).reply_text(t("incv_files_none", code=found.code))
        return
    await message(update).reply_text(t("incv_files_header", code=found.code, count=len(files)))
    for f in files:
        send = message(update).reply_photo if f["kind"] == "photo" else message(update).reply_document
        await send(f["file_id"])


async def page_tap(update: Update, context: HoaTocContext) -> None:
    """«Trang tiếp» / «Trang trước» on a list: the list read again, the page turned in place."""
    query, tap = _tap(update, callbacks.IncidentPage)
    s = context.services
    if tap.which == "o":
        text, markup = view.open_list(await s.incident_views.open_incidents(user_id(update)),
                                      tap.page, s.settings.tz)
    else:
        text, markup = view.my_list(await s.incident_views.my_reports(user_id(update)),
                                    tap.page, s.settings.tz)
    await best_effort(query.edit_message_text(text, reply_markup=markup), "turn a list's page")
    await query.answer()


async def _send_detail(update: Update, context: HoaTocContext, code_or_id: str | int) -> None:
    s = context.services
    detail = await s.incident_views.detail(user_id(update), code_or_id)
    parts = view.detail_messages(detail, s.incident_views.form, s.settings.tz,
                                 s.settings.incident_report_within)
    for k, part in enumerate(parts):
        last = k == len(parts) - 1
        await message(update).reply_text(part, reply_markup=view.detail_markup(detail)
                                         if last else None)


def _tap(update: Update, kind: type[T]) -> tuple[CallbackQuery, T]:
    query = update.callback_query
    assert query is not None
    tap = callbacks.parse(query.data)
    assert isinstance(tap, kind)
    return query, tap
