"""A small province for the security checks: two agencies, a directive and an incident each
person may or may not touch, and a way to prove that nothing in the domain changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import to_epoch
from bot.domain.directives import Directive
from bot.domain.incidents import Incident
from bot.services.incidents import ReportDraft
from bot.storage.agencies import AgencyRepository
from bot.storage.people import PeopleRepository
from bot.testing.fake_telegram import SentMessage
from tests.e2e.conftest import SUPER_ADMIN, Harness, harness  # noqa: F401  (the fixture)
from tests.e2e.test_directives import FAST, agency_ids, draft, is_directive, join
from tests.e2e.test_escalation import set_rotation
from tests.e2e.test_incident_taking import answers
from tests.e2e.test_onboarding import import_province

ADMIN = SUPER_ADMIN
LIAISON_A, LIAISON_B, RESPONDER, STRANGER = 101, 102, 103, 104
PEOPLE = {"stranger": STRANGER, "liaison": LIAISON_A, "responder": RESPONDER, "admin": ADMIN}

# Nothing falls due while a test taps and types for (fake) hours: no step may fire and
# change a row behind the test's back.
QUIET_POLICY = """
skip_steps_due_within: 0
directives:
  hoa_toc: {ack_within: 30d, steps: [{at: 0, notify: [on_duty]}]}
  thuong_khan: {ack_within: 30d, steps: [{at: 0, notify: [on_duty]}]}
  khan: {ack_within: 30d, steps: [{at: 0, notify: [on_duty]}]}
  thuong: {ack_within: 30d, steps: [{at: 0, notify: [on_duty]}]}
incidents:
  thap: {take_within: 30d, steps: [{at: 0, notify: [on_duty]}]}
  trung_binh: {take_within: 30d, steps: [{at: 0, notify: [on_duty]}]}
  cao: {take_within: 30d, steps: [{at: 0, notify: [on_duty]}]}
  nghiem_trong: {take_within: 30d, steps: [{at: 0, notify: [on_duty]}]}
"""

# The tables a refused command or tap must leave as they were. Not here: the audit log
# (refusals are written to it), drafts, the outbox (answers go through it) and people
# (the gate notes when someone was last seen).
DOMAIN_TABLES = (
    "agencies", "groups", "group_members", "person_roles", "invites", "directives",
    "directive_agencies", "acknowledgements", "deliveries", "result_reports", "escalations",
    "escalation_notices", "duty_rotation", "duty_overrides", "corrections", "incidents",
    "incident_events", "incident_files",
)


@dataclass
class World:
    h: Harness
    directive: Directive
    incident: Incident  # reported by agency B (TT_CNTT)
    copy_a: SentMessage  # the directive as liaison A (CAT) got it
    copy_b: SentMessage  # ... and as liaison B (TT_CNTT) got it
    agency_b: int
    liaison_b_id: int  # people.id
    responder_id: int

    async def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        rows = {}
        for name in DOMAIN_TABLES:
            async with self.h.services.db.reader.execute(f"SELECT * FROM {name} ORDER BY 1") as cur:
                rows[name] = [tuple(r) for r in await cur.fetchall()]
        return rows

    async def audit(self, *actions: str) -> list[Any]:
        from bot.storage.audit import AuditRepository

        found = await AuditRepository(self.h.services.db.reader).entries()
        return [e for e in found if not actions or e.action in actions]


async def build_world(h: Harness, tmp_path: Path, province: Path | None = None,
                      directive: dict[str, object] | None = None, **settings: object) -> World:
    """Admin 9001; 101 liaison of CAT (A); 102 liaison of TT_CNTT (B); 103 responder on
    duty; 104 a stranger. A Hỏa tốc directive to A and B, with a result report due; an
    incident reported by B."""
    policy = tmp_path / "quiet.yaml"
    policy.write_text(QUIET_POLICY, encoding="utf-8")
    await h.start(policy_file=policy, **{**FAST, **settings})
    if province is None:
        await import_province(h)
    else:
        from bot.services.importer import Importer

        await Importer(h.services.db, h.clock).import_file(province)
    await join(h, LIAISON_A, "liaison CAT")
    await join(h, LIAISON_B, "liaison TT_CNTT")
    await join(h, RESPONDER, "responder")
    async with h.services.db.transaction() as conn:
        for user, phone in [(LIAISON_A, "0912000101"), (LIAISON_B, "0912000102"),
                            (RESPONDER, "0913000103")]:
            await conn.execute("UPDATE people SET phone = ? WHERE telegram_user_id = ?",
                               (phone, user))
    await set_rotation(h, RESPONDER)
    d = draft(h, ack_deadline_at=h.clock.now() + timedelta(days=20),
              report_deadline_at=h.clock.now() + timedelta(days=25), **(directive or {}))
    d.agency_ids = await agency_ids(h, "CAT", "TT_CNTT")
    directive, _ = await h.services.broadcast.send(ADMIN, d)
    copy_a = await h.fake.wait_for_message(LIAISON_A, is_directive)
    copy_b = await h.fake.wait_for_message(LIAISON_B, is_directive)
    agency_b = await AgencyRepository(h.services.db.reader).by_code("TT_CNTT")
    detected = to_epoch(h.clock.now() - timedelta(hours=1))
    incident = await h.services.incidents.submit(
        LIAISON_B, ReportDraft(answers(agency_b.id, detected, operator="Trung tâm CNTT")))
    await h.services.sender.drained()
    people = PeopleRepository(h.services.db.reader)
    ids = {u: (await people.by_telegram_id(u)).id for u in (LIAISON_B, RESPONDER)}  # type: ignore[union-attr]
    return World(h, directive, incident, copy_a, copy_b, agency_b.id, ids[LIAISON_B], ids[RESPONDER])


@pytest.fixture
async def world(harness: Harness, tmp_path: Path) -> World:  # noqa: F811
    return await build_world(harness, tmp_path)
