"""Keyboards and texts of /invite (role, agency, the imported people offered) and /invites."""

from __future__ import annotations

import html
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.invites import INVITE_KINDS
from bot.domain.models import Agency, Invite, Person, Role
from bot.telegram import callbacks as cb
from bot.telegram.broadcast_view import agency_pages, short_label
from bot.telegram.render import rank_name
from bot.texts import Safe, join, label, t

# Imported people offered as buttons; more are invited by code (the text says how).
OFFERED = 20
# A person's button shows the name whole more often than the broadcast picker's 40.
PERSON_LABEL_MAX = 60
# /invites lines (and «Thu hồi» buttons) per message: well under 4,096 characters and 100 buttons.
REVOKE_PER_MESSAGE = 20


def _button(text: str, tap: cb.Tap) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=tap.encode())


def role_keyboard(super_admin: bool) -> InlineKeyboardMarkup:
    """One role a row; «Quản trị viên» only for super-admins (nobody else may invite one)."""
    kinds = [k for k in INVITE_KINDS if super_admin or k != "admin"]
    rows = [[_button(label(f"iv_role_{k}"), cb.InviteRole(k))] for k in kinds]
    rows.append([_button(label("bc_btn_cancel"), cb.InviteButton("cancel"))])
    return InlineKeyboardMarkup(rows)


def agency_keyboard(agencies: list[Agency], page: int, filtered: bool) -> InlineKeyboardMarkup:
    """The broadcast's paged picker, one agency picked instead of many toggled."""
    rows = agency_pages(agencies, page,
                        lambda a, _page: _button(short_label(a.name), cb.InviteAgency(a.id)),
                        cb.InvitePage, cb.InviteButton("pg"))
    last = [_button(label("bc_btn_cancel"), cb.InviteButton("cancel"))]
    if filtered:
        last.insert(0, _button(label("bc_btn_clear_filter"), cb.InviteButton("clr")))
    rows.append(last)
    return InlineKeyboardMarkup(rows)


def what(kind: cb.InviteKindName, agency: Agency | None) -> Safe:
    """Whom an invite of this kind is for, as the offer names it."""
    if kind in ("liaison", "backup") and agency is not None:
        rank = label("rank_primary" if kind == "liaison" else "rank_backup")
        return t("iv_what_liaison", rank=rank, agency=agency.name)
    return t({"responder": "what_responder", "lead": "what_responder_lead",
              "admin": "what_admin"}.get(kind, "what_admin"))


def offer_text(kind: cb.InviteKindName, agency: Agency | None,
               people: Sequence[Person]) -> Safe:
    if not people:
        return t("iv_offer_none", what=what(kind, agency))
    more = t("iv_offer_more", shown=OFFERED) if len(people) > OFFERED else ""
    return t("iv_offer", what=what(kind, agency), count=len(people), more=more)


def offer_keyboard(kind: cb.InviteKindName, agency: Agency | None,
                   people: Sequence[Person]) -> InlineKeyboardMarkup:
    """One button per imported person not on the bot, then «+ người mới», then «Hủy»."""
    rows = []
    for p in people[:OFFERED]:
        text = (label("iv_candidate", name=p.full_name, rank=rank_name(p.rank))
                if p.has(Role.LIAISON) and kind in ("liaison", "backup")
                else label("iv_candidate_plain", name=p.full_name))
        rows.append([_button(short_label(text, PERSON_LABEL_MAX), cb.InviteLink(p.id))])
    rows.append([_button(label("iv_btn_new"),
                         cb.InviteNew(kind, agency.id if agency is not None else 0))])
    rows.append([_button(label("bc_btn_cancel"), cb.InviteButton("drop"))])
    return InlineKeyboardMarkup(rows)


def holders_text(key: str, agency: str, holders: Sequence[Person],
                 pending: Sequence[str] = ()) -> Safe:
    """`… đã có cán bộ đầu mối chính: X (chưa dùng bot)`: who holds it, and whether on the bot;
    then the pending invites that would give it to someone new."""
    names = [t("iv_not_on_bot", name=p.full_name) if p.telegram_user_id is None
             else Safe(html.escape(p.full_name, quote=False)) for p in holders]
    names += [t("iv_pending_holder", public_id=public_id) for public_id in pending]
    return t(key, agency=agency, names=join(names, ", "))


def confirm_keyboard(sure: cb.Tap) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(label("button_confirm"), sure),
                                  _button(label("bc_btn_cancel"), cb.InviteButton("drop"))]])


def revoke_keyboard(invites: Sequence[Invite]) -> InlineKeyboardMarkup:
    """«Thu hồi INV-17» for each pending invite of one /invites message, two a row."""
    buttons = [_button(label("iv_btn_revoke", public_id=i.public_id), cb.InviteRevoke(i.id))
               for i in invites]
    return InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


def revoke_confirm_keyboard(invite_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(label("iv_btn_revoke_confirm"),
                                          cb.InviteRevoke(invite_id, sure=True)),
                                  _button(label("bc_btn_cancel"), cb.InviteButton("drop"))]])
