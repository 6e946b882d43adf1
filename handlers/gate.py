"""Runs before every other handler: private chats only, and keep each person's chat state true."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.context import HoaTocContext
from bot.services.access import Admission
from bot.services.onboarding import TelegramIdentity
from bot.telegram import render
from bot.texts import t

log = logging.getLogger(__name__)


async def gate(update: Update, context: HoaTocContext) -> None:
    """Leave groups (nothing sensitive may go there); note who is reachable; damp strangers' floods."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and chat.type != ChatType.PRIVATE:
        member = update.my_chat_member
        if member is not None and member.new_chat_member.status in (
                ChatMember.MEMBER, ChatMember.ADMINISTRATOR):
            try:
                await context.bot.send_message(chat.id, t("group_refused"))
            except TelegramError as exc:
                log.warning("could not tell group %s why the bot leaves: %s", chat.id, exc)
        if update.callback_query is not None:
            # A button on a message in a group: its tapper alone sees why (never the group),
            # and their client stops waiting for an answer.
            try:
                await update.callback_query.answer(render.plain(t("group_refused")),
                                                   show_alert=True)
            except TelegramError as exc:
                log.warning("could not answer a tap in group %s: %s", chat.id, exc)
        if member is None or member.new_chat_member.status not in (
                ChatMember.LEFT, ChatMember.BANNED):
            try:
                await context.bot.leave_chat(chat.id)
            except TelegramError as exc:
                log.warning("could not leave group %s: %s", chat.id, exc)
        raise ApplicationHandlerStop
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    query = update.callback_query
    if query is not None and not query.data and not query.game_short_name:
        # PTB gives a tap that carries no data to every CallbackQueryHandler, patterns
        # notwithstanding: each would take it as its own and fail on it.
        await query.answer(t("button_unknown"), show_alert=True)
        raise ApplicationHandlerStop
    onboarding = context.services.onboarding
    member = update.my_chat_member
    if member is not None and member.new_chat_member.status == ChatMember.BANNED:
        # The person blocked the bot: nothing more can reach them until they write again.
        await onboarding.mark_unreachable(user.id, "blocked")
        raise ApplicationHandlerStop
    if chat is not None:
        person = await onboarding.touch(TelegramIdentity(user.id, chat.id, user.full_name))
        if not context.services.access.effective_roles(user.id, person) and not _joins(update):
            await _hold_back_flood(context, user.id, chat.id)


async def _hold_back_flood(context: HoaTocContext, user_id: int, chat_id: int) -> None:
    """Someone with no role is answered a few times, then told once why the rest is not."""
    admission = await context.services.access.admit_stranger(user_id)
    if admission is Admission.ANSWER:
        return
    if admission is Admission.NOTICE:
        try:
            await context.bot.send_message(
                chat_id, t("stranger_flood", **render.focal(context.services.settings)))
        except TelegramError as exc:
            log.warning("could not tell %s their messages are held back: %s", user_id, exc)
    raise ApplicationHandlerStop


def _joins(update: Update) -> bool:
    """/start with an invite token: how a stranger joins, so it is never held back."""
    parts = ((update.message.text if update.message else None) or "").split()
    return len(parts) > 1 and parts[0].split("@")[0] == "/start"
