"""/invite without arguments: role, then (for a liaison) agency, then the people offered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self, cast

from telegram import CallbackQuery, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import HoaTocContext
from bot.domain.invites import INVITE_KINDS, spec_of
from bot.domain.models import Role
from bot.telegram import callbacks as cb
from bot.telegram import invite_view as view
from bot.telegram.broadcast_view import matching
from bot.texts import label, t
from handlers import forms
from handlers.admin import offer
from handlers.common import (
    NEW,
    best_effort,
    expect_button,
    expect_text,
    message,
    require,
    user_id,
)

ROLE, AGENCY = "role", "agency"


@dataclass
class Fields:
    """The role picked, and where the admin is in the agency picker."""

    kind: cb.InviteKindName | None = None
    filter: str | None = None
    page: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "filter": self.filter, "page": self.page}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        kind = data.get("kind")
        return cls(cast(cb.InviteKindName, kind) if kind in INVITE_KINDS else None,
                   data.get("filter"), int(data.get("page") or 0))


async def admit(update: Update, context: HoaTocContext) -> None:
    """Admins only."""
    await require(update, context, Role.ADMIN, "invite")


async def start(update: Update, context: HoaTocContext) -> str:
    """/invite: which role?"""
    super_admin = user_id(update) in context.services.onboarding.super_admins
    await forms.save(context, ROLE)
    await message(update).reply_text(t("iv_ask_role"),
                                     reply_markup=view.role_keyboard(super_admin))
    return ROLE


async def _answer(update: Update) -> CallbackQuery:
    query = update.callback_query
    assert query is not None
    await query.answer()
    return query


async def role(update: Update, context: HoaTocContext) -> str:
    """A liaison's role asks for the agency; the others go straight to the people offered."""
    query = await _answer(update)
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.InviteRole)
    fields = forms.state(context, Fields)
    fields.kind, fields.filter, fields.page = tap.kind, None, 0
    # The next step comes whatever Telegram says to this edit (a message too old, deleted).
    await best_effort(query.edit_message_reply_markup(None), "drop the invite role buttons")
    if tap.kind in ("liaison", "backup"):
        await forms.save(context, AGENCY)
        text, markup = await _picker(context)
        await message(update).reply_text(text, reply_markup=markup)
        return AGENCY
    _, people = await context.services.onboarding.candidates(user_id(update), spec_of(tap.kind))
    await forms.finish(context)
    await offer(update, tap.kind, None, people)
    return forms.END


async def _picker(context: HoaTocContext) -> tuple[str, Any]:
    fields = forms.state(context, Fields)
    _, agencies = await context.services.broadcast.catalog()
    shown = matching(agencies, fields.filter)
    extra = t("bc_filter_line", text=fields.filter, count=len(shown)) if fields.filter else ""
    rank = label("rank_backup" if fields.kind == "backup" else "rank_primary")
    text = t("iv_ask_agency", rank=rank, filter=extra)
    return text, view.agency_keyboard(shown, fields.page, filtered=bool(fields.filter))


async def turn(update: Update, context: HoaTocContext) -> str:
    """A page turned, or the filter cleared."""
    query = await _answer(update)
    tap = cb.parse(query.data)
    fields = forms.state(context, Fields)
    if isinstance(tap, cb.InvitePage):
        fields.page = tap.page
    else:
        fields.filter, fields.page = None, 0
    await forms.save(context, AGENCY)
    text, markup = await _picker(context)
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:  # the same page again
        if "not modified" not in str(exc).lower():
            raise
    return AGENCY


async def typed_filter(update: Update, context: HoaTocContext) -> str:
    """Typed text filters the agencies, as in /broadcast."""
    fields = forms.state(context, Fields)
    query = (message(update).text or "").strip()[:60]
    _, agencies = await context.services.broadcast.catalog()
    if not matching(agencies, query):
        await message(update).reply_text(t("bc_filter_empty", text=query))
        return AGENCY
    fields.filter, fields.page = query, 0
    await forms.save(context, AGENCY)
    text, markup = await _picker(context)
    await message(update).reply_text(text, reply_markup=markup)
    return AGENCY


async def agency(update: Update, context: HoaTocContext) -> str:
    """The agency picked: its imported liaisons not on the bot, and «+ người mới»."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.InviteAgency)
    kind = forms.state(context, Fields).kind
    assert kind is not None
    found, people = await context.services.onboarding.candidates(
        user_id(update), spec_of(kind, tap.agency_id))
    await query.answer()
    await forms.finish(context)
    await best_effort(query.edit_message_reply_markup(None), "drop the invite agency picker")
    await offer(update, kind, found, people)
    return forms.END


async def page_label(update: Update, context: HoaTocContext) -> None:
    """«Trang n/N» is a label, not a button."""
    await _answer(update)


async def stale(update: Update, context: HoaTocContext) -> None:
    """An /invite button from an earlier step."""
    assert update.callback_query is not None
    await update.callback_query.answer(t("iv_stale_button"))


def _tap(callback: forms.Callback, *kinds: type[cb.Tap], **fields: object) -> forms.Handler:
    return CallbackQueryHandler(callback, pattern=cb.matches(*kinds, **fields))


TEXT = NEW & filters.TEXT & ~filters.COMMAND

FORM = forms.Form(
    name="invite", title="conv_invite", fields=Fields, cancelled="iv_cancelled", admit=admit,
    # With arguments, /invite is the typed form (handlers.admin.invite), not this conversation.
    entry_points=[CommandHandler("invite", start, filters=NEW, has_args=False)],
    steps=[
        forms.Step(ROLE, "iv_step_role", [_tap(role, cb.InviteRole)]),
        forms.Step(AGENCY, "iv_step_agency", [
            _tap(agency, cb.InviteAgency),
            _tap(turn, cb.InvitePage),
            _tap(turn, cb.InviteButton, action="clr"),
            MessageHandler(TEXT, typed_filter)]),
    ],
    cancel_taps=cb.matches(cb.InviteButton, action="cancel"),
    fallbacks=[
        _tap(page_label, cb.InviteButton, action="pg"),
        _tap(stale, *cb.INVITE_FORM),
        MessageHandler(NEW & ~filters.COMMAND & ~TEXT, expect_text),
        MessageHandler(TEXT, expect_button),
    ],
)
