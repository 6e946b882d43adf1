"""Conversations as forms: each is a table of steps, its draft kept in the drafts table.

PTB's ConversationHandler keeps its state in memory, so a restart lost every half-written
directive, and each of our four conversations repeated its timeout, /cancel, re-entry and
"one at a time" code. Here a `Form` says what is particular to a conversation (entry
points, steps, its own stray-input answers); `FormHandler` does the rest the same way for
all of them, with the step and the answers read from and written to the drafts table:

- an update is the form's when it is an entry point, or when the person has a draft of
  this form and it matches the draft's step or the form's fallbacks (`/cancel`, an edited
  message, the form's own buttons and stray-input answers), as in ConversationHandler;
- an entry point runs the form's admission check, then refuses while another form is in
  progress ("you are already doing X"), then starts a fresh draft (re-entry restarts);
- a step callback finds the draft's fields in `context.form` and returns the next step,
  None to stay, or END; the draft is saved (or dropped at END) after it returns;
- a draft idle for the timeout is dropped, with a message, when next touched;
- a draft from before a restart is taken up again where it was, saying so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Final, Protocol, Self, TypeVar, cast

from telegram import Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import HoaTocContext
from bot.services.ports import InCommit
from bot.storage.drafts import Drafts, StoredDraft
from bot.telegram.render import plain
from bot.texts import t
from handlers.common import NEW, edits_ignored, message

END: Final = "end"  # what a step callback returns when the conversation is over

Handler = BaseHandler[Update, HoaTocContext, Any]
# A step's callback: the next step, None to stay at this one, or END.
Callback = Callable[[Update, HoaTocContext], Coroutine[Any, Any, str | None]]


class FormState(Protocol):
    """A form's fields: a fresh one for a new draft, to and from the draft's JSON answers."""

    def __init__(self) -> None: ...

    def to_json(self) -> dict[str, Any]: ...

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self: ...


S = TypeVar("S")


@dataclass
class FormDraft:
    """The draft an update belongs to, as its step callback sees it (`context.form`)."""

    fields: FormState
    step: str | None  # None until an entry point's first step is saved
    _save: Callable[[str, dict[str, Any]], Awaitable[None]]
    _drop: Callable[[], Awaitable[None]]
    saved: tuple[str, dict[str, Any]] | None = None  # what the table holds now, when known
    finished: bool = False
    # Deletes the draft's row inside another transaction (see `dropped_with`).
    drop_in: InCommit | None = None

    async def save(self, step: str) -> None:
        answers = self.fields.to_json()
        await self._save(step, answers)
        self.step, self.saved = step, (step, answers)

    async def finish(self) -> None:
        await self._drop()
        self.finished = True


def _draft(context: HoaTocContext) -> FormDraft:
    draft = context.form
    if not isinstance(draft, FormDraft):
        raise RuntimeError("this update belongs to no form")
    return draft


def state(context: HoaTocContext, kind: type[S]) -> S:
    """The fields of the draft this update belongs to (set by FormHandler for the callback)."""
    fields = _draft(context).fields
    if not isinstance(fields, kind):
        raise RuntimeError(f"no {kind.__name__} draft for this update")
    return fields


def step(context: HoaTocContext) -> str | None:
    """The step of the draft this update belongs to (None for a fresh one)."""
    return _draft(context).step


async def save(context: HoaTocContext, step: str) -> str:
    """Store the draft at `step` now, before telling the person anything that relies on it
    (the next question, "received"): a restart then resumes where they were told they are.
    The draft is stored anyway once the callback returns."""
    await _draft(context).save(step)
    return step


def dropped_with(context: HoaTocContext) -> InCommit:
    """The draft's row, deleted inside the transaction that commits its work: a crash right
    after the commit leaves no draft to offer «Gửi» again. `finish` follows as usual."""
    drop_in = _draft(context).drop_in
    assert drop_in is not None
    return drop_in


async def finish(context: HoaTocContext) -> str:
    """Drop the draft now: its work is committed (a directive sent, a report stored), so no
    restart may offer to do it again. Returns END."""
    await _draft(context).finish()
    return END


@dataclass(frozen=True)
class Step:
    name: str
    label: str  # text key: what the step asks for, named when a draft is taken up again
    handlers: Sequence[Handler]


@dataclass(frozen=True)
class Form:
    name: str  # the draft's `conversation`; never rename one with drafts in the table
    title: str  # text key of what a person is doing: "Anh/Chị đang {title} dở"
    fields: type[FormState]
    entry_points: Sequence[Handler]
    steps: Sequence[Step]
    cancelled: str  # text key of the reply to /cancel or the form's «Hủy»
    cancel_taps: Callable[[object], bool] | None = None  # the form's «Hủy» buttons
    fallbacks: Sequence[Handler] = ()  # after /cancel, edits and «Hủy»: stray input, old taps
    # Checked before anything else when an entry point matches (who may start it at all).
    admit: Callable[[Update, HoaTocContext], Awaitable[None]] | None = None
    # Re-entry while a draft is in progress takes the draft up again (this callback shows its
    # step) instead of starting afresh: a second /report must not lose a half-filled report.
    resume: Callback | None = None

    def __post_init__(self) -> None:
        names = [s.name for s in self.steps]
        if END in names or len(set(names)) != len(names):
            raise ValueError(f"form {self.name}: step names must be unique and not {END!r}")


@dataclass
class Forms:
    """Builds the form handlers; knows every form, to name the one a person is busy with."""

    drafts: Drafts
    _titles: dict[str, str] = field(default_factory=dict)

    def handler(self, form: Form) -> FormHandler:
        self._titles[form.name] = form.title
        return FormHandler(form, self.drafts, self._titles)


async def _noop(update: Update, context: HoaTocContext) -> None:
    """Never called: FormHandler overrides handle_update."""


class FormHandler(BaseHandler[Update, HoaTocContext, None]):
    """One conversation: its entry points, its steps, its fallbacks; the draft in the table."""

    def __init__(self, form: Form, drafts: Drafts, titles: Mapping[str, str]) -> None:
        super().__init__(_noop)
        self.form = form
        self.name = form.name
        self.drafts = drafts
        self.titles = titles
        leave = _leaver(form.cancelled)
        self.entry_points: list[Handler] = list(form.entry_points)
        self.states: dict[str, list[Handler]] = {s.name: list(s.handlers) for s in form.steps}
        self.labels = {s.name: s.label for s in form.steps}
        self.fallbacks: list[Handler] = [
            CommandHandler("cancel", leave, filters=NEW),
            edits_ignored(),
            *([CallbackQueryHandler(leave, pattern=form.cancel_taps)] if form.cancel_taps else []),
            *form.fallbacks,
        ]

    def check_update(self, update: object) -> tuple[bool, Handler, object] | None:
        """(is it an entry point, the handler that takes it, its check result), or None."""
        if not isinstance(update, Update) or update.effective_user is None:
            return None
        for handler in self.entry_points:  # re-entry: a new /broadcast starts afresh
            check = handler.check_update(update)
            if check is not None and check is not False:
                return True, handler, check
        step = self.drafts.step(update.effective_user.id, self.name)
        if step is None:
            return None
        for handler in [*self.states.get(step, []), *self.fallbacks]:
            check = handler.check_update(update)
            if check is not None and check is not False:
                return False, handler, check
        return None

    async def handle_update(
        self, update: Update, application: Application[Any, HoaTocContext, Any, Any, Any, Any],
        check_result: object, context: HoaTocContext,
    ) -> None:
        entry, handler, check = cast(tuple[bool, Handler, object], check_result)
        assert update.effective_user is not None
        user_id = update.effective_user.id
        if entry:
            if self.form.admit is not None:
                await self.form.admit(update, context)
            if await self._busy(update, user_id):
                return
            fields: FormState = self.form.fields()
            step: str | None = None
            resume = await self._resumable(user_id)
            if resume is not None:
                fields, step = self.form.fields.from_json(resume.answers), resume.step
        else:
            stored = await self.drafts.get(user_id, self.name)
            if stored is None or self.drafts.expired(stored):
                await self._expire(update, user_id)
                return
            # Said when an answer to its step takes the draft up: /cancel, an edit or a stale
            # tap after a restart is not told that the draft goes on.
            if (self.drafts.restored(user_id, self.name)
                    and handler in self.states.get(stored.step, [])):
                self.drafts.taken_up(user_id, self.name)
                await message(update).reply_text(t(
                    "conv_resumed", what=t(self.form.title),
                    step=t(self.labels.get(stored.step, self.form.title))))
            fields, step = self.form.fields.from_json(stored.answers), stored.step
        draft = FormDraft(fields, step, partial(self._save, user_id), partial(self._drop, user_id),
                          drop_in=partial(self.drafts.drop_in, user_id=user_id,
                                          conversation=self.name))
        context.form = draft
        try:
            if entry and step is not None and self.form.resume is not None:
                result = await self.form.resume(update, context)
            else:
                result = await handler.handle_update(update, application, check, context)
        finally:
            context.form = None
        if result == END:
            if not draft.finished:
                await self._drop(user_id)
            return
        step = result if result is not None else draft.step
        if step is None or draft.finished:
            raise RuntimeError(f"form {self.name}: {handler.callback.__name__} returned {result!r}")
        if draft.saved != (step, fields.to_json()):
            await self._save(user_id, step, fields.to_json())

    async def _resumable(self, user_id: int) -> StoredDraft | None:
        """The draft a re-entry takes up again (the form resumes), or None."""
        if self.form.resume is None:
            return None
        stored = await self.drafts.get(user_id, self.name)
        if stored is None or self.drafts.expired(stored) or stored.step not in self.states:
            return None
        if self.drafts.restored(user_id, self.name):
            self.drafts.taken_up(user_id, self.name)
        return stored

    async def _save(self, user_id: int, step: str, answers: dict[str, Any]) -> None:
        if step not in self.states:
            raise RuntimeError(f"form {self.name} has no step {step!r}")
        await self.drafts.save(user_id, self.name, step, answers)

    async def _drop(self, user_id: int) -> None:
        await self.drafts.drop(user_id, self.name)

    async def _busy(self, update: Update, user_id: int) -> bool:
        """Is another form in progress? Say which (one at a time); drop those that timed out."""
        for name in self.drafts.conversations(user_id):
            if name == self.name:
                continue
            stored = await self.drafts.get(user_id, name)
            if stored is None or self.drafts.expired(stored):
                await self.drafts.drop(user_id, name)
                if stored is not None:
                    await message(update).reply_text(self._expired_text(name))
                continue
            text = t("conv_busy", what=t(self.titles.get(name, name)))
            query = update.callback_query
            if query is not None:
                await query.answer(plain(text), show_alert=True)
            else:
                await message(update).reply_text(text)
            return True
        return False

    async def _expire(self, update: Update, user_id: int) -> None:
        """The draft timed out: drop it and say so; the update that found it is spent."""
        found = await self.drafts.drop(user_id, self.name)
        if update.callback_query is not None:
            await update.callback_query.answer()
        if found:
            await message(update).reply_text(self._expired_text(self.name))

    def _expired_text(self, name: str) -> str:
        minutes = int(self.drafts.timeout.total_seconds() // 60)
        return t("conv_expired", what=t(self.titles.get(name, name)), minutes=minutes)


def _leaver(text_key: str) -> Callback:
    async def leave(update: Update, context: HoaTocContext) -> str:
        """/cancel or «Hủy»: the draft goes (before anyone is told), the keyboard too; say so."""
        await _draft(context).finish()
        query = update.callback_query
        if query is not None:
            await query.answer()
            await query.edit_message_reply_markup(None)
        await message(update).reply_text(t(text_key))
        return END
    return leave
