"""Admin commands: /invite, /invites, /revoke, and the buttons of their offers and lists."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update

from bot.context import HoaTocContext
from bot.domain.errors import InvalidInput, SecondHolder
from bot.domain.invites import InviteSpec, kind_of, parse_invite_args, spec_of
from bot.domain.models import Agency, Person, Role, parse_public_invite_id, public_invite_id
from bot.telegram import callbacks as cb
from bot.telegram import invite_view as view
from bot.telegram import render
from bot.texts import t
from handlers.common import best_effort, message, require, user_id


async def invite(update: Update, context: HoaTocContext) -> None:
    """/invite liaison|responder|admin|person … (or dau_moi, ung_cuu, quan_tri, can_bo)."""
    await require(update, context, Role.ADMIN, "invite")
    spec = parse_invite_args(list(context.args or []))
    if spec.role is Role.LIAISON:
        # Someone imported for this agency but not on the bot is offered, not duplicated.
        agency, people = await context.services.onboarding.candidates(user_id(update), spec)
        if people:
            await offer(update, kind_of(spec), agency, people)
            return
    await create(update, context, spec)


async def offer(update: Update, kind: cb.InviteKindName, agency: Agency | None,
                people: Sequence[Person]) -> None:
    """The imported people not yet on the bot, a button each, and «+ người mới»."""
    await message(update).reply_text(view.offer_text(kind, agency, people),
                                     reply_markup=view.offer_keyboard(kind, agency, people))


async def create(update: Update, context: HoaTocContext, spec: InviteSpec, *,
                 confirmed: bool = False) -> bool:
    """Create the invite and reply with its link; or ask to confirm a second primary liaison
    or lead (nothing written). True when created."""
    s = context.services
    try:
        created = await s.onboarding.create_invite(user_id(update), spec, confirmed=confirmed)
    except SecondHolder as exc:
        sure: cb.Tap = (cb.InviteLink(exc.person_id, sure=True) if exc.person_id is not None
                        else cb.InviteNew(kind_of(spec), exc.agency_id or 0, sure=True))
        await message(update).reply_text(
            view.holders_text(exc.key, str(exc.params.get("agency", "")), exc.holders,
                              exc.pending),
            reply_markup=view.confirm_keyboard(sure))
        return False
    await message(update).reply_text(t(
        "invite_created",
        public_id=created.invite.public_id,
        what=render.invite_what(created.invite, created.agency, created.person),
        link=f"https://t.me/{context.bot.username}?start={created.token}",
        expires=render.local_time(created.invite.expires_at, s.settings.tz),
    ), disable_web_page_preview=True)
    return True


async def offer_tap(update: Update, context: HoaTocContext) -> None:
    """An imported person, «+ người mới», «Xác nhận» or «Hủy» on an offer: re-checked."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    await require(update, context, Role.ADMIN, "invite")
    if isinstance(tap, cb.InviteLink):
        spec, sure = InviteSpec(None, person_id=tap.person_id), tap.sure
    elif isinstance(tap, cb.InviteNew):
        spec, sure = spec_of(tap.kind, tap.agency_id or None), tap.sure
    else:  # «Hủy»
        await query.answer()
        await best_effort(query.edit_message_reply_markup(None), "drop an invite offer")
        await message(update).reply_text(t("iv_dropped"))
        return
    await create(update, context, spec, confirmed=sure)
    await query.answer()
    # The offer (or the confirmation) is used up either way: its answer is below it.
    await best_effort(query.edit_message_reply_markup(None), "drop an invite offer")


async def invites(update: Update, context: HoaTocContext) -> None:
    """/invites: pending invites by public id, each with «Thu hồi»."""
    await require(update, context, Role.ADMIN, "invites")
    s = context.services
    views = await s.onboarding.pending_invites()
    if not views:
        await message(update).reply_text(t("invites_none"))
        return
    per = view.REVOKE_PER_MESSAGE  # a «Thu hồi» button per line: a keyboard per batch
    for first in range(0, len(views), per):
        batch = views[first:first + per]
        lines = [t("invites_header", count=len(views))] if first == 0 else []
        lines += [t("invites_line", public_id=v.invite.public_id,
                    what=render.invite_what(v.invite, v.agency, v.person),
                    expires=render.short_time(v.invite.expires_at, s.settings.tz))
                  for v in batch]
        parts = render.pack(lines)
        for i, part in enumerate(parts):
            markup = view.revoke_keyboard([v.invite for v in batch]) if i == len(parts) - 1 else None
            await message(update).reply_text(part, reply_markup=markup)


async def revoke_tap(update: Update, context: HoaTocContext) -> None:
    """«Thu hồi INV-17» asks; «Xác nhận thu hồi» revokes (re-checked, audited)."""
    query = update.callback_query
    assert query is not None
    tap = cb.parse(query.data)
    assert isinstance(tap, cb.InviteRevoke)
    await require(update, context, Role.ADMIN, "revoke")
    s = context.services
    if not tap.sure:
        pending = await s.onboarding.pending_invite(tap.invite_id)
        await query.answer()
        await message(update).reply_text(
            t("iv_revoke_ask", public_id=pending.invite.public_id,
              what=render.invite_what(pending.invite, pending.agency, pending.person)),
            reply_markup=view.revoke_confirm_keyboard(tap.invite_id))
        return
    revoked = await s.onboarding.revoke(user_id(update), tap.invite_id)
    await query.answer()
    await best_effort(query.edit_message_reply_markup(None), "drop a used confirmation")
    await message(update).reply_text(t("revoke_done", public_id=revoked.public_id))


async def revoke(update: Update, context: HoaTocContext) -> None:
    """/revoke INV-17: the link stops working."""
    await require(update, context, Role.ADMIN, "revoke")
    args = context.args or []
    invite_id = parse_public_invite_id(args[0]) if len(args) == 1 else None
    if invite_id is None:
        raise InvalidInput("revoke_usage")
    revoked = await context.services.onboarding.revoke(user_id(update), invite_id)
    await message(update).reply_text(t("revoke_done", public_id=public_invite_id(revoked.id)))
