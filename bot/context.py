"""The services handlers use, reached through a typed PTB context instead of raw bot_data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import CallbackContext

from bot.clock import Clock
from bot.services.access import AccessService
from bot.services.acks import AckService
from bot.services.alerts import AlertService
from bot.services.audit_view import AuditView
from bot.services.backups import BackupService
from bot.services.broadcast import BroadcastService
from bot.services.duty import DutyService
from bot.services.escalation import EscalationService
from bot.services.exports import ExportService
from bot.services.figures import FiguresService
from bot.services.incident_lifecycle import IncidentLifecycle
from bot.services.incident_views import IncidentViews
from bot.services.incidents import IncidentService
from bot.services.management import ManagementService
from bot.services.onboarding import OnboardingService
from bot.services.overdue import OverdueService
from bot.services.ports import Signal
from bot.services.results import ResultService
from bot.services.summaries import SummaryService
from bot.services.summary_reminders import SummaryReminders
from bot.storage.db import Database
from bot.storage.drafts import Drafts
from bot.telegram.client import HoaTocBot
from bot.telegram.sender import OutboxSender
from config.settings import Settings


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    access: AccessService
    onboarding: OnboardingService
    broadcast: BroadcastService
    acks: AckService
    results: ResultService
    escalation: EscalationService
    alerts: AlertService
    overdue: OverdueService
    duty: DutyService
    sender: OutboxSender
    schedule: Signal  # told when the earliest escalation due time may have moved
    incidents: IncidentService
    incident_views: IncidentViews
    lifecycle: IncidentLifecycle
    drafts: Drafts
    backups: BackupService
    audit: AuditView
    summary_reminders: SummaryReminders
    figures: FiguresService
    summaries: SummaryService
    management: ManagementService
    exports: ExportService


class BotData:
    """PTB's bot_data, typed: it holds the services and nothing else."""

    services: Services | None = None


class HoaTocContext(CallbackContext[HoaTocBot, dict[Any, Any], dict[Any, Any], BotData]):
    # The fields of the conversation draft this update belongs to, set by handlers.forms
    # around the step's callback (as PTB's own handlers set `args` and `matches`).
    form: object | None = None

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not wired: build the app with bot.app")
        return services
