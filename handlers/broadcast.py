"""/broadcast: the admin's conversation that builds a directive, previews it and sends it.

No directive is stored until «Gửi»: until then it is a draft in the drafts table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Self

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.clock import from_epoch, to_epoch
from bot.context import HoaTocContext
from bot.domain.directives import Urgency, parse_number, parse_text_field
from bot.domain.errors import InvalidInput
from bot.domain.files import MAX_FILE_MB, FileCheck, check_file
from bot.domain.models import Role
from bot.services.broadcast import Draft
from bot.telegram import broadcast_view as kb
from bot.telegram import callbacks as cb
from bot.telegram import directive_view as view
from bot.telegram import quick_view, status_view
from bot.telegram.render import (
    accepted_files,
    domain_error,
    local_time,
    short_time,
    typed_time,
)
from bot.texts import join, t
from handlers import forms, quick
from handlers.common import NEW, best_effort, expect_button, expect_text, message, require, user_id

(URGENCY, SECRECY, NUMBER, ISSUED, ISSUER, SUMMARY, BODY, RECIPIENTS, DEADLINE, REPORT,
 PREVIEW) = ("urgency", "secrecy", "number", "issued", "issuer", "summary", "body",
             "recipients", "deadline", "report", "preview")

MAX_BODY = 20_000


def _epoch(at: datetime | None) -> int | None:
    return to_epoch(at) if at is not None else None


def _instant(seconds: int | None) -> datetime | None:
    return from_epoch(seconds) if seconds is not None else None


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


@dataclass
class Fields:
    """The directive being written, and where the admin is in the recipient picker."""

    draft: Draft = field(default_factory=Draft)
    filter: str | None = None
    page: int = 0
    editing: bool = False  # answering one field from the preview: back to it afterwards
    quick: str | None = None  # the nonce of the time prompt on screen (handlers.quick)

    def to_json(self) -> dict[str, Any]:
        d = self.draft
        return {
            "urgency": d.urgency.value if d.urgency else None, "number": d.number,
            "issued_on": d.issued_on.isoformat() if d.issued_on else None,
            "issuer": d.issuer, "summary": d.summary, "body": d.body, "file_id": d.file_id,
            "file_name": d.file_name, "file_kind": d.file_kind,
            "agency_ids": sorted(d.agency_ids), "ack_deadline_at": _epoch(d.ack_deadline_at),
            "report_deadline_at": _epoch(d.report_deadline_at),
            "filter": self.filter, "page": self.page, "editing": self.editing,
            "quick": self.quick, "drill": d.drill,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        draft = Draft(
            urgency=Urgency(data["urgency"]) if data.get("urgency") else None,
            number=data.get("number"), issued_on=_day(data.get("issued_on")),
            issuer=data.get("issuer"), summary=data.get("summary"),
            body=data.get("body"), file_id=data.get("file_id"), file_name=data.get("file_name"),
            file_kind=data.get("file_kind"), agency_ids=set(data.get("agency_ids", [])),
            ack_deadline_at=_instant(data.get("ack_deadline_at")),
            report_deadline_at=_instant(data.get("report_deadline_at")),
            drill=bool(data.get("drill", False)))
        return cls(draft, data.get("filter"), data.get("page", 0), data.get("editing", False),
                   data.get("quick"))


def _fields(context: HoaTocContext) -> Fields:
    return forms.state(context, Fields)


def _draft(context: HoaTocContext) -> Draft:
    return _fields(context).draft


async def _answer(update: Update) -> CallbackQuery:
    query = update.callback_query
    assert query is not None
    await query.answer()
    return query


async def _next(update: Update, context: HoaTocContext, step: str) -> str:
    """Go to `step`, or back to the preview when the admin was editing one field."""
    if _fields(context).editing:
        return await _show_preview(update, context)
    return await _ask(update, context, step)


async def _ask_urgency(update: Update, context: HoaTocContext) -> None:
    text = t("bc_ask_urgency")
    if _draft(context).drill:  # `/broadcast dientap`: said from the first question on
        text = join([t("dr_banner"), text])
    await message(update).reply_text(text, reply_markup=kb.urgency_keyboard())


async def _ask_secrecy(update: Update, context: HoaTocContext) -> None:
    await message(update).reply_text(t("bc_ask_secrecy"), reply_markup=kb.secrecy_keyboard())


async def _ask_issued(update: Update, context: HoaTocContext) -> None:
    today = view.date_text(context.services.broadcast.today())
    await message(update).reply_text(t("bc_ask_issued"), reply_markup=kb.issued_keyboard(today))


async def _ask_body(update: Update, context: HoaTocContext) -> None:
    await message(update).reply_text(t("bc_ask_body", accepted=accepted_files(), limit=MAX_FILE_MB),
                                     reply_markup=kb.continue_keyboard())


async def _ask_recipients(update: Update, context: HoaTocContext) -> None:
    text, markup = await _picker(context)
    await message(update).reply_text(text, reply_markup=markup)


async def _ask_deadline(update: Update, context: HoaTocContext) -> None:
    ui, s = _fields(context), context.services
    assert ui.draft.urgency is not None and ui.quick is not None
    default, tz = s.broadcast.default_deadline(ui.draft.urgency), s.settings.tz
    buttons = quick_view.rows("dl", ui.quick, quick.offered(s.broadcast.parse_deadline))
    await message(update).reply_text(
        t("bc_ask_deadline", urgency=t(f"urgency_name_{ui.draft.urgency}"),
          deadline=local_time(default, tz)),
        reply_markup=kb.deadline_keyboard(short_time(default, tz), buttons))


async def _ask_report(update: Update, context: HoaTocContext) -> None:
    ui, s = _fields(context), context.services
    assert ui.quick is not None
    offered = quick.offered(lambda text: s.broadcast.parse_report_deadline(text, ui.draft))
    await message(update).reply_text(t("bc_ask_report"), reply_markup=kb.report_keyboard(
        quick_view.rows("rp", ui.quick, offered)))


def _just(key: str) -> Callable[[Update, HoaTocContext], Awaitable[None]]:
    async def ask(update: Update, context: HoaTocContext) -> None:
        await message(update).reply_text(t(key))
    return ask


# The question each step asks.
QUESTIONS: dict[str, Callable[[Update, HoaTocContext], Awaitable[None]]] = {
    URGENCY: _ask_urgency, SECRECY: _ask_secrecy, NUMBER: _just("bc_ask_number"),
    ISSUED: _ask_issued, ISSUER: _just("bc_ask_issuer"), SUMMARY: _just("bc_ask_summary"), BODY: _ask_body,
    RECIPIENTS: _ask_recipients, DEADLINE: _ask_deadline, REPORT: _ask_report,
}


async def _ask(update: Update, context: HoaTocContext, step: str) -> str:
    _fields(context).quick = quick.nonce()  # buttons of earlier questions are stale from now
    await forms.save(context, step)
    await QUESTIONS[step](update, context)
    return step


# --- entry and the simple steps ----------------------------------------------------------------

async def admit(update: Update, context: HoaTocContext) -> None:
    """Admins only."""
    await require(update, context, Role.ADMIN, "broadcast")


async def start(update: Update, context: HoaTocContext) -> str:
    """/broadcast: a fresh draft (other conversations now wait for this one);
    `/broadcast dientap` starts it marked as a drill."""
    if context.args:
        if kb.fold(" ".join(context.args)).replace(" ", "") not in DRILL_WORDS:
            # Never a real directive for an admin who meant a drill and mistyped it.
            await message(update).reply_text(t("dr_unknown_argument"))
            return forms.END
        _draft(context).drill = True
    return await _ask(update, context, URGENCY)


DRILL_WORDS = frozenset({"dientap", "drill"})


async def urgency(update: Update, context: HoaTocContext) -> str:
    """An urgency button."""
    query = await _answer(update)
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.PickUrgency)
    _draft(context).urgency = tap.urgency
    await query.edit_message_reply_markup(None)
    if _fields(context).editing:
        return await _show_preview(update, context)
    return await _ask(update, context, SECRECY)


async def secrecy(update: Update, context: HoaTocContext) -> str:
    """A secrecy button: any secret mark ends the conversation, nothing saved."""
    query = await _answer(update)
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.PickSecrecy)
    mark = tap.secrecy
    await query.edit_message_reply_markup(None)
    if mark.is_secret:
        await message(update).reply_text(
            t("bc_secret_refused", secrecy=t(f"secrecy_name_{mark}")))
        return forms.END
    return await _ask(update, context, NUMBER)


async def number(update: Update, context: HoaTocContext) -> str:
    """Số, ký hiệu (edited from the preview, it must still let the header fit)."""
    draft = _draft(context)
    try:
        value = parse_number(message(update).text or "")
        _check_head(draft, draft.issuer or "", draft.summary, "number", number=value)
        draft.number = value
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, context.services.settings))
        return NUMBER
    return await _next(update, context, ISSUED)


async def _issued(update: Update, context: HoaTocContext, day: date) -> str:
    """Keep the date of issue, echo it (a year-less date shows which year it took), go on."""
    _draft(context).issued_on = day
    await forms.save(context, ISSUED)
    await message(update).reply_text(t("bc_issued_set", date=view.date_text(day)))
    return await _next(update, context, ISSUER)


async def issued_today(update: Update, context: HoaTocContext) -> str:
    """«Hôm nay»: today where the province is, at the moment of the tap."""
    query = await _answer(update)
    await query.edit_message_reply_markup(None)
    return await _issued(update, context, context.services.broadcast.today())


async def issued_typed(update: Update, context: HoaTocContext) -> str:
    """Ngày ban hành as typed: `30/8/2022`; not in the future."""
    s = context.services
    try:
        day = s.broadcast.parse_issued_on(message(update).text or "")
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        return ISSUED
    return await _issued(update, context, day)


def _check_head(draft: Draft, issuer: str, summary: str | None, which: str,
                number: str | None = None) -> None:
    """Refuse a number, issuer or summary that would make the directive's header too long."""
    if not view.head_fits(draft.urgency, number or draft.number, issuer, summary):
        name = t(f"bc_field_{which}")
        raise InvalidInput("bc_head_too_long", field=name, field_lower=name.lower(),
                           max_len=view.HEAD_LIMIT)


async def issuer(update: Update, context: HoaTocContext) -> str:
    """Cơ quan ban hành."""
    draft = _draft(context)
    try:
        value = parse_text_field(message(update).text, key="bc_issuer_invalid", max_len=200)
        _check_head(draft, value, draft.summary, "issuer")
        draft.issuer = value
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, context.services.settings))
        return ISSUER
    return await _next(update, context, SUMMARY)


async def summary(update: Update, context: HoaTocContext) -> str:
    """Trích yếu (a leading "V/v" is dropped: the header labels it)."""
    raw = (message(update).text or "").strip()
    for prefix in ("V/v", "v/v", "V/V", "Về việc", "về việc"):
        raw = raw.removeprefix(prefix).strip(" :")
    draft = _draft(context)
    try:
        value = parse_text_field(raw, key="bc_summary_invalid", max_len=500)
        _check_head(draft, draft.issuer or "", value, "summary")
        draft.summary = value
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, context.services.settings))
        return SUMMARY
    return await _next(update, context, BODY)


# --- body and file -----------------------------------------------------------------------------

async def body_text(update: Update, context: HoaTocContext) -> str:
    """Text of the directive; several messages are joined."""
    draft = _draft(context)
    added = (message(update).text or "").strip()
    combined = f"{draft.body}\n\n{added}" if draft.body else added
    if len(combined) > MAX_BODY:
        await message(update).reply_text(t("bc_body_too_long", max_len=MAX_BODY))
        return BODY
    draft.body = combined
    if draft.file_id:
        return await _next(update, context, RECIPIENTS)
    await forms.save(context, BODY)
    await message(update).reply_text(t("bc_body_got_text", chars=len(combined)),
                                     reply_markup=kb.continue_keyboard())
    return BODY


async def body_file(update: Update, context: HoaTocContext) -> str:
    """A document or photo, sent or forwarded; its caption becomes the body if there is none."""
    msg, draft = message(update), _draft(context)
    name: str = t("bc_file_photo")
    if msg.document is not None:
        doc = msg.document
        name = doc.file_name or t("bc_file_unnamed")
        checked = check_file(doc.file_name, doc.mime_type, doc.file_size)
        if checked is not FileCheck.OK:
            key = "bc_file_too_big" if checked is FileCheck.TOO_BIG else "bc_file_unsupported"
            await msg.reply_text(t(key, name=name, accepted=accepted_files(), limit=MAX_FILE_MB))
            return BODY
        draft.file_id, draft.file_name, draft.file_kind = doc.file_id, name, "document"
    else:
        photo = msg.photo[-1]
        draft.file_id, draft.file_name, draft.file_kind = photo.file_id, None, "photo"
    if msg.caption and not draft.body:
        draft.body = msg.caption.strip()
    if draft.body:
        return await _next(update, context, RECIPIENTS)
    await forms.save(context, BODY)
    await msg.reply_text(t("bc_body_got_file", name=name), reply_markup=kb.continue_keyboard())
    return BODY


async def body_done(update: Update, context: HoaTocContext) -> str:
    """«Tiếp tục»."""
    query = await _answer(update)
    draft = _draft(context)
    if not (draft.body or draft.file_id):
        await message(update).reply_text(t("bc_body_missing"))
        return BODY
    await query.edit_message_reply_markup(None)
    return await _next(update, context, RECIPIENTS)


# --- recipients ------------------------------------------------------------------------------

async def _picker(context: HoaTocContext) -> tuple[str, Any]:
    s, ui = context.services, _fields(context)
    groups, agencies = await s.broadcast.catalog()
    shown = kb.matching(agencies, ui.filter)
    audience = await s.broadcast.audience(ui.draft)
    extra = t("bc_filter_line", text=ui.filter, count=len(shown)) if ui.filter else ""
    text = t("bc_ask_recipients", agencies=audience.agency_count, people=audience.people_count,
             filter=extra)
    markup = kb.picker_keyboard(groups, shown, ui.draft.agency_ids, ui.page,
                                filtered=bool(ui.filter))
    return text, markup


async def recipients_tap(update: Update, context: HoaTocContext) -> str:
    """Toggle a group, an agency or everything; turn a page; clear the filter."""
    query = await _answer(update)
    tap = cb.parse(query.data)
    ui = _fields(context)
    draft = ui.draft
    groups, agencies = await context.services.broadcast.catalog()
    if isinstance(tap, cb.ToggleGroup):
        members = next((set(g.agency_ids) for g in groups if g.id == tap.group_id), set())
        draft.agency_ids = (draft.agency_ids - members if members <= draft.agency_ids
                            else draft.agency_ids | members)
    elif isinstance(tap, cb.ToggleAgency):
        if any(a.id == tap.agency_id for a in agencies):
            draft.agency_ids ^= {tap.agency_id}
        ui.page = tap.page if tap.page is not None else ui.page
    elif isinstance(tap, cb.TurnPage):
        ui.page = tap.page
    elif tap == cb.BroadcastButton("all"):
        everyone = {a.id for a in agencies}
        draft.agency_ids = set() if everyone <= draft.agency_ids else everyone
    elif tap == cb.BroadcastButton("clr"):
        ui.filter, ui.page = None, 0
    await forms.save(context, RECIPIENTS)
    text, markup = await _picker(context)
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:  # a tap that changed nothing (the same page, say)
        if "not modified" not in str(exc).lower():
            raise
    return RECIPIENTS


async def recipients_filter(update: Update, context: HoaTocContext) -> str:
    """Typed text filters the agency list."""
    ui = _fields(context)
    query = (message(update).text or "").strip()[:60]
    _, agencies = await context.services.broadcast.catalog()
    if not kb.matching(agencies, query):
        await message(update).reply_text(t("bc_filter_empty", text=query))
        return RECIPIENTS
    ui.filter, ui.page = query, 0
    await forms.save(context, RECIPIENTS)
    text, markup = await _picker(context)
    await message(update).reply_text(text, reply_markup=markup)
    return RECIPIENTS


async def recipients_done(update: Update, context: HoaTocContext) -> str:
    """«Xong»: at least one agency must be chosen."""
    query = await _answer(update)
    audience = await context.services.broadcast.audience(_draft(context))
    if not audience.recipients:
        await message(update).reply_text(t("bc_no_recipients"))
        return RECIPIENTS
    await query.edit_message_reply_markup(None)
    return await _next(update, context, DEADLINE)


# --- deadlines ---------------------------------------------------------------------------------

async def deadline_default(update: Update, context: HoaTocContext) -> str:
    """The urgency's default acknowledgement window."""
    query = await _answer(update)
    _draft(context).ack_deadline_at = None
    await query.edit_message_reply_markup(None)
    return await _next(update, context, REPORT)


async def deadline_text(update: Update, context: HoaTocContext) -> str:
    """`17h`, `17:00 25/11`, `45 phút`, `+2h`."""
    return await _deadline(update, context, message(update).text or "")


async def deadline_quick(update: Update, context: HoaTocContext) -> str:
    """«+1 giờ», «17:00 hôm nay» ...: its label, read as if typed, at the tap."""
    tap = await quick.taken(update, _fields(context).quick)
    if tap is None:
        return DEADLINE
    return await _deadline(update, context, quick_view.text(tap.choice))


async def _deadline(update: Update, context: HoaTocContext, text: str) -> str:
    s = context.services
    try:
        deadline = s.broadcast.parse_deadline(text)
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        return DEADLINE
    await quick.settled(update)
    _draft(context).ack_deadline_at = deadline.at
    await forms.save(context, DEADLINE)
    # Echo the instant at once, so a misread is caught here (and "ngày mai" when it rolled).
    await message(update).reply_text(t("bc_deadline_set", deadline=typed_time(deadline, s.settings.tz)))
    return await _next(update, context, REPORT)


async def report_none(update: Update, context: HoaTocContext) -> str:
    """No result report due."""
    query = await _answer(update)
    _draft(context).report_deadline_at = None
    await query.edit_message_reply_markup(None)
    return await _show_preview(update, context)


async def report_text(update: Update, context: HoaTocContext) -> str:
    """A result-report deadline such as `17h`, `30/11` or `17:00 30/11`."""
    return await _report(update, context, message(update).text or "")


async def report_quick(update: Update, context: HoaTocContext) -> str:
    """A quick choice for the result-report deadline, checked at the tap."""
    tap = await quick.taken(update, _fields(context).quick)
    if tap is None:
        return REPORT
    return await _report(update, context, quick_view.text(tap.choice))


async def _report(update: Update, context: HoaTocContext, text: str) -> str:
    s = context.services
    try:
        draft = _draft(context)
        report = s.broadcast.parse_report_deadline(text, draft)
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        return REPORT
    await quick.settled(update)
    draft.report_deadline_at = report.at
    await message(update).reply_text(
        t("bc_report_deadline_set", deadline=typed_time(report, s.settings.tz)))
    return await _show_preview(update, context)


# --- preview, edit, send -------------------------------------------------------------------------

async def _show_preview(update: Update, context: HoaTocContext) -> str:
    s, draft = context.services, _draft(context)
    _fields(context).editing = False
    audience = await s.broadcast.audience(draft)
    # The preview counts active agencies only; the draft keeps what it counts, so that an
    # agency deactivated after it is seen at «Gửi» (`inactive_of`).
    draft.agency_ids = {r.agency.id for r in audience.recipients}
    await forms.save(context, PREVIEW)
    preview = s.broadcast.preview_directive(draft, user_id(update))
    msg = message(update)
    await msg.reply_text(t("bc_preview_header"))
    if preview.file_id:
        caption = view.file_caption(preview)
        if preview.file_kind == "photo":
            await msg.reply_photo(preview.file_id, caption=caption)
        else:
            await msg.reply_document(preview.file_id, caption=caption)
    parts = view.message_parts(preview, s.settings)
    for part in parts[:-1]:
        await msg.reply_text(part)
    await msg.reply_text(parts[-1], reply_markup=kb.preview_buttons(
        view.buttons(preview, 0, acked=False)))
    unreachable = audience.unreachable
    note = (t("bc_preview_unreachable", count=len(unreachable),
              names=", ".join(a.name for a in unreachable[:30])
              + (f" (+{len(unreachable) - 30})" if len(unreachable) > 30 else ""))
            if unreachable else t("bc_preview_all_reachable"))
    await msg.reply_text(t("bc_preview_summary", urgency=t(f"urgency_name_{preview.urgency}"),
                           agencies=audience.agency_count, people=audience.people_count,
                           unreachable=note,
                           drill=t("dr_preview_line", agencies=audience.agency_count)
                           if draft.drill else ""),
                         reply_markup=kb.preview_keyboard(drill=draft.drill))
    return PREVIEW


def _pressed(query: CallbackQuery) -> cb.BroadcastAction | None:
    tap = cb.parse(query.data)
    return tap.action if isinstance(tap, cb.BroadcastButton) else None


async def drill_toggle(update: Update, context: HoaTocContext) -> str:
    """«🎯 Diễn tập: Có/Không»: the preview is shown again, with or without the banner (the
    state the button names, not a flip: a stale or double tap changes nothing unseen)."""
    query = await _answer(update)
    draft = _draft(context)
    draft.drill = _pressed(query) == "drill_on"
    await query.edit_message_reply_markup(None)
    return await _show_preview(update, context)


async def preview_noop(update: Update, context: HoaTocContext) -> None:
    """A tap on a preview's recipient button."""
    assert update.callback_query is not None
    await update.callback_query.answer(t("bc_preview_button"), show_alert=True)


async def page_label(update: Update, context: HoaTocContext) -> None:
    """The «Trang 2/13» label: nothing to do."""
    assert update.callback_query is not None
    await update.callback_query.answer()


async def edit_menu(update: Update, context: HoaTocContext) -> str:
    """«Sửa»: which field."""
    query = await _answer(update)
    await query.edit_message_reply_markup(kb.edit_keyboard())
    return PREVIEW


async def edit_field(update: Update, context: HoaTocContext) -> str:
    """Jump to one field's question; answering it returns to the preview."""
    query = await _answer(update)
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.EditField)
    field = tap.field
    await query.edit_message_reply_markup(None)
    _fields(context).editing = True
    step = field  # each editable field is asked by the step of the same name
    if step == BODY:  # the body is given afresh, then «Tiếp tục» returns to the preview
        draft = _draft(context)
        draft.body = draft.file_id = draft.file_name = draft.file_kind = None
    return await _ask(update, context, step)


async def send(update: Update, context: HoaTocContext) -> str:
    """«Gửi»: store, queue, and post the live status message."""
    query = await _answer(update)
    await require(update, context, Role.ADMIN, "broadcast")
    s = context.services
    if (_pressed(query) == "send_drill") != _draft(context).drill:
        # Under a preview that no longer shows the draft (a drill toggled since, on another
        # message): nothing is sent; the draft as it is now is shown to be sent from there.
        await query.edit_message_reply_markup(None)
        await message(update).reply_text(t("dr_changed"))
        return await _show_preview(update, context)
    if left := await s.broadcast.inactive_of(_draft(context).agency_ids):
        # Deactivated (/agency off) after the preview counted it: «Gửi» would reach fewer
        # agencies than the admin approved. Nothing is sent; the draft is previewed afresh.
        await query.edit_message_reply_markup(None)
        await message(update).reply_text(t("bc_agencies_left", count=len(left),
                                           names=", ".join(a.name for a in left)))
        return await _show_preview(update, context)
    try:
        directive, audience = await s.broadcast.send(user_id(update), _draft(context),
                                                     also=forms.dropped_with(context))
    except InvalidInput as exc:
        await query.edit_message_reply_markup(None)
        await message(update).reply_text(domain_error(exc, s.settings))
        if exc.key == "bc_deadline_past":  # the deadline passed while previewing: ask again
            _fields(context).editing = True
            return await _ask(update, context, DEADLINE)
        if exc.key in ("bc_report_deadline_past", "bc_report_before_ack"):
            _fields(context).editing = True
            return await _ask(update, context, REPORT)
        await message(update).reply_text(t("bc_edit_menu"), reply_markup=kb.preview_keyboard(
            drill=_draft(context).drill))
        return PREVIEW
    # Stored and queued: the conversation is over whatever Telegram does next (the draft
    # goes now, so not even a restart offers «Gửi» again), and the replies below are
    # best-effort, so a failed one never leads the admin to send again.
    await forms.finish(context)
    msg = message(update)
    await best_effort(query.edit_message_reply_markup(None), "drop the preview's keyboard")
    await best_effort(msg.reply_text(t(
        "dr_sent" if directive.drill else "bc_sent", directive=view.cite(directive),
        people=audience.people_count,
        agencies=audience.agency_count)), "confirm a sent directive")
    ov = await s.broadcast.overview(directive.id)
    status: Message | None = await best_effort(msg.reply_text(
        status_view.status_message(ov, s.settings, ov.read_at),
        reply_markup=status_view.status_markup(ov)), "post a directive's status message")
    if status is not None:
        await s.broadcast.attach_status_message(directive.id, status.chat_id, status.message_id)
        s.broadcast.board.touch(directive.id)
    return forms.END


# --- stray input ------------------------------------------------------------------------------

async def stale(update: Update, context: HoaTocContext) -> None:
    """A /broadcast button from an earlier step."""
    assert update.callback_query is not None
    await update.callback_query.answer(t("bc_stale_button"))


def _button(*actions: str) -> Callable[[object], bool]:
    return cb.matches(cb.BroadcastButton, action=set(actions))


def _tap(callback: forms.Callback, *kinds: type[cb.Tap]) -> forms.Handler:
    return CallbackQueryHandler(callback, pattern=cb.matches(*kinds))


def _tap_quick(callback: forms.Callback, target: cb.QuickTarget) -> forms.Handler:
    return CallbackQueryHandler(callback, pattern=cb.matches(cb.QuickTime, target=target))


TEXT = NEW & filters.TEXT & ~filters.COMMAND
FILES = NEW & (filters.Document.ALL | filters.PHOTO)

FORM = forms.Form(
    name="broadcast", title="conv_broadcast", fields=Fields, cancelled="bc_cancelled",
    admit=admit,
    entry_points=[CommandHandler("broadcast", start, filters=NEW)],
    steps=[
        forms.Step(URGENCY, "bc_field_urgency", [_tap(urgency, cb.PickUrgency)]),
        forms.Step(SECRECY, "bc_field_secrecy", [_tap(secrecy, cb.PickSecrecy)]),
        forms.Step(NUMBER, "bc_field_number", [MessageHandler(TEXT, number)]),
        forms.Step(ISSUED, "bc_field_issued", [
            CallbackQueryHandler(issued_today, pattern=_button("today")),
            MessageHandler(TEXT, issued_typed)]),
        forms.Step(ISSUER, "bc_field_issuer", [MessageHandler(TEXT, issuer)]),
        forms.Step(SUMMARY, "bc_field_summary", [MessageHandler(TEXT, summary)]),
        forms.Step(BODY, "bc_field_body", [
            MessageHandler(TEXT, body_text), MessageHandler(FILES, body_file),
            CallbackQueryHandler(body_done, pattern=_button("next"))]),
        forms.Step(RECIPIENTS, "bc_field_recipients", [
            CallbackQueryHandler(recipients_done, pattern=_button("done")),
            _tap(recipients_tap, cb.ToggleGroup, cb.ToggleAgency, cb.TurnPage),
            CallbackQueryHandler(recipients_tap, pattern=_button("all", "clr")),
            MessageHandler(TEXT, recipients_filter)]),
        forms.Step(DEADLINE, "bc_field_deadline", [
            CallbackQueryHandler(deadline_default, pattern=_button("dl_default")),
            _tap_quick(deadline_quick, "dl"),
            MessageHandler(TEXT, deadline_text)]),
        forms.Step(REPORT, "bc_field_report", [
            CallbackQueryHandler(report_none, pattern=_button("rp_none")),
            _tap_quick(report_quick, "rp"),
            MessageHandler(TEXT, report_text)]),
        forms.Step(PREVIEW, "bc_step_preview", [
            CallbackQueryHandler(send, pattern=_button("send", "send_drill")),
            CallbackQueryHandler(edit_menu, pattern=_button("edit")),
            CallbackQueryHandler(drill_toggle, pattern=_button("drill_on", "drill_off")),
            _tap(edit_field, cb.EditField)]),
    ],
    cancel_taps=_button("cancel"),
    fallbacks=[
        CallbackQueryHandler(preview_noop, pattern=_button("noop")),
        CallbackQueryHandler(page_label, pattern=_button("pg")),
        _tap(stale, *cb.BROADCAST),
        _tap(quick.stale, cb.QuickTime),
        MessageHandler(NEW & ~filters.COMMAND & ~TEXT, expect_text),
        MessageHandler(TEXT, expect_button),
    ],
)
