"""/start (with or without an invite token), /help, and phone numbers."""

from __future__ import annotations

from collections.abc import Collection

from telegram import InlineKeyboardMarkup, Update

from bot.context import HoaTocContext
from bot.domain.errors import InvalidInput
from bot.domain.models import Role
from bot.domain.phones import display_phone
from bot.telegram import render, report_view
from bot.telegram.menus import clear_chat_menu, commands_for
from bot.texts import t
from handlers.common import NO_KEYBOARD, identity, message, phone_keyboard, refresh_menu, user_id


async def start(update: Update, context: HoaTocContext) -> None:
    """Join through an invite deep link, or tell the caller who they are here."""
    s, who = context.services, identity(update)
    if context.args:
        token = context.args[0] if len(context.args) == 1 else ""
        joined = await s.onboarding.redeem(who, token)
        await message(update).reply_text(
            render.welcome(joined.person, joined.invite, joined.agency, s.settings))
        refresh_menu(context, who, joined.person)
        if not joined.person.phone:
            await message(update).reply_text(t("ask_phone"), reply_markup=phone_keyboard())
        return
    person = await s.onboarding.ensure_super_admin(who) or await s.access.person(who.user_id)
    roles = s.access.effective_roles(who.user_id, person)
    if person is not None and not person.active and not roles:
        # Someone who left or moved: say so (not "not registered"), and drop their menu.
        await message(update).reply_text(t("access_ended", **render.focal(s.settings)))
        context.application.create_task(clear_chat_menu(context.bot, who.chat_id),
                                        name=f"menu:{who.chat_id}")
        return
    if not roles:
        await message(update).reply_text(
            t("start_stranger", user_id=who.user_id, **render.focal(s.settings)))
        return
    name = person.full_name if person else who.full_name
    await message(update).reply_text(t("start_known", name=name, roles=render.role_names(roles)),
                                     reply_markup=_report_button(roles))
    refresh_menu(context, who, person)
    if person is not None and not person.phone:
        await message(update).reply_text(t("ask_phone"), reply_markup=phone_keyboard())


async def help_command(update: Update, context: HoaTocContext) -> None:
    """List the commands of the caller's roles."""
    s = context.services
    person = await s.access.person(user_id(update))
    roles = s.access.effective_roles(user_id(update), person)
    commands = commands_for(roles, registered=bool(roles))
    # How alerts work, for those who receive them.
    extra = [t("help_alerts")] if Role.RESPONDER in roles else []
    if Role.ADMIN in roles:  # the typed /invite forms and their Vietnamese names
        extra.append(t("help_invite"))
        extra.append(t("mg_help"))  # /agency, /group, /person
    await message(update).reply_text(render.help_text(commands, s.settings, extra),
                                     reply_markup=_report_button(roles))


def _report_button(roles: Collection[Role]) -> InlineKeyboardMarkup | None:
    """«🚨 Báo cáo sự cố» for those who may report (liaisons, responders, admins)."""
    return report_view.entry_keyboard() if roles else None


async def contact(update: Update, context: HoaTocContext) -> None:
    """A shared contact: store it as the sender's phone, if it is the sender's own."""
    shared = message(update).contact
    assert shared is not None
    if shared.user_id != user_id(update):
        await message(update).reply_text(t("phone_not_yours"), reply_markup=phone_keyboard())
        return
    await context.services.access.member(user_id(update), "contact")
    await _save_phone(update, context, shared.phone_number)


async def phone(update: Update, context: HoaTocContext) -> None:
    """/phone [number]: show the stored number, or replace it."""
    person = await context.services.access.member(user_id(update), "/phone")
    if context.args:
        await _save_phone(update, context, " ".join(context.args))
    elif person is not None and person.phone:
        await message(update).reply_text(
            t("phone_current", phone=display_phone(person.phone)), reply_markup=phone_keyboard())
    else:
        await message(update).reply_text(t("ask_phone"), reply_markup=phone_keyboard())


async def text(update: Update, context: HoaTocContext) -> None:
    """Plain text outside any conversation: a phone number if we are waiting for one."""
    s = context.services
    person = await s.access.person(user_id(update))
    if person is not None and not person.phone:
        await s.access.member(user_id(update), "phone")  # not from someone who left
        await _save_phone(update, context, message(update).text or "")
        return
    await message(update).reply_text(t("unexpected_message"))


async def _save_phone(update: Update, context: HoaTocContext, raw: str) -> None:
    try:
        stored = await context.services.onboarding.save_phone(user_id(update), raw)
    except InvalidInput as exc:
        await message(update).reply_text(
            render.domain_error(exc, context.services.settings), reply_markup=phone_keyboard())
        return
    await message(update).reply_text(
        t("phone_saved", phone=display_phone(stored)), reply_markup=NO_KEYBOARD)
