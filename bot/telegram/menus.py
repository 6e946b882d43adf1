"""Per-chat command menus, set in the background so they never block start-up or polling."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.domain.models import Role
from bot.texts import TEXTS

log = logging.getLogger(__name__)

# (command, text key) in menu order; the help text lists the same commands.
COMMON: tuple[tuple[str, str], ...] = (("start", "cmd_start"), ("help", "cmd_help"))
REGISTERED: tuple[tuple[str, str], ...] = (
    ("duty", "cmd_duty"), ("phone", "cmd_phone"), ("cancel", "cmd_cancel"))
BY_ROLE: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.ADMIN: (("broadcast", "cmd_broadcast"), ("status", "cmd_status"),
                 ("report", "ir_cmd_report"),
                 ("alerts", "cmd_alerts"), ("overdue", "ovd_cmd_overdue"),
                 ("incidents", "incv_cmd_incidents"),
                 ("incident", "incv_cmd_incident"), ("duty_set", "cmd_duty_set"),
                 ("duty_swap", "cmd_duty_swap"),
                 ("invite", "cmd_invite"), ("invites", "cmd_invites"), ("revoke", "cmd_revoke"),
                 ("audit", "aud_cmd_audit"),
                 ("chart", "chart_cmd"), ("summary", "sum_cmd"),
                 ("agency", "mg_cmd_agency"), ("group", "mg_cmd_group"),
                 ("person", "mg_cmd_person"), ("export", "exp_cmd_export")),
    Role.LIAISON: (("pending", "cmd_pending"), ("report", "ir_cmd_report"),
                   ("myreports", "incv_cmd_myreports"), ("incident", "incv_cmd_incident")),
    Role.RESPONDER: (("alerts", "cmd_alerts"), ("overdue", "ovd_cmd_overdue"),
                     ("report", "ir_cmd_report"),
                     ("incidents", "incv_cmd_incidents"), ("incident", "incv_cmd_incident"),
                     ("chart", "chart_cmd")),
}


def commands_for(roles: Iterable[Role], registered: bool) -> list[tuple[str, str]]:
    """The (command, description) pairs a person with these roles may use."""
    pairs = list(COMMON)
    if registered:
        pairs += REGISTERED
    for role in Role:
        if role in set(roles):
            pairs += [p for p in BY_ROLE[role] if p not in pairs]
    return [(cmd, TEXTS[key]) for cmd, key in pairs]  # plain text, not HTML


async def set_default_menu(bot: Bot) -> None:
    try:
        await bot.set_my_commands(
            [BotCommand(c, d) for c, d in commands_for((), registered=False)],
            scope=BotCommandScopeDefault(),
        )
    except TelegramError as exc:
        log.warning("could not set the default command menu: %s", exc)


async def clear_chat_menu(bot: Bot, chat_id: int) -> None:
    """Drop a chat's own menu (access ended): the default one applies again."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not clear the command menu of chat %s: %s", chat_id, exc)


async def set_chat_menu(bot: Bot, chat_id: int, roles: Iterable[Role]) -> None:
    try:
        await bot.set_my_commands(
            [BotCommand(c, d) for c, d in commands_for(roles, registered=True)],
            scope=BotCommandScopeChat(chat_id),
        )
    except TelegramError as exc:
        log.warning("could not set the command menu of chat %s: %s", chat_id, exc)
