"""Every command and every kind of button, tried by someone who may not use it: refused
with a clear message, the refusal audited, nothing in the domain changed.

The tables name every command the application registers and every kind of button the
callback codec knows: a new one without an entry here fails the completeness tests.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from telegram.ext import CommandHandler

from bot.telegram import callbacks as cb
from handlers.forms import FormHandler
from tests.e2e.conftest import Harness
from tests.security.conftest import PEOPLE, World
from tests.security.taps import SAMPLES

EVERYONE = frozenset(PEOPLE)
REGISTERED = frozenset({"liaison", "responder", "admin"})
ADMIN = frozenset({"admin"})

# (command line, who may use it). A refusal starts with ⛔ and is audited; a command open to
# everyone is answered and changes nothing.
COMMANDS: list[tuple[str, frozenset[str]]] = [
    ("/start", EVERYONE), ("/help", EVERYONE), ("/cancel", EVERYONE),
    ("/phone", REGISTERED), ("/phone 0912 999 000", REGISTERED),
    ("/duty", REGISTERED),
    ("/incident", EVERYONE),  # without a code it only explains the usage
    ("/invite", ADMIN), ("/invite liaison CAT", ADMIN), ("/invite admin", ADMIN),
    ("/invites", ADMIN), ("/revoke INV-1", ADMIN),
    ("/status", ADMIN), ("/status 1556/UBND-KGVX", ADMIN),
    ("/broadcast", ADMIN), ("/duty_set", ADMIN), ("/duty_swap", ADMIN),
    ("/pending", frozenset({"liaison"})), ("/myreports", frozenset({"liaison"})),
    ("/alerts", frozenset({"responder", "admin"})),
    ("/incidents", frozenset({"responder", "admin"})),
    ("/overdue", frozenset({"responder", "admin"})),
    ("/audit", ADMIN), ("/audit 5", ADMIN),
    ("/chart", frozenset({"responder", "admin"})),
    ("/chart 1556/UBND-KGVX", frozenset({"responder", "admin"})),
    ("/status 01/06/2026 30/06/2026", ADMIN),
    ("/summary", ADMIN), ("/summary 2026H1", ADMIN),
    ("/export", ADMIN), ("/export 99/XX", ADMIN),
    ("/report", REGISTERED),
    # Management in chat (issue 13): looking and every change are for admins only.
    ("/agency", ADMIN), ("/agency CAT", ADMIN), ("/agency add XA_MOI Xã Mới", ADMIN),
    ("/agency rename CAT Công an", ADMIN), ("/agency off CAT", ADMIN), ("/agency on CAT", ADMIN),
    ("/group", ADMIN), ("/group add UBND_XA CAT", ADMIN), ("/group remove UBND_XA CAT", ADMIN),
    ("/person off P1", ADMIN), ("/person primary P1", ADMIN),
]

REFUSALS = ("access.denied", "incident.report_refused", "incident.view_refused")


def registered_commands(h: Harness) -> set[str]:
    """Every command a handler of the running application (conversations included) takes."""
    assert h.app is not None
    found: set[str] = set()
    for group in h.app.handlers.values():
        for handler in group:
            inner: Iterable[object] = (handler.entry_points if isinstance(handler, FormHandler)
                                       else [handler])
            for one in inner:
                if isinstance(one, CommandHandler):
                    found |= set(one.commands)
    return found


async def test_every_command_is_in_the_table(world: World) -> None:
    named = {line.split()[0].lstrip("/") for line, _ in COMMANDS}
    assert named == registered_commands(world.h)


def test_every_button_kind_has_a_sample() -> None:
    assert set(SAMPLES) == set(cb.KINDS)
    assert set(TAP_RULES) == set(cb.KINDS)


async def _answer(h: Harness, user: int, after: int, query: str | None = None) -> str:
    """What the person was told: the tap's answer and/or the next message (bounded waits)."""
    said = ""
    if query is not None:
        await h.fake.wait_for_call("answerCallbackQuery",
                                   lambda c: c.params.get("callback_query_id") == query)
        said = str((h.fake.callback_answer(query) or {}).get("text", ""))
    if not said:
        said = (await h.fake.wait_for_message(user, after=after)).plain_text or ""
    await h.services.sender.drained()
    return said


@pytest.mark.parametrize("who", sorted(PEOPLE))
async def test_commands_refused_to_whoever_may_not_use_them(world: World, who: str) -> None:
    h, user = world.h, PEOPLE[who]
    for line, allowed in COMMANDS:
        if who in allowed and allowed != EVERYONE:
            continue  # what a role may do is the rest of the suite's business
        h.clock.advance(seconds=61)  # past the refusal log's one-a-minute window
        before, audited = await world.snapshot(), len(await world.audit(*REFUSALS))
        after = len(h.fake.messages_to(user))
        h.fake.send_text(user, line)
        said = await _answer(h, user, after)
        assert "Có lỗi" not in said, (who, line, said)
        if who in allowed:
            assert "⛔" not in said, (who, line, said)
        else:
            assert said.startswith("⛔"), (who, line, said)
            assert len(await world.audit(*REFUSALS)) == audited + 1, (who, line)
        assert await world.snapshot() == before, (who, line)


# Per kind: who may press it here (skipped), and whether a refusal is audited. Buttons of a
# conversation the person is not in are stale ("không còn hiệu lực"), not audited: without a
# draft there is nothing they could act on.
CONVERSATION = (frozenset(), False)
TAP_RULES: dict[type[cb.Tap], tuple[frozenset[str], bool]] = {
    cb.Ack: (frozenset(), True), cb.PendingAck: (frozenset(), True),
    cb.OpenResult: (frozenset(), True), cb.ResultButton: CONVERSATION,
    cb.Status: (ADMIN, True), cb.StatusOpen: (ADMIN, True), cb.StatusList: (ADMIN, True),
    cb.PhoneAck: (ADMIN, True), cb.Claim: (frozenset(), True),
    cb.TurnClaims: (frozenset(), True), cb.DirectiveAction: (ADMIN, True),
    cb.AdminConfirm: CONVERSATION, cb.DutyPerson: CONVERSATION, cb.DutyShift: CONVERSATION,
    cb.DutyConfirm: CONVERSATION, cb.DutyCancel: CONVERSATION, cb.DutyBack: CONVERSATION,
    cb.QuickTime: CONVERSATION, cb.PickUrgency: CONVERSATION, cb.PickSecrecy: CONVERSATION,
    cb.ToggleGroup: CONVERSATION, cb.ToggleAgency: CONVERSATION, cb.TurnPage: CONVERSATION,
    cb.EditField: CONVERSATION, cb.BroadcastButton: CONVERSATION,
    cb.InviteRole: CONVERSATION, cb.InviteAgency: CONVERSATION, cb.InvitePage: CONVERSATION,
    cb.InviteButton: (ADMIN, True), cb.InviteLink: (ADMIN, True), cb.InviteNew: (ADMIN, True),
    cb.InviteRevoke: (ADMIN, True),
    cb.IncidentAction: (frozenset(), True),  # per verb: INCIDENT_ALLOWED
    cb.IncidentPage: (frozenset(), True),  # per list: PAGE_ALLOWED
    cb.IclButton: CONVERSATION, cb.IclPick: CONVERSATION, cb.IclPriority: CONVERSATION,
    cb.ReportButton: CONVERSATION, cb.ReportChoice: CONVERSATION, cb.ReportField: CONVERSATION,
    cb.ReportAgency: CONVERSATION, cb.ReportPage: CONVERSATION,
    cb.ManageConfirm: (ADMIN, True),
}
# On agency B's incident, not yet taken (see bot/domain/incidents.py's table): liaison A is
# not its reporter, the responder not its assignee, nobody here its lead.
INCIDENT_ALLOWED: dict[str, frozenset[str]] = {
    "take": frozenset({"responder"}), "view": frozenset({"responder", "admin"}),
    "files": frozenset({"responder", "admin"}), "prio": frozenset({"responder", "admin"}),
    "reassign": ADMIN, "close": ADMIN, "false": ADMIN,
}
PAGE_ALLOWED = {"o": frozenset({"responder", "admin"}), "m": frozenset({"liaison"})}
TAP_REFUSALS = ("ack.refused", "report.refused", "access.denied", "escalation.claim_refused",
                "incident.take_refused", "incident.move_refused", "incident.view_refused")


def _allowed(tap: cb.Tap) -> frozenset[str]:
    if isinstance(tap, cb.IncidentAction):
        return INCIDENT_ALLOWED.get(tap.verb, frozenset())
    if isinstance(tap, cb.IncidentPage):
        return PAGE_ALLOWED[tap.which]
    return TAP_RULES[type(tap)][0]


@pytest.mark.parametrize("who", sorted(PEOPLE))
async def test_buttons_refused_to_whoever_may_not_press_them(world: World, who: str) -> None:
    h, user = world.h, PEOPLE[who]
    on = await h.say(user, "/help")  # any message of the bot's in their chat carries the tap
    for kind in cb.KINDS:
        for tap in SAMPLES[kind](world):
            if who in _allowed(tap):
                continue
            h.clock.advance(seconds=61)  # past the refusal log's one-a-minute window
            before, audited = await world.snapshot(), len(await world.audit(*TAP_REFUSALS))
            after = len(h.fake.messages_to(user))
            data = tap.encode()
            said = await _answer(h, user, after, h.fake.press_button(user, on.message_id, data))
            assert "Có lỗi" not in said, (who, data, said)
            # ❌ "not found": someone outside an incident's agency is not told it exists.
            assert said.startswith(("⛔", "ℹ️", "❌")) or "không còn hiệu lực" in said, (
                who, data, said)
            if TAP_RULES[kind][1]:
                assert len(await world.audit(*TAP_REFUSALS)) == audited + 1, (who, data, said)
            assert await world.snapshot() == before, (who, data)
