"""The callback codec: every tap survives a round trip; anything else parses to None."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import InlineKeyboardMarkup

from bot.domain.directives import Directive, DirectiveStatus, Secrecy, Urgency
from bot.domain.models import Agency, AgencyKind, Group
from bot.telegram import broadcast_view as kb
from bot.telegram import callbacks as cb
from bot.telegram import directive_view as view

BIG = 999_999_999_999  # the largest id the codec takes (12 digits)
T1 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)

TAPS: list[tuple[cb.Tap, str]] = [
    (cb.Ack(17), "ack:17"),
    (cb.Ack(BIG), f"ack:{BIG}"),
    (cb.PendingAck(17), "pnd:17"),
    (cb.OpenResult(5), "rep:5"),
    (cb.ResultButton("send"), "rr:send"),
    (cb.ResultButton("cancel"), "rr:cancel"),
    (cb.Status(3), "st:3"),
    (cb.StatusOpen(3), "sto:3"),
    *[(cb.StatusList(which, 3), f"sv:{which}:3") for which in ("nb", "pd", "rp")],
    (cb.StatusList("nb", BIG, BIG), f"sv:nb:{BIG}:{BIG}"),
    *[(cb.PhoneAck(step, 3, 4), f"ph:{step}:3:4") for step in ("ag", "ask", "ok", "no")],
    (cb.Claim(9), "escn:9"),
    (cb.Claim(9, 12), "esc:9:12"),
    (cb.TurnClaims(9, 0), "escp:9:0"),
    (cb.TurnClaims(BIG, 12), f"escp:{BIG}:12"),
    *[(cb.DirectiveAction(verb, 8), f"adm:{verb}:8") for verb in ("ext", "cor", "rcl")],
    (cb.AdminConfirm(True, "0a1b2c3d"), "adm:ok:0a1b2c3d"),
    (cb.AdminConfirm(False, "0a1b2c3d"), "adm:no:0a1b2c3d"),
    (cb.DutyPerson(False, 4), "dt:p:4"),
    (cb.DutyPerson(True, 4), "dt:q:4"),
    (cb.DutyShift(False, T1, T2), f"dt:sa:{int(T1.timestamp())}:{int(T2.timestamp())}"),
    (cb.DutyShift(True, T1, T2), f"dt:sb:{int(T1.timestamp())}:{int(T2.timestamp())}"),
    (cb.DutyConfirm("ffffffff"), "dt:ok:ffffffff"),
    (cb.DutyCancel(), "dt:cancel"),
    *[(cb.DutyBack(step), f"dt:back:{step}") for step in ("sa", "q", "sb", "f", "t")],
    *[(cb.QuickTime(target, choice, "0a1b2c3d"), f"qt:{target}:{choice}:0a1b2c3d")
      for target in ("dl", "rp", "ext", "df", "dt")
      for choice in ("now", "h1", "h2", "t17", "m0730", "def")],
    *[(cb.PickUrgency(u), f"bc:u:{u.value}") for u in Urgency],
    *[(cb.PickSecrecy(s), f"bc:s:{s.value}") for s in Secrecy],
    (cb.ToggleGroup(2), "bc:g:2"),
    (cb.ToggleAgency(7, 3), "bc:a:7:3"),
    (cb.ToggleAgency(7), "bc:a:7"),
    (cb.TurnPage(0), "bc:p:0"),
    *[(cb.EditField(f), f"bc:e:{f}") for f in cb.EDITABLE],
    (cb.BroadcastButton("dl_default"), "bc:dl:default"),
    (cb.BroadcastButton("rp_none"), "bc:rp:none"),
    *[(cb.BroadcastButton(a), f"bc:{a}")
      for a in ("next", "done", "all", "clr", "send", "edit", "cancel", "noop", "pg", "today")],
    *[(cb.InviteRole(k), f"iv:r:{k}") for k in ("liaison", "backup", "responder", "lead", "admin")],
    (cb.InviteAgency(7), "iv:a:7"),
    (cb.InvitePage(2), "iv:p:2"),
    *[(cb.InviteButton(a), f"iv:{a}") for a in ("cancel", "clr", "pg", "drop")],
    (cb.InviteLink(12), "iv:l:12:0"),
    (cb.InviteLink(BIG, sure=True), f"iv:l:{BIG}:1"),
    (cb.InviteNew("backup", BIG, sure=True), f"iv:n:backup:{BIG}:1"),
    (cb.InviteNew("lead"), "iv:n:lead:0:0"),
    (cb.InviteRevoke(17), "iv:rv:17"),
    (cb.InviteRevoke(17, sure=True), "iv:rk:17"),
    *[(cb.IncidentAction(verb, 7), f"inc:{verb}:7")  # type: ignore[arg-type]
      for verb in ("take", "start", "release", "reassign", "resolve", "reopen", "close",
                   "false", "prio", "progress", "view", "files")],
    (cb.IncidentAction("close", BIG), f"inc:close:{BIG}"),
    *[(cb.IclButton(a, "0a1b2c3d"), f"icl:{a}:0a1b2c3d")  # type: ignore[arg-type]
      for a in ("ok", "no", "skip")],
    (cb.IclPick(BIG, "0a1b2c3d"), f"icl:p:{BIG}:0a1b2c3d"),
    (cb.IncidentPage("o", 3), "incs:o:3"),
    *[(cb.ReportButton(a), f"ir:{a}")  # type: ignore[arg-type]
      for a in ("new", "ok", "fix", "send", "edit", "cancel", "more", "nomore", "pg", "clr")],
    (cb.ReportChoice("system_level", "unknown"), "ir:c:system_level:unknown"),
    *[(cb.ReportField(a, "detected_at"), f"ir:{c}:detected_at")  # type: ignore[arg-type]
      for a, c in (("skip", "s"), ("now", "n"), ("h1", "h"), ("done", "d"), ("pick", "e"))],
    (cb.ReportAgency(BIG), f"ir:a:{BIG}"),
    (cb.ReportPage(3), "ir:p:3"),
    (cb.IclPriority("nghiem_trong", "0a1b2c3d"), "icl:r:nghiem_trong:0a1b2c3d"),
    (cb.IncidentPage("m", BIG), f"incs:m:{BIG}"),
    (cb.IncidentAction("take", BIG), f"inc:take:{BIG}"),
    (cb.ManageConfirm(True, "0a1b2c3d4e5f"), "mg:y:0a1b2c3d4e5f"),
    (cb.ManageConfirm(False, "0a1b2c3d4e5f"), "mg:n:0a1b2c3d4e5f"),
]


@pytest.mark.parametrize(("tap", "data"), TAPS, ids=[d for _, d in TAPS])
def test_round_trip(tap: cb.Tap, data: str) -> None:
    assert tap.encode() == data  # the shapes already on people's buttons do not change
    assert cb.parse(data) == tap
    assert len(data.encode()) <= cb.MAX_BYTES


def test_every_kind_is_covered() -> None:
    assert {type(tap) for tap, _ in TAPS} == set(cb.KINDS)


FORGED = [
    None, 17, b"ack:1", "", "ack:", "ack:x", "ack:-1", "ack:1 ", " ack:1", "ack:1\n", "ACK:1",
    "ack:1234567890123",  # 13 digits
    "ack:1:2", "ack:١٢",  # Arabic-Indic digits are \d to Python, not to us
    "pnd:", "pnd:1:2",
    "rep:", "rr:sent", "st:", "ph:yes:1:2", "ph:ok:1", "esc:1", "escn:1:2", "escp:1", "escp:1:",
    "escp:1:2:3", "escp:1:-2", "adm:del:1",
    "adm:ok:0A1B2C3D", "adm:ok:0a1b2c3", "dt:x:1", "dt:sa:1", "dt:ok:", "dt:cancel:1",
    "bc:u:urgent", "bc:s:secret", "bc:g", "bc:a:", "bc:a:1:2:3", "bc:p:x", "bc:e:title",
    "bc:dl:custom", "bc:", "bc:nextx", "unknown:1",
    "sto:", "sto:1:2", "sv:xx:1", "sv:nb:", "sv:nb:1:", "sv:nb:1:2:3", "sv:pd:-1", "sv:rp:1:x",
    "qt:dl:h3:0a1b2c3d", "qt:xx:h1:0a1b2c3d", "qt:dl:h1", "qt:dl:h1:0a1b2c3", "qt:dl:h1:0a1b2c3d:1",
    "dt:back", "dt:back:x", "dt:back:sa:1",
    "iv:r:boss", "iv:a:", "iv:l:1", "iv:l:1:2", "iv:n:admin:1", "iv:n:chief:0:0", "iv:rv:",
    "iv:rx:1", "iv:x",
    "inc:take:", "inc:take:1:2", "inc:grab:1", "inc:take:-1", "inc::1",
    "mg:y:", "mg:y:0a1b2c3d", "mg:y:0A1B2C3D4E5F", "mg:x:0a1b2c3d4e5f", "mg:y:0a1b2c3d4e5f0",
]


@pytest.mark.parametrize("data", FORGED, ids=[repr(d) for d in FORGED])
def test_forged_data_is_none(data: object) -> None:
    assert cb.parse(data) is None
    assert not cb.is_fast(data)


def test_over_64_bytes_is_none_and_never_encoded() -> None:
    padded = "ack:" + "0" * 61  # a valid shape but for its length (65 bytes)
    assert cb.parse(padded) is None
    assert cb.parse("ack:" + "0" * 12) == cb.Ack(0)
    with pytest.raises(ValueError, match="64 bytes"):
        cb.Claim(10**30, 10**30).encode()


def test_only_acknowledgements_and_taking_an_incident_skip_the_queue() -> None:
    assert cb.is_fast("ack:1") and cb.is_fast("pnd:1")  # on the directive, or on /pending
    assert cb.is_fast("inc:take:1")  # «Tiếp nhận»: the first responder becomes the assignee
    assert [data for tap, data in TAPS if cb.is_fast(data)] == [
        data for tap, data in TAPS if isinstance(tap, cb.Ack | cb.PendingAck)
        or (isinstance(tap, cb.IncidentAction) and tap.verb == "take")]
    assert cb.not_fast("rep:1") and not cb.not_fast("ack:1") and cb.not_fast("bc:x")
    assert cb.not_fast("inc:view:1") and not cb.not_fast("inc:take:1")


def test_matches_selects_kinds_and_field_values() -> None:
    confirm = cb.matches(cb.AdminConfirm, ok=True)
    assert confirm("adm:ok:0a1b2c3d") and not confirm("adm:no:0a1b2c3d")
    buttons = cb.matches(cb.BroadcastButton, action={"all", "clr"})
    assert buttons("bc:all") and buttons("bc:clr") and not buttons("bc:done")
    either = cb.matches(cb.ToggleGroup, cb.TurnPage)
    assert either("bc:g:1") and either("bc:p:1") and not either("bc:a:1") and not either("x")


def test_encoders_for_other_modules() -> None:
    assert cb.ack(1) == "ack:1" and cb.open_result(2) == "rep:2" and cb.status(3) == "st:3"
    assert cb.phone("ask", 1, 2) == "ph:ask:1:2" and cb.directive_action("rcl", 4) == "adm:rcl:4"
    assert cb.claim(5) == "escn:5" and cb.claim(5, 6) == "esc:5:6"
    assert cb.pending_ack(7) == "pnd:7"


def _data(markup: InlineKeyboardMarkup | None) -> list[str]:
    assert markup is not None
    return [str(b.callback_data) for row in markup.inline_keyboard for b in row]


def test_every_keyboard_carries_data_the_codec_parses() -> None:
    now = T1
    d = Directive(id=BIG, number="1/UBND", urgency=Urgency.HOA_TOC, issuer="UBND", summary="s",
                  ack_deadline_at=now, created_by=1, created_at=now, report_deadline_at=now,
                  status=DirectiveStatus.ACTIVE)
    agencies = [Agency(id=BIG - i, code=f"A{i}", name=f"Xã {i}", kind=AgencyKind.COMMITTEE)
                for i in range(20)]
    groups = [Group(id=BIG, code="G", name="Nhóm", agency_ids=frozenset({BIG}))]
    keyboards = [
        view.buttons(d, BIG, acked=False), view.admin_buttons(d),
        view.phone_ack_buttons(BIG, BIG), view.phone_confirm_buttons(BIG, BIG),
        kb.urgency_keyboard(), kb.secrecy_keyboard(), kb.continue_keyboard(),
        kb.picker_keyboard(groups, agencies, {BIG}, 1, filtered=True),
        kb.picker_keyboard(groups, agencies, set(), 0, filtered=False),
        kb.deadline_keyboard("17:00"), kb.report_keyboard(), kb.preview_keyboard(),
        kb.edit_keyboard(), kb.preview_buttons(view.buttons(d, 1, acked=False)),
        view.pending_buttons(d, BIG, acked=False), view.pending_buttons(d, BIG, acked=True),
    ]
    for markup in keyboards:
        for data in _data(markup):
            assert cb.parse(data) is not None, data
