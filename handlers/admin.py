"""Admin commands: /invite, /invites, /revoke."""

from __future__ import annotations

from telegram import Update

from bot.context import HoaTocContext
from bot.domain.errors import InvalidInput
from bot.domain.invites import parse_invite_args
from bot.domain.models import Role, parse_public_invite_id, public_invite_id
from bot.telegram import render
from bot.texts import t
from handlers.common import message, require, user_id


async def invite(update: Update, context: HoaTocContext) -> None:
    """/invite liaison|responder|admin|person …: create a single-use deep link."""
    await require(update, context, Role.ADMIN, "invite")
    spec = parse_invite_args(list(context.args or []))
    s = context.services
    created = await s.onboarding.create_invite(user_id(update), spec)
    await message(update).reply_text(t(
        "invite_created",
        public_id=created.invite.public_id,
        what=render.invite_what(created.invite, created.agency, created.person),
        link=f"https://t.me/{context.bot.username}?start={created.token}",
        expires=render.local_time(created.invite.expires_at, s.settings.tz),
    ), disable_web_page_preview=True)


async def invites(update: Update, context: HoaTocContext) -> None:
    """/invites: pending invites by public id."""
    await require(update, context, Role.ADMIN, "invites")
    s = context.services
    views = await s.onboarding.pending_invites()
    if not views:
        await message(update).reply_text(t("invites_none"))
        return
    lines = [t("invites_header", count=len(views))] + [
        t("invites_line", public_id=v.invite.public_id,
          what=render.invite_what(v.invite, v.agency, v.person),
          expires=render.short_time(v.invite.expires_at, s.settings.tz))
        for v in views
    ]
    for part in render.pack(lines):
        await message(update).reply_text(part)


async def revoke(update: Update, context: HoaTocContext) -> None:
    """/revoke INV-17: the link stops working."""
    await require(update, context, Role.ADMIN, "revoke")
    args = context.args or []
    invite_id = parse_public_invite_id(args[0]) if len(args) == 1 else None
    if invite_id is None:
        raise InvalidInput("revoke_usage")
    revoked = await context.services.onboarding.revoke(user_id(update), invite_id)
    await message(update).reply_text(t("revoke_done", public_id=public_invite_id(revoked.id)))
