"""One sample of every kind of button, aimed at the world's directive and incident of agency B.

`SAMPLES` must name every kind in `bot.telegram.callbacks.KINDS`: a new kind of button without
a sample here fails `test_every_button_kind_has_a_sample`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import get_args

from bot.domain.directives import Secrecy, Urgency
from bot.telegram import callbacks as cb
from tests.security.conftest import World

NONCE = "deadbeef"  # the shape of a nonce; never one the bot issued


def _delivery_b(w: World) -> int:
    return int(w.copy_b.button_data("Đã nhận").split(":")[1])


def _at(w: World, hours: int) -> object:
    return w.h.clock.now() + timedelta(hours=hours)


Sample = Callable[[World], list[cb.Tap]]

# kind -> the taps a test presses (encoded by the codec itself, so they parse).
SAMPLES: dict[type[cb.Tap], Sample] = {
    cb.Ack: lambda w: [cb.Ack(_delivery_b(w))],
    cb.PendingAck: lambda w: [cb.PendingAck(_delivery_b(w))],
    cb.OpenResult: lambda w: [cb.OpenResult(_delivery_b(w))],
    cb.ResultButton: lambda w: [cb.ResultButton("send")],
    cb.Status: lambda w: [cb.Status(w.directive.id)],
    cb.StatusOpen: lambda w: [cb.StatusOpen(w.directive.id)],
    cb.StatusList: lambda w: [cb.StatusList("pd", w.directive.id)],
    cb.PhoneAck: lambda w: [cb.PhoneAck(step, w.directive.id, w.agency_b)
                            for step in ("ag", "ask", "ok")],
    cb.Claim: lambda w: [cb.Claim(1), cb.Claim(1, 1)],
    cb.TurnClaims: lambda w: [cb.TurnClaims(1, 1)],
    cb.DirectiveAction: lambda w: [cb.DirectiveAction(v, w.directive.id)
                                   for v in ("ext", "cor", "rcl")],
    cb.AdminConfirm: lambda w: [cb.AdminConfirm(True, NONCE)],
    cb.DutyPerson: lambda w: [cb.DutyPerson(False, w.responder_id)],
    cb.DutyShift: lambda w: [cb.DutyShift(False, _at(w, 1), _at(w, 13))],  # type: ignore[arg-type]
    cb.DutyConfirm: lambda w: [cb.DutyConfirm(NONCE)],
    cb.DutyCancel: lambda w: [cb.DutyCancel()],
    cb.DutyBack: lambda w: [cb.DutyBack("sa")],
    cb.QuickTime: lambda w: [cb.QuickTime("ext", "h1", NONCE)],
    cb.PickUrgency: lambda w: [cb.PickUrgency(Urgency.HOA_TOC)],
    cb.PickSecrecy: lambda w: [cb.PickSecrecy(Secrecy.NONE)],
    cb.ToggleGroup: lambda w: [cb.ToggleGroup(1)],
    cb.ToggleAgency: lambda w: [cb.ToggleAgency(w.agency_b)],
    cb.TurnPage: lambda w: [cb.TurnPage(1)],
    cb.EditField: lambda w: [cb.EditField("summary")],
    cb.BroadcastButton: lambda w: [cb.BroadcastButton("send")],
    cb.InviteRole: lambda w: [cb.InviteRole("admin")],
    cb.InviteAgency: lambda w: [cb.InviteAgency(w.agency_b)],
    cb.InvitePage: lambda w: [cb.InvitePage(1)],
    cb.InviteButton: lambda w: [cb.InviteButton("drop")],
    cb.InviteLink: lambda w: [cb.InviteLink(w.liaison_b_id, True)],
    cb.InviteNew: lambda w: [cb.InviteNew("admin", 0, True), cb.InviteNew("liaison", w.agency_b, True)],
    cb.InviteRevoke: lambda w: [cb.InviteRevoke(1, True)],
    cb.IncidentAction: lambda w: [cb.IncidentAction(v, w.incident.id)
                                  for v in get_args(cb.IncidentVerb)],
    cb.IncidentPage: lambda w: [cb.IncidentPage("o", 0), cb.IncidentPage("m", 0)],
    cb.IclButton: lambda w: [cb.IclButton("ok", NONCE)],
    cb.IclPick: lambda w: [cb.IclPick(w.responder_id, NONCE)],
    cb.IclPriority: lambda w: [cb.IclPriority("nghiem_trong", NONCE)],
    cb.ReportButton: lambda w: [cb.ReportButton("send")],
    cb.ReportChoice: lambda w: [cb.ReportChoice("category", "malware")],
    cb.ReportField: lambda w: [cb.ReportField("now", "detected_at")],
    cb.ReportAgency: lambda w: [cb.ReportAgency(w.agency_b)],
    cb.ReportPage: lambda w: [cb.ReportPage(1)],
    cb.ManageConfirm: lambda w: [cb.ManageConfirm(True, "0123456789ab"),
                                 cb.ManageConfirm(False, "0123456789ab")],
}
