"""Telegram adapters; `register` wires them onto the application in one explicit order."""

from __future__ import annotations

import re
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import (
    acks,
    admin,
    broadcast,
    directive_admin,
    duty,
    duty_admin,
    errors,
    fallback,
    gate,
    reports,
    start,
    status,
)
from handlers.acks import ACK_PATTERN
from handlers.fallback import stale_button, unexpected, unknown_command

GATE_GROUP = -1
TAP_GROUP = 0
MAIN_GROUP = 1


# Everything the tap group did not take (its handler runs in group 0 and does not stop others).
NOT_A_TAP = re.compile(r"^(?!ack:\d{1,12}$)")


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler; later groups only see what earlier ones let through."""
    # New private messages only: an edited "/invite ..." must not create a second invite.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(TypeHandler(Update, gate.gate), group=GATE_GROUP)
    # Taps are answered concurrently (block=False) in their own group, so neither a slow
    # update nor a conversation in progress can hold them back or swallow them.
    app.add_handler(CallbackQueryHandler(acks.acknowledge, pattern=ACK_PATTERN, block=False),
                    group=TAP_GROUP)
    app.add_handlers([
        broadcast.conversation(),
        directive_admin.conversation(),
        reports.conversation(),
        duty_admin.conversation(),
        CommandHandler("start", start.start, filters=private),
        CommandHandler("help", start.help_command, filters=private),
        CommandHandler("phone", start.phone, filters=private),
        CommandHandler("invite", admin.invite, filters=private),
        CommandHandler("invites", admin.invites, filters=private),
        CommandHandler("revoke", admin.revoke, filters=private),
        CommandHandler("cancel", fallback.nothing_to_cancel, filters=private),
        CommandHandler("status", status.status, filters=private),
        CommandHandler("pending", status.pending, filters=private),
        CommandHandler("duty", duty.duty, filters=private),
        CallbackQueryHandler(duty.claim, pattern=duty.CLAIM_PATTERN),
        CallbackQueryHandler(status.status_button, pattern=r"^st:\d{1,12}$"),
        CallbackQueryHandler(status.phone_ack, pattern=status.PHONE_ACK_PATTERN),
        MessageHandler(private & filters.CONTACT, start.contact),
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & filters.TEXT, start.text),
        MessageHandler(private & filters.ALL, unexpected),
        CallbackQueryHandler(stale_button, pattern=NOT_A_TAP),
    ], group=MAIN_GROUP)
    app.add_error_handler(errors.on_error)
