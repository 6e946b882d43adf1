"""Telegram adapters; `register` wires them onto the application in one explicit order."""

from __future__ import annotations

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

from bot.telegram import callbacks
from handlers import (
    acks,
    admin,
    alerts,
    audit,
    broadcast,
    chart,
    directive_admin,
    duty,
    duty_admin,
    errors,
    export,
    fallback,
    forms,
    gate,
    incident_actions,
    incident_views,
    incidents,
    invite_form,
    management,
    overdue,
    report,
    results,
    start,
    status,
    summary,
)
from handlers.fallback import stale_button, unexpected, unknown_command

# Every conversation, in the order they are asked whether an update is theirs.
FORMS = (broadcast.FORM, directive_admin.FORM, results.FORM, duty_admin.FORM, invite_form.FORM,
         incident_actions.FORM, report.FORM)

GATE_GROUP = -1
TAP_GROUP = 0
MAIN_GROUP = 1


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler; later groups only see what earlier ones let through."""
    # New private messages only: an edited "/invite ..." must not create a second invite.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(TypeHandler(Update, gate.gate), group=GATE_GROUP)
    # Taps are answered concurrently (block=False) in their own group, so neither a slow
    # update nor a conversation in progress can hold them back or swallow them.
    app.add_handler(CallbackQueryHandler(acks.acknowledge, pattern=callbacks.matches(callbacks.Ack),
                                         block=False),
                    group=TAP_GROUP)
    app.add_handler(CallbackQueryHandler(acks.acknowledge_listed,
                                         pattern=callbacks.matches(callbacks.PendingAck),
                                         block=False),
                    group=TAP_GROUP)
    # «Tiếp nhận» as fast: the first responder to tap becomes the incident's assignee.
    app.add_handler(CallbackQueryHandler(incidents.take, pattern=callbacks.matches(
        callbacks.IncidentAction, verb="take"), block=False), group=TAP_GROUP)
    # Conversations first: while one is in progress its answers are its own.
    services = app.bot_data.services
    assert services is not None, "wire the services before the handlers"
    conversations = forms.Forms(services.drafts)
    app.add_handlers([
        *(conversations.handler(form) for form in FORMS),
        CommandHandler("start", start.start, filters=private),
        CommandHandler("help", start.help_command, filters=private),
        CommandHandler("phone", start.phone, filters=private),
        CommandHandler("invite", admin.invite, filters=private),
        CommandHandler("invites", admin.invites, filters=private),
        CommandHandler("revoke", admin.revoke, filters=private),
        CallbackQueryHandler(admin.offer_tap, pattern=callbacks.matches(
            callbacks.InviteLink, callbacks.InviteNew)),
        CallbackQueryHandler(admin.offer_tap, pattern=callbacks.matches(
            callbacks.InviteButton, action="drop")),
        CallbackQueryHandler(admin.revoke_tap, pattern=callbacks.matches(callbacks.InviteRevoke)),
        CommandHandler("cancel", fallback.nothing_to_cancel, filters=private),
        CommandHandler("status", status.status, filters=private),
        CommandHandler("pending", status.pending, filters=private),
        CommandHandler("duty", duty.duty, filters=private),
        CommandHandler("alerts", alerts.alerts, filters=private),
        CommandHandler("overdue", overdue.overdue, filters=private),
        CommandHandler("audit", audit.audit, filters=private),
        CommandHandler("chart", chart.chart, filters=private),
        CommandHandler("summary", summary.summary, filters=private),
        # Management in chat (issue 13): a preview, then «Xác nhận» / «Hủy».
        CommandHandler("agency", management.agency, filters=private),
        CommandHandler("group", management.group, filters=private),
        CommandHandler("person", management.person, filters=private),
        CallbackQueryHandler(management.confirm_tap,
                             pattern=callbacks.matches(callbacks.ManageConfirm)),
        # /export: non-blocking, so a long build holds back none of the admin's updates.
        CommandHandler("export", export.export, filters=private, block=False),
        CommandHandler("incidents", incident_views.incidents, filters=private),
        CommandHandler("incident", incident_views.incident, filters=private),
        CommandHandler("myreports", incident_views.myreports, filters=private),
        CallbackQueryHandler(incident_views.view_tap, pattern=callbacks.matches(
            callbacks.IncidentAction, verb="view")),
        CallbackQueryHandler(incident_views.files_tap, pattern=callbacks.matches(
            callbacks.IncidentAction, verb="files")),
        CallbackQueryHandler(incident_views.page_tap, pattern=callbacks.matches(
            callbacks.IncidentPage)),
        CallbackQueryHandler(duty.claim, pattern=callbacks.matches(callbacks.Claim)),
        CallbackQueryHandler(duty.claim_page, pattern=callbacks.matches(callbacks.TurnClaims)),
        CallbackQueryHandler(status.status_button, pattern=callbacks.matches(callbacks.Status)),
        CallbackQueryHandler(status.status_open, pattern=callbacks.matches(callbacks.StatusOpen)),
        CallbackQueryHandler(status.status_list, pattern=callbacks.matches(callbacks.StatusList)),
        CallbackQueryHandler(status.phone_ack, pattern=callbacks.matches(callbacks.PhoneAck)),
        *incident_actions.HANDLERS,
        MessageHandler(private & filters.CONTACT, start.contact),
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & filters.TEXT, start.text),
        MessageHandler(private & filters.ALL, unexpected),
        # Everything the fast taps' group did not take (its handlers do not stop others).
        CallbackQueryHandler(stale_button, pattern=callbacks.not_fast),
    ], group=MAIN_GROUP)
    app.add_error_handler(errors.on_error)
