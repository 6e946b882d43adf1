"""The Telegram channel: notices rendered to HTML messages with keyboards, queued in the outbox.

`TelegramNotifier` implements `bot.services.ports.Notifier`. Every method writes outbox rows
in the caller's transaction; the `OutboxSender` sends them once it is woken (`flush`).
Each row carries what it is about (`About`) in columns, so that cancelling and routing are
queries. How a notice looks is decided by its key: composed messages (a directive's copy,
an escalation digest, a status message) have a renderer here, any other key is a text of
`bot/texts.py` filled with the notice's values (instants shown in local time).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import from_epoch
from bot.domain.directives import Delivery, Directive, DirectiveStatus
from bot.domain.escalation import SubjectKind
from bot.domain.models import Person
from bot.domain.notices import About, Account, Kind, Notice, Topic, copy_actions
from bot.storage.directives import DirectiveRepository
from bot.storage.escalations import EscalationRepository
from bot.storage.outbox import OutboxOp, OutboxRepository
from bot.storage.people import PeopleRepository
from bot.telegram import directive_view as view
from bot.telegram import incident_view, lifecycle_view, status_view
from bot.telegram.escalation_view import (
    CLAIM_ROOM,
    claim_lines,
    digest_text,
    no_liaison_lines,
    reminder_text,
)
from bot.telegram.keyboards import keyboard, markup_dict
from bot.telegram.render import TEXT_LIMIT, local_time, pack, pack_into, tg_len
from bot.telegram.sender import OutboxSender
from bot.texts import Safe, join, t
from config.settings import Settings

log = logging.getLogger(__name__)

# Reminders to an agency's liaisons (their outbox rows name the agency; digests do not).
REMINDER_KINDS = (SubjectKind.DIRECTIVE_ACK, SubjectKind.DIRECTIVE_RESULT)


@dataclass(frozen=True, slots=True)
class FilePart:
    method: str  # send_document or send_photo
    file_id: str
    caption: str


@dataclass(slots=True)
class Rendered:
    parts: list[Safe]  # the text messages, in order; the last one carries the buttons
    files_before: list[FilePart] = field(default_factory=list)
    files_after: list[FilePart] = field(default_factory=list)


Renderer = Callable[[Notice, Settings, "Delivery | None"], Rendered]


def _file(kind: str | None, file_id: str, caption: str) -> FilePart:
    return FilePart("send_photo" if kind == "photo" else "send_document", file_id, caption)


def _formatted(values: dict[str, Any], settings: Settings) -> dict[str, Any]:
    return {name: local_time(value, settings.tz) if isinstance(value, datetime)
            else view.cite(value) if isinstance(value, Directive) else value
            for name, value in values.items()}


def _text(notice: Notice, settings: Settings, copy: Delivery | None) -> Rendered:
    """Any text key of bot/texts.py, its values as given (instants in local time, a
    directive cited as "văn bản số … (Hỏa tốc)"); about a drill, the banner on top."""
    text = t(notice.key, **_formatted(dict(notice.values), settings))
    drill = any(isinstance(v, Directive) and v.drill for v in notice.values.values())
    return Rendered([join([t("dr_banner"), text]) if drill else text])


def _note(notice: Notice, settings: Settings) -> Safe:
    """A line added under a message already sent (which carries the banner if any)."""
    return t(notice.key, **_formatted(dict(notice.values), settings))


def _directive_copy(notice: Notice, settings: Settings, copy: Delivery | None) -> Rendered:
    """A directive as its recipient gets it: the file, then the text in parts. A late copy
    ("Gửi bổ sung") says so (and that it is overdue); one already acknowledged says by whom."""
    d: Directive = notice.values["directive"]
    if notice.values.get("late"):
        parts = view.late_parts(d, settings, notice.values["now"])
    else:
        parts = view.message_parts(d, settings)
    ack = notice.values.get("ack")
    if ack is not None:
        parts[-1] = view.acked_text(d, settings, notice.values["acker"], ack.acked_at,
                                    ack.late, ack.via, late_copy=True)
    before = [_file(d.file_kind, d.file_id, view.file_caption(d))] if d.file_id else []
    return Rendered(parts, files_before=before)


def _directive_acked(notice: Notice, settings: Settings, copy: Delivery | None) -> Rendered:
    ack = notice.values["ack"]
    return Rendered([view.acked_text(
        notice.values["directive"], settings, notice.values["acker"], ack.acked_at, ack.late,
        ack.via, late_copy=copy is not None and copy.late)])


def _directive_recalled(notice: Notice, settings: Settings, copy: Delivery | None) -> Rendered:
    return Rendered([view.recalled_text(notice.values["directive"], settings,
                                        late_copy=copy is not None and copy.late)])


def _directive_status(notice: Notice, settings: Settings, copy: Delivery | None) -> Rendered:
    v = notice.values
    return Rendered([status_view.status_message(v["overview"], settings, v["now"])])


def _reminder(notice: Notice, settings: Settings, copy: Delivery | None) -> Rendered:
    v = notice.values
    return Rendered([reminder_text(notice.key, v["agency"], v["directive"], v["deadline"],
                                   v["now"], settings)])


def _digest_lines(notice: Notice, settings: Settings) -> list[Safe]:
    v = notice.values
    text = digest_text(v["head"], v["directive"], v["deadline"], v["now"], v["lines"],
                       v["late"], v["nobody_on_duty"], settings,
                       unreachable_on_duty=v.get("unreachable_on_duty", ()),
                       rounds=v.get("rounds", (0, 0)), settled=v.get("settled"),
                       recalled_at=v.get("recalled_at"), extended_to=v.get("extended_to"))
    return [Safe(line) for line in text.split("\n")]


def _digest(notice: Notice, settings: Settings, copy: Delivery | None) -> Rendered:
    """One digest, in parts that leave room for the claim lines an edit adds later."""
    return Rendered(pack(_digest_lines(notice, settings), TEXT_LIMIT - CLAIM_ROOM))


def _result(notice: Notice, settings: Settings, copy: Delivery | None) -> Rendered:
    """A result report for the directive's sender: the text, then its files."""
    v = notice.values
    body = v["text"] or t("res_no_text")
    if v.get("supplement"):  # the agency reported before: this one adds to it
        nth = t("res_nth", number=v["supplement"]) if v["supplement"] > 1 else ""
        text = t("res_notice_supplement", nth=nth, agency=v["agency"], name=v["name"],
                 directive=view.cite(v["directive"]), text=body)
        caption = t("res_caption_supplement", agency=v["agency"], number=v["number"])
    else:
        text = t("res_notice", agency=v["agency"], name=v["name"],
                 directive=view.cite(v["directive"]),
                 late=t("res_notice_late") if v["late"] else "", text=body)
        caption = Safe(html.escape(f"{v['agency']} — {v['number']}", quote=False))
    text = view.bannered(v["directive"], text)
    caption = view.bannered(v["directive"], caption)
    return Rendered([text], files_after=[_file(f["kind"], f["file_id"], caption)
                                         for f in v["files"]])


def _no_liaison(notice: Notice, settings: Settings, copy: Delivery | None) -> Rendered:
    """The sender's list of agencies nobody can be reached at, in parts if it is long."""
    v = notice.values
    return Rendered(pack(no_liaison_lines(v["directive"], v["agencies"], v["paged"],
                                          v.get("team", [])),
                         TEXT_LIMIT))


def _lifecycle(notice: Notice, settings: Settings, copy: Delivery | None) -> Rendered:
    """An incident's change told to its reporter side or team; a progress report's files
    follow its text."""
    v = notice.values
    caption = t("inl_progress_caption", code=v["code"])
    files = [_file(f["kind"], f["file_id"], caption) for f in v.get("files") or []]
    return Rendered(lifecycle_view.notice_parts(notice.key, v, settings.tz), files_after=files)
def _incident_report(notice: Notice, settings: Settings, copy: Delivery | None) -> Rendered:
    """An incident's report to the team: the text in parts that leave room for the line an
    edit adds on top ("Đã được … tiếp nhận"), then its attachments by file_id."""
    return Rendered(pack(incident_view.report_lines(notice.values, settings),
                         TEXT_LIMIT - CLAIM_ROOM),
                    files_after=[_file(kind, file_id, caption) for kind, file_id, caption
                                 in incident_view.file_captions(notice.values)])


def _incident_sent(notice: Notice, settings: Settings, copy: Delivery | None) -> Rendered:
    """The reporter's confirmation of a stored report: its code, priority, lateness."""
    v = notice.values
    return Rendered([t("ir_sent", code=v["code"], priority=incident_view.priority_label(
        v["priority"]), late=t("ir_sent_late") if v["late"] else "")])


def _incident_digest(notice: Notice, settings: Settings, copy: Delivery | None) -> Rendered:
    return Rendered(pack(DIGEST_LINES[notice.key](notice, settings), TEXT_LIMIT - CLAIM_ROOM))


# Notices kept as escalation notice copies and drawn again in place (`edit_notice_copy`):
# their lines, packed the same way when sent and when edited.
DIGEST_LINES: dict[str, Callable[[Notice, Settings], list[Safe]]] = {
    "esc_digest": lambda notice, settings: _digest_lines(notice, settings),
    "inc_n_report": lambda notice, settings: incident_view.report_lines(notice.values,
                                                                        settings),
    "inc_n_digest": lambda notice, settings: incident_view.digest_lines(notice.values,
                                                                        settings),
    "inc_n_stale": lambda notice, settings: incident_view.stale_lines(notice.values, settings),
}


RENDERERS: dict[str, Renderer] = {
    "directive_copy": _directive_copy,
    "directive_acked": _directive_acked,
    "directive_recalled": _directive_recalled,
    "directive_status": _directive_status,
    "esc_reminder": _reminder,
    "esc_reminder_report": _reminder,
    "esc_digest": _digest,
    "result_report": _result,
    "directive_no_liaison": _no_liaison,
    **dict.fromkeys(lifecycle_view.NOTICE_KEYS, _lifecycle),
    "inc_n_report": _incident_report,
    "ir_sent": _incident_sent,
    "inc_n_digest": _incident_digest,
    "inc_n_stale": _incident_digest,
}


def render(notice: Notice, settings: Settings, copy: Delivery | None = None) -> Rendered:
    return RENDERERS.get(notice.key, _text)(notice, settings, copy)


class TelegramNotifier:
    """Notices to Telegram chats through the outbox (see the module's docstring)."""

    def __init__(self, settings: Settings, sender: OutboxSender | None = None) -> None:
        # Without a sender (`hoatoc import`, another process) rows wait for the bot's sender,
        # which polls for rows nobody woke it for.
        self.settings = settings
        self.sender = sender
        self._copy_cache: tuple[tuple[object, ...], Rendered] | None = None

    def reachable(self, person: Person) -> bool:
        return person.chat_id is not None and person.reachable

    async def send(self, conn: aiosqlite.Connection, to: Person | Account | Delivery,
                   notice: Notice, now: int, *, keep_as: int | None = None) -> int:
        chat_id = _chat_of(to)
        rendered = render(notice, self.settings)
        outbox = OutboxRepository(conn)
        markup = markup_dict(keyboard(notice.actions))
        thread = self._thread(notice)
        parts: list[int] = []
        for i, part in enumerate(rendered.parts):
            last = i == len(rendered.parts) - 1
            payload: dict[str, Any] = {"text": part, **thread}
            if last and markup is not None:
                payload["reply_markup"] = markup
            op_id = await outbox.enqueue(chat_id, "send_message", payload, now,
                                         about=notice.about)
            parts.append(op_id)
            if last and keep_as is not None and isinstance(to, Person):
                await EscalationRepository(conn).add_notice_copy(keep_as, to.id, chat_id,
                                                                 op_id, part, parts)
        for f in rendered.files_after:
            await outbox.enqueue(chat_id, f.method, {"file_id": f.file_id, "caption": f.caption},
                                 now, about=notice.about)
        return len(rendered.parts) + len(rendered.files_after)

    async def send_copy(self, conn: aiosqlite.Connection, copy: Delivery, notice: Notice,
                        now: int) -> None:
        """The file (if any), then the text parts; the last one carries the buttons."""
        rendered = self._render_copy(notice)
        outbox = OutboxRepository(conn)
        for f in rendered.files_before:
            await outbox.enqueue(copy.chat_id, f.method, {"file_id": f.file_id,
                                                          "caption": f.caption},
                                 now, delivery_id=copy.id, about=notice.about)
        for part in rendered.parts[:-1]:
            await outbox.enqueue(copy.chat_id, "send_message", {"text": part}, now,
                                 delivery_id=copy.id, about=notice.about)
        # "main": the part the copy is known by (its message id is the delivery's).
        await outbox.enqueue(copy.chat_id, "send_message", {
            "text": rendered.parts[-1], "reply_markup": markup_dict(keyboard(notice.actions)),
            "main": True}, now, delivery_id=copy.id, about=notice.about)

    def _render_copy(self, notice: Notice) -> Rendered:
        """A broadcast renders the same copy for every recipient: once is enough."""
        v = notice.values
        # The directive itself, not its id(): a freed object's id can be reused.
        key = (notice.key, v["directive"], v.get("late"), v.get("now"), v.get("ack"),
               v.get("acker"))
        if self._copy_cache is not None and self._copy_cache[0] == key:
            cached = self._copy_cache[1]
            return Rendered(list(cached.parts), list(cached.files_before))
        rendered = render(notice, self.settings)
        self._copy_cache = (key, rendered)
        return Rendered(list(rendered.parts), list(rendered.files_before))

    async def edit_copy(self, conn: aiosqlite.Connection, copy: Delivery, notice: Notice,
                        now: int, *, landed: int | None = None) -> None:
        [text] = render(notice, self.settings, copy).parts
        payload: dict[str, Any] = {"text": text,
                                   "reply_markup": markup_dict(keyboard(notice.actions))}
        if landed is not None:
            payload["message_id"] = landed
        await OutboxRepository(conn).enqueue(copy.chat_id, "edit_message_text", payload, now,
                                             delivery_id=copy.id, edit_key=f"dlv:{copy.id}",
                                             about=notice.about)

    async def edit_status(self, conn: aiosqlite.Connection, directive: Directive,
                          notice: Notice, now: int) -> bool:
        if directive.status_chat_id is None or directive.status_message_id is None:
            return False
        [text] = render(notice, self.settings).parts
        await OutboxRepository(conn).enqueue(
            directive.status_chat_id, "edit_message_text",
            {"text": text, "message_id": directive.status_message_id,
             "reply_markup": markup_dict(keyboard(notice.actions))},
            now, edit_key=f"status:{directive.id}", about=notice.about)
        return True

    async def edit_notice(self, conn: aiosqlite.Connection, notice_id: int, notice: Notice,
                          now: int) -> None:
        """Every kept copy of a digest shows who takes which agencies (`handlers`, as many
        lines as its room allows); the buttons left are the notice's actions."""
        markup = markup_dict(keyboard(notice.actions))
        handlers: list[tuple[str, list[str]]] = notice.values["handlers"]
        outbox = OutboxRepository(conn)
        for _, chat_id, outbox_id, copy_text in await EscalationRepository(conn).notice_copies(
                notice_id):
            lines = claim_lines(handlers, TEXT_LIMIT - tg_len(copy_text))
            await outbox.enqueue(chat_id, "edit_message_text", {
                "text": join([Safe(copy_text), *lines], ""), "target_op": outbox_id,
                "reply_markup": markup}, now, edit_key=f"escn:{notice_id}:{chat_id}",
                about=notice.about)

    async def edit_reminders(self, conn: aiosqlite.Connection, copy: Delivery,
                             kinds: Collection[Kind], notice: Notice, now: int) -> None:
        """Every reminder of these kinds that reached the copy's chat keeps its text and
        gets the notice under it (why it is no longer due), with the notice's buttons."""
        outbox = OutboxRepository(conn)
        assert notice.about.id is not None
        for op_id, message_id, text in await outbox.reminders_landed(
                kinds, notice.about.id, copy.agency_id, copy.person_id, copy.chat_id):
            await _edit_reminder(outbox, copy.chat_id, op_id, message_id, text, notice,
                                 self.settings, now)

    async def edit_notice_copy(self, conn: aiosqlite.Connection, notice_id: int,
                               person_id: int, notice: Notice, now: int) -> None:
        """One kept copy of a digest drawn again, every part of it (as many parts as it was
        sent in); the claim lines (`handlers`) end the last part, which has the buttons."""
        copy = await EscalationRepository(conn).kept_copy(notice_id, person_id)
        if copy is None or not copy.parts:
            return
        parts = pack_into(DIGEST_LINES[notice.key](notice, self.settings), len(copy.parts),
                          TEXT_LIMIT - CLAIM_ROOM)
        if parts is None:
            log.warning("digest %s of person %s no longer fits its %d message(s); left as is",
                        notice_id, person_id, len(copy.parts))
            return
        handlers: list[tuple[str, list[str]]] = notice.values.get("handlers", [])
        parts[-1] = join([parts[-1], *claim_lines(handlers, TEXT_LIMIT - tg_len(parts[-1]))],
                         "")
        markup = markup_dict(keyboard(notice.actions))
        outbox = OutboxRepository(conn)
        for i, (op_id, text) in enumerate(zip(copy.parts, parts, strict=True)):
            last = i == len(parts) - 1
            payload = {"text": text, "target_op": op_id,
                       "reply_markup": markup if last else None}
            await _edit(outbox, copy.chat_id, op_id, f"escp:{notice_id}:{person_id}:{i}",
                        payload, now, notice.about)

    async def cancel(self, conn: aiosqlite.Connection, kinds: Collection[Kind],
                     subject_id: int, reason: str, now: int, *,
                     agency_id: int | None = None) -> tuple[int, ...]:
        return tuple(await OutboxRepository(conn).cancel(kinds, subject_id, reason, now,
                                                         agency_id=agency_id))

    def flush(self, cancelled: tuple[int, ...] = ()) -> None:
        if self.sender is None:
            return
        if cancelled:
            self.sender.forget(list(cancelled))
        self.sender.wake()

    @staticmethod
    def _thread(notice: Notice) -> dict[str, int]:
        if notice.under is None:
            return {}
        copy = notice.under.copy
        if copy.message_id is not None:
            return {"reply_to": copy.message_id}
        # Still on its way: the sender finds its message id when it sends (the copy goes
        # first: same chat, in order).
        return {"reply_to_delivery": copy.id} if notice.under.queued_too else {}


async def _edit(outbox: OutboxRepository, chat_id: int, op_id: int, key: str,
                payload: dict[str, Any], now: int, about: About) -> None:
    """Queue an edit of the message `op_id` sent, unless it already shows that (each edit
    costs a send in the chat's one-per-second budget; Telegram refuses a no-op edit)."""
    shown = await outbox.latest_payload(key, op_id)
    if shown is not None and (shown.get("text"), shown.get("reply_markup")) == (
            payload["text"], payload["reply_markup"]):
        return
    await outbox.enqueue(chat_id, "edit_message_text", payload, now, edit_key=key, about=about)


async def _edit_reminder(outbox: OutboxRepository, chat_id: int, op_id: int, message_id: int,
                         text: str, notice: Notice, settings: Settings, now: int) -> None:
    """A reminder keeps the text it was sent with, the notice under it, the notice's buttons
    (always from the text as sent: a second change replaces the first one's line)."""
    note = _note(notice, settings)
    payload = {"text": join([Safe(text), note], "\n\n"), "message_id": message_id,
               "reply_markup": markup_dict(keyboard(notice.actions))}
    await _edit(outbox, chat_id, op_id, f"rem:{op_id}", payload, now, notice.about)


def _chat_of(to: Person | Account | Delivery) -> int:
    if isinstance(to, Account):
        return to.user_id  # a private chat's id is its user's id
    assert to.chat_id is not None
    return to.chat_id


class LateCopies:
    """A copy in flight when its directive was recalled landed after: withdraw it as the
    copies sent before the recall were (rewritten, and the recall notice under it). The
    sender calls this inside the transaction that records the landing."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def __call__(self, conn: aiosqlite.Connection, op: OutboxOp,
                       message_id: int | None, now: int) -> None:
        if (op.subject_kind in REMINDER_KINDS and op.method == "send_message"
                and message_id is not None):
            await self._reminder(conn, op, message_id, now)
            return
        if (op.delivery_id is None or message_id is None or op.subject_id is None
                or op.subject_kind != Topic.DIRECTIVE):
            return  # not a copy of a directive (a notice): nothing to withdraw
        repo = DirectiveRepository(conn)
        d = await repo.get(op.subject_id)
        if d.status is not DirectiveStatus.RECALLED:
            return
        outbox = OutboxRepository(conn)
        dl = await repo.delivery(op.delivery_id)
        about = op_about(op, dl)
        if op.payload.get("main"):
            text = view.recalled_text(d, self.settings, late_copy=dl is not None and dl.late)
            await outbox.enqueue(op.chat_id, "edit_message_text", {
                "text": text, "reply_markup": None, "message_id": message_id}, now,
                delivery_id=op.delivery_id, edit_key=f"dlv:{op.delivery_id}", about=about)
        assert d.recalled_at is not None
        notice = view.bannered(d, t("notice_recalled", directive=view.cite(d),
                                    summary=d.summary,
                                    time=local_time(d.recalled_at, self.settings.tz)))
        await outbox.enqueue(op.chat_id, "send_message", {"text": notice, "reply_to": message_id},
                             now, about=about)


    async def _reminder(self, conn: aiosqlite.Connection, op: OutboxOp, message_id: int,
                        now: int) -> None:
        """A reminder in flight when its agency confirmed (or reported), or its directive
        was recalled, landed after: it says why it is no longer due, as those sent before."""
        if (op.subject_kind is None or op.subject_id is None or op.agency_id is None
                or op.person_id is None):
            return  # a digest (no agency): drawn again by the change itself
        repo = DirectiveRepository(conn)
        d = await repo.get(op.subject_id)
        dl = await repo.delivery_of(d.id, op.person_id)
        about = About(SubjectKind(op.subject_kind), d.id, op.agency_id, op.person_id)
        notice: Notice | None = None
        if d.status is DirectiveStatus.RECALLED:
            notice = Notice("esc_reminder_recalled", about, {"time": d.recalled_at or from_epoch(now)})
        elif op.subject_kind == SubjectKind.DIRECTIVE_ACK:
            ack = await repo.ack_of(d.id, op.agency_id)
            if ack is not None:
                acker = await PeopleRepository(conn).get(ack.person_id)
                notice = Notice(
                    "esc_reminder_acked_phone" if ack.via == "phone" else "esc_reminder_acked",
                    about, {"time": ack.acked_at, "name": acker.full_name},
                    copy_actions(d, dl.id, acked=True) if dl is not None else ())
        else:
            reports = [r for r in await repo.result_reports(d.id)
                       if r["agency_id"] == op.agency_id]
            if reports:
                reporter = await PeopleRepository(conn).get(reports[0]["person_id"])
                notice = Notice("esc_reminder_reported", about, {
                    "time": from_epoch(reports[0]["created_at"]), "name": reporter.full_name})
        if notice is not None:
            await _edit_reminder(OutboxRepository(conn), op.chat_id, op.id, message_id,
                                 op.payload["text"], notice, self.settings, now)


def op_about(op: OutboxOp, dl: Delivery | None) -> About:
    return About(Topic.DIRECTIVE, op.subject_id,
                 dl.agency_id if dl is not None else None,
                 dl.person_id if dl is not None else None)
