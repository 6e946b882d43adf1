"""/report: the initial incident report, a conversation generated from the incident form.

The form is configuration (`config/incident_form.yaml`), so the steps are generic and the
draft says where the reporter is: the agency picker (a call logged by a responder or admin),
the prefilled facts to confirm, one question (`current`: a field key, answered by its kind),
«Thêm chi tiết» for the optional group, the summary. After every answer `upcoming` works out
the next step from the answers alone, so «Sửa» (one field, then back) and a yes/no that
opens a dependent question need no bookkeeping of their own. No incident exists before
«Gửi»; the draft lives in the drafts table and survives a restart.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any, Self

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.clock import from_epoch, to_epoch
from bot.context import HoaTocContext
from bot.domain.durations import humanize
from bot.domain.errors import InvalidInput
from bot.domain.phones import display_phone
from bot.services.incidents import (
    AGENCY_INACTIVE,
    MAX_FILES,
    QUICK_DETECTED,
    ReportDraft,
    priority_of,
)
from bot.telegram import callbacks as cb
from bot.telegram import report_view as view
from bot.telegram.broadcast_view import matching
from bot.telegram.incident_view import answer_text
from bot.telegram.render import domain_error, plain, typed_time
from bot.texts import Safe, t
from config.incident_form import FieldKind, FormField, IncidentForm, Prefill
from handlers import forms
from handlers.common import NEW, best_effort, message, user_id

AGENCY, PREFILL, ASK, DETAILS, SUMMARY = "agency", "prefill", "ask", "details", "summary"
AGENCY_FACTS = frozenset({Prefill.AGENCY_NAME, Prefill.AGENCY_ADDRESS, Prefill.AGENCY_PHONE,
                          Prefill.AGENCY_EMAIL})


@dataclass
class Fields:
    """The report being written: answers by field key (JSON-safe, as `ReportDraft` wants
    them), the files, and where the reporter is."""

    answers: dict[str, Any] = field(default_factory=dict)
    files: list[dict[str, str]] = field(default_factory=list)
    via: str = "telegram"          # "phone": a responder or admin logs what a caller said
    current: str | None = None     # the field asked now (step ASK)
    seen: list[str] = field(default_factory=list)  # answered or skipped: not asked again
    confirmed: bool = False        # the prefilled facts confirmed («Đúng»)
    details: bool | None = None    # «Thêm chi tiết» (True) or «Bỏ qua» (False); None: not yet
    filter: str | None = None      # the agency picker's filter and page
    page: int = 0
    album: str | None = None       # the album being received, and the one reply it gets
    album_reply: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def _ui(context: HoaTocContext) -> Fields:
    return forms.state(context, Fields)


def _form(context: HoaTocContext) -> IncidentForm:
    return context.services.incidents.form


def _empty(value: Any) -> bool:
    return value is None or value == ""


def upcoming(form: IncidentForm, ui: Fields) -> tuple[str, str | None]:
    """The next step (and the field it asks), from the answers so far."""
    if _empty(ui.answers.get("agency")):
        return AGENCY, None
    prefilled = view.prefilled_groups(form)
    optional = {g.key for g in form.groups if g.optional}
    for f in form.fields:  # what the confirmation cannot show: asked first (a caller's name)
        if (f.group in prefilled and f.required and f.kind is not FieldKind.AGENCY
                and form.asked(ui.answers, f) and _empty(ui.answers.get(f.key))):
            return ASK, f.key
    if not ui.confirmed:
        return PREFILL, None
    for f in form.fields:
        if f.group in prefilled or f.key in ui.seen or not form.asked(ui.answers, f):
            continue
        if f.group in optional:
            if ui.details is None:
                return DETAILS, f.group
            if not ui.details:
                continue
        return ASK, f.key
    return SUMMARY, None


def answers_now(form: IncidentForm, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers of the fields still asked (a "Không" drops the detail it had opened)."""
    return {f.key: answers[f.key] for f in form.fields
            if f.key in answers and form.asked(answers, f)}


# --- showing a step ---------------------------------------------------------------------------

async def _go(update: Update, context: HoaTocContext) -> str:
    """Save the draft at the next step, then show that step."""
    step, key = upcoming(_form(context), _ui(context))
    _ui(context).current = key if step == ASK else None
    await forms.save(context, step)
    await _show(update, context, step)
    return step


async def _show(update: Update, context: HoaTocContext, step: str) -> None:
    """The message of `step` (again, after a wrong answer), with its buttons."""
    s, ui, form, msg = context.services, _ui(context), _form(context), message(update)
    if step == AGENCY:
        _, agencies = await s.broadcast.catalog()
        shown = matching(agencies, ui.filter)
        await msg.reply_text(view.agency_text(ui.filter, len(shown)),
                             reply_markup=view.agency_keyboard(shown, ui.page, bool(ui.filter)))
    elif step == PREFILL:
        names = await s.incidents.agency_names([int(ui.answers["agency"])])
        await msg.reply_text(view.prefill_text(form, ui.answers, names, s.settings.tz),
                             reply_markup=view.prefill_keyboard())
    elif step == ASK:
        f = _field(context)
        if f is None:  # gone from the form: on to the next question
            await _go(update, context)
            return
        text, markup = view.question(form, f, MAX_FILES)
        await msg.reply_text(text, reply_markup=markup)
    elif step == DETAILS:
        _, group = upcoming(form, ui)
        await msg.reply_text(view.details_text(form, group or ""),
                             reply_markup=view.details_keyboard())
    else:
        await _show_summary(update, context)


async def _show_summary(update: Update, context: HoaTocContext) -> None:
    s, ui, form = context.services, _ui(context), _form(context)
    answers = answers_now(form, ui.answers)
    names = await s.incidents.agency_names([int(answers["agency"])])
    detected = answers.get("detected_at")
    late = isinstance(detected, int) and s.incidents.late(from_epoch(detected))
    parts = view.summary_parts(form, answers, names, s.settings.tz, files=len(ui.files),
                               priority=priority_of(answers), late=_within(context) if late else None)
    for part in parts[:-1]:
        await message(update).reply_text(part)
    await message(update).reply_text(parts[-1], reply_markup=view.summary_keyboard())


def _within(context: HoaTocContext) -> str:
    return humanize(context.services.settings.incident_report_within)


def _field(context: HoaTocContext) -> FormField | None:
    """The field asked now; None if the form file dropped it since the draft was saved."""
    key = _ui(context).current
    return _form(context).field(key) if key else None


async def _again(update: Update, context: HoaTocContext, key: str, **params: object) -> None:
    """Say what was wrong, then ask the same question again."""
    await message(update).reply_text(t(key, **params))
    await _show(update, context, _step(context))


def _step(context: HoaTocContext) -> str:
    draft = context.form
    assert isinstance(draft, forms.FormDraft) and draft.step is not None
    return draft.step


async def _answered(update: Update, context: HoaTocContext, value: Any) -> str:
    """Keep the current field's answer (None: skipped) and go on."""
    ui = _ui(context)
    key = ui.current
    assert key is not None
    if value is None:
        ui.answers.pop(key, None)
    else:
        ui.answers[key] = value
    if key not in ui.seen:
        ui.seen.append(key)
    return await _go(update, context)


async def _tap(update: Update) -> CallbackQuery:
    query = update.callback_query
    assert query is not None
    await query.answer()
    return query


async def _settle(query: CallbackQuery, said: str | None = None) -> None:
    """The question is answered: its buttons go, and the answer shows under it."""
    msg = query.message
    if said is not None and isinstance(msg, Message) and msg.text is not None:
        text = Safe(f"{msg.text_html}\n➡️ <b>{html.escape(said, quote=False)}</b>")
        await best_effort(query.edit_message_text(text, reply_markup=None), "show the answer")
        return
    await best_effort(query.edit_message_reply_markup(None), "drop a question's buttons")


async def _stale(query: CallbackQuery) -> None:
    await query.answer(plain(t("ir_stale")), show_alert=True)


def _readable(form: IncidentForm, known: dict[str, Any]) -> dict[str, Any]:
    """Prefilled phones as people write them (`0297 3829 086`, stored as +84…): the answer
    is read, and stored, as if typed."""
    phones = {f.key for f in form.fields if f.prefill in (Prefill.AGENCY_PHONE,
                                                          Prefill.PERSON_PHONE)}
    return {k: display_phone(v) if k in phones and isinstance(v, str) else v
            for k, v in known.items()}


# --- entry ----------------------------------------------------------------------------------

async def admit(update: Update, context: HoaTocContext) -> None:
    """Liaisons for their agency; responders and admins for any (a call logged)."""
    await context.services.incidents.reporter(user_id(update))


async def start(update: Update, context: HoaTocContext) -> str:
    """/report or «🚨 Báo cáo sự cố»: a fresh draft, prefilled from what the bot knows."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    s, ui = context.services, _ui(context)
    reporter = await s.incidents.reporter(user_id(update))
    if reporter.for_others:
        ui.via = "phone"
    else:
        assert reporter.agency is not None
        ui.answers = _readable(_form(context), await s.incidents.prefill(reporter,
                                                                          reporter.agency.id))
    return await _go(update, context)


async def resume(update: Update, context: HoaTocContext) -> str | None:
    """/report or «🚨 Báo cáo sự cố» with a report half-filled: its question again, nothing lost."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await message(update).reply_text(t("wk_report_resumed"))
    step = forms.step(context)
    assert step is not None
    await _show(update, context, step)
    return step


# --- the agency picker ----------------------------------------------------------------------

async def agency(update: Update, context: HoaTocContext) -> str:
    """An agency picked: its facts prefill the report (the caller's are asked next)."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.ReportAgency)
    s, ui = context.services, _ui(context)
    try:
        picked = await s.incidents.pick_agency(user_id(update), tap.agency_id)
    except InvalidInput as exc:
        await query.answer(plain(domain_error(exc, s.settings)), show_alert=True)
        return AGENCY
    await query.answer()
    reporter = await s.incidents.reporter(user_id(update))
    # Another agency: its facts replace the last one's (the caller's name and phone stay).
    ours = {f.key for f in _form(context).fields if f.prefill in AGENCY_FACTS}
    ui.answers = {**{k: v for k, v in ui.answers.items() if k not in ours},
                  **_readable(_form(context), await s.incidents.prefill(reporter, picked.id))}
    ui.confirmed = False
    await _settle(query, picked.name)
    return await _go(update, context)


async def agency_elsewhere(update: Update, context: HoaTocContext) -> None:
    """A picker tap outside the picker: a liaison's is refused and audited, any other stale."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.ReportAgency)
    s = context.services
    try:
        await s.incidents.pick_agency(user_id(update), tap.agency_id)
    except InvalidInput as exc:
        await query.answer(plain(domain_error(exc, s.settings)), show_alert=True)
        return
    await _stale(query)


async def turn(update: Update, context: HoaTocContext) -> str:
    """A page turned, or the filter cleared."""
    query = await _tap(update)
    tap, ui = cb.parse(query.data), _ui(context)
    if isinstance(tap, cb.ReportPage):
        ui.page = tap.page
    else:
        ui.filter, ui.page = None, 0
    await forms.save(context, AGENCY)
    _, agencies = await context.services.broadcast.catalog()
    shown = matching(agencies, ui.filter)
    try:
        await query.edit_message_text(view.agency_text(ui.filter, len(shown)),
                                      reply_markup=view.agency_keyboard(shown, ui.page,
                                                                        bool(ui.filter)))
    except BadRequest as exc:  # the same page again
        if "not modified" not in str(exc).lower():
            raise
    return AGENCY


async def typed_filter(update: Update, context: HoaTocContext) -> str:
    """Typed text filters the agencies, as in /broadcast."""
    ui, typed = _ui(context), (message(update).text or "").strip()[:60]
    _, agencies = await context.services.broadcast.catalog()
    if not matching(agencies, typed):
        await message(update).reply_text(t("bc_filter_empty", text=typed))
        return AGENCY
    ui.filter, ui.page = typed, 0
    return await _go(update, context)


# --- the prefilled facts ----------------------------------------------------------------------

async def confirm(update: Update, context: HoaTocContext) -> str:
    """«Đúng»."""
    query = await _tap(update)
    _ui(context).confirmed = True
    await _settle(query, t("ir_btn_ok"))
    return await _go(update, context)


async def fix(update: Update, context: HoaTocContext) -> str:
    """«Sửa» on the prefilled facts: which one."""
    query = await _tap(update)
    form = _form(context)
    group = view.prefilled_groups(form)
    fields = [f for f in form.fields if f.group in group and f.kind is not FieldKind.AGENCY]
    await best_effort(query.edit_message_reply_markup(view.pick_keyboard(fields)), "pick a field")
    return PREFILL


async def edit_menu(update: Update, context: HoaTocContext) -> str:
    """«Sửa» on the summary: which field."""
    query = await _tap(update)
    form, ui = _form(context), _ui(context)
    fields = [f for f in form.fields if form.asked(ui.answers, f)
              and (f.kind is not FieldKind.AGENCY or ui.via == "phone")]
    await best_effort(query.edit_message_reply_markup(view.pick_keyboard(fields)), "pick a field")
    return SUMMARY


async def pick(update: Update, context: HoaTocContext) -> str:
    """A field picked from «Sửa»: asked again, then back where the reporter was."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.ReportField)
    form, ui = _form(context), _ui(context)
    f = form.field(tap.field)
    prefilled = view.prefilled_groups(form)
    if f is None or (_step(context) == PREFILL and f.group not in prefilled) or (
            f.kind is FieldKind.AGENCY and ui.via != "phone"):
        await _stale(query)
        return _step(context)
    await query.answer()
    await _settle(query)
    if f.kind is FieldKind.AGENCY:
        ui.answers.pop("agency", None)
        ui.filter, ui.page = None, 0
        return await _go(update, context)
    if f.group in prefilled:
        ui.confirmed = False  # shown for confirmation again once answered
    if tap.field in ui.seen:
        ui.seen.remove(tap.field)
    if f.kind is FieldKind.FILES:
        ui.files = []
    ui.current = tap.field
    await forms.save(context, ASK)
    await _show(update, context, ASK)
    return ASK


# --- answers to one question ------------------------------------------------------------------

async def typed(update: Update, context: HoaTocContext) -> str:
    """Typed text answers a text or a date-time question; for the others, buttons only."""
    f, text = _field(context), message(update).text or ""
    if f is None:
        return await _go(update, context)
    if f.kind is FieldKind.TEXT:
        value = text.strip()
        if not value:
            await _again(update, context, "ir_empty" if f.required else "ir_empty_optional",
                         label=f.label)
            return ASK
        if len(value) > f.max_length:
            await _again(update, context, "ir_too_long", label=f.label, length=len(value),
                         max_len=f.max_length)
            return ASK
        return await _answered(update, context, value)
    if f.kind is FieldKind.DATETIME:
        return await _detected(update, context, text)
    await _again(update, context, "ir_expect_file" if f.kind is FieldKind.FILES
                 else "ir_expect_button")
    return ASK


async def _detected(update: Update, context: HoaTocContext, text: str) -> str:
    s = context.services
    try:
        found = s.incidents.detected(text)
    except InvalidInput as exc:
        await message(update).reply_text(domain_error(exc, s.settings))
        await _show(update, context, ASK)
        return ASK
    said = t("ir_detected_set", when=typed_time(found.moment, s.settings.tz))
    if found.late:
        said = Safe(f"{said}\n{t('ir_late_note', within=_within(context))}")
    await message(update).reply_text(said)
    return await _answered(update, context, to_epoch(found.at))


async def chosen(update: Update, context: HoaTocContext) -> str:
    """An option of the question asked now (a button of another question is stale)."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.ReportChoice)
    ui, form = _ui(context), _form(context)
    f = form.field(tap.field)
    value: Any = None
    if f is not None and tap.field == ui.current:
        if f.kind is FieldKind.CHOICE and f.option(tap.option) is not None:
            value = tap.option
        elif f.kind is FieldKind.YESNO and tap.option in ("yes", "no"):
            value = tap.option == "yes"
    if f is None or value is None:
        await _stale(query)
        return _step(context)
    await query.answer()
    await _settle(query, answer_text(f, value, {}, context.services.settings.tz))
    return await _answered(update, context, value)


async def field_button(update: Update, context: HoaTocContext) -> str:
    """«Bỏ qua», «Vừa xong», «1 giờ trước» or «Xong» of the question asked now."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.ReportField)
    f = _form(context).field(tap.field)
    if f is None or tap.field != _ui(context).current:
        await _stale(query)
        return ASK
    wanted = {"skip": not f.required, "done": f.kind is FieldKind.FILES,
              "now": f.kind is FieldKind.DATETIME, "h1": f.kind is FieldKind.DATETIME}
    if not wanted.get(tap.action, False):
        await query.answer(plain(t("ir_required", label=f.label)), show_alert=True)
        return ASK
    await query.answer()
    if tap.action in ("now", "h1"):
        await _settle(query)
        return await _detected(update, context, QUICK_DETECTED[tap.action])
    await _settle(query, t("ir_btn_done" if tap.action == "done" else "ir_btn_skip"))
    return await _answered(update, context, None)


async def file_sent(update: Update, context: HoaTocContext) -> str:
    """A photo or document: an attachment when files are asked. An album arrives as one
    update per file: all count, and it gets one reply, edited as its files arrive."""
    f, msg, ui = _field(context), message(update), _ui(context)
    if f is None:
        return await _go(update, context)
    if f.kind is not FieldKind.FILES:
        await _again(update, context, "ir_expect_text" if f.kind in (
            FieldKind.TEXT, FieldKind.DATETIME) else "ir_expect_button")
        return ASK
    group = msg.media_group_id
    if len(ui.files) >= MAX_FILES:
        if group is None or group != ui.album:
            ui.album = group
            await msg.reply_text(t("inc_too_many_files", max_files=MAX_FILES))
        return ASK
    ui.files.append(_attachment(msg))
    await forms.save(context, ASK)
    said = t("ir_files_got", count=len(ui.files))
    buttons = view.question(_form(context), f, MAX_FILES)[1]
    if group is not None and group == ui.album and ui.album_reply is not None:
        await best_effort(context.bot.edit_message_text(
            said, chat_id=msg.chat_id, message_id=ui.album_reply, reply_markup=buttons),
            "count an album's files")
        return ASK
    reply = await msg.reply_text(said, reply_markup=buttons)
    ui.album, ui.album_reply = group, reply.message_id if group is not None else None
    return ASK


def _attachment(msg: Message) -> dict[str, str]:
    """A file as `ReportDraft` keeps it: the largest size of a photo."""
    if msg.document is not None:
        return {"file_id": msg.document.file_id, "kind": "document",
                "name": msg.document.file_name or "", "unique_id": msg.document.file_unique_id}
    photo = msg.photo[-1]
    return {"file_id": photo.file_id, "kind": "photo", "name": "",
            "unique_id": photo.file_unique_id}


async def not_an_answer(update: Update, context: HoaTocContext) -> None:
    """A sticker, voice, location ... : not an answer; the same question again."""
    await _again(update, context, "ir_expect_other")


async def expect_button(update: Update, context: HoaTocContext) -> None:
    """Typed text where a button is expected."""
    await _again(update, context, "ir_expect_button")


# --- details, summary, send ---------------------------------------------------------------------

async def details(update: Update, context: HoaTocContext) -> str:
    """«Thêm chi tiết» or «Bỏ qua»."""
    query = await _tap(update)
    more = cb.parse(query.data) == cb.ReportButton("more")
    _ui(context).details = more
    await _settle(query, t("ir_btn_more" if more else "ir_btn_skip"))
    return await _go(update, context)


async def send(update: Update, context: HoaTocContext) -> str:
    """«Gửi»: stored (the draft goes in the same transaction); the reporter told through the
    outbox, queued in that transaction too, so a crash after the commit cannot silence it."""
    query = await _tap(update)
    s, ui, form = context.services, _ui(context), _form(context)
    draft = ReportDraft(answers_now(form, ui.answers), list(ui.files), ui.via)
    try:
        await s.incidents.submit(user_id(update), draft, also=forms.dropped_with(context),
                                 confirm=True)
    except InvalidInput as exc:
        await best_effort(query.edit_message_reply_markup(None), "drop the summary's buttons")
        kept = exc.key == AGENCY_INACTIVE  # the report kept: «Gửi» again once it is active
        await message(update).reply_text(domain_error(exc, s.settings) + (
            "\n\n" + t("adv2_report_kept") if kept else ""))
        if kept:
            await _show(update, context, SUMMARY)
            return SUMMARY
        return await _ask_again(update, context, exc.params.get("field"))
    await forms.finish(context)
    await best_effort(query.edit_message_reply_markup(None), "drop the summary's buttons")
    return forms.END


async def _ask_again(update: Update, context: HoaTocContext, key: object) -> str:
    """The field a refusal at «Gửi» names is asked again; a refusal naming none (no longer
    allowed to report, a liaison's agency) ends the report."""
    form, ui = _form(context), _ui(context)
    f = form.field(key) if isinstance(key, str) else None
    if f is None or (f.kind is FieldKind.AGENCY and ui.via != "phone"):
        return forms.END
    if f.key in ui.seen:
        ui.seen.remove(f.key)
    if f.group in view.prefilled_groups(form):
        ui.confirmed = False
    ui.answers.pop(f.key, None)
    return await _go(update, context)


async def page_label(update: Update, context: HoaTocContext) -> None:
    """«Trang n/N» is a label, not a button."""
    await _tap(update)


async def stale(update: Update, context: HoaTocContext) -> None:
    """A /report button of an earlier step."""
    assert update.callback_query is not None
    await _stale(update.callback_query)


def _on(callback: forms.Callback, *kinds: type[cb.Tap], **fields: object) -> forms.Handler:
    return CallbackQueryHandler(callback, pattern=cb.matches(*kinds, **fields))


TEXT = NEW & filters.TEXT & ~filters.COMMAND
FILES = NEW & (filters.Document.ALL | filters.PHOTO)

FORM = forms.Form(
    name="report", title="ir_conv_title", fields=Fields, cancelled="ir_cancelled", admit=admit,
    resume=resume,
    entry_points=[CommandHandler("report", start, filters=NEW & filters.ChatType.PRIVATE),
                  _on(start, cb.ReportButton, action="new")],
    steps=[
        forms.Step(AGENCY, "ir_step_agency", [
            _on(agency, cb.ReportAgency), _on(turn, cb.ReportPage),
            _on(turn, cb.ReportButton, action="clr"), MessageHandler(TEXT, typed_filter)]),
        forms.Step(PREFILL, "ir_step_prefill", [
            _on(confirm, cb.ReportButton, action="ok"), _on(fix, cb.ReportButton, action="fix"),
            _on(pick, cb.ReportField, action="pick")]),
        forms.Step(ASK, "ir_step_ask", [
            MessageHandler(TEXT, typed), MessageHandler(FILES, file_sent),
            _on(chosen, cb.ReportChoice),
            _on(field_button, cb.ReportField, action={"skip", "now", "h1", "done"})]),
        forms.Step(DETAILS, "ir_step_details", [
            _on(details, cb.ReportButton, action={"more", "nomore"})]),
        forms.Step(SUMMARY, "ir_step_summary", [
            _on(send, cb.ReportButton, action="send"),
            _on(edit_menu, cb.ReportButton, action="edit"),
            _on(pick, cb.ReportField, action="pick")]),
    ],
    cancel_taps=cb.matches(cb.ReportButton, action="cancel"),
    fallbacks=[
        _on(page_label, cb.ReportButton, action="pg"),
        _on(agency_elsewhere, cb.ReportAgency),
        _on(stale, *cb.REPORT),
        MessageHandler(TEXT, expect_button),
        MessageHandler(NEW & ~filters.COMMAND, not_an_answer),
    ],
)
