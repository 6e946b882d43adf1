"""The lifecycle buttons on an incident: start is made at once; the other moves through a
short conversation (a reason, the closing report, a progress report, a responder to
reassign to, a confirmation), its draft in the drafts table. Every tap and every «Gửi» is
checked again by `IncidentLifecycle`; a refusal or a stale state changes nothing."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Self

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.context import HoaTocContext
from bot.domain.errors import InvalidInput
from bot.domain.escalation import Severity
from bot.domain.incidents import Move
from bot.services.incident_lifecycle import MAX_FILES, MAX_PROGRESS, MAX_REASON, Moved
from bot.telegram import callbacks as cb
from bot.telegram import lifecycle_view as view
from bot.telegram.incident_view import in_sentence, priority_label, status_label
from bot.telegram.render import plain
from bot.texts import Safe, t
from handlers import forms
from handlers.common import NEW, best_effort, expect_button, expect_text, message, user_id

REASON, CLOSING, SUMMARY, PROGRESS, PICK, CONFIRM, PRIORITY = (
    "reason", "closing", "summary", "progress", "pick", "confirm", "priority")

MOVES: dict[str, Move] = {
    "start": Move.START, "release": Move.RELEASE, "reassign": Move.REASSIGN,
    "resolve": Move.RESOLVE, "reopen": Move.REOPEN, "close": Move.CLOSE,
    "false": Move.FALSE_ALARM, "progress": Move.PROGRESS, "prio": Move.PRIORITY}
ASKED = frozenset(MOVES) - {"start"}  # the verbs that open the conversation
UNSENT = frozenset({"progress", "resolve"})  # moves whose unsent text has a name of its own


@dataclass
class Fields:
    """The move under way: which, on which incident, and what was answered so far."""

    verb: str = ""
    incident_id: int = 0
    code: str = ""
    reason: str = ""
    closing: dict[str, str] = field(default_factory=dict)
    index: int = 0  # the closing report's field being asked
    text: str = ""  # a progress report's
    files: list[dict[str, str]] = field(default_factory=list)
    assignee_id: int = 0
    assignee: str = ""
    priority: str = ""       # «Đổi mức ưu tiên»: the one picked
    priority_was: str = ""   # and the incident's when the button was tapped
    nonce: str = ""  # the buttons of the question asked last; older ones do nothing

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(**data)


def _f(context: HoaTocContext) -> Fields:
    return forms.state(context, Fields)


def _nonce(context: HoaTocContext) -> str:
    _f(context).nonce = secrets.token_hex(4)
    return _f(context).nonce


def done_text(moved: Moved, move: Move, files: int = 0) -> Safe:
    """What the person who made the move is told."""
    i = moved.incident
    if move is Move.PROGRESS:
        return t("inl_done_progress", code=i.code, files=files)
    if move is Move.REASSIGN and moved.assignee is not None:
        return t("inl_done_reassign", code=i.code, assignee=moved.assignee.full_name,
                 status=status_label(i.status), by=moved.by.full_name)
    return t("inl_done", code=i.code, before=status_label(moved.before),
             status=status_label(i.status), by=moved.by.full_name)


async def start_work(update: Update, context: HoaTocContext) -> None:
    """Start (Đang xử lý): made at once (nothing to ask), answered after the commit."""
    query, s = update.callback_query, context.services
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.IncidentAction)
    try:
        moved = await s.lifecycle.move(user_id(update), tap.incident_id, Move.START)
    except InvalidInput as exc:
        await query.answer(plain(view.error_text(exc, s.settings)), show_alert=True)
        return
    await query.answer()
    await best_effort(message(update).reply_text(done_text(moved, Move.START)), "confirm a move")


async def begin(update: Update, context: HoaTocContext) -> str:
    """A move's button: checked at once (nobody writes what they may not send), then asked."""
    query, s = update.callback_query, context.services
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.IncidentAction)
    try:
        standing = await s.lifecycle.check(user_id(update), tap.incident_id, MOVES[tap.verb])
    except InvalidInput as exc:
        await query.answer(plain(view.error_text(exc, s.settings)), show_alert=True)
        return forms.END
    await query.answer()
    f = _f(context)
    f.verb, f.incident_id, f.code = tap.verb, tap.incident_id, standing.incident.code
    f.priority_was = str(standing.incident.priority)
    return await ASK[tap.verb](update, context)


async def resume(update: Update, context: HoaTocContext) -> str | None:
    """A move's button while another move is under way: what was typed and not sent (a
    progress report, a closing report, a reason) is never dropped silently — the tap is
    refused, saying so; with nothing typed yet, the new move starts afresh."""
    query = update.callback_query
    assert query is not None
    f = _f(context)
    if f.text or f.files or f.closing or f.reason:
        what = t(f"inl_unsent_{f.verb}" if f.verb in UNSENT else "inl_unsent_move", code=f.code)
        await query.answer(plain(t("inl_unsent", what=what)), show_alert=True)
        return None
    Fields.__init__(f)  # nothing to lose: the new move starts from nothing
    return await begin(update, context)


async def _ask_reason(update: Update, context: HoaTocContext) -> str:
    f = _f(context)
    markup = view.buttons(_nonce(context))
    await forms.save(context, REASON)
    await message(update).reply_text(
        t(f"inl_ask_reason_{MOVES[f.verb]}", code=f.code, max_len=MAX_REASON),
        reply_markup=markup)
    return REASON


async def _ask_closing(update: Update, context: HoaTocContext) -> str:
    """The closing report's next field, or the summary once every one is answered."""
    f, form = _f(context), context.services.lifecycle.form
    if f.index >= len(form.closing):
        return await _summary(update, context)
    q = form.closing[f.index]
    markup = view.buttons(_nonce(context), skip=not q.required)
    await forms.save(context, CLOSING)
    await message(update).reply_text(t(
        "inl_ask_closing", code=f.code, index=f.index + 1, total=len(form.closing),
        label=in_sentence(q.label), optional=t("inl_optional") if not q.required else "",
        help=f"\n{q.help}" if q.help else ""), reply_markup=markup)
    return CLOSING


async def _summary(update: Update, context: HoaTocContext) -> str:
    f, form = _f(context), context.services.lifecycle.form
    lines = view.closing_lines((q.label, f.closing[q.key]) for q in form.closing
                               if q.key in f.closing)
    markup = view.buttons(_nonce(context), ok="inl_btn_send")
    await forms.save(context, SUMMARY)
    *first, last = view.parts(t("inl_closing_summary", code=f.code, lines=lines))
    for part in first:  # a long report: its buttons under its last part
        await message(update).reply_text(part)
    await message(update).reply_text(last, reply_markup=markup)
    return SUMMARY


async def _ask_progress(update: Update, context: HoaTocContext) -> str:
    markup = view.buttons(_nonce(context), ok="inl_btn_send")
    await forms.save(context, PROGRESS)
    await message(update).reply_text(t("inl_ask_progress", code=_f(context).code),
                                     reply_markup=markup)
    return PROGRESS


async def _ask_assignee(update: Update, context: HoaTocContext) -> str:
    f = _f(context)
    people = await context.services.lifecycle.responders(f.incident_id)
    if not people:
        await message(update).reply_text(t("inl_no_responders"))
        return forms.END
    markup = view.responders_keyboard(people, _nonce(context))
    await forms.save(context, PICK)
    await message(update).reply_text(t("inl_ask_assignee", code=f.code), reply_markup=markup)
    return PICK


async def _ask_priority(update: Update, context: HoaTocContext) -> str:
    f = _f(context)
    markup = view.priorities_keyboard(Severity(f.priority_was), _nonce(context))
    await forms.save(context, PRIORITY)
    await message(update).reply_text(t("inl_ask_priority", code=f.code, current=priority_label(
        Severity(f.priority_was))), reply_markup=markup)
    return PRIORITY


async def _confirm(update: Update, context: HoaTocContext) -> str:
    f = _f(context)
    prompt = {"close": lambda: t("inl_confirm_close", code=f.code),
              "false": lambda: t("inl_confirm_false_alarm", code=f.code, reason=f.reason),
              "reassign": lambda: t("inl_confirm_reassign", code=f.code, name=f.assignee),
              "prio": lambda: t("inl_confirm_priority", code=f.code,
                                old=priority_label(Severity(f.priority_was)),
                                new=priority_label(Severity(f.priority)))}[f.verb]()
    markup = view.buttons(_nonce(context), ok="inl_btn_confirm")
    await forms.save(context, CONFIRM)
    await message(update).reply_text(prompt, reply_markup=markup)
    return CONFIRM


ASK: dict[str, Callable[[Update, HoaTocContext], Awaitable[str]]] = {
    "release": _ask_reason, "reopen": _ask_reason, "false": _ask_reason,
    "resolve": _ask_closing, "progress": _ask_progress, "reassign": _ask_assignee,
    "close": _confirm, "prio": _ask_priority}


async def reason(update: Update, context: HoaTocContext) -> str:
    """The reason (release, reopen, false alarm): checked; a false alarm is confirmed first."""
    f = _f(context)
    try:
        f.reason = context.services.lifecycle.reason(message(update).text)
    except InvalidInput as exc:
        await message(update).reply_text(view.error_text(exc, context.services.settings))
        return REASON
    if f.verb == "false":
        return await _confirm(update, context)
    return await _make(update, context)


async def closing_answer(update: Update, context: HoaTocContext) -> str:
    """One field of the closing report, as text within its length."""
    f, form = _f(context), context.services.lifecycle.form
    q, text = form.closing[f.index], (message(update).text or "").strip()
    if not text or len(text) > q.max_length:
        key = "inl_answer_too_long" if text else "inl_answer_empty"
        await message(update).reply_text(t(key, label=q.label, max_len=q.max_length))
        return CLOSING
    f.closing[q.key], f.index = text, f.index + 1
    return await _ask_closing(update, context)


async def closing_skip(update: Update, context: HoaTocContext) -> str:
    """«Bỏ qua» on an optional field (a required one has no such button)."""
    f, form = _f(context), context.services.lifecycle.form
    if await _stale_tap(update, context):
        return CLOSING
    assert update.callback_query is not None
    await update.callback_query.answer()
    if form.closing[f.index].required:
        return CLOSING
    f.closing.pop(form.closing[f.index].key, None)
    f.index += 1
    return await _ask_closing(update, context)


async def progress_text(update: Update, context: HoaTocContext) -> str:
    """A progress report's text; several messages are joined."""
    f = _f(context)
    combined = f"{f.text}\n{message(update).text or ''}".strip()
    if len(combined) > MAX_PROGRESS:
        await message(update).reply_text(t("inl_progress_too_long", max_len=MAX_PROGRESS))
        return PROGRESS
    f.text = combined
    return await _progress_got(update, context)


async def progress_file(update: Update, context: HoaTocContext) -> str:
    """A photo or document for the progress report (each photo of an album counts)."""
    f, msg = _f(context), message(update)
    if len(f.files) >= MAX_FILES:
        await msg.reply_text(t("inl_progress_too_many_files", max_files=MAX_FILES))
        return PROGRESS
    with_caption = f"{f.text}\n{msg.caption.strip()}".strip() if msg.caption else f.text
    if len(with_caption) > MAX_PROGRESS:  # refused whole, as typed text is: never cut
        await msg.reply_text(t("inl_progress_too_long", max_len=MAX_PROGRESS))
        return PROGRESS
    if msg.document is not None:
        f.files.append({"file_id": msg.document.file_id, "kind": "document",
                        "name": msg.document.file_name or "",
                        "unique_id": msg.document.file_unique_id})
    else:
        photo = msg.photo[-1]
        f.files.append({"file_id": photo.file_id, "kind": "photo", "name": "",
                        "unique_id": photo.file_unique_id})
    f.text = with_caption
    return await _progress_got(update, context)


async def _progress_got(update: Update, context: HoaTocContext) -> str:
    f = _f(context)
    markup = view.buttons(_nonce(context), ok="inl_btn_send")
    await forms.save(context, PROGRESS)
    await message(update).reply_text(t("inl_progress_got", chars=len(f.text),
                                       files=len(f.files)), reply_markup=markup)
    return PROGRESS


async def pick(update: Update, context: HoaTocContext) -> str:
    """A responder picked to reassign to: confirmed next."""
    query = update.callback_query
    assert query is not None
    if await _stale_tap(update, context):
        return PICK
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.IclPick)
    f, s = _f(context), context.services
    try:
        person = await s.lifecycle.assignable(f.incident_id, tap.person_id)
    except InvalidInput as exc:
        await query.answer(plain(view.error_text(exc, s.settings)), show_alert=True)
        return PICK
    f.assignee_id, f.assignee = person.id, person.full_name
    await query.answer()
    await best_effort(query.edit_message_reply_markup(None), "drop the picker")
    return await _confirm(update, context)


async def pick_priority(update: Update, context: HoaTocContext) -> str:
    """A priority picked: the same one ends here (nothing to change), another is confirmed."""
    query = update.callback_query
    assert query is not None
    if await _stale_tap(update, context):
        return PRIORITY
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.IclPriority)
    f = _f(context)
    await query.answer()
    await best_effort(query.edit_message_reply_markup(None), "drop the picker")
    if tap.priority == f.priority_was:
        await forms.finish(context)
        await message(update).reply_text(t("inl_priority_same", code=f.code, priority=(
            priority_label(Severity(tap.priority)))))
        return forms.END
    f.priority = tap.priority
    return await _confirm(update, context)


async def _change_priority(update: Update, context: HoaTocContext) -> Safe:
    """The service's word on a new priority (it re-checks the right and the state)."""
    f, s = _f(context), context.services
    result = await s.incidents.change_priority(user_id(update), f.incident_id,
                                               Severity(f.priority))
    if result.status == "changed":
        return t("inl_done_priority", code=f.code, old=priority_label(Severity(f.priority_was)),
                 new=priority_label(Severity(f.priority)))
    if result.status == "unchanged":
        return t("inl_priority_same", code=f.code, priority=priority_label(Severity(f.priority)))
    if result.status == "closed":
        return t("inc_n_priority_closed", code=f.code)
    return t("inc_n_priority_refused")


async def send(update: Update, context: HoaTocContext) -> str | None:
    """«Gửi» (the closing or progress report) or «Xác nhận»: the move is made."""
    query = update.callback_query
    assert query is not None
    if await _stale_tap(update, context):
        return None
    return await _make(update, context)


async def _make(update: Update, context: HoaTocContext) -> str:
    """Make the move (the draft dropped in its transaction); say what changed, or why not."""
    f, s, query = _f(context), context.services, update.callback_query
    move, uid = MOVES[f.verb], user_id(update)
    try:
        if move is Move.PRIORITY:
            said = await _change_priority(update, context)
        elif move is Move.PROGRESS:
            moved = await s.lifecycle.progress(uid, f.incident_id, f.text, f.files,
                                               also=forms.dropped_with(context))
        else:
            moved = await s.lifecycle.move(
                uid, f.incident_id, move, reason=f.reason or None,
                assignee_id=f.assignee_id or None, closing=f.closing,
                also=forms.dropped_with(context))
        if move is not Move.PRIORITY:
            said = done_text(moved, move, len(f.files))
    except InvalidInput as exc:
        said = Safe(view.error_text(exc, s.settings))
    await forms.finish(context)  # made, or refused for good: nothing to offer again
    if query is not None:
        await query.answer()
        await best_effort(query.edit_message_reply_markup(None), "drop the buttons")
    await best_effort(message(update).reply_text(said), "say what the move did")
    return forms.END


async def _stale_tap(update: Update, context: HoaTocContext) -> bool:
    """A button of a question asked before the last one: answered, nothing done."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    if (isinstance(tap, cb.IclButton | cb.IclPick | cb.IclPriority)
            and tap.nonce == _f(context).nonce):
        return False
    await query.answer(t("inl_old_button"), show_alert=True)
    return True


async def old_button(update: Update, context: HoaTocContext) -> None:
    """A button of this conversation from a step already passed."""
    await _stale_tap(update, context)


_OK = cb.matches(cb.IclButton, action="ok")
_TYPED = MessageHandler(NEW & ~filters.COMMAND, expect_button)

FORM = forms.Form(
    name="incident_move", title="inl_conv", fields=Fields, cancelled="inl_cancelled",
    entry_points=[CallbackQueryHandler(begin, pattern=cb.matches(cb.IncidentAction,
                                                                 verb=set(ASKED)))],
    steps=[
        forms.Step(REASON, "inl_step_reason", [
            MessageHandler(NEW & filters.TEXT & ~filters.COMMAND, reason)]),
        forms.Step(CLOSING, "inl_step_closing", [
            MessageHandler(NEW & filters.TEXT & ~filters.COMMAND, closing_answer),
            CallbackQueryHandler(closing_skip, pattern=cb.matches(cb.IclButton,
                                                                  action="skip"))]),
        forms.Step(SUMMARY, "inl_step_summary", [CallbackQueryHandler(send, pattern=_OK),
                                                 _TYPED]),
        forms.Step(PROGRESS, "inl_step_progress", [
            MessageHandler(NEW & filters.TEXT & ~filters.COMMAND, progress_text),
            MessageHandler(NEW & (filters.Document.ALL | filters.PHOTO), progress_file),
            CallbackQueryHandler(send, pattern=_OK)]),
        forms.Step(PICK, "inl_step_pick", [
            CallbackQueryHandler(pick, pattern=cb.matches(cb.IclPick)), _TYPED]),
        forms.Step(CONFIRM, "inl_step_confirm", [CallbackQueryHandler(send, pattern=_OK),
                                                 _TYPED]),
        forms.Step(PRIORITY, "inl_step_priority", [
            CallbackQueryHandler(pick_priority, pattern=cb.matches(cb.IclPriority)), _TYPED]),
    ],
    cancel_taps=cb.matches(cb.IclButton, action="no"),
    resume=resume,
    fallbacks=[MessageHandler(NEW & ~filters.COMMAND, expect_text),
               CallbackQueryHandler(old_button, pattern=cb.matches(cb.IclButton, cb.IclPick,
                                                                   cb.IclPriority))],
)

# Outside the conversation: a move with nothing to ask.
HANDLERS = [CallbackQueryHandler(start_work, pattern=cb.matches(cb.IncidentAction,
                                                                verb="start"))]
