"""/alerts: the escalations open now, how far each has climbed, and who is calling whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.domain.directives import Directive, DirectiveStatus
from bot.domain.errors import PermissionDenied
from bot.domain.escalation import SubjectKind, rounds
from bot.domain.models import Agency, Role
from bot.services.access import AccessService
from bot.services.directive_escalations import DirectiveEscalation
from bot.storage.agencies import AgencyRepository
from bot.storage.db import Database
from bot.storage.directives import DirectiveRepository
from bot.storage.escalations import EscalationRepository, EscalationRow
from bot.storage.people import PeopleRepository

KINDS = (SubjectKind.DIRECTIVE_ACK, SubjectKind.DIRECTIVE_RESULT)
ALLOWED = frozenset({Role.RESPONDER, Role.ADMIN})


@dataclass(frozen=True)
class AwaitedAgency:
    agency: Agency
    unreachable: bool
    caller: str | None  # the responder who took on calling it («Tôi sẽ liên hệ»)


@dataclass(frozen=True)
class OpenAlert:
    """One directive's open escalation of one kind: its round of urging and who is awaited."""

    kind: SubjectKind
    directive: Directive
    deadline: datetime
    rounds: tuple[int, int]  # "Đôn đốc (lần n/N)"; n = 0: only "nobody can be reached" so far
    agencies: list[AwaitedAgency]


def _urged(row: EscalationRow) -> bool:
    """Has it reached beyond the agency's own liaisons (a digest went out)?"""
    return rounds(row.steps, row.done)[0] > 0 or (row.unreachable and row.unreachable_notified)


class AlertService:
    def __init__(self, db: Database, clock: Clock, access: AccessService) -> None:
        self.db = db
        self.clock = clock
        self.access = access

    async def open_alerts(self, user_id: int) -> tuple[list[OpenAlert], datetime]:
        """For responders and admins (others refused, audited): most pressing deadline first,
        and when they were read (how late each agency is, as of then)."""
        person = await self.access.member(user_id, "/alerts")
        if not self.access.effective_roles(user_id, person) & ALLOWED:
            await self.access.refusals.add(user_id, "access.denied", "/alerts",
                                           {"needed": "responder|admin"})
            raise PermissionDenied("alerts_refused")
        conn = self.db.reader
        by_subject: dict[tuple[SubjectKind, int], list[EscalationRow]] = {}
        for row in await EscalationRepository(conn).unresolved(KINDS):
            if row.agency_id is not None and _urged(row):
                by_subject.setdefault((row.subject_kind, row.subject_id), []).append(row)
        names = {p.id: p.full_name for p in await PeopleRepository(conn).all()}
        alerts = []
        for (kind, subject_id), rows in by_subject.items():
            d = await DirectiveRepository(conn).get(subject_id)
            awaited = await DirectiveEscalation(kind).still_open(
                conn, subject_id, {r.agency_id for r in rows})
            rows = [r for r in rows if r.agency_id in awaited]
            if d.status is not DirectiveStatus.ACTIVE or not rows:
                continue
            agencies = await AgencyRepository(conn).by_ids([r.agency_id or 0 for r in rows])
            listed = [AwaitedAgency(agencies[r.agency_id or 0], r.unreachable,
                                    names.get(r.handled_by) if r.handled_by else None)
                      for r in rows]
            # Those nobody calls yet first: they are what a responder can take on.
            listed.sort(key=lambda a: (a.caller is not None, a.agency.name))
            counts = [rounds(r.steps, r.done) for r in rows]
            alerts.append(OpenAlert(kind, d, rows[0].deadline_at,
                                    (max(c[0] for c in counts), max(c[1] for c in counts)),
                                    listed))
        return (sorted(alerts, key=lambda a: (a.deadline, a.directive.id, a.kind)),
                self.clock.now())
