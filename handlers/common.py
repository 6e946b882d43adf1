"""Small helpers every handler module shares."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from telegram import (
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import MessageHandler, filters

from bot.context import HoaTocContext
from bot.domain.models import Person, Role
from bot.services.onboarding import TelegramIdentity
from bot.telegram.menus import set_chat_menu
from bot.texts import t

log = logging.getLogger(__name__)
_T = TypeVar("_T")


def identity(update: Update) -> TelegramIdentity:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    return TelegramIdentity(user.id, chat.id, user.full_name)


def message(update: Update) -> Message:
    msg = update.effective_message
    assert msg is not None
    return msg


def user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def require(update: Update, context: HoaTocContext, role: Role, command: str) -> None:
    """Refuse (audited, with a reply saying which role is needed) unless the caller has `role`."""
    await context.services.access.require(user_id(update), role, f"/{command}")


# Conversations take new messages only: an edited earlier answer (or an edited
# "/broadcast") must not count as the next answer (or restart and wipe the draft).
NEW = filters.UpdateType.MESSAGE


async def take_button(update: Update) -> str:
    """Answer a tap and drop the keyboard it came from (its step is done); its data."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    return query.data


async def best_effort(call: Awaitable[_T], what: str) -> _T | None:
    """A reply or edit after the work is committed: its failure is logged, never reported.

    Telling someone "Có lỗi" after a successful save leads them to do it again.
    """
    try:
        return await call
    except TelegramError as exc:
        log.warning("after a committed change, could not %s: %s", what, exc)
        return None


async def expect_text(update: Update, context: HoaTocContext) -> None:
    """A sticker, photo, ... where text is expected."""
    await message(update).reply_text(t("bc_expect_text"))


async def expect_button(update: Update, context: HoaTocContext) -> None:
    """Typed something where a button is expected."""
    await message(update).reply_text(t("bc_expect_button"))


async def edited_message(update: Update, context: HoaTocContext) -> None:
    """An earlier message was edited mid-conversation: it is not taken as an answer."""
    await message(update).reply_text(t("conv_edited"))


def edits_ignored() -> MessageHandler[Any, Any]:
    """A conversation's fallback that answers an edit with a short note, taking nothing."""
    return MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited_message)


def phone_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(t("button_share_phone"), request_contact=True)]],
        resize_keyboard=True, one_time_keyboard=True,
    )


NO_KEYBOARD = ReplyKeyboardRemove()


def refresh_menu(context: HoaTocContext, who: TelegramIdentity, person: Person | None) -> None:
    """Set the chat's command menu for the person's roles, in the background."""
    roles = context.services.access.effective_roles(who.user_id, person)
    context.application.create_task(
        set_chat_menu(context.bot, who.chat_id, roles), name=f"menu:{who.chat_id}"
    )
