"""Small helpers every handler module shares."""

from __future__ import annotations

from telegram import (
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from bot.context import HoaTocContext
from bot.domain.models import Person, Role
from bot.services.onboarding import TelegramIdentity
from bot.telegram.menus import set_chat_menu
from bot.texts import t


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
