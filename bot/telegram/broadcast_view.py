"""Keyboards of the /broadcast conversation; their callback data comes from `callbacks`."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.directives import Secrecy, Urgency
from bot.domain.models import Agency, Group
from bot.telegram import callbacks as cb
from bot.texts import label, t

PAGE_SIZE = 8
LABEL_MAX = 40


def short_label(text: str, limit: int = LABEL_MAX) -> str:
    """A button label that fits `limit`: cut at a word, with "…" so the cut shows."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut.strip():
        cut = cut[:cut.rstrip().rfind(" ")]
    return cut.rstrip() + "…"


def fold(text: str) -> str:
    """Lower case without diacritics, so «xa my hoa» finds «Xã Mỹ Hòa»."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def matching(agencies: list[Agency], query: str | None) -> list[Agency]:
    if not query:
        return agencies
    needle = fold(query.strip())
    return [a for a in agencies if needle in fold(a.name) or needle in fold(a.code)]


def _button(text: str, tap: cb.Tap) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=tap.encode())


def cancel_row() -> list[InlineKeyboardButton]:
    return [_button(t("bc_btn_cancel"), cb.BroadcastButton("cancel"))]


def urgency_keyboard() -> InlineKeyboardMarkup:
    rows = [[_button(t(f"urgency_name_{u}"), cb.PickUrgency(u)) for u in list(Urgency)[:2]],
            [_button(t(f"urgency_name_{u}"), cb.PickUrgency(u)) for u in list(Urgency)[2:]],
            cancel_row()]
    return InlineKeyboardMarkup(rows)


def secrecy_keyboard() -> InlineKeyboardMarkup:
    rows = [[_button(t(f"secrecy_name_{s}"), cb.PickSecrecy(s)) for s in list(Secrecy)[:2]],
            [_button(t(f"secrecy_name_{s}"), cb.PickSecrecy(s)) for s in list(Secrecy)[2:]],
            cancel_row()]
    return InlineKeyboardMarkup(rows)


def continue_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(t("bc_btn_continue"), cb.BroadcastButton("next"))], cancel_row()])


def agency_pages(
    agencies: list[Agency], page: int,
    button: Callable[[Agency, int], InlineKeyboardButton],
    turn: Callable[[int], cb.Tap], label: cb.Tap,
) -> list[list[InlineKeyboardButton]]:
    """One page of agencies, a button each (`button(agency, page shown)`), then «◀️ n/N ▶️»:
    the paged picker /broadcast and /invite share (filtering is the caller's `matching`)."""
    pages = max(1, (len(agencies) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 0), pages - 1)
    rows = [[button(a, page)] for a in agencies[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]]
    nav = []
    if page > 0:
        nav.append(_button("◀️", turn(page - 1)))
    nav.append(_button(t("bc_page", page=page + 1, pages=pages), label))
    if page < pages - 1:
        nav.append(_button("▶️", turn(page + 1)))
    rows.append(nav)
    return rows


def picker_keyboard(
    groups: list[Group], agencies: list[Agency], selected: set[int], page: int,
    filtered: bool,
) -> InlineKeyboardMarkup:
    """Groups and "Tất cả" on top, then one page of agencies, then paging and "Xong"."""
    all_ids = {a.id for a in agencies} if not filtered else set()
    rows: list[list[InlineKeyboardButton]] = []
    group_buttons = []
    for g in groups:
        members = set(g.agency_ids)
        mark = "✅ " if members and members <= selected else ""
        group_buttons.append(_button(short_label(f"{mark}{g.name}"), cb.ToggleGroup(g.id)))
    rows += [group_buttons[i:i + 2] for i in range(0, len(group_buttons), 2)]
    if not filtered:
        mark = "✅ " if all_ids and all_ids <= selected else ""
        rows.append([_button(f"{mark}{t('bc_btn_all')}", cb.BroadcastButton("all"))])
    rows += agency_pages(
        agencies, page,
        lambda a, shown: _button(short_label(f"{'✅ ' if a.id in selected else '▫️ '}{a.name}"),
                                 cb.ToggleAgency(a.id, shown)),
        cb.TurnPage, cb.BroadcastButton("pg"))
    last = [_button(t("bc_btn_done"), cb.BroadcastButton("done"))]
    if filtered:
        last.insert(0, _button(t("bc_btn_clear_filter"), cb.BroadcastButton("clr")))
    rows.append(last)
    rows.append(cancel_row())
    return InlineKeyboardMarkup(rows)


def deadline_keyboard(default_label: str, quick: Sequence[Sequence[InlineKeyboardButton]] = ()
                      ) -> InlineKeyboardMarkup:
    """The quick choices (`quick_view.rows`), the urgency's default, «Hủy»."""
    return InlineKeyboardMarkup([
        *quick,
        [_button(label("bc_btn_default_deadline", deadline=default_label),
                 cb.BroadcastButton("dl_default"))],
        cancel_row()])


def issued_keyboard(today: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [_button(t("bc_btn_issued_today", date=today), cb.BroadcastButton("today"))],
        cancel_row()])


def report_keyboard(quick: Sequence[Sequence[InlineKeyboardButton]] = ()
                    ) -> InlineKeyboardMarkup:
    """The quick choices, «Không yêu cầu báo cáo», «Hủy»."""
    return InlineKeyboardMarkup([*quick,
                                 [_button(t("bc_btn_no_report"), cb.BroadcastButton("rp_none"))],
                                 cancel_row()])


def preview_keyboard(*, drill: bool = False) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [_button(t("bc_btn_send"), cb.BroadcastButton("send_drill" if drill else "send")),
         _button(t("bc_btn_edit"), cb.BroadcastButton("edit"))],
        [_button(t("dr_btn_on" if drill else "dr_btn_off"),
                 cb.BroadcastButton("drill_off" if drill else "drill_on"))],
        cancel_row()])


def edit_keyboard() -> InlineKeyboardMarkup:
    buttons = [_button(t(f"bc_field_{f}"), cb.EditField(f)) for f in cb.EDITABLE]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append(cancel_row())
    return InlineKeyboardMarkup(rows)


def preview_buttons(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The recipients' buttons, inert: they only say that this is a preview."""
    if markup is None:
        return None
    return InlineKeyboardMarkup([[_button(b.text, cb.BroadcastButton("noop")) for b in row]
                                 for row in markup.inline_keyboard])
