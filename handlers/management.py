"""/agency, /group, /person (admins): look, then change with a confirmed preview."""

from __future__ import annotations

from telegram import Update

from bot.context import HoaTocContext
from bot.domain.errors import InvalidInput
from bot.domain.models import AgencyKind, Role
from bot.services.management import Ambiguous, Preview, parse_kind
from bot.telegram import callbacks as cb
from bot.telegram import management_view as view
from bot.telegram.menus import clear_chat_menu
from bot.telegram.render import domain_error, plain
from bot.texts import t
from handlers.common import best_effort, message, require, user_id


def _split(context: HoaTocContext) -> tuple[str, list[str]]:
    args = list(context.args or [])
    return (args[0].lower(), args[1:]) if args else ("", [])


async def _show(update: Update, preview: Preview) -> None:
    await message(update).reply_text(view.preview_text(preview),
                                     reply_markup=view.keyboard(preview.nonce))


async def agency(update: Update, context: HoaTocContext) -> None:
    """/agency MÃ | add MÃ [loại] Tên | rename MÃ Tên | off MÃ | on MÃ."""
    await require(update, context, Role.ADMIN, "agency")
    s, uid = context.services.management, user_id(update)
    sub, rest = _split(context)
    if sub == "add" and rest:
        kind = parse_kind(rest[1]) if len(rest) > 1 else None
        name = rest[2:] if kind is not None else rest[1:]
        await _show(update, await s.preview_agency_add(uid, rest[0], " ".join(name),
                                                       kind or AgencyKind.OTHER))
    elif sub == "rename" and rest:
        await _show(update, await s.preview_agency_rename(uid, rest[0], " ".join(rest[1:])))
    elif sub in ("off", "on") and len(rest) == 1:
        await _show(update, await s.preview_agency_active(uid, rest[0], sub == "on"))
    elif sub and sub not in ("add", "rename", "off", "on") and not rest:
        for part in view.agency_parts(await s.agency(sub)):
            await message(update).reply_text(part)
    else:
        raise InvalidInput("mg_agency_usage")


async def group(update: Update, context: HoaTocContext) -> None:
    """/group | add NHÓM MÃ | remove NHÓM MÃ."""
    await require(update, context, Role.ADMIN, "group")
    s = context.services.management
    sub, rest = _split(context)
    if not sub:
        for part in view.groups_parts(*await s.groups()):
            await message(update).reply_text(part)
    elif sub in ("add", "remove") and len(rest) == 2:
        await _show(update, await s.preview_group(user_id(update), rest[0], rest[1],
                                                  sub == "add"))
    else:
        raise InvalidInput("mg_group_usage")


async def person(update: Update, context: HoaTocContext) -> None:
    """/person off MÃ|tên | primary MÃ|tên."""
    await require(update, context, Role.ADMIN, "person")
    s, uid = context.services.management, user_id(update)
    sub, rest = _split(context)
    if sub not in ("off", "primary"):
        raise InvalidInput("mg_person_usage")
    try:
        preview = await (s.preview_person_off if sub == "off" else s.preview_person_primary)(
            uid, " ".join(rest))
    except Ambiguous as exc:
        await message(update).reply_text(view.ambiguous_text(exc))
        return
    await _show(update, preview)


async def confirm_tap(update: Update, context: HoaTocContext) -> None:
    """«Xác nhận» or «Hủy» under a preview: re-authorised, then applied once (or dropped)."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.ManageConfirm)
    await require(update, context, Role.ADMIN, "agency")
    s = context.services
    try:
        if not tap.ok:
            await s.management.cancel(user_id(update), tap.nonce)
            done = t("mg_cancelled")
        else:
            result = await s.management.confirm(user_id(update), tap.nonce)
            done = view.done_text(result)
            chat = result.facts.get("person")
            if result.action == "person_off" and chat is not None and chat.chat_id is not None:
                context.application.create_task(clear_chat_menu(context.bot, chat.chat_id))
    except InvalidInput as exc:
        await query.answer(plain(domain_error(exc, s.settings))[:200], show_alert=True)
        await best_effort(query.edit_message_reply_markup(None), "drop a stale confirmation")
        return
    await query.answer()
    await best_effort(query.edit_message_reply_markup(None), "drop a used confirmation")
    await best_effort(message(update).reply_text(done), "tell the admin it is done")
