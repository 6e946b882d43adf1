"""The composition root: builds PTB's Application, opens the database, wires services."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import HTTPXRequest

import handlers
from bot.clock import Clock, SystemClock
from bot.context import BotData, HoaTocContext, Services
from bot.domain.notices import DIRECTIVE_KINDS
from bot.services.access import AccessService, RefusalLog
from bot.services.acks import AckService
from bot.services.alerts import AlertService
from bot.services.audit_view import AuditView
from bot.services.backups import BackupService
from bot.services.broadcast import BroadcastService
from bot.services.directive_escalations import SUBJECTS
from bot.services.duty import DutyService
from bot.services.escalation import EscalationService, Subject
from bot.services.exports import ExportService
from bot.services.figures import FiguresService
from bot.services.importer import Importer
from bot.services.incident_escalations import UNTAKEN, incident_subjects
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
from bot.storage.people import PeopleRepository
from bot.storage.processed import HandledUpdates
from bot.telegram.client import HoaTocBot
from bot.telegram.menus import set_default_menu
from bot.telegram.notifier import LateCopies, TelegramNotifier
from bot.telegram.ratelimit import PerChatRetry
from bot.telegram.scheduler import NEVER_MISFIRE, WakeUps
from bot.telegram.sender import OutboxSender, Outcome
from bot.telegram.updates import PerUserUpdateProcessor
from config.incident_form import load_form
from config.policy import load_policy
from config.settings import Settings

log = logging.getLogger(__name__)

HoaTocApp = Application[HoaTocBot, HoaTocContext, dict[Any, Any], dict[Any, Any], BotData, Any]

# Strong references to fire-and-forget tasks started before the application runs.
_background: set[asyncio.Task[None]] = set()

# The daily backup is checked this often (seconds); it runs once a day at HOATOC_BACKUP_AT.
BACKUP_CHECK_EVERY = 60.0
BACKUP_JOB = "daily-backup"

# Long polling holds a request open for this many seconds; the read timeout must exceed it.
POLL_TIMEOUT = 25


def make_bot(settings: Settings, request: HTTPXRequest, **kwargs: Any) -> HoaTocBot:
    root = settings.api_base_url
    return HoaTocBot(
        settings.token(), base_url=f"{root}/bot", base_file_url=f"{root}/file/bot",
        request=request, defaults=Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz),
        **kwargs,
    )


async def reach_bot_api(settings: Settings) -> str:
    """Call getMe once, as `hoatoc run` starts: the bot's username, or PTB's error
    (InvalidToken, NetworkError, TimedOut) before anything else has started."""
    request = HTTPXRequest(connection_pool_size=1, proxy=settings.proxy_url, connect_timeout=10,
                           read_timeout=10, write_timeout=10, pool_timeout=10)
    try:
        async with make_bot(settings, request) as probe:
            return probe.username
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # PTB reading the answer
        raise NotBotApiAnswer(
            f"the server answered getMe, but not as the Bot API does ({exc})") from exc


class NotBotApiAnswer(TelegramError):
    """A server at the Bot API's address answered JSON that is not the Bot API's (another
    service, an emulator that differs from Telegram): PTB could not read it."""


def build_services(settings: Settings, clock: Clock) -> Services:
    """Every service, wired; nothing touches the network or the disk until started."""
    db = Database(settings.database, clock)
    super_admins = frozenset(settings.admin_ids)
    policy = load_policy(settings.policy_file)
    form = load_form(settings.incident_form_file)
    # The outbox has its own clients: their own connection pools, and no PTB rate limiter
    # (it paces itself per chat, and a 429 must hold back only its chat).
    per_client = 8
    sender_bots = [make_bot(settings, HTTPXRequest(
        connection_pool_size=per_client + 1, proxy=settings.proxy_url,
        connect_timeout=10, read_timeout=20, write_timeout=20, pool_timeout=10,
    )) for _ in range(-(-settings.send_in_flight // per_client))]
    sender = OutboxSender(db, clock, sender_bots, rate=settings.send_rate,
                          per_chat_interval=settings.per_chat_interval,
                          max_in_flight=settings.send_in_flight,
                          on_late_landing=LateCopies(settings),
                          closed_chats=lambda conn: PeopleRepository(conn).closed_chats())
    notifier = TelegramNotifier(settings, sender)
    schedule = Signal()  # the earliest escalation due time may have moved: re-arm
    refusals = RefusalLog(db, clock)  # one window per refusal, whichever service refuses
    subjects: list[Subject] = [*SUBJECTS, *incident_subjects(form,
                                                             settings.incident_report_within)]
    escalation = EscalationService(db, clock, settings, notifier, subjects, schedule, refusals)
    broadcast = BroadcastService(db, clock, settings, policy, notifier, escalation)
    onboarding = OnboardingService(
        db, clock, invite_ttl=timedelta(hours=settings.invite_ttl_hours), super_admins=super_admins,
        refusals=refusals, late_delivery=broadcast, schedule=schedule)

    async def on_outcome(outcome: Outcome) -> None:
        if outcome.unreachable:
            await onboarding.mark_unreachable(outcome.chat_id, outcome.error or "unreachable")
        if outcome.subject_kind in DIRECTIVE_KINDS and outcome.subject_id is not None:
            broadcast.board.touch(outcome.subject_id)  # its status message counts again

    sender.add_listener(on_outcome)
    acks = AckService(db, clock, notifier, escalation, broadcast.board, refusals)
    access = AccessService(db, clock, super_admins, refusals)
    incidents = IncidentService(db, clock, settings, form, policy, notifier, refusals,
                                super_admins=super_admins, escalation=escalation)

    async def on_incident_outcome(outcome: Outcome) -> None:
        # After `on_outcome`: the person is already marked unreachable.
        if (outcome.unreachable and outcome.subject_kind == UNTAKEN
                and outcome.subject_id is not None):
            await incidents.page_unreached(outcome.subject_id)

    sender.add_listener(on_incident_outcome)
    return Services(
        settings=settings, clock=clock, db=db, access=access,
        onboarding=onboarding, broadcast=broadcast,
        acks=acks,
        results=ResultService(db, clock, notifier, escalation, refusals,
                              super_admins=super_admins, board=broadcast.board, acks=acks),
        escalation=escalation, alerts=AlertService(db, clock, access),
        overdue=OverdueService(db, clock, access),
        duty=DutyService(db, clock, settings, notifier), sender=sender,
        schedule=schedule,
        incidents=incidents,
        incident_views=IncidentViews(db, clock, settings, form, incidents, refusals),
        lifecycle=IncidentLifecycle(db, clock, settings, form, notifier, incidents, refusals),
        drafts=Drafts(db, clock, timeout=timedelta(minutes=settings.conversation_timeout_minutes)),
        backups=BackupService(db, clock, settings, notifier),
        audit=AuditView(db),
        summary_reminders=SummaryReminders(db, clock, settings, notifier),
        figures=FiguresService(db, clock, access, broadcast, settings.tz),
        summaries=SummaryService(db, clock, settings, form),
        management=ManagementService(db, clock, notifier, schedule, super_admins,
                                     page_untaken=incidents.page_untaken),
        exports=ExportService(db, clock, settings, form.option_labels("category")),
    )


def build_importer(settings: Settings, db: Database, clock: Clock) -> Importer:
    """What `hoatoc import` runs (in its own process, beside the running bot): the late
    copies it queues are sent by the bot's outbox sender, which polls for them."""
    notifier = TelegramNotifier(settings)
    # Every kind the engine may meet in the database, incidents included.
    subjects: list[Subject] = [*SUBJECTS, *incident_subjects(
        load_form(settings.incident_form_file), settings.incident_report_within)]
    escalation = EscalationService(db, clock, settings, notifier, subjects)
    late = BroadcastService(db, clock, settings, load_policy(settings.policy_file), notifier,
                            escalation)
    return Importer(db, clock, settings.tz, late_delivery=late)


def build_application(settings: Settings, *, clock: Clock | None = None) -> HoaTocApp:
    """Everything the bot needs, not yet started; the database opens in `post_init`."""
    request = HTTPXRequest(
        connection_pool_size=32, proxy=settings.proxy_url, connect_timeout=10, read_timeout=15,
        write_timeout=15, pool_timeout=5,
    )
    updates_request = HTTPXRequest(
        connection_pool_size=1, proxy=settings.proxy_url, connect_timeout=10,
        read_timeout=POLL_TIMEOUT + 10,
    )
    # Direct replies honour a 429's retry_after and are tried again rather than lost; the
    # 429 holds back only its chat (never everyone's tap answers); pacing is the outbox's job.
    client = make_bot(settings, request, get_updates_request=updates_request,
                      rate_limiter=PerChatRetry(max_retries=3))
    services = build_services(settings, clock or SystemClock())
    handled = HandledUpdates(services.db, services.clock)  # an update handed out twice
    app: HoaTocApp = (
        ApplicationBuilder()
        .bot(client)
        .concurrent_updates(PerUserUpdateProcessor(handled=handled))
        .context_types(ContextTypes(context=HoaTocContext, bot_data=BotData))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    app.bot_data.services = services
    handlers.register(app)
    return app


def services_of(app: HoaTocApp) -> Services:
    services = app.bot_data.services
    assert services is not None
    return services


async def _post_init(app: HoaTocApp) -> None:
    services = services_of(app)
    await services.db.open()
    await services.drafts.load()  # conversations in progress before a restart go on
    processor = app.update_processor
    if isinstance(processor, PerUserUpdateProcessor) and processor.handled is not None:
        await processor.handled.load()  # before the first update is fetched
    for client in services.sender.bots:
        await client.initialize()
    await services.sender.start()  # resumes whatever a previous run left in the outbox
    if app.job_queue is not None:  # awaited: steps missed while down fire before polling

        async def on_sweep(since: datetime, until: datetime) -> None:
            try:  # first, on its own: a failure later in the sweep must not hold it back
                await services.summary_reminders.run_due()
            except Exception:
                log.exception("the summary reminder check failed")
            await services.duty.shift_start_notices()
            await services.broadcast.touch_deadlines_passed(since, until)

        await WakeUps(app.job_queue, services.escalation, services.clock, on_sweep=on_sweep,
                      schedule=services.schedule).start()
        app.job_queue.run_repeating(daily_backup, interval=BACKUP_CHECK_EVERY,
                                    first=BACKUP_CHECK_EVERY, name=BACKUP_JOB,
                                    job_kwargs=NEVER_MISFIRE)
    # The menu is cosmetic: never let it hold up start-up or polling.
    task = asyncio.get_running_loop().create_task(set_default_menu(app.bot), name="default-menu")
    _background.add(task)
    task.add_done_callback(_background.discard)
    log.info("Hỏa Tốc started as @%s", app.bot.username)


async def daily_backup(context: HoaTocContext) -> None:
    """The scheduler's minute tick: today's backup, once its local time has come."""
    try:
        await context.services.backups.run_due()
    except Exception:  # the next tick tries again; the bot goes on
        log.exception("the daily backup check failed")


async def _post_shutdown(app: HoaTocApp) -> None:
    services = services_of(app)
    await services.broadcast.board.close()  # its last refreshes still need the database
    await services.sender.stop()
    for client in services.sender.bots:
        await client.shutdown()
    await services.db.close()


def run(app: HoaTocApp) -> None:
    """Long polling until SIGINT/SIGTERM."""
    app.run_polling(allowed_updates=Update.ALL_TYPES, timeout=POLL_TIMEOUT)


async def start_polling(app: HoaTocApp, *, poll_timeout: int = POLL_TIMEOUT) -> None:
    """What `run_polling` does before it blocks: used by tests and the demo in a running loop."""
    await app.initialize()
    await _post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(
        allowed_updates=Update.ALL_TYPES, timeout=poll_timeout, poll_interval=0
    )


async def stop_polling(app: HoaTocApp) -> None:
    assert app.updater is not None
    if app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    await _post_shutdown(app)
