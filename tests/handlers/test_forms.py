"""The form builder on two toy forms: steps, re-entry, the one-at-a-time guard, /cancel,
edits, the timeout on the bot's clock, and a draft taken up again after a restart.

No network: updates are built in memory and the bot is a recorder of what would be sent.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any, Self

import pytest
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.clock import FakeClock
from bot.storage.db import Database
from bot.storage.drafts import Drafts
from bot.telegram import callbacks as cb
from bot.texts import t
from handlers import forms
from handlers.common import NEW, message

USER = 42


class Recorder:
    """Stands in for the bot: keeps what would have been sent."""

    username = "toy_bot"
    defaults = None

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.alerts: list[str] = []

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        self.sent.append(text)

    async def answer_callback_query(self, callback_query_id: str, text: str | None = None,
                                    show_alert: bool = False, **_: Any) -> None:
        if text:
            self.alerts.append(text)

    async def edit_message_reply_markup(self, **_: Any) -> None:
        pass


@dataclass
class Toy:
    name: str = ""
    age: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(**data)


async def start(update: Update, context: Any) -> str:
    await message(update).reply_text("name?")
    return await forms.save(context, "name")


async def name(update: Update, context: Any) -> str:
    forms.state(context, Toy).name = message(update).text or ""
    await forms.save(context, "age")
    await message(update).reply_text("age?")
    return "age"


async def age(update: Update, context: Any) -> str:
    toy = forms.state(context, Toy)
    await forms.finish(context)
    await message(update).reply_text(f"done: {toy.name}, {message(update).text}")
    return forms.END


async def stray(update: Update, context: Any) -> None:
    await message(update).reply_text("text please")


async def refuse(update: Update, context: Any) -> None:
    if (message(update).text or "").endswith("no"):
        raise PermissionError("not you")


TEXT = NEW & filters.TEXT & ~filters.COMMAND
TOY = forms.Form(
    name="toy", title="conv_broadcast", fields=Toy, cancelled="bc_cancelled", admit=refuse,
    entry_points=[CommandHandler("toy", start, filters=NEW)],
    steps=[forms.Step("name", "bc_field_number", [MessageHandler(TEXT, name)]),
           forms.Step("age", "bc_field_issuer", [MessageHandler(TEXT, age)])],
    cancel_taps=cb.matches(cb.BroadcastButton, action="cancel"),
    fallbacks=[MessageHandler(NEW & ~filters.COMMAND & ~TEXT, stray)],
)


async def other_start(update: Update, context: Any) -> str:
    return "only"


OTHER = forms.Form(
    name="other", title="conv_duty", fields=Toy, cancelled="duty_cancelled",
    entry_points=[CallbackQueryHandler(other_start, pattern=cb.matches(cb.OpenResult))],
    steps=[forms.Step("only", "duty_step_person", [MessageHandler(TEXT, name)])],
)


class Bot:
    """Two forms over one drafts table, fed updates the way PTB's Application would."""

    def __init__(self, db: Database, clock: FakeClock) -> None:
        self.db, self.clock, self.out = db, clock, Recorder()
        self.restart()
        self._ids = iter(range(1, 10_000))

    def restart(self) -> None:
        self.drafts = Drafts(self.db, self.clock, timeout=timedelta(hours=1))
        builder = forms.Forms(self.drafts)
        self.handlers = [builder.handler(TOY), builder.handler(OTHER)]

    def _update(self, content: dict[str, Any]) -> Update:
        n = next(self._ids)
        chat = {"id": USER, "type": "private"}
        sender = {"id": USER, "is_bot": False, "first_name": "Lan"}
        if "data" in content:
            body: dict[str, Any] = {"callback_query": {
                "id": str(n), "from": sender, "chat_instance": "c", "data": content["data"],
                "message": {"message_id": 1, "date": 1, "chat": chat, "text": "..."}}}
        else:
            kind = "edited_message" if content.pop("edited", False) else "message"
            body = {kind: {"message_id": n, "date": 1, "chat": chat, "from": sender, **content}}
            if kind == "edited_message":
                body[kind]["edit_date"] = 2
        return Update.de_json({"update_id": n, **body}, self.out)  # type: ignore[arg-type]

    async def feed(self, content: dict[str, Any]) -> bool:
        """One update through the forms; False when no form takes it."""
        update = self._update(content)
        for handler in self.handlers:
            check = handler.check_update(update)
            if check is not None:
                context = SimpleNamespace(form=None, args=None, matches=None)
                await handler.handle_update(update, None, check, context)  # type: ignore[arg-type]
                return True
        return False

    async def say(self, text: str) -> bool:
        entities = ([{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
                    if text.startswith("/") else [])
        return await self.feed({"text": text, "entities": entities})

    async def stored(self, form: str = "toy") -> tuple[str, dict[str, Any]] | None:
        draft = await self.drafts.get(USER, form)
        return (draft.step, draft.answers) if draft is not None else None


@pytest.fixture
def bot(db: Database, clock: FakeClock) -> Bot:
    return Bot(db, clock)


async def test_steps_store_answers_and_end(bot: Bot) -> None:
    assert not await bot.say("Lan")  # no draft: plain text is not the form's
    assert await bot.say("/toy")
    assert await bot.stored() == ("name", {"name": "", "age": ""})
    assert await bot.say("Lan")
    assert await bot.stored() == ("age", {"name": "Lan", "age": ""})
    assert await bot.say("40")
    assert bot.out.sent == ["name?", "age?", "done: Lan, 40"]
    assert await bot.stored() is None and bot.drafts.conversations(USER) == []
    assert not await bot.say("more")  # over


async def test_reentry_starts_afresh_and_admission_comes_first(bot: Bot) -> None:
    await bot.say("/toy")
    await bot.say("Lan")
    await bot.say("/toy")
    assert await bot.stored() == ("name", {"name": "", "age": ""})
    with pytest.raises(PermissionError):
        await bot.say("/toy no")
    assert await bot.stored() == ("name", {"name": "", "age": ""})  # untouched


async def test_one_conversation_at_a_time(bot: Bot) -> None:
    await bot.say("/toy")
    await bot.say("Lan")
    assert await bot.feed({"data": "rep:5"})  # the other form's entry, by a tap
    assert bot.out.alerts == [t("conv_busy", what=t("conv_broadcast")).replace("<b>", "")
                              .replace("</b>", "")]
    assert await bot.stored("other") is None
    assert await bot.stored() == ("age", {"name": "Lan", "age": ""})  # going on
    await bot.say("/cancel")
    assert await bot.feed({"data": "rep:5"})
    assert await bot.stored("other") == ("only", {"name": "", "age": ""})
    assert await bot.say("/toy")  # and now the other way round, by a command
    assert bot.out.sent[-1] == t("conv_busy", what=t("conv_duty"))
    assert await bot.stored() is None


async def test_cancel_by_command_or_button_and_stray_input(bot: Bot) -> None:
    await bot.say("/toy")
    assert await bot.feed({"sticker": {"file_id": "s", "file_unique_id": "u", "width": 1,
                                       "height": 1, "is_animated": False, "is_video": False,
                                       "type": "regular"}})
    assert bot.out.sent[-1] == "text please"
    assert await bot.say("/cancel")
    assert bot.out.sent[-1] == t("bc_cancelled")
    assert await bot.stored() is None
    assert not await bot.say("/cancel")  # nothing left: the main handlers answer that
    await bot.say("/toy")
    assert await bot.feed({"data": "bc:cancel"})
    assert bot.out.sent[-1] == t("bc_cancelled") and await bot.stored() is None
    assert not await bot.feed({"data": "bc:cancel"})  # an old «Hủy» is nobody's now


async def test_an_edit_is_not_an_answer(bot: Bot) -> None:
    await bot.say("/toy")
    assert await bot.feed({"text": "Minh", "edited": True})
    assert bot.out.sent[-1] == t("conv_edited")
    assert await bot.stored() == ("name", {"name": "", "age": ""})


async def test_timeout_on_the_bots_clock(bot: Bot, clock: FakeClock) -> None:
    await bot.say("/toy")
    clock.advance(hours=1)
    await bot.say("Lan")  # exactly the timeout: still on, and the answer restarts it
    assert await bot.stored() == ("age", {"name": "Lan", "age": ""})
    clock.advance(hours=1, seconds=1)
    assert await bot.say("40")  # the draft's, but too late: dropped, and said
    assert bot.out.sent[-1] == t("conv_expired", what=t("conv_broadcast"), minutes=60)
    assert await bot.stored() is None
    assert not await bot.say("40")


async def test_a_timed_out_draft_does_not_keep_another_form_out(bot: Bot, clock: FakeClock) -> None:
    await bot.say("/toy")
    clock.advance(hours=2)
    assert await bot.feed({"data": "rep:5"})
    assert bot.out.sent[-1] == t("conv_expired", what=t("conv_broadcast"), minutes=60)
    assert await bot.stored() is None and await bot.stored("other") is not None


async def test_restart_takes_the_draft_up_where_it_was(bot: Bot) -> None:
    await bot.say("/toy")
    await bot.say("Lan")
    bot.restart()  # a new process: nothing in memory
    assert not await bot.say("40")  # the index is not loaded yet
    await bot.drafts.load()
    assert await bot.say("40")
    assert bot.out.sent[-2:] == [
        t("conv_resumed", what=t("conv_broadcast"), step=t("bc_field_issuer")),
        "done: Lan, 40"]
    assert await bot.stored() is None


async def test_resumed_is_said_once(bot: Bot) -> None:
    await bot.say("/toy")
    bot.restart()
    await bot.drafts.load()
    await bot.feed({"text": "Lan", "edited": True})
    await bot.say("Lan")
    assert [m for m in bot.out.sent if m.startswith("↩️")] == [
        t("conv_resumed", what=t("conv_broadcast"), step=t("bc_field_number"))]
    assert bot.out.sent[-1] == "age?"


def test_a_form_rejects_duplicate_or_reserved_step_names() -> None:
    with pytest.raises(ValueError, match="unique"):
        forms.Form(name="x", title="conv_duty", fields=Toy, cancelled="duty_cancelled",
                   entry_points=[], steps=[forms.Step("a", "duty_step_to", []),
                                           forms.Step("a", "duty_step_to", [])])
    with pytest.raises(ValueError, match="unique"):
        forms.Form(name="x", title="conv_duty", fields=Toy, cancelled="duty_cancelled",
                   entry_points=[], steps=[forms.Step(forms.END, "duty_step_to", [])])


def test_every_conversation_names_its_steps() -> None:
    from bot.texts import TEXTS
    from handlers import FORMS

    assert len({f.name for f in FORMS}) == len(FORMS)
    for form in FORMS:
        keys = [form.title, form.cancelled, *(s.label for s in form.steps)]
        assert all(key in TEXTS for key in keys), form.name
