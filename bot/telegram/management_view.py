"""How /agency, /group and /person previews, results and lists look."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.models import Agency, AgencyKind, Group, Person, Rank, Role
from bot.domain.phones import display_phone
from bot.services.duty import not_on_the_bot
from bot.services.management import AgencyView, Ambiguous, Done, Preview, handle
from bot.telegram import callbacks as cb
from bot.telegram.render import pack
from bot.texts import Safe, join, label, t


def keyboard(nonce: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(label("button_confirm"),
                             callback_data=cb.ManageConfirm(True, nonce).encode()),
        InlineKeyboardButton(label("button_abort"),
                             callback_data=cb.ManageConfirm(False, nonce).encode()),
    ]])


def kind_name(kind: AgencyKind) -> str:
    return label(f"mg_kind_{kind}")


def _agency(agency: Agency) -> str:
    return f"{agency.name} ({agency.code})"


def _rank(person: Person) -> str:
    return label(f"rank_{person.rank or Rank.PRIMARY}")


def _primary_command(person: Person) -> Safe:
    return t("mg_candidate_command", command=f"/person primary {handle(person)}")


def preview_text(p: Preview) -> Safe:
    f = p.facts
    if p.action == "person_off":
        return _person_off(f)
    if p.action == "person_primary":
        return t("mg_preview_person_primary", agency=_agency(f["agency"]),
                 name=f["person"].full_name, code=handle(f["person"]),
                 former=_former(f["former"]))
    if p.action == "agency_add":
        return t("mg_preview_agency_add", name=f["name"], code=f["code"],
                 kind=kind_name(f["kind"]))
    if p.action == "agency_rename":
        return t("mg_preview_agency_rename", code=f["agency"].code, old=f["agency"].name,
                 new=f["name"])
    if p.action in ("agency_off", "agency_on"):
        a = f["agency"]
        return t(f"mg_preview_{p.action}", name=a.name, code=a.code, invites=f["invites"],
                 waiting=f["waiting"])
    g = f["group"]
    return t(f"mg_preview_{p.action}", agency=_agency(f["agency"]), group=g.name, code=g.code,
             count=f["count"])


def _person_off(f: dict[str, Any]) -> Safe:
    person: Person = f["person"]
    agency: Agency | None = f["agency"]
    where = (t("mg_where_liaison", rank=_rank(person), agency=_agency(agency))
             if agency is not None and person.has(Role.LIAISON) else Safe(""))
    parts = [t("mg_preview_person_off", name=person.full_name, code=handle(person),
               where=where, invites=f["invites"], queued=f["queued"])]
    if f["sole_primary"] and agency is not None:
        backups: list[Person] = f["backups"]
        suggest = (t("mg_suggest_backup", commands=join(
            [_primary_command(b) for b in backups], ", ")) if backups
            else t("mg_suggest_invite", code=agency.code))
        parts.append(t("mg_warn_sole_primary", agency=_agency(agency), suggest=suggest))
    if f["on_duty"]:
        parts.append(t("mg_warn_on_duty"))
    if f["assigned"]:
        parts.append(t("mg_warn_assigned", codes=", ".join(f["assigned"]),
                       first=f["assigned"][0]))
    parts.append(t("mg_confirm_hint"))
    return join(parts, "\n\n")


def _former(former: list[Person]) -> Safe:
    if not former:
        return Safe("")
    return t("mg_former_primary", names=", ".join(p.full_name for p in former))


def done_text(d: Done) -> Safe:
    f = d.facts
    if d.action == "person_off":
        return t("mg_done_person_off", name=f["person"].full_name, revoked=f["revoked"],
                 dropped=f["dropped"])
    if d.action == "person_primary":
        return t("mg_done_person_primary", name=f["person"].full_name,
                 agency=_agency(f["agency"]), former=_former(f["former"]))
    if d.action in ("agency_add", "agency_rename", "agency_off", "agency_on"):
        a: Agency = f["agency"]
        return t(f"mg_done_{d.action}", name=a.name, code=a.code, new=a.name,
                 revoked=f.get("revoked", 0))
    return t(f"mg_done_{d.action}", agency=_agency(f["agency"]), group=f["group"].name,
             count=f["count"])


def ambiguous_text(exc: Ambiguous) -> Safe:
    lines = []
    for p in exc.candidates[:20]:
        where = Safe("")
        if not p.active:
            where = t("mg_candidate_state", state=label("mg_state_inactive"))
        lines.append(t("mg_candidate", name=p.full_name, code=handle(p), where=where))
    return t("mg_person_ambiguous", query=exc.params["query"], candidates=join(lines))


def _state(person: Person) -> str:
    why = not_on_the_bot(person)
    return label({None: "mg_state_on_bot", "not_joined": "mg_state_not_joined",
                  "blocked": "mg_state_blocked", "inactive": "mg_state_inactive"}[why])


def agency_parts(v: AgencyView) -> list[Safe]:
    a = v.agency
    lines = [t("mg_agency_head", name=a.name, code=a.code, kind=kind_name(a.kind),
               state=t("mg_agency_inactive") if not a.active else Safe("")),
             t("mg_agency_groups", groups=", ".join(f"{g.name} ({g.code})" for g in v.groups))
             if v.groups else t("mg_agency_no_groups")]
    if not v.people:
        lines.append(t("mg_agency_nobody", code=a.code))
        return pack(lines)
    lines.append(t("mg_agency_people", count=len(v.people)))
    for p in v.people:
        what = (label("mg_what_liaison", rank=_rank(p)) if p.has(Role.LIAISON)
                else ", ".join(label(f"role_{r}") for r in sorted(p.roles)) or label("role_none"))
        lines.append(t("mg_person_line", name=p.full_name,
                       code=t("mg_person_code", code=handle(p)),
                       what=what, phone=display_phone(p.phone) if p.phone else label("mg_no_phone"),
                       state=_state(p)))
    return pack(lines)


def groups_parts(groups: list[Group], agencies: dict[int, Agency]) -> list[Safe]:
    if not groups:
        return [t("mg_groups_none")]
    lines = [t("mg_groups_head", count=len(groups))]
    for g in groups:
        off = sum(1 for a in g.agency_ids if a in agencies and not agencies[a].active)
        lines.append(t("mg_group_line", name=g.name, code=g.code, count=len(g.agency_ids),
                       inactive=t("mg_group_inactive", count=off) if off else Safe("")))
    return pack(lines)
